#!/usr/bin/env bash
# Look for racy tests: run several full pytest suites at once next to CPU hogs, so every test
# runs on a machine far busier than CI's. Prints each run's summary and its failures.
#
#   bash scripts/stress_suite.sh [SUITES=3] [ROUNDS=2] [HOGS=2]
#
# Run it from the repository root with the virtualenv that has the built extension active.
set -euo pipefail
set -m  # background jobs keep SIGINT: the Ctrl-C tests need it
suites=${1:-3} rounds=${2:-2} hogs=${3:-2}
logs=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true' EXIT
for _ in $(seq "$hogs"); do yes >/dev/null & done
for round in $(seq "$rounds"); do
  pids=()
  for k in $(seq "$suites"); do
    python -m pytest -q -p no:cacheprovider -rfE >"$logs/$round-$k.log" 2>&1 &
    pids+=($!)
  done
  for pid in "${pids[@]}"; do wait "$pid" || true; done
  for k in $(seq "$suites"); do
    echo "round $round, suite $k: $(tail -n 1 "$logs/$round-$k.log")"
    grep -E '^(FAILED|ERROR) ' "$logs/$round-$k.log" || true
  done
done
echo "logs in $logs"

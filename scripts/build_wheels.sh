#!/usr/bin/env bash
# Build the Linux wheels pip needs where our users run, plus the sdist, into dist/:
#
#   manylinux2014 (glibc 2.17) x86_64 and aarch64: RHEL/Rocky 8+, Debian 11, Ubuntu 20.04,
#     Amazon Linux 2, Graviton, Docker on Apple Silicon;
#   musllinux_1_2 x86_64 and aarch64: Alpine.
#
# Cross-compiled on one x86_64 Linux machine: rustup's targets for the Rust standard library,
# and zig (the `ziglang` package on PyPI) as the C compiler and linker, which links against the
# old glibc the tag promises instead of the machine's own. Each wheel is one abi3 wheel
# (CPython >= 3.10). Run from the repository root, in a virtualenv:
#
#   bash scripts/build_wheels.sh [TARGET ...]     # default: all four
#
# Then `python scripts/check_wheel.py dist/*.whl`. Known gap: the zig-linked musl wheels need
# `libc.so` rather than musl's runtime name, so the check refuses them (the release workflow
# builds musllinux wheels in maturin's containers instead).
set -euo pipefail
cd "$(dirname "$0")/.."

declare -A COMPAT=(
  [x86_64-unknown-linux-gnu]=manylinux2014
  [aarch64-unknown-linux-gnu]=manylinux2014
  [x86_64-unknown-linux-musl]=musllinux_1_2
  [aarch64-unknown-linux-musl]=musllinux_1_2
)
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(x86_64-unknown-linux-gnu aarch64-unknown-linux-gnu x86_64-unknown-linux-musl aarch64-unknown-linux-musl)
fi

python -m pip install -q "maturin>=1.9.4,<2" ziglang
mkdir -p dist
for target in "${targets[@]}"; do
  compat=${COMPAT[$target]:?"unknown target $target; known: ${!COMPAT[*]}"}
  rustup target add "$target" >/dev/null
  echo "=== $target ($compat)"
  maturin build --release --zig --target "$target" --compatibility "$compat" --out dist
done
echo "=== sdist"
maturin sdist --out dist
ls -l dist

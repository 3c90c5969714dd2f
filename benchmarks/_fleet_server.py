"""The accounts of ``bench_fleet.py``: N fake Simplicate accounts in this one process, each with
its own rate limit. Prints one JSON line (the URLs), serves until stdin closes, then prints one
JSON line with each account's answered statuses (so 429s are counted where they are sent).

    python benchmarks/_fleet_server.py N LIMIT_PER_MINUTE
"""

from __future__ import annotations

import collections
import json
import sys

from simplicate.testing import FakeSimplicate


def main() -> None:
    count, limit = int(sys.argv[1]), int(sys.argv[2])
    accounts = [
        FakeSimplicate(seed=seed, rate_limit=limit, records={"hours/hours": 20_000})
        for seed in range(count)
    ]
    for account in accounts:
        account.start()
        # The fake makes a collection's records on first use; done here, before the clock runs.
        with account.client() as client:
            client.get("hours/hours", params={"limit": 1})
        account.clear_requests()
    print(json.dumps([account.url for account in accounts]), flush=True)
    sys.stdin.read()  # until the benchmark closes our stdin
    statuses = [dict(collections.Counter(r.status for r in a.requests)) for a in accounts]
    for account in accounts:
        account.stop()
    print(json.dumps(statuses), flush=True)


if __name__ == "__main__":
    main()

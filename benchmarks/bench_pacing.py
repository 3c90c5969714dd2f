"""Pacing against a rate-limited server (issue target: a paced pull reaches at least 0.97 of the
limit, with zero 429s).

Starts a fake limited to N requests per minute (default 1200: the real API's 60/min on a
compressed time scale), pulls hours records through a client paced to N (as `fake.client()`
sets it up), and prints the achieved requests per minute as a fraction of N and the 429 count.

    python benchmarks/bench_pacing.py [--limit 600] [--seconds 30]
"""

from __future__ import annotations

import argparse
import time

from _common import table

from simplicate.testing import FakeSimplicate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=1200, help="requests per minute")
    # Longer than the fake's 60-second window, so its limit really binds.
    parser.add_argument("--seconds", type=float, default=75.0)
    args = parser.parse_args()
    records = 100 * int(args.limit / 60 * args.seconds + 10)
    with FakeSimplicate(seed=1, rate_limit=args.limit, records={"hours/hours": records}) as fake:
        with fake.client() as client:
            start = time.monotonic()
            for _page in client.hours.hours.list().pages():
                if time.monotonic() - start >= args.seconds:
                    break
            elapsed = time.monotonic() - start
        statuses = [r.status for r in fake.requests]
    rpm = len(statuses) / elapsed * 60
    table(
        f"Paced pull against a fake limited to {args.limit} requests/minute",
        ["requests", "seconds", "requests/min", "fraction of limit", "429s"],
        [
            [
                len(statuses),
                f"{elapsed:.1f}",
                f"{rpm:.0f}",
                f"{rpm / args.limit:.3f}",
                statuses.count(429),
            ]
        ],
    )
    print("\ntarget: >= 0.97 of the limit with zero 429s")


if __name__ == "__main__":
    main()

"""How much memory does the fake need for a large data set? (issue: one million hours records
must fit in 2 GiB.) Starts a fake with N hours records, asks for them once (collections are
generated on first use) and reports the process's resident memory before and after, and the
seeding time (start and generation).

    python benchmarks/bench_fake_memory.py [--hours 1000000]
"""

from __future__ import annotations

import argparse
import time

from _common import peak_rss_mb, table

from simplicate.testing import FakeSimplicate


def current_rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hours", type=int, default=1_000_000)
    args = parser.parse_args()
    before = current_rss_mb()
    start = time.perf_counter()
    with FakeSimplicate(seed=1, records={"hours/hours": args.hours}) as fake:
        with fake.client() as client:
            # The first request for hours generates them.
            env = client.request("GET", "hours/hours", params={"limit": 1, "metadata": "count"})
        seeded = time.perf_counter() - start
        after = current_rss_mb()
    table(
        f"Fake memory with {args.hours:,} hours records",
        ["records", "seeding s", "RSS before MB", "RSS after MB", "growth MB", "peak MB"],
        [
            [
                f"{env['metadata']['count']:,}",
                f"{seeded:.1f}",
                f"{before:.0f}",
                f"{after:.0f}",
                f"{after - before:.0f}",
                f"{peak_rss_mb():.0f}",
            ]
        ],
    )
    limit = 2048
    verdict = "OK" if after - before <= limit else "OVER"
    print(f"\ngrowth {after - before:.0f} MB vs the 2 GiB budget: {verdict}")


if __name__ == "__main__":
    main()

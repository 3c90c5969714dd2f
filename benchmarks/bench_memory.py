"""Memory while iterating a huge pull (issue target: peak RSS grows at most 50 MB while
iterating 1,000,000 records).

The fake runs in a separate process (`python -m simplicate.testing serve`), so this process's
memory is the client's alone. RSS is read after the first page has arrived (runtime, pool and
decoder caches exist) and compared with the peak (VmHWM) at the end.

    python benchmarks/bench_memory.py [--records 1000000] [--path hours/hours]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time

from _common import table

import simplicate
from simplicate.testing import DEFAULT_API_KEY, DEFAULT_API_SECRET


def status_mb(field: str) -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} in /proc/self/status")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--path", default="hours/hours")
    args = parser.parse_args()
    command = [
        sys.executable, "-m", "simplicate.testing", "serve",
        "--seed", "1", "--records", f"{args.path}={args.records}",
    ]  # fmt: skip
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as server:
        try:
            assert server.stdout is not None
            url = server.stdout.readline().split()[-1]
            module, resource = args.path.split("/")
            # Unpaced: the fake has no rate limit, and the default 60/min would take hours.
            with simplicate.Client(
                base_url=url,
                api_key=DEFAULT_API_KEY,
                api_secret=DEFAULT_API_SECRET,
                rate_limit=None,
            ) as client:
                records = iter(getattr(getattr(client, module), resource).list())
                next(records)
                baseline = status_mb("VmRSS")
                start = time.perf_counter()
                n = 1 + sum(1 for _ in records)
                elapsed = time.perf_counter() - start
                peak = status_mb("VmHWM")
        finally:
            server.terminate()
    table(
        f"Iterating {n:,} {args.path} records from a fake in another process",
        ["records", "seconds", "records/s", "RSS after 1st page MB", "peak MB", "growth MB"],
        [
            [
                f"{n:,}",
                f"{elapsed:.1f}",
                f"{n / elapsed:,.0f}",
                f"{baseline:.0f}",
                f"{peak:.0f}",
                f"{peak - baseline:.1f}",
            ]
        ],
    )
    print(f"\ngrowth {peak - baseline:.1f} MB (target: <= 50 MB)")


if __name__ == "__main__":
    main()

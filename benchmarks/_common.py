"""Helpers shared by the benchmark scripts: the peers' headers, timing, peak memory, table
printing."""

from __future__ import annotations

import resource
import sys
import time
from collections.abc import Callable
from typing import TypeVar

from simplicate.testing import DEFAULT_API_KEY, DEFAULT_API_SECRET

T = TypeVar("T")

# What a peer HTTP client (requests, httpx) sends to the bundled fake, as our client does.
FAKE_HEADERS = {
    "Authentication-Key": DEFAULT_API_KEY,
    "Authentication-Secret": DEFAULT_API_SECRET,
    "Content-Type": "application/json",
    "Accept": "application/json",
}


def timed(fn: Callable[[], T], repeat: int = 3) -> tuple[float, T]:
    """Best wall time of ``repeat`` runs (the least disturbed by the rest of the machine)."""
    best = float("inf")
    result: T
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB (Linux reports kB)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 if sys.platform != "darwin" else peak / (1024 * 1024)


def table(title: str, header: list[str], rows: list[list[object]]) -> None:
    print(f"\n{title}")
    widths = [max(len(str(x)) for x in [h, *[r[i] for r in rows]]) for i, h in enumerate(header)]
    line = "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))
    print(line)
    print("-" * len(line))
    for row in rows:
        print("  ".join(str(x).ljust(w) for x, w in zip(row, widths, strict=True)))

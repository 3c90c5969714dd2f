"""Many accounts at once: one process, one AsyncClient per account, every account kept at its
full rate-limit allowance.

A firm reporting on many Simplicate accounts is bound by each account's limit, not by this
machine. This starts N fake accounts in another process, each answering 429 past its own limit
(``_fleet_server.py``), and pulls hours from all of them at once for a fixed time, each
client pacing itself to its account's limit. Time is compressed: an account's real allowance
(``--limit``, 60 requests a minute) is multiplied by ``--scale``, so a minute of real pacing
passes in 60/scale seconds and the run stays short.

Prints, for N = 20 and 100 (``--accounts``):
- aggregate requests per minute as a fraction of N x limit (target: >= 0.95) and the 429s the
  accounts answered (target: 0);
- CPU seconds of this process (all its threads) per 1,000 records;
- peak RSS of this process.
The peer, httpx.AsyncClient + orjson with an asyncio pacer per account written the obvious way,
runs the same fleet in its own process (``--peer``) for the same figures.

    pip install httpx orjson
    python benchmarks/bench_fleet.py [--accounts 20 100] [--scale 5] [--seconds 40]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from _common import FAKE_HEADERS, peak_rss_mb, table

import simplicate
from simplicate.testing import DEFAULT_API_KEY, DEFAULT_API_SECRET

PATH = "hours/hours"
PAGE = 100


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def pull_ours(url: str, per_minute: float, deadline: float, counts: list[int]) -> None:
    """Pull hours page after page, pass after pass, until the deadline."""
    client = simplicate.AsyncClient(
        base_url=url,
        api_key=DEFAULT_API_KEY,
        api_secret=DEFAULT_API_SECRET,
        rate_limit=per_minute,
        rate_burst=1,
    )
    async with client:
        while time.monotonic() < deadline:
            async for page in client.hours.hours.list(page_size=PAGE).pages():
                counts[0] += 1
                counts[1] += len(page)
                if time.monotonic() >= deadline:
                    break


async def pull_peer(url: str, per_minute: float, deadline: float, counts: list[int]) -> None:
    """The same with httpx + orjson and a pacer: requests spaced 60/limit seconds apart."""
    import httpx
    import orjson

    spacing = 60 / per_minute
    next_slot = time.monotonic()
    async with httpx.AsyncClient(base_url=url, headers=FAKE_HEADERS, timeout=60) as client:
        offset = 0
        while time.monotonic() < deadline:
            next_slot = max(next_slot, time.monotonic())
            await asyncio.sleep(next_slot - time.monotonic())
            next_slot += spacing
            response = await client.get(f"/{PATH}", params={"limit": PAGE, "offset": offset})
            response.raise_for_status()
            page = orjson.loads(response.content)["data"]
            counts[0] += 1
            counts[1] += len(page)
            offset = offset + PAGE if len(page) == PAGE else 0


async def fleet(
    urls: list[str], per_minute: float, seconds: float, warmup: float, peer: bool
) -> dict[str, Any]:
    """All the pulls at once; the figures count only what happens after ``warmup`` seconds
    (clients made, connections open, first pages in): the steady state a long sync sees."""
    counts = [[0, 0] for _ in urls]
    pull = pull_peer if peer else pull_ours
    deadline = time.monotonic() + warmup + seconds
    tasks = [
        asyncio.ensure_future(pull(url, per_minute, deadline, c))
        for url, c in zip(urls, counts, strict=True)
    ]
    await asyncio.sleep(warmup)
    start, start_cpu = time.monotonic(), cpu_seconds()
    before = [sum(c[i] for c in counts) for i in (0, 1)]
    await asyncio.gather(*tasks)
    elapsed = time.monotonic() - start
    requests, records = (sum(c[i] for c in counts) - before[i] for i in (0, 1))
    return {
        "requests": requests,
        "records": records,
        "elapsed": elapsed,
        "cpu_per_1000": (cpu_seconds() - start_cpu) / records * 1000 if records else float("nan"),
        "rss_mb": peak_rss_mb(),
    }


def run(
    n: int, limit: int, scale: int, seconds: float, warmup: float, peer: bool
) -> dict[str, Any]:
    """One fleet run against fresh accounts; this process's figures and the accounts' 429s."""
    per_minute = limit * scale
    server_script = Path(__file__).with_name("_fleet_server.py")
    command = [sys.executable, str(server_script), str(n), str(per_minute)]
    with subprocess.Popen(
        command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    ) as server:
        assert server.stdin is not None and server.stdout is not None
        urls = json.loads(server.stdout.readline())
        figures = asyncio.run(fleet(urls, per_minute, seconds, warmup, peer))
        server.stdin.close()
        statuses = json.loads(server.stdout.readline())
    # The allowance over the measured time: every account's limit, for that long.
    allowance = n * per_minute * figures["elapsed"] / 60
    figures["fraction"] = figures["requests"] / allowance
    figures["429s"] = sum(s.get("429", 0) for s in statuses)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--accounts", type=int, nargs="+", default=[20, 100])
    parser.add_argument("--limit", type=int, default=60, help="real requests/minute per account")
    parser.add_argument("--scale", type=int, default=5, help="time compression factor")
    parser.add_argument("--seconds", type=float, default=40, help="measured, after the warmup")
    parser.add_argument("--warmup", type=float, default=10)
    parser.add_argument("--peer", action="store_true", help="run httpx+orjson instead (internal)")
    args = parser.parse_args()
    if args.peer:  # one fleet size, printed as JSON for the parent process
        figures = run(args.accounts[0], args.limit, args.scale, args.seconds, args.warmup, True)
        print(json.dumps(figures))
        return
    rows = []
    for n in args.accounts:
        ours = run(n, args.limit, args.scale, args.seconds, args.warmup, False)
        peer_command = [sys.executable, __file__, "--peer", "--accounts", str(n)]
        peer_command += ["--limit", str(args.limit), "--scale", str(args.scale)]
        peer_command += ["--seconds", str(args.seconds), "--warmup", str(args.warmup)]
        peer = json.loads(
            subprocess.run(peer_command, capture_output=True, text=True, check=True).stdout
        )
        for name, f in (("simplicate", ours), ("httpx+orjson", peer)):
            rows.append(
                [
                    n,
                    name,
                    f"{f['fraction']:.3f}",
                    f["429s"],
                    f["requests"],
                    f["records"],
                    f"{f['cpu_per_1000']:.3f}",
                    f"{f['rss_mb']:.0f}",
                ]
            )
    table(
        f"{args.limit}/min per account x{args.scale} time scale, {args.seconds:.0f} s, "
        f"{PAGE}-record pages of {PATH}",
        [
            "N",
            "client",
            "of N x limit",
            "429s",
            "requests",
            "records",
            "CPU s/1000 rec",
            "peak RSS MB",
        ],
        rows,
    )


if __name__ == "__main__":
    main()

"""Pulling records: simplicate vs the Python stacks people use today, side by side.

On one FakeSimplicate data set of organization records (~2.5 KB of JSON each), pulls N records
three ways, each with the same plain offset loop of 100-record pages:
- simplicate: ``client.crm.organization.list(limit=N)`` (Rust transport, our own decoder from
  bytes to Python objects, one page prefetched while Python consumes the current one);
- requests + ``json.loads`` (the stack of the existing Python wrapper);
- httpx + ``orjson.loads``.
Prints records per second and the ratios (targets: >= 3x requests+json, >= 1.5x httpx+orjson),
then the decode cost of one 100-record page of a few collections with our decoder
(``crates/py/src/json/``, the reason it exists), ``json.loads`` and ``orjson.loads`` on the same
bytes (target: no slower than orjson).

    pip install requests httpx orjson
    python benchmarks/bench_pull.py [--sizes 20000 100000] [--repeat 3] [--decode-only]
"""

from __future__ import annotations

import argparse
import json
import time

import httpx
import orjson
import requests
from _common import FAKE_HEADERS, table

from simplicate import _core
from simplicate.testing import FakeSimplicate

PATH = "crm/organization"


def pull_simplicate(fake: FakeSimplicate, n: int) -> int:
    with fake.client() as client:
        return sum(1 for _ in client.crm.organization.list(limit=n))


def pull_requests(fake: FakeSimplicate, n: int) -> int:
    got = 0
    with requests.Session() as session:
        session.headers.update(FAKE_HEADERS)
        while got < n:
            resp = session.get(
                f"{fake.url}/{PATH}", params={"limit": min(100, n - got), "offset": got}
            )
            resp.raise_for_status()
            data = json.loads(resp.content)["data"]
            got += len(data)
            if len(data) < 100:
                break
    return got


def pull_httpx(fake: FakeSimplicate, n: int) -> int:
    got = 0
    with httpx.Client(headers=FAKE_HEADERS) as session:
        while got < n:
            resp = session.get(
                f"{fake.url}/{PATH}", params={"limit": min(100, n - got), "offset": got}
            )
            resp.raise_for_status()
            data = orjson.loads(resp.content)["data"]
            got += len(data)
            if len(data) < 100:
                break
    return got


def best_rate(fn, fake: FakeSimplicate, n: int, repeat: int) -> float:
    best = 0.0
    for _ in range(repeat):
        start = time.perf_counter()
        got = fn(fake, n)
        elapsed = time.perf_counter() - start
        assert got == n, (fn.__name__, got, n)
        best = max(best, n / elapsed)
    return best


# Pages the decode comparison runs on: records of different widths and nesting.
DECODE_PATHS = [PATH, "hours/hours", "projects/project", "invoices/invoice"]
DECODERS = [
    ("simplicate (crates/py/src/json/)", _core._decode_json),
    ("json.loads", json.loads),
    ("orjson.loads", orjson.loads),
]


def decode_costs(fake: FakeSimplicate, repeat: int) -> list[list[object]]:
    """Per collection: page size, then ms per page for each decoder and its ratio to ours."""
    rows: list[list[object]] = []
    for path in DECODE_PATHS:
        with requests.get(
            f"{fake.url}/{path}", params={"limit": 100}, headers=FAKE_HEADERS
        ) as resp:
            resp.raise_for_status()
            page = resp.content
        assert _core._decode_json(page) == json.loads(page) == orjson.loads(page)
        loops = max(20, 20_000_000 // len(page))
        costs = []
        for _, decode in DECODERS:
            best = float("inf")
            for _ in range(repeat):
                start = time.perf_counter()
                for _ in range(loops):
                    decode(page)
                best = min(best, (time.perf_counter() - start) / loops)
            costs.append(best)
        ours = costs[0]
        rows.append(
            [path, f"{len(page) / 1000:.0f} KB"]
            + [f"{c * 1000:.3f} ({c / ours:.2f}x)" for c in costs[1:]]
            + [f"{ours * 1000:.3f}"]
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[20_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--decode-only", action="store_true", help="skip the pulls")
    args = parser.parse_args()
    biggest = 100 if args.decode_only else max(args.sizes)
    with FakeSimplicate(seed=1, records={PATH: biggest}) as fake:
        rows = []
        for n in [] if args.decode_only else args.sizes:
            ours = best_rate(pull_simplicate, fake, n, args.repeat)
            req = best_rate(pull_requests, fake, n, args.repeat)
            hx = best_rate(pull_httpx, fake, n, args.repeat)
            rows.append(
                [
                    f"{n:,}",
                    f"{ours:,.0f}",
                    f"{req:,.0f}",
                    f"{hx:,.0f}",
                    f"{ours / req:.2f}x",
                    f"{ours / hx:.2f}x",
                ]
            )
        decode_rows = decode_costs(fake, args.repeat)
    if rows:
        table(
            "Pull of organization records (records/s, best of "
            f"{args.repeat}; targets: >= 3x requests+json, >= 1.5x httpx+orjson)",
            ["records", "simplicate", "requests+json", "httpx+orjson", "vs requests", "vs httpx"],
            rows,
        )
    table(
        "Decoding one 100-record page into Python objects: ms per page, best of "
        f"{args.repeat} (in brackets: how many times our decoder's time)",
        ["page", "size", *(name for name, _ in DECODERS[1:]), DECODERS[0][0]],
        decode_rows,
    )


if __name__ == "__main__":
    main()

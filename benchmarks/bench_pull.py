"""Pulling records: simplicate vs the Python stacks people use today, side by side.

On one FakeSimplicate data set of organization records (~2.5 KB of JSON each), pulls N records
three ways, each with the same plain offset loop of 100-record pages:
- simplicate: ``client.crm.organization.list(limit=N)`` (Rust transport, jiter decoding,
  one page prefetched while Python consumes the current one);
- requests + ``json.loads`` (the stack of the existing Python wrapper);
- httpx + ``orjson.loads``.
Prints records per second and the ratios (targets: >= 3x requests+json, >= 1.5x httpx+orjson),
then the decode cost of one 100-record page against orjson on the same bytes (target: no slower).

    pip install requests httpx orjson
    python benchmarks/bench_pull.py [--sizes 20000 100000] [--repeat 3]
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


def decode_cost(fake: FakeSimplicate, repeat: int) -> tuple[float, float, int]:
    with requests.get(f"{fake.url}/{PATH}", params={"limit": 100}, headers=FAKE_HEADERS) as resp:
        page = resp.content
    assert _core._decode_json(page) == orjson.loads(page)
    loops = 200

    def per_call(fn) -> float:
        best = float("inf")
        for _ in range(repeat):
            start = time.perf_counter()
            for _ in range(loops):
                fn(page)
            best = min(best, (time.perf_counter() - start) / loops)
        return best

    return per_call(_core._decode_json), per_call(orjson.loads), len(page)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[20_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    biggest = max(args.sizes)
    with FakeSimplicate(seed=1, records={PATH: biggest}) as fake:
        rows = []
        for n in args.sizes:
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
        jiter_s, orjson_s, page_bytes = decode_cost(fake, args.repeat)
    table(
        "Pull of organization records (records/s, best of "
        f"{args.repeat}; targets: >= 3x requests+json, >= 1.5x httpx+orjson)",
        ["records", "simplicate", "requests+json", "httpx+orjson", "vs requests", "vs httpx"],
        rows,
    )
    table(
        f"Decoding one 100-record page ({page_bytes / 1000:.0f} KB) into Python objects",
        ["decoder", "ms per page", "ratio"],
        [
            [
                "simplicate (json_decode.rs)",
                f"{jiter_s * 1000:.3f}",
                f"{orjson_s / jiter_s:.2f}x",
            ],
            ["orjson.loads", f"{orjson_s * 1000:.3f}", "1.00x"],
        ],
    )


if __name__ == "__main__":
    main()

"""Concurrent pulls: simplicate's AsyncClient vs httpx.AsyncClient + orjson, side by side.

On one FakeSimplicate data set (20,000 organizations, no rate limit, unpaced clients), runs 20
queries at once with ``asyncio.gather``, each a few 100-record pages:
- simplicate: ``await client.crm.organization.list(...).to_list()`` per query (Rust transport and
  decoding, the next page prefetched while the current one is handed over);
- httpx + ``orjson.loads``: the same page requests by hand (same query parameters, ``limit``,
  ``offset``, ``metadata=count`` on the first page, as our pager sends them), one page after the
  other per query.
Both must return the same records. Two workloads:
- ``filtered``: 20 different filters (name patterns within a year, relation types within a
  quarter, one-month date ranges). The fake locates a filtered page from the records reduced to
  the fields its filters and sort read (kept until the collection changes), so the clients, not
  the fake, set the pace.
- ``windows``: 20 unfiltered offset windows of 500 records, which the fake serves from stored
  bytes at once: the clients' own speed.
Prints wall time, records per second and the ratio (target: >= 1.5x httpx+orjson), then the
cost of single sequential requests.

    pip install httpx orjson [uvloop]
    python benchmarks/bench_async.py [--workload filtered windows] [--repeat 3] [--loop uvloop]
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import Callable, Coroutine
from typing import Any

import httpx
import orjson
from _common import FAKE_HEADERS, table

import simplicate
from simplicate.testing import FakeSimplicate

PATH = "crm/organization"
PAGE = 100
TIMEOUT = 120.0  # filtered pages queue at the fake; neither client should give up

Options = dict[str, Any]
Records = list[dict[str, Any]]


def filtered() -> list[Options]:
    """20 filters of a few pages each on the seeded organizations (created 2023-2025)."""
    year = {"ge": "2024-01-01 00:00:00", "lt": "2025-01-01 00:00:00"}
    out: list[Options] = [
        {"filter": {"name": f"*{name}*", "created_at": year}}
        for name in ("Mulder", "Visser", "Bakker", "Smit", "Jansen", "Meijer", "Bos", "Kok")
    ]
    labels = ("Klant", "Prospect", "Leverancier", "Partner", "Oud-klant", "Klant")
    for i, label in enumerate(labels):
        quarter = i % 4
        start = f"2024-{1 + 3 * quarter:02d}-01"
        end = "2025-01-01" if quarter == 3 else f"2024-{4 + 3 * quarter:02d}-01"
        window = {"ge": f"{start} 00:00:00", "lt": f"{end} 00:00:00"}
        out.append({"filter": {"relation_type.label": label, "created_at": window}})
    for month in range(1, 7):
        window = {"ge": f"2023-{month:02d}-01 00:00:00", "lt": f"2023-{month + 1:02d}-01 00:00:00"}
        out.append({"filter": {"created_at": window}})
    return out


def windows() -> list[Options]:
    """20 unfiltered windows of 500 records, 1,000 apart."""
    return [{"offset": 1000 * i, "limit": 500} for i in range(20)]


WORKLOADS = {"filtered": filtered, "windows": windows}


# ---- the two contenders ------------------------------------------------------------------------


async def pull_simplicate(fake: FakeSimplicate, queries: list[Options]) -> list[Records]:
    async with fake.async_client(rate_limit=None, timeout=TIMEOUT) as client:
        org = client.crm.organization
        return await asyncio.gather(*(org.list(**q).to_list() for q in queries))


async def pull_httpx(
    fake: FakeSimplicate, queries: list[Options], params: list[list[tuple[str, str]]]
) -> list[Records]:
    limits = httpx.Limits(max_connections=len(queries))
    async with httpx.AsyncClient(headers=FAKE_HEADERS, limits=limits, timeout=TIMEOUT) as session:
        url = f"{fake.url}/{PATH}"

        async def one(options: Options, query: list[tuple[str, str]]) -> Records:
            start, limit = options.get("offset", 0), options.get("limit")
            size = PAGE if limit is None else min(PAGE, limit)
            first = [*query, ("limit", size), ("offset", start), ("metadata", "count")]
            resp = await session.get(url, params=first)
            resp.raise_for_status()
            body = orjson.loads(resp.content)
            records: Records = body["data"]
            wanted = max(0, body["metadata"]["count"] - start)
            if limit is not None:
                wanted = min(wanted, limit)
            while len(records) < wanted:
                size = min(PAGE, wanted - len(records))
                page = [*query, ("limit", size), ("offset", start + len(records))]
                resp = await session.get(url, params=page)
                resp.raise_for_status()
                data = orjson.loads(resp.content)["data"]
                if not data:
                    break
                records.extend(data)
            return records

        return await asyncio.gather(*(one(o, q) for o, q in zip(queries, params, strict=True)))


# ---- single requests, for where the time goes --------------------------------------------------


async def single_requests(fake: FakeSimplicate, queries: list[Options]) -> list[list[object]]:
    """Sequential requests for one query's first page and for a plain page, through each
    client: the gap between the two is the fake's own cost of filtering."""
    with simplicate.Client(base_url=fake.url, api_key="k", api_secret="s") as offline:
        query = offline.crm.organization.list(**queries[0]).params
    shapes = {
        "the query's first page": [*query, ("limit", PAGE), ("metadata", "count")],
        "a plain page": [("limit", PAGE), ("offset", 0)],
    }
    n = 10
    rows: list[list[object]] = []
    async with fake.async_client(rate_limit=None, timeout=TIMEOUT) as client:
        for what, params in shapes.items():
            start = time.perf_counter()
            for _ in range(n):
                await client.request("GET", PATH, params=params)
            rows.append([f"simplicate, {what}", (time.perf_counter() - start) / n])
    async with httpx.AsyncClient(headers=FAKE_HEADERS, timeout=TIMEOUT) as session:
        for what, params in shapes.items():
            start = time.perf_counter()
            for _ in range(n):
                orjson.loads((await session.get(f"{fake.url}/{PATH}", params=params)).content)
            rows.append([f"httpx+orjson, {what}", (time.perf_counter() - start) / n])
    return [[what, f"{seconds * 1000:.2f}"] for what, seconds in rows]


# ---- driver ------------------------------------------------------------------------------------


def runner(loop: str) -> Callable[[Coroutine[Any, Any, Any]], Any]:
    if loop == "uvloop":
        import uvloop

        return uvloop.run
    return asyncio.run


def measure(
    fake: FakeSimplicate, queries: list[Options], run: Callable[..., Any], repeat: int
) -> tuple[dict[str, float], int, int]:
    """Best wall time of each client over ``repeat`` interleaved runs, after checking that both
    return the same records; also the records and requests of one pull."""
    with simplicate.Client(base_url=fake.url, api_key="k", api_secret="s") as offline:
        params = [offline.crm.organization.list(**q).params for q in queries]
    fake.clear_requests()
    ours = run(pull_simplicate(fake, queries))
    requests = len(fake.requests)
    assert ours == run(pull_httpx(fake, queries, params)), "the pulls returned different records"
    contenders: dict[str, Callable[[], Coroutine[Any, Any, Any]]] = {
        "simplicate": lambda: pull_simplicate(fake, queries),
        "httpx+orjson": lambda: pull_httpx(fake, queries, params),
    }
    best = dict.fromkeys(contenders, float("inf"))
    for _ in range(repeat):  # interleaved, so both see the same machine
        for name, pull in contenders.items():
            start = time.perf_counter()
            run(pull())
            best[name] = min(best[name], time.perf_counter() - start)
    return best, sum(len(r) for r in ours), requests


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workload", nargs="+", choices=list(WORKLOADS), default=list(WORKLOADS))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--loop", choices=["asyncio", "uvloop"], default="asyncio")
    args = parser.parse_args()
    run = runner(args.loop)
    rows = []
    with FakeSimplicate(seed=1, records={PATH: args.records}) as fake:
        for workload in args.workload:
            best, total, requests = measure(fake, WORKLOADS[workload](), run, args.repeat)
            theirs = best["httpx+orjson"]
            for name, seconds in best.items():
                rows.append(
                    [
                        workload,
                        f"{total:,} in {requests}",
                        name,
                        f"{seconds * 1000:,.0f}",
                        f"{total / seconds:,.0f}",
                        f"{theirs / seconds:.2f}x",
                    ]
                )
        singles = run(single_requests(fake, filtered()))
    table(
        f"20 concurrent pulls of {args.records:,} organizations, loop {args.loop} (best of "
        f"{args.repeat}; target: >= 1.5x httpx+orjson)",
        ["workload", "records in requests", "client", "wall ms", "records/s", "ratio"],
        rows,
    )
    table("Single requests, one after another", ["request", "ms each"], singles)


if __name__ == "__main__":
    main()

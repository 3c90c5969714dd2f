"""Records into a pandas DataFrame: simplicate's ``to_pandas()`` vs httpx + orjson +
``pandas.json_normalize``, side by side on the same pages.

The fake serves N organization records (~2.9 KB of JSON each, nested objects and lists) from
its own process, unlimited. Each contender runs in a fresh subprocess per repetition, so their
memory does not mix; it times the pull from the first request to the finished DataFrame
(imports excluded) and reports its peak RSS (``ru_maxrss``, which includes the interpreter and
the imported libraries: the "after imports" column is that baseline).

- simplicate: ``client.crm.organization.list().to_pandas()`` (pages of 100, the count on the
  first; the table is built in Rust from the page bytes and handed to pyarrow, then pandas;
  list columns stay Arrow-backed, ``pd.ArrowDtype``);
- three variants of it, for the record: ``to_pandas(lists="json")`` (lists as JSON text),
  ``to_arrow().to_pandas()`` (list cells made Python lists of dicts, like json_normalize's) and
  ``to_pandas(schema="model")`` (columns and types from the record model table: every field of
  the model is a column, so it has more columns than the others, all typed and cast);
- httpx + orjson: the same pages (``limit=100``, ``offset``, ``metadata=count`` on the first),
  ``orjson.loads`` each, every record kept in a list, then ``pd.json_normalize``.

Prints records per second, the ratio to httpx + orjson + json_normalize (target: >= 3x), peak
RSS, and checks every frame has the same shape and columns.

    pip install httpx orjson pandas pyarrow
    python benchmarks/bench_pandas.py [--records 100000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

from _common import FAKE_HEADERS, peak_rss_mb, table

PATH = "crm/organization"
BASELINE = "httpx+orjson+json_normalize"
OURS = {
    "simplicate to_pandas()": lambda pager: pager.to_pandas(),
    'simplicate to_pandas(lists="json")': lambda pager: pager.to_pandas(lists="json"),
    "simplicate to_arrow().to_pandas()": lambda pager: pager.to_arrow().to_pandas(),
    'simplicate to_pandas(schema="model")': lambda pager: pager.to_pandas(schema="model"),
}
# Its columns are the model's, not what json_normalize finds in the records.
OWN_COLUMNS = {'simplicate to_pandas(schema="model")'}
CONTENDERS = [*OURS, BASELINE]


def run_simplicate(url: str, contender: str) -> tuple[float, object]:
    import simplicate
    from simplicate.testing import DEFAULT_API_KEY, DEFAULT_API_SECRET

    client = simplicate.Client(
        base_url=url, api_key=DEFAULT_API_KEY, api_secret=DEFAULT_API_SECRET, rate_limit=None
    )
    start = time.perf_counter()
    frame = OURS[contender](client.crm.organization.list())
    elapsed = time.perf_counter() - start
    client.close()
    return elapsed, frame


def run_httpx(url: str) -> tuple[float, object]:
    import httpx
    import orjson
    import pandas as pd

    with httpx.Client(headers=FAKE_HEADERS) as session:
        start = time.perf_counter()
        records: list[dict] = []
        total = None
        while total is None or len(records) < total:
            params = {"limit": 100, "offset": len(records)}
            if total is None:
                params["metadata"] = "count"
            resp = session.get(f"{url}/{PATH}", params=params)
            resp.raise_for_status()
            body = orjson.loads(resp.content)
            if total is None:
                total = body["metadata"]["count"]
            records.extend(body["data"])
            if len(body["data"]) < 100:
                break
        frame = pd.json_normalize(records)
        elapsed = time.perf_counter() - start
    return elapsed, frame


def worker(contender: str, url: str) -> None:
    """One pull in this (fresh) process; prints the result as one JSON line."""
    import pandas  # noqa: F401  (imported by both: part of the baseline, not of the pull)
    import pyarrow  # noqa: F401

    baseline = peak_rss_mb()
    elapsed, frame = run_httpx(url) if contender == BASELINE else run_simplicate(url, contender)
    print(
        json.dumps(
            {
                "seconds": elapsed,
                "rows": len(frame),  # type: ignore[arg-type]
                "columns": sorted(frame.columns),  # type: ignore[attr-defined]
                "baseline_mb": baseline,
                "peak_mb": peak_rss_mb(),
            }
        )
    )


def measure(contender: str, url: str, repeat: int) -> dict:
    best: dict | None = None
    for _ in range(repeat):
        out = subprocess.run(
            [sys.executable, str(Path(__file__)), "--worker", contender, "--url", url],
            capture_output=True,
            text=True,
            check=True,
        )
        result = json.loads(out.stdout.strip().splitlines()[-1])
        if best is None or result["seconds"] < best["seconds"]:
            best = result
    assert best is not None
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--worker", choices=CONTENDERS, help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.url)
        return
    command = [
        sys.executable, "-m", "simplicate.testing", "serve",
        "--seed", "1", "--records", f"{PATH}={args.records}",
    ]  # fmt: skip
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as server:
        try:
            assert server.stdout is not None
            url = server.stdout.readline().split()[-1]
            results = {name: measure(name, url, args.repeat) for name in CONTENDERS}
        finally:
            server.terminate()
    theirs = results[BASELINE]
    for name, r in results.items():
        assert r["rows"] == args.records, (name, r["rows"])
        if name not in OWN_COLUMNS:
            assert r["columns"] == theirs["columns"], f"{name}: the frame's columns differ"
        else:  # the model's columns: every nested leaf json_normalize finds is among them
            leaves = {c for c in theirs["columns"] if "." in c}
            assert leaves <= set(r["columns"]), f"{name}: {leaves - set(r['columns'])} missing"
    rows = []
    for name in CONTENDERS:
        r = results[name]
        rows.append(
            [
                name,
                f"{r['seconds']:.2f}",
                f"{args.records / r['seconds']:,.0f}",
                f"{theirs['seconds'] / r['seconds']:.2f}x",
                f"{r['baseline_mb']:.0f}",
                f"{r['peak_mb']:.0f}",
            ]
        )
    table(
        f"{args.records:,} organization records into a pandas DataFrame "
        f"({args.records:,} rows x {len(theirs['columns'])} columns; best of {args.repeat}, "
        "each run in its own process; target >= 3x)",
        ["contender", "seconds", "records/s", "ratio", "RSS after imports MB", "peak RSS MB"],
        rows,
    )


if __name__ == "__main__":
    main()

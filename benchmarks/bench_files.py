"""Upload and download 100 MB: simplicate vs a plain Python implementation of the same flow
(requests + base64 in a loop, as the documentation's PHP example does it), each in its own
process so peak memory is its own; the fake runs in a third process.

    pip install requests
    python benchmarks/bench_files.py [--mb 100]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

from _common import table

from simplicate.testing import DEFAULT_API_KEY, DEFAULT_API_SECRET

COMMON = f"""
import base64, json, sys, time, resource
KEY, SECRET = {DEFAULT_API_KEY!r}, {DEFAULT_API_SECRET!r}
url, source, dest = sys.argv[1], sys.argv[2], sys.argv[3]

def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
"""

SIMPLICATE = COMMON + textwrap.dedent(
    """
    import simplicate
    client = simplicate.Client(base_url=url, api_key=KEY, api_secret=SECRET, rate_limit=None)
    kind = client.documents.documenttype.list(limit=1).first()["id"]
    who = client.crm.person.list(limit=1).first()["id"]
    base = peak_mb()
    t = time.perf_counter()
    doc = client.upload_document(source, title="big", document_type_id=kind,
                                 linked_to={"person_id": who})
    up = time.perf_counter() - t
    t = time.perf_counter()
    client.download(doc, dest)
    down = time.perf_counter() - t
    print(json.dumps({"up": up, "down": down, "base": base, "peak": peak_mb()}))
    """
)

PLAIN = COMMON + textwrap.dedent(
    """
    import os, requests
    s = requests.Session()
    s.headers.update({"Authentication-Key": KEY, "Authentication-Secret": SECRET})
    api = lambda p: f"{url}/{p}"
    kind = s.get(api("documents/documenttype"), params={"limit": 1}).json()["data"][0]["id"]
    who = s.get(api("crm/person"), params={"limit": 1}).json()["data"][0]["id"]
    base = peak_mb()
    t = time.perf_counter()
    size = os.path.getsize(source)
    uid = s.post(api("upload/chunked"), json={"file_name": "big.bin", "file_size": size}
                 ).json()["data"]["chunked_upload_id"]
    with open(source, "rb") as f:
        while True:
            raw = f.read(375000)
            if not raw:
                break
            data = s.put(api(f"upload/chunked/{uid}"),
                         json={"chunk": base64.b64encode(raw).decode()}).json()["data"]
            if data["state"] == "done":
                queue = data["upload_queue_id"]
                break
    doc = s.post(api("documents/document"), json={"upload_queue_id": queue, "title": "big",
                 "document_type_id": kind, "linked_to": {"person_id": who}}).json()["data"]["id"]
    up = time.perf_counter() - t
    t = time.perf_counter()
    with s.get(api(f"documents/download/{doc}"), stream=True) as r, open(dest, "wb") as out:
        r.raise_for_status()
        for chunk in r.iter_content(1 << 16):
            out.write(chunk)
    down = time.perf_counter() - t
    print(json.dumps({"up": up, "down": down, "base": base, "peak": peak_mb()}))
    """
)


def run(code: str, url: str, source: Path, dest: Path) -> dict:
    import json

    out = subprocess.run(
        [sys.executable, "-c", code, url, str(source), str(dest)],
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    ).stdout
    return json.loads(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "big.bin"
        with open(source, "wb") as f:
            block = bytes(range(256)) * 4096
            for _ in range(args.mb):
                f.write(block)
        server = subprocess.Popen(
            [sys.executable, "-m", "simplicate.testing", "serve", "--seed", "1"],
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert server.stdout is not None
            url = server.stdout.readline().split()[-1]
            ours = run(SIMPLICATE, url, source, Path(tmp) / "ours.bin")
            plain = run(PLAIN, url, source, Path(tmp) / "plain.bin")
        finally:
            server.terminate()
            server.wait(10)
        for name in ("ours.bin", "plain.bin"):
            assert (Path(tmp) / name).read_bytes() == source.read_bytes(), name
    mb = args.mb
    rows = []
    for name, r in (("simplicate", ours), ("requests + base64", plain)):
        rows.append(
            [
                name,
                f"{mb / r['up']:.0f}",
                f"{mb / r['down']:.0f}",
                f"{r['peak'] - r['base']:.0f}",
            ]
        )
    table(
        f"{mb} MB upload (chunked, base64) and download, fake in another process",
        ["client", "upload MB/s", "download MB/s", "peak RSS growth MB"],
        rows,
    )
    print(
        f"\nsimplicate vs requests+base64: upload {plain['up'] / ours['up']:.2f}x, "
        f"download {plain['down'] / ours['down']:.2f}x"
    )


if __name__ == "__main__":
    main()

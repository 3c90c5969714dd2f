"""Is the fake ever what a client benchmark measures? (issue: the fake must sustain at least 3x
the pages per second our client can consume.)

Serves unfiltered pages of 100 organization records (~2.4 KB each) and compares:
- client: pages/s our simplicate.Client pulls and decodes into dicts, one page after another;
- fake: pages/s the fake serves to a load generator that only reads bytes (raw keep-alive
  sockets, two connections in parallel, no JSON decoding), a lower bound of its capacity since
  the load generator shares this machine's cores.

    python benchmarks/bench_fake_server.py [--records 20000] [--seconds 3]
"""

from __future__ import annotations

import argparse
import socket
import threading
import time

from _common import table

from simplicate.testing import DEFAULT_API_KEY, DEFAULT_API_SECRET, FakeSimplicate

PAGE = 100


def client_pages_per_second(fake: FakeSimplicate, pages: int, seconds: float) -> float:
    done = 0
    with fake.client() as client:
        deadline = time.perf_counter() + seconds
        start = time.perf_counter()
        while time.perf_counter() < deadline:
            offset = (done % pages) * PAGE
            data = client.get("crm/organization", params={"limit": PAGE, "offset": offset})
            assert len(data) == PAGE
            done += 1
        return done / (time.perf_counter() - start)


def _raw_loop(port: int, pages: int, deadline: float, counts: list[int], slot: int) -> None:
    sock = socket.create_connection(("127.0.0.1", port))
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    buf = bytearray(1 << 20)
    view = memoryview(buf)
    n = 0
    try:
        while time.perf_counter() < deadline:
            offset = (n % pages) * PAGE
            request = (
                f"GET /api/v2/crm/organization?limit={PAGE}&offset={offset} HTTP/1.1\r\n"
                f"Host: 127.0.0.1\r\nAuthentication-Key: {DEFAULT_API_KEY}\r\n"
                f"Authentication-Secret: {DEFAULT_API_SECRET}\r\n\r\n"
            ).encode()
            sock.sendall(request)
            got = 0
            while b"\r\n\r\n" not in buf[: max(got, 0)]:
                got += sock.recv_into(view[got:])
            head_end = bytes(buf[:got]).index(b"\r\n\r\n") + 4
            head = bytes(buf[:head_end]).decode("latin-1").lower()
            length = int(head.split("content-length:")[1].split("\r\n")[0])
            remaining = head_end + length - got
            while remaining > 0:
                r = sock.recv_into(view[: min(len(view), remaining)])
                if not r:
                    raise ConnectionError("closed")
                remaining -= r
            assert head.startswith("http/1.1 200")
            n += 1
    finally:
        sock.close()
        counts[slot] = n


def fake_pages_per_second(fake: FakeSimplicate, pages: int, seconds: float, conns: int) -> float:
    counts = [0] * conns
    start = time.perf_counter()
    deadline = start + seconds
    threads = [
        threading.Thread(target=_raw_loop, args=(fake.port, pages, deadline, counts, i))
        for i in range(conns)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(counts) / (time.perf_counter() - start)


def _page_bytes(fake: FakeSimplicate) -> int:
    import urllib.request

    req = urllib.request.Request(
        f"{fake.url}/crm/organization?limit={PAGE}",
        headers={
            "Authentication-Key": DEFAULT_API_KEY,
            "Authentication-Secret": DEFAULT_API_SECRET,
        },
    )
    with urllib.request.urlopen(req) as resp:
        return len(resp.read())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--connections", type=int, default=2)
    args = parser.parse_args()
    with FakeSimplicate(seed=1, records={"crm/organization": args.records}) as fake:
        pages = args.records // PAGE
        size = _page_bytes(fake) / PAGE
        client = client_pages_per_second(fake, pages, args.seconds)
        served = fake_pages_per_second(fake, pages, args.seconds, args.connections)
    table(
        f"Fake server throughput: unfiltered pages of {PAGE} organizations "
        f"(~{size / 1000:.1f} KB of JSON each), {args.records} records",
        ["who", "pages/s", "records/s"],
        [
            [
                "simplicate.Client (consumes: HTTP + decode)",
                f"{client:,.0f}",
                f"{client * PAGE:,.0f}",
            ],
            [
                f"fake (serves; {args.connections} raw connections)",
                f"{served:,.0f}",
                f"{served * PAGE:,.0f}",
            ],
        ],
    )
    ratio = served / client
    print(
        f"\nfake / client = {ratio:.1f}x  (target: >= 3x)  {'OK' if ratio >= 3 else 'BELOW TARGET'}"
    )


if __name__ == "__main__":
    main()

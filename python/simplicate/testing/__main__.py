"""``python -m simplicate.testing serve``: run the fake Simplicate standalone.

For notebooks, manual exploration, and clients in other languages:

    python -m simplicate.testing serve --port 8765 --seed 1 --records crm/organization=5000
    python -m simplicate.testing serve --rate-limit 60   # 429s like the real API
    python -m simplicate.testing serve --no-quirks       # clean data, as the model types it
                                                         # (README: the quirks table)
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading

from ._fake import DEFAULT_API_KEY, DEFAULT_API_SECRET, FakeSimplicate


def _records(items: list[str]) -> dict[str, int]:
    sizes: dict[str, int] = {}
    for item in items:
        path, sep, count = item.partition("=")
        if not sep or not count.isdigit():
            raise argparse.ArgumentTypeError(f"--records {item!r}: expected PATH=COUNT")
        sizes[path.strip("/")] = int(count)
    return sizes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m simplicate.testing")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the fake Simplicate until interrupted")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=0, help="port (default: any free port)")
    serve.add_argument("--seed", type=int, default=0, help="seed of the generated data")
    serve.add_argument(
        "--records",
        nargs="*",
        default=[],
        metavar="PATH=COUNT",
        help="record counts, e.g. crm/organization=5000 hours/hours=100000",
    )
    serve.add_argument(
        "--rate-limit",
        type=int,
        default=None,
        metavar="N",
        help="answer 429 beyond N requests per minute (default: no limit)",
    )
    serve.add_argument(
        "--no-quirks",
        dest="quirks",
        action="store_false",
        help=(
            "serve clean data, without the real API's quirks (numbers as strings, zero dates, "
            "untranslated labels, ...; the README's quirks table lists them)"
        ),
    )
    serve.add_argument("--api-key", default=DEFAULT_API_KEY)
    serve.add_argument("--api-secret", default=DEFAULT_API_SECRET)
    args = parser.parse_args(argv)
    try:
        records = _records(args.records)
    except argparse.ArgumentTypeError as exc:
        parser.error(str(exc))

    try:
        fake = FakeSimplicate(
            args.seed,
            records=records or None,
            api_key=args.api_key,
            api_secret=args.api_secret,
            host=args.host,
            port=args.port,
            rate_limit=args.rate_limit,
            quirks=args.quirks,
        )
    except ValueError as exc:
        parser.error(str(exc))
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    # Ctrl-C may come as soon as the address is printed (a script reads that line, then stops
    # the server): the whole serving block is inside the handler, so it always ends cleanly.
    try:
        with fake:
            print(f"FakeSimplicate serving {fake.url}", flush=True)
            print(f"  Authentication-Key: {fake.api_key}", flush=True)
            print(f"  Authentication-Secret: {fake.api_secret}", flush=True)
            if fake.rate_limit is not None:
                print(f"  Rate limit: {fake.rate_limit} requests per minute", flush=True)
            print("Press Ctrl-C to stop.", flush=True)
            while not stop.wait(0.2):
                pass
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())

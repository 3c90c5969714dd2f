"""The ``simplicate`` command (also ``python -m simplicate``).

simplicate demo                      a tour of the client against the bundled fake server
simplicate export RESOURCE --out F   a resource's records into CSV, JSON Lines or Parquet
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import Any

EXPORT_EPILOG = """\
The output format follows --out's extension: .csv, .jsonl/.ndjson or .parquet (CSV and Parquet
need pyarrow: pip install 'simplicate[arrow]'). The file appears only when complete.
--schema model types CSV and Parquet columns from the record model table instead of the data.

Credentials come from the environment: SIMPLICATE_DOMAIN (or SIMPLICATE_BASE_URL),
SIMPLICATE_API_KEY and SIMPLICATE_API_SECRET. --fake runs against the bundled fake server.

Filters: --filter KEY=VALUE is equality ('*' wildcards; repeat KEY for any of several values),
--filter 'KEY[OP]=VALUE' an operator (ge gt le lt in nin; in/nin take comma-separated values).
KEY may be dotted: relation_type.label, custom_fields.external_link.

examples:
  simplicate export crm/organization --out orgs.parquet
  simplicate export hours/hours --filter 'start_date[ge]=2026-01-01' --out hours.csv
  simplicate export crm.person --select id,full_name,email --sort=-updated_at --out p.jsonl
  simplicate export hrm/contract --schema model --out contracts.parquet
"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="simplicate", description="The Simplicate API client's command line."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser(
        "demo", help="run a create/list/update/delete tour against the bundled fake server"
    )
    demo.add_argument("--seed", type=int, default=1, help="seed of the fake's data (default 1)")
    export = commands.add_parser(
        "export",
        help="write a resource's records to a CSV, JSON Lines or Parquet file",
        description="Write every record of a resource (a list endpoint) to a file.",
        epilog=EXPORT_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    export.add_argument("resource", help="a list endpoint: crm/organization or crm.organization")
    export.add_argument("--out", required=True, help="the file to write (.csv .jsonl .parquet)")
    export.add_argument(
        "--filter", action="append", default=[], metavar="KEY=VALUE", help="repeatable"
    )
    export.add_argument("--select", help="comma-separated fields to keep (API select=)")
    export.add_argument("--sort", help="comma-separated fields, '-' for descending (--sort=-name)")
    export.add_argument("--limit", type=int, help="at most this many records")
    export.add_argument(
        "--schema",
        choices=("inferred", "model"),
        default="inferred",
        help="CSV/Parquet column types: inferred from the data (default) or from the record "
        "model table (the same columns and types on every export)",
    )
    export.add_argument(
        "--no-progress", action="store_true", help="no progress bar (default: shown with tqdm)"
    )
    export.add_argument("--fake", action="store_true", help="export from the bundled fake server")
    export.add_argument("--seed", type=int, default=1, help="with --fake: seed of its data")
    export.set_defaults(subparser=export)  # errors show the export command's usage
    return parser


def _export(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from contextlib import ExitStack

    from ._client import Client
    from ._export import export, filter_from_pairs, output_format
    from ._registry import resource_path

    # Everything about the arguments is checked before any connection is made.
    try:
        path = resource_path(args.resource.replace(".", "/"))
        output_format(args.out)
        filter = filter_from_pairs(args.filter)
        if args.limit is not None and args.limit < 0:
            raise ValueError(f"--limit must be at least 0, got {args.limit}")
    except ValueError as exc:
        parser.error(str(exc).replace("resource=", "RESOURCE "))
    with ExitStack() as stack:
        if args.fake:
            from .testing import FakeSimplicate

            fake = stack.enter_context(FakeSimplicate(seed=args.seed))
            client: Any = stack.enter_context(fake.client(rate_limit=None))
        else:
            client = stack.enter_context(Client())
        try:
            pager = client._list(
                path,
                filter=filter or None,
                select=args.select,
                sort=args.sort,
                limit=args.limit,
                progress=not args.no_progress and sys.stderr.isatty(),
            )
        except (TypeError, ValueError) as exc:
            parser.error(str(exc))
        try:
            written = export(pager, args.out, schema=args.schema)
        except ValueError as exc:  # raised before any request: an argument that does not fit
            parser.error(str(exc).replace("schema=", "--schema "))
    print(f"wrote {written} records of {path} to {os.fspath(args.out)}", file=sys.stderr)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command == "demo":
        from ._demo import run_demo

        return run_demo(seed=args.seed)
    if args.command == "export":
        from ._exceptions import SimplicateError

        try:
            return _export(args, args.subparser)
        except (SimplicateError, ImportError, OSError) as exc:
            print(f"simplicate export: {exc}", file=sys.stderr)
            return 1
        except KeyboardInterrupt:
            print("simplicate export: interrupted; nothing written", file=sys.stderr)
            return 130
    return 2  # pragma: no cover - argparse rejects unknown commands first


if __name__ == "__main__":
    sys.exit(main())

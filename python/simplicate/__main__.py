"""The ``simplicate`` command (also ``python -m simplicate``).

simplicate demo                      a tour of the client against the bundled fake server
simplicate export RESOURCE --out F   a resource's records into CSV, JSON Lines or Parquet
simplicate sync RESOURCE... --state F --out DIR   what changed since the last run, as new files
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

SYNC_EPILOG = """\
Each run writes, for each resource with news, new files named by the run under
DIR/<module>/<resource>/: <run>-changed.<format> (records created or updated since the last
run) and <run>-deleted.<format> (the ids that left the synced set, one column: id). A file
appears only when complete. The first run with a new state file writes whole collections.

The state file (one sync state per resource) is replaced atomically after each resource's files
are complete: a run that fails or is interrupted leaves it where the last complete resource put
it, and the next run does the rest again. Delivery is at least once: upsert changed records by
id and delete deleted ids, in run order.

Exit codes: 0 done; 1 an API, network or file error (the message names the resource; the
resources before it are done); 2 bad arguments; 130 interrupted.

Credentials, --filter and --select are as for `simplicate export`; --filter and --select apply
to every resource, and a state belongs to the filter it was made with.

examples:
  simplicate sync crm/organization crm/person --state sync.json --out lake/
  simplicate sync hours/hours --filter 'start_date[ge]=2026-01-01' --state h.json --out lake/ \\
      --format csv
"""


def _add_sync(commands: Any) -> None:
    sync = commands.add_parser(
        "sync",
        help="write what changed in resources since the last run as new files (for cron)",
        description="Incremental sync: the records changed and the ids deleted since the last "
        "run, as new files per run, with the state kept in a file.",
        epilog=SYNC_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sync.add_argument("resources", nargs="+", metavar="RESOURCE", help="list endpoints")
    sync.add_argument("--state", required=True, help="the state file (JSON; made on first run)")
    sync.add_argument("--out", required=True, help="the directory the files go under")
    sync.add_argument("--format", choices=("parquet", "jsonl", "csv"), default="parquet")
    sync.add_argument(
        "--filter", action="append", default=[], metavar="KEY=VALUE", help="repeatable"
    )
    sync.add_argument("--select", help="comma-separated fields to keep (id, updated_at added)")
    sync.add_argument("--no-progress", action="store_true", help="no progress bar")
    sync.add_argument("--fake", action="store_true", help="sync from the bundled fake server")
    sync.add_argument("--seed", type=int, default=1, help="with --fake: seed of its data")
    sync.set_defaults(subparser=sync)


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
    _add_sync(commands)
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


def _sync(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from contextlib import ExitStack
    from pathlib import Path

    from ._client import Client
    from ._export import filter_from_pairs
    from ._registry import resource_path
    from ._sync_command import SyncCommand

    # Everything about the arguments is checked before any connection is made.
    try:
        resources = [resource_path(r.replace(".", "/")) for r in args.resources]
        command = SyncCommand(
            resources=list(dict.fromkeys(resources)),
            state=Path(args.state),
            out=Path(args.out),
            format=args.format,
            filter=filter_from_pairs(args.filter) or None,
            select=args.select.split(",") if args.select else None,
        )
    except ValueError as exc:
        parser.error(str(exc).replace("resource=", "RESOURCE "))
    progress = _resource_bar(len(command.resources), enabled=not args.no_progress)

    def report(outcome: Any) -> None:
        files = ", ".join(os.fspath(f) for f in outcome.files) or "no new files"
        progress.write(
            f"{outcome.resource}: {outcome.changed} changed, {outcome.deleted} deleted: {files}"
        )
        progress.update(1)

    with ExitStack() as stack:
        stack.callback(progress.close)
        if args.fake:
            from .testing import FakeSimplicate

            fake = stack.enter_context(FakeSimplicate(seed=args.seed))
            client: Any = stack.enter_context(fake.client(rate_limit=None))
        else:
            client = stack.enter_context(Client())
        from ._exceptions import SimplicateError

        done = "the state moved on only for the resources reported above"
        try:
            command.run_all(client, report)
        except (TypeError, ValueError) as exc:  # a state made with another filter, say
            parser.error(f"{command.current}: {exc}")
        except (SimplicateError, OSError) as exc:
            print(f"simplicate sync: {command.current}: {exc}; {done}", file=sys.stderr)
            return 1
        except KeyboardInterrupt:
            print(f"simplicate sync: interrupted in {command.current}; {done}", file=sys.stderr)
            return 130
    return 0


class _Lines:
    """Stands in for a tqdm bar where there is none: the lines, without the bar."""

    def write(self, line: str) -> None:
        print(line, file=sys.stderr)

    def update(self, n: int) -> None:
        pass

    def close(self) -> None:
        pass


def _resource_bar(total: int, *, enabled: bool) -> Any:
    """A bar over the resources on a terminal (with tqdm installed), else plain lines."""
    if enabled and sys.stderr.isatty():
        try:
            from tqdm.auto import tqdm
        except ImportError:
            pass
        else:
            return tqdm(total=total, unit="resource", desc="simplicate sync", file=sys.stderr)
    return _Lines()


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
    if args.command == "sync":
        from ._exceptions import SimplicateError

        try:
            return _sync(args, args.subparser)
        except (SimplicateError, ImportError, OSError) as exc:  # before the first resource
            print(f"simplicate sync: {exc}", file=sys.stderr)
            return 1
        except KeyboardInterrupt:
            print("simplicate sync: interrupted before any resource", file=sys.stderr)
            return 130
    return 2  # pragma: no cover - argparse rejects unknown commands first


if __name__ == "__main__":
    sys.exit(main())

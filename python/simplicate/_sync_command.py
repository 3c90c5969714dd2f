"""``simplicate sync``: incremental sync for cron, with no framework.

Each run asks :meth:`Client.sync` what changed in each resource since the last run and writes
it as new files named by the run, under ``OUT/<module>/<resource>/``:

- ``<run>-changed.<ext>``: the records created or updated (whole, or ``--select``'s fields);
- ``<run>-deleted.<ext>``: the ids that left the synced set (one column, ``id``).

A file appears only when complete, and only when it has rows. The state file (JSON, one sync
state per resource) is replaced atomically after each resource's files are complete, so an
interrupted or failed run leaves the state where the last complete resource put it, and the
next run does the rest again. Delivery is at least once: apply ``changed`` as upserts by
``id`` and ``deleted`` as deletes, in run order.
"""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ._atomic import replaced_atomically

__all__ = ["FORMATS", "SyncCommand", "load_states"]

FORMATS = ("parquet", "jsonl", "csv")
STATE_KIND = "simplicate-sync-state"
STATE_VERSION = 1


def load_states(path: Path) -> dict[str, dict[str, Any]]:
    """The per-resource states in ``path`` (none yet if it does not exist), or ValueError
    naming ``--state``."""
    where = f"--state {os.fspath(path)!r}"
    if path.is_dir():
        raise ValueError(f"{where} is a directory; name the state file")
    if not path.parent.is_dir():
        raise ValueError(f"{where}: directory {str(path.parent)!r} does not exist")
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ValueError(f"{where} is not JSON ({exc})") from None
    if (
        not isinstance(data, dict)
        or data.get("kind") != STATE_KIND
        or not isinstance(data.get("resources"), dict)
    ):
        raise ValueError(f"{where} is not a state file of `simplicate sync`")
    if data.get("version") != STATE_VERSION:
        raise ValueError(f"{where} has version {data.get('version')!r}; expected {STATE_VERSION}")
    states: dict[str, dict[str, Any]] = data["resources"]
    for resource, state in states.items():
        if not isinstance(state, dict):
            raise ValueError(f"{where}: the state of {resource!r} is not a JSON object")
    return states


def save_states(path: Path, states: Mapping[str, Any]) -> None:
    data = {"kind": STATE_KIND, "version": STATE_VERSION, "resources": states}
    with replaced_atomically(path) as file:
        json.dump(data, file, ensure_ascii=False, indent=1, sort_keys=True)
        file.write("\n")


def run_name(now: datetime | None = None) -> str:
    """``20261208T035012.345678Z``: the same for every resource of one run, and in the order of
    the runs when sorted as text."""
    return (now or datetime.now(timezone.utc)).strftime("%Y%m%dT%H%M%S.%fZ")


@dataclass
class ResourceOutcome:
    resource: str
    changed: int
    deleted: int
    files: list[Path] = field(default_factory=list)


@dataclass
class SyncCommand:
    """One run over ``resources``: checked when made, carried out by :meth:`run`."""

    resources: Sequence[str]
    state: Path
    out: Path
    format: str
    filter: dict[str, Any] | None = None
    select: list[str] | None = None
    run: str = field(default_factory=run_name)
    states: dict[str, dict[str, Any]] = field(init=False)
    current: str | None = field(init=False, default=None)
    """The resource being synced (for messages)."""

    def __post_init__(self) -> None:
        if self.format not in FORMATS:
            raise ValueError(f"--format must be one of {', '.join(FORMATS)}, got {self.format!r}")
        if self.out.exists() and not self.out.is_dir():
            raise ValueError(f"--out {os.fspath(self.out)!r} is not a directory")
        if self.format != "jsonl":
            from ._export import _need_pyarrow

            _need_pyarrow(f"sync --format {self.format}")
        self.states = load_states(self.state)
        self.run = self._free_run_name(self.run)

    def _target(self, resource: str, run: str, what: str) -> Path:
        return self.out.joinpath(*resource.split("/"), f"{run}-{what}.{self.format}")

    def _free_run_name(self, run: str) -> str:
        """``run``, or ``run-2``, ``run-3``... if a file of that name is already there (a clock
        set back)."""
        candidate, number = run, 1
        while any(
            self._target(resource, candidate, what).exists()
            for resource in self.resources
            for what in ("changed", "deleted")
        ):
            number += 1
            candidate = f"{run}-{number}"
        return candidate

    def run_all(
        self, client: Any, report: Callable[[ResourceOutcome], None] | None = None
    ) -> list[ResourceOutcome]:
        """Sync each resource in turn; after each, its files are complete and the state file
        says so. An exception stops the run: the resource it hit keeps its old state."""
        outcomes = []
        for resource in self.resources:
            self.current = resource
            outcome = self._one(client, resource)
            outcomes.append(outcome)
            if report is not None:
                report(outcome)
        return outcomes

    def _one(self, client: Any, resource: str) -> ResourceOutcome:
        # A working copy: the saved state moves on only once this resource's files exist.
        state = copy.deepcopy(self.states.get(resource, {}))
        result = client.sync(resource, state, filter=self.filter, select=self.select)
        outcome = ResourceOutcome(resource, len(result.changed), len(result.deleted))
        if result.changed:
            target = self._target(resource, self.run, "changed")
            write_records(result.changed, target, self.format)
            outcome.files.append(target)
        if result.deleted:
            target = self._target(resource, self.run, "deleted")
            write_records([{"id": id} for id in result.deleted], target, self.format)
            outcome.files.append(target)
        self.states[resource] = state
        save_states(self.state, self.states)
        return outcome


def write_records(records: list[dict[str, Any]], target: Path, format: str) -> None:
    """``records`` into ``target``, whole or not at all. CSV and Parquet get the columns a
    pull's table gets (nested objects as dotted columns; in CSV, lists as JSON text)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if format == "jsonl":
        dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
        with replaced_atomically(target) as file:
            file.writelines(dumps(record) + "\n" for record in records)
        return
    import pyarrow

    from . import _core

    body = json.dumps({"data": records}, ensure_ascii=False).encode()
    lists = "json" if format == "csv" else "list"
    table = pyarrow.table(_core.table_from_envelope(body, lists=lists))
    with replaced_atomically(target, "wb") as file:
        if format == "csv":
            import pyarrow.csv

            pyarrow.csv.write_csv(table, file)
        else:
            import pyarrow.parquet

            pyarrow.parquet.write_table(table, file)

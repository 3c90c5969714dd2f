"""Incremental sync: what was created, updated or deleted in one resource since the last run,
tracked the way the API's documentation recommends ("Tracking Creates and Updates",
"Tracking Deletions").

A state (a JSON file or a dict) holds the *watermark* (the newest ``updated_at`` delivered),
the records delivered at that second (``boundary``: id → [``updated_at``, digest of the record
as delivered]) and the ids of the synced set after the last run (``known``). A run

1. pulls ``q[updated_at][ge]=<watermark>`` with the caller's filter and drops what ``boundary``
   says was delivered already. ``updated_at`` has a one-second resolution, so the bound must
   be inclusive: ``gt`` would miss records written in the watermark's second after the last
   run, and ``ge`` alone would deliver the boundary again. The digest catches a record changed
   again within that second after it was delivered: same id, same ``updated_at``, new content.
2. looks for deletions among the known ids the pull did not return: either it pulls every id
   of the filtered collection (``select=id``) or it asks for the known ids in batches
   (``q[id][in]=...``), whichever takes fewer requests. An id the full pull missed is confirmed
   with ``q[id][in]`` before it is reported: offset paging over a collection that changes
   meanwhile can skip a row, and a live record must never be reported deleted.
3. stores the new state, only once all of that succeeded.

Why newest first (``sort=-updated_at``, as the documented use case writes it): a record that
changes during an offset-paged pull moves in the sort order. Newest first, it moves to the
front: the rows behind it shift on (the pager drops the repeats) and the record itself is left
to the next run, its new ``updated_at`` being at or past the new watermark. Oldest first, it
would move to the end and pull an unseen row onto a page already read, and a watermark past
that row would lose it for good. Newest first, only a record leaving the set before the
offset (deleted, or no longer matching) can make a row be skipped, and then fewer distinct
records arrive than the first page's count announced: such a run keeps the old watermark and
adds what it delivered to ``boundary``, so the next run reads that range again without
repeating anything.

The planning and bookkeeping (:func:`plan_sync`, :func:`take_changes`, :func:`id_batches`,
:func:`next_state`) are pure; :func:`sync` does the I/O, so an async twin only needs its own
:func:`sync`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
from collections.abc import Iterable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from . import _core
from ._atomic import replaced_atomically
from ._constants import DEFAULT_PAGE_SIZE
from ._registry import resource_path

if TYPE_CHECKING:
    from ._pager import Pager
    from ._requester import Requester

__all__ = ["STATE_VERSION", "SyncResult", "sync"]

logger = logging.getLogger("simplicate")

STATE_VERSION = 1
"""The format of the state; a state of another version is refused, never guessed at."""

ID_LIST_CHARS = 4000
"""Most characters the percent-encoded id list of one ``q[id][in]`` request may take, so that
with the rest of the query the URL stays far below the 8 KB that servers and proxies commonly
accept. With ids like ``organization:`` + 32 hex digits, that is about 80 ids a request."""

STATE_KEYS = ("version", "resource", "filter", "watermark", "boundary", "known")


# ---- the result --------------------------------------------------------------------------------


@dataclass(frozen=True, repr=False)
class SyncResult:
    """What one :meth:`Client.sync` run found.

    Apply ``changed`` (upsert by ``id``), then ``deleted`` (remove by id), to a copy of the
    collection to keep it equal to the API's. An id is never in both lists.
    """

    changed: list[dict[str, Any]]
    """Records created or updated since the last run, oldest ``updated_at`` first (ties by
    id): whole records, or the fields of ``select`` plus ``id`` and ``updated_at``. A record
    changed several times between runs comes once, as it is now."""
    deleted: list[str]
    """Ids, sorted, that left the synced set since the last run: deleted, or no longer
    matching ``filter``."""
    watermark: str | None
    """The ``updated_at`` the next run starts from, as the API writes it
    (``"2025-01-18 10:00:00"``); None while nothing has been seen."""
    first_run: bool
    """The state was new: ``changed`` holds the whole (filtered) collection."""

    def __repr__(self) -> str:
        return (
            f"<SyncResult changed={len(self.changed)} deleted={len(self.deleted)} "
            f"watermark={self.watermark!r} first_run={self.first_run}>"
        )


# ---- arguments ---------------------------------------------------------------------------------


def _filter(filter: Any) -> tuple[dict[str, Any], list[list[str]]]:
    """The caller's filter, checked, and its ``q[...]`` pairs as the state records them."""
    if filter is None:
        return {}, []
    pairs = _core.build_query(filter)  # checks it, naming the key path
    for key, _ in pairs:
        if key.startswith(("q[updated_at]", "q[or][updated_at]")):
            raise ValueError(
                "filter must not constrain 'updated_at': sync adds q[updated_at][ge] itself"
            )
        if key.startswith("q[or]"):
            raise ValueError(
                "filter['or'] is not supported by sync: the API ORs it with all the other "
                "conditions, the updated_at bound sync adds included, so every run would pull "
                "every record it matches"
            )
    return dict(filter), [[key, value] for key, value in pairs]


def _select(select: object) -> list[str] | None:
    """``select`` with ``id`` and ``updated_at`` added: sync needs both."""
    if select is None:
        return None
    if isinstance(select, str):
        items = [item.strip() for item in select.split(",") if item.strip()]
    elif isinstance(select, list | tuple):
        items = list(select)
    else:
        raise TypeError(f"select must be a str or a list of str, got {type(select).__name__}")
    if not items:
        raise ValueError("select names no field; leave it out (None) for whole records")
    _core.build_query(select=items)  # checks the items, naming select[i]
    items += [name for name in ("id", "updated_at") if name not in items]
    return items


# ---- the state ---------------------------------------------------------------------------------


@dataclass
class SyncState:
    """The state of one resource's sync, as :func:`next_state` computes it."""

    resource: str
    filter: list[list[str]]
    """The ``q[...]`` pairs of the caller's filter: a state answers for one filter only."""
    watermark: str | None = None
    boundary: dict[str, tuple[str, str]] = field(default_factory=dict)
    """id → (``updated_at``, :func:`digest`) of the records delivered at (after a disturbed
    run: since) the watermark."""
    known: set[str] = field(default_factory=set)

    def to_json(self) -> dict[str, Any]:
        return {
            "version": STATE_VERSION,
            "resource": self.resource,
            "filter": self.filter,
            "watermark": self.watermark,
            "boundary": {id: list(stamp) for id, stamp in sorted(self.boundary.items())},
            "known": sorted(self.known),
        }


def _is_str_pairs(value: object) -> bool:
    return isinstance(value, list) and all(
        isinstance(p, list) and len(p) == 2 and all(isinstance(s, str) for s in p) for p in value
    )


def _is_id(value: object) -> bool:
    # A comma would split the id in q[id][in].
    return isinstance(value, str) and bool(value) and "," not in value


def _is_stamp(value: object) -> bool:
    return (
        isinstance(value, list | tuple)
        and len(value) == 2
        and all(isinstance(s, str) and s for s in value)
    )


def read_state(data: Mapping[str, Any], where: str) -> SyncState:
    """Check the shape of a stored state (``where`` names it in errors) and read it."""
    if "version" not in data:
        raise ValueError(f"{where} is not a sync state: it has no 'version'")
    version = data["version"]
    if version != STATE_VERSION or isinstance(version, bool):
        raise ValueError(
            f"{where} has version {version!r}; this simplicate reads version {STATE_VERSION} "
            "only (start from a new state)"
        )
    missing = [key for key in STATE_KEYS if key not in data]
    if missing:
        raise ValueError(f"{where} lacks {', '.join(map(repr, missing))}")
    resource, filter, watermark = data["resource"], data["filter"], data["watermark"]
    boundary, known = data["boundary"], data["known"]
    if not isinstance(resource, str):
        raise ValueError(f"{where}['resource'] must be a str, got {type(resource).__name__}")
    if not _is_str_pairs(filter):
        raise ValueError(f"{where}['filter'] must be a list of [key, value] pairs of str")
    if watermark is not None and not (isinstance(watermark, str) and watermark):
        raise ValueError(f"{where}['watermark'] must be a timestamp str or None")
    if not isinstance(boundary, dict) or not all(
        _is_id(k) and _is_stamp(v) for k, v in boundary.items()
    ):
        raise ValueError(f"{where}['boundary'] must be a dict of id → [updated_at, digest]")
    if not isinstance(known, list) or not all(_is_id(i) for i in known):
        raise ValueError(f"{where}['known'] must be a list of ids (str)")
    stamps = {id: (v[0], v[1]) for id, v in boundary.items()}
    return SyncState(resource, filter, watermark, stamps, set(known))


# ---- planning ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SyncPlan:
    """One run, decided before any request."""

    path: str
    filter: dict[str, Any]
    select: list[str] | None
    page_size: int
    state: SyncState
    first_run: bool

    def changes_query(self) -> dict[str, Any]:
        """Arguments of ``Client._list`` for the creates and updates."""
        filter = dict(self.filter)
        if self.state.watermark is not None:
            filter["updated_at"] = {"ge": self.state.watermark}
        return {
            "filter": filter,
            "select": self.select,
            "sort": "-updated_at",
            "page_size": self.page_size,
        }

    def ids_query(self, batch: Sequence[str] | None = None) -> dict[str, Any]:
        """Arguments of ``Client._list`` for the ids of the filtered collection, or for those
        of ``batch`` that still exist and match."""
        params = None if batch is None else {"q[id][in]": ",".join(batch)}
        return {
            "filter": self.filter,
            "select": "id",
            "page_size": DEFAULT_PAGE_SIZE,
            "params": params,
        }


def plan_sync(
    path: str,
    stored: Mapping[str, Any] | None,
    *,
    filter: object = None,
    select: object = None,
    page_size: int = DEFAULT_PAGE_SIZE,
    where: str = "state",
) -> SyncPlan:
    """Check the arguments and the stored state (None: a first run) and plan the run."""
    user_filter, filter_pairs = _filter(filter)
    fields = _select(select)
    if stored is None:
        return SyncPlan(path, user_filter, fields, page_size, SyncState(path, filter_pairs), True)
    state = read_state(stored, where)
    if state.resource != path:
        raise ValueError(
            f"{where} belongs to {state.resource!r}, not {path!r}: use one state per resource"
        )
    if state.filter != filter_pairs:
        raise ValueError(
            f"filter differs from the one {where} was synced with ({_show(state.filter)}, now "
            f"{_show(filter_pairs)}): records the old filter left out and older than the "
            "watermark would never be delivered; start from a new state"
        )
    return SyncPlan(path, user_filter, fields, page_size, state, False)


def _show(pairs: list[list[str]]) -> str:
    return "&".join(f"{key}={value}" for key, value in pairs) or "no filter"


# ---- bookkeeping -------------------------------------------------------------------------------


def _record_id(record: object, path: str) -> str:
    id = record.get("id") if isinstance(record, dict) else None
    if not isinstance(id, str) or not id:
        raise ValueError(f"{path}: a record without an id ({record!r:.100}); sync needs one")
    return id


def _stamp(record: Any, path: str) -> tuple[str, str]:
    id = _record_id(record, path)
    updated_at = record.get("updated_at")
    if not isinstance(updated_at, str) or not updated_at:
        raise ValueError(
            f"resource={path!r}: record {id!r} has no updated_at, so sync cannot track its "
            "changes; pull this collection whole with list() instead"
        )
    return id, updated_at


def digest(record: dict[str, Any]) -> str:
    """A short fingerprint of a record's content, key order aside."""
    text = json.dumps(record, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


@dataclass(frozen=True)
class Changes:
    changed: list[dict[str, Any]]
    """New to the caller, oldest ``updated_at`` first."""
    seen: dict[str, str]
    """id → ``updated_at`` of every record the pull returned, delivered before or not."""
    records: dict[str, dict[str, Any]]
    """id → the newest version of every record the pull returned."""
    complete: bool
    """As many distinct records arrived as the first page's count announced: no row was
    skipped (see the module's docstring)."""


def take_changes(plan: SyncPlan, records: Iterable[dict[str, Any]], count: int) -> Changes:
    """Sort out what the creates-and-updates pull returned (newest first, ``count`` being the
    first page's ``metadata.count``)."""
    state = plan.state
    newest: dict[str, dict[str, Any]] = {}
    seen: dict[str, str] = {}
    for record in records:
        id, updated_at = _stamp(record, plan.path)
        if id not in seen or updated_at > seen[id]:
            newest[id], seen[id] = record, updated_at
    watermark = state.watermark

    def delivered(id: str) -> bool:
        if watermark is not None and seen[id] < watermark:  # the server's bound, again
            return True
        stamp = state.boundary.get(id)
        return stamp is not None and stamp[0] == seen[id] and stamp[1] == digest(newest[id])

    changed = [record for id, record in newest.items() if not delivered(id)]
    changed.sort(key=lambda r: (r["updated_at"], r["id"]))
    return Changes(changed, seen, newest, len(seen) >= count)


def deletion_candidates(plan: SyncPlan, changes: Changes) -> list[str]:
    """Known ids the pull did not return: those just returned exist and match."""
    return sorted(plan.state.known.difference(changes.seen))


def id_batches(ids: Sequence[str], *, chars: int = ID_LIST_CHARS) -> list[list[str]]:
    """``ids`` cut into ``q[id][in]`` lists of at most one page's worth (100) and ``chars``
    percent-encoded characters."""
    batches: list[list[str]] = []
    batch: list[str] = []
    used = 0
    for id in ids:
        size = len(quote(id, safe="")) + 3  # and its comma, %2C
        if batch and (len(batch) == DEFAULT_PAGE_SIZE or used + size > chars):
            batches.append(batch)
            batch, used = [], 0
        batch.append(id)
        used += size
    if batch:
        batches.append(batch)
    return batches


def batches_are_cheaper(batches: int, expected: int) -> bool:
    """Whether ``batches`` ``q[id][in]`` requests cost no more than pulling every id of a
    collection of about ``expected`` records (which may cost confirmations on top)."""
    return batches <= max(1, math.ceil(expected / DEFAULT_PAGE_SIZE))


def next_state(plan: SyncPlan, changes: Changes, deleted: Iterable[str]) -> SyncState:
    """The state after a successful run."""
    old = plan.state
    known = (old.known - set(deleted)) | changes.seen.keys()
    current = {
        id: updated_at
        for id, updated_at in changes.seen.items()
        if old.watermark is None or updated_at >= old.watermark
    }
    if changes.complete:
        watermark = max(
            [*current.values(), *([old.watermark] if old.watermark else [])], default=None
        )
        kept = {id for id, updated_at in current.items() if updated_at == watermark}
        boundary = {}
    else:
        # A row may have been skipped: read the same range again next time, skipping
        # everything delivered in it so far.
        watermark, kept, boundary = old.watermark, set(current), dict(old.boundary)
    boundary.update((id, (current[id], digest(changes.records[id]))) for id in kept)
    return SyncState(old.resource, old.filter, watermark, boundary, known)


# ---- storage -----------------------------------------------------------------------------------


class _DictStore:
    def __init__(self, mapping: MutableMapping[str, Any]) -> None:
        self.mapping = mapping
        self.where = "state"

    def load(self) -> Mapping[str, Any] | None:
        return self.mapping or None

    def save(self, data: dict[str, Any]) -> None:
        self.mapping.update(data)


class _FileStore:
    def __init__(self, path: str) -> None:
        self.path = path
        self.where = f"state file {path!r}"

    def load(self) -> Mapping[str, Any] | None:
        if os.path.isdir(self.path):
            raise IsADirectoryError(f"state={self.path!r} is a directory; pass a file path")
        try:
            with open(self.path, encoding="utf-8") as file:
                text = file.read()
        except FileNotFoundError:
            directory = os.path.dirname(os.path.abspath(self.path))
            if not os.path.isdir(directory):
                raise FileNotFoundError(
                    f"state={self.path!r}: directory {directory!r} does not exist"
                ) from None
            if not os.access(directory, os.W_OK):
                raise PermissionError(
                    f"state={self.path!r}: directory {directory!r} is not writable"
                ) from None
            return None
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise ValueError(f"{self.where} is not JSON ({exc})") from None
        if not isinstance(data, dict):
            raise ValueError(f"{self.where} is not a sync state: not a JSON object")
        return data

    def save(self, data: dict[str, Any]) -> None:
        with replaced_atomically(self.path) as file:
            json.dump(data, file, ensure_ascii=False, separators=(",", ":"))
            file.write("\n")


def open_store(state: object) -> _DictStore | _FileStore:
    if isinstance(state, MutableMapping):
        return _DictStore(state)
    if isinstance(state, str | os.PathLike):
        path = os.fspath(state)
        if isinstance(path, str) and path:
            return _FileStore(path)
    raise TypeError(
        "state must be a path to a JSON file (str or os.PathLike) or a dict, "
        f"got {type(state).__name__}"
    )


# ---- the run -----------------------------------------------------------------------------------


def _ids(pager: Pager, path: str) -> set[str]:
    return {_record_id(record, path) for record in pager}


def _existing(client: Requester, plan: SyncPlan, ids: Sequence[str]) -> set[str]:
    """Those of ``ids`` that exist and match the filter."""
    found: set[str] = set()
    for batch in id_batches(ids):
        found |= _ids(client._list(plan.path, **plan.ids_query(batch)), plan.path)
    return found


def find_deleted(client: Requester, plan: SyncPlan, changes: Changes) -> list[str]:
    candidates = deletion_candidates(plan, changes)
    if not candidates:
        return []
    expected = len(plan.state.known | changes.seen.keys())
    if batches_are_cheaper(len(id_batches(candidates)), expected):
        present = _existing(client, plan, candidates)
    else:
        present = _ids(client._list(plan.path, **plan.ids_query()), plan.path)
        missing = [id for id in candidates if id not in present]
        if missing:
            present |= _existing(client, plan, missing)
    return [id for id in candidates if id not in present]


def sync(
    client: Requester,
    resource: object,
    state: object,
    *,
    filter: Mapping[str, Any] | None = None,
    select: str | Sequence[str] | None = None,
    page_size: int = DEFAULT_PAGE_SIZE,
) -> SyncResult:
    """:meth:`Client.sync`."""
    path = resource_path(resource)
    store = open_store(state)
    plan = plan_sync(
        path,
        store.load(),
        filter=filter,
        select=select,
        page_size=page_size,
        where=store.where,
    )
    pager = client._list(plan.path, **plan.changes_query())
    count = pager.count()  # the first page, kept for the pull: no extra request
    changes = take_changes(plan, pager.to_list(), count)
    if not changes.complete:
        logger.debug(
            "sync %s: the collection changed during the pull; watermark kept at %s",
            path,
            plan.state.watermark,
        )
    deleted = find_deleted(client, plan, changes)
    new = next_state(plan, changes, deleted)
    store.save(new.to_json())
    return SyncResult(changes.changed, deleted, new.watermark, plan.first_run)

"""``client.sync``: creates, updates and deletes since the last run, each reported once, with
the state advanced only by a run that succeeded. Real HTTP against the fake throughout; records
with chosen ``updated_at`` values are planted with ``fake.add`` so that "the same second" needs
no clock."""

from __future__ import annotations

import copy
import json
import os
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import simplicate
from simplicate import _incremental
from simplicate.testing import FakeSimplicate

ORG = "crm/organization"
STAMP = "2024-01-01 10:00:00"


@pytest.fixture
def fake() -> Iterator[FakeSimplicate]:
    with FakeSimplicate(seed=5, records={ORG: 0}) as server:
        yield server


@pytest.fixture
def client(fake: FakeSimplicate) -> Iterator[simplicate.Client]:
    with fake.client(max_retries=0) as c:
        yield c


def plant(fake: FakeSimplicate, name: str, updated_at: str = STAMP, **fields: Any) -> str:
    return fake.add(
        ORG, {"name": name, "created_at": updated_at, "updated_at": updated_at, **fields}
    )


def second(i: int) -> str:
    """Distinct, increasing timestamps, one second apart."""
    return f"2024-01-01 {i // 3600:02d}:{i // 60 % 60:02d}:{i % 60:02d}"


def list_requests(fake: FakeSimplicate) -> list[dict[str, list[str]]]:
    return [r.params for r in fake.requests if r.path == f"/api/v2/{ORG}"]


def names(records: list[dict[str, Any]]) -> list[str]:
    return [r["name"] for r in records]


class Mirror:
    """A copy of the collection kept by applying sync results, as a user would."""

    def __init__(self) -> None:
        self.records: dict[str, dict[str, Any]] = {}

    def apply(self, result: simplicate.SyncResult) -> None:
        assert not {r["id"] for r in result.changed} & set(result.deleted)
        for record in result.changed:
            self.records[record["id"]] = record
        for id in result.deleted:
            assert id in self.records, "deleted an id never delivered"
            del self.records[id]


# ---- the round trip ----------------------------------------------------------------------------


def test_first_run_returns_everything_then_nothing() -> None:
    with FakeSimplicate(seed=2, records={ORG: 250}) as fake, fake.client() as client:
        stored = fake.records(ORG)
        state: dict[str, Any] = {}
        result = client.sync(ORG, state)
        assert result.first_run
        assert result.deleted == []
        expected = sorted(stored, key=lambda r: (r["updated_at"], r["id"]))
        assert result.changed == expected
        assert result.watermark == max(r["updated_at"] for r in stored)
        # ceil(250/100) requests, newest first, and nothing to compare deletions with yet.
        requests = list_requests(fake)
        assert len(requests) == 3
        assert requests[0]["sort"] == ["-updated_at,id"]
        assert all("q[updated_at][ge]" not in r for r in requests)
        assert state["known"] == sorted(r["id"] for r in stored)
        assert state["version"] == 1 and state["resource"] == ORG

        before = copy.deepcopy(state)
        fake.clear_requests()
        again = client.sync(client.crm.organization, state)
        assert not again.first_run
        assert (again.changed, again.deleted) == ([], [])
        assert again.watermark == result.watermark
        assert state == before
        assert list_requests(fake)[0]["q[updated_at][ge]"] == [result.watermark]


def test_creates_updates_and_deletes_are_reported_once(
    fake: FakeSimplicate, client: simplicate.Client
) -> None:
    a, b, c, d = (plant(fake, name, second(i)) for i, name in enumerate("abcd"))
    state: dict[str, Any] = {}
    assert names(client.sync(ORG, state).changed) == ["a", "b", "c", "d"]

    orgs = client.crm.organization
    new = orgs.create({"name": "new"})
    orgs.update(b, {"name": "b1"})
    orgs.update(b, {"name": "b2"})  # twice between runs: once, as it is now
    orgs.delete(c)
    short_lived = orgs.create({"name": "short-lived"})
    orgs.delete(short_lived)  # never delivered, so never reported deleted

    result = client.sync(ORG, state)
    assert sorted(names(result.changed)) == ["b2", "new"]
    assert {r["id"] for r in result.changed} == {b, new}
    assert result.deleted == [c]
    assert result.watermark == max(r["updated_at"] for r in fake.records(ORG))
    assert set(state["known"]) == {a, b, d, new}

    nothing = client.sync(ORG, state)
    assert (nothing.changed, nothing.deleted) == ([], [])


def test_records_written_in_the_watermark_second_are_not_missed_nor_repeated(
    fake: FakeSimplicate, client: simplicate.Client
) -> None:
    plant(fake, "older", second(0))
    a, b, c = (plant(fake, name, STAMP) for name in ("a", "b", "c"))
    state: dict[str, Any] = {}
    first = client.sync(ORG, state)
    assert len(first.changed) == 4
    assert first.watermark == STAMP
    assert set(state["boundary"]) == {a, b, c}

    # After that run, still within its last second: a create, and b changed again.
    e = plant(fake, "e", STAMP)
    fake.add(ORG, {**fake_record(fake, b), "name": "b again"})
    result = client.sync(ORG, state)
    assert sorted(names(result.changed)) == ["b again", "e"]
    assert result.deleted == []
    assert result.watermark == STAMP
    assert set(state["boundary"]) == {a, b, c, e}
    changes_pull = next(r for r in reversed(list_requests(fake)) if "sort" in r)
    assert changes_pull["q[updated_at][ge]"] == [STAMP]  # inclusive

    assert client.sync(ORG, state).changed == []


def fake_record(fake: FakeSimplicate, id: str) -> dict[str, Any]:
    return next(r for r in fake.records(ORG) if r["id"] == id)


def test_random_histories_are_mirrored_exactly(fake: FakeSimplicate) -> None:
    """Creates, updates and deletes through the client, and writes landing in the watermark's
    second after a run, in random order: after every run the mirror equals the collection, and
    no record is delivered twice with the same content."""
    rng = random.Random(8)
    serial = iter(range(10**6))
    for i in range(30):
        plant(fake, f"seed {i}", second(rng.randrange(40)))
    mirror, delivered = Mirror(), set()
    state: dict[str, Any] = {}
    with fake.client() as client:
        for _ in range(12):
            result = client.sync(ORG, state)
            mirror.apply(result)
            for record in result.changed:
                key = (record["id"], _incremental.digest(record))
                assert key not in delivered, f"delivered twice: {record}"
                delivered.add(key)
            assert mirror.records == {r["id"]: r for r in fake.records(ORG)}
            for _ in range(rng.randrange(1, 8)):
                current = fake.records(ORG)
                op = rng.choice(["create", "update", "delete", "same second", "new same second"])
                name = f"v{next(serial)}"
                watermark = state["watermark"]
                if op == "create" or not current:
                    client.crm.organization.create({"name": name})
                elif op == "update":
                    client.crm.organization.update(rng.choice(current)["id"], {"name": name})
                elif op == "delete":
                    client.crm.organization.delete(rng.choice(current)["id"])
                elif op == "same second":
                    older = [r for r in current if r["updated_at"] <= watermark]
                    if older:
                        record = rng.choice(older)
                        fake.add(ORG, {**record, "name": name, "updated_at": watermark})
                else:
                    plant(fake, name, watermark)
        final = client.sync(ORG, state)
        mirror.apply(final)
        assert mirror.records == {r["id"]: r for r in fake.records(ORG)}


# ---- filter and select -------------------------------------------------------------------------


def test_filter_defines_the_synced_set(fake: FakeSimplicate, client: simplicate.Client) -> None:
    keep_a, keep_b = plant(fake, "Keep A", second(1)), plant(fake, "Keep B", second(2))
    other = plant(fake, "Other", second(3))
    state: dict[str, Any] = {}
    first = client.sync(ORG, state, filter={"name": "Keep*"})
    assert names(first.changed) == ["Keep A", "Keep B"]
    assert state["filter"] == [["q[name]", "Keep*"]]

    client.crm.organization.update(keep_b, {"name": "Left"})  # leaves the set
    client.crm.organization.update(other, {"name": "Keep C"})  # joins it
    fake.clear_requests()
    result = client.sync(ORG, state, filter={"name": "Keep*"})
    assert names(result.changed) == ["Keep C"]
    assert result.deleted == [keep_b]
    assert set(state["known"]) == {keep_a, other}
    assert all(r["q[name]"] == ["Keep*"] for r in list_requests(fake))


def test_select_gets_id_and_updated_at(fake: FakeSimplicate, client: simplicate.Client) -> None:
    plant(fake, "a", second(1), email="a@example.com")
    state: dict[str, Any] = {}
    result = client.sync(ORG, state, select="name")
    assert [set(r) for r in result.changed] == [{"id", "name", "updated_at"}]
    assert list_requests(fake)[0]["select"] == ["name,id,updated_at"]
    fake.clear_requests()
    client.sync(ORG, state, select=["id", "name"])
    assert list_requests(fake)[0]["select"] == ["id,name,updated_at"]


# ---- deletions: which requests ------------------------------------------------------------------


def plant_long_ids(fake: FakeSimplicate, n: int) -> list[str]:
    """Ids as long as real ones (``organization:`` + 32 hex digits), one second apart."""
    return [
        fake.add(ORG, {"id": f"organization:{i:032x}", "name": f"o{i}", "updated_at": second(i)})
        for i in range(n)
    ]


def test_deletions_cost_the_fewest_requests(
    fake: FakeSimplicate, client: simplicate.Client
) -> None:
    ids = plant_long_ids(fake, 300)
    state: dict[str, Any] = {}
    client.sync(ORG, state)
    assert len(list_requests(fake)) == 3  # nothing known yet: no deletion check

    # Few changes: pulling the 300 ids (3 requests) beats asking for 299 (4 batches of 80).
    client.crm.organization.delete(ids[10])
    client.crm.organization.delete(ids[20])
    fake.clear_requests()
    result = client.sync(ORG, state)
    assert result.deleted == [ids[10], ids[20]]
    changes, *pulls, confirm = list_requests(fake)
    assert changes["sort"] == ["-updated_at,id"]
    assert [p["select"] for p in pulls] == [["id"]] * 3
    assert all("q[id][in]" not in p for p in pulls)
    # What the pull did not return is confirmed gone before it is reported.
    assert confirm["q[id][in]"] == [f"{ids[10]},{ids[20]}"]

    # Many changes: the known ids left to check (147) take 2 batches, fewer than the 3 pages.
    for id in ids[100:250]:
        client.crm.organization.update(id, {"name": "changed"})
    fake.clear_requests()
    result = client.sync(ORG, state)
    assert len(result.changed) == 150 and result.deleted == []
    _changes, _more_changes, *batches = list_requests(fake)
    assert len(batches) == 2
    assert all(b["select"] == ["id"] for b in batches)
    checked = [id for b in batches for id in b["q[id][in]"][0].split(",")]
    # (the record at the old watermark came with the changes: it exists)
    assert sorted(checked) == sorted(set(state["known"]) - set(ids[100:250]) - {ids[-1]})
    # Batches keep URLs short.
    queries = [r.query for r in fake.requests if "q%5Bid%5D%5Bin%5D" in r.query]
    assert len(queries) == 2 and max(map(len, queries)) < 4500


def test_id_batches_respect_the_page_and_the_url_budget() -> None:
    short = [f"o:{i}" for i in range(250)]
    assert [len(b) for b in _incremental.id_batches(short)] == [100, 100, 50]
    long = [f"organization:{i:032x}" for i in range(200)]
    batches = _incremental.id_batches(long)
    assert [id for b in batches for id in b] == long
    assert all(sum(len(i) + 5 for i in b) <= _incremental.ID_LIST_CHARS for b in batches)
    assert len(batches) == 3
    assert _incremental.id_batches([]) == []


class Skipping:
    """A pager that misses one record, as offset paging can when a row before the offset is
    deleted during the pull."""

    def __init__(self, pager: Any, skip: str) -> None:
        self._pager, self._skip = pager, skip

    def count(self) -> int:
        return self._pager.count()

    def to_list(self) -> list[dict[str, Any]]:
        return [r for r in self._pager.to_list() if r["id"] != self._skip]

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return (r for r in self._pager if r["id"] != self._skip)


def skip_in(
    monkeypatch: pytest.MonkeyPatch, client: simplicate.Client, skip: str, *, pull: str
) -> None:
    real = client._list

    def _list(path: str, **options: Any) -> Any:
        pager = real(path, **options)
        if pull == "changes" and options.get("sort") == "-updated_at":
            return Skipping(pager, skip)
        if pull == "ids" and options.get("select") == "id" and not options.get("params"):
            return Skipping(pager, skip)
        return pager

    monkeypatch.setattr(client, "_list", _list)


def test_a_row_the_id_pull_skipped_is_not_reported_deleted(
    fake: FakeSimplicate, client: simplicate.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = plant_long_ids(fake, 300)
    state: dict[str, Any] = {}
    client.sync(ORG, state)
    client.crm.organization.delete(ids[5])
    skip_in(monkeypatch, client, ids[7], pull="ids")
    fake.clear_requests()
    assert client.sync(ORG, state).deleted == [ids[5]]
    assert list_requests(fake)[-1]["q[id][in]"] == [f"{ids[5]},{ids[7]}"]
    assert ids[7] in state["known"]


def test_a_row_the_changes_pull_skipped_comes_next_run(
    fake: FakeSimplicate, client: simplicate.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = [plant(fake, f"o{i}", second(i)) for i in range(5)]
    state: dict[str, Any] = {}
    client.sync(ORG, state)
    watermark = state["watermark"]
    for id in ids[:3]:
        client.crm.organization.update(id, {"name": "changed"})
    with monkeypatch.context() as patch:
        skip_in(patch, client, ids[1], pull="changes")
        result = client.sync(ORG, state)
    assert {r["id"] for r in result.changed} == {ids[0], ids[2]}
    # Fewer records than announced: the same range is read again next time ...
    assert result.watermark == watermark == state["watermark"]
    assert {ids[0], ids[2]} <= set(state["boundary"])
    # ... which delivers the skipped one, and only it.
    again = client.sync(ORG, state)
    assert [r["id"] for r in again.changed] == [ids[1]]
    assert again.watermark > watermark
    assert client.sync(ORG, state).changed == []


# ---- the state ---------------------------------------------------------------------------------


def test_state_file_is_created_then_replaced(
    fake: FakeSimplicate, client: simplicate.Client, tmp_path: Path
) -> None:
    a = plant(fake, "a", second(1))
    path = tmp_path / "orgs.json"
    assert client.sync(ORG, path).first_run
    stored = json.loads(path.read_text())
    assert list(stored) == ["version", "resource", "filter", "watermark", "boundary", "known"]
    assert stored["known"] == [a] and stored["watermark"] == second(1)
    plant(fake, "b", second(2))
    result = client.sync(ORG, str(path))
    assert names(result.changed) == ["b"] and not result.first_run
    assert json.loads(path.read_text())["watermark"] == second(2)
    assert os.listdir(tmp_path) == ["orgs.json"]


def test_a_failed_run_leaves_the_state_untouched(
    fake: FakeSimplicate, client: simplicate.Client, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = [plant(fake, f"o{i}", second(i)) for i in range(3)]
    path = tmp_path / "orgs.json"
    client.sync(ORG, path)
    before = path.read_bytes()
    client.crm.organization.update(ids[0], {"name": "changed"})
    client.crm.organization.delete(ids[1])

    # The changes pull succeeds, then the deletion check fails.
    real = client._list

    def failing_deletion_check(path: str, **options: Any) -> Any:
        if options.get("select") == "id":
            fake.inject(ORG, status=503, times=None)
        return real(path, **options)

    with monkeypatch.context() as patch:
        patch.setattr(client, "_list", failing_deletion_check)
        with pytest.raises(simplicate.ServiceUnavailableError):
            client.sync(ORG, path)
    assert [r.status for r in fake.requests][-2:] == [200, 503]
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["orgs.json"]

    # Nothing was lost: the repeated run reports it all.
    fake.clear_faults()
    result = client.sync(ORG, path)
    assert names(result.changed) == ["changed"] and result.deleted == [ids[1]]


def test_a_failed_write_leaves_the_old_file_and_no_temporary(
    fake: FakeSimplicate, client: simplicate.Client, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plant(fake, "a", second(1))
    path = tmp_path / "orgs.json"
    client.sync(ORG, path)
    before = path.read_bytes()
    plant(fake, "b", second(2))

    def broken_replace(src: str, dst: str) -> None:
        assert os.path.dirname(src) == str(tmp_path)  # beside the state, so the rename is atomic
        raise OSError("disk full")

    with monkeypatch.context() as patch:
        patch.setattr(os, "replace", broken_replace)
        with pytest.raises(OSError, match="disk full"):
            client.sync(ORG, path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["orgs.json"]
    assert names(client.sync(ORG, path).changed) == ["b"]


def test_dict_state_is_updated_in_place_only_on_success(
    fake: FakeSimplicate, client: simplicate.Client
) -> None:
    a = plant(fake, "a", second(1))
    state: dict[str, Any] = {}
    client.sync(ORG, state)
    assert state == {
        "version": 1,
        "resource": ORG,
        "filter": [],
        "watermark": second(1),
        "boundary": {a: [second(1), _incremental.digest(fake_record(fake, a))]},
        "known": [a],
    }
    json.dumps(state)  # a dict state can be stored as JSON by the caller
    state["mine"] = "kept"
    before = copy.deepcopy(state)
    plant(fake, "b", second(2))
    fake.inject(ORG, status=503, times=None)
    with pytest.raises(simplicate.ServiceUnavailableError):
        client.sync(ORG, state)
    assert state == before
    fake.clear_faults()
    client.sync(ORG, state)
    assert state["watermark"] == second(2) and state["mine"] == "kept"


def test_sync_result() -> None:
    result = simplicate.SyncResult([{"id": "x"}], ["y"], "2024-01-01 10:00:00", False)
    assert repr(result) == (
        "<SyncResult changed=1 deleted=1 watermark='2024-01-01 10:00:00' first_run=False>"
    )
    with pytest.raises(AttributeError):
        result.watermark = None  # type: ignore[misc]


# ---- bad input: raised before any request ------------------------------------------------------


def valid_state(**changes: Any) -> dict[str, Any]:
    return {
        "version": 1,
        "resource": ORG,
        "filter": [],
        "watermark": None,
        "boundary": {},
        "known": [],
        **changes,
    }


BAD = [
    ({"resource": 42}, TypeError, "resource must be an API path"),
    ({"resource": "crm/organisation"}, ValueError, "did you mean 'crm/organization'"),
    ({"resource": "crm/mergeorganization"}, ValueError, "not a collection the API lists"),
    ({"state": 42}, TypeError, "state must be a path"),
    ({"state": b"x.json"}, TypeError, "state must be a path"),
    ({"state": {"watermark": None}}, ValueError, "not a sync state"),
    ({"state": valid_state(version=2)}, ValueError, "version 2"),
    ({"state": valid_state(resource="crm/person")}, ValueError, "belongs to 'crm/person'"),
    ({"state": valid_state(known="a,b")}, ValueError, r"state\['known'\]"),
    ({"state": valid_state(boundary={"a": "x"})}, ValueError, r"state\['boundary'\]"),
    ({"state": valid_state(filter=[["q[name]", "x"]])}, ValueError, "filter differs"),
    ({"filter": {"updated_at": {"ge": "2024-01-01"}}}, ValueError, "'updated_at'"),
    ({"filter": {"name": "x", "or": {"email": "*"}}}, ValueError, r"filter\['or'\]"),
    ({"filter": {"name": {1, 2}}}, TypeError, r"filter\['name'\]"),
    ({"filter": "name=x"}, TypeError, "filter must be a dict"),
    ({"select": 5}, TypeError, "select must be a str or a list"),
    ({"select": ""}, ValueError, "select names no field"),
    ({"select": ["name", ""]}, ValueError, r"select\[1\]"),
    ({"page_size": 0}, ValueError, "page_size"),
    ({"page_size": "10"}, TypeError, "page_size"),
]


@pytest.mark.parametrize(("arguments", "error", "message"), BAD)
def test_bad_input_raises_before_any_request(
    simplicate_fake: FakeSimplicate,
    simplicate_client: simplicate.Client,
    arguments: dict[str, Any],
    error: type[Exception],
    message: str,
) -> None:
    arguments = {"resource": ORG, "state": {}, **arguments}
    with pytest.raises(error, match=message):
        simplicate_client.sync(**arguments)
    assert simplicate_fake.requests == []


def test_bad_resources_and_state_files_raise_before_any_request(
    simplicate_fake: FakeSimplicate, simplicate_client: simplicate.Client, tmp_path: Path
) -> None:
    with pytest.raises(TypeError, match="resource must be"):
        simplicate_client.sync(simplicate_client.crm, {})  # type: ignore[arg-type]
    garbage = tmp_path / "garbage.json"
    garbage.write_text("{not json")
    with pytest.raises(ValueError, match="is not JSON"):
        simplicate_client.sync(ORG, garbage)
    listed = tmp_path / "list.json"
    listed.write_text("[]")
    with pytest.raises(ValueError, match="not a sync state"):
        simplicate_client.sync(ORG, listed)
    with pytest.raises(FileNotFoundError, match="does not exist"):
        simplicate_client.sync(ORG, tmp_path / "missing" / "state.json")
    with pytest.raises(IsADirectoryError):
        simplicate_client.sync(ORG, tmp_path)
    assert simplicate_fake.requests == []
    assert garbage.read_text() == "{not json"


def test_a_collection_without_updated_at_cannot_be_synced(
    simplicate_fake: FakeSimplicate, simplicate_client: simplicate.Client, tmp_path: Path
) -> None:
    path = tmp_path / "countries.json"
    with pytest.raises(ValueError, match="has no updated_at"):
        simplicate_client.sync("crm/country", path)
    assert not path.exists()


def test_real_data_syncs_zero_dates_included(
    fake: FakeSimplicate, client: simplicate.Client
) -> None:
    # As real accounts have them: a row imported long ago whose updated_at is MySQL's zero date,
    # beside ordinary rows. The first run delivers both and the watermark is a real time; later
    # runs neither repeat the zero-dated row nor report it deleted.
    old = plant(fake, "Imported", updated_at="0000-00-00 00:00:00")
    new = plant(fake, "Recent", updated_at=second(10))
    state: dict[str, Any] = {}
    first = client.sync(ORG, state)
    assert sorted(r["id"] for r in first.changed) == sorted([old, new])
    assert first.watermark == second(10)
    again = client.sync(ORG, state)
    assert (again.changed, again.deleted) == ([], [])
    client.crm.organization.update(new, {"name": "Recent, changed"})
    third = client.sync(ORG, state)
    assert [r["id"] for r in third.changed] == [new] and third.deleted == []


def test_the_fakes_quirky_collections_sync(simplicate_client: simplicate.Client) -> None:
    # Sales carry zero dates (status_updated_at) and untranslated labels; contracts decimal
    # strings and 1970-01-01 end dates: sync takes them as they come, twice without a change.
    for resource in ("sales/sales", "hrm/contract"):
        state: dict[str, Any] = {}
        first = simplicate_client.sync(resource, state)
        assert first.changed and len(first.changed) == len(state["known"])
        again = simplicate_client.sync(resource, state)
        assert (again.changed, again.deleted) == ([], [])

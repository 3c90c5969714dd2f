"""``pager.to_arrow()`` / ``to_pandas()`` / ``to_polars()``: tables built in Rust from the page
bytes, checked against ``pandas.json_normalize`` on the same records, over real HTTP."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import math
import sys
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

import simplicate
from simplicate import _core
from simplicate.testing import FakeSimplicate

from .conftest import Reply, ScriptedServer, envelope
from .interrupt import assert_ctrl_c_interrupts

if TYPE_CHECKING:
    import pandas as pd
    import polars as pl
    import pyarrow as pa
else:
    pd = pl = pa = None


@pytest.fixture(autouse=True, scope="module")
def _dataframe_libraries() -> Iterator[None]:
    """pandas, polars and pyarrow are imported when these tests run, not when the suite is
    collected: their tens of thousands of objects lengthen every full garbage collection, which
    timing-sensitive tests elsewhere (the async event-loop ticker) would feel."""
    global pd, pl, pa
    import pandas
    import polars
    import pyarrow

    pd, pl, pa = pandas, polars, pyarrow
    yield


COLLECTIONS = ["crm/organization", "crm/person", "hours/hours", "projects/project"]
ODD = "crm/organization"


def list_requests(fake: FakeSimplicate, path: str) -> list[dict[str, list[str]]]:
    return [r.params for r in fake.requests if r.path == f"/api/v2/{path}"]


def pager(client: simplicate.Client, path: str, **kw: Any) -> simplicate.Pager:
    return client._list(path, **kw)


def plain(value: Any) -> Any:
    """A value with the differences of type taken out: NaN/None are missing, timestamps and
    dates are the API's text, and keys whose value is missing are dropped from objects (an Arrow
    struct has every field of its type, null where a record had none)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        pairs = {k: plain(v) for k, v in value.items()}
        return {k: v for k, v in pairs.items() if v is not None}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if hasattr(value, "tolist"):  # numpy arrays and scalars
        return plain(value.tolist())
    return value


def expected_value(value: Any, arrow_type: pa.DataType) -> Any:
    """What a (plain) json_normalize value must look like in a column of ``arrow_type``."""
    if value is None:
        return None
    if pa.types.is_list(arrow_type):
        return [expected_value(v, arrow_type.value_type) for v in value]
    if pa.types.is_struct(arrow_type):
        fields = {f.name: f.type for f in arrow_type}
        pairs = {k: expected_value(v, fields[k]) for k, v in value.items()}
        return {k: v for k, v in pairs.items() if v is not None}
    if pa.types.is_timestamp(arrow_type) or pa.types.is_date(arrow_type):
        # Empty strings, and values shaped like dates that are no calendar value, become null.
        shape = "%Y-%m-%d %H:%M:%S" if pa.types.is_timestamp(arrow_type) else "%Y-%m-%d"
        try:
            dt.datetime.strptime(value, shape)
        except ValueError:
            return None
        return value
    if pa.types.is_floating(arrow_type):
        return float(value)
    if pa.types.is_string(arrow_type) and not isinstance(value, str):
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)  # conflicts
    return value


def assert_matches_json_normalize(table: pa.Table, records: list[dict[str, Any]]) -> None:
    frame = pd.json_normalize(records)
    assert set(table.column_names) == set(frame.columns)
    assert table.num_rows == len(frame)
    for name in table.column_names:
        arrow_type = table.schema.field(name).type
        got = [plain(v) for v in table.column(name).to_pylist()]
        want = [expected_value(plain(v), arrow_type) for v in frame[name].tolist()]
        assert got == want, name


@pytest.mark.parametrize("path", COLLECTIONS)
def test_columns_and_values_match_json_normalize(
    simplicate_client: simplicate.Client, path: str
) -> None:
    records = pager(simplicate_client, path).to_list()
    listed = pager(simplicate_client, path)
    table = listed.to_arrow()
    assert table.num_rows == listed.count() == len(records) > 0
    assert_matches_json_normalize(table, records)
    # and in JSON-text mode, every list reads back as the record's own list
    as_json = pager(simplicate_client, path).to_arrow(lists="json")
    assert set(as_json.column_names) == set(table.column_names)
    for name in as_json.column_names:
        if pa.types.is_list(table.schema.field(name).type):
            texts = as_json.column(name).to_pylist()
            originals = pd.json_normalize(records)[name].tolist()
            for text, original in zip(texts, originals, strict=True):
                want = original if isinstance(original, list) else None
                assert (None if text is None else json.loads(text)) == want


@pytest.mark.parametrize("path", COLLECTIONS)
def test_pandas_and_polars_frames(simplicate_client: simplicate.Client, path: str) -> None:
    records = pager(simplicate_client, path).to_list()
    frame = pager(simplicate_client, path).to_pandas()
    assert isinstance(frame, pd.DataFrame)
    assert set(frame.columns) == set(pd.json_normalize(records).columns)
    assert len(frame) == len(records)
    assert frame["id"].tolist() == [r["id"] for r in records]
    polars_frame = pager(simplicate_client, path).to_polars()
    assert isinstance(polars_frame, pl.DataFrame)
    assert polars_frame.columns == list(frame.columns)
    assert polars_frame["id"].to_list() == frame["id"].tolist()


@pytest.mark.simplicate(records={"hours/hours": 1000})
def test_the_pull_costs_the_stream_s_requests(simplicate_fake: FakeSimplicate) -> None:
    with simplicate_fake.client() as client:
        table = pager(client, "hours/hours").to_arrow()
    assert table.num_rows == 1000
    requests = list_requests(simplicate_fake, "hours/hours")
    assert len(requests) == 10
    assert requests[0]["metadata"] == ["count"]
    assert all("metadata" not in r for r in requests[1:])
    assert [int(r["offset"][0]) for r in requests] == list(range(0, 1000, 100))


@pytest.mark.simplicate(records={"hours/hours": 1000})
def test_count_first_then_table_reuses_the_first_page(simplicate_fake: FakeSimplicate) -> None:
    with simplicate_fake.client() as client:
        listed = pager(client, "hours/hours", page_size=40, limit=130, offset=5)
        assert listed.count() == 1000
        table = listed.to_arrow()
    ids = [r["id"] for r in simplicate_fake.records("hours/hours")]
    assert table.column("id").to_pylist() == ids[5:135]
    sizes = [int(r["limit"][0]) for r in list_requests(simplicate_fake, "hours/hours")]
    assert sizes == [40, 40, 40, 10]


def test_filters_select_and_sort_are_respected(simplicate_fake: FakeSimplicate) -> None:
    options: dict[str, Any] = {
        "filter": {"name": "*B.V.*"},
        "select": ["id", "name", "relation_type."],
        "sort": "-name",
    }
    with simplicate_fake.client() as client:
        records = pager(client, ODD, **options).to_list()
        simplicate_fake.clear_requests()
        table = pager(client, ODD, **options).to_arrow()
    assert 0 < table.num_rows < len(simplicate_fake.records(ODD))
    assert table.column("id").to_pylist() == [r["id"] for r in records]
    assert set(table.column_names) == {
        "id",
        "name",
        "relation_type.id",
        "relation_type.label",
        "relation_type.color",
    }
    assert all("b.v." in name.lower() for name in table.column("name").to_pylist())
    first = list_requests(simplicate_fake, ODD)[0]
    assert first["q[name]"] == ["*B.V.*"]
    assert first["sort"] == ["-name,id"]
    assert first["select"] == ["id,name,relation_type."]


# Clean data: real accounts' zero dates ("0000-00-00", a quirk the fake serves by default) are
# not calendar dates, so a date_of_birth column holding one stays text.
@pytest.mark.simplicate(quirks=False)
def test_timestamps_and_dates_are_typed(simplicate_client: simplicate.Client) -> None:
    people = pager(simplicate_client, "crm/person").to_arrow()
    assert people.schema.field("created_at").type == pa.timestamp("s")
    assert people.schema.field("date_of_birth").type == pa.date32()
    records = pager(simplicate_client, "crm/person").to_list()
    assert people.column("created_at")[0].as_py() == dt.datetime.fromisoformat(
        records[0]["created_at"]
    )
    frame = pager(simplicate_client, "crm/person").to_pandas()
    assert str(frame["updated_at"].dtype).startswith("datetime64")
    assert frame["updated_at"].dt.tz is None  # the API's local time, no zone attached

    kept = pager(simplicate_client, "crm/person").to_arrow(timestamps=False)
    assert kept.schema.field("created_at").type == pa.string()
    assert kept.column("created_at")[0].as_py() == records[0]["created_at"]


def test_numbers_as_strings_are_cast_on_request(simplicate_client: simplicate.Client) -> None:
    hours = pager(simplicate_client, "hours/hours", limit=50)
    assert hours.to_arrow().schema.field("tariff").type == pa.string()
    cast = pager(simplicate_client, "hours/hours", limit=50).to_arrow(cast_numbers=True)
    assert cast.schema.field("tariff").type == pa.float64()
    records = pager(simplicate_client, "hours/hours", limit=50).to_list()
    assert cast.column("tariff").to_pylist() == [float(r["tariff"]) for r in records]
    assert cast.schema.field("duration_in_minutes").type == pa.int64()
    assert cast.schema.field("hours").type == pa.float64()


def test_lists_both_ways(simplicate_client: simplicate.Client) -> None:
    records = pager(simplicate_client, ODD).to_list()
    as_lists = pager(simplicate_client, ODD).to_arrow()
    custom = as_lists.schema.field("custom_fields").type
    assert pa.types.is_list(custom) and pa.types.is_struct(custom.value_type)
    first_field = as_lists.column("custom_fields").to_pylist()[0][0]
    assert first_field["id"] == records[0]["custom_fields"][0]["id"]
    as_json = pager(simplicate_client, ODD).to_arrow(lists="json")
    assert as_json.schema.field("custom_fields").type == pa.string()
    texts = as_json.column("custom_fields").to_pylist()
    assert [json.loads(t) for t in texts] == [r["custom_fields"] for r in records]
    # pandas: list columns stay Arrow-backed, and their cells read as the records' lists
    frame = pager(simplicate_client, ODD).to_pandas()
    assert isinstance(frame["custom_fields"].dtype, pd.ArrowDtype)
    assert [plain(cell) for cell in frame["custom_fields"].tolist()] == [
        plain(r["custom_fields"]) for r in records
    ]
    assert not isinstance(frame["name"].dtype, pd.ArrowDtype)
    as_text = pager(simplicate_client, ODD).to_pandas(lists="json")
    assert [json.loads(t) for t in as_text["custom_fields"]] == [
        r["custom_fields"] for r in records
    ]


@pytest.mark.simplicate(records={ODD: 0})
def test_odd_records_match_json_normalize(simplicate_fake: FakeSimplicate) -> None:
    """Keys left out, null where others have an object, a number here and a string there, empty
    objects, lists of mixed elements, strings that are almost dates: same columns as
    json_normalize, same values modulo types, nothing dropped."""
    odd: list[dict[str, Any]] = [
        {"name": "a", "amount": 12, "address": {"city": "Delft", "geo": {"lat": 52.0}}},
        {"name": "b", "amount": "twelve", "address": None, "tags": ["x", 1, None, {"k": "v"}]},
        {"name": "c", "address": "Main St 1", "when": "2024-02-30 10:00:00", "empty": {}},
        {"name": "d", "flag": True, "nested": {"deep": {"er": [1, 2.5]}}, "when": ""},
        {"name": "e", "flag": "yes", "score": 1, "tags": []},
        {"name": "f", "score": 2.5, "day": "2024-02-29", "note": ""},
    ]
    for record in odd:
        simplicate_fake.add(ODD, record)
    with simplicate_fake.client() as client:
        records = pager(client, ODD).to_list()
        table = pager(client, ODD).to_arrow()
        frame = pager(client, ODD).to_pandas()
    assert_matches_json_normalize(table, records)
    types = {field.name: field.type for field in table.schema}
    assert types["amount"] == pa.string()  # 12 and "twelve": text, nothing lost
    assert table.column("amount").to_pylist()[:2] == ["12", "twelve"]
    assert types["address"] == pa.string()
    assert types["address.geo.lat"] == pa.float64()
    assert types["flag"] == pa.string()
    assert types["score"] == pa.float64()
    # 2024-02-30 is shaped like a date-time but is none: null, counted, the column still typed
    assert types["when"] == pa.timestamp("s")
    assert table.column("when").null_count == len(odd)
    assert json.loads(table.schema.metadata[b"simplicate:nulled"]) == {"when": 1}
    assert frame.attrs["simplicate:nulled"] == {"when": 1}
    assert types["day"] == pa.date32()
    assert pa.types.is_list(types["tags"])
    assert table.column("tags").to_pylist()[1] == ["x", "1", None, '{"k":"v"}']
    assert "empty" not in types  # an empty object has no leaves (as in json_normalize)
    assert set(frame.columns) == set(table.column_names)


@pytest.mark.parametrize("method", ["to_arrow", "to_pandas", "to_polars"])
def test_an_empty_result_is_an_empty_table(
    simplicate_client: simplicate.Client, method: str
) -> None:
    nothing = pager(simplicate_client, ODD, filter={"name": "no such organization"})
    result = getattr(nothing, method)()
    assert len(result) == 0
    assert nothing.count() == 0


def test_limit_zero_sends_nothing(simplicate_fake: FakeSimplicate) -> None:
    with simplicate_fake.client() as client:
        table = pager(client, ODD, limit=0).to_arrow()
    assert table.num_rows == 0
    assert simplicate_fake.requests == []


@pytest.mark.parametrize("method", ["to_arrow", "to_pandas", "to_polars"])
@pytest.mark.parametrize(
    ("kwargs", "exc", "name"),
    [
        ({"lists": "xml"}, ValueError, "lists"),
        ({"lists": None}, ValueError, "lists"),
        ({"timestamps": "yes"}, TypeError, "timestamps"),
        ({"cast_numbers": 1}, TypeError, "cast_numbers"),
        ({"schema": "typed"}, ValueError, "schema"),
        ({"schema": None}, ValueError, "schema"),
    ],
)
def test_bad_options_raise_before_any_request(
    simplicate_fake: FakeSimplicate, method: str, kwargs: dict, exc: type, name: str
) -> None:
    with simplicate_fake.client() as client:
        listed = pager(client, ODD)
        with pytest.raises(exc, match=name):
            getattr(listed, method)(**kwargs)
        with pytest.raises((ValueError, TypeError), match=name):
            listed._native.arrow(**kwargs)  # the native layer checks too
    assert simplicate_fake.requests == []


@pytest.mark.parametrize(
    ("method", "missing", "extra"),
    [
        ("to_arrow", "pyarrow", "arrow"),
        ("to_pandas", "pandas", "pandas"),
        ("to_pandas", "pyarrow", "pandas"),
        ("to_polars", "polars", "polars"),
        ("to_polars", "pyarrow", "polars"),
    ],
)
def test_a_missing_extra_is_named(
    simplicate_fake: FakeSimplicate,
    monkeypatch: pytest.MonkeyPatch,
    method: str,
    missing: str,
    extra: str,
) -> None:
    monkeypatch.setitem(sys.modules, missing, None)  # makes `import <missing>` fail
    with simplicate_fake.client() as client, pytest.raises(ImportError) as caught:
        getattr(pager(client, ODD), method)()
    assert str(caught.value) == f"{method}() needs {missing}: pip install 'simplicate[{extra}]'"
    assert simplicate_fake.requests == []


@pytest.mark.simplicate(records={"crm/organization": 250})
def test_records_pushed_onto_the_next_page_are_not_repeated(
    simplicate_fake: FakeSimplicate,
) -> None:
    """``count()`` keeps page 1; a record then created before it shifts page 2 by one, whose
    first row repeats page 1's last. The table has it once, like iteration."""
    with simplicate_fake.client() as client:
        listed = pager(client, ODD, sort="name")
        assert listed.count() == 250
        simplicate_fake.add(ODD, {"name": "  aaa first"})
        ids = listed.to_arrow().column("id").to_pylist()
    assert len(ids) == len(set(ids)) == 250
    originals = {r["id"] for r in simplicate_fake.records(ODD)[:250]}
    assert set(ids) == originals


@pytest.mark.simplicate(records={"crm/organization": 250})
def test_failures_mid_pull_surface_as_exceptions(simplicate_fake: FakeSimplicate) -> None:
    with simplicate_fake.client(max_retries=2, retry_backoff=0.01) as client:
        with pytest.raises(simplicate.BadRequestError, match="bogus"):
            pager(client, ODD, params={"q[name][bogus]": "x"}).to_arrow()
        simplicate_fake.inject("crm/organization", status=503, times=1)
        assert pager(client, ODD).to_arrow().num_rows == 250  # retried
        simplicate_fake.inject("crm/organization", truncate=True, times=1)
        with pytest.raises(simplicate.DecodeError, match="invalid JSON"):
            pager(client, ODD).to_arrow()


def test_the_arrow_stream_is_a_pycapsule_source(simplicate_client: simplicate.Client) -> None:
    stream = pager(simplicate_client, "crm/person", limit=7)._native.arrow()
    assert isinstance(stream, _core.ArrowStream)
    assert (stream.num_rows, stream.num_columns) == (7, pa.table(stream).num_columns)
    capsule = stream.__arrow_c_stream__()
    assert type(capsule).__name__ == "PyCapsule"
    del capsule  # never consumed: its destructor releases the stream
    reader = pa.RecordBatchReader.from_stream(stream)  # a second, independent stream
    assert reader.read_all().num_rows == 7
    assert pl.DataFrame(stream).height == 7


@pytest.mark.simplicate(records={"hours/hours": 1000})
def test_the_async_pager_builds_the_same_table(simplicate_fake: FakeSimplicate) -> None:
    with simplicate_fake.client() as client:
        expected = pager(client, "hours/hours").to_arrow()

    async def main() -> tuple[pa.Table, pd.DataFrame, pl.DataFrame]:
        async with simplicate.AsyncClient(
            base_url=simplicate_fake.url,
            api_key=simplicate_fake.api_key,
            api_secret=simplicate_fake.api_secret,
            rate_limit=None,
        ) as client:
            listed = client.hours.hours.list()
            assert await listed.count() == 1000
            table = await listed.to_arrow()
            frame = await client.hours.hours.list(limit=10).to_pandas()
            polars_frame = await client.hours.hours.list(limit=10).to_polars(lists="json")
            with pytest.raises(ValueError, match="lists"):
                await client.hours.hours.list().to_arrow(lists="nope")
            return table, frame, polars_frame

    simplicate_fake.clear_requests()
    table, frame, polars_frame = asyncio.run(main())
    assert table.equals(expected)
    assert len(list_requests(simplicate_fake, "hours/hours")) == 10 + 1 + 1
    assert len(frame) == len(polars_frame) == 10


def test_the_gil_is_released_while_a_table_is_pulled(scripted: ScriptedServer) -> None:
    # Each handler answers only once both requests are inside it: a pull holding the GIL would
    # keep the other thread from sending, the barrier would break, and both calls would fail.
    barrier = threading.Barrier(2, timeout=10)
    page = envelope([{"id": "x:1", "n": 1}], metadata={"count": 1})
    scripted.on("GET", "crm/organization", Reply(body=page, action=barrier.wait))
    scripted.on("GET", "crm/person", Reply(body=envelope([]), action=barrier.wait))
    with scripted.client() as client:
        other = threading.Thread(target=lambda: client.get("crm/person"))
        other.start()
        table = client._list("crm/organization").to_arrow()
        other.join(10)
    assert table.column("n").to_pylist() == [1]


def test_ctrl_c_interrupts_a_table_pull(scripted: ScriptedServer) -> None:
    release = threading.Event()
    scripted.on(
        "GET", "crm/organization", Reply(body=envelope([]), action=lambda: release.wait(60))
    )
    try:
        assert_ctrl_c_interrupts(
            f"""
            c = simplicate.Client(base_url={scripted.url!r}, api_key="k", api_secret="s",
                                  timeout=120)
            pager = c.crm.organization.list()
            """,
            "pager.to_arrow()",
            in_flight=lambda: bool(scripted.seen),  # the first page's request
        )
    finally:
        release.set()

"""Tables from data as the real API sends it (``tests/fixtures/``, planted into the fake):
zero dates, impossible dates, numbers as strings, ``"0"``/``"1"`` booleans; the counts of
nulled values in the schema metadata, ``DataFrame.attrs`` and the log; and ``schema="model"``
on every table method, sync and async, and on ``simplicate export``. Real HTTP throughout."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

import simplicate
from simplicate.__main__ import main
from simplicate.testing import FakeSimplicate

if TYPE_CHECKING:
    import pandas as pd
    import polars as pl
    import pyarrow as pa
else:
    pd = pl = pa = None

FIXTURES = Path(__file__).parent / "fixtures"
PLANTED = {
    "crm/organization": "crm.organisation",
    "hrm/contract": "hrm.contract",
    "sales/sales": "sales.sales",
}
NULLED = "simplicate:nulled"
METHODS = ["to_arrow", "to_pandas", "to_polars"]


@pytest.fixture(autouse=True, scope="module")
def _dataframe_libraries() -> Iterator[None]:
    """Imported when these tests run, not at collection (see ``test_tabular.py``)."""
    global pd, pl, pa
    import pandas
    import polars
    import pyarrow

    pd, pl, pa = pandas, polars, pyarrow
    yield


def fixture_records(path: str) -> list[dict[str, Any]]:
    text = (FIXTURES / f"{PLANTED[path]}.json").read_text(encoding="utf-8")
    return json.loads(text)["data"]


@pytest.fixture
def real() -> Iterator[FakeSimplicate]:
    """A fake holding nothing but the real fixtures' records (ids and timestamps kept)."""
    # hrm/contract follows the employees: none, so it holds the fixture alone.
    with FakeSimplicate(
        records={"crm/organization": 0, "sales/sales": 0, "hrm/employee": 0}
    ) as fake:
        for path in PLANTED:
            for record in fixture_records(path):
                fake.add(path, record)
        yield fake


def as_table(result: Any) -> pa.Table:
    """Any table method's result as a pyarrow table, to compare values alike."""
    if isinstance(result, pd.DataFrame):
        return pa.Table.from_pandas(result, preserve_index=False)
    if isinstance(result, pl.DataFrame):
        return result.to_arrow()
    return result


def nulled_in(result: Any) -> dict[str, int] | None:
    """The nulled-value counts a result carries (polars frames carry none)."""
    if isinstance(result, pd.DataFrame):
        return result.attrs.get(NULLED)
    if isinstance(result, pa.Table):
        metadata = result.schema.metadata or {}
        text = metadata.get(NULLED.encode())
        return None if text is None else json.loads(text)
    return None


def warnings_logged(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == "simplicate" and r.levelno == logging.WARNING
    ]


def list_requests(fake: FakeSimplicate) -> list[Any]:
    return [r for r in fake.requests if r.path.startswith("/api/v2/")]


# ---- the inferred schema: zero dates and impossible dates ------------------------------------


def test_a_zero_date_is_a_null_in_a_timestamp_column(
    real: FakeSimplicate, caplog: pytest.LogCaptureFixture
) -> None:
    with real.client() as client:
        table = client.sales.sales.list().to_arrow()
    assert table.schema.field("status_updated_at").type == pa.timestamp("s")
    assert table.column("status_updated_at").to_pylist() == [None]
    assert table.column("created_at").to_pylist() == [dt.datetime(2019, 2, 28, 13, 43, 33)]
    # The API's own spelling of "no date" is not counted, and nothing is logged.
    assert nulled_in(table) is None
    assert warnings_logged(caplog) == []


@pytest.mark.parametrize("method", METHODS)
def test_an_impossible_date_is_a_counted_null(
    real: FakeSimplicate, caplog: pytest.LogCaptureFixture, method: str
) -> None:
    sale = fixture_records("sales/sales")[0]
    odd = {**sale, "id": "sales:odd", "status_updated_at": "2019-02-30 10:00:00", "note": "x"}
    real.add("sales/sales", {**odd, "start_date": "2019-13-01", "subject": "2019-02-28"})
    with real.client() as client:
        result = getattr(client.sales.sales.list(sort="id"), method)()
    table = as_table(result)
    assert table.column("status_updated_at").to_pylist() == [None, None]
    assert table.column("start_date").to_pylist() == [dt.date(2019, 2, 28), None]
    assert table.column("created_at").null_count == 0
    counts = {"status_updated_at": 1, "start_date": 1}
    if method != "to_polars":
        assert nulled_in(result) == counts
    (message,) = warnings_logged(caplog)
    assert message == (
        "sales/sales: 2 value(s) did not fit their column's type and became null: "
        "start_date (1), status_updated_at (1)"
    )


def test_free_text_among_dates_keeps_the_column_text(real: FakeSimplicate) -> None:
    sale = fixture_records("sales/sales")[0]
    real.add("sales/sales", {**sale, "id": "sales:soon", "start_date": "soon"})
    with real.client() as client:
        table = client.sales.sales.list(sort="id").to_arrow()
    assert table.schema.field("start_date").type == pa.string()
    assert table.column("start_date").to_pylist() == ["2019-02-28", "soon"]
    assert nulled_in(table) is None


# ---- schema="model" ---------------------------------------------------------------------------


@pytest.mark.parametrize("method", METHODS)
def test_the_model_types_the_real_spellings(real: FakeSimplicate, method: str) -> None:
    with real.client() as client:
        contracts = getattr(client.hrm.contract.list(sort="id"), method)(schema="model")
        orgs = getattr(client.crm.organization.list(sort="id"), method)(schema="model")
        sales = getattr(client.sales.sales.list(), method)(schema="model")
    contracts, orgs, sales = as_table(contracts), as_table(orgs), as_table(sales)
    assert contracts.column("parttime_percentage").to_pylist() == [100.0, 100.0]
    assert sorted(contracts.column("salary_fulltime").to_pylist()) == [1500.0, 2000.0]
    # The open-ended contract's 1970-01-01 placeholder is a valid date: kept as it is.
    assert sorted(contracts.column("end_date").to_pylist()) == [
        dt.date(1970, 1, 1),
        dt.date(2018, 9, 2),
    ]
    assert orgs.column("allow_autocollect").to_pylist() == [False, False]
    assert orgs.column("debtor.payment_term.days").to_pylist() == [14, 14]
    assert sales.column("status_updated_at").to_pylist() == [None]
    assert sales.column("expected_revenue").to_pylist() == [170000.0]
    assert sales.column("chance_to_score").to_pylist() == [50]
    if method == "to_arrow":
        assert contracts.schema.field("parttime_percentage").type == pa.float64()
        assert orgs.schema.field("allow_autocollect").type == pa.bool_()
        assert sales.schema.field("status_updated_at").type == pa.timestamp("s")
        assert contracts.schema.field("start_date").type == pa.date32()
        custom = orgs.schema.field("custom_fields").type
        assert pa.types.is_list(custom) and pa.types.is_struct(custom.value_type)
        # A custom field without `value` still has the field (the model's), null.
        cells = orgs.column("custom_fields").to_pylist()
        assert [f["value"] for f in cells[0]] == ["customfieldoption:89a32ac8a105f909", None]


@pytest.mark.parametrize("method", METHODS)
def test_misfits_are_counted_nulls(
    real: FakeSimplicate, caplog: pytest.LogCaptureFixture, method: str
) -> None:
    contract = fixture_records("hrm/contract")[0]
    real.add(
        "hrm/contract",
        {**contract, "id": "contract:odd", "parttime_percentage": "full", "start_date": "soon",
         "employee": "Jane", "end_date": "0000-00-00"},
    )  # fmt: skip
    with real.client() as client:
        result = getattr(client.hrm.contract.list(sort="id"), method)(schema="model")
    table = as_table(result)
    odd = table.to_pylist()[-1]
    assert odd["id"] == "contract:odd"
    assert (odd["parttime_percentage"], odd["start_date"], odd["end_date"]) == (None, None, None)
    assert odd["employee.name"] is None
    counts = {"start_date": 1, "parttime_percentage": 1, "employee": 1}
    if method != "to_polars":
        assert nulled_in(result) == counts
    (message,) = warnings_logged(caplog)
    assert "3 value(s)" in message
    assert "start_date (1), parttime_percentage (1), employee (1)" in message


def test_the_schema_is_the_same_whatever_the_pages_hold(real: FakeSimplicate) -> None:
    real.add(
        "crm/organization",
        {"id": "organization:sparse", "name": "Sparse", "visiting_address": None,
         "custom_fields": None, "allow_autocollect": None},
    )  # fmt: skip
    with real.client() as client:
        orgs = client.crm.organization

        def pull(name: str) -> pa.Table:
            return orgs.list(filter={"name": name}).to_arrow(schema="model")

        full, sparse, nothing = pull("MyCorp"), pull("Sparse"), pull("no such organization")
        everything = orgs.list().to_arrow(schema="model")
        inferred = orgs.list(filter={"name": "Sparse"}).to_arrow()
    assert (full.num_rows, sparse.num_rows, nothing.num_rows, everything.num_rows) == (1, 1, 0, 3)
    assert full.schema == sparse.schema == nothing.schema == everything.schema
    assert "visiting_address.locality" in sparse.column_names
    assert sparse.column("visiting_address.locality").to_pylist() == [None]
    assert sparse.schema.field("custom_fields").type == full.schema.field("custom_fields").type
    assert inferred.schema != full.schema  # what the inferred schema cannot promise


def test_select_narrows_the_model_s_columns(real: FakeSimplicate) -> None:
    select = ["name", "visiting_address.locality", "relation_type."]
    with real.client() as client:
        table = client.crm.organization.list(select=select, sort="id").to_arrow(schema="model")
    assert table.column_names == [
        "id",
        "visiting_address.locality",
        "relation_type.id",
        "relation_type.label",
        "relation_type.color",
        "relation_type.type",
        "name",
    ]
    assert table.column("visiting_address.locality").to_pylist() == ["Amsterdam", "Groningen"]


def test_fields_beyond_the_model_follow_its_columns(real: FakeSimplicate) -> None:
    contract = fixture_records("hrm/contract")[0]
    real.add("hrm/contract", {**contract, "id": "contract:new", "fte": "0.8"})
    with real.client() as client:
        table = client.hrm.contract.list(sort="id").to_arrow(schema="model", cast_numbers=True)
    assert table.column_names[-1] == "fte"
    assert table.column("fte").to_pylist() == [None, None, 0.8]


@pytest.mark.parametrize("method", METHODS)
def test_bad_schemas_raise_before_any_request(real: FakeSimplicate, method: str) -> None:
    with real.client() as client:
        listed = client.crm.organization.list()
        with pytest.raises(ValueError, match='schema must be "inferred" or "model"'):
            getattr(listed, method)(schema="typed")
        with pytest.raises(ValueError, match="schema"):
            listed._native.arrow(schema="typed")  # the native layer checks too
        no_records = client._list("storage/avatar")
        with pytest.raises(ValueError, match='schema="model" needs a record type'):
            getattr(no_records, method)(schema="model")
    assert list_requests(real) == []


def test_the_async_pager_types_with_the_model_too(
    real: FakeSimplicate, caplog: pytest.LogCaptureFixture
) -> None:
    contract = fixture_records("hrm/contract")[0]
    real.add("hrm/contract", {**contract, "id": "contract:odd", "salary_fulltime": "n/a"})
    with real.client() as client:
        expected = client.hrm.contract.list(sort="id").to_arrow(schema="model")
    caplog.clear()

    async def pull() -> tuple[pa.Table, pd.DataFrame, pl.DataFrame]:
        async with real.async_client() as client:
            contracts = client.hrm.contract
            table = await contracts.list(sort="id").to_arrow(schema="model")
            frame = await contracts.list(sort="id").to_pandas(schema="model")
            polars_frame = await contracts.list(sort="id").to_polars(schema="model")
            with pytest.raises(ValueError, match="schema"):
                await contracts.list().to_arrow(schema="nope")
            with pytest.raises(ValueError, match="needs a record type"):
                await client._list("storage/avatar").to_arrow(schema="model")
            return table, frame, polars_frame

    table, frame, polars_frame = asyncio.run(pull())
    assert table.equals(expected, check_metadata=True)
    assert frame.attrs[NULLED] == {"salary_fulltime": 1}
    assert frame["parttime_percentage"].tolist() == [100.0, 100.0, 100.0]
    assert polars_frame["parttime_percentage"].to_list() == [100.0, 100.0, 100.0]
    assert polars_frame["salary_fulltime"].null_count() == 1
    assert len(warnings_logged(caplog)) == 3


# ---- simplicate export --schema model ---------------------------------------------------------


@pytest.fixture
def env_real(real: FakeSimplicate, monkeypatch: pytest.MonkeyPatch) -> FakeSimplicate:
    """The command reaches the planted fake through the environment."""
    for name in ("SIMPLICATE_DOMAIN", "SIMPLICATE_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SIMPLICATE_BASE_URL", real.url)
    monkeypatch.setenv("SIMPLICATE_API_KEY", real.api_key)
    monkeypatch.setenv("SIMPLICATE_API_SECRET", real.api_secret)
    return real


def test_export_with_the_model_schema(
    env_real: FakeSimplicate, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    import pyarrow.csv
    import pyarrow.parquet

    contract = fixture_records("hrm/contract")[0]
    env_real.add("hrm/contract", {**contract, "id": "contract:odd", "parttime_percentage": "?"})
    argv = ["export", "hrm/contract", "--sort", "id", "--schema", "model", "--no-progress"]
    assert main([*argv, "--out", str(tmp_path / "c.parquet")]) == 0
    assert main([*argv, "--out", str(tmp_path / "c.csv")]) == 0
    parquet = pyarrow.parquet.read_table(tmp_path / "c.parquet")
    assert parquet.schema.field("parttime_percentage").type == pa.float64()
    assert parquet.column("parttime_percentage").to_pylist() == [100.0, 100.0, None]
    assert parquet.schema.field("start_date").type == pa.date32()
    assert json.loads(parquet.schema.metadata[NULLED.encode()]) == {"parttime_percentage": 1}
    csv = pyarrow.csv.read_csv(tmp_path / "c.csv")
    assert csv.column_names == parquet.column_names
    assert csv.column("parttime_percentage").to_pylist() == [100.0, 100.0, None]
    assert csv.column("salary_fulltime").to_pylist() == [2000.0, 1500.0, 1500.0]
    assert len(warnings_logged(caplog)) == 2  # one per export


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["hrm/contract", "--out", "c.jsonl", "--schema", "model"], "JSON Lines"),
        (["hrm/contract", "--out", "c.csv", "--schema", "typed"], "invalid choice"),
        (["storage/avatar", "--out", "a.csv", "--schema", "model"], "needs a record type"),
    ],
)
def test_export_schema_mistakes_exit_2_before_any_request(
    env_real: FakeSimplicate,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exit_info:
        main(["export", *argv, "--no-progress"])
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err
    assert list_requests(env_real) == []
    assert list(tmp_path.iterdir()) == []


def test_the_default_schema_is_unchanged_for_clean_data(simplicate_client: Any) -> None:
    """The seed's clean organizations: nothing nulled, nothing in the metadata."""
    client: simplicate.Client = simplicate_client
    table = client.crm.organization.list(limit=50).to_arrow()
    assert table.schema.metadata is None or NULLED.encode() not in table.schema.metadata

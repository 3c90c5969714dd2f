"""Every quirk of the fake's seed data (``crates/fake/src/seed/quirks.rs``) through every table
method: ``to_arrow``, ``to_pandas``, ``to_polars``, the async pager and ``simplicate export``.

The same seed with ``quirks=False`` gives the same records spelled cleanly, so the proof is a
comparison: typed by the model (``schema="model"``), a quirky pull must give the same columns,
types and values as the clean pull, but for the two quirks that are data rather than spelling
(an untranslated label stays its key; a ``1970-01-01`` placeholder stays a date). Inferred
(the default), a quirky pull must still type its date columns and never fail. Real HTTP
throughout."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from simplicate.__main__ import main
from simplicate.testing import FakeSimplicate

if TYPE_CHECKING:
    import pyarrow as pa
else:
    pa = None

SIZES = {
    "crm/organization": 60,
    "crm/person": 80,
    "sales/sales": 60,
    "invoices/invoice": 40,
    "hrm/employee": 12,
}
NULLED = b"simplicate:nulled"

# One collection for each quirk, and the column that shows it (quirks.rs has them all).
DECIMALS = ("hrm/contract", "salary_fulltime")
BOOL_TEXT = ("crm/organization", "allow_autocollect")
ZERO_DATE_TIME = ("sales/sales", "status_updated_at")
ZERO_DATE = ("crm/person", "date_of_birth")
EPOCH = ("hrm/contract", "end_date")
LABEL_KEY = ("crm/organization", "visiting_address.country")
NO_VALUE_KEY = ("crm/organization", "custom_fields")
AMOUNTS = ("invoices/invoice", "total_including_vat")
QUIRK_COLUMNS = [
    DECIMALS,
    BOOL_TEXT,
    ZERO_DATE_TIME,
    ZERO_DATE,
    EPOCH,
    LABEL_KEY,
    NO_VALUE_KEY,
    AMOUNTS,
]
COLLECTIONS = sorted({collection for collection, _ in QUIRK_COLUMNS})
# Untranslated label keys (quirks.rs, `LabelKey`): a value that is data, not spelling, so the
# model keeps it as it came. So does a `1970-01-01` placeholder where clean data has no date.
LABEL_KEY_PREFIXES = ("Country_", "Relationtype_", "OpportunityStatus_", "tab_p")
EPOCH_DAY = dt.date(1970, 1, 1)


@pytest.fixture(autouse=True, scope="module")
def _pyarrow() -> Iterator[None]:
    global pa
    import pyarrow

    pa = pyarrow
    yield


@pytest.fixture(scope="module")
def fakes() -> Iterator[tuple[FakeSimplicate, FakeSimplicate]]:
    with (
        FakeSimplicate(seed=7, records=SIZES) as quirky,
        FakeSimplicate(seed=7, records=SIZES, quirks=False) as clean,
    ):
        yield quirky, clean


def as_arrow(result: Any) -> pa.Table:
    if isinstance(result, pa.Table):
        return result
    if hasattr(result, "to_arrow"):  # polars
        return result.to_arrow()
    return pa.Table.from_pandas(result, preserve_index=False)


def pull(fake: FakeSimplicate, collection: str, method: str, **options: Any) -> pa.Table:
    with fake.client() as client:
        module, name = collection.split("/")
        resource = getattr(getattr(client, module), name)
        return as_arrow(getattr(resource.list(sort="id"), method)(**options))


def agree(quirky: Any, clean: Any) -> bool:
    """Equal, but where the quirky value is a label key or the epoch placeholder for nothing."""
    if isinstance(quirky, str) and quirky.startswith(LABEL_KEY_PREFIXES):
        return isinstance(clean, str)
    if quirky == EPOCH_DAY and clean is None:
        return True
    if isinstance(quirky, dict) and isinstance(clean, dict):
        return quirky.keys() == clean.keys() and all(agree(quirky[k], clean[k]) for k in quirky)
    if isinstance(quirky, list) and isinstance(clean, list):
        return len(quirky) == len(clean) and all(map(agree, quirky, clean))
    return bool(quirky == clean)


def same_except(quirky: pa.Table, clean: pa.Table, collection: str) -> None:
    assert quirky.schema.names == clean.schema.names
    for name in quirky.schema.names:
        a, b = quirky.column(name), clean.column(name)
        assert a.type == b.type, (collection, name, a.type, b.type)
        assert agree(a.to_pylist(), b.to_pylist()), (collection, name)


@pytest.mark.parametrize("method", ["to_arrow", "to_pandas", "to_polars"])
@pytest.mark.parametrize("collection", COLLECTIONS)
def test_the_model_schema_undoes_every_quirk(
    fakes: tuple[FakeSimplicate, FakeSimplicate], collection: str, method: str
) -> None:
    quirky_fake, clean_fake = fakes
    quirky = pull(quirky_fake, collection, method, schema="model")
    clean = pull(clean_fake, collection, method, schema="model")
    same_except(quirky, clean, collection)
    if method == "to_arrow":
        # Nothing was a misfit: quirks are spellings the model casts, not values it nulls.
        assert NULLED not in (quirky.schema.metadata or {})


def test_the_quirks_are_there_and_typed_away(fakes: tuple[FakeSimplicate, FakeSimplicate]) -> None:
    quirky_fake, _ = fakes
    raw = {c: quirky_fake.records(c) for c in COLLECTIONS}
    # The raw records carry each quirk...
    assert all(isinstance(r["salary_fulltime"], str) for r in raw["hrm/contract"])
    assert {r["allow_autocollect"] for r in raw["crm/organization"]} <= {"0", "1"}
    assert any(r["status_updated_at"] == "0000-00-00 00:00:00" for r in raw["sales/sales"])
    assert any(r["date_of_birth"] == "0000-00-00" for r in raw["crm/person"])
    assert any(r["end_date"] == "1970-01-01" for r in raw["hrm/contract"])
    countries = {r["visiting_address"]["country"] for r in raw["crm/organization"]}
    assert "Country_The Netherlands" in countries
    fields = [f for r in raw["crm/organization"] for f in r["custom_fields"]]
    assert any("value" not in f for f in fields) and any("value" in f for f in fields)
    # ...and the model types them.
    contracts = pull(quirky_fake, *DECIMALS[:1], "to_arrow", schema="model")
    assert contracts.schema.field("salary_fulltime").type == pa.float64()
    assert contracts.schema.field("end_date").type == pa.date32()
    orgs = pull(quirky_fake, "crm/organization", "to_arrow", schema="model")
    assert orgs.schema.field("allow_autocollect").type == pa.bool_()
    values = orgs.column("custom_fields").combine_chunks().flatten().field("value")
    assert values.null_count > 0  # an absent value is a null, as in the clean data
    sales = pull(quirky_fake, "sales/sales", "to_arrow", schema="model")
    assert sales.schema.field("status_updated_at").type == pa.timestamp("s")
    persons = pull(quirky_fake, "crm/person", "to_arrow", schema="model")
    assert persons.schema.field("date_of_birth").type == pa.date32()


@pytest.mark.parametrize("collection", COLLECTIONS)
def test_inferred_tables_keep_dates_typed_on_quirky_data(
    fakes: tuple[FakeSimplicate, FakeSimplicate], collection: str
) -> None:
    quirky_fake, clean_fake = fakes
    quirky = pull(quirky_fake, collection, "to_arrow")
    clean = pull(clean_fake, collection, "to_arrow")
    for name in ("created_at", "updated_at", "status_updated_at", "date_of_birth", "end_date"):
        if name in quirky.column_names and name in clean.column_names:
            clean_type = clean.schema.field(name).type
            if pa.types.is_timestamp(clean_type) or pa.types.is_date(clean_type):
                # Zero dates are nulls, not a reason to fall back to text.
                assert quirky.schema.field(name).type == clean_type, (collection, name)
    # Zero dates are the API's nulls: never counted as misfits.
    nulled = json.loads((quirky.schema.metadata or {}).get(NULLED, b"{}"))
    assert not set(nulled) & {"status_updated_at", "date_of_birth"}, nulled


def test_the_async_pager_undoes_the_quirks_too(
    fakes: tuple[FakeSimplicate, FakeSimplicate],
) -> None:
    quirky_fake, clean_fake = fakes

    async def model_table(fake: FakeSimplicate) -> pa.Table:
        async with fake.async_client() as client:
            return await client.hrm.contract.list(sort="id").to_arrow(schema="model")

    quirky = asyncio.run(model_table(quirky_fake))
    clean = asyncio.run(model_table(clean_fake))
    same_except(quirky, clean, "hrm/contract")


@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
def test_export_undoes_the_quirks(
    fakes: tuple[FakeSimplicate, FakeSimplicate],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    suffix: str,
) -> None:
    import pyarrow.csv
    import pyarrow.parquet

    read = pyarrow.parquet.read_table if suffix == ".parquet" else pyarrow.csv.read_csv
    tables = []
    for name, fake in zip(("quirky", "clean"), fakes, strict=True):
        monkeypatch.delenv("SIMPLICATE_DOMAIN", raising=False)
        monkeypatch.setenv("SIMPLICATE_BASE_URL", fake.url)
        monkeypatch.setenv("SIMPLICATE_API_KEY", fake.api_key)
        monkeypatch.setenv("SIMPLICATE_API_SECRET", fake.api_secret)
        out = tmp_path / f"{name}{suffix}"
        argv = ["export", "hrm/contract", "--sort", "id", "--schema", "model", "--no-progress"]
        assert main([*argv, "--out", str(out)]) == 0
        tables.append(read(out))
    quirky, clean = tables
    assert (
        quirky.column("salary_fulltime").to_pylist() == clean.column("salary_fulltime").to_pylist()
    )
    if suffix == ".parquet":  # CSV has no types: its reader reads whole numbers as ints
        assert quirky.schema.field("salary_fulltime").type == pa.float64()

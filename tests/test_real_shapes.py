"""A user's suite written against real responses passes on the fake.

``tests/fixtures/`` holds three real (anonymised) list responses. A user who writes their code
against such responses, with its quirks (``"0"``/``"1"`` booleans, decimal strings, zero dates,
``1970-01-01`` for "no end", untranslated labels, custom fields without ``value``), must be able
to test that code on the fake and have it behave as it will in production. Two checks:

- every field path of the fixtures exists in the fake's records of the same collection, with
  the same JSON kinds (a string where the real API sends a string, ...);
- the kind of code users write against the fixtures (below) runs on the fake's records through
  the client, and on the fixtures themselves, with the same results' shapes.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from simplicate.testing import FakeSimplicate

FIXTURES = Path(__file__).parent / "fixtures"
FILES = {
    "crm/organization": "crm.organisation",
    "hrm/contract": "hrm.contract",
    "sales/sales": "sales.sales",
}


def fixture(collection: str) -> list[dict[str, Any]]:
    text = (FIXTURES / f"{FILES[collection]}.json").read_text(encoding="utf-8")
    return json.loads(text)["data"]


def kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    return {str: "str", list: "list", dict: "object"}[type(value)]


def shapes(records: list[dict[str, Any]]) -> dict[str, set[str]]:
    """Every field path (``a.b``, ``a[].b`` inside lists) → the JSON kinds seen there."""
    found: dict[str, set[str]] = {}

    def walk(value: object, path: str) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                at = f"{path}.{key}" if path else key
                found.setdefault(at, set()).add(kind(inner))
                walk(inner, at)
        elif isinstance(value, list):
            for inner in value:
                walk(inner, f"{path}[]")

    for record in records:
        walk(record, "")
    return found


@pytest.fixture(scope="module")
def fake() -> Any:
    with FakeSimplicate(seed=3) as fake:
        yield fake


@pytest.mark.parametrize("collection", sorted(FILES))
def test_the_fakes_records_have_every_field_of_the_real_ones_with_its_kinds(
    fake: FakeSimplicate, collection: str
) -> None:
    with fake.client() as client:
        module, name = collection.split("/")
        records = getattr(getattr(client, module), name).list(limit=300).to_list()
    real, ours = shapes(fixture(collection)), shapes(records)
    for path, kinds in sorted(real.items()):
        assert path in ours, f"{collection}: the fake's records lack {path}"
        wanted = kinds - {"null"}
        assert not wanted or wanted & ours[path], (
            f"{collection}.{path}: real {sorted(kinds)}, fake {sorted(ours[path])}"
        )


# ---- code as a user writes it against the real responses ----------------------------------------


def organization_row(org: dict[str, Any]) -> dict[str, Any]:
    address = org.get("visiting_address") or {}
    return {
        "id": org["id"],
        "name": org["name"],
        "autocollect": org["allow_autocollect"] == "1",
        "country": (address.get("country") or "").removeprefix("Country_"),
        "own_company": org["relation_type"]["label"] == "Relationtype_own_company",
        "payment_days": int(org["debtor"]["payment_term"]["days"]),
        # Unset custom fields have no "value" at all.
        "custom": {f["name"]: f.get("value") for f in org["custom_fields"]},
        "created": datetime.strptime(org["created_at"], "%Y-%m-%d %H:%M:%S"),
    }


def contract_row(contract: dict[str, Any]) -> dict[str, Any]:
    end = contract["end_date"]
    return {
        "id": contract["id"],
        "employee": contract["employee"]["name"],
        "employer": contract["employer"]["name"],
        "type": contract["contract_type"]["name"],
        "start": date.fromisoformat(contract["start_date"]),
        # Open-ended contracts end on the epoch.
        "end": None if end in (None, "1970-01-01") else date.fromisoformat(end),
        "fte": float(contract["parttime_percentage"]) / 100,
        "salary": float(contract["salary_fulltime"]),
    }


def sale_row(sale: dict[str, Any]) -> dict[str, Any]:
    changed = sale["status_updated_at"]
    return {
        "id": sale["id"],
        "subject": sale["subject"],
        "status": sale["status"]["label"].removeprefix("OpportunityStatus_"),
        # Never changed: MySQL's zero date.
        "status_changed": None
        if changed.startswith("0000-00-00")
        else datetime.strptime(changed, "%Y-%m-%d %H:%M:%S"),
        "chance": int(sale["progress"]["chance_to_score"]),
        "revenue": float(sale["expected_revenue"]),
        "start": date.fromisoformat(sale["start_date"]),
    }


ROWS = {
    "crm/organization": organization_row,
    "hrm/contract": contract_row,
    "sales/sales": sale_row,
}


@pytest.mark.parametrize("collection", sorted(FILES))
def test_code_written_against_real_responses_runs_on_the_fake(
    fake: FakeSimplicate, collection: str
) -> None:
    row = ROWS[collection]
    real = [row(record) for record in fixture(collection)]
    with fake.client() as client:
        module, name = collection.split("/")
        records = getattr(getattr(client, module), name).list(limit=200).to_list()
    ours = [row(record) for record in records]
    assert ours
    for key in real[0]:
        real_kinds = {type(r[key]) for r in real} - {type(None)}
        our_kinds = {type(r[key]) for r in ours} - {type(None)}
        assert real_kinds <= our_kinds or not real_kinds, (collection, key)


def test_the_fakes_quirks_reach_the_users_code(fake: FakeSimplicate) -> None:
    """The branches real data takes in that code are taken on the fake too."""
    with fake.client() as client:
        orgs = [organization_row(o) for o in client.crm.organization.list(limit=200)]
        contracts = [contract_row(c) for c in client.hrm.contract.list()]
        sales = [sale_row(s) for s in client.sales.sales.list()]
    assert {o["autocollect"] for o in orgs} == {True, False}
    assert any(o["own_company"] for o in orgs)
    assert "The Netherlands" in {o["country"] for o in orgs}
    assert any(v is None for o in orgs for v in o["custom"].values())
    assert any(c["end"] is None for c in contracts) and any(c["end"] for c in contracts)
    assert any(s["status_changed"] is None for s in sales)
    assert {s["status"] for s in sales} >= {"open", "won", "lost"}

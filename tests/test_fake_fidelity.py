"""How closely the fake follows the real API where the documentation says little: the legacy
timestamps real records carry, the single-item quirk, and the fake's choices where the
documentation is silent (the README lists them). Driven with plain urllib (``plain_http``),
never our client, so the fake is checked on its own."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from simplicate.testing import FakeSimplicate

from .plain_http import call

ORG = "crm/organization"
PERSON = "crm/person"
FIXTURES = Path(__file__).parent / "fixtures"
OLD = {"created_at": "2020-01-02 03:04:05", "updated_at": "2021-02-03 04:05:06"}


# ---- legacy timestamps ---------------------------------------------------------------------------


def test_real_records_carry_legacy_timestamps_equal_to_the_new_ones() -> None:
    # What the fake reproduces: the real API's `created`/`modified` beside
    # `created_at`/`updated_at`, holding the same times.
    for name in ("crm.organisation.json", "sales.sales.json"):
        for record in json.loads((FIXTURES / name).read_text())["data"]:
            assert record["created"] == record["created_at"], name
            assert record["modified"] == record["updated_at"], name


def test_post_sets_legacy_timestamps_and_put_moves_modified_only(fake: FakeSimplicate) -> None:
    body = {"name": "Legacy B.V.", "created": "1999-01-01 00:00:00", "modified": "never"}
    new_id = call(fake.url, ORG, method="POST", body=body).data["id"]
    record = call(fake.url, f"{ORG}/{new_id}").data
    assert record["created"] == record["created_at"]
    assert record["modified"] == record["updated_at"] == record["created_at"]

    # A record planted with old timestamps, then updated over HTTP.
    old_id = fake.add(ORG, {"name": "Old B.V.", **OLD})
    planted = call(fake.url, f"{ORG}/{old_id}").data
    assert (planted["created"], planted["modified"]) == (OLD["created_at"], OLD["updated_at"])
    patch = {"note": "touched", "created": "2000-01-01 00:00:00", "modified": "2000-01-01 00:00:00"}
    assert call(fake.url, f"{ORG}/{old_id}", method="PUT", body=patch).status == 200
    updated = call(fake.url, f"{ORG}/{old_id}").data
    assert updated["note"] == "touched"
    assert updated["created"] == updated["created_at"] == OLD["created_at"]
    assert updated["modified"] == updated["updated_at"] > OLD["updated_at"]


def test_add_mints_legacy_timestamps_where_the_record_type_has_them(fake: FakeSimplicate) -> None:
    person = fake.add(PERSON, {"first_name": "Ann", "family_name": "Smit"})
    [record] = [r for r in fake.records(PERSON) if r["id"] == person]
    assert record["created"] == record["created_at"]
    assert record["modified"] == record["updated_at"]
    # Planted legacy values are kept.
    kept = fake.add(PERSON, {"family_name": "Kept", "created": "2001-01-01 00:00:00", **OLD})
    [record] = [r for r in fake.records(PERSON) if r["id"] == kept]
    assert record["created"] == "2001-01-01 00:00:00"
    assert record["modified"] == OLD["updated_at"]
    # Hours have no legacy timestamps in the record model, so none are minted.
    hours = fake.add("hours/hours", {"hours": 1.5})
    [record] = [r for r in fake.records("hours/hours") if r["id"] == hours]
    assert "created" not in record and "modified" not in record


# ---- the single-item quirk -----------------------------------------------------------------------


@pytest.mark.parametrize("quirks", [True, False])
def test_a_contact_person_item_is_a_one_element_list_with_quirks(quirks: bool) -> None:
    # Reported of the real API: GET crm/contactperson/{id} answers "data": [ {record} ].
    with FakeSimplicate(seed=2, quirks=quirks) as fake:
        contact = fake.records("crm/contactperson")[0]
        answer = call(fake.url, f"crm/contactperson/{contact['id']}")
        assert answer.json()["errors"] is None
        assert answer.data == ([contact] if quirks else contact)
        # Other items are records either way.
        org = fake.records(ORG)[0]
        assert call(fake.url, f"{ORG}/{org['id']}").data == org
        assert call(fake.url, "crm/contactperson/contactperson:nope").error(404)


# ---- where the documentation is silent: the fake's choices ---------------------------------------


def test_put_merges_a_nested_object_into_the_stored_one(fake: FakeSimplicate) -> None:
    address = {"line_1": "Kerkstraat 1", "postal_code": "3511 AA", "locality": "Utrecht"}
    relation_type = fake.records("crm/relationtype")[0]
    org = call(
        fake.url,
        ORG,
        method="POST",
        body={
            "name": "Merge B.V.",
            "visiting_address": {**address, "country_code": "NL"},
            "relation_type": relation_type,
        },
    ).data["id"]
    patch = {"visiting_address": {"locality": "Amersfoort", "country_code": "NL"}}
    assert call(fake.url, f"{ORG}/{org}", method="PUT", body=patch).status == 200
    record = call(fake.url, f"{ORG}/{org}").data
    # Merged: the street and postal code stay, the town changes.
    assert record["visiting_address"] == {**address, "locality": "Amersfoort", "country_code": "NL"}
    # An object with an id names another record: it replaces the stored one whole.
    other = {"id": fake.records("crm/relationtype")[1]["id"]}
    assert call(fake.url, f"{ORG}/{org}", method="PUT", body={"relation_type": other}).status == 200
    assert call(fake.url, f"{ORG}/{org}").data["relation_type"] == other
    # The address a PUT sends must still carry its country (the update line requires it).
    partial = {"visiting_address": {"locality": "X"}}
    answer = call(fake.url, f"{ORG}/{org}", method="PUT", body=partial)
    assert answer.error(400) == "No country code given in the visiting_address property"


def test_a_filter_on_a_field_no_record_has_reads_it_as_null(fake: FakeSimplicate) -> None:
    every = len(fake.records(ORG))

    def count(query: str) -> int:
        return call(fake.url, f"{ORG}?{query}&metadata=count&limit=1").json()["metadata"]["count"]

    assert count("q[nonexistent]=x") == 0
    assert count("q[nonexistent]=*") == 0
    assert count("q[nonexistent]=null") == every
    assert count("q[nonexistent][nin]=*") == every


def test_limit_0_is_an_empty_page_whose_metadata_still_counts(fake: FakeSimplicate) -> None:
    body = call(fake.url, f"{ORG}?limit=0&metadata=count,limit").json()
    assert body["data"] == []
    assert body["metadata"] == {"count": len(fake.records(ORG)), "limit": 0}


def test_booleans_filter_as_1_and_0_and_true_false_match_nothing(fake: FakeSimplicate) -> None:
    orgs = fake.records(ORG)
    active = [o["id"] for o in orgs if o["is_active"] is True]
    inactive = [o["id"] for o in orgs if o["is_active"] is False]
    assert active and inactive

    def found(value: str) -> list[str]:
        return [r["id"] for r in call(fake.url, f"{ORG}?q[is_active]={value}&select=id").data]

    assert found("1") == active[:100]
    assert found("0") == inactive[:100]
    assert found("true") == []
    assert found("false") == []

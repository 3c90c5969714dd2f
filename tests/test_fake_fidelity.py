"""How closely the fake follows the real API where the documentation says little: the legacy
timestamps real records carry, the single-item quirk, and the fake's choices where the
documentation is silent (the README lists them). Driven with plain urllib (``plain_http``),
never our client, so the fake is checked on its own."""

from __future__ import annotations

import json
from pathlib import Path

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

"""Realism of the fake's seeded data (seed=1, default sizes), read with plain urllib: references
resolve, ids and timestamps have the real API's shapes.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest

from simplicate.testing import FakeSimplicate

from .query_helpers import (
    HEX_ID,
    ORG,
    PROJECT,
    SERVICE,
    TIMESTAMP,
    UUID_V7,
    ids,
    ok,
)


@pytest.fixture(scope="module")
def seeded() -> Iterator[FakeSimplicate]:
    """seed=1 at default sizes; read-only tests share it."""
    with FakeSimplicate(seed=1) as fake:
        yield fake


# ---- Seeded data realism (seed=1 defaults) -----------------------------------------------------


def everything(fake: FakeSimplicate, path: str) -> list[dict]:
    records: list[dict] = []
    total = None
    while True:
        body = ok(fake, path, f"limit=100&offset={len(records)}&metadata=count")
        total = body["metadata"]["count"] if total is None else total
        assert body["metadata"]["count"] == total
        records.extend(body["data"])
        if len(body["data"]) < 100:
            break
    assert len(records) == total
    assert len({r["id"] for r in records}) == total
    return records


def walk(value: object, key: str = "") -> Iterator[tuple[str, object]]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield k, v
            yield from walk(v, k)
    elif isinstance(value, list):
        for item in value:
            yield from walk(item, key)


def test_every_project_organization_exists(seeded: FakeSimplicate) -> None:
    orgs = {r["id"]: r for r in everything(seeded, ORG)}
    projects = everything(seeded, PROJECT)
    assert len(orgs) > 100 and projects
    for p in projects:
        org = p["organization"]
        assert org["id"] in orgs, p["id"]
        assert org["name"] == orgs[org["id"]]["name"]
    # The nested filter agrees with a lookup by hand.
    some = projects[0]["organization"]
    expected = [p["id"] for p in projects if p["organization"]["id"] == some["id"]]
    assert ids(seeded, PROJECT, f"q[organization.id]={some['id']}") == expected


def test_other_references_resolve(seeded: FakeSimplicate) -> None:
    employees = {r["id"] for r in everything(seeded, "hrm/employee")}
    profiles = {r["id"] for r in everything(seeded, "crm/myorganizationprofile")}
    projects = everything(seeded, PROJECT)
    project_ids = {p["id"] for p in projects}
    for p in projects:
        assert p["project_manager"]["employee_id"] in employees, p["id"]
        assert {e["id"] for e in p["employees"]} <= employees, p["id"]
        assert p["my_organization_profile"]["id"] in profiles, p["id"]
    for service in everything(seeded, SERVICE):
        assert service["project_id"] in project_ids, service["id"]


@pytest.mark.parametrize(
    ("path", "prefix"), [(ORG, "organization"), (PROJECT, "project"), (SERVICE, "service")]
)
def test_ids_and_timestamps_look_real(seeded: FakeSimplicate, path: str, prefix: str) -> None:
    records = everything(seeded, path)
    assert records
    for record in records:
        rid = record["id"]
        ok_id = HEX_ID.match(rid) and rid.startswith(prefix + ":")
        assert ok_id or (path == SERVICE and UUID_V7.match(rid)), rid
        for key, value in walk(record):
            if key == "id" and value is not None:
                assert isinstance(value, str), (rid, value)
                assert HEX_ID.match(value) or UUID_V7.match(value), (rid, value)
            if key.endswith("_at") and value is not None:
                assert isinstance(value, str) and TIMESTAMP.match(value), (rid, key, value)
                datetime.strptime(value, "%Y-%m-%d %H:%M:%S")
        assert record["created_at"] <= record["updated_at"], rid

"""The fake's seeded collections beyond the core ones, through the client over real HTTP: each
lists records, items answer by id, references lead to listed records, and module documents
download."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

import simplicate
from simplicate.testing import FakeSimplicate

# Collection → a field whose value names a record of another collection (or None).
COLLECTIONS: dict[str, str | None] = {
    "costs/coststype": None,
    "costs/expense": "service_id",
    "costs/projectservices": "default_service_id",
    "crm/debtor": None,
    "crm/document": None,
    "crm/documenttype": None,
    "crm/interests": None,
    "crm/organizationcustomfieldgroups": None,
    "crm/personcustomfieldgroups": None,
    "crm/personcustomfields": None,
    "customfields/model": None,
    "customfields/option": None,
    "customfields/type": None,
    "documents/externaldocument": None,
    "hours/approval": None,
    "hours/employeeexpenses": "service_id",
    "hours/projectservices": "revenue_group_id",
    "hours/submission": "employee_id",
    "hours/timesheetrow": "project_service_id",
    "invoices/documenttype": None,
    "invoices/payment": "invoice_id",
    "invoices/proposition": None,
    "invoices/reminderset": None,
    "invoices/remindertemplate": None,
    "mileage/mileage": "related_hours_id",
    "projects/assignment": None,
    "projects/assignmentbudget": "assignment_id",
    "projects/assignmentstatus": None,
    "projects/document": None,
    "projects/documenttype": None,
    "projects/projectcustomfieldgroups": None,
    "projects/projectfilters": None,
    "projects/purchase": None,
    "projects/purchasetype": None,
    "projects/reverseinvoice": None,
    "sales/document": None,
    "sales/documenttype": None,
    "sales/quote": "sales_id",
    "sales/quotestatus": None,
    "sales/quotetemplate": None,
    "sales/salescustomfieldgroups": None,
    "sales/salesfilters": None,
    "sales/salesreason": None,
    "sales/service": "default_service_id",
    "services/defaultservice": "my_organization_profile_id",
    "shared/item": "employee_id",
    "timeline/message": None,
    "timeline/messagetype": None,
    "timers/timer": None,
}

# Where the ids of a `*_id` field live.
TARGETS = {
    "service_id": "projects/service",
    "project_service_id": "projects/service",
    "default_service_id": "services/defaultservice",
    "revenue_group_id": "sales/revenuegroup",
    "employee_id": "hrm/employee",
    "invoice_id": "invoices/invoice",
    "related_hours_id": "hours/hours",
    "assignment_id": "projects/assignment",
    "sales_id": "sales/sales",
    "my_organization_profile_id": "crm/myorganizationprofile",
}

# Collections without an item endpoint (`{id}`) in the registry.
NO_ITEMS = {
    "costs/projectservices",
    "crm/debtor",
    "hours/employeeexpenses",
    "hours/projectservices",
    "hours/submission",
    "hours/timesheetrow",
    "invoices/proposition",
    "projects/assignmentbudget",
}


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeSimplicate]:
    with FakeSimplicate(seed=3) as server:
        yield server


@pytest.fixture(scope="module")
def client(fake: FakeSimplicate) -> Iterator[simplicate.Client]:
    with fake.client() as c:
        yield c


def resource(client: simplicate.Client, path: str) -> Any:
    module, _, name = path.partition("/")
    return getattr(getattr(client, module), name)


def listed(client: simplicate.Client, path: str, **filter: Any) -> list[dict[str, Any]]:
    return list(resource(client, path).list(filter=filter or None))


@pytest.mark.parametrize("path", sorted(COLLECTIONS))
def test_each_collection_lists_records_that_answer_by_id(
    client: simplicate.Client, path: str
) -> None:
    records = listed(client, path)
    assert records, f"{path} lists nothing"
    ids = [r["id"] for r in records]
    assert len(set(ids)) == len(ids)
    # The plain client reaches the same records.
    assert [r["id"] for r in client.get(path, {"limit": 5})] == ids[:5]
    if path not in NO_ITEMS:
        for record in (records[0], records[len(records) // 2], records[-1]):
            assert resource(client, path).get(record["id"]) == record
    field = COLLECTIONS[path]
    if field is not None:
        target = TARGETS[field]
        named = {r[field] for r in records if r.get(field)}
        assert named, f"{path}.{field} names nothing"
        wanted = sorted(named)[:20]
        found = {r["id"] for r in listed(client, target, id={"in": wanted})}
        assert found == set(wanted), f"{path}.{field}: {set(wanted) - found}"


def test_payments_pay_their_invoices(client: simplicate.Client) -> None:
    invoices = {i["id"]: i for i in listed(client, "invoices/invoice")}
    paid: dict[str, float] = {}
    for p in listed(client, "invoices/payment"):
        paid[p["invoice_id"]] = paid.get(p["invoice_id"], 0.0) + float(p["amount"])
    assert paid and set(paid) <= set(invoices)
    for invoice_id, invoice in invoices.items():
        settled = float(invoice["total_including_vat"]) - float(invoice["total_outstanding"])
        assert paid.get(invoice_id, 0.0) == pytest.approx(settled, abs=0.01), invoice_id
    partly = [
        i
        for i in invoices.values()
        if 0 < float(i["total_outstanding"]) < float(i["total_including_vat"])
    ]
    assert partly, "no partly paid invoice"


def test_references_lead_to_listed_records(client: simplicate.Client) -> None:
    message_types = {t["id"] for t in listed(client, "timeline/messagetype")}
    messages = listed(client, "timeline/message")
    assert {m["message_type"]["id"] for m in messages} <= message_types
    kinds = {link["type"] for m in messages for link in m["linked_to"]}
    assert kinds == {"organization", "person", "project", "sales"}
    project = next(link for m in messages for link in m["linked_to"] if link["type"] == "project")
    assert client.projects.project.get(project["id"])["name"] == project["label"]

    templates = {t["id"] for t in listed(client, "sales/quotetemplate")}
    statuses = {s["id"] for s in listed(client, "sales/quotestatus")}
    for quote in listed(client, "sales/quote"):
        assert quote["quotetemplate"]["id"] in templates
        assert quote["quotestatus"]["id"] in statuses
        assert all(s["sales_id"] == quote["sales_id"] for s in quote["services"])

    reminder_templates = {t["id"] for t in listed(client, "invoices/remindertemplate")}
    standard = listed(client, "invoices/reminderset", label="Standaard")
    assert len(standard) == 1
    assert {t["id"] for t in standard[0]["templates"]} <= reminder_templates

    # Project services carry the default service they were made from.
    defaults = {d["id"]: d["name"] for d in listed(client, "services/defaultservice")}
    for service in listed(client, "projects/service")[:50]:
        assert defaults[service["default_service_id"]] == service["name"]

    # Persons carry interests and custom fields of the seeded definitions.
    definitions = {f["id"] for f in listed(client, "crm/personcustomfields")}
    interests = {i["id"] for i in listed(client, "crm/interests")}
    person = listed(client, "crm/person")[30]
    assert {f["id"] for f in person["custom_fields"]} <= definitions
    assert {i["id"] for i in person["interests"]} <= interests


def test_filters_work_on_the_new_collections(client: simplicate.Client) -> None:
    invoiced = listed(client, "costs/expense", invoice_status="invoiced")
    assert invoiced and all(e["invoice"]["id"].startswith("invoice:") for e in invoiced)
    employee = listed(client, "hrm/employee")[0]["id"]
    rows = listed(client, "hours/timesheetrow", employee_id=employee)
    assert rows and all(r["employee_id"] == employee for r in rows)
    week = client.get("hours/timesheetrow/mostrecent")
    latest = max(r["start_date"] for r in listed(client, "hours/timesheetrow"))
    assert week == {"start_date": f"{latest} 00:00:00", "end_date": week["end_date"]}
    assert week["end_date"].endswith(" 23:59:59")


@pytest.mark.parametrize("path", ["crm/document", "projects/document", "sales/document"])
def test_seeded_module_documents_download(client: simplicate.Client, path: str) -> None:
    for document in listed(client, path)[:3]:
        got = client.download(document["id"])
        assert len(got) == document["file_size"]
        assert got.content_type == document["content_type"]
        if document["file_name"].endswith(".pdf"):
            assert bytes(got).startswith(b"%PDF")


def test_sizes_are_configurable_and_views_follow(fake: FakeSimplicate) -> None:
    with FakeSimplicate(
        seed=3,
        records={"sales/quote": 4, "crm/organization": 7, "crm/person": 30, "hrm/employee": 5},
    ) as small:
        assert len(small.records("sales/quote")) == 4
        assert len(small.records("crm/debtor")) == 7 + 30 - 5
    with pytest.raises(ValueError, match="crm/debtor"):
        FakeSimplicate(records={"crm/debtor": 3}).start()
    # The same seed gives the same data.
    with FakeSimplicate(seed=3) as again:
        assert again.records("timeline/message")[:5] == fake.records("timeline/message")[:5]

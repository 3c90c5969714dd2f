"""Writes validated the way the real API validates them (``crates/fake/src/validate/``), driven with
plain urllib (``plain_http``), never our client: required fields of the record model table's
create and update lines, referenced ids, field kinds, and the documentation's Known
Limitations. Every refusal is a 400 with the JSON error envelope, and stores nothing."""

from __future__ import annotations

from typing import Any

import pytest

from simplicate.testing import FakeSimplicate

from .plain_http import call

ORG = "crm/organization"
PERSON = "crm/person"
PROJECT = "projects/project"
SERVICE = "projects/service"


def first_id(fake: FakeSimplicate, path: str) -> str:
    return fake.records(path)[0]["id"]


def refused(fake: FakeSimplicate, method: str, path: str, body: Any, home: str) -> str:
    """The message of the 400 answering ``body``; the collection ``home`` is unchanged."""
    before = fake.records(home)
    answer = call(fake.url, path, method=method, body=body)
    assert answer.headers["content-type"] == "application/json"
    assert answer.json()["debug"] is None
    message = answer.error(400)
    assert fake.records(home) == before, "nothing was stored"
    return message


def created(fake: FakeSimplicate, path: str, body: Any) -> str:
    return call(fake.url, path, method="POST", body=body).data["id"]


# ---- required fields -----------------------------------------------------------------------------


@pytest.mark.parametrize("family_name", [..., None, "", "   "])
def test_post_person_needs_a_family_name(fake: FakeSimplicate, family_name: object) -> None:
    # Mandatory since the 2023-08 changelog.
    body: dict[str, Any] = {"first_name": "Jan"}
    if family_name is not ...:
        body["family_name"] = family_name
    assert refused(fake, "POST", PERSON, body, PERSON) == "No family_name given"


def test_put_person_does_not_need_a_family_name(fake: FakeSimplicate) -> None:
    # Not mandatory on PUT since the 2023-09 changelog.
    person = created(fake, PERSON, {"first_name": "Jan", "family_name": "Jansen"})
    answer = call(fake.url, f"{PERSON}/{person}", method="PUT", body={"first_name": "Johan"})
    assert answer.data == {"id": person}


def test_an_address_needs_its_country(fake: FakeSimplicate) -> None:
    body = {"name": "Adres B.V.", "visiting_address": {"line_1": "Dorpsstraat 1"}}
    message = refused(fake, "POST", ORG, body, ORG)
    # The documentation's own example, verbatim.
    assert message == "No country code given in the visiting_address property"
    # Without an address nothing is required of it; with a country code or id it is complete.
    assert created(fake, ORG, {"name": "Zonder adres"}).startswith("organization:")
    for country in ({"country_code": "NL"}, {"country_id": first_id(fake, "crm/country")}):
        address = {"line_1": "Dorpsstraat 1", **country}
        assert created(fake, ORG, {"name": "Adres B.V.", "visiting_address": address})
    # The organization's name is required on POST only.
    assert refused(fake, "POST", ORG, {"email": "x@y.nl"}, ORG) == "No name given"


def test_alternatives_need_one_of_them(fake: FakeSimplicate) -> None:
    mop = first_id(fake, "crm/myorganizationprofile")
    body = {"subject": "Nieuwe website", "my_organization_profile_id": mop}
    message = refused(fake, "POST", "sales/sales", body, "sales/sales")
    assert message == "No organization_id or person_id given"
    assert created(fake, "sales/sales", {**body, "person_id": first_id(fake, PERSON)})


# ---- referenced ids ------------------------------------------------------------------------------


def test_referenced_ids_must_exist(fake: FakeSimplicate) -> None:
    mop = first_id(fake, "crm/myorganizationprofile")
    body = {"name": "P", "my_organization_profile_id": mop, "organization_id": "organization:gone"}
    assert refused(fake, "POST", PROJECT, body, PROJECT) == (
        "No organization found with id organization:gone given in the organization_id property"
    )
    # Nested: a document's linked_to, a list of objects.
    links = [{"person_id": first_id(fake, PERSON)}, {"project_id": "project:gone"}]
    message = refused(
        fake, "POST", "documents/document", {"title": "T", "linked_to": links}, "documents/document"
    )
    assert message == (
        "No project found with id project:gone given in the linked_to[1].project_id property"
    )


def test_a_reference_to_a_missing_lookup_entry_is_refused_until_it_exists(
    fake: FakeSimplicate,
) -> None:
    # The seeded leave types have other ids: this one names nothing, until a test plants it.
    assert all(r["id"] != "leavetype:0000000000000001" for r in fake.records("hrm/leavetype"))
    body = {
        "employee_id": first_id(fake, "hrm/employee"),
        "leave_type_id": "leavetype:0000000000000001",
        "start_date": "2025-03-03 09:00:00",
    }
    assert refused(fake, "POST", "hrm/leave", body, "hrm/leave") == (
        "No leavetype found with id leavetype:0000000000000001 given in the leave_type_id property"
    )
    fake.add("hrm/leavetype", {"id": "leavetype:0000000000000001", "label": "Verlof"})
    assert created(fake, "hrm/leave", body).startswith("leave:")


# ---- field kinds ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"name": ["A", "B"]}, "The name property must be text, got a list"),
        (
            {"name": "X", "visiting_address": "Dorpsstraat 1, Utrecht"},
            'The visiting_address property must be an object, got "Dorpsstraat 1, Utrecht"',
        ),
        (
            {"name": "X", "linked_persons_contacts": {"person_id": 5}},
            "The linked_persons_contacts.person_id property must be text, got 5",
        ),
        (
            {"name": "X", "allow_autocollect": "nee"},
            'The allow_autocollect property must be a boolean, got "nee"',
        ),
    ],
)
def test_fields_of_the_wrong_kind_are_refused(
    fake: FakeSimplicate, body: dict[str, Any], message: str
) -> None:
    assert refused(fake, "POST", ORG, body, ORG) == message


def test_the_real_apis_scalar_spellings_are_accepted(fake: FakeSimplicate) -> None:
    body = {
        "name": "Lenient B.V.",
        "allow_autocollect": "1",  # a "0"/"1" boolean
        "has_different_postal_address": 0,
        "phone": 612345678,  # a number for text
        "no_such_field": {"kept": True},  # unknown fields are ignored (and stored as sent)
    }
    org = created(fake, ORG, body)
    record = call(fake.url, f"{ORG}/{org}").data
    assert record["no_such_field"] == {"kept": True}
    project = first_id(fake, PROJECT)
    service = {"project_id": project, "name": "Advies", "invoice_method": "Hours"}
    service |= {"price": "95.000000", "start_date": "2025-01-06", "track_hours": "1"}
    assert created(fake, SERVICE, service)


# ---- Known Limitations ---------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["Subscription", "hours", "Installments", ""])
def test_project_services_only_fixed_fee_or_hours(fake: FakeSimplicate, method: str) -> None:
    body = {"project_id": first_id(fake, PROJECT), "name": "S", "invoice_method": method}
    message = refused(fake, "POST", SERVICE, body, SERVICE)
    if method:
        assert message == (
            "Project services can only be created with invoice_method FixedFee or Hours, "
            f"not {method}"
        )
    else:
        assert message == "No invoice_method given"


def test_project_services_are_modified_only_as_fixed_fee_or_hours(fake: FakeSimplicate) -> None:
    project = first_id(fake, PROJECT)
    service = created(
        fake, SERVICE, {"project_id": project, "name": "S", "invoice_method": "FixedFee"}
    )
    body = {"invoice_method": "Subscription"}
    assert refused(fake, "PUT", f"{SERVICE}/{service}", body, SERVICE).startswith(
        "Project services can only be modified with invoice_method FixedFee or Hours"
    )
    subscription = fake.add(SERVICE, {"name": "Licentie", "invoice_method": "Subscription"})
    message = refused(fake, "PUT", f"{SERVICE}/{subscription}", {"name": "L"}, SERVICE)
    assert message == (
        "Project services with invoice_method Subscription cannot be modified; only FixedFee "
        "or Hours"
    )


@pytest.mark.parametrize(
    "extra",
    [
        {"invoice_in_installments": True},
        {"invoice_in_installments": "1"},
        {"installments": [{"amount": "500.00", "date": "2025-02-01"}]},
    ],
)
def test_installments_cannot_be_created(fake: FakeSimplicate, extra: dict[str, Any]) -> None:
    body = {"project_id": first_id(fake, PROJECT), "name": "S", "invoice_method": "FixedFee"}
    message = refused(fake, "POST", SERVICE, {**body, **extra}, SERVICE)
    assert message.startswith("Installments cannot be created through the API")
    quiet = {**body, "invoice_in_installments": False, "installments": []}
    assert created(fake, SERVICE, quiet)


def test_payments_cannot_be_deleted(fake: FakeSimplicate) -> None:
    invoice = first_id(fake, "invoices/invoice")
    body = {"invoice_id": invoice, "amount": 121, "date": "2025-01-31"}
    payment = created(fake, "invoices/payment", body)
    answer = call(fake.url, f"invoices/payment/{payment}", method="DELETE")
    assert answer.error(400) == "Payments cannot be deleted"
    assert "allow" not in answer.headers
    assert call(fake.url, f"invoices/payment/{payment}").data["amount"] == 121

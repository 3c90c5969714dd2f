"""The fake's query language, driven with plain urllib (never our client).

Each documented use case of the API documentation (Filtering, Filtering on Nested Values,
Advanced Filtering, Custom Fields, Return Limit and Pagination, Sorting Results, Metadata, and
"Tracking Creates and Updates") is sent with the documentation's own query string against
records planted for it, and the test asserts exactly which records come back, in which order.
The choices the documentation leaves open and errors are in ``test_fake_query_choices.py``, the
realism of the seeded data in ``test_fake_seeded_realism.py``; the client in
``query_helpers.py``.
"""

from __future__ import annotations

import random
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from simplicate.testing import FakeSimplicate

from .query_helpers import (
    ORG,
    PROJECT,
    SERVICE,
    TIMESTAMP,
    custom_fields,
    get,
    ids,
    named,
    ok,
    plant,
    request,
    stamp,
)


@pytest.fixture
def empty() -> Iterator[FakeSimplicate]:
    """A fake whose organizations, projects and project services start empty."""
    sizes = {ORG: 0, PROJECT: 0, SERVICE: 0}
    with FakeSimplicate(seed=3, records=sizes) as fake:
        yield fake


def test_plumbing_empty_collection_and_auth(empty: FakeSimplicate) -> None:
    assert ok(empty, ORG) == {"data": [], "errors": None, "debug": None}
    oid = empty.add(ORG, {"name": "Only"})
    assert ids(empty, ORG) == [oid]
    req = urllib.request.Request(f"{empty.url}/{ORG}", headers={})
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(req, timeout=10).close()
    with info.value as err:
        assert err.code == 401


# ---- Filtering: select -------------------------------------------------------------------------

RELATION_TYPE = {"id": "relationtype:00000000000000a1", "label": "Klant", "color": "#27ae60"}
PAYMENT_TERM = {
    "id": "paymentterm:00000000000000b2",
    "name": "14 dagen",
    "days": 14,
    "method": "banktransfer",
}


def full_org(name: str, **overrides: object) -> dict:
    record: dict[str, Any] = {
        "name": name,
        "email": f"info@{name.lower()}.nl",
        "relation_type": RELATION_TYPE,
        "debtor": {"payment_term": PAYMENT_TERM, "provision_method": "email", "cc": []},
        "custom_fields": custom_fields(external_link="https://example.nl"),
        **stamp("2024-05-01 09:00:00"),
    }
    record.update(overrides)
    return record


def test_select_id_relation_type_and_name(empty: FakeSimplicate) -> None:
    a, b, c = plant(
        empty,
        ORG,
        full_org("Acme"),
        full_org("Nully", relation_type=None),
        {"name": "Bare", "email": "bare@x.nl"},
    )
    data = ok(empty, ORG, "select=id,relation_type.,name")["data"]
    assert data == [
        {"id": a, "name": "Acme", "relation_type": RELATION_TYPE},
        {"id": b, "name": "Nully", "relation_type": None},
        {"id": c, "name": "Bare"},
    ]
    # The record's own field order, not the order of `select`.
    assert [list(r) for r in data] == [
        ["id", "name", "relation_type"],
        ["id", "name", "relation_type"],
        ["id", "name"],
    ]
    # `relation_type.label` keeps only that child.
    data = ok(empty, ORG, "select=relation_type.label")["data"]
    assert data[0] == {"id": a, "relation_type": {"label": "Klant"}}


def test_select_nested_payment_term_of_debtor(empty: FakeSimplicate) -> None:
    a, b = plant(empty, ORG, full_org("Acme"), full_org("NoDebtor", debtor=None))
    data = ok(empty, ORG, "select=id,debtor.payment_term.,name")["data"]
    assert data == [
        {"id": a, "name": "Acme", "debtor": {"payment_term": PAYMENT_TERM}},
        {"id": b, "name": "NoDebtor", "debtor": None},
    ]
    assert list(data[0]) == ["id", "name", "debtor"]
    assert list(data[0]["debtor"]["payment_term"]) == ["id", "name", "days", "method"]


def test_select_always_returns_id(empty: FakeSimplicate) -> None:
    (a,) = plant(empty, ORG, full_org("Acme"))
    assert ok(empty, ORG, "select=name")["data"] == [{"id": a, "name": "Acme"}]


# ---- Filtering: q --------------------------------------------------------------------------------


def test_contains_bob(empty: FakeSimplicate) -> None:
    o = named(empty, "Bob", "Alice", "Big Bob Inc", "Robert", "Bo b", None, ..., "", "Bobcat")
    assert ids(empty, ORG, "q[name]=*Bob*") == [o["Bob"], o["Big Bob Inc"], o["Bobcat"]]


def test_contains_bob_fully_percent_encoded(empty: FakeSimplicate) -> None:
    o = named(empty, "Bob", "Alice", "Big Bob Inc")
    encoded = urllib.parse.urlencode(
        {"q[name]": "*Bob*", "limit": "10"}, quote_via=urllib.parse.quote
    )
    assert encoded == "q%5Bname%5D=%2ABob%2A&limit=10"
    body = ok(empty, ORG, encoded, encode=False)
    assert [r["id"] for r in body["data"]] == [o["Bob"], o["Big Bob Inc"]]
    # Every other documented shape survives full encoding too (brackets, commas, spaces).
    everything_encoded = urllib.parse.urlencode(
        [
            ("q[name][]", "Alice"),
            ("q[or][name][]", "Big Bob Inc"),
            ("q[or][created_at][lt]", "2000-01-01 00:00:00"),
            ("select", "id,name"),
            ("sort", "-name"),
        ],
        quote_via=urllib.parse.quote,
        safe="",
    )
    assert "[" not in everything_encoded and "," not in everything_encoded
    body = ok(empty, ORG, everything_encoded, encode=False)
    assert body["data"] == [
        {"id": o["Big Bob Inc"], "name": "Big Bob Inc"},
        {"id": o["Alice"], "name": "Alice"},
    ]


def test_prefix_wildcard(empty: FakeSimplicate) -> None:
    o = named(empty, "Donald", "Don", "McDon", "Dan")
    assert ids(empty, ORG, "q[name]=Don*") == [o["Donald"], o["Don"]]


def test_alice_or_charlie(empty: FakeSimplicate) -> None:
    o = named(empty, "Alice", "Bob", "Charlie", "Alice Cooper", "Charlie's", "Dave")
    assert ids(empty, ORG, "q[name][]=Alice&q[name][]=Charlie") == [o["Alice"], o["Charlie"]]


def test_name_alice_and_email_gmail(empty: FakeSimplicate) -> None:
    yes, *_ = plant(
        empty,
        ORG,
        {"name": "Alice", "email": "alice@gmail.com"},
        {"name": "Alice", "email": "alice@hotmail.com"},
        {"name": "Bob", "email": "bob@gmail.com"},
        {"name": "Alice", "email": "alice@gmail.com.au"},
        {"name": "Alice", "email": None},
    )
    assert ids(empty, ORG, "q[name]=Alice&q[email]=*gmail.com") == [yes]


def plant_alice_or_gmail(fake: FakeSimplicate) -> dict[str, str]:
    people = [
        ("G10", "g10@gmail.com"),
        ("Bob", "bob@yahoo.com"),
        ("Alice", "alice@hotmail.com"),
        ("G03", "g3@gmail.com"),
        ("Zed", "zed@gmail.com.au"),
        *((f"G{n:02}", f"g{n}@gmail.com") for n in (1, 2, 4, 5, 6, 7, 8, 9, 11)),
    ]
    return {name: fake.add(ORG, {"name": name, "email": email}) for name, email in people}


def test_alice_or_gmail_sorted_by_name(empty: FakeSimplicate) -> None:
    o = plant_alice_or_gmail(empty)
    got = ids(empty, ORG, "q[name]=Alice&q[or][email]=*gmail.com&limit=10&sort=name")
    expected = ["Alice", *(f"G{n:02}" for n in range(1, 10))]
    assert got == [o[name] for name in expected]


def test_alice_or_gmail_sorted_by_name_descending(empty: FakeSimplicate) -> None:
    o = plant_alice_or_gmail(empty)
    got = ids(empty, ORG, "q[name]=Alice&q[or][email]=*gmail.com&limit=10&sort=-name")
    expected = [f"G{n:02}" for n in range(11, 1, -1)]
    assert got == [o[name] for name in expected]
    # All 12 matches: 11 gmail addresses, plus Alice (the AND group).
    body = ok(empty, ORG, "q[name]=Alice&q[or][email]=*gmail.com&metadata=count")
    assert body["metadata"] == {"count": 12}


def test_null_and_not_null(empty: FakeSimplicate) -> None:
    o = named(empty, "Bob", None, "", ..., "null", "NULL")
    assert ids(empty, ORG, "q[name]=null") == [o[None], o[...]]
    assert ids(empty, ORG, "q[name]=*") == [o["Bob"], o[""], o["null"], o["NULL"]]


def test_star_matches_objects_and_arrays(empty: FakeSimplicate) -> None:
    a, b, c, d, e = plant(
        empty,
        ORG,
        {"teams": {"id": "team:0000000000000001"}},
        {"teams": None},
        {},
        {"teams": []},
        {"teams": [{"id": "team:0000000000000002"}]},
    )
    # An object or a non-empty array is "not null"; an empty array finds nothing: null.
    assert ids(empty, ORG, "q[teams]=*") == [a, e]
    assert ids(empty, ORG, "q[teams]=null") == [b, c, d]


# ---- Filtering on nested values --------------------------------------------------------------


def project(name: str, org: str | None, mine: str | None = "My Company", **extra: object) -> dict:
    return {
        "name": name,
        "organization": None
        if org is None
        else {"id": "organization:0000000000000001", "name": org},
        "my_organization_profile": {
            "id": "myorganizationprofile:0000000000000123",
            "organization": {"id": "organization:0000000000000456", "name": mine},
        },
        **extra,
    }


def test_nested_organization_name(empty: FakeSimplicate) -> None:
    a, _, c, _, _ = plant(
        empty,
        PROJECT,
        project("One", "Google"),
        project("Two", "Google Cloud"),
        project("Three", "Google"),
        project("Four", None),
        {"name": "Five"},
    )
    assert ids(empty, PROJECT, "q[organization.name]=Google") == [a, c]
    assert ids(empty, PROJECT, "q[organization.name]=null") == ids(empty, PROJECT)[3:]


def test_nested_my_organization_profile(empty: FakeSimplicate) -> None:
    a, _, _, d = plant(
        empty,
        PROJECT,
        project("One", "Google", "My Company"),
        project("Two", "Google", "My Company B.V."),
        project("Three", "Google", "MyCompany"),
        project("Four", "Google", "My Company"),
    )
    query = "q[my_organization_profile.organization.name]=My%20Company"
    assert ids(empty, PROJECT, query) == [a, d]
    # '+' is a space in a query string, as in the tracking use case.
    assert ids(empty, PROJECT, query.replace("%20", "+")) == [a, d]


# ---- Advanced filtering ----------------------------------------------------------------------


def test_updated_since_newest_first(empty: FakeSimplicate) -> None:
    updated = [
        "2025-01-03 23:59:59",  # too old
        "2025-01-04 00:00:00",  # exactly on the bound: included
        "2024-06-01 12:00:00",  # too old
        *(f"2025-01-{day:02} 08:30:00" for day in range(5, 16)),  # 11 more
    ]
    order = list(range(len(updated)))
    random.Random(4).shuffle(order)
    by_index = {
        i: empty.add(ORG, {"name": f"O{i}", **stamp("2024-01-01 00:00:00", updated[i])})
        for i in order
    }
    got = ids(empty, ORG, "q[updated_at][ge]=2025-01-04 00:00:00&limit=10&sort=-updated_at")
    newest_first = sorted(range(3, len(updated)), key=lambda i: updated[i], reverse=True)
    assert got == [by_index[i] for i in newest_first[:10]]
    body = ok(
        empty, ORG, "q[updated_at][ge]=2025-01-04 00:00:00&limit=10&sort=-updated_at&offset=10"
    )
    assert [r["id"] for r in body["data"]] == [by_index[i] for i in newest_first[10:]] + [
        by_index[1]
    ]


def test_created_between(empty: FakeSimplicate) -> None:
    created = {
        "before": "2024-12-27 23:59:59",
        "first": "2024-12-28 00:00:00",
        "new-year": "2025-01-01 00:00:01",
        "last": "2025-01-04 23:59:59",
        "after": "2025-01-05 00:00:00",
        "mid": "2024-12-30 14:15:16",
    }
    o = {key: empty.add(ORG, {"name": key, **stamp(value)}) for key, value in created.items()}
    query = (
        "q[created_at][ge]=2024-12-28 00:00:00&q[created_at][le]=2025-01-04 23:59:59"
        "&limit=10&sort=-created_at"
    )
    assert ids(empty, ORG, query) == [o["last"], o["new-year"], o["mid"], o["first"]]


def test_services_in_invoice_methods_by_budget_descending(empty: FakeSimplicate) -> None:
    services = {
        "fixed-9.5": ("FixedFee", "9.5"),
        "hours-1000": ("Hours", "1000.00"),
        "subscription-10": ("Subscription", "10"),
        "fixed-100": ("FixedFee", "100.00"),
        "subscription-2.25": ("Subscription", "2.25"),
        "none-50": (None, "50.00"),
    }
    o = {
        key: empty.add(SERVICE, {"name": key, "invoice_method": method, "budget": budget})
        for key, (method, budget) in services.items()
    }
    got = ids(empty, SERVICE, "q[invoice_method][in]=FixedFee,Subscription&sort=-budget")
    # Numerically: as text it would be 9.5, 2.25, 100.00, 10.
    expected = ["fixed-100", "subscription-10", "fixed-9.5", "subscription-2.25"]
    assert got == [o[key] for key in expected]


def test_services_path_as_written_in_the_docs_is_not_an_endpoint(empty: FakeSimplicate) -> None:
    # The docs write "/projects/services"; the endpoint is projects/service.
    status, body = get(empty, "projects/services", "q[invoice_method][in]=FixedFee,Subscription")
    assert status == 400 and body["data"] is None and body["errors"]


# ---- Custom fields ---------------------------------------------------------------------------


def test_custom_field_external_link(empty: FakeSimplicate) -> None:
    a, _, _, _, _, f = plant(
        empty,
        PROJECT,
        {
            "name": "docs",
            "custom_fields": custom_fields(external_link="https://docs.google.com/d/1"),
        },
        {
            "name": "drive",
            "custom_fields": custom_fields(external_link="https://drive.google.com/x"),
        },
        {"name": "other", "custom_fields": custom_fields(notes="see docs.google.com/d/2")},
        {"name": "nothing", "custom_fields": []},
        {"name": "no key"},
        {
            "name": "second",
            "custom_fields": custom_fields(
                part_of_country="North", external_link="HTTPS://DOCS.GOOGLE.COM/d/3"
            ),
        },
    )
    assert ids(empty, PROJECT, "q[custom_fields.external_link]=*docs.google.com*") == [a, f]


def test_custom_field_part_of_country_not_set(empty: FakeSimplicate) -> None:
    o = {
        "north": empty.add(PROJECT, {"custom_fields": custom_fields(part_of_country="North")}),
        "no value": empty.add(PROJECT, {"custom_fields": custom_fields(part_of_country=...)}),
        "null": empty.add(PROJECT, {"custom_fields": custom_fields(part_of_country=None)}),
        "empty text": empty.add(PROJECT, {"custom_fields": custom_fields(part_of_country="")}),
        "other field": empty.add(PROJECT, {"custom_fields": custom_fields(external_link="x")}),
        "no fields": empty.add(PROJECT, {"custom_fields": []}),
        "no key": empty.add(PROJECT, {"name": "plain"}),
    }
    got = ids(empty, PROJECT, "q[custom_fields.part_of_country][nin]=*")
    # "" is a value (only null and missing are "not set").
    unset = ["no value", "null", "other field", "no fields", "no key"]
    assert got == [o[key] for key in unset]
    assert ids(empty, PROJECT, "q[custom_fields.part_of_country]=*") == [
        o["north"],
        o["empty text"],
    ]


def test_custom_field_dropdown_option_label(empty: FakeSimplicate) -> None:
    field = custom_fields(part_of_country="option:2")[0]
    field["options"] = [
        {"value": "option:1", "label": "East"},
        {"value": "option:2", "label": "North"},
    ]
    a, _ = plant(
        empty,
        PROJECT,
        {"custom_fields": [field]},
        {"custom_fields": custom_fields(part_of_country="East")},
    )
    assert ids(empty, PROJECT, "q[custom_fields.part_of_country]=North") == [a]
    assert ids(empty, PROJECT, "q[custom_fields.part_of_country]=option:2") == [a]


def test_custom_field_unset_created_since_with_select_and_sort(empty: FakeSimplicate) -> None:
    def pm(n: int) -> dict:
        return {
            "id": f"employee:{n:032x}",
            "employee_id": f"employee:{n:032x}",
            "person_id": f"person:{n:032x}",
            "name": f"Manager {n}",
        }

    def proj(name: str, country: object, created: str, updated: str, manager: object) -> dict:
        return {
            "name": name,
            "project_manager": manager,
            "custom_fields": custom_fields(part_of_country=country),
            "note": "not selected",
            **stamp(created, updated),
        }

    o = {
        "a": empty.add(
            PROJECT, proj("A", ..., "2025-01-20 10:00:00", "2025-03-01 00:00:00", pm(1))
        ),
        "b": empty.add(
            PROJECT, proj("B", ..., "2025-01-15 23:59:59", "2025-04-01 00:00:00", pm(2))
        ),
        "c": empty.add(
            PROJECT, proj("C", "North", "2025-02-01 00:00:00", "2025-05-01 00:00:00", pm(3))
        ),
        "d": empty.add(
            PROJECT, proj("D", None, "2025-01-16 00:00:00", "2025-02-01 00:00:00", pm(4))
        ),
        "e": empty.add(PROJECT, proj("E", ..., "2025-06-01 00:00:00", "2025-06-02 00:00:00", None)),
    }
    query = (
        "q[custom_fields.part_of_country][nin]=*&q[created_at][ge]=2025-01-16 00:00:00"
        "&select=id,name,project_manager.employee_id,project_manager.name&sort=-updated_at"
    )
    data = ok(empty, PROJECT, query)["data"]
    assert data == [
        {"id": o["e"], "name": "E", "project_manager": None},
        {
            "id": o["a"],
            "name": "A",
            "project_manager": {"employee_id": f"employee:{1:032x}", "name": "Manager 1"},
        },
        {
            "id": o["d"],
            "name": "D",
            "project_manager": {"employee_id": f"employee:{4:032x}", "name": "Manager 4"},
        },
    ]
    assert [list(r) for r in data] == [["id", "name", "project_manager"]] * 3


# ---- Return limit and pagination -------------------------------------------------------------


def test_bob_page_from_offset_11_by_name_descending(empty: FakeSimplicate) -> None:
    numbers = list(range(1, 26))
    random.Random(11).shuffle(numbers)
    o = {n: empty.add(ORG, {"name": f"Bob {n:02}"}) for n in numbers}
    named(empty, "Alice", "Robert", "Charlie")
    got = ids(empty, ORG, "q[name]=*Bob*&offset=11&limit=10&sort=-name")
    assert got == [o[n] for n in range(14, 4, -1)]
    body = ok(empty, ORG, "q[name]=*Bob*&offset=21&limit=10&sort=-name&metadata=count,offset")
    assert [r["id"] for r in body["data"]] == [o[n] for n in (4, 3, 2, 1)]
    assert body["metadata"] == {"count": 25, "offset": 21}


def test_limit_defaults_to_100_and_is_capped_at_100(empty: FakeSimplicate) -> None:
    planted = [empty.add(ORG, {"name": f"Org {n:03}"}) for n in range(150)]
    assert ids(empty, ORG) == planted[:100]
    assert ids(empty, ORG, "limit=150") == planted[:100]
    assert ids(empty, ORG, "limit=100&offset=100") == planted[100:]
    assert ids(empty, ORG, "limit=50&offset=20") == planted[20:70]
    assert ids(empty, ORG, "offset=149") == planted[149:]
    assert ids(empty, ORG, "offset=150") == []
    # The same pages through the filtering path (a sort makes the query non-plain).
    assert ids(empty, ORG, "sort=name&limit=150") == planted[:100]
    assert ids(empty, ORG, "q[name]=Org*&offset=120") == planted[120:]


# ---- Sorting -------------------------------------------------------------------------------------


def test_sort_ascending_and_descending(empty: FakeSimplicate) -> None:
    o = named(empty, "Charlie", None, "alice", "", "Bob", ...)
    # Null/missing first ascending, then "", then text case-folded ("alice" < "Bob").
    assert ids(empty, ORG, "sort=name") == [
        o[k] for k in (None, ..., "", "alice", "Bob", "Charlie")
    ]
    # Descending: nulls last; ties keep store order.
    assert ids(empty, ORG, "sort=-name") == [
        o[k] for k in ("Charlie", "Bob", "alice", "", None, ...)
    ]


def test_sort_by_several_keys(empty: FakeSimplicate) -> None:
    a, b, c, d = plant(
        empty,
        ORG,
        {"name": "B", **stamp("2025-01-01 00:00:00", "2025-01-01 00:00:00")},
        {"name": "A", **stamp("2025-01-01 00:00:00", "2025-01-02 00:00:00")},
        {"name": "B", **stamp("2025-01-01 00:00:00", "2025-01-03 00:00:00")},
        {"name": "A", **stamp("2025-01-01 00:00:00", "2025-01-01 00:00:00")},
    )
    assert ids(empty, ORG, "sort=name,-updated_at") == [b, d, c, a]
    assert ids(empty, ORG, "sort=-name,updated_at") == [a, c, d, b]


# ---- Metadata ------------------------------------------------------------------------------------


def test_metadata_count_and_limit(empty: FakeSimplicate) -> None:
    matching = ["My Company", "Tommy", "Amy", "Myra", "Jimmy", "Emmy", "Sammy", "Dummy", "Ummy"]
    matching += ["Mylo", "Tammy", "Remy's", "MY CAPS"]  # 13 in all
    planted = {name: empty.add(ORG, {"name": name}) for name in matching}
    named(empty, "Alice", "Bob", "M y", "Mr. Y", None)
    body = ok(empty, ORG, "q[name]=*my*&limit=10&metadata=count,limit")
    assert body["metadata"] == {"count": 13, "limit": 10}
    assert [r["id"] for r in body["data"]] == [planted[n] for n in matching[:10]]
    body = ok(empty, ORG, "q[name]=*my*&limit=10&offset=10&metadata=count,limit,offset")
    assert body["metadata"] == {"count": 13, "limit": 10, "offset": 10}
    assert [r["id"] for r in body["data"]] == [planted[n] for n in matching[10:]]
    assert "metadata" not in ok(empty, ORG, "q[name]=*my*&limit=10")
    # Without a filter, count is the whole collection.
    assert ok(empty, ORG, "limit=1&metadata=count")["metadata"] == {"count": 18}


def test_metadata_words_of_the_spec(empty: FakeSimplicate) -> None:
    # The spec's MetaData model: count, total_count, offset, limit, upper_limit, nocleanup,
    # checksum. The documentation explains only count, limit and offset.
    names = ["Amy", "Bob", "Tommy", "Dan", "Jimmy", "Emmy", "Fred"]
    planted = {
        name: empty.add(ORG, {"name": name, **stamp("2024-05-01 09:00:00")}) for name in names
    }
    every = "count,total_count,offset,limit,upper_limit,nocleanup,checksum"
    body = ok(empty, ORG, f"q[name]=*my*&limit=2&offset=1&metadata={every}")
    metadata = body["metadata"]
    checksum = metadata.pop("checksum")
    # count: the matches; total_count: the whole collection, filters ignored; upper_limit: the
    # largest page served; nocleanup: false (the fake never leaves anything to clean up).
    assert metadata == {
        "count": 4,
        "total_count": 7,
        "offset": 1,
        "limit": 2,
        "upper_limit": 100,
        "nocleanup": False,
    }
    assert list(body) == ["metadata", "data", "errors", "debug"]
    assert [r["id"] for r in body["data"]] == [planted["Tommy"], planted["Jimmy"]]
    assert re.fullmatch(r"[0-9a-f]{16}", checksum)
    # A limit above the cap: `limit` is what is served, `upper_limit` why.
    assert ok(empty, ORG, "limit=500&metadata=limit,upper_limit")["metadata"] == {
        "limit": 100,
        "upper_limit": 100,
    }

    def checksum_of(query: str) -> str:
        return ok(empty, ORG, f"{query}&metadata=checksum")["metadata"]["checksum"]

    page = "q[name]=*my*&limit=2&offset=1"
    # Stable while the page is unchanged, whatever is selected.
    assert checksum_of(page) == checksum
    assert checksum_of(page + "&select=name") == checksum
    # Another page, another checksum.
    assert checksum_of("q[name]=*my*&limit=2&offset=2") != checksum
    # A record of the page updated: the page's checksum changes.
    assert request(empty, "PUT", f"{ORG}/{planted['Jimmy']}", body={"note": "x"}).status == 200
    assert checksum_of(page) != checksum
    # The checksum of an unfiltered page follows additions too.
    before = checksum_of("limit=100")
    empty.add(ORG, {"name": "Late"})
    assert checksum_of("limit=100") != before
    # Unknown words are still refused, naming the word.
    reply = request(empty, "GET", ORG, "metadata=count,total")
    assert reply.status == 400 and "'total'" in reply.body["errors"][0]


# ---- Tracking creates and updates ----------------------------------------------------------------


def test_tracking_creates_and_updates(empty: FakeSimplicate) -> None:
    old = [
        empty.add(ORG, {"name": f"Old {n}", **stamp(f"2024-03-0{n} 10:00:00")}) for n in range(1, 5)
    ]
    since = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime())
    created = request(empty, "POST", ORG, body={"name": "Brand new", "email": "new@x.nl"})
    assert created.status == 200
    new_id = created.body["data"]["id"]
    updated = request(empty, "PUT", f"{ORG}/{old[2]}", body={"email": "changed@x.nl"})
    assert updated.status == 200 and updated.body["data"]["id"] == old[2]

    # As the use case writes it: '+' for the space.
    query = f"q[updated_at][ge]={since.replace(' ', '+')}&sort=-updated_at"
    data = ok(empty, ORG, query)["data"]
    # The update is never older than the create; on a tie, store order (the old record first).
    assert [r["id"] for r in data] == [old[2], new_id]
    assert data[0]["email"] == "changed@x.nl"
    assert data[0]["created_at"] == "2024-03-03 10:00:00"
    assert data[0]["updated_at"] >= since and data[1]["created_at"] >= since
    assert TIMESTAMP.match(data[0]["updated_at"]) and TIMESTAMP.match(data[1]["created_at"])
    # And nothing else changed since then.
    assert ids(empty, ORG, f"q[updated_at][lt]={since}") == [old[0], old[1], old[3]]

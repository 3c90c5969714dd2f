"""The fake's query language where the documentation leaves the choice open (see
``crates/api/src/query/mod.rs``), and its errors, driven with plain urllib (never our client).
"""

from __future__ import annotations

import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator

import pytest

from simplicate.testing import FakeSimplicate

from .query_helpers import (
    ORG,
    PROJECT,
    SERVICE,
    Reply,
    custom_fields,
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


# ---- Choices the documentation leaves open (crates/api/src/query/mod.rs) -----------------------


def test_matching_is_case_insensitive(empty: FakeSimplicate) -> None:
    o = named(empty, "Alice", "ALICE", "Alicia", "bobby", "Jim-Bob", "Ålice")
    assert ids(empty, ORG, "q[name]=alice") == [o["Alice"], o["ALICE"]]
    assert ids(empty, ORG, "q[name]=*BOB*") == [o["bobby"], o["Jim-Bob"]]
    assert ids(empty, ORG, "q[name][]=ALICIA&q[name][]=jim-bob") == [o["Alicia"], o["Jim-Bob"]]
    assert ids(empty, ORG, "q[name][in]=alicia,JIM-BOB") == [o["Alicia"], o["Jim-Bob"]]
    # Case folds, accents do not.
    assert ids(empty, ORG, "q[name]=ålice") == [o["Ålice"]]


def test_wildcard_only_star_is_special(empty: FakeSimplicate) -> None:
    o = named(empty, "100% fun", "100 fun", "a_b", "axb", "what?", "whatx")
    assert ids(empty, ORG, "q[name]=*" + urllib.parse.quote("%") + "*") == [o["100% fun"]]
    assert ids(empty, ORG, "q[name]=a_b") == [o["a_b"]]
    assert ids(empty, ORG, "q[name]=what?") == [o["what?"]]


def test_date_without_time_means_midnight(empty: FakeSimplicate) -> None:
    o = {
        t: empty.add(ORG, {"name": t, **stamp(t)})
        for t in ("2025-01-03 23:59:59", "2025-01-04 00:00:00", "2025-01-04 10:00:00")
    }
    before, midnight, morning = o.values()
    assert ids(empty, ORG, "q[created_at][ge]=2025-01-04") == [midnight, morning]
    assert ids(empty, ORG, "q[created_at][le]=2025-01-04") == [before, midnight]
    assert ids(empty, ORG, "q[created_at][gt]=2025-01-04") == [morning]
    assert ids(empty, ORG, "q[created_at][lt]=2025-01-04") == [before]
    # A 'T' for the space, and minutes without seconds.
    assert ids(empty, ORG, "q[created_at][ge]=2025-01-04T10:00") == [morning]


def test_numbers_as_strings_compare_numerically(empty: FakeSimplicate) -> None:
    o = {
        b: empty.add(SERVICE, {"name": b, "budget": b})
        for b in ("9.5", "10", "100.00", "2.25", "10.00")
    }
    assert ids(empty, SERVICE, "q[budget][ge]=10") == [o["10"], o["100.00"], o["10.00"]]
    assert ids(empty, SERVICE, "q[budget][lt]=10") == [o["9.5"], o["2.25"]]
    assert ids(empty, SERVICE, "q[budget][gt]=9.75&q[budget][le]=10") == [o["10"], o["10.00"]]
    # Equality of number-like strings is textual, as in a MySQL string column.
    assert ids(empty, SERVICE, "q[budget]=10") == [o["10"]]
    assert ids(empty, SERVICE, "sort=budget") == [
        o[b] for b in ("2.25", "9.5", "10", "10.00", "100.00")
    ]


def test_json_numbers_and_booleans(empty: FakeSimplicate) -> None:
    def org(days: object, active: object) -> dict:
        return {"debtor": {"payment_term": {"days": days}}, "is_active": active}

    a, b, c, d, e = plant(
        empty, ORG, org(14, True), org(14.0, False), org(30, True), org("14", None), org("014", 1)
    )
    assert ids(empty, ORG, "q[debtor.payment_term.days]=14") == [a, b, d]
    assert ids(empty, ORG, "q[debtor.payment_term.days][gt]=9") == [a, b, c, d, e]
    assert ids(empty, ORG, "q[debtor.payment_term.days][gt]=14") == [c]
    assert ids(empty, ORG, "q[is_active]=1") == [a, c, e]
    assert ids(empty, ORG, "q[is_active]=0") == [b]
    assert ids(empty, ORG, "q[is_active]=true") == []


def test_null_versus_missing(empty: FakeSimplicate) -> None:
    o = {
        "null": empty.add(ORG, {"name": "n", "email": None}),
        "missing": empty.add(ORG, {"name": "m"}),
        "empty": empty.add(ORG, {"name": "e", "email": ""}),
        "value": empty.add(ORG, {"name": "v", "email": "v@x.nl"}),
    }
    assert ids(empty, ORG, "q[email]=null") == [o["null"], o["missing"]]
    assert ids(empty, ORG, "q[email]=*") == [o["empty"], o["value"]]
    assert ids(empty, ORG, "q[email]=") == [o["empty"]]
    # Null or missing never satisfies a comparison or a pattern.
    assert ids(empty, ORG, "q[email][ge]=a") == [o["value"]]
    assert ids(empty, ORG, "q[email]=*x*") == [o["value"]]
    # A path through a missing parent reads as null too.
    assert ids(empty, ORG, "q[nowhere.deeper]=null") == list(o.values())


def test_in_and_nin_with_null_values(empty: FakeSimplicate) -> None:
    o = {
        "a": empty.add(ORG, {"email": "a@x.nl"}),
        "b": empty.add(ORG, {"email": "b@x.nl"}),
        "c": empty.add(ORG, {"email": "c@x.nl"}),
        "null": empty.add(ORG, {"email": None}),
        "missing": empty.add(ORG, {}),
    }

    def got(query: str) -> list[str]:
        found = ids(empty, ORG, query)
        return [key for key, oid in o.items() if oid in found]

    assert got("q[email][in]=a@x.nl,b@x.nl") == ["a", "b"]
    # A null value is not a@x.nl or b@x.nl: `nin` keeps it (unlike MySQL's NOT IN).
    assert got("q[email][nin]=a@x.nl,b@x.nl") == ["c", "null", "missing"]
    assert got("q[email][nin]=a@x.nl,b@x.nl&q[email]=*") == ["c"]
    assert got("q[email][in]=null,c@x.nl") == ["c", "null", "missing"]
    assert got("q[email][nin]=null") == ["a", "b", "c"]
    assert got("q[email][in]=*") == ["a", "b", "c"]
    assert got("q[email][nin]=*") == ["null", "missing"]
    # Items are trimmed, empty items dropped, matched case-insensitively, wildcards allowed.
    assert got("q[email][in]= A@X.NL , ,b@*") == ["a", "b"]
    assert got("q[email][in]=") == []
    assert got("q[email][nin]=") == ["a", "b", "c", "null", "missing"]


def test_and_of_q_or_of_q_or(empty: FakeSimplicate) -> None:
    o = {
        "alice-gmail": empty.add(ORG, {"name": "Alice", "email": "a@gmail.com", "phone": "1"}),
        "alice": empty.add(ORG, {"name": "Alice", "email": "a@x.nl", "phone": "2"}),
        "bob-gmail": empty.add(ORG, {"name": "Bob", "email": "b@gmail.com", "phone": "3"}),
        "carol": empty.add(ORG, {"name": "Carol", "email": "c@x.nl", "phone": "1"}),
    }

    def got(query: str) -> list[str]:
        found = ids(empty, ORG, query)
        return [key for key, oid in o.items() if oid in found]

    # Only OR conditions: any of them.
    assert got("q[or][name]=Carol&q[or][email]=*gmail.com") == ["alice-gmail", "bob-gmail", "carol"]
    # All AND conditions, or any OR condition.
    assert got("q[name]=Alice&q[phone]=2&q[or][name]=Carol") == ["alice", "carol"]
    assert got("q[name]=Alice&q[phone]=9&q[or][name]=Carol") == ["carol"]
    # The same field twice in the AND group: both must hold.
    assert got("q[email]=*gmail*&q[email]=a*") == ["alice-gmail"]
    # OR group lists accumulate too.
    assert got("q[or][name][]=Bob&q[or][name][]=Carol") == ["bob-gmail", "carol"]


def test_paths_through_arrays(empty: FakeSimplicate) -> None:
    def contacts(*names: str) -> list[dict]:
        return [{"id": f"contactperson:{i:016x}", "name": n} for i, n in enumerate(names)]

    a, b, c, d = plant(
        empty,
        ORG,
        {"name": "A", "linked_persons_contacts": contacts("Zed", "Amy")},
        {"name": "B", "linked_persons_contacts": contacts("Bob")},
        {"name": "C", "linked_persons_contacts": []},
        {"name": "D", "linked_persons_contacts": [[{"name": "Deep"}], {"name": "Flat"}]},
    )
    # Any element; nested arrays flatten; an empty array reads as null.
    assert ids(empty, ORG, "q[linked_persons_contacts.name]=Amy") == [a]
    assert ids(empty, ORG, "q[linked_persons_contacts.name]=Deep") == [d]
    assert ids(empty, ORG, "q[linked_persons_contacts.name]=null") == [c]
    # nin: no element is in the list.
    assert ids(empty, ORG, "q[linked_persons_contacts.name][nin]=Zed,Flat") == [b, c]
    # A path reaching several values sorts by the first (A by "Zed", not "Amy").
    assert ids(empty, ORG, "sort=linked_persons_contacts.name") == [c, b, d, a]


def test_select_through_arrays_and_custom_fields(empty: FakeSimplicate) -> None:
    fields = custom_fields(external_link="https://docs.google.com/x", part_of_country="North")
    contacts = [
        {"id": "contactperson:0000000000000001", "name": "Zed", "work_email": "z@x.nl"},
        {"id": "contactperson:0000000000000002", "name": "Amy", "work_email": "a@x.nl"},
    ]
    a, b = plant(
        empty,
        ORG,
        {"name": "A", "custom_fields": fields, "linked_persons_contacts": contacts},
        {"name": "B", "linked_persons_contacts": []},
    )
    data = ok(empty, ORG, "select=custom_fields.external_link,linked_persons_contacts.name")["data"]
    assert data == [
        {
            "id": a,
            "custom_fields": [fields[0]],  # the custom field named external_link, whole
            "linked_persons_contacts": [{"name": "Zed"}, {"name": "Amy"}],
        },
        {"id": b, "linked_persons_contacts": []},
    ]


def test_sort_order_across_kinds(empty: FakeSimplicate) -> None:
    values: list[object] = ["abc", None, "10", 5, "", "2025-01-01", "9"]
    values += ["2024-12-31 23:00:00", "Abd", {"x": 1}, [], 7.5, "-3"]
    planted = [empty.add(ORG, {"v": v}) for v in values]

    def order(query: str) -> list[object]:
        by_id = dict(zip(planted, values, strict=True))
        return [by_id[i] for i in ids(empty, ORG, query)]

    # null/missing (objects and arrays count as null), "", numbers, date-times, text.
    nulls: list[object] = [None, {"x": 1}, []]
    rest: list[object] = ["", "-3", 5, 7.5, "9", "10", "2024-12-31 23:00:00", "2025-01-01"]
    rest += ["abc", "Abd"]
    assert order("sort=v") == nulls + rest
    # Descending reverses the kinds; ties (the nulls) keep store order.
    assert order("sort=-v") == rest[::-1] + nulls


def test_parameter_handling(empty: FakeSimplicate) -> None:
    planted = [
        empty.add(ORG, {"name": "A", "phone": "+31 6 1234"}),
        empty.add(ORG, {"name": "B", "phone": "031 6"}),
        empty.add(ORG, {"name": "C"}),
    ]
    # Repeated select/sort/limit/offset/metadata: the last one wins.
    assert ids(empty, ORG, "limit=5&limit=1") == planted[:1]
    assert ids(empty, ORG, "sort=name&sort=-name") == planted[::-1]
    # Unknown parameters are ignored.
    assert ids(empty, ORG, "foo=bar&limit=2") == planted[:2]
    # Huge numbers saturate.
    assert ids(empty, ORG, "limit=99999999999999999999999") == planted
    assert ids(empty, ORG, "offset=99999999999999999999999") == []
    # Empty metadata items are ignored; an empty list asks for nothing.
    assert ok(empty, ORG, "metadata=count,,limit")["metadata"] == {"count": 3, "limit": 100}
    assert "metadata" not in ok(empty, ORG, "metadata=")
    # '+' is a space, '%2B' a plus.
    assert ids(empty, ORG, "q[phone]=%2B31*") == planted[:1]
    assert ids(empty, ORG, "q[phone]=*+6*") == planted[:2]
    assert ids(empty, ORG, "q[phone]=+31*") == []


# ---- Errors --------------------------------------------------------------------------------------


def assert_error(reply: Reply, status: int, *mentions: str) -> None:
    assert reply.status == status, reply
    assert reply.headers.get("content-type", "").startswith("application/json")
    assert reply.body["data"] is None and reply.body["debug"] is None
    errors = reply.body["errors"]
    assert isinstance(errors, list) and errors and all(isinstance(e, str) for e in errors)
    for mention in mentions:
        assert any(mention in e for e in errors), (mention, errors)


def test_unknown_operator_is_400_naming_the_parameter(empty: FakeSimplicate) -> None:
    assert_error(request(empty, "GET", ORG, "q[name][foo]=x"), 400, "q[name][foo]")
    assert_error(request(empty, "GET", ORG, "q[name][GE]=x"), 400, "q[name][GE]")


@pytest.mark.parametrize(
    "query",
    [
        "limit=abc",
        "limit=-1",
        "limit=1.5",
        "limit=",
        "offset=x",
        "offset=-1",
        "metadata=count,total",
        "metadata=COUNT",
        "q=x",
        "q[]=x",
        "q[or]=x",
        "q[a][b][c]=x",
        "q[or][or][x]=1",
        "q[a..b]=1",
        "q[name][IN]=a",
        "sort=-",
        "select=.",
        "q[" + ".".join(["a"] * 33) + "]=1",
    ],
)
def test_bad_parameters_are_400(empty: FakeSimplicate, query: str) -> None:
    assert_error(request(empty, "GET", ORG, query), 400, query.split("=")[0])


def test_unknown_endpoint_is_400_with_the_envelope(empty: FakeSimplicate) -> None:
    assert_error(request(empty, "GET", "crm/nosuchthing"), 400, "crm/nosuchthing")
    assert_error(request(empty, "GET", "nosuchmodule/organization", "limit=1"), 400)


def test_method_not_allowed_is_405(empty: FakeSimplicate) -> None:
    reply = request(empty, "DELETE", ORG)
    assert_error(reply, 405, "DELETE")
    allowed = set(re.split(r"[,\s]+", reply.headers["allow"].strip()))
    assert allowed == {"GET", "POST"}
    reply = request(empty, "POST", "crm/relationtype", body={"label": "x"})
    assert_error(reply, 405, "POST")
    assert set(re.split(r"[,\s]+", reply.headers["allow"].strip())) == {"GET"}

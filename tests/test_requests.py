"""Generic calls: headers on the wire, paths, params, bodies, envelopes; against real loopback
servers (the bundled fake, and a scripted one that records what it receives)."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal

import pytest

import simplicate
from simplicate.testing import FakeSimplicate

from .conftest import Reply, ScriptedServer, envelope


def test_every_request_carries_the_documented_headers(scripted: ScriptedServer) -> None:
    scripted.on("GET", "crm/organization", Reply(body=envelope([])))
    scripted.on("POST", "crm/organization", Reply(body=envelope({"id": "organization:1"})))
    with scripted.client() as c:
        c.get("crm/organization")
        c.post("crm/organization", {"name": "x"})
    for seen in scripted.seen:
        h = seen.headers
        assert h["authentication-key"] == "scripted-key-1234"
        assert h["authentication-secret"] == "scripted-secret-5678"
        assert h["content-type"] == "application/json"
        assert h["accept"] == "application/json"
        assert h["user-agent"].startswith(f"simplicate-python/{simplicate.__version__} ")


def test_get_returns_data_as_plain_python(client: simplicate.Client) -> None:
    orgs = client.get("crm/organization", params={"limit": 5})
    assert type(orgs) is list and len(orgs) == 5
    assert all(type(o) is dict and o["id"].startswith("organization:") for o in orgs)


def test_leading_slash_and_trailing_slash_are_the_same_path(client: simplicate.Client) -> None:
    assert client.get("/crm/organization/", params={"limit": 2}) == client.get(
        "crm/organization", params={"limit": 2}
    )


def test_request_returns_the_whole_envelope(client: simplicate.Client) -> None:
    env = client.request("GET", "crm/organization", params={"limit": 2, "metadata": "count,limit"})
    assert set(env) >= {"data", "metadata", "errors", "debug"}
    assert env["metadata"]["limit"] == 2
    assert env["metadata"]["count"] >= 2


def test_crud_round_trip(client: simplicate.Client, fake: FakeSimplicate) -> None:
    created = client.post("crm/organization", {"name": "Acme B.V.", "email": "a@acme.nl"})
    oid = created["id"]
    assert oid.startswith("organization:")
    assert client.get(f"crm/organization/{oid}")["name"] == "Acme B.V."
    client.put(f"crm/organization/{oid}", {"email": "b@acme.nl"})
    got = client.get(f"crm/organization/{oid}")
    assert (got["name"], got["email"]) == ("Acme B.V.", "b@acme.nl")
    assert client.delete(f"crm/organization/{oid}") is None
    assert oid not in {r["id"] for r in fake.records("crm/organization")}
    with pytest.raises(simplicate.NotFoundError):
        client.get(f"crm/organization/{oid}")


def test_request_method_is_case_insensitive(client: simplicate.Client) -> None:
    assert client.request("get", "crm/person", params={"limit": 1})["data"]


def test_params_are_encoded_the_api_way(scripted: ScriptedServer) -> None:
    scripted.on("GET", "hours/hours", Reply(body=envelope([])))
    with scripted.client() as c:
        c.get(
            "hours/hours",
            params={
                "q[updated_at][ge]": datetime(2025, 1, 4, 9, 5, 7, 123),
                "q[start_date]": date(2024, 12, 28),
                "q[is_active]": True,
                "q[name][]": ["Alice", "Charlie"],
                "limit": 10,
                "q[skip]": None,
                "q[amount]": Decimal("1.50"),
                "q[note]": "a&b c",
            },
        )
    from urllib.parse import parse_qsl, urlsplit

    pairs = parse_qsl(urlsplit(scripted.seen[0].path).query)
    assert pairs == [
        ("q[updated_at][ge]", "2025-01-04 09:05:07"),
        ("q[start_date]", "2024-12-28"),
        ("q[is_active]", "1"),
        ("q[name][]", "Alice"),
        ("q[name][]", "Charlie"),
        ("limit", "10"),
        ("q[amount]", "1.50"),
        ("q[note]", "a&b c"),
    ]


def test_params_as_a_list_of_pairs(scripted: ScriptedServer) -> None:
    scripted.on("GET", "crm/person", Reply(body=envelope([])))
    with scripted.client() as c:
        c.get("crm/person", params=[("sort", "-updated_at"), ("limit", 3)])
    assert scripted.seen[0].path.endswith("?sort=-updated_at&limit=3")


def test_body_is_json_with_api_dates(scripted: ScriptedServer) -> None:
    scripted.on("POST", "hours/hours", Reply(body=envelope({"id": "hours:1"})))
    body = {
        "start_date": datetime(2025, 3, 1, 8, 30),
        "day": date(2025, 3, 1),
        "hours": 7.5,
        "amount": Decimal("12.30"),
        "billable": True,
        "note": 'quote " and ünïcode',
        "tags": ("a", "b"),
        "big": 2**70,
        "none": None,
        "nested": {"deep": [{"x": 1}]},
    }
    with scripted.client() as c:
        assert c.post("hours/hours", body) == {"id": "hours:1"}
    sent = json.loads(scripted.seen[0].body)
    assert sent == {
        "start_date": "2025-03-01 08:30:00",
        "day": "2025-03-01",
        "hours": 7.5,
        "amount": 12.3,
        "billable": True,
        "note": 'quote " and ünïcode',
        "tags": ["a", "b"],
        "big": 2**70,
        "none": None,
        "nested": {"deep": [{"x": 1}]},
    }
    assert b'"amount":12.30' in scripted.seen[0].body  # Decimal digits kept exactly


@pytest.mark.parametrize(
    ("body", "exc", "where"),
    [
        ({"name": "x", "tags": {"a", "b"}}, TypeError, r"json\['tags'\].*set"),
        (
            {"visiting_address": {"country": object()}},
            TypeError,
            r"\['visiting_address'\]\['country'\]",
        ),
        (
            {"rows": [{"ok": 1}, {"bad": b"bytes"}]},
            TypeError,
            r"json\['rows'\]\[1\]\['bad'\].*bytes",
        ),
        ({1: "int key"}, TypeError, "keys must be str"),
        ({"x": float("nan")}, ValueError, r"json\['x'\]"),
        ({"x": float("inf")}, ValueError, r"json\['x'\]"),
        ({"x": Decimal("NaN")}, ValueError, r"json\['x'\]"),
    ],
)
def test_bad_body_raises_before_sending(
    scripted: ScriptedServer, body: dict, exc: type, where: str
) -> None:
    with scripted.client() as c, pytest.raises(exc, match=where):
        c.post("crm/organization", body)
    assert scripted.seen == []


def test_cyclic_body_is_refused(scripted: ScriptedServer) -> None:
    loop: list = []
    loop.append(loop)
    with scripted.client() as c, pytest.raises(ValueError, match="contains itself"):
        c.post("crm/organization", {"loop": loop})
    assert scripted.seen == []


@pytest.mark.parametrize(
    ("call", "exc", "match"),
    [
        (lambda c: c.post("crm/organization", "name=x"), TypeError, "json must be a dict"),
        (lambda c: c.put("crm/organization/x", None), TypeError, "json must be a dict"),
        (lambda c: c.get(42), TypeError, "path must be a str"),
        (lambda c: c.get(""), ValueError, "path"),
        (lambda c: c.get("../../etc/passwd"), ValueError, "cannot leave"),
        (lambda c: c.get("https://evil.example/api/v2/x"), ValueError, "relative"),
        (lambda c: c.get("crm/organization?limit=5"), ValueError, "params="),
        (lambda c: c.request("PATCH", "crm/organization"), ValueError, "method"),
        (lambda c: c.get("crm/organization", params={"limit": object()}), TypeError, "limit"),
        (lambda c: c.get("crm/organization", params={3: "x"}), TypeError, "keys must be str"),
        (lambda c: c.get("crm/organization", params="limit=5"), TypeError, "params must be"),
        (lambda c: c.get("x", params={"limit": float("inf")}), ValueError, "limit"),
    ],
)
def test_bad_arguments_raise_before_sending(scripted: ScriptedServer, call, exc, match) -> None:
    with scripted.client() as c, pytest.raises(exc, match=match):
        call(c)
    assert scripted.seen == []


def test_closed_client_refuses_calls(fake: FakeSimplicate) -> None:
    c = fake.client()
    with c:
        assert c.get("crm/person", params={"limit": 1})
    assert c.closed
    assert "closed" in repr(c)
    with pytest.raises(RuntimeError, match="closed"):
        c.get("crm/person")
    c.close()  # idempotent


def test_ids_with_colons_and_uuids_stay_one_segment(scripted: ScriptedServer) -> None:
    scripted.on(
        "GET", "projects/service/01930bb6-87aa-779b-9561-fcb44ac3121d", Reply(body=envelope({}))
    )
    scripted.on("GET", "crm/organization/organization:abc", Reply(body=envelope({})))
    with scripted.client() as c:
        c.get("projects/service/01930bb6-87aa-779b-9561-fcb44ac3121d")
        c.get("crm/organization/organization:abc")
    assert [s.path for s in scripted.seen] == [
        "/api/v2/projects/service/01930bb6-87aa-779b-9561-fcb44ac3121d",
        "/api/v2/crm/organization/organization:abc",
    ]


def test_one_client_serves_many_threads(client: simplicate.Client) -> None:
    from concurrent.futures import ThreadPoolExecutor

    def work(i: int) -> str:
        oid = client.post("crm/person", {"first_name": f"P{i}", "family_name": "T"})["id"]
        assert client.get(f"crm/person/{oid}")["first_name"] == f"P{i}"
        return oid

    with ThreadPoolExecutor(8) as pool:
        ids = list(pool.map(work, range(40)))
    assert len(set(ids)) == 40

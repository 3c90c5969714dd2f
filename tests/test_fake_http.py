"""The fake, driven with plain urllib (not our client), so it is checked on its own."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from simplicate.testing import DEFAULT_API_KEY, DEFAULT_API_SECRET, FakeSimplicate

AUTH = {"Authentication-Key": DEFAULT_API_KEY, "Authentication-Secret": DEFAULT_API_SECRET}


def call(fake: FakeSimplicate, method: str, path: str, body: object = None, headers=None):
    data = None if body is None else json.dumps(body).encode()
    hdrs = {**AUTH, "Content-Type": "application/json"} if headers is None else headers
    req = urllib.request.Request(f"{fake.url}/{path}", data=data, method=method, headers=hdrs)
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def test_auth_is_required(fake: FakeSimplicate) -> None:
    status, body = call(fake, "GET", "crm/organization", headers={})
    assert status == 401
    assert body["data"] is None and body["errors"]
    status, _ = call(
        fake, "GET", "crm/organization", headers={**AUTH, "Authentication-Secret": "x"}
    )
    assert status == 401


def test_list_get_create_update_delete(fake: FakeSimplicate) -> None:
    status, body = call(fake, "GET", "crm/organization?limit=3&offset=1&metadata=count")
    assert status == 200 and len(body["data"]) == 3
    assert body["metadata"]["count"] == len(fake.records("crm/organization"))
    status, body = call(fake, "POST", "crm/organization", {"name": "Plain HTTP"})
    new_id = body["data"]["id"]
    assert status == 200 and new_id.startswith("organization:")
    status, body = call(fake, "PUT", f"crm/organization/{new_id}", {"email": "p@h.nl"})
    assert status == 200
    status, body = call(fake, "GET", f"crm/organization/{new_id}")
    assert (body["data"]["name"], body["data"]["email"]) == ("Plain HTTP", "p@h.nl")
    assert call(fake, "DELETE", f"crm/organization/{new_id}")[0] == 200
    assert call(fake, "GET", f"crm/organization/{new_id}")[0] == 404


def test_unknown_endpoint_is_400_with_the_envelope(fake: FakeSimplicate) -> None:
    status, body = call(fake, "GET", "no/such/endpoint/at/all")
    assert status == 400 and body["errors"]


def test_seed_is_deterministic() -> None:
    with FakeSimplicate(seed=7) as a, FakeSimplicate(seed=7) as b, FakeSimplicate(seed=8) as c:
        assert a.records("crm/organization") == b.records("crm/organization")
        assert a.records("crm/organization") != c.records("crm/organization")


def test_add_records_and_reset(fake: FakeSimplicate) -> None:
    before = fake.records("crm/person")
    pid = fake.add("crm/person", {"first_name": "Direct"})
    assert any(r["id"] == pid for r in fake.records("crm/person"))
    fake.reset()
    assert fake.records("crm/person") == before


def test_stopped_fake_says_so() -> None:
    fake = FakeSimplicate()
    with pytest.raises(RuntimeError, match="not running"):
        _ = fake.url
    with fake:
        assert fake.url.startswith("http://127.0.0.1:")
    with pytest.raises(RuntimeError, match="not running"):
        fake.client()

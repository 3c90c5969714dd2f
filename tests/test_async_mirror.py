"""The sync suite's promises, kept by ``simplicate.AsyncClient``: generic calls, exceptions and
retries. The resource tree, the async pager and the async fixtures are in
``test_async_mirror_tree.py``, ``test_async_mirror_pager.py`` and
``test_async_mirror_fixtures.py``; shared helpers in ``mirror_helpers.py``.

Mirrors ``test_requests.py``, ``test_exceptions.py`` and ``test_resilience.py`` for what
``test_async_client.py`` does not already cover. Where the sync answer is the contract (wire
format, exceptions), the same call is made through both clients and the results compared. Tests
run on pytest-asyncio (strict mode), with the plugin's ``simplicate_fake`` and
``simplicate_async_client``.
"""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import Awaitable, Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest

import simplicate
from simplicate.testing import FakeSimplicate

from .conftest import Reply, ScriptedServer, envelope
from .mirror_helpers import (
    FAST,
    assert_same_error,
    scripted_async,
    served,
)
from .test_exceptions import ERROR_SHAPES
from .test_resilience import NO_HINT_429S, assert_no_hint_429s_waited

pytestmark = pytest.mark.asyncio


@pytest.fixture
def fake(simplicate_fake: FakeSimplicate) -> FakeSimplicate:
    return simplicate_fake


@pytest.fixture
def aclient(simplicate_async_client: simplicate.AsyncClient) -> simplicate.AsyncClient:
    return simplicate_async_client


# ---- generic calls (test_requests.py) ----------------------------------------------------------


async def test_every_request_carries_the_documented_headers(scripted: ScriptedServer) -> None:
    scripted.on("GET", "crm/organization", Reply(body=envelope([])))
    scripted.on("POST", "crm/organization", Reply(body=envelope({"id": "organization:1"})))
    scripted.on("PUT", "crm/organization/organization:1", Reply(body=envelope(None)))
    scripted.on("DELETE", "crm/organization/organization:1", Reply(body=envelope(None)))
    async with scripted_async(scripted) as c:
        await c.get("crm/organization")
        await c.post("crm/organization", {"name": "x"})
        await c.put("crm/organization/organization:1", {"name": "y"})
        await c.delete("crm/organization/organization:1")
    assert [s.method for s in scripted.seen] == ["GET", "POST", "PUT", "DELETE"]
    for seen in scripted.seen:
        h = seen.headers
        assert h["authentication-key"] == "scripted-key-1234"
        assert h["authentication-secret"] == "scripted-secret-5678"
        assert h["content-type"] == "application/json"
        assert h["accept"] == "application/json"
        assert h["user-agent"].startswith(f"simplicate-python/{simplicate.__version__} ")


async def test_get_returns_plain_python_and_slashes_do_not_matter(
    aclient: simplicate.AsyncClient,
) -> None:
    orgs = await aclient.get("crm/organization", params={"limit": 5})
    assert type(orgs) is list and len(orgs) == 5
    assert all(type(o) is dict and o["id"].startswith("organization:") for o in orgs)
    assert await aclient.get("/crm/organization/", params={"limit": 5}) == orgs
    one = await aclient.get(f"/crm/organization/{orgs[0]['id']}/")
    assert type(one) is dict and one["id"] == orgs[0]["id"]


async def test_request_returns_the_whole_envelope(aclient: simplicate.AsyncClient) -> None:
    env = await aclient.request(
        "GET", "crm/organization", params={"limit": 2, "metadata": "count,limit"}
    )
    assert set(env) >= {"data", "metadata", "errors", "debug"}
    assert env["metadata"]["limit"] == 2
    assert env["metadata"]["count"] >= 2
    assert len(env["data"]) == 2


PARAMS: dict[str, Any] = {
    "q[updated_at][ge]": datetime(2025, 1, 4, 9, 5, 7, 123),
    "q[start_date]": date(2024, 12, 28),
    "q[is_active]": True,
    "q[name][]": ["Alice", "Charlie"],
    "limit": 10,
    "q[skip]": None,
    "q[amount]": Decimal("1.50"),
    "q[note]": "a&b c",
}


@pytest.mark.parametrize("params", [PARAMS, [("sort", "-updated_at"), ("limit", 3)]])
async def test_params_go_on_the_wire_as_the_sync_client_sends_them(
    scripted: ScriptedServer, params: Any
) -> None:
    scripted.on("GET", "hours/hours", Reply(body=envelope([])))
    with scripted.client() as sync:
        sync.get("hours/hours", params=params)
    async with scripted_async(scripted) as c:
        await c.get("hours/hours", params=params)
    sync_path, async_path = (s.path for s in scripted.seen)
    assert async_path == sync_path
    pairs = parse_qsl(urlsplit(async_path).query)
    if params is PARAMS:
        assert pairs[:3] == [
            ("q[updated_at][ge]", "2025-01-04 09:05:07"),
            ("q[start_date]", "2024-12-28"),
            ("q[is_active]", "1"),
        ]
        assert ("q[skip]", "") not in pairs and ("q[amount]", "1.50") in pairs
    else:
        assert async_path.endswith("?sort=-updated_at&limit=3")


async def test_body_is_the_json_the_sync_client_sends(scripted: ScriptedServer) -> None:
    scripted.on("POST", "hours/hours", Reply(body=envelope({"id": "hours:1"})))
    scripted.on("PUT", "hours/hours/hours:1", Reply(body=envelope({"id": "hours:1"})))
    body = {
        "start_date": datetime(2025, 3, 1, 8, 30),
        "day": date(2025, 3, 1),
        "amount": Decimal("12.30"),
        "billable": True,
        "note": 'quote " and ünïcode',
        "tags": ("a", "b"),
        "big": 2**70,
        "none": None,
        "nested": {"deep": [{"x": 1}]},
    }
    with scripted.client() as sync:
        sync.post("hours/hours", body)
    async with scripted_async(scripted) as c:
        assert await c.post("hours/hours", body) == {"id": "hours:1"}
        assert await c.put("hours/hours/hours:1", body) == {"id": "hours:1"}
    sync_body, post_body, put_body = (s.body for s in scripted.seen)
    assert post_body == sync_body == put_body
    assert json.loads(post_body)["start_date"] == "2025-03-01 08:30:00"
    assert b'"amount":12.30' in post_body


BAD_GENERIC_CALLS: list[tuple[Callable[[Any], Awaitable[Any]], type, str]] = [
    (lambda c: c.post("crm/organization", {"tags": {"a"}}), TypeError, r"json\['tags'\].*set"),
    (lambda c: c.post("crm/organization", {1: "x"}), TypeError, "keys must be str"),
    (lambda c: c.post("crm/organization", {"x": float("nan")}), ValueError, r"json\['x'\]"),
    (lambda c: c.put("crm/organization/x", None), TypeError, "json must be a dict"),
    (lambda c: c.get(42), TypeError, "path must be a str"),
    (lambda c: c.get(""), ValueError, "path"),
    (lambda c: c.get("../../etc/passwd"), ValueError, "cannot leave"),
    (lambda c: c.get("https://evil.example/api/v2/x"), ValueError, "relative"),
    (lambda c: c.get("crm/organization?limit=5"), ValueError, "params="),
    (lambda c: c.request(None, "crm/organization"), ValueError, "method"),
    (lambda c: c.get("x", params={"limit": object()}), TypeError, "limit"),
    (lambda c: c.get("x", params="limit=5"), TypeError, "params must be"),
    (lambda c: c.get("x", params={"limit": float("inf")}), ValueError, "limit"),
    (lambda c: c.get("x", max_retries=-1), ValueError, "max_retries"),
    (lambda c: c.delete("x", max_retries="2"), TypeError, "max_retries"),
]


@pytest.mark.parametrize(("call", "exc", "match"), BAD_GENERIC_CALLS)
async def test_bad_arguments_raise_before_sending(
    scripted: ScriptedServer, call: Callable[[Any], Awaitable[Any]], exc: type, match: str
) -> None:
    async with scripted_async(scripted) as c:
        with pytest.raises(exc, match=match):
            await call(c)
    assert scripted.seen == []


async def test_a_cyclic_body_is_refused(scripted: ScriptedServer) -> None:
    loop: list[Any] = []
    loop.append(loop)
    async with scripted_async(scripted) as c:
        with pytest.raises(ValueError, match="contains itself"):
            await c.post("crm/organization", {"loop": loop})
    assert scripted.seen == []


async def test_ids_with_colons_and_uuids_stay_one_segment(scripted: ScriptedServer) -> None:
    uuid = "projects/service/01930bb6-87aa-779b-9561-fcb44ac3121d"
    scripted.on("GET", uuid, Reply(body=envelope({})))
    scripted.on("GET", "crm/organization/organization:abc", Reply(body=envelope({})))
    async with scripted_async(scripted) as c:
        await c.get(uuid)
        await c.get("crm/organization/organization:abc")
    assert [s.path for s in scripted.seen] == [
        f"/api/v2/{uuid}",
        "/api/v2/crm/organization/organization:abc",
    ]


async def test_max_retries_of_the_client_and_per_call(fake: FakeSimplicate) -> None:
    fake.inject("crm/organization", status=503, times=None)
    async with fake.async_client(max_retries=2, **FAST) as c:
        with pytest.raises(simplicate.ServiceUnavailableError):
            await c.get("crm/organization")
        assert len(served(fake, "GET", "crm/organization")) == 3
        with pytest.raises(simplicate.ServiceUnavailableError):
            await c.get("crm/organization", max_retries=0)
        assert len(served(fake, "GET", "crm/organization")) == 4
        with pytest.raises(simplicate.ServiceUnavailableError):
            await c.request("GET", "crm/organization", max_retries=4)
        assert len(served(fake, "GET", "crm/organization")) == 9


async def test_closed_client_refuses_calls_before_sending(fake: FakeSimplicate) -> None:
    c = fake.async_client()
    await c.aclose()
    assert "closed" in repr(c)
    with pytest.raises(RuntimeError, match="closed"):
        await c.post("crm/person", {"first_name": "x", "family_name": "Test"})
    with pytest.raises(RuntimeError, match="closed"):
        await c.crm.organization.list().to_list()
    assert fake.requests == []


async def test_one_client_serves_many_tasks(aclient: simplicate.AsyncClient) -> None:
    async def work(i: int) -> str:
        oid = (await aclient.post("crm/person", {"first_name": f"P{i}", "family_name": "T"}))["id"]
        assert (await aclient.get(f"crm/person/{oid}"))["first_name"] == f"P{i}"
        return oid

    ids = await asyncio.gather(*(work(i) for i in range(40)))
    assert len(set(ids)) == 40


# ---- exceptions (test_exceptions.py) -----------------------------------------------------------

ERROR_ENVELOPE = {"data": None, "errors": ["No country code given"], "debug": None}


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 422, 429, 500, 502, 503])
async def test_status_raises_what_the_sync_client_raises(
    scripted: ScriptedServer, status: int
) -> None:
    scripted.on("PUT", "crm/organization/organization:1", Reply(status, ERROR_ENVELOPE))
    with scripted.client() as sync, pytest.raises(simplicate.APIStatusError) as expected:
        sync.put("crm/organization/organization:1", {"name": "x"})
    async with scripted_async(scripted) as c:
        with pytest.raises(simplicate.APIStatusError) as info:
            await c.put("crm/organization/organization:1", {"name": "x"})
    assert_same_error(expected.value, info.value)
    assert info.value.status_code == status and info.value.errors == ERROR_ENVELOPE["errors"]


@pytest.mark.parametrize(
    ("body", "content_type", "exc"),
    [
        ("This is an SSL-only API\n", "text/plain", simplicate.BadRequestError),
        ("<html><title>502 Bad Gateway</title></html>", "text/html", simplicate.ServerError),
    ],
)
async def test_non_json_error_bodies_as_on_sync(
    scripted: ScriptedServer, body: str, content_type: str, exc: type
) -> None:
    status = 400 if exc is simplicate.BadRequestError else 502
    scripted.on("GET", "crm/organization", Reply(status, body, content_type))
    with scripted.client() as sync, pytest.raises(exc) as expected:
        sync.get("crm/organization")
    async with scripted_async(scripted) as c:
        with pytest.raises(exc) as info:
            await c.get("crm/organization")
    assert_same_error(expected.value, info.value)
    assert info.value.__cause__ is None


@pytest.mark.parametrize(
    ("body", "reason"),
    [("<html>maintenance</html>", "invalid JSON"), ('{"result": 1}', 'no "data" key')],
)
async def test_2xx_that_is_not_the_envelope_is_a_decode_error(
    scripted: ScriptedServer, body: str, reason: str
) -> None:
    scripted.on("GET", "crm/organization", Reply(200, body))
    async with scripted_async(scripted) as c:
        with pytest.raises(simplicate.DecodeError, match=reason) as info:
            await c.get("crm/organization")
    assert info.value.status_code == 200 and info.value.method == "GET"


async def test_404_401_422_500_from_the_fake_as_on_sync(fake: FakeSimplicate) -> None:
    oid = fake.records("crm/organization")[0]["id"]
    cases: list[tuple[type, dict[str, Any], Callable[[Any], Any]]] = [
        (simplicate.NotFoundError, {}, lambda c: c.get("crm/organization/organization:nope")),
        (
            simplicate.AuthenticationError,
            {"api_secret": "wrong-secret-999"},
            lambda c: c.get("crm/organization"),
        ),
        (simplicate.UnprocessableEntityError, {}, lambda c: c.put(f"crm/organization/{oid}", {})),
        (simplicate.ServerError, {}, lambda c: c.get("crm/organization")),
    ]
    fake.inject(f"crm/organization/{oid}", method="PUT", status=422, times=2)
    fake.inject("crm/organization", status=500, times=2)
    for cls, options, call in cases:
        with fake.client(max_retries=0, **options) as sync, pytest.raises(cls) as expected:
            call(sync)
        async with fake.async_client(max_retries=0, **options) as c:
            with pytest.raises(cls) as info:
                await call(c)
        assert_same_error(expected.value, info.value)
        assert "wrong-secret-999" not in str(info.value)


@pytest.mark.parametrize(("errors", "messages", "details"), ERROR_SHAPES)
async def test_errors_holding_objects_read_as_on_sync(
    fake: FakeSimplicate, errors: object, messages: list[str], details: list[object]
) -> None:
    body = {"data": None, "errors": errors, "debug": None}
    fake.inject(status=404, body=json.dumps(body), times=2)
    with fake.client() as sync, pytest.raises(simplicate.NotFoundError) as expected:
        sync.crm.organization.get("organization:gone")
    async with fake.async_client() as c:
        with pytest.raises(simplicate.NotFoundError) as info:
            await c.crm.organization.get("organization:gone")
    assert_same_error(expected.value, info.value)
    assert info.value.errors == messages
    assert info.value.error_details == details
    assert str(info.value).endswith(f": {'; '.join(messages)}")


async def test_timeout_is_an_api_timeout_error(fake: FakeSimplicate) -> None:
    fake.inject("crm/person", delay=2.0)
    async with fake.async_client(timeout=0.3, max_retries=0) as c:
        with pytest.raises(simplicate.APITimeoutError, match="timed out") as info:
            await c.get("crm/person")
    assert isinstance(info.value, simplicate.APIConnectionError)
    assert info.value.method == "GET" and info.value.url == f"{fake.url}/crm/person"


async def test_connection_refused_is_a_connection_error() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    async with simplicate.AsyncClient(
        base_url=f"http://127.0.0.1:{port}", api_key="k-SECRETKEY", api_secret="s-SECRET", **FAST
    ) as c:
        with pytest.raises(simplicate.APIConnectionError) as info:
            await c.get("crm/organization")
    assert type(info.value) is simplicate.APIConnectionError
    assert info.value.url == f"http://127.0.0.1:{port}/api/v2/crm/organization"
    assert "SECRET" not in str(info.value)


# ---- retries (test_resilience.py) --------------------------------------------------------------


@pytest.mark.parametrize("status", [500, 503])
@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
async def test_idempotent_calls_ride_out_5xx(
    fake: FakeSimplicate, status: int, method: str
) -> None:
    oid = fake.records("crm/organization")[0]["id"]
    fake.inject(f"crm/organization/{oid}", method=method, status=status, times=2)
    async with fake.async_client(**FAST) as c:
        if method == "GET":
            assert (await c.crm.organization.get(oid))["id"] == oid
        elif method == "PUT":
            await c.crm.organization.update(oid, {"note": "retried"})
        else:
            await c.crm.organization.delete(oid)
    assert [r.status for r in served(fake, method, oid)] == [status, status, 200]


async def test_a_post_answered_503_is_not_repeated(fake: FakeSimplicate) -> None:
    before = len(fake.records("crm/person"))
    fake.inject("crm/person", method="POST", status=503, times=1)
    async with fake.async_client(**FAST) as c:
        with pytest.raises(simplicate.ServiceUnavailableError):
            await c.crm.person.create({"first_name": "Once", "family_name": "Test"})
    assert len(served(fake, "POST", "crm/person")) == 1
    assert len(fake.records("crm/person")) == before


async def test_a_post_is_retried_after_429(fake: FakeSimplicate) -> None:
    before = len(fake.records("crm/person"))
    fake.inject("crm/person", method="POST", status=429, retry_after=0.05, times=2)
    async with fake.async_client(**FAST) as c:
        new_id = await c.crm.person.create({"first_name": "Patient", "family_name": "Test"})
    assert new_id.startswith("person:")
    assert [r.status for r in served(fake, "POST", "crm/person")] == [429, 429, 200]
    assert len(fake.records("crm/person")) == before + 1


async def test_a_429_whose_retry_after_is_no_hint_waits_out_the_schedule(
    fake: FakeSimplicate,
) -> None:
    # As on sync: one client per case, gathered, so the suite pays for one wait.
    for path, retry_after in NO_HINT_429S:
        fake.inject(path, status=429, retry_after=retry_after)

    async def call(path: str) -> None:
        async with fake.async_client(max_retries=5, **FAST) as c:
            await c.get(path, params={"limit": 1})

    await asyncio.gather(*(call(path) for path, _ in NO_HINT_429S))
    assert_no_hint_429s_waited(fake)


async def test_retry_after_too_long_surfaces_a_rate_limit_error(fake: FakeSimplicate) -> None:
    fake.inject("*", status=429, retry_after=3600, times=1)
    async with fake.async_client(**FAST) as c:
        with pytest.raises(simplicate.RateLimitError):
            await c.get("crm/person")


@pytest.mark.parametrize(
    ("fault", "exc"),
    [({"truncate": True}, simplicate.DecodeError), ({"drop_connection": True}, None)],
)
async def test_broken_answers(fake: FakeSimplicate, fault: dict, exc: type | None) -> None:
    # A truncated 200 is a decode error (not retried); a dropped connection is retried.
    fake.inject("crm/organization", times=1, **fault)
    async with fake.async_client(**FAST) as c:
        if exc is None:
            assert len(await c.get("crm/organization")) > 0
        else:
            with pytest.raises(exc, match="invalid JSON"):
                await c.get("crm/organization")
    assert len(served(fake, "GET", "crm/organization")) == (2 if exc is None else 1)


@pytest.mark.simplicate(seed=4, records={"crm/organization": 3000})
async def test_pull_survives_20_percent_transient_failures(fake: FakeSimplicate) -> None:
    fake.inject("crm/organization", status=503, rate=0.1, times=None)
    fake.inject("crm/organization", drop_connection=True, rate=0.1, times=None)
    async with fake.async_client(max_retries=8, **FAST) as c:
        ids = [r["id"] async for r in c.crm.organization.list()]
    failed = [r for r in fake.requests if r.fault is not None]
    assert failed, "the faults did not fire"
    assert ids == [r["id"] for r in fake.records("crm/organization")]

"""The sync suite's promises, kept by ``simplicate.AsyncClient``: generic calls, the resource tree,
the async pager, exceptions, retries, and the async fixtures of ``simplicate.testing``.

Mirrors ``test_requests.py``, ``test_resources.py``, ``test_pager.py``, ``test_exceptions.py``,
``test_resilience.py`` and ``test_testing_tools.py`` for what ``test_async_client.py`` does not
already cover. Where the sync answer is the contract (wire format, exceptions, the tree's shape),
the same call is made through both clients and the results compared. Tests run on
pytest-asyncio (strict mode), with the plugin's ``simplicate_fake``/``simplicate_async_client``.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import socket
import subprocess
import sys
import textwrap
from collections.abc import Awaitable, Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest

import simplicate
from simplicate import _core
from simplicate._async_pager import AsyncPager
from simplicate._resources import AsyncModule, AsyncResource
from simplicate.testing import FakeSimplicate

from .conftest import Reply, ScriptedServer, envelope
from .test_exceptions import ERROR_SHAPES
from .test_resilience import NO_HINT_429S, assert_no_hint_429s_waited
from .test_resources import BAD_CALLS, answer_item_gets_with

pytestmark = pytest.mark.asyncio

FAST = {"retry_backoff": 0.01, "retry_backoff_max": 0.05}
REGISTRY = _core.registry()
BIG = pytest.mark.simplicate(seed=2, records={"crm/organization": 1234})


@pytest.fixture
def fake(simplicate_fake: FakeSimplicate) -> FakeSimplicate:
    return simplicate_fake


@pytest.fixture
def aclient(simplicate_async_client: simplicate.AsyncClient) -> simplicate.AsyncClient:
    return simplicate_async_client


def scripted_async(server: ScriptedServer, **kw: Any) -> simplicate.AsyncClient:
    """The async twin of ``ScriptedServer.client()``: same credentials, unpaced, no retries."""
    kw.setdefault("api_key", "scripted-key-1234")
    kw.setdefault("api_secret", "scripted-secret-5678")
    kw.setdefault("rate_limit", None)
    kw.setdefault("max_retries", 0)
    return simplicate.AsyncClient(base_url=server.url, **kw)


def org_requests(fake: FakeSimplicate, path: str = "crm/organization") -> list[dict[str, Any]]:
    return [r.params for r in fake.requests if r.path == f"/api/v2/{path}"]


def served(fake: FakeSimplicate, method: str, path_end: str) -> list[Any]:
    return [r for r in fake.requests if r.method == method and r.path.endswith(path_end)]


async def maybe_await(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


def assert_same_error(sync_error: BaseException, async_error: BaseException) -> None:
    assert type(async_error) is type(sync_error)
    assert async_error.args == sync_error.args
    assert vars(async_error) == vars(sync_error)


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


# ---- the resource tree (test_resources.py) -----------------------------------------------------


def offline(cls: type) -> Any:
    """A client on a port where nothing listens: for what must not send requests at all."""
    return cls(base_url="http://127.0.0.1:9/api/v2", api_key="k", api_secret="s")


def resource_of(client: Any, entry: dict[str, Any]) -> Any:
    return getattr(getattr(client, entry["module"]), entry["name"].replace("/", "_"))


def public_methods(resource: Any) -> set[str]:
    return {n for n in dir(type(resource)) if not n.startswith("_") and n != "path"}


async def test_every_resource_has_the_sync_trees_methods_and_signatures() -> None:
    sync, tree = offline(simplicate.Client), offline(simplicate.AsyncClient)
    try:
        for entry in REGISTRY:
            sync_resource, resource = resource_of(sync, entry), resource_of(tree, entry)
            assert isinstance(resource, AsyncResource)
            assert isinstance(getattr(tree, entry["module"]), AsyncModule)
            assert resource.path == sync_resource.path == f"{entry['module']}/{entry['name']}"
            names = public_methods(sync_resource)
            assert public_methods(resource) == names, entry
            assert callable(resource) == callable(sync_resource), entry
            for name in names | ({"__call__"} if callable(resource) else set()):
                method, twin = getattr(resource, name), getattr(sync_resource, name)
                params = inspect.signature(method).parameters
                assert params == inspect.signature(twin).parameters, (entry, name)
                assert method.__doc__ == twin.__doc__, (entry, name)
                # `list` hands back a pager at once; everything else is a coroutine function.
                assert inspect.iscoroutinefunction(method) == (name != "list"), (entry, name)
        for module in {e["module"] for e in REGISTRY}:
            assert dir(getattr(tree, module)) == dir(getattr(sync, module))
    finally:
        sync.close()
        tree._transport.close()


async def test_ids_are_one_path_segment_on_the_wire(
    fake: FakeSimplicate, aclient: simplicate.AsyncClient
) -> None:
    fake.add("crm/organization", {"id": "organization:odd id", "name": "Spaced"})
    assert (await aclient.crm.organization.get("organization:odd id"))["name"] == "Spaced"
    assert fake.requests[-1].path == "/api/v2/crm/organization/organization:odd%20id"


async def test_actions_over_http(fake: FakeSimplicate, aclient: simplicate.AsyncClient) -> None:
    source = fake.records("projects/service")[0]
    copy_id = await aclient.projects.service.duplicate(source["id"], {"name": "Copy"})
    assert isinstance(copy_id, str) and copy_id != source["id"]
    copy = await aclient.projects.service.get(copy_id)
    assert copy["name"] == "Copy" and copy["budget"] == source["budget"]
    assert fake.requests[0].method == "POST"
    assert fake.requests[0].path == f"/api/v2/projects/service/{source['id']}/duplicate"

    project = fake.records("projects/project")[0]["id"]
    fake.clear_requests()
    budget = await aclient.projects.project.planning_budget(project, until_date="2025-01-31")
    assert budget["id"] == project and "hours_spent" in budget
    (request,) = fake.requests
    assert request.path == f"/api/v2/projects/project/{project}/planningBudget"
    assert request.params == {"until_date": ["2025-01-31"]}

    sale = fake.records("sales/sales")[0]["id"]
    fake.clear_requests()
    assert (await aclient.sales.converttoproject(sale))["id"] == sale
    assert [(r.method, r.path) for r in fake.requests] == [
        ("GET", f"/api/v2/sales/converttoproject/{sale}")
    ]


async def test_commands_and_collection_put(
    fake: FakeSimplicate, aclient: simplicate.AsyncClient
) -> None:
    source, target = (r["id"] for r in fake.records("crm/organization")[:2])
    pair = {"source_id": source, "target_id": target}
    compared = await aclient.merger.compareorganization.create(pair)
    assert compared["is_valid"] is True and compared["source_id"] == source
    assert (await aclient.crm.mergeorganization.create(pair))["success"] is True
    assert source not in {r["id"] for r in fake.records("crm/organization")}

    doc = fake.records("documents/document")[0]["id"]
    answer = await aclient.documents.document.put({"id": doc, "title": "Put async"})
    assert answer == {"id": doc}
    assert (await aclient.documents.document.get(doc))["title"] == "Put async"
    fake.clear_requests()
    await aclient.hours.timesheetrow_order.put({"order": []})
    assert [(r.method, r.path) for r in fake.requests] == [
        ("PUT", "/api/v2/hours/timesheetrow/order")
    ]


async def test_bad_arguments_raise_before_any_request(
    fake: FakeSimplicate, aclient: simplicate.AsyncClient
) -> None:
    for call, error, message in BAD_CALLS:  # the sync suite's table, through the async tree
        with pytest.raises(error) as info:
            await maybe_await(call(aclient))
        assert message in str(info.value), (message, info.value)
    assert fake.requests == []


# The sync tree's AttributeError messages (test_resources.py).
ATTRIBUTE_ERRORS = [
    ("client.crm.organisation", "did you mean 'organization'?"),
    ("client.crm.person.update_all", "crm.person has no method 'update_all'; did you mean"),
    ("client.hrm.employee.delete", "hrm.employee does not allow DELETE on items"),
    ("client.crm.organization.put", "does not allow PUT on the collection (use update"),
    ("client.crm.organization.duplicate", "crm.organization has no duplicate action"),
    ("client.crn", "has no module or attribute 'crn'; did you mean 'crm'?"),
]


@pytest.mark.parametrize(("expr", "message"), ATTRIBUTE_ERRORS)
async def test_attribute_errors_suggest_as_on_the_sync_tree(expr: str, message: str) -> None:
    tree = offline(simplicate.AsyncClient)
    with pytest.raises(AttributeError) as info:
        eval(expr, {"client": tree})
    assert message in str(info.value)


async def test_missing_names_are_attribute_errors_naming_what_exists() -> None:
    tree = offline(simplicate.AsyncClient)
    for expr, words in [
        ("client.nosuchmodule", "costs, crm, customfields"),
        ("client.crm.zzzzzz", "resources: contactperson, "),
        ("client.crm.person.fetch", "available: list, get, create, update, delete"),
    ]:
        with pytest.raises(AttributeError, match=words):
            eval(expr, {"client": tree})
    assert not hasattr(tree.crm.organization, "__array__")
    assert not hasattr(tree.crm.organization, "put")
    assert hasattr(tree.documents.document, "put")


@pytest.mark.parametrize(
    "expr",
    [
        "client.crm.organization",
        "client.crm",
        "client",
    ],
)
async def test_private_names_get_plain_attribute_errors(expr: str) -> None:
    obj = eval(expr, {"client": offline(simplicate.AsyncClient)})
    with pytest.raises(AttributeError, match=r"object has no attribute '_repr_html_'$"):
        obj._repr_html_  # noqa: B018  (what notebooks probe for)


async def test_dir_of_a_resource_is_its_operations() -> None:
    tree = offline(simplicate.AsyncClient)
    assert dir(tree.crm.organization) == ["create", "delete", "get", "list", "path", "update"]


async def test_an_item_get_answered_with_one_record_in_a_list_gives_the_record(
    fake: FakeSimplicate, aclient: simplicate.AsyncClient
) -> None:
    record = fake.records("crm/contactperson")[0]
    cid = record["id"]
    answer_item_gets_with(fake, [record], times=3)
    assert await aclient.crm.contactperson.get(cid) == record
    assert await aclient.get(f"crm/contactperson/{cid}") == record
    assert (await aclient.request("GET", f"crm/contactperson/{cid}"))["data"] == [record]


@pytest.mark.parametrize("count", [0, 2])
async def test_an_item_get_answered_with_zero_or_several_records_is_left_alone(
    fake: FakeSimplicate, aclient: simplicate.AsyncClient, count: int
) -> None:
    records = fake.records("crm/contactperson")[:count]
    answer_item_gets_with(fake, records, times=2)
    assert await aclient.crm.contactperson.get("contactperson:1") == records
    assert await aclient.get("crm/contactperson/contactperson:1") == records


async def test_a_collection_answering_one_record_has_get_as_on_sync(
    fake: FakeSimplicate, aclient: simplicate.AsyncClient
) -> None:
    mostrecent = aclient.hours.timesheetrow_mostrecent
    assert not hasattr(mostrecent, "list")
    assert set(await mostrecent.get()) == {"start_date", "end_date"}


async def test_the_fakes_quirky_contact_person_reads_as_its_record(
    fake: FakeSimplicate, aclient: simplicate.AsyncClient
) -> None:
    # The fake answers GET crm/contactperson/{id} with a one-element list, as the real API does.
    cid = fake.records("crm/contactperson")[0]["id"]
    assert (await aclient.request("GET", f"crm/contactperson/{cid}"))["data"][0]["id"] == cid
    assert (await aclient.crm.contactperson.get(cid))["id"] == cid


async def test_one_record_lists_off_item_paths_stay_lists(
    fake: FakeSimplicate, aclient: simplicate.AsyncClient
) -> None:
    assert len(await aclient.get("crm/contactperson", params={"limit": 1})) == 1
    one = [{"id": "x"}]
    fake.inject("hours/timesheetrow/order", status=200, body=json.dumps(envelope(one)))
    assert await aclient.get("hours/timesheetrow/order") == one


# ---- the async pager (test_pager.py) -----------------------------------------------------------


@BIG
async def test_count_is_the_filtered_total_ignoring_limit_and_offset(
    fake: FakeSimplicate, aclient: simplicate.AsyncClient
) -> None:
    pager = aclient.crm.organization.list(params={"q[name]": "*B.V.*"}, limit=5, offset=3)
    expected = [r["id"] for r in fake.records("crm/organization") if "b.v." in r["name"].lower()]
    assert await pager.count() == len(expected)
    assert [r["id"] for r in await pager.to_list()] == expected[3:8]


@BIG
async def test_limit_offset_and_page_size(
    fake: FakeSimplicate, aclient: simplicate.AsyncClient
) -> None:
    all_ids = [r["id"] for r in fake.records("crm/organization")]
    pager = aclient.crm.organization.list(limit=250, offset=10, page_size=60)
    assert [r["id"] for r in await pager.to_list()] == all_ids[10:260]
    requests = org_requests(fake)
    assert [int(r["limit"][0]) for r in requests] == [60, 60, 60, 60, 10]
    assert [int(r["offset"][0]) for r in requests] == [10, 70, 130, 190, 250]
    assert requests[0]["metadata"] == ["count"]


@BIG
async def test_limit_zero_sends_nothing(
    fake: FakeSimplicate, aclient: simplicate.AsyncClient
) -> None:
    pager = aclient.crm.organization.list(limit=0)
    assert await pager.to_list() == []
    assert await pager.first() is None
    assert [r async for r in pager] == []
    assert [p async for p in pager.pages()] == []
    assert org_requests(fake) == []


@BIG
async def test_first_asks_for_one_record_in_the_pagers_order(
    fake: FakeSimplicate, aclient: simplicate.AsyncClient
) -> None:
    first = await aclient.crm.organization.list(sort="-name", offset=2).first()
    names = sorted((r["name"] for r in fake.records("crm/organization")), key=str.lower)
    assert first is not None and first["name"] == names[-3]
    (request,) = org_requests(fake)
    assert request["limit"] == ["1"] and request["offset"] == ["2"]


@pytest.mark.simplicate(records={"crm/person": 300, "crm/organization": 150})
async def test_no_request_beyond_the_last_page(
    fake: FakeSimplicate, aclient: simplicate.AsyncClient
) -> None:
    # An exact multiple of the page size: the count says when to stop.
    assert len(await aclient.crm.person.list().to_list()) == 300
    assert len(org_requests(fake, "crm/person")) == 3
    # A short page ends the pull too.
    assert len([r async for r in aclient.crm.organization.list()]) == 150
    assert len(org_requests(fake)) == 2


@BIG
async def test_filter_select_and_sort(
    fake: FakeSimplicate, aclient: simplicate.AsyncClient
) -> None:
    options: dict[str, Any] = {
        "filter": {"name": "*B.V.*", "created_at": {"ge": datetime(2024, 6, 1)}},
        "select": ["id", "name", "created_at"],
        "sort": "name",
    }
    pager = aclient.crm.organization.list(**options)
    with simplicate.Client(base_url=fake.url, api_key="k", api_secret="s") as sync:
        assert pager.params == sync.crm.organization.list(**options).params
    records = await pager.to_list()
    expected = [
        r
        for r in fake.records("crm/organization")
        if "b.v." in r["name"].lower() and r["created_at"] >= "2024-06-01 00:00:00"
    ]
    assert 100 < len(records) == len(expected)  # more than one page
    assert {r["id"] for r in records} == {r["id"] for r in expected}
    assert all(set(r) == {"id", "name", "created_at"} for r in records)
    names = [r["name"].lower() for r in records]
    assert names == sorted(names)
    first = org_requests(fake)[0]
    assert first["q[name]"] == ["*B.V.*"]
    assert first["q[created_at][ge]"] == ["2024-06-01 00:00:00"]
    assert first["select"] == ["id,name,created_at"] and first["sort"] == ["name,id"]


@BIG
async def test_date_ranges_and_relation_filters(
    fake: FakeSimplicate, aclient: simplicate.AsyncClient
) -> None:
    stored = fake.records("crm/organization")
    relation = next(r["relation_type"]["label"] for r in stored if r.get("relation_type"))
    window = {"ge": "2024-01-01 00:00:00", "lt": "2025-01-01 00:00:00"}
    pager = aclient.crm.organization.list(
        filter={"created_at": window, "relation_type.label": relation}
    )
    got = {r["id"] for r in await pager.to_list()}
    expected = {
        r["id"]
        for r in stored
        if window["ge"] <= r["created_at"] < window["lt"]
        and (r.get("relation_type") or {}).get("label") == relation
    }
    assert got == expected and got
    assert await pager.count() == len(expected)


@pytest.mark.parametrize("key", ["limit", "offset", "metadata"])
async def test_params_cannot_fight_the_pager(
    fake: FakeSimplicate, aclient: simplicate.AsyncClient, key: str
) -> None:
    with pytest.raises(ValueError, match=key):
        aclient.crm.organization.list(params={key: "5"})
    assert fake.requests == []


@pytest.mark.parametrize(
    ("kwargs", "exc", "name"),
    [
        ({"page_size": 0}, ValueError, "page_size"),
        ({"page_size": "50"}, TypeError, "page_size"),
        ({"limit": -1}, ValueError, "limit"),
        ({"limit": 2.5}, TypeError, "limit"),
        ({"offset": -3}, ValueError, "offset"),
        ({"offset": True}, TypeError, "offset"),
        ({"filter": {"name": object()}}, TypeError, "name"),
        ({"sort": 5}, TypeError, "sort"),
    ],
)
async def test_bad_pager_arguments_raise_at_once(
    fake: FakeSimplicate, aclient: simplicate.AsyncClient, kwargs: dict, exc: type, name: str
) -> None:
    with pytest.raises(exc, match=name):
        aclient.crm.organization.list(**kwargs)  # raises here: nothing to await
    assert fake.requests == []


@BIG
async def test_errors_surface_from_every_way_of_pulling(aclient: simplicate.AsyncClient) -> None:
    pager = aclient.crm.organization.list(params={"q[name][bogus]": "x"})
    with pytest.raises(simplicate.BadRequestError, match="bogus"):
        await pager.to_list()
    with pytest.raises(simplicate.BadRequestError, match="bogus"):
        async for _ in pager:
            pass
    with pytest.raises(simplicate.BadRequestError, match="bogus"):
        await pager.count()
    with pytest.raises(simplicate.BadRequestError, match="bogus"):
        await pager.first()


@BIG
async def test_an_error_on_a_later_page_ends_the_pull_after_the_earlier_ones(
    fake: FakeSimplicate,
) -> None:
    async with fake.async_client(max_retries=0) as c:
        got: list[dict[str, Any]] = []
        with pytest.raises(simplicate.ServerError):
            async for page in c.crm.organization.list().pages():
                got.extend(page)
                fake.inject("crm/organization", status=500, times=None)
    assert 100 <= len(got) < 1234
    assert [r["id"] for r in got] == [r["id"] for r in fake.records("crm/organization")[: len(got)]]


@BIG
@pytest.mark.parametrize("how", ["records", "pages"])
async def test_leaving_the_loop_aborts_the_prefetch(fake: FakeSimplicate, how: str) -> None:
    # Paced at one request a second with no burst: the prefetch of page 2 waits in the pacer
    # when the loop breaks. The next call queues behind it; it reaches the server alone only
    # if the prefetch was dropped.
    async with fake.async_client(rate_limit=60, rate_burst=1) as c:
        pager = c.crm.organization.list()
        if how == "records":
            async for _ in pager:
                break
        else:
            async for _ in pager.pages():
                break
        await c.get("crm/person", params={"limit": 1})
    assert [r.path for r in fake.requests] == ["/api/v2/crm/organization", "/api/v2/crm/person"]


@BIG
async def test_consumed_records_are_not_kept(aclient: simplicate.AsyncClient) -> None:
    records = aiter(aclient.crm.organization.list())
    first = await anext(records)
    for _ in range(250):  # well into page 3
        await anext(records)
    # pyo3-async-runtimes lets go of each finished asyncio future from a runtime thread, where
    # pyo3 can only defer the decref to the next time Python is entered; on a busy machine that
    # can come after this line and keep page 1 alive a moment longer. `drain_runtime` waits for
    # those tasks and re-enters Python, so what is left is what the pager really holds.
    _core.drain_runtime()
    # Only `first` and getrefcount's own argument refer to it.
    assert sys.getrefcount(first) == 2


@BIG
async def test_records_are_plain_dicts(aclient: simplicate.AsyncClient) -> None:
    record = await aclient.crm.organization.list(limit=1).first()
    assert type(record) is dict
    assert type(record["visiting_address"]) is dict
    assert type(record["custom_fields"]) is list


@BIG
async def test_each_iteration_is_a_fresh_pass(
    fake: FakeSimplicate, aclient: simplicate.AsyncClient
) -> None:
    pager = aclient.crm.organization.list(limit=150)
    assert isinstance(pager, AsyncPager)
    first = [r["id"] async for r in pager]
    second = [r["id"] for page in [p async for p in pager.pages()] for r in page]
    assert first == second == [r["id"] for r in fake.records("crm/organization")[:150]]
    assert len(org_requests(fake)) == 4


@pytest.mark.simplicate(records={"crm/organization": 500})
async def test_creates_during_a_pull_are_not_delivered_twice(
    fake: FakeSimplicate, aclient: simplicate.AsyncClient
) -> None:
    seen: list[str] = []
    inserted = 0
    async for page in aclient.crm.organization.list(sort="name").pages():
        seen.extend(r["id"] for r in page)
        fake.add("crm/organization", {"name": f"  aaa {inserted}"})  # sorts before everything
        inserted += 1
    assert len(seen) == len(set(seen)), "a record was delivered twice"
    originals = {r["id"] for r in fake.records("crm/organization")[:500]}
    assert originals <= set(seen), "an original record was skipped"


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


# ---- the async fixtures (simplicate.testing) ---------------------------------------------------


async def test_simplicate_async_client_is_wired_to_simplicate_fake(
    simplicate_fake: FakeSimplicate, simplicate_async_client: simplicate.AsyncClient
) -> None:
    assert isinstance(simplicate_async_client, simplicate.AsyncClient)
    assert simplicate_async_client.base_url == simplicate_fake.url
    assert simplicate_async_client.rate_limit is None  # the shared fake has no limit
    new = await simplicate_async_client.crm.person.create(
        {"first_name": "Plugin", "family_name": "Test"}
    )
    assert any(r["id"] == new for r in simplicate_fake.records("crm/person"))


@pytest.mark.simplicate(seed=5, rate_limit=600)
async def test_the_marker_shapes_the_async_clients_fake(
    simplicate_fake: FakeSimplicate, simplicate_async_client: simplicate.AsyncClient
) -> None:
    assert simplicate_fake.seed == 5
    assert simplicate_async_client.rate_limit == 600
    assert len(await simplicate_async_client.crm.person.list().to_list()) > 0
    assert simplicate_fake.throttled == 0


async def test_async_client_is_wired_as_client_is(monkeypatch: pytest.MonkeyPatch) -> None:
    from simplicate.testing import _fake

    made: dict[str, dict[str, Any]] = {}
    monkeypatch.setattr(_fake, "Client", lambda **kw: made.setdefault("sync", kw))
    monkeypatch.setattr(_fake, "AsyncClient", lambda **kw: made.setdefault("async", kw))
    with FakeSimplicate(rate_limit=120) as limited:
        limited.client()
        limited.async_client()
        assert made["sync"] == made["async"]
        assert made["async"] == {
            "base_url": limited.url,
            "api_key": limited.api_key,
            "api_secret": limited.api_secret,
            "rate_limit": 120,
            "rate_burst": 1,
        }
        made.clear()
        limited.client(rate_burst=4, max_retries=0)
        limited.async_client(rate_burst=4, max_retries=0)
        assert made["sync"] == made["async"]
        assert made["async"]["rate_burst"] == 4 and made["async"]["max_retries"] == 0


async def test_fake_async_client_takes_the_fakes_limit() -> None:
    with FakeSimplicate(rate_limit=600) as limited:
        async with limited.async_client(max_retries=0) as c:
            assert c.rate_limit == 600
            results = await asyncio.gather(*(c.get("crm/person") for _ in range(15)))
        assert len(results) == 15
        assert limited.throttled == 0


USERS_SUITE = """
import asyncio

import pytest

kept = []


@pytest.mark.asyncio
async def test_pytest_asyncio(simplicate_async_client, simplicate_fake):
    person = {"first_name": "Plugin", "family_name": "Test"}
    new = await simplicate_async_client.crm.person.create(person)
    assert any(r["id"] == new for r in simplicate_fake.records("crm/person"))
    kept.append(simplicate_async_client)


def test_the_fixture_closed_the_client():
    assert kept and kept[0].closed


@pytest.mark.asyncio(loop_scope="module")
async def test_module_scoped_loop(simplicate_async_client):
    assert len(await simplicate_async_client.crm.organization.list(limit=3).to_list()) == 3


@pytest.mark.asyncio
async def test_each_test_starts_fresh(simplicate_fake):
    assert simplicate_fake.requests == []


@pytest.mark.anyio
async def test_anyio(simplicate_async_client):
    orgs = await asyncio.gather(*(simplicate_async_client.get("crm/person") for _ in range(3)))
    assert len(orgs) == 3


def test_sync_tests_use_it_too(simplicate_async_client):
    assert asyncio.run(simplicate_async_client.crm.person.list(limit=2).to_list())
"""

USERS_CONFIG = """
[pytest]
asyncio_mode = strict
asyncio_default_fixture_loop_scope = function
filterwarnings = error
"""


async def test_the_fixture_in_a_users_suite(tmp_path: Any) -> None:
    (tmp_path / "test_users_async_suite.py").write_text(textwrap.dedent(USERS_SUITE))
    (tmp_path / "pytest.ini").write_text(textwrap.dedent(USERS_CONFIG))
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "6 passed" in result.stdout, result.stdout

"""The sync resource tree's promises, kept by ``simplicate.AsyncClient``'s: the same resources,
methods and signatures, ids as one path segment, actions and commands over HTTP, the same
attribute errors, and item gets answered with lists. Mirrors ``test_resources.py``.
"""

from __future__ import annotations

import inspect
import json
from typing import Any

import pytest

import simplicate
from simplicate._resources import AsyncModule, AsyncResource
from simplicate.testing import FakeSimplicate

from .conftest import envelope
from .mirror_helpers import (
    REGISTRY,
    maybe_await,
)
from .test_resources import BAD_CALLS, answer_item_gets_with

pytestmark = pytest.mark.asyncio


@pytest.fixture
def fake(simplicate_fake: FakeSimplicate) -> FakeSimplicate:
    return simplicate_fake


@pytest.fixture
def aclient(simplicate_async_client: simplicate.AsyncClient) -> simplicate.AsyncClient:
    return simplicate_async_client


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

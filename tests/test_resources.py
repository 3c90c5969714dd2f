"""The resource tree (``client.crm.organization.list(...)``), its registry binding and its stub.

Expectations are derived from ``_core.registry()`` here, independently of ``_resources``'s
own plan, and a few are pinned by hand. Calls go over real HTTP to the bundled fake.
"""

from __future__ import annotations

import importlib.util
import inspect
import json
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import simplicate
from simplicate import _core
from simplicate._registry import is_item_get
from simplicate._resources import Module, Resource, ResourceTree, crm
from simplicate.testing import FakeSimplicate

from .conftest import envelope

ROOT = Path(__file__).resolve().parent.parent
REGISTRY = _core.registry()
CRUD_NAMES = ("list", "get", "create", "put", "update", "delete")


@pytest.fixture
def tree(fake: FakeSimplicate) -> Iterator[Any]:
    with fake.client() as client:
        yield client


@pytest.fixture(scope="module")
def offline() -> Iterator[Any]:
    """A tree on a port where nothing listens: for what must not send requests at all."""
    with simplicate.Client(
        base_url="http://127.0.0.1:9/api/v2", api_key="k", api_secret="s"
    ) as client:
        yield client


def attr(name: str) -> str:
    return name.replace("/", "_")


def snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name)


def expected_methods(entry: dict[str, Any]) -> set[str]:
    """What the issue specifies, straight from the registry entry."""
    coll, item = entry["collection"], entry["item"]
    # A collection whose GET answers one record has get() for it (the model table says which).
    one = "get" if entry["one_record"] else "list"
    names = {one} if "GET" in coll else set()
    names |= {"create"} if "POST" in coll else set()
    names |= {"put"} if "PUT" in coll else set()
    names |= {"get"} if "GET" in item else set()
    names |= {"update"} if "PUT" in item else set()
    names |= {"delete"} if "DELETE" in item else set()
    return names | {snake(a["name"]) for a in entry["actions"]}


def resource_of(client: Any, entry: dict[str, Any]) -> Any:
    return getattr(getattr(client, entry["module"]), attr(entry["name"]))


def requests_after(fake: FakeSimplicate, call: Callable[[], object]) -> list[tuple[str, str]]:
    fake.clear_requests()
    call()
    return [(r.method, r.path) for r in fake.requests]


# ---- the registry binding ----------------------------------------------------------------------


def test_registry_binding() -> None:
    assert len({(e["module"], e["name"]) for e in REGISTRY}) == len(REGISTRY) > 100
    order = ["GET", "POST", "PUT", "DELETE"]
    for entry in REGISTRY:
        assert set(entry) == {
            "module",
            "name",
            "collection",
            "item",
            "id_prefix",
            "actions",
            "summary",
            "one_record",
        }
        for level in ("collection", "item"):
            assert entry[level] == [m for m in order if m in entry[level]], entry
        assert entry["collection"] or entry["item"] or entry["actions"], entry
    by_path = {f"{e['module']}/{e['name']}": e for e in REGISTRY}
    assert by_path["crm/organization"] == {
        "module": "crm",
        "name": "organization",
        "collection": ["GET", "POST"],
        "item": ["GET", "PUT", "DELETE"],
        "id_prefix": "organization",
        "actions": [],
        "summary": "Organizations (CRM)",
        "one_record": False,
    }
    assert by_path["hours/timesheetrow/mostrecent"]["one_record"] is True
    assert by_path["projects/service"]["actions"] == [
        {"name": "duplicate", "method": "POST"},
        {"name": "planningBudget", "method": "GET"},
    ]
    assert by_path["hours/timesheetrow/order"]["collection"] == ["PUT"]
    assert _core.registry() is not REGISTRY  # a fresh list each call: callers may mutate theirs


# ---- shape of the tree -------------------------------------------------------------------------


def test_tree_covers_every_resource_exactly_once(offline: Any) -> None:
    seen: dict[tuple[str, str], Any] = {}
    for entry in REGISTRY:
        key = (entry["module"], attr(entry["name"]))
        assert key not in seen, key
        seen[key] = resource_of(offline, entry)
        assert isinstance(seen[key], Resource)
        assert seen[key].path == f"{entry['module']}/{entry['name']}"
    assert len({id(r) for r in seen.values()}) == len(REGISTRY)
    modules = sorted({e["module"] for e in REGISTRY})
    assert {"crm", "projects", "hours", "invoices", "sales", "hrm", "storage"} <= set(modules)
    for module in modules:
        assert isinstance(getattr(offline, module), Module)
        assert dir(getattr(offline, module)) == sorted(a for m, a in seen if m == module)
    assert set(modules) <= set(dir(offline))


def test_every_resource_has_exactly_the_allowed_methods(offline: Any) -> None:
    every_name = set(CRUD_NAMES) | {snake(a["name"]) for e in REGISTRY for a in e["actions"]}
    for entry in REGISTRY:
        resource = resource_of(offline, entry)
        expected = expected_methods(entry)
        assert set(dir(resource)) == expected | {"path"}, entry
        for name in every_name:
            assert hasattr(resource, name) == (name in expected), (entry, name)
        only_get = entry["item"] == ["GET"] and not entry["collection"] and not entry["actions"]
        assert callable(resource) == only_get, entry


def test_a_few_resources_pinned_by_hand(offline: Any) -> None:
    assert repr(offline.crm.organization) == (
        "<simplicate resource crm.organization: list, get, create, update, delete>"
    )
    assert not hasattr(offline.hrm.employee, "delete")
    assert callable(offline.sales.converttoproject)
    assert callable(offline.documents.download) and callable(offline.hours.employeeexpense)
    assert not callable(offline.crm.organization)
    assert callable(offline.projects.service.duplicate)
    assert callable(offline.projects.project.planning_budget)
    assert not hasattr(offline.projects.project, "duplicate")
    assert dir(offline.hours.timesheetrow_order) == ["path", "put"]
    assert dir(offline.crm.document) == ["create", "delete", "get", "list", "path", "put"]
    assert dir(offline.crm.mergeorganization) == ["create", "path"]
    assert dir(offline.sales.quoteemail) == ["path", "update"]


def test_names_do_not_shadow_the_client() -> None:
    own = [c for c in simplicate.Client.__mro__ if c not in (ResourceTree, object)]
    client_names = {n for c in own for n in vars(c) if not n.startswith("_")}
    assert {"get", "post", "request", "close"} <= client_names
    assert not client_names & {e["module"] for e in REGISTRY}


def test_objects_are_cached_per_client_and_cost_no_request(fake: FakeSimplicate, tree: Any) -> None:
    fake.clear_requests()
    assert tree.crm is tree.crm
    assert tree.crm.organization is tree.crm.organization
    assert type(tree.crm.organization) is type(tree.crm.organization)
    with fake.client() as other:
        assert other.crm is not tree.crm
        assert other.crm.organization._client is other
        assert type(other.crm.organization) is type(tree.crm.organization)
    for entry in REGISTRY:
        resource_of(tree, entry)
    assert fake.requests == []


def test_dir_and_repr(offline: Any) -> None:
    assert dir(offline.crm.organization) == ["create", "delete", "get", "list", "path", "update"]
    assert dir(offline.projects.service) == [
        "create",
        "delete",
        "duplicate",
        "get",
        "list",
        "path",
        "planning_budget",
        "update",
    ]
    assert "organization" in dir(offline.crm) and "timesheetrow_order" in dir(offline.hours)
    assert repr(offline.crm) == "<simplicate module crm: 19 resources>"
    assert (
        repr(offline.sales.converttoproject) == "<simplicate resource sales.converttoproject: get>"
    )
    assert type(offline.crm.organization).__name__ == "CrmOrganization"
    assert crm.CrmOrganization is type(offline.crm.organization)
    assert type(offline.crm.organization).__module__ == "simplicate._resources.crm"


def test_docstrings_name_the_http_call(offline: Any) -> None:
    # Each method's docstring is written once, for every resource (``{path}``); the resource's
    # class docstring names each method's own HTTP call.
    for entry in REGISTRY:
        resource = resource_of(offline, entry)
        class_doc = " ".join(type(resource).__doc__.split())
        path = f"/{entry['module']}/{entry['name']}"
        calls = {
            "list": f"GET {path}``",
            "create": f"POST {path}``",
            "put": f"PUT {path}``",
            "get": f"GET {path}``" if entry["one_record"] else f"GET {path}/{{id}}``",
            "update": f"PUT {path}/{{id}}``",
            "delete": f"DELETE {path}/{{id}}``",
        }
        for a in entry["actions"]:
            calls[snake(a["name"])] = f"{a['method']} {path}/{{id}}/{a['name']}``"
        for name in expected_methods(entry):
            assert f"{name} ``{calls[name]}" in class_doc, (entry, name, class_doc)
            doc = " ".join(getattr(resource, name).__doc__.split())
            generic = calls[name].replace(path, "/{path}")
            assert f"``{generic}" in doc, (entry, name, doc)
    assert "the same as ``get(id)``" in offline.sales.converttoproject.__call__.__doc__


# ---- calls over HTTP ---------------------------------------------------------------------------


def test_crud_round_trip(fake: FakeSimplicate, tree: Any) -> None:
    orgs = tree.crm.organization
    new_id = orgs.create({"name": "Tree B.V."})
    assert isinstance(new_id, str) and new_id.startswith("organization:")
    assert [r["name"] for r in fake.records("crm/organization") if r["id"] == new_id] == [
        "Tree B.V."
    ]
    assert orgs.get(new_id)["name"] == "Tree B.V."
    assert orgs.update(new_id, {"name": "Renamed"}) is None
    assert orgs.get(new_id)["name"] == "Renamed"
    assert orgs.delete(new_id) is None
    with pytest.raises(simplicate.NotFoundError):
        orgs.get(new_id)
    item = f"/api/v2/crm/organization/{new_id}"
    assert [(r.method, r.path) for r in fake.requests] == [
        ("POST", "/api/v2/crm/organization"),
        ("GET", item),
        ("PUT", item),
        ("GET", item),
        ("DELETE", item),
        ("GET", item),
    ]


def test_ids_are_one_path_segment_on_the_wire(fake: FakeSimplicate, tree: Any) -> None:
    fake.add("crm/organization", {"id": "organization:odd id", "name": "Spaced"})
    assert tree.crm.organization.get("organization:odd id")["name"] == "Spaced"
    assert fake.requests[-1].path == "/api/v2/crm/organization/organization:odd%20id"


def test_list_returns_the_clients_pager(fake: FakeSimplicate, tree: Any) -> None:
    if not hasattr(simplicate.Client, "_list"):
        pytest.skip("Client._list (the pager) is not written yet")
    fake.clear_requests()
    pager = tree.crm.organization.list(filter={"name": "*B.V.*"}, sort="name", limit=3)
    assert fake.requests == []  # lazy
    names = [org["name"] for org in pager]
    assert len(names) == 3 and all("B.V." in n for n in names) and names == sorted(names)
    assert fake.requests[0].path == "/api/v2/crm/organization"
    assert fake.requests[0].params["q[name]"] == ["*B.V.*"]
    assert tree.hrm.employee.list().count() == len(fake.records("hrm/employee"))
    # `list` is `Client._list` with the path filled in: same options, same defaults.
    options = list(inspect.signature(simplicate.Client._list).parameters.values())[2:]
    assert list(inspect.signature(tree.crm.organization.list).parameters.values()) == options
    with pytest.raises(TypeError):
        tree.crm.organization.list({"name": "x"})  # options are keyword-only


def test_duplicate_over_http(fake: FakeSimplicate, tree: Any) -> None:
    source = fake.records("projects/service")[0]
    seen = requests_after(fake, lambda: tree.projects.service.duplicate(source["id"]))
    assert seen == [("POST", f"/api/v2/projects/service/{source['id']}/duplicate")]
    copy_id = tree.projects.service.duplicate(source["id"], {"name": "Copy"})
    assert isinstance(copy_id, str) and copy_id != source["id"]
    copy = tree.projects.service.get(copy_id)
    assert copy["name"] == "Copy" and copy["budget"] == source["budget"]
    sale = fake.records("sales/sales")[0]["id"]
    assert tree.sales.sales.get(tree.sales.sales.duplicate(sale))["id"] != sale


def test_planning_budget_sends_params(fake: FakeSimplicate, tree: Any) -> None:
    project = fake.records("projects/project")[0]["id"]
    fake.clear_requests()
    budget = tree.projects.project.planning_budget(project, until_date="2025-01-31")
    assert budget["id"] == project and "hours_spent" in budget
    (request,) = fake.requests
    assert request.path == f"/api/v2/projects/project/{project}/planningBudget"
    assert request.params == {"until_date": ["2025-01-31"]}


def test_converttoproject_is_callable(fake: FakeSimplicate, tree: Any) -> None:
    sale = fake.records("sales/sales")[0]["id"]
    seen = requests_after(fake, lambda: tree.sales.converttoproject(sale))
    assert seen == [("GET", f"/api/v2/sales/converttoproject/{sale}")]
    assert tree.sales.converttoproject(sale) == tree.sales.converttoproject.get(sale)
    assert tree.sales.converttoproject(sale)["id"] == sale


def test_a_collection_answering_one_record_has_get_not_list(
    fake: FakeSimplicate, tree: Any
) -> None:
    mostrecent = tree.hours.timesheetrow_mostrecent
    assert not hasattr(mostrecent, "list")
    seen = requests_after(fake, mostrecent.get)
    assert seen == [("GET", "/api/v2/hours/timesheetrow/mostrecent")]
    week = mostrecent.get()
    assert set(week) == {"start_date", "end_date"}
    assert week["start_date"] < week["end_date"]
    one = [e["name"] for e in REGISTRY if e["one_record"]]
    assert one == ["timesheetrow/mostrecent"]


def test_the_fakes_quirky_contact_person_reads_as_its_record(
    fake: FakeSimplicate, tree: Any
) -> None:
    # The fake answers GET crm/contactperson/{id} with a one-element list, as the real API does.
    cid = fake.records("crm/contactperson")[0]["id"]
    assert tree.request("GET", f"crm/contactperson/{cid}")["data"][0]["id"] == cid
    record = tree.crm.contactperson.get(cid)
    assert isinstance(record, dict) and record["id"] == cid


def test_commands_return_the_answers_data(fake: FakeSimplicate, tree: Any) -> None:
    source, target = (r["id"] for r in fake.records("crm/organization")[:2])
    pair = {"source_id": source, "target_id": target}
    compared = tree.merger.compareorganization.create(pair)
    assert compared["is_valid"] is True and compared["source_id"] == source
    merged = tree.crm.mergeorganization.create(pair)
    assert merged["success"] is True
    assert source not in {r["id"] for r in fake.records("crm/organization")}


def test_collection_put(fake: FakeSimplicate, tree: Any) -> None:
    doc = fake.records("documents/document")[0]["id"]
    answer = tree.documents.document.put({"id": doc, "title": "Put through the tree"})
    assert answer == {"id": doc}
    assert tree.documents.document.get(doc)["title"] == "Put through the tree"
    seen = requests_after(fake, lambda: tree.hours.timesheetrow_order.put({"order": []}))
    assert seen == [("PUT", "/api/v2/hours/timesheetrow/order")]


# ---- item GETs answered with a list -------------------------------------------------------------
# The real API has answered GET crm/contactperson/{id} with "data": [{record}]. Shared with the
# async mirror.


def answer_item_gets_with(fake: FakeSimplicate, data: list[Any], times: int) -> None:
    fake.inject("crm/contactperson/*", status=200, body=json.dumps(envelope(data)), times=times)


def test_an_item_get_answered_with_one_record_in_a_list_gives_the_record(
    fake: FakeSimplicate, tree: Any
) -> None:
    record = fake.records("crm/contactperson")[0]
    cid = record["id"]
    answer_item_gets_with(fake, [record], times=4)
    assert tree.crm.contactperson.get(cid) == record
    assert tree.get(f"crm/contactperson/{cid}") == record
    assert tree.get(f"/crm//contactperson/{cid}/") == record  # split as the transport joins it
    # The whole envelope stays as sent.
    assert tree.request("GET", f"crm/contactperson/{cid}")["data"] == [record]


@pytest.mark.parametrize("count", [0, 2])
def test_an_item_get_answered_with_zero_or_several_records_is_left_alone(
    fake: FakeSimplicate, tree: Any, count: int
) -> None:
    records = fake.records("crm/contactperson")[:count]
    answer_item_gets_with(fake, records, times=2)
    assert tree.crm.contactperson.get("contactperson:1") == records
    assert tree.get("crm/contactperson/contactperson:1") == records


def test_one_record_lists_off_item_paths_stay_lists(fake: FakeSimplicate, tree: Any) -> None:
    one = [{"id": "x"}]
    # A collection, also one whose path reads like an item of another (the sub-collection
    # hours/timesheetrow/order, not the timesheet row "order").
    assert len(tree.get("crm/contactperson", params={"limit": 1})) == 1
    fake.inject("hours/timesheetrow/order", status=200, body=json.dumps(envelope(one)))
    assert tree.get("hours/timesheetrow/order") == one
    # An action below an item.
    project = fake.records("projects/project")[0]["id"]
    fake.inject("projects/project/*/planningBudget", status=200, body=json.dumps(envelope(one)))
    assert tree.projects.project.planning_budget(project) == one


def test_item_gets_are_told_from_the_registry() -> None:
    for entry in REGISTRY:
        path = f"{entry['module']}/{entry['name']}"
        assert not is_item_get(path), path
        assert is_item_get(f"{path}/some:id") == ("GET" in entry["item"]), path
        for action in entry["actions"]:
            assert not is_item_get(f"{path}/some:id/{action['name']}"), path
    assert not is_item_get("hours/timesheetrow/order")
    assert not is_item_get("crm")
    assert not is_item_get("nope/organization/x")


# ---- errors ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expr", "message"),
    [
        ("client.crm.organisation", "crm has no resource 'organisation'; did you mean"),
        ("client.crm.organisation", "did you mean 'organization'?"),
        (
            "client.crm.person.update_all",
            "crm.person has no method 'update_all'; did you mean 'update'? "
            "available: list, get, create, update, delete",
        ),
        ("client.crm.person.fetch", "available: list, get, create, update, delete"),
        (
            "client.hrm.employee.delete",
            "hrm.employee does not allow DELETE on items; available: list, get, create, update",
        ),
        ("client.crm.document.update", "does not allow PUT on items (a PUT on the collection"),
        ("client.crm.organization.put", "does not allow PUT on the collection (use update"),
        ("client.sales.converttoproject.list", "does not allow GET on the collection"),
        ("client.crm.organization.duplicate", "crm.organization has no duplicate action"),
        ("client.crm.zzzzzz", "crm has no resource 'zzzzzz'; resources: contactperson, "),
        ("client.crn", "has no module or attribute 'crn'; did you mean 'crm'?"),
        ("client.zzzzzz", "modules: costs, crm, customfields, "),
    ],
)
def test_attribute_errors_suggest(offline: Any, expr: str, message: str) -> None:
    with pytest.raises(AttributeError) as info:
        eval(expr, {"client": offline})
    assert message in str(info.value)


def test_private_names_get_plain_attribute_errors(offline: Any) -> None:
    for obj in (offline, offline.crm, offline.crm.organization):
        with pytest.raises(AttributeError, match=r"object has no attribute '_repr_html_'$"):
            obj._repr_html_  # noqa: B018  (what notebooks probe for)
    assert not hasattr(offline.crm.organization, "__array__")


BAD_CALLS: list[tuple[Callable[[Any], object], type, str]] = [
    (lambda t: t.crm.organization.get(123), TypeError, "id must be a str, got int"),
    (lambda t: t.crm.organization.get(None), TypeError, "id must be a str"),
    (lambda t: t.crm.organization.get(""), ValueError, "id must not be empty"),
    (lambda t: t.crm.organization.get("  "), ValueError, "id must not be empty"),
    (lambda t: t.crm.organization.delete("a/b"), ValueError, "id='a/b' is not one path"),
    (lambda t: t.crm.organization.get(".."), ValueError, "id='..' is not one path"),
    (lambda t: t.crm.organization.get("x?y=1"), ValueError, "is not one path segment"),
    (lambda t: t.crm.organization.get(" x"), ValueError, "is not one path segment"),
    (lambda t: t.crm.organization.update(5, {}), TypeError, "id must be a str"),
    (lambda t: t.crm.organization.update("o:1", [1]), TypeError, "data must be a dict"),
    (lambda t: t.crm.organization.create("name"), TypeError, "data must be a dict, got str"),
    (lambda t: t.crm.organization.create(None), TypeError, "data must be a dict"),
    (lambda t: t.crm.mergeorganization.create([]), TypeError, "data must be a dict"),
    (lambda t: t.crm.document.put(("id", "x")), TypeError, "data must be a dict"),
    (lambda t: t.projects.service.duplicate(1), TypeError, "id must be a str"),
    (lambda t: t.projects.service.duplicate("s", "x"), TypeError, "data must be a dict"),
    (lambda t: t.projects.project.planning_budget(b"p"), TypeError, "id must be a str"),
    (lambda t: t.sales.converttoproject(7), TypeError, "id must be a str"),
]


def test_bad_arguments_raise_before_any_request(fake: FakeSimplicate, tree: Any) -> None:
    fake.clear_requests()
    for call, error, message in BAD_CALLS:
        with pytest.raises(error) as info:
            call(tree)
        assert message in str(info.value), (message, info.value)
        assert fake.requests == [], message


# ---- the stub ----------------------------------------------------------------------------------


def load_generator() -> Any:
    spec = importlib.util.spec_from_file_location(
        "generate_stubs", ROOT / "scripts" / "generate_stubs.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_checked_in_stubs_are_what_the_generator_writes_now() -> None:
    generator = load_generator()
    rendered = generator.render_all()
    assert len(rendered) == 1 + 2 * len({e["module"] for e in REGISTRY})
    for path, text in rendered.items():
        assert path.read_text() == text, f"{path} is stale: run python scripts/generate_stubs.py"
    assert generator.stale_files(rendered) == []


def test_stubs_match_the_runtime_classes() -> None:
    pytest.importorskip("mypy")
    stubs = sorted((ROOT / "python" / "simplicate" / "_resources").glob("*.pyi"))
    assert len(stubs) == 1 + len({e["module"] for e in REGISTRY})
    # The package's submodules, the stubbed ones among them, are checked with it.
    out = subprocess.run(
        [sys.executable, "-m", "mypy.stubtest", "simplicate._resources"],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert f"no issues found in {len(stubs) + 5} modules" in out.stdout, out.stdout


SNIPPET = """
from simplicate import Client
from simplicate._resources import ResourceTree

class Wired(Client, ResourceTree): ...

client = Wired("acme", api_key="k", api_secret="s")
reveal_type(client.crm.organization)
reveal_type(client.crm.organization.get)
reveal_type(client.crm.organization.create({"name": "x"}))
reveal_type(client.crm.organization.list(filter={"name": "*x*"}))
reveal_type(client.projects.service.duplicate("service:1"))
reveal_type(client.sales.converttoproject("sales:1"))
client.hrm.employee.delete("employee:1")
client.crm.organisation
client.crm.organization.get(5)
"""


def mypy_strict(tmp_path: Path, snippet: str) -> str:
    """What ``mypy --strict`` says of ``snippet`` (as ``snippet.py``)."""
    pytest.importorskip("mypy")
    (tmp_path / "snippet.py").write_text(textwrap.dedent(snippet))
    command = [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(tmp_path / "cache")]
    return subprocess.run(
        [*command, "snippet.py"], capture_output=True, text=True, cwd=tmp_path
    ).stdout


def test_stub_types_the_tree(tmp_path: Path) -> None:
    out = mypy_strict(tmp_path, SNIPPET)
    for expected in [
        'Revealed type is "simplicate._resources.crm.CrmOrganization"',
        'Revealed type is "def (id: str) -> dict[str, Any]"',
        'snippet.py:10: note: Revealed type is "str"',
        'Revealed type is "simplicate._pager.Pager"',
        'snippet.py:12: note: Revealed type is "str"',
        'snippet.py:13: note: Revealed type is "dict[str, Any]"',
        '"HrmEmployee" has no attribute "delete"',
        '"CrmModule" has no attribute "organisation"; maybe "organization"',
        'Argument 1 to "get" of "Gettable" has incompatible type "int"; expected "str"',
        "Found 3 errors in 1 file",
    ]:
        assert expected in out, out


ASYNC_SNIPPET = """
import asyncio
from simplicate import AsyncClient

async def main(client: AsyncClient) -> None:
    reveal_type(client.crm.organization)
    reveal_type(await client.crm.organization.get("organization:1"))
    reveal_type(await client.crm.organization.create({"name": "x"}))
    reveal_type(client.crm.organization.list(filter={"name": "*x*"}))
    reveal_type(await client.upload(b"x", file_name="x.bin"))
    name: str = client.crm.organization.create({"name": "x"})
    client.hrm.employee.delete("employee:1")
    client.crm.organisation
"""


def test_async_stub_types_the_async_tree(tmp_path: Path) -> None:
    out = mypy_strict(tmp_path, ASYNC_SNIPPET)
    for expected in [
        'snippet.py:6: note: Revealed type is "simplicate._resources.crm.AsyncCrmOrganization"',
        'snippet.py:7: note: Revealed type is "dict[str, Any]"',
        'snippet.py:8: note: Revealed type is "str"',
        'snippet.py:9: note: Revealed type is "simplicate._async_pager.AsyncPager"',
        'snippet.py:10: note: Revealed type is "str"',
        # A forgotten await is a type error, not a silent coroutine.
        "snippet.py:11: error: Incompatible types in assignment (expression has type "
        '"Coroutine[Any, Any, str]", variable has type "str")',
        '"AsyncHrmEmployee" has no attribute "delete"',
        '"AsyncCrmModule" has no attribute "organisation"; maybe "organization"',
    ]:
        assert expected in out, out


REQUESTER_SNIPPET = """
from simplicate import AsyncClient, Client
from simplicate._requester import AsyncRequester, Requester

def sync(client: Client) -> Requester:
    return client

def asynchronous(client: AsyncClient) -> AsyncRequester:
    return client

def crossed(client: Client) -> AsyncRequester:
    return client
"""


def test_each_client_is_the_requester_its_tree_is_typed_against(tmp_path: Path) -> None:
    # The resources call their client through these protocols only: a client that drifts from
    # them (a renamed option of `_list`, a sync method on the async client) fails here.
    out = mypy_strict(tmp_path, REQUESTER_SNIPPET)
    assert 'snippet.py:12: error: Incompatible return value type (got "Client"' in out, out
    assert "Found 1 error in 1 file" in out, out


def test_the_upload_call_is_documented_alike_on_both_trees(offline: Any) -> None:
    tree = simplicate.AsyncClient(base_url="http://127.0.0.1:9/api/v2", api_key="k", api_secret="s")
    try:
        sync, asynchronous = type(offline.upload).__call__, type(tree.upload).__call__
    finally:
        tree.close()
    assert inspect.signature(sync) == inspect.signature(asynchronous)
    assert sync.__doc__ == asynchronous.__doc__
    assert "``upload_queue_id``" in sync.__doc__ and "client.upload.chunked" in sync.__doc__

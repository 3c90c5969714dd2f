"""The endpoint registry as Python reads it: for each resource, its attribute names and the
methods the resource tree gives it, with their docstrings.

``_core.registry()`` (``crates/api/src/registry.rs``) is the one table; this is the plan derived
from it that both the runtime tree (``_resources/``) and its stubs
(``scripts/generate_stubs.py``) are built from, so the two cannot disagree. It imports no
client: the clients import the tree.
"""

from __future__ import annotations

import difflib
import functools
import keyword
import re
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from . import _core

# Python method name → (HTTP method, level), in the order listings show them.
CRUD: dict[str, tuple[str, str]] = {
    "list": ("GET", "collection"),
    "get": ("GET", "item"),
    "create": ("POST", "collection"),
    "put": ("PUT", "collection"),
    "update": ("PUT", "item"),
    "delete": ("DELETE", "item"),
}

ACTION_KINDS = {"POST": "post_action", "GET": "get_action"}


@dataclass(frozen=True)
class Operation:
    """One method of a resource class."""

    attr: str
    """The Python name: ``list``, ``get``, ..., ``duplicate``, ``planning_budget``."""
    kind: str
    """The method's shape: a key of ``CRUD``, ``command`` (a POST that creates no record),
    ``call`` (``__call__``, the same as ``get``), ``get_one`` (``get()`` of a collection whose
    GET answers one record, not a list), ``post_action`` or ``get_action``."""
    method: str
    path: str
    """Below the API root, without the id: ``crm/organization``."""
    action: str | None = None
    """The action's URL segment (``planningBudget``)."""

    @property
    def template(self) -> str:
        """As the API documents it: ``/crm/organization/{id}/duplicate``."""
        if self.kind in ("list", "get_one", "create", "command", "put"):
            return f"/{self.path}"
        tail = f"/{self.action}" if self.action else ""
        return f"/{self.path}/{{id}}{tail}"


@dataclass(frozen=True)
class ResourceSpec:
    """One resource of the registry, planned: its names and its methods."""

    module: str
    name: str
    """As in the registry and the URL: ``timesheetrow/order``."""
    attr: str
    """As in the tree: ``timesheetrow_order``."""
    summary: str
    operations: tuple[Operation, ...]

    @property
    def path(self) -> str:
        return f"{self.module}/{self.name}"

    @property
    def dotted(self) -> str:
        """As in the tree, without ``client.``: ``hours.timesheetrow_order``."""
        return f"{python_name(self.module)}.{self.attr}"

    @property
    def class_name(self) -> str:
        return camel(python_name(self.module)) + camel(self.attr)

    @property
    def methods(self) -> tuple[str, ...]:
        """The public method names (``__call__`` is not one)."""
        return tuple(op.attr for op in self.operations if op.kind != "call")


def python_name(name: str) -> str:
    """A registry name as an attribute: ``timesheetrow/order`` → ``timesheetrow_order``."""
    attr = re.sub(r"\W", "_", name)
    if attr[:1].isdigit() or keyword.iskeyword(attr):
        attr += "_"
    return attr


def snake_case(name: str) -> str:
    """``planningBudget`` → ``planning_budget``."""
    return python_name(re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower())


def camel(attr: str) -> str:
    return "".join(part.capitalize() for part in attr.split("_"))


def module_class_name(module: str) -> str:
    return camel(python_name(module)) + "Module"


def plan_resource(entry: Mapping[str, Any]) -> ResourceSpec:
    path = f"{entry['module']}/{entry['name']}"
    collection, item = set(entry["collection"]), set(entry["item"])
    ops: list[Operation] = []
    for attr, (method, level) in CRUD.items():
        if method not in (collection if level == "collection" else item):
            continue
        kind = attr
        # A POST-only path with no records behind it is a command (merge, compare, submit).
        if attr == "create" and collection == {"POST"} and not item:
            kind = "command"
        # A collection whose GET answers one record (the record model table says which) has
        # get() for it, not a pager: `hours.timesheetrow_mostrecent.get()`.
        if attr == "list" and entry.get("one_record"):
            attr, kind = "get", "get_one"
        ops.append(Operation(attr, kind, method, path))
    if item == {"GET"} and not collection and not entry["actions"]:
        ops.append(Operation("__call__", "call", "GET", path))
    for action in entry["actions"]:
        name, method = action["name"], action["method"]
        if method not in ACTION_KINDS:
            raise NotImplementedError(f"{path}/{{id}}/{name}: no client method for {method}")
        ops.append(Operation(snake_case(name), ACTION_KINDS[method], method, path, name))
    spec = ResourceSpec(
        entry["module"], entry["name"], python_name(entry["name"]), entry["summary"], tuple(ops)
    )
    if len(set(spec.methods)) != len(spec.methods):
        raise ValueError(f"{path}: two operations share a method name: {spec.methods}")
    return spec


@functools.cache
def modules() -> dict[str, dict[str, ResourceSpec]]:
    """Python module name → resource attribute → spec, in registry order."""
    tree: dict[str, dict[str, ResourceSpec]] = {}
    class_names: set[str] = set()
    for entry in _core.registry():
        spec = plan_resource(entry)
        resources = tree.setdefault(python_name(spec.module), {})
        if spec.attr in resources:
            raise ValueError(f"{spec.path} and {resources[spec.attr].path} share {spec.dotted}")
        resources[spec.attr] = spec
        class_names.add(spec.class_name)
    class_names.update(module_class_name(module) for module in tree)
    if len(class_names) != len(tree) + sum(len(r) for r in tree.values()):
        raise ValueError("two modules or resources would share a class name")
    return tree


def is_item_get(path: str) -> bool:
    """Whether GET ``path`` asks for one record: ``{resource}/{id}`` of a resource whose items
    take GET, as the registry's router reads it (a resource's own path is its collection even
    where it could be read as an id, ``hours/timesheetrow/order``)."""
    return _core.is_item_get(path)


# ---- docstrings (shared with the stub) ---------------------------------------------------------

DOC_WIDTH = 86
"""Docstrings are wrapped to this width, so that the stub's lines (indented by 8, between
triple quotes) fit in 100 columns."""


def _wrap(*paragraphs: str) -> str:
    # A space inside ``literal`` text is no place for a line break.
    def glue(m: re.Match[str]) -> str:
        return m.group(0).replace(" ", "\0")

    return "\n\n".join(
        textwrap.fill(re.sub(r"``.*?``", glue, p), DOC_WIDTH).replace("\0", " ") for p in paragraphs
    )


def resource_doc(spec: ResourceSpec) -> str:
    """A resource class's docstring: what it is and each method's HTTP call (the methods' own
    docstrings, shared by every resource in ``_capabilities.py``, say ``{path}``)."""
    calls = ", ".join(
        f"{op.attr} ``{op.method} {op.template}``" for op in spec.operations if op.kind != "call"
    )
    return _wrap(f"{spec.summary}. Methods: {calls}.")


def attribute_doc(spec: ResourceSpec) -> str:
    """The docstring of the module's attribute for a resource (``client.crm.organization``):
    what completion shows next to its name."""
    return _wrap(f"{spec.summary}: ``/{spec.path}``. Methods: {', '.join(spec.methods)}.")


def module_doc(module: str) -> str:
    return _wrap(f"The ``{module}`` module of the API: {', '.join(modules()[module])}.")


@functools.cache
def _list_specs() -> dict[str, ResourceSpec]:
    return {
        spec.path: spec
        for resources in modules().values()
        for spec in resources.values()
        if "list" in spec.methods
    }


def resource_path(resource: object) -> str:
    """The list path of ``resource``: an API path (``"crm/organization"``) or a resource of a
    client's tree (``client.crm.organization``); ValueError, with the closest path, for one the
    API does not list."""
    spec = getattr(type(resource), "_spec", None)
    if isinstance(spec, ResourceSpec):
        path = spec.path
    elif isinstance(resource, str):
        path = resource.strip().strip("/")
    else:
        raise TypeError(
            "resource must be an API path such as 'crm/organization' or a resource such as "
            f"client.crm.organization, got {type(resource).__name__}"
        )
    if path not in _list_specs():
        message = f"resource={path!r} is not a collection the API lists"
        close = difflib.get_close_matches(path, _list_specs(), n=1)
        raise ValueError(f"{message}; did you mean {close[0]!r}?" if close else message)
    return path

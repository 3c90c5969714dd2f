"""The resource tree: ``client.crm.organization.list(...)`` for every resource of the API.

Built from the plan in ``_registry.py``, itself derived from ``_core.registry()`` (the endpoint
table the fake server routes by), so the tree offers exactly the operations each path takes::

    the registry allows              the resource offers
    GET    /module/name              list(filter=, select=, sort=, limit=, offset=, page_size=)
    POST   /module/name              create(data) -> new id (commands: the answer's data)
    PUT    /module/name              put(data), the record's id inside data
    GET    /module/name/{id}         get(id); a resource with nothing else is also callable
    GET    /module/name (one record) get(): a collection path answering one record
    PUT    /module/name/{id}         update(id, data)
    DELETE /module/name/{id}         delete(id)
    POST   /module/name/{id}/action  action(id, data=None) -> new id   (duplicate)
    GET    /module/name/{id}/action  action(id, **params)             (planning_budget)

Each module and each resource gets a small class of its own, made on first use, so that
``hasattr``, ``dir()`` and tab completion show the real operations and nothing else; a name the
API lacks raises an AttributeError suggesting the closest real one. Module objects hang off the
client, and resource objects off their module, as cached properties: attribute access is cheap
and never sends a request. ``_resources.pyi`` declares the same classes for type checkers; it is
written from the same plan by ``scripts/generate_stubs.py``.
"""

from __future__ import annotations

import difflib
import functools
import threading
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, NoReturn

from ._registry import (
    CRUD,
    Operation,
    ResourceSpec,
    list_signature,
    method_doc,
    module_class_name,
    module_doc,
    modules,
    resource_doc,
)

if TYPE_CHECKING:
    from ._client import Client

__all__ = ["Module", "Resource", "ResourceTree"]


# ---- arguments ---------------------------------------------------------------------------------


def _check_id(id: object) -> str:
    if not isinstance(id, str):
        raise TypeError(f"id must be a str, got {type(id).__name__}")
    if not id.strip():
        raise ValueError("id must not be empty")
    if id != id.strip() or id in (".", "..") or any(c in id for c in "/?#"):
        raise ValueError(f"id={id!r} is not one path segment (no '/', '?', '#' or spaces around)")
    return id


def _check_data(data: object) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise TypeError(f"data must be a dict, got {type(data).__name__}")
    return data


def _new_id(data: Any) -> Any:
    if isinstance(data, dict) and isinstance(data.get("id"), str):
        return data["id"]
    return data


# ---- methods -----------------------------------------------------------------------------------
# One factory per kind; each returns a function with the signature the stub declares.


def _list(op: Operation) -> Callable[..., Any]:
    def method(self: Resource, **options: Any) -> Any:
        return self._client._list(op.path, **options)

    method.__signature__ = list_signature()  # type: ignore[attr-defined]
    return method


def _get(op: Operation) -> Callable[..., Any]:
    def method(self: Resource, id: str) -> Any:
        return self._client.get(f"{op.path}/{_check_id(id)}")

    return method


def _get_one(op: Operation) -> Callable[..., Any]:
    def method(self: Resource) -> Any:
        return self._client.get(op.path)

    return method


def _create(op: Operation) -> Callable[..., Any]:
    def method(self: Resource, data: dict[str, Any]) -> Any:
        return _new_id(self._client.post(op.path, _check_data(data)))

    return method


def _command(op: Operation) -> Callable[..., Any]:
    def method(self: Resource, data: dict[str, Any]) -> Any:
        return self._client.post(op.path, _check_data(data))

    return method


def _put(op: Operation) -> Callable[..., Any]:
    def method(self: Resource, data: dict[str, Any]) -> Any:
        return self._client.put(op.path, _check_data(data))

    return method


def _update(op: Operation) -> Callable[..., Any]:
    def method(self: Resource, id: str, data: dict[str, Any]) -> None:
        path = f"{op.path}/{_check_id(id)}"
        self._client.put(path, _check_data(data))

    return method


def _delete(op: Operation) -> Callable[..., Any]:
    def method(self: Resource, id: str) -> None:
        self._client.delete(f"{op.path}/{_check_id(id)}")

    return method


def _post_action(op: Operation) -> Callable[..., Any]:
    def method(self: Resource, id: str, data: dict[str, Any] | None = None) -> Any:
        path = f"{op.path}/{_check_id(id)}/{op.action}"
        return _new_id(self._client.post(path, {} if data is None else _check_data(data)))

    return method


def _get_action(op: Operation) -> Callable[..., Any]:
    def method(self: Resource, id: str, **params: Any) -> Any:
        return self._client.get(f"{op.path}/{_check_id(id)}/{op.action}", params=params or None)

    return method


_FACTORIES: dict[str, Callable[[Operation], Callable[..., Any]]] = {
    "list": _list,
    "get": _get,
    "call": _get,
    "get_one": _get_one,
    "create": _create,
    "command": _command,
    "put": _put,
    "update": _update,
    "delete": _delete,
    "post_action": _post_action,
    "get_action": _get_action,
}


# ---- attribute errors --------------------------------------------------------------------------


def _suggest(message: str, name: str, names: Iterable[str], label: str, *, always: bool) -> str:
    """``message``, then the closest of ``names`` to ``name`` if one is close, and all of
    ``names`` when there is none (or ``always``)."""
    names = list(names)
    close = difflib.get_close_matches(name, names, n=1)
    if close:
        message += f"; did you mean {close[0]!r}?"
    if always or not close:
        message += f"{' ' if close else '; '}{label}: {', '.join(names)}"
    return message


def _plain_attribute_error(obj: object, name: str) -> NoReturn:
    raise AttributeError(f"{type(obj).__name__!r} object has no attribute {name!r}")


@functools.cache
def _action_names() -> frozenset[str]:
    return frozenset(
        op.attr
        for resources in modules().values()
        for spec in resources.values()
        for op in spec.operations
        if op.action
    )


def _missing_method(spec: ResourceSpec, name: str) -> str:
    available = spec.methods
    if name in CRUD:
        method, level = CRUD[name]
        where = "items" if level == "item" else "the collection"
        message = f"{spec.dotted} does not allow {method} on {where}"
        if name == "update" and "put" in available:
            message += " (a PUT on the collection is put(data), with the id in data)"
        elif name == "put" and "update" in available:
            message += " (use update(id, data))"
    elif name in _action_names():
        message = f"{spec.dotted} has no {name} action"
    else:
        message = f"{spec.dotted} has no method {name!r}"
        return _suggest(message, name, available, "available", always=True)
    return f"{message}; available: {', '.join(available)}"


# ---- classes -----------------------------------------------------------------------------------


class Resource:
    """One resource of the API, bound to a client. Its subclass (one per resource, made on first
    use) has exactly the methods the API allows on it."""

    __slots__ = ("_client",)
    _spec: ResourceSpec

    def __init__(self, client: Client) -> None:
        self._client = client

    @property
    def path(self) -> str:
        """Below the API root: ``crm/organization``."""
        return self._spec.path

    def __getattr__(self, name: str) -> NoReturn:
        if name.startswith("_"):
            _plain_attribute_error(self, name)
        raise AttributeError(_missing_method(self._spec, name))

    def __dir__(self) -> list[str]:
        return sorted({*self._spec.methods, "path"})

    def __repr__(self) -> str:
        return f"<simplicate resource {self._spec.dotted}: {', '.join(self._spec.methods)}>"


class Module:
    """One module of the API (``client.crm``), bound to a client; its resources are attributes."""

    _module: str

    def __init__(self, client: Client) -> None:
        self._client = client

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            _plain_attribute_error(self, name)
        if hasattr(type(self), name):
            # Making the resource raised AttributeError: let that error show, not ours.
            return object.__getattribute__(self, name)
        message = f"{self._module} has no resource {name!r}"
        names = modules()[self._module]
        raise AttributeError(_suggest(message, name, names, "resources", always=False))

    def __dir__(self) -> list[str]:
        return sorted(modules()[self._module])

    def __repr__(self) -> str:
        return f"<simplicate module {self._module}: {len(modules()[self._module])} resources>"


class Flavor:
    """What differs between the sync tree (here) and the async one (``_async_resources.py``):
    the method factories, the base classes, the class-name prefix, and the modules that are
    callable too. Everything else (classes per module and resource, cached properties, error
    messages, lookup by class name) is shared."""

    def __init__(
        self,
        *,
        prefix: str,
        factories: dict[str, Callable[[Operation], Callable[..., Any]]],
        resource_base: type[Resource],
        module_base: type[Module],
        module_calls: Callable[[], dict[str, Callable[..., Any]]],
        owner: str,
    ) -> None:
        self.prefix = prefix
        self.factories = factories
        self.resource_base = resource_base
        self.module_base = module_base
        self.module_calls = module_calls
        self.owner = owner  # the Python module the classes claim to come from


def _function(flavor: Flavor, op: Operation, spec: ResourceSpec) -> Callable[..., Any]:
    function = flavor.factories[op.kind](op)
    function.__name__ = op.attr
    function.__qualname__ = f"{flavor.prefix}{spec.class_name}.{op.attr}"
    function.__doc__ = method_doc(spec, op)
    return function


def _once(make: Callable[..., type]) -> Callable[..., type]:
    """``functools.cache`` under a lock: two threads asking for a class at once get the same
    one, so ``isinstance`` checks hold."""
    cached = functools.cache(make)
    lock = threading.Lock()

    @functools.wraps(make)
    def get(*key: Any) -> type:
        with lock:
            return cached(*key)

    return get


@_once
def flavored_resource_class(flavor: Flavor, module: str, attr: str) -> type[Resource]:
    spec = modules()[module][attr]
    namespace: dict[str, Any] = {op.attr: _function(flavor, op, spec) for op in spec.operations}
    namespace.update(__slots__=(), __module__=flavor.owner, __doc__=resource_doc(spec), _spec=spec)
    return type(flavor.prefix + spec.class_name, (flavor.resource_base,), namespace)


def _cached(
    owner: str, name: str, make: Callable[[Any], Any], doc: str
) -> functools.cached_property[Any]:
    make.__name__ = name
    make.__qualname__ = f"{owner}.{name}"
    make.__doc__ = doc
    return functools.cached_property(make)


def _resource_property(flavor: Flavor, module: str, attr: str) -> functools.cached_property[Any]:
    def resource(self: Module) -> Resource:
        return flavored_resource_class(flavor, module, attr)(self._client)

    doc = resource_doc(modules()[module][attr])
    return _cached(flavor.prefix + module_class_name(module), attr, resource, doc)


def _module_property(flavor: Flavor, module: str) -> functools.cached_property[Any]:
    def module_(self: Any) -> Module:
        return flavored_module_class(flavor, module)(self)

    return _cached(f"{flavor.prefix}ResourceTree", module, module_, module_doc(module))


@_once
def flavored_module_class(flavor: Flavor, module: str) -> type[Module]:
    namespace: dict[str, Any] = {
        attr: _resource_property(flavor, module, attr) for attr in modules()[module]
    }
    call = flavor.module_calls().get(module)
    if call is not None:
        call.__qualname__ = f"{flavor.prefix}{module_class_name(module)}.__call__"
        namespace["__call__"] = call
    namespace.update(__module__=flavor.owner, __doc__=module_doc(module), _module=module)
    return type(flavor.prefix + module_class_name(module), (flavor.module_base,), namespace)


def plant_modules(tree: type, flavor: Flavor) -> None:
    """Give a tree class (``ResourceTree``, ``AsyncResourceTree``) one cached property per API
    module."""
    for module in modules():
        prop = _module_property(flavor, module)
        setattr(tree, module, prop)
        prop.__set_name__(tree, module)


def class_by_name(flavor: Flavor, name: str) -> type:
    """A generated class by name (``CrmOrganization``, ``CrmModule``, with the flavor's prefix),
    made on demand: for ``isinstance`` checks and for stubtest; AttributeError otherwise."""
    for module, resources in modules().items():
        if name == flavor.prefix + module_class_name(module):
            return flavored_module_class(flavor, module)
        for attr, spec in resources.items():
            if name == flavor.prefix + spec.class_name:
                return flavored_resource_class(flavor, module, attr)
    raise AttributeError(f"module {flavor.owner!r} has no attribute {name!r}")


def _upload_call(
    self: Module,
    source: Any,
    *,
    file_name: str | None = None,
    progress: Any = None,
) -> str:
    return self._client._upload(source, file_name=file_name, progress=progress)


def _module_calls() -> dict[str, Callable[..., Any]]:
    """Modules that are callable as well: ``client.upload(source)`` uploads a file in chunks
    while ``client.upload.chunked`` stays the raw endpoint."""
    from ._files import UPLOAD_DOC

    _upload_call.__doc__ = UPLOAD_DOC
    _upload_call.__name__ = "__call__"
    return {"upload": _upload_call}


class TreeBase:
    """Attribute errors for a client's resource tree: the closest module name, or them all."""

    __slots__ = ()

    def __getattr__(self, name: str) -> Any:
        cls = type(self)
        if name.startswith("_"):
            _plain_attribute_error(self, name)
        if hasattr(cls, name):
            # A property of the class raised AttributeError: let that error show, not ours.
            return object.__getattribute__(self, name)
        public = [n for n in dir(cls) if not n.startswith("_")]
        close = difflib.get_close_matches(name, public, n=1)
        hint = f"did you mean {close[0]!r}?" if close else f"modules: {', '.join(modules())}"
        raise AttributeError(f"{cls.__name__} has no module or attribute {name!r}; {hint}")


class ResourceTree(TreeBase):
    """A base class for :class:`simplicate.Client`: one attribute per API module
    (``client.crm``, ``client.hours``, ...), made on first access and kept."""

    __slots__ = ()


SYNC = Flavor(
    prefix="",
    factories=_FACTORIES,
    resource_base=Resource,
    module_base=Module,
    module_calls=_module_calls,
    owner=__name__,
)
plant_modules(ResourceTree, SYNC)


def resource_class(module: str, attr: str) -> type[Resource]:
    return flavored_resource_class(SYNC, module, attr)


def module_class(module: str) -> type[Module]:
    return flavored_module_class(SYNC, module)


def __getattr__(name: str) -> type[Resource] | type[Module]:
    """The generated classes by name (``CrmOrganization``, ``CrmModule``), made on demand: for
    ``isinstance`` checks and for stubtest to compare them with the stub."""
    return class_by_name(SYNC, name)

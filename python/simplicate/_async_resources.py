"""The async resource tree: ``client.crm.organization.list(...)`` on an :class:`AsyncClient`.

Built from the same registry plan (``_registry.modules()``) as the sync tree; each method is the
async twin of the one in ``_resources.py``: ``list`` returns an :class:`AsyncPager` at once,
everything else is a coroutine. Classes are made lazily, one per module and resource.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NoReturn

from ._registry import Operation, ResourceSpec, list_signature, method_doc, modules, resource_doc
from ._resources import (  # type: ignore[attr-defined]  # private helpers, not in the stub
    _check_data,
    _check_id,
    _new_id,
)

if TYPE_CHECKING:
    from ._async_client import AsyncClient

__all__ = ["AsyncModule", "AsyncResource", "async_module"]

_Method = Callable[..., Any]


def _list(op: Operation) -> _Method:
    def method(self: AsyncResource, **options: Any) -> Any:
        return self._client._list(op.path, **options)

    method.__signature__ = list_signature()  # type: ignore[attr-defined]
    return method


def _get(op: Operation) -> _Method:
    async def method(self: AsyncResource, id: str) -> Any:
        return await self._client.get(f"{op.path}/{_check_id(id)}")

    return method


def _create(op: Operation) -> _Method:
    async def method(self: AsyncResource, data: dict[str, Any]) -> Any:
        return _new_id(await self._client.post(op.path, _check_data(data)))

    return method


def _command(op: Operation) -> _Method:
    async def method(self: AsyncResource, data: dict[str, Any]) -> Any:
        return await self._client.post(op.path, _check_data(data))

    return method


def _put(op: Operation) -> _Method:
    async def method(self: AsyncResource, data: dict[str, Any]) -> Any:
        return await self._client.put(op.path, _check_data(data))

    return method


def _update(op: Operation) -> _Method:
    async def method(self: AsyncResource, id: str, data: dict[str, Any]) -> None:
        await self._client.put(f"{op.path}/{_check_id(id)}", _check_data(data))

    return method


def _delete(op: Operation) -> _Method:
    async def method(self: AsyncResource, id: str) -> None:
        await self._client.delete(f"{op.path}/{_check_id(id)}")

    return method


def _post_action(op: Operation) -> _Method:
    async def method(self: AsyncResource, id: str, data: dict[str, Any] | None = None) -> Any:
        path = f"{op.path}/{_check_id(id)}/{op.action}"
        return _new_id(await self._client.post(path, {} if data is None else _check_data(data)))

    return method


def _get_action(op: Operation) -> _Method:
    async def method(self: AsyncResource, id: str, **params: Any) -> Any:
        path = f"{op.path}/{_check_id(id)}/{op.action}"
        return await self._client.get(path, params=params or None)

    return method


_FACTORIES: dict[str, Callable[[Operation], _Method]] = {
    "list": _list,
    "get": _get,
    "call": _get,
    "create": _create,
    "command": _command,
    "put": _put,
    "update": _update,
    "delete": _delete,
    "post_action": _post_action,
    "get_action": _get_action,
}


class AsyncResource:
    """One resource of the API, bound to an :class:`AsyncClient`."""

    __slots__ = ("_client",)
    _spec: ResourceSpec

    def __init__(self, client: AsyncClient) -> None:
        self._client = client

    @property
    def path(self) -> str:
        return self._spec.path

    def __repr__(self) -> str:
        return f"<simplicate async resource {self._spec.dotted} ({', '.join(self._spec.methods)})>"


class AsyncModule:
    """One module of the API (``client.crm``), bound to an :class:`AsyncClient`."""

    __slots__ = ("_client", "_name")

    def __init__(self, client: AsyncClient, name: str) -> None:
        self._client = client
        self._name = name

    def __getattr__(self, attr: str) -> Any:  # an AsyncResource subclass (untyped for now)
        if attr.startswith("_") or attr not in modules()[self._name]:
            _no_attribute(self, attr, modules()[self._name])
        return _resource_class(self._name, attr)(self._client)

    def __dir__(self) -> list[str]:
        return sorted(modules()[self._name])

    def __repr__(self) -> str:
        return f"<simplicate async module {self._name}>"


def _no_attribute(obj: object, name: str, names: Any) -> NoReturn:
    raise AttributeError(
        f"{type(obj).__name__} has no attribute {name!r}; available: {', '.join(sorted(names))}"
    )


@functools.cache
def _resource_class(module: str, attr: str) -> type[AsyncResource]:
    spec = modules()[module][attr]
    namespace: dict[str, Any] = {}
    for op in spec.operations:
        function = _FACTORIES[op.kind](op)
        function.__name__ = op.attr
        function.__qualname__ = f"Async{spec.class_name}.{op.attr}"
        function.__doc__ = method_doc(spec, op)
        namespace[op.attr] = function
    namespace.update(__slots__=(), __module__=__name__, __doc__=resource_doc(spec), _spec=spec)
    return type(f"Async{spec.class_name}", (AsyncResource,), namespace)


def async_module(client: AsyncClient, name: str) -> AsyncModule:
    """``client.<name>`` for a module of the registry; AttributeError otherwise."""
    if name.startswith("_") or name not in modules():
        _no_attribute(client, name, modules())
    return AsyncModule(client, name)

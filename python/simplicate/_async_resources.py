"""The async resource tree: ``client.crm.organization.list(...)`` on an :class:`AsyncClient`.

Built by the same machinery as the sync tree (``_resources.py``: one class per module and per
resource, cached properties, the same attribute errors), with these method factories: each is
the async twin of the sync one — ``list`` returns an :class:`AsyncPager` at once, everything
else is a coroutine. Classes are named like the sync ones with an ``Async`` prefix
(``AsyncCrmOrganization``); ``_async_resources.pyi`` types them, written by
``scripts/generate_stubs.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ._files import UPLOAD_DOC
from ._registry import Operation, list_signature
from ._resources import (  # type: ignore[attr-defined]  # private helpers, not in the stub
    Flavor,
    Module,
    Resource,
    TreeBase,
    _check_data,
    _check_id,
    _new_id,
    class_by_name,
    plant_modules,
)

__all__ = ["AsyncModule", "AsyncResource", "AsyncResourceTree"]

_Method = Callable[..., Any]


def _list(op: Operation) -> _Method:
    def method(self: AsyncResource, **options: Any) -> Any:
        return self._client._list(op.path, **options)

    method.__signature__ = list_signature(asynchronous=True)  # type: ignore[attr-defined]
    return method


def _get(op: Operation) -> _Method:
    async def method(self: AsyncResource, id: str) -> Any:
        return await self._client.get(f"{op.path}/{_check_id(id)}")

    return method


def _get_one(op: Operation) -> _Method:
    async def method(self: AsyncResource) -> Any:
        return await self._client.get(op.path)

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
    "get_one": _get_one,
    "create": _create,
    "command": _command,
    "put": _put,
    "update": _update,
    "delete": _delete,
    "post_action": _post_action,
    "get_action": _get_action,
}


class AsyncResource(Resource):
    """One resource of the API, bound to an :class:`AsyncClient`. Its subclass (one per
    resource, made on first use) has exactly the methods the API allows on it, as coroutines
    (``list`` returns an :class:`AsyncPager`)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"<simplicate async resource {self._spec.dotted}: {', '.join(self._spec.methods)}>"


class AsyncModule(Module):
    """One module of the API (``client.crm``), bound to an :class:`AsyncClient`."""

    def __repr__(self) -> str:
        return f"<simplicate async module {self._module}>"


async def _upload_call(
    self: AsyncModule,
    source: Any,
    *,
    file_name: str | None = None,
    progress: Any = None,
) -> str:
    return await self._client._upload(source, file_name=file_name, progress=progress)


def _module_calls() -> dict[str, Callable[..., Any]]:
    """``await client.upload(source)`` uploads a file in chunks; ``client.upload.chunked`` stays
    the raw endpoint."""
    _upload_call.__doc__ = UPLOAD_DOC
    _upload_call.__name__ = "__call__"
    return {"upload": _upload_call}


class AsyncResourceTree(TreeBase):
    """A base class for :class:`simplicate.AsyncClient`: one attribute per API module
    (``client.crm``, ``client.hours``, ...), made on first access and kept."""

    __slots__ = ()


ASYNC = Flavor(
    prefix="Async",
    factories=_FACTORIES,
    resource_base=AsyncResource,
    module_base=AsyncModule,
    module_calls=_module_calls,
    owner=__name__,
)
plant_modules(AsyncResourceTree, ASYNC)


def __getattr__(name: str) -> type[Resource] | type[Module]:
    """The generated classes by name (``AsyncCrmOrganization``, ``AsyncCrmModule``)."""
    return class_by_name(ASYNC, name)

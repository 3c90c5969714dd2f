"""The capability bases: each method of the resource tree, written once, with its async twin.

A resource's class inherits one base per operation the registry allows on it, so
``CrmOrganization`` is ``(Listable, Gettable, Creatable, Updatable, Deletable)``::

    the registry allows              the base            the method
    GET    /module/name              Listable            list(filter=, select=, ...) -> Pager
    GET    /module/name (one record) GettableOne         get(): the API answers one record
    POST   /module/name              Creatable           create(data) -> new id
    POST   /module/name (no record)  Command             create(data) -> the answer's data
    PUT    /module/name              Puttable            put(data), the record's id inside data
    GET    /module/name/{id}         Gettable            get(id); CallableItem adds __call__
    PUT    /module/name/{id}         Updatable           update(id, data)
    DELETE /module/name/{id}         Deletable           delete(id)

Actions (``duplicate``, ``planning_budget``) have bases of their own in ``_actions.py``. The
``Async`` twin of each base has the same signature and docstring (the tests compare them), with
coroutines for methods, but for ``list``: it hands back an :class:`AsyncPager` at once. A
resource's own paths are in its class docstring; the bases read it from ``self.path``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .._constants import DEFAULT_PAGE_SIZE
from ._base import AsyncResource, Resource, check_data, new_id

if TYPE_CHECKING:
    from .._async_pager import AsyncPager
    from .._pager import Pager
    from .._progress import ProgressCallback
    from .._requester import Requester
    from .._types import Params

__all__ = [
    "AsyncCallableItem",
    "AsyncCommand",
    "AsyncCreatable",
    "AsyncDeletable",
    "AsyncGettable",
    "AsyncGettableOne",
    "AsyncListable",
    "AsyncPuttable",
    "AsyncUpdatable",
    "CallableItem",
    "Command",
    "Creatable",
    "Deletable",
    "Gettable",
    "GettableOne",
    "Listable",
    "Puttable",
    "SyncResource",
    "Updatable",
]


class SyncResource(Resource):
    """A resource bound to a sync client (the async bases derive from :class:`AsyncResource`)."""

    __slots__ = ()
    _client: Requester


# ---- GET on the collection ---------------------------------------------------------------------
# The options are `Client._list`'s, declared the same (a test compares the two signatures).


class Listable(SyncResource):
    __slots__ = ()

    def list(
        self,
        *,
        filter: Mapping[str, Any] | None = None,
        select: str | Sequence[str] | None = None,
        sort: str | Sequence[str] | None = None,
        limit: int | None = None,
        offset: int = 0,
        page_size: int = DEFAULT_PAGE_SIZE,
        params: Params | None = None,
        progress: bool | ProgressCallback | None = None,
    ) -> Pager:
        """The collection as a lazy pager: ``GET /{path}``.

        Nothing is fetched until the pager is iterated (records, lazily, ``page_size`` to a
        request) or asked for ``count()`` or ``first()``. ``filter`` maps field names to
        values (``"*"`` wildcards) or to operator dicts (``{"ge": date}``); ``select`` names
        the fields to fetch; ``sort`` the fields to order by (``"-updated_at"`` descending);
        ``limit`` and ``offset`` cut a window from the whole result; ``params`` adds other
        query parameters; ``progress=True`` shows a bar.
        """
        return self._client._list(
            self.path,
            filter=filter,
            select=select,
            sort=sort,
            limit=limit,
            offset=offset,
            page_size=page_size,
            params=params,
            progress=progress,
        )


class AsyncListable(AsyncResource):
    __slots__ = ()

    def list(
        self,
        *,
        filter: Mapping[str, Any] | None = None,
        select: str | Sequence[str] | None = None,
        sort: str | Sequence[str] | None = None,
        limit: int | None = None,
        offset: int = 0,
        page_size: int = DEFAULT_PAGE_SIZE,
        params: Params | None = None,
        progress: bool | ProgressCallback | None = None,
    ) -> AsyncPager:
        """The collection as a lazy pager: ``GET /{path}``.

        Nothing is fetched until the pager is iterated (records, lazily, ``page_size`` to a
        request) or asked for ``count()`` or ``first()``. ``filter`` maps field names to
        values (``"*"`` wildcards) or to operator dicts (``{"ge": date}``); ``select`` names
        the fields to fetch; ``sort`` the fields to order by (``"-updated_at"`` descending);
        ``limit`` and ``offset`` cut a window from the whole result; ``params`` adds other
        query parameters; ``progress=True`` shows a bar.
        """
        return self._client._list(
            self.path,
            filter=filter,
            select=select,
            sort=sort,
            limit=limit,
            offset=offset,
            page_size=page_size,
            params=params,
            progress=progress,
        )


class GettableOne(SyncResource):
    __slots__ = ()

    def get(self) -> dict[str, Any]:
        """The one record the collection answers: ``GET /{path}``, as a dict."""
        return self._client.get(self.path)  # type: ignore[no-any-return]


class AsyncGettableOne(AsyncResource):
    __slots__ = ()

    async def get(self) -> dict[str, Any]:
        """The one record the collection answers: ``GET /{path}``, as a dict."""
        return await self._client.get(self.path)  # type: ignore[no-any-return]


# ---- POST and PUT on the collection ------------------------------------------------------------


class Creatable(SyncResource):
    __slots__ = ()

    def create(self, data: dict[str, Any]) -> str:
        """Create a record from ``data``: ``POST /{path}``; returns the new id.

        Should the answer carry no ``id``, its whole ``data`` is returned instead.
        """
        return new_id(self._client.post(self.path, check_data(data)))  # type: ignore[no-any-return]


class AsyncCreatable(AsyncResource):
    __slots__ = ()

    async def create(self, data: dict[str, Any]) -> str:
        """Create a record from ``data``: ``POST /{path}``; returns the new id.

        Should the answer carry no ``id``, its whole ``data`` is returned instead.
        """
        answer = await self._client.post(self.path, check_data(data))
        return new_id(answer)  # type: ignore[no-any-return]


class Command(SyncResource):
    __slots__ = ()

    def create(self, data: dict[str, Any]) -> Any:
        """Run the command: ``POST /{path}`` with body ``data``.

        A command, not a new record: returns the answer's ``data`` (usually a dict).
        """
        return self._client.post(self.path, check_data(data))


class AsyncCommand(AsyncResource):
    __slots__ = ()

    async def create(self, data: dict[str, Any]) -> Any:
        """Run the command: ``POST /{path}`` with body ``data``.

        A command, not a new record: returns the answer's ``data`` (usually a dict).
        """
        return await self._client.post(self.path, check_data(data))


class Puttable(SyncResource):
    __slots__ = ()

    def put(self, data: dict[str, Any]) -> Any:
        """``PUT /{path}`` with body ``data``; returns the answer's ``data``.

        A PUT on the collection: where it changes one record, ``data`` names it in ``id``.
        """
        return self._client.put(self.path, check_data(data))


class AsyncPuttable(AsyncResource):
    __slots__ = ()

    async def put(self, data: dict[str, Any]) -> Any:
        """``PUT /{path}`` with body ``data``; returns the answer's ``data``.

        A PUT on the collection: where it changes one record, ``data`` names it in ``id``.
        """
        return await self._client.put(self.path, check_data(data))


# ---- one record --------------------------------------------------------------------------------


class Gettable(SyncResource):
    __slots__ = ()

    def get(self, id: str) -> dict[str, Any]:
        """One record: ``GET /{path}/{id}``; returns it as a dict."""
        return self._client.get(self._item(id))  # type: ignore[no-any-return]


class AsyncGettable(AsyncResource):
    __slots__ = ()

    async def get(self, id: str) -> dict[str, Any]:
        """One record: ``GET /{path}/{id}``; returns it as a dict."""
        return await self._client.get(self._item(id))  # type: ignore[no-any-return]


class CallableItem(SyncResource):
    """A resource that offers nothing but its records is callable too:
    ``sales.converttoproject(id)``."""

    __slots__ = ()

    def __call__(self, id: str) -> dict[str, Any]:
        """One record: ``GET /{path}/{id}``; the same as ``get(id)``."""
        return self._client.get(self._item(id))  # type: ignore[no-any-return]


class AsyncCallableItem(AsyncResource):
    """A resource that offers nothing but its records is callable too:
    ``sales.converttoproject(id)``."""

    __slots__ = ()

    async def __call__(self, id: str) -> dict[str, Any]:
        """One record: ``GET /{path}/{id}``; the same as ``get(id)``."""
        return await self._client.get(self._item(id))  # type: ignore[no-any-return]


class Updatable(SyncResource):
    __slots__ = ()

    def update(self, id: str, data: dict[str, Any]) -> None:
        """Change record ``id``: ``PUT /{path}/{id}`` with the fields in ``data``; returns None."""
        self._client.put(self._item(id), check_data(data))


class AsyncUpdatable(AsyncResource):
    __slots__ = ()

    async def update(self, id: str, data: dict[str, Any]) -> None:
        """Change record ``id``: ``PUT /{path}/{id}`` with the fields in ``data``; returns None."""
        await self._client.put(self._item(id), check_data(data))


class Deletable(SyncResource):
    __slots__ = ()

    def delete(self, id: str) -> None:
        """Delete record ``id``: ``DELETE /{path}/{id}``; returns None."""
        self._client.delete(self._item(id))


class AsyncDeletable(AsyncResource):
    __slots__ = ()

    async def delete(self, id: str) -> None:
        """Delete record ``id``: ``DELETE /{path}/{id}``; returns None."""
        await self._client.delete(self._item(id))

"""What the resource tree needs from a client, and nothing more.

A resource (``client.crm.organization``) turns a method call into one call on its client: one
of the four verbs, a pager, or a chunked upload. These protocols name exactly those calls, so
the tree is typed against them and never imports a client (the clients import the tree, to
subclass its ``ResourceTree``). Incremental sync (``_incremental.py``) needs the same of a
client and takes a ``Requester`` too. ``Client`` satisfies ``Requester`` and ``AsyncClient``
satisfies ``AsyncRequester``; the typing tests check both.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from ._async_pager import AsyncPager
    from ._files import UploadSource
    from ._pager import Pager
    from ._progress import ProgressCallback
    from ._types import Params

__all__ = ["AsyncRequester", "Requester"]


class Requester(Protocol):
    """The calls a sync resource makes on its client."""

    def get(self, path: str, params: Params | None = None) -> Any: ...
    def post(self, path: str, json: dict[str, Any]) -> Any: ...
    def put(self, path: str, json: dict[str, Any]) -> Any: ...
    def delete(self, path: str) -> Any: ...
    def _list(
        self,
        path: str,
        *,
        filter: Mapping[str, Any] | None = ...,
        select: str | Sequence[str] | None = ...,
        sort: str | Sequence[str] | None = ...,
        limit: int | None = ...,
        offset: int = ...,
        page_size: int = ...,
        params: Params | None = ...,
        progress: bool | ProgressCallback | None = ...,
    ) -> Pager: ...
    def _upload(
        self,
        source: UploadSource,
        *,
        file_name: str | None = ...,
        progress: bool | ProgressCallback | None = ...,
    ) -> str: ...


class AsyncRequester(Protocol):
    """The calls an async resource makes on its client: coroutines, but for ``_list``, whose
    pager is handed back at once."""

    async def get(self, path: str, params: Params | None = None) -> Any: ...
    async def post(self, path: str, json: dict[str, Any]) -> Any: ...
    async def put(self, path: str, json: dict[str, Any]) -> Any: ...
    async def delete(self, path: str) -> Any: ...
    def _list(
        self,
        path: str,
        *,
        filter: Mapping[str, Any] | None = ...,
        select: str | Sequence[str] | None = ...,
        sort: str | Sequence[str] | None = ...,
        limit: int | None = ...,
        offset: int = ...,
        page_size: int = ...,
        params: Params | None = ...,
        progress: bool | ProgressCallback | None = ...,
    ) -> AsyncPager: ...
    async def _upload(
        self,
        source: UploadSource,
        *,
        file_name: str | None = ...,
        progress: bool | ProgressCallback | None = ...,
    ) -> str: ...

"""Methods beyond CRUD. Action bases: a method per action the registry lists below a record
(``POST /projects/service/{id}/duplicate``, ``GET /projects/project/{id}/planningBudget``),
each with its async twin; and the chunked upload that makes the ``upload`` module callable.

An action the registry gains without a base here stops the tree from being assembled, naming
the action (``_assemble.py``), rather than leaving a resource without it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._base import AsyncModule, AsyncResource, Module, check_data, new_id
from ._capabilities import SyncResource

if TYPE_CHECKING:
    from .._files import UploadSource
    from .._progress import ProgressCallback
    from .._requester import Requester
    from .._types import ParamValue

__all__ = [
    "AsyncDuplicable",
    "AsyncPlanningBudget",
    "AsyncUploads",
    "Duplicable",
    "PlanningBudget",
    "Uploads",
]


class Duplicable(SyncResource):
    __slots__ = ()

    def duplicate(self, id: str, data: dict[str, Any] | None = None) -> str:
        """Copy record ``id``: ``POST /{path}/{id}/duplicate`` with body ``data`` (default
        ``{}``, fields to change in the copy); returns the new id.

        Should the answer carry no ``id``, its whole ``data`` is returned instead.
        """
        path = self._item(id, "duplicate")
        body = {} if data is None else check_data(data)
        return new_id(self._client.post(path, body))  # type: ignore[no-any-return]


class AsyncDuplicable(AsyncResource):
    __slots__ = ()

    async def duplicate(self, id: str, data: dict[str, Any] | None = None) -> str:
        """Copy record ``id``: ``POST /{path}/{id}/duplicate`` with body ``data`` (default
        ``{}``, fields to change in the copy); returns the new id.

        Should the answer carry no ``id``, its whole ``data`` is returned instead.
        """
        path = self._item(id, "duplicate")
        body = {} if data is None else check_data(data)
        return new_id(await self._client.post(path, body))  # type: ignore[no-any-return]


class PlanningBudget(SyncResource):
    __slots__ = ()

    def planning_budget(self, id: str, **params: ParamValue) -> Any:
        """The planning budget of record ``id``: ``GET /{path}/{id}/planningBudget`` with
        ``params`` as the query (``until_date="2025-01-31"``); returns the answer's ``data``."""
        return self._client.get(self._item(id, "planningBudget"), params=params or None)


class AsyncPlanningBudget(AsyncResource):
    __slots__ = ()

    async def planning_budget(self, id: str, **params: ParamValue) -> Any:
        """The planning budget of record ``id``: ``GET /{path}/{id}/planningBudget`` with
        ``params`` as the query (``until_date="2025-01-31"``); returns the answer's ``data``."""
        return await self._client.get(self._item(id, "planningBudget"), params=params or None)


# ---- the upload module -------------------------------------------------------------------------
# `client.upload(source)` uploads a file in chunks while `client.upload.chunked` stays the raw
# endpoint: the module's class is callable.


class Uploads(Module):
    """The ``upload`` module of a sync client: callable, and its endpoints as resources."""

    _client: Requester

    def __call__(
        self,
        source: UploadSource,
        *,
        file_name: str | None = None,
        progress: bool | ProgressCallback | None = None,
    ) -> str:
        """Upload a file in chunks and return its ``upload_queue_id``.

        ``source`` is a path, bytes-like, or a binary file object (seekable, so its size is
        known). It is read and base64-encoded one 375,000-byte slice at a time (500 kB of
        base64, the API's limit per chunk), so memory stays bounded whatever the size. Chunks
        go through the client's pacing and retries, and a chunk whose answer was lost is never
        appended twice: the upload resumes from the server's ``file_size_current``.
        ``file_name`` defaults to the path's or file object's name (required for bytes).
        ``progress=True`` shows a tqdm bar (``pip install 'simplicate[progress]'``), or pass
        ``progress=callable(done_bytes, total_bytes)``. Missing, unreadable, directory or empty
        sources raise before anything is sent.

        ``client.upload`` is also the API's ``upload`` module: ``client.upload.chunked``
        reaches the raw endpoints.
        """
        return self._client._upload(source, file_name=file_name, progress=progress)


class AsyncUploads(AsyncModule):
    """The ``upload`` module of an async client: awaitable when called."""

    async def __call__(
        self,
        source: UploadSource,
        *,
        file_name: str | None = None,
        progress: bool | ProgressCallback | None = None,
    ) -> str:
        """Upload a file in chunks and return its ``upload_queue_id``.

        ``source`` is a path, bytes-like, or a binary file object (seekable, so its size is
        known). It is read and base64-encoded one 375,000-byte slice at a time (500 kB of
        base64, the API's limit per chunk), so memory stays bounded whatever the size. Chunks
        go through the client's pacing and retries, and a chunk whose answer was lost is never
        appended twice: the upload resumes from the server's ``file_size_current``.
        ``file_name`` defaults to the path's or file object's name (required for bytes).
        ``progress=True`` shows a tqdm bar (``pip install 'simplicate[progress]'``), or pass
        ``progress=callable(done_bytes, total_bytes)``. Missing, unreadable, directory or empty
        sources raise before anything is sent.

        ``client.upload`` is also the API's ``upload`` module: ``client.upload.chunked``
        reaches the raw endpoints.
        """
        return await self._client._upload(source, file_name=file_name, progress=progress)

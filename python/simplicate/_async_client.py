"""The asyncio client: the same configuration as :class:`simplicate.Client`, awaitable calls.

Requests go through the same Rust transport (one process-wide tokio runtime, one connection pool
and one pacer per client): awaiting a call waits on the runtime, never on a thread of the event
loop, and cancelling the awaiting task drops the request in Rust.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any, BinaryIO

from . import _core, _files
from ._async_pager import AsyncPager
from ._base_client import BaseClient, one_record, request_arguments, require_body
from ._constants import DEFAULT_PAGE_SIZE
from ._files import DownloadedBytes, DownloadedFile, UploadSource
from ._pager import recipe
from ._progress import ProgressCallback
from ._resources import AsyncResourceTree
from ._types import Params

__all__ = ["AsyncClient"]


class AsyncClient(BaseClient, AsyncResourceTree):
    """An asyncio client for one Simplicate account; arguments as for :class:`simplicate.Client`.

    >>> async with simplicate.AsyncClient("acme", api_key="...", api_secret="...") as client:
    ...     orgs = await client.get("crm/organization", params={"limit": 5})
    ...     async for org in client.crm.organization.list(filter={"name": "*Bob*"}):
    ...         ...

    The resource tree works as on ``Client``: ``client.crm.organization.list(...)`` returns an
    :class:`AsyncPager` (``async for``), ``await client.crm.organization.get(id)``, ``create``,
    ``update``, ``delete`` and the actions are coroutines. Files too: ``await
    client.upload(source)`` (``client.upload.chunked`` stays the raw endpoint), ``await
    client.upload_document(...)``, ``await client.download(document_id, dest)``, ``await
    client.download_invoice_pdf(invoice_id, dest)``.

    Concurrent tasks share the client's pacing (``rate_limit``/``rate_burst``), retries and
    connections. Cancelling a task that awaits a call (``asyncio.wait_for`` timing out) cancels
    the request. Use ``async with``, or ``await client.aclose()``, to release the connections.
    It pickles as ``Client`` does: its configuration travels, the API secret included.
    """

    _public_name = "AsyncClient"
    _native: _core.AsyncTransport

    def _transport_built(self) -> None:
        # Awaiting goes through the native async driver of the same transport: one connection
        # pool, one pacer, one retry budget per client.
        self._native = _core.AsyncTransport(self._transport)

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Params | None = None,
        json: Any = None,
        max_retries: int | None = None,
    ) -> dict[str, Any]:
        """Send one request and return the whole response envelope (see ``Client.request``)."""
        verb, retries = request_arguments(method, path, max_retries)
        return await self._native.request(verb, path, params=params, json=json, max_retries=retries)

    async def get(
        self, path: str, params: Params | None = None, *, max_retries: int | None = None
    ) -> Any:
        """GET ``path`` and return the envelope's ``data`` (a dict, or a list for collections);
        a one-record list on an item path gives the record, as on ``Client.get``."""
        data = (await self.request("GET", path, params=params, max_retries=max_retries))["data"]
        return one_record(path, data)

    async def post(
        self, path: str, json: dict[str, Any] | list[Any], *, max_retries: int | None = None
    ) -> Any:
        """POST a JSON body and return ``data`` (for a create, ``{"id": "<new id>"}``)."""
        require_body(json)
        return (await self.request("POST", path, json=json, max_retries=max_retries))["data"]

    async def put(
        self, path: str, json: dict[str, Any] | list[Any], *, max_retries: int | None = None
    ) -> Any:
        """PUT a JSON body (a partial update) and return ``data``."""
        require_body(json)
        return (await self.request("PUT", path, json=json, max_retries=max_retries))["data"]

    async def delete(self, path: str, *, max_retries: int | None = None) -> Any:
        """DELETE ``path`` and return ``data`` (usually ``None``)."""
        return (await self.request("DELETE", path, max_retries=max_retries))["data"]

    def _list(
        self,
        path: str,
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
        """A lazy async pager over the list endpoint ``path``; nothing is sent until it is
        iterated, counted or asked for its first record."""
        native = self._native.pager(
            path,
            filter=filter,
            select=select,
            sort=sort,
            limit=limit,
            offset=offset,
            page_size=page_size,
            params=params,
        )
        query = {
            "filter": filter,
            "select": select,
            "sort": sort,
            "limit": limit,
            "offset": offset,
            "page_size": page_size,
            "params": params,
        }
        return AsyncPager(
            native,
            limit=limit,
            offset=offset,
            progress=progress,
            recipe=recipe(self, path, query, progress),
        )

    async def upload_document(
        self,
        source: UploadSource,
        *,
        title: str,
        document_type_id: str,
        linked_to: dict[str, str],
        description: str | None = None,
        file_name: str | None = None,
        progress: bool | ProgressCallback | None = None,
    ) -> str:
        """Upload ``source`` and create a document from it; returns the document id (see
        ``Client.upload_document``)."""
        body = _files.document_body(
            title=title,
            document_type_id=document_type_id,
            linked_to=linked_to,
            description=description,
        )
        body["upload_queue_id"] = await self._upload(source, file_name=file_name, progress=progress)
        created = await self.post("documents/document", body)
        document_id: str = created["id"]
        return document_id

    async def download(
        self,
        document_id: str,
        dest: str | os.PathLike[str] | BinaryIO | None = None,
        *,
        progress: bool | ProgressCallback | None = None,
    ) -> DownloadedBytes | DownloadedFile:
        """Download a document's file (see ``Client.download``): the bytes, or a
        :class:`DownloadedFile` when written to a path (atomically) or a binary file object.
        A progress callable is called on the event loop's thread."""
        plan = _files.document_download(document_id, dest, progress)
        return plan.result(await self._native.download(plan.path, **plan.kwargs))

    async def download_invoice_pdf(
        self,
        invoice_id: str,
        dest: str | os.PathLike[str] | BinaryIO | None = None,
        *,
        progress: bool | ProgressCallback | None = None,
    ) -> DownloadedBytes | DownloadedFile:
        """Find the invoice's PDF document and download it (see
        ``Client.download_invoice_pdf``); :class:`NotFoundError` when it has none."""
        pdf = _files.InvoicePdf(invoice_id, dest, progress)
        envelope = await self.request("GET", pdf.path, params=pdf.params)
        plan = pdf.download_plan(envelope, self.base_url)
        return plan.result(await self._native.download(plan.path, **plan.kwargs))

    async def _upload(
        self,
        source: UploadSource,
        *,
        file_name: str | None = None,
        progress: bool | ProgressCallback | None = None,
    ) -> str:
        """``await client.upload(source)``: the chunked upload (see ``Client.upload``)."""
        return await self._native.upload(**_files.upload_args(source, file_name, progress))

    def close(self) -> None:
        """``aclose`` without a coroutine, for code that has no running loop (a test fixture's
        teardown, an ``atexit`` hook): closing only releases connections, never waits."""
        self._transport.close()

    async def aclose(self) -> None:
        """Release the connections. Later calls raise RuntimeError. Safe to call twice."""
        self._transport.close()

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

"""The synchronous client: the generic calls, files and incremental sync, over the configuration
and native transport of :class:`~simplicate._base_client.BaseClient`."""

from __future__ import annotations

import os
from collections.abc import Mapping, MutableMapping, Sequence
from typing import Any, BinaryIO

from . import _core, _files, _incremental
from ._base_client import (
    BaseClient,
    one_record,
    request_arguments,
    require_body,
)
from ._constants import DEFAULT_PAGE_SIZE
from ._files import DownloadedBytes, DownloadedFile, UploadSource
from ._pager import Pager, recipe
from ._progress import ProgressCallback
from ._resources import Resource, ResourceTree
from ._types import Params, PathLike

__all__ = ["Client"]


class Client(BaseClient, ResourceTree):
    """A client for one Simplicate account.

    >>> client = simplicate.Client("acme", api_key="...", api_secret="...")
    >>> client.get("crm/organization", params={"limit": 5})

    Args:
        domain: your Simplicate subdomain: ``"acme"`` means ``https://acme.simplicate.nl/api/v2``.
            Falls back to ``SIMPLICATE_DOMAIN``.
        base_url: the full API root instead, for ``.simplicate.com``/``.simplicate.app`` accounts,
            proxies and test servers (``http://`` only on loopback). Falls back to
            ``SIMPLICATE_BASE_URL``.
        api_key, api_secret: the API token; fall back to ``SIMPLICATE_API_KEY`` and
            ``SIMPLICATE_API_SECRET``. Never shown in ``repr``, messages or logs.
        timeout: seconds a whole request may take (default 60).
        connect_timeout: seconds to establish a connection (default 10).
        ca_bundle: a PEM file of extra trusted root certificates (corporate proxies). The system's
            roots, and ``SSL_CERT_FILE``, are always honoured; verification is never turned off.
        rate_limit: requests per minute for everything this client sends (all threads, pagers,
            prefetches, retries), default 60; ``None`` turns pacing off.
        rate_burst: requests that may go at once before pacing applies (default 3).
        max_retries: retries of a transient failure (default 3; per call too). 429 answers are
            retried for every method, pausing the whole client: after ``Retry-After``, or
            without a usable one (none, ``0``, a past date) on a schedule that waits out the
            API's per-minute window (the last retry a whole minute, each earlier one half the
            next); 500/502/503/504, connection errors and timeouts are retried for GET, PUT and
            DELETE, and for a POST only when it provably never reached the server, so a create
            is never applied twice. Each retry is logged at DEBUG on the ``simplicate`` logger.
        retry_backoff, retry_backoff_max: the first wait between retries and its cap, in
            seconds (default 0.5 doubling up to 8, with jitter).

    Files: ``client.upload(source)`` (chunked, streamed), ``client.upload_document(...)``,
    ``client.download(document_id, dest)`` and ``client.download_invoice_pdf(...)``.

    Every endpoint of the API is a method on the resource tree:
    ``client.crm.organization.list(filter={...})``, ``client.hours.hours.get(id)``,
    ``client.projects.service.duplicate(id)``; the generic calls (:meth:`get`, :meth:`post`,
    :meth:`put`, :meth:`delete`, :meth:`request`) reach anything else.

    A client is safe to share between threads. Use it as a context manager, or call
    :meth:`close`, to release its connections.

    A client pickles, to be sent to worker processes (``ProcessPoolExecutor``, Dask): it
    travels as its configuration, the API secret included, so send it only where the
    credentials may go; it makes its own connections and pacer where it lands. Its pagers
    pickle as their query.
    """

    _public_name = "Client"

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Params | None = None,
        json: Any = None,
        max_retries: int | None = None,
    ) -> dict[str, Any]:
        """Send one request and return the whole response envelope.

        The envelope is a dict with ``data`` and, as the API sends them, ``metadata``, ``errors``
        and ``debug``. ``path`` is relative to the API root (``"crm/organization"``; a leading
        slash is fine). ``params`` values may be str, int, float, bool (sent as 1/0), datetime,
        date, or lists of those; ``None`` values are left out. ``json`` is the body: dicts and
        lists of JSON values, datetimes and dates (written ``YYYY-MM-DD HH:MM:SS`` and
        ``YYYY-MM-DD``) and Decimals. ``max_retries`` overrides the client's for this call.
        """
        verb, retries = request_arguments(method, path, max_retries)
        return self._transport.request(verb, path, params=params, json=json, max_retries=retries)

    def get(
        self, path: str, params: Params | None = None, *, max_retries: int | None = None
    ) -> Any:
        """GET ``path`` and return the envelope's ``data`` (a dict, or a list for collections).

        For one record (``crm/contactperson/<id>``) it is the record's dict, also when the API
        answers with a list holding just that record, as it does for some."""
        data = self.request("GET", path, params=params, max_retries=max_retries)["data"]
        return one_record(path, data)

    def post(
        self, path: str, json: dict[str, Any] | list[Any], *, max_retries: int | None = None
    ) -> Any:
        """POST a JSON body and return ``data`` (for a create, ``{"id": "<new id>"}``)."""
        require_body(json)
        return self.request("POST", path, json=json, max_retries=max_retries)["data"]

    def put(
        self, path: str, json: dict[str, Any] | list[Any], *, max_retries: int | None = None
    ) -> Any:
        """PUT a JSON body (a partial update) and return ``data``."""
        require_body(json)
        return self.request("PUT", path, json=json, max_retries=max_retries)["data"]

    def delete(self, path: str, *, max_retries: int | None = None) -> Any:
        """DELETE ``path`` and return ``data`` (usually ``None``)."""
        return self.request("DELETE", path, max_retries=max_retries)["data"]

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
    ) -> Pager:
        """A lazy pager over the list endpoint ``path`` (what ``resource.list`` returns).

        Bad arguments raise here, before any request: the pager sends nothing until it is
        iterated, counted or asked for its first record.
        """
        native = self._transport.pager(
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
        return Pager(
            native,
            limit=limit,
            offset=offset,
            progress=progress,
            recipe=recipe(self, path, query, progress),
        )

    def _upload(
        self,
        source: UploadSource,
        *,
        file_name: str | None = None,
        progress: bool | ProgressCallback | None = None,
    ) -> str:
        """``client.upload(source)``: the chunked upload (see ``Client.upload``)."""
        return _core.upload(self._transport, **_files.upload_args(source, file_name, progress))

    def upload_document(
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
        """Upload ``source`` and create a document from it; returns the document id.

        ``linked_to`` names what it belongs to, e.g. ``{"person_id": "person:..."}``.
        """
        body = _files.document_body(
            title=title,
            document_type_id=document_type_id,
            linked_to=linked_to,
            description=description,
        )
        body["upload_queue_id"] = self._upload(source, file_name=file_name, progress=progress)
        created = self.post("documents/document", body)
        document_id: str = created["id"]
        return document_id

    def download(
        self,
        document_id: str,
        dest: str | os.PathLike[str] | BinaryIO | None = None,
        *,
        progress: bool | ProgressCallback | None = None,
    ) -> DownloadedBytes | DownloadedFile:
        """Download a document's file.

        Without ``dest`` it returns the bytes (a ``bytes`` subclass with ``content_type`` and
        ``file_name``). With a path it streams to a temporary file beside it and renames it into
        place when complete, so a failed download leaves nothing at ``dest``; with a binary file
        object it writes into it. Both return a :class:`DownloadedFile` (``path``, ``size``,
        ``content_type``, ``file_name``). A broken transfer to memory or a path starts over (up
        to ``max_retries`` times).
        """
        plan = _files.document_download(document_id, dest, progress)
        return plan.result(_core.download(self._transport, plan.path, **plan.kwargs))

    def download_invoice_pdf(
        self,
        invoice_id: str,
        dest: str | os.PathLike[str] | BinaryIO | None = None,
        *,
        progress: bool | ProgressCallback | None = None,
    ) -> DownloadedBytes | DownloadedFile:
        """The documented invoice use case: find the invoice's PDF document
        (``invoices/document?q[linked_to.invoice_id]=...``) and download it.
        Raises :class:`NotFoundError` when the invoice has none."""
        pdf = _files.InvoicePdf(invoice_id, dest, progress)
        envelope = self.request("GET", pdf.path, params=pdf.params)
        plan = pdf.download_plan(envelope, self.base_url)
        return plan.result(_core.download(self._transport, plan.path, **plan.kwargs))

    def sync(
        self,
        resource: str | Resource,
        state: PathLike | MutableMapping[str, Any],
        *,
        filter: Mapping[str, Any] | None = None,
        select: str | Sequence[str] | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> _incremental.SyncResult:
        """What was created, updated and deleted in ``resource`` since the last run with
        ``state``; then ``state`` moves on.

        >>> result = client.sync("crm/organization", "orgs.sync.json")
        >>> result.changed, result.deleted   # records (oldest first), ids

        ``resource`` is an API path or a resource of the tree (``client.crm.organization``).
        The first run returns the whole (filtered) collection; later runs return the records
        whose ``updated_at`` is at or past the watermark and not delivered yet, and the ids that
        left the synced set: deleted, or no longer matching ``filter``. Apply ``changed``, then
        ``deleted``, to a copy to keep it equal to the API's; an id is never in both.

        ``state`` is a JSON file (created on the first run, replaced atomically) or a dict
        (updated in place; empty on the first run). Either way it changes only when the whole
        run succeeded, so a failed run can simply be repeated. Its keys: ``version`` (1),
        ``resource`` (the path), ``filter`` (the ``q[...]`` pairs of ``filter``), ``watermark``
        (the newest ``updated_at`` delivered, as the API writes it), ``boundary`` (id →
        [``updated_at``, digest] of the records delivered at the watermark: ``updated_at``
        counts whole seconds, so the next run asks for ``q[updated_at][ge]=watermark`` and
        skips these unless they changed again) and ``known`` (the ids of the synced set, for
        finding deletions). A state belongs to one resource and one filter: another raises
        ValueError, as does a filter on ``updated_at`` or with an ``"or"`` group. ``select``
        always gets ``id`` and ``updated_at`` added.

        Requests: the changes cost ceil(changes / ``page_size``); deletions cost nothing on the
        first run, else either a pull of every id (``select=id``, 100 a page) or ``q[id][in]``
        batches of the known ids, whichever is fewer. Bad arguments raise before any request.
        """
        return _incremental.sync(
            self, resource, state, filter=filter, select=select, page_size=page_size
        )

    def close(self) -> None:
        """Release the connections. Later calls raise RuntimeError. Safe to call twice."""
        self._transport.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

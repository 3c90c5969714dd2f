"""The synchronous client: configuration, environment fallbacks, and the generic calls."""

from __future__ import annotations

import os
import platform
from collections.abc import Mapping, MutableMapping, Sequence
from typing import Any, BinaryIO

from . import _core, _files, _incremental
from ._constants import (
    DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_MAX_RETRIES,
    DEFAULT_PAGE_SIZE,
    DEFAULT_RATE_BURST,
    DEFAULT_RATE_LIMIT,
    DEFAULT_RETRY_BACKOFF,
    DEFAULT_RETRY_BACKOFF_MAX,
    DEFAULT_TIMEOUT,
    ENV_API_KEY,
    ENV_API_SECRET,
    ENV_BASE_URL,
    ENV_DOMAIN,
)
from ._exceptions import ConfigurationError
from ._files import DownloadedBytes, DownloadedFile, Progress, UploadSource
from ._pager import Pager
from ._registry import is_item_get
from ._resources import Resource, ResourceTree
from ._types import Params, PathLike

__all__ = ["Client"]

_METHODS = ("GET", "POST", "PUT", "DELETE")


def _user_agent() -> str:
    return f"simplicate-python/{_core.__version__} Python/{platform.python_version()}"


def _seconds(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{name} must be a number of seconds, got {type(value).__name__}")
    return float(value)


def _per_minute(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        kind = type(value).__name__
        raise TypeError(f"rate_limit must be a number of requests per minute or None, got {kind}")
    return float(value)


def _credential(name: str, value: str | None, env: str) -> str:
    if value is None:
        value = os.environ.get(env)
    if value is None or not str(value).strip():
        raise ConfigurationError(f"no {name}: pass {name}= or set the {env} environment variable")
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, got {type(value).__name__}")
    return value


def _resolve_address(domain: str | None, base_url: str | None) -> str:
    for name, value in (("domain", domain), ("base_url", base_url)):
        if value is not None and not isinstance(value, str):
            raise TypeError(f"{name} must be a str, got {type(value).__name__}")
    if domain is None and base_url is None:
        # Explicit arguments win over the environment; of the two variables, the full URL wins.
        base_url = os.environ.get(ENV_BASE_URL) or None
        if base_url is None:
            domain = os.environ.get(ENV_DOMAIN) or None
    return _core.resolve_base_url(domain, base_url)


class Client(ResourceTree):
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
    """

    def __init__(
        self,
        domain: str | None = None,
        *,
        base_url: str | None = None,
        api_key: str | None = None,
        api_secret: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        connect_timeout: float = DEFAULT_CONNECT_TIMEOUT,
        ca_bundle: PathLike | None = None,
        rate_limit: float | None = DEFAULT_RATE_LIMIT,
        rate_burst: int = DEFAULT_RATE_BURST,
        max_retries: int = DEFAULT_MAX_RETRIES,
        retry_backoff: float = DEFAULT_RETRY_BACKOFF,
        retry_backoff_max: float = DEFAULT_RETRY_BACKOFF_MAX,
    ) -> None:
        url = _resolve_address(domain, base_url)
        key = _credential("api_key", api_key, ENV_API_KEY)
        secret = _credential("api_secret", api_secret, ENV_API_SECRET)
        if ca_bundle is not None and not isinstance(ca_bundle, str | os.PathLike):
            raise TypeError(f"ca_bundle must be a path, got {type(ca_bundle).__name__}")
        self._transport = _core.Transport(
            url,
            api_key=key,
            api_secret=secret,
            timeout=_seconds("timeout", timeout),
            connect_timeout=_seconds("connect_timeout", connect_timeout),
            user_agent=_user_agent(),
            ca_bundle=os.fspath(ca_bundle) if ca_bundle is not None else None,
            rate_limit=None if rate_limit is None else _per_minute(rate_limit),
            rate_burst=_count("rate_burst", rate_burst),
            max_retries=_count("max_retries", max_retries),
            retry_backoff=_seconds("retry_backoff", retry_backoff),
            retry_backoff_max=_seconds("retry_backoff_max", retry_backoff_max),
        )

    @property
    def base_url(self) -> str:
        """The API root every path is relative to, e.g. ``https://acme.simplicate.nl/api/v2``."""
        return self._transport.base_url

    @property
    def rate_limit(self) -> float | None:
        """Requests per minute this client paces itself to, or None."""
        return self._transport.rate_limit

    @property
    def closed(self) -> bool:
        return self._transport.closed

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
        if not isinstance(method, str) or method.upper() not in _METHODS:
            raise ValueError(f"method={method!r}: expected one of {', '.join(_METHODS)}")
        if not isinstance(path, str):
            raise TypeError(f"path must be a str, got {type(path).__name__}")
        retries = None if max_retries is None else _count("max_retries", max_retries)
        return self._transport.request(
            method.upper(), path, params=params, json=json, max_retries=retries
        )

    def get(
        self, path: str, params: Params | None = None, *, max_retries: int | None = None
    ) -> Any:
        """GET ``path`` and return the envelope's ``data`` (a dict, or a list for collections).

        For one record (``crm/contactperson/<id>``) it is the record's dict, also when the API
        answers with a list holding just that record, as it does for some."""
        data = self.request("GET", path, params=params, max_retries=max_retries)["data"]
        return _one_record(path, data)

    def post(
        self, path: str, json: dict[str, Any] | list[Any], *, max_retries: int | None = None
    ) -> Any:
        """POST a JSON body and return ``data`` (for a create, ``{"id": "<new id>"}``)."""
        _require_body(json)
        return self.request("POST", path, json=json, max_retries=max_retries)["data"]

    def put(
        self, path: str, json: dict[str, Any] | list[Any], *, max_retries: int | None = None
    ) -> Any:
        """PUT a JSON body (a partial update) and return ``data``."""
        _require_body(json)
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
        progress: bool | Progress | None = None,
    ) -> Pager:
        """A lazy pager over the list endpoint ``path`` (what ``resource.list`` returns).

        Bad arguments raise here, before any request: the pager sends nothing until it is
        iterated, counted or asked for its first record.
        """
        pull = _pull_arguments(path, filter, select, sort, limit, offset, page_size, params)
        native = self._transport.pager(**pull)
        return Pager(native, limit=pull["limit"], offset=pull["offset"], progress=progress)

    def _upload(
        self,
        source: UploadSource,
        *,
        file_name: str | None = None,
        progress: bool | Progress | None = None,
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
        progress: bool | Progress | None = None,
    ) -> str:
        """Upload ``source`` and create a document from it; returns the document id.

        ``linked_to`` names what it belongs to, e.g. ``{"person_id": "person:..."}``.
        """
        return _files.upload_document(
            self,
            source,
            title=title,
            document_type_id=document_type_id,
            linked_to=linked_to,
            description=description,
            file_name=file_name,
            progress=progress,
        )

    def download(
        self,
        document_id: str,
        dest: str | os.PathLike[str] | BinaryIO | None = None,
        *,
        progress: bool | Progress | None = None,
    ) -> DownloadedBytes | DownloadedFile:
        """Download a document's file.

        Without ``dest`` it returns the bytes (a ``bytes`` subclass with ``content_type`` and
        ``file_name``). With a path it streams to a temporary file beside it and renames it into
        place when complete, so a failed download leaves nothing at ``dest``; with a binary file
        object it writes into it. Both return a :class:`DownloadedFile` (``path``, ``size``,
        ``content_type``, ``file_name``). A broken transfer to memory or a path starts over (up
        to ``max_retries`` times).
        """
        return _files.download(self, document_id, dest, progress=progress)

    def download_invoice_pdf(
        self,
        invoice_id: str,
        dest: str | os.PathLike[str] | BinaryIO | None = None,
        *,
        progress: bool | Progress | None = None,
    ) -> DownloadedBytes | DownloadedFile:
        """The documented invoice use case: find the invoice's PDF document
        (``invoices/document?q[linked_to.invoice_id]=...``) and download it.
        Raises :class:`NotFoundError` when the invoice has none."""
        return _files.download_invoice_pdf(self, invoice_id, dest, progress=progress)

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

    def __repr__(self) -> str:
        state = " closed" if self.closed else ""
        return f"<simplicate.Client base_url={self.base_url!r}{state}>"


def _count(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if value < 0:
        raise ValueError(f"{name} must not be negative, got {value}")
    return value


def _optional_count(name: str, value: object) -> int | None:
    return None if value is None else _count(name, value)


def _pull_arguments(
    path: object,
    filter: Mapping[str, Any] | None,
    select: str | Sequence[str] | None,
    sort: str | Sequence[str] | None,
    limit: object,
    offset: object,
    page_size: object,
    params: Params | None,
) -> dict[str, Any]:
    """A list call's arguments checked (each error names its argument, before any request)
    and turned into the native ``pager(...)`` keywords; shared by both clients."""
    if not isinstance(path, str):
        raise TypeError(f"path must be a str, got {type(path).__name__}")
    checked_limit = _optional_count("limit", limit)
    checked_offset = _count("offset", offset)
    checked_page_size = _count("page_size", page_size)
    if not 1 <= checked_page_size <= DEFAULT_PAGE_SIZE:
        raise ValueError(f"page_size must be between 1 and 100, got {checked_page_size}")
    query = _core.build_query(filter, select, sort)
    if params is not None:
        query.extend(_core.encode_params(params))
    return {
        "path": path,
        "query": query,
        "page_size": checked_page_size,
        "limit": checked_limit,
        "offset": checked_offset,
    }


def _one_record(path: str, data: Any) -> Any:
    """``data`` of GET ``path``, with a one-record list on an item path unwrapped: the real API
    has answered ``GET crm/contactperson/{id}`` with ``"data": [{record}]``. Zero or several
    items are returned as they came (there is no telling which one was meant), and collection
    paths keep their lists."""
    one = isinstance(data, list) and len(data) == 1 and isinstance(data[0], dict)
    return data[0] if one and is_item_get(path) else data


def _require_body(json: object) -> None:
    if not isinstance(json, dict | list):
        raise TypeError(f"json must be a dict (or a list), got {type(json).__name__}")

"""Stubs for the native module. Users import ``simplicate``, never this module."""

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, Literal, TypedDict, final

__all__ = [
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_RETRY_BACKOFF",
    "DEFAULT_RETRY_BACKOFF_MAX",
    "MAX_PAGE_SIZE",
    "UPLOAD_CHUNK_BYTES",
    "ArrowStream",
    "AsyncPageStream",
    "AsyncPager",
    "AsyncTransport",
    "FakeFault",
    "FakeServer",
    "PageStream",
    "Pager",
    "Transport",
    "__version__",
    "_decode_json",
    "_panic_in_task",
    "_transport_from_state",
    "build_query",
    "download",
    "drain_runtime",
    "encode_params",
    "is_item_get",
    "model_columns",
    "parse_query",
    "registry",
    "resolve_base_url",
    "table_from_envelope",
    "upload",
]

__version__: str

# The numbers the core owns (`simplicate._constants` re-exports them with their meaning).
MAX_PAGE_SIZE: int
DEFAULT_MAX_RETRIES: int
DEFAULT_RETRY_BACKOFF: float
DEFAULT_RETRY_BACKOFF_MAX: float
UPLOAD_CHUNK_BYTES: int

@final
class Transport:
    """The native half of :class:`simplicate.Client`: one connection pool and its settings."""

    def __new__(
        cls,
        base_url: str,
        *,
        api_key: str,
        api_secret: str,
        timeout: float,
        connect_timeout: float,
        user_agent: str,
        ca_bundle: str | None = None,
        rate_limit: float | None = None,
        rate_burst: int = 1,
        max_retries: int = ...,  # retry.rs: DEFAULT_MAX_RETRIES (3)
        retry_backoff: float = ...,  # retry.rs: DEFAULT_BASE (0.5 s)
        retry_backoff_max: float = ...,  # retry.rs: DEFAULT_CAP (8 s)
    ) -> Transport: ...
    def request(
        self,
        method: str,
        path: str,
        *,
        params: Any = None,
        json: Any = None,
        max_retries: int | None = None,
    ) -> dict[str, Any]:
        """Send one request with the GIL released; returns the decoded envelope."""
    def pager(
        self,
        path: str,
        *,
        filter: Mapping[str, Any] | None = None,
        select: str | Sequence[str] | None = None,
        sort: str | Sequence[str] | None = None,
        limit: int | None = None,
        offset: int,
        page_size: int,
        params: Any = None,
    ) -> Pager:
        """A lazy pager over a list endpoint: ``Client._list``'s arguments, each checked here
        (as :func:`build_query` checks ``filter``/``select``/``sort``), before any request."""
    def close(self) -> None:
        """Drop the connection pool; later requests raise RuntimeError."""
    @property
    def closed(self) -> bool: ...
    @property
    def base_url(self) -> str: ...
    @property
    def rate_limit(self) -> float | None: ...
    @property
    def max_retries(self) -> int: ...
    def __reduce__(self) -> tuple[Callable[..., Transport], tuple[Any, ...]]:
        """Pickling: the configuration, secret included; connections are made anew on
        arrival. A closed transport raises TypeError."""

@final
class FakeServer:
    """The fake Simplicate server, serving HTTP on loopback from its own threads."""

    def __new__(
        cls,
        *,
        api_key: str,
        api_secret: str,
        seed: int = 0,
        records: dict[str, int] | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        rate_limit: int | None = None,
        rate_window: float = 60.0,
        quirks: bool = True,
    ) -> FakeServer: ...
    @property
    def url(self) -> str:
        """The API root, e.g. ``http://127.0.0.1:PORT/api/v2``."""
    @property
    def port(self) -> int: ...
    @property
    def running(self) -> bool: ...
    def records(self, collection: str) -> list[dict[str, Any]]:
        """All records of ``collection`` (``"crm/organization"``)."""
    def add(self, collection: str, record: dict[str, Any]) -> str:
        """Insert a record without HTTP; returns its id."""
    def requests(self) -> list[dict[str, Any]]:
        """The logged requests: dicts with method, path, query, status, time."""
    def clear_requests(self) -> None: ...
    def reset(self) -> None:
        """Restore the seeded data; withdraw every fault; free the rate limit's slots."""
    def stop(self) -> None:
        """Shut down and wait; idempotent."""
    @property
    def rate_limit(self) -> int | None:
        """Requests per minute admitted before 429, or ``None``."""
    def inject(
        self,
        path_glob: str = "*",
        *,
        method: str | None = None,
        times: int | None = 1,
        rate: float | None = None,
        delay: float | None = None,
        status: int | None = None,
        body: str | bytes | None = None,
        content_type: str | None = None,
        retry_after: str | None = None,
        drop_connection: bool = False,
        truncate: bool = False,
    ) -> FakeFault:
        """Add a fault rule (checked after the earlier ones); ``ValueError`` names a bad
        argument."""
    def clear_faults(self) -> None: ...
    def faults(self) -> list[FakeFault]:
        """The rules that can still apply, in the order they are checked."""

@final
class FakeFault:
    """One injected fault rule of a :class:`FakeServer`."""

    @property
    def hits(self) -> int: ...
    @property
    def remaining(self) -> int | None:
        """``None``: no limit; 0 once expired or cancelled."""
    @property
    def active(self) -> bool: ...
    @property
    def path_glob(self) -> str: ...
    @property
    def method(self) -> str | None: ...
    def cancel(self) -> None: ...

class _RegistryAction(TypedDict):
    name: str
    """As in the URL: ``duplicate``, ``planningBudget``."""
    method: str
    """``GET``, ``POST``, ``PUT`` or ``DELETE``."""

class _RegistryEntry(TypedDict):
    module: str
    name: str
    """May contain ``/`` for sub-collections (``timesheetrow/order``)."""
    collection: list[str]
    """Methods on ``/module/name``, in the order GET, POST, PUT, DELETE."""
    item: list[str]
    """Methods on ``/module/name/{id}``."""
    id_prefix: str
    actions: list[_RegistryAction]
    """``METHOD /module/name/{id}/<name>`` operations beyond CRUD."""
    summary: str
    one_record: bool
    """Its collection GET answers one record, not a list (the record model table says so)."""

def is_item_get(path: str) -> bool:
    """Whether GET ``path`` asks for one record (``{resource}/{id}`` of a resource whose items
    take GET), as the registry's router reads it; empty segments are dropped first."""

def registry() -> list[_RegistryEntry]:
    """The endpoint registry, one dict per resource in table order: what the resource tree and
    the fake server's routes are built from."""

def resolve_base_url(domain: str | None = None, base_url: str | None = None) -> str:
    """Validate ``domain=``/``base_url=`` and return the API root URL."""

def _panic_in_task() -> None:
    """Test hook: panics inside a runtime task; raises SimplicateError."""

def model_columns(collection: str) -> list[str] | None:
    """The columns the record model table gives ``collection``'s records (``schema="model"``'s,
    nested fields dotted), or None for a collection without a record type."""

def table_from_envelope(
    body: bytes, *, lists: str = "list", model: str | None = None
) -> ArrowStream:
    """A table from the records of one list envelope (``{"data": [...]}``), with the columns a
    pull's table gets, or with ``model`` (a collection path) the record model table's columns
    and types; ValueError for anything else."""

def _transport_from_state(
    base_url: str,
    api_key: str,
    api_secret: str,
    timeout: float,
    connect_timeout: float,
    user_agent: str,
    ca_bundle: str | None,
    rate_limit: float | None,
    rate_burst: int,
    max_retries: int,
    retry_backoff: float,
    retry_backoff_max: float,
) -> Transport:
    """The other half of ``Transport.__reduce__``."""

@final
class Pager:
    """The query of a lazy pull: count, first record, and passes over the pages."""

    def count(self) -> int:
        """Size of the whole filtered collection (fetches and keeps the first page)."""
    def first(self) -> dict[str, Any] | None: ...
    def stream(self) -> PageStream:
        """A new pass over the pages."""
    def arrow(
        self,
        *,
        lists: Literal["list", "json"] = "list",
        timestamps: bool = True,
        cast_numbers: bool = False,
        schema: Literal["inferred", "model"] = "inferred",
        progress: Any = None,
    ) -> ArrowStream:
        """One pass over the pages into an Arrow table, fetched and built without the GIL
        (uses the page ``count()`` kept). ``ValueError`` for a bad ``lists`` or ``schema``, or
        ``schema="model"`` on a path without a record type, before any request."""
    @property
    def path(self) -> str: ...
    @property
    def params(self) -> list[tuple[str, str]]: ...

@final
class ArrowStream:
    """A finished table, read through the Arrow PyCapsule interface:
    ``pyarrow.table(stream)``."""

    def __arrow_c_stream__(self, requested_schema: object | None = None) -> object:
        """A ``PyCapsule`` named ``arrow_array_stream`` over the table (a new stream each call;
        ``requested_schema`` is not honoured)."""
    @property
    def num_rows(self) -> int: ...
    @property
    def num_columns(self) -> int: ...

@final
class PageStream:
    """One pass: yields a list of record dicts per page; prefetches one page ahead."""

    def __iter__(self) -> PageStream: ...
    def __next__(self) -> list[dict[str, Any]]: ...
    def close(self) -> None:
        """Abort the prefetch under way; idempotent."""

def encode_params(params: Any) -> list[tuple[str, str]]:
    """``params=`` as the (key, value) pairs a request would carry."""

_FilterKind = Literal["equals", "any_of", "ge", "gt", "le", "lt", "in", "nin"]

class _ParsedQuery(TypedDict):
    filters: list[tuple[str, _FilterKind, str | list[str]]]
    """``(field, kind, value)``, AND-ed; ``value`` is a list for ``any_of``, ``in``, ``nin``."""
    or_filters: list[tuple[str, _FilterKind, str | list[str]]]
    """The ``q[or][...]`` group, same shape."""
    select: list[str]
    sort: list[tuple[str, bool]]
    """``(field, descending)``."""
    limit: int | None
    offset: int | None
    metadata: list[str]

def build_query(
    filter: Mapping[str, Any] | None = None,
    select: str | Sequence[str] | None = None,
    sort: str | Sequence[str] | None = None,
) -> list[tuple[str, str]]:
    """The ``q[...]``, ``select`` and ``sort`` pairs of a list call, built with the query model
    the fake server parses (so they round-trip through :func:`parse_query`).

    ``filter`` mirrors the API's ``q[...]``; keys are fields (dotted for nested and custom
    fields: ``"organization.name"``, ``"custom_fields.external_link"``), and the key ``"or"``
    holds a dict of the same shapes sent as ``q[or][...]`` (it cannot nest). Values:

    - ``str``: equals, as is (``"Don*"``, ``"*Bob*"`` wildcards; ``"*"`` is "not NULL");
      ``None``: ``q[f]=null``; ``bool``: ``1``/``0``; ``int``/``float``/``Decimal``: their
      text; ``datetime``: ``YYYY-MM-DD HH:MM:SS``; ``date``: ``YYYY-MM-DD``.
    - a non-empty ``list``/``tuple`` of those: any of them (``q[f][]=a&q[f][]=b``).
    - a dict of operators: ``ge gt le lt`` take one value (not ``None``); ``in nin`` take a
      non-empty list of values, or a comma-separated ``str`` read as the server reads it
      (split, trimmed, empty items dropped; re-joined with commas). Several operators make
      several filters on the field: ``{"created_at": {"ge": d1, "le": d2}}``.

    ``select``/``sort``: a comma-separated ``str`` (split and trimmed, empty items dropped) or
    a sequence of ``str``; a trailing ``.`` in ``select`` means all children, a leading ``-``
    in ``sort`` means descending. Pairs come in this order: AND filters (dict order), the OR
    group, ``select``, ``sort``. No ``limit``/``offset``/``metadata``: the pager owns them.

    Raises, before any request, naming the key path (``filter['created_at']['ge']``,
    ``filter['or']['email']``, ``select[1]``): ``TypeError`` for a value of the wrong type
    (set, bytes, objects, a list or dict where one value is needed, a non-``str`` key);
    ``ValueError`` for an unknown operator, an empty or malformed field name (``[``/``]``, an
    empty dotted part), a nested ``"or"``, an empty list or operator dict, NaN/infinity, or a
    value the query string cannot carry (a comma inside an ``in`` item).
    """

def parse_query(pairs: Sequence[tuple[str, str]]) -> _ParsedQuery:
    """A debugging aid: what the fake server reads from these decoded pairs (``q[...]``,
    ``select``, ``sort``, ``limit``, ``offset``, ``metadata``; other keys are ignored), as plain
    Python. Raises ``ValueError`` with the server's own message (the one a 400 would carry) on
    a malformed key, an unknown operator or a bad number.

    >>> parse_query(build_query({"name": "Alice", "or": {"email": "*gmail.com"}}))["or_filters"]
    [('email', 'equals', '*gmail.com')]
    """

def _decode_json(data: bytes) -> Any:
    """The response decoder (our own, ``crates/py/src/json/``), exposed for benchmarks
    against other decoders."""

def drain_runtime(timeout_s: float = 2.0) -> int:
    """Wait (GIL released, at most ``timeout_s``) until no awaitable's runtime task can still
    touch Python; run at exit. Returns how many were left when it gave up."""

def upload(
    transport: Transport,
    *,
    file_name: str,
    file_size: int,
    path: str | None = None,
    data: bytes | bytearray | None = None,
    reader: Any = None,
    progress: Any = None,
) -> str:
    """Chunked upload from exactly one of path/data/reader; returns the upload_queue_id."""

def download(
    transport: Transport,
    path: str,
    *,
    dest_path: str | None = None,
    writer: Any = None,
    progress: Any = None,
) -> tuple[bytes | None, str | None, int, str | None]:
    """Stream a download; returns (bytes or None, content type, size, suggested file name)."""

@final
class AsyncTransport:
    """The native half of :class:`simplicate.AsyncClient`: awaitable calls through the same
    connection pool, pacer and closed state as the ``Transport`` it is made from."""

    def __new__(cls, transport: Transport) -> AsyncTransport: ...
    def request(
        self,
        method: str,
        path: str,
        *,
        params: Any = None,
        json: Any = None,
        max_retries: int | None = None,
    ) -> Awaitable[dict[str, Any]]:
        """Send one request; the awaitable resolves to the decoded envelope dict."""
    def pager(
        self,
        path: str,
        *,
        filter: Mapping[str, Any] | None = None,
        select: str | Sequence[str] | None = None,
        sort: str | Sequence[str] | None = None,
        limit: int | None = None,
        offset: int,
        page_size: int,
        params: Any = None,
    ) -> AsyncPager:
        """As ``Transport.pager``."""
    def upload(
        self,
        *,
        file_name: str,
        file_size: int,
        path: str | None = None,
        data: bytes | bytearray | None = None,
        reader: Any = None,
        progress: Any = None,
    ) -> Awaitable[str]:
        """As ``upload``; progress is called on the event loop's thread."""
    def download(
        self,
        path: str,
        *,
        dest_path: str | None = None,
        writer: Any = None,
        progress: Any = None,
    ) -> Awaitable[tuple[bytes | None, str | None, int, str | None]]:
        """As ``download``; progress is called on the event loop's thread."""
    def close(self) -> None: ...
    @property
    def closed(self) -> bool: ...

@final
class AsyncPager:
    """The query of a lazy async pull: count, first record, and passes over the pages."""

    def count(self) -> Awaitable[int]:
        """Size of the whole filtered collection (fetches and keeps the first page)."""
    def first(self) -> Awaitable[dict[str, Any] | None]: ...
    def stream(self) -> AsyncPageStream:
        """A new pass over the pages."""
    def arrow(
        self,
        *,
        lists: Literal["list", "json"] = "list",
        timestamps: bool = True,
        cast_numbers: bool = False,
        schema: Literal["inferred", "model"] = "inferred",
        progress: Any = None,
    ) -> Awaitable[ArrowStream]:
        """Awaitable: one pass over the pages into an Arrow table, built on the runtime."""
    @property
    def path(self) -> str: ...
    @property
    def params(self) -> list[tuple[str, str]]: ...

@final
class AsyncPageStream:
    """One pass: each ``__anext__`` resolves to a page's new records (never empty: a page of
    nothing but repeats is skipped); prefetches one page ahead."""

    def __aiter__(self) -> AsyncPageStream: ...
    def __anext__(self) -> Awaitable[list[dict[str, Any]]]: ...
    def close(self) -> None:
        """Abort the prefetch (and a page being awaited); idempotent."""

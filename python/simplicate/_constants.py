"""Defaults, owned in one place: here, or, for the numbers the Rust core acts on, in the core
(read from ``_core``, so Python and Rust cannot disagree)."""

from . import _core

DEFAULT_TIMEOUT = 60.0
"""Seconds a whole request (connect, send, wait, read) may take."""

DEFAULT_CONNECT_TIMEOUT = 10.0
"""Seconds to establish a connection."""

ENV_DOMAIN = "SIMPLICATE_DOMAIN"
ENV_BASE_URL = "SIMPLICATE_BASE_URL"
ENV_API_KEY = "SIMPLICATE_API_KEY"
ENV_API_SECRET = "SIMPLICATE_API_SECRET"

DEFAULT_PAGE_SIZE: int = _core.MAX_PAGE_SIZE
"""Records per page request: the API's maximum (``pull.rs``), and so the fewest requests."""

DEFAULT_RATE_LIMIT = 60.0
"""Requests per minute a client paces itself to: the API promises "at least 60 requests per
minute". ``rate_limit=None`` turns pacing off."""

DEFAULT_RATE_BURST = 3
"""Requests that may go at once before pacing applies, so a few interactive calls are instant."""

DEFAULT_MAX_RETRIES: int = _core.DEFAULT_MAX_RETRIES
"""Retries of a transient failure (429, 5xx, connection errors, timeouts; see ``retry.rs``)."""

DEFAULT_RETRY_BACKOFF: float = _core.DEFAULT_RETRY_BACKOFF
"""Seconds before the first retry; doubles each time, with jitter."""

DEFAULT_RETRY_BACKOFF_MAX: float = _core.DEFAULT_RETRY_BACKOFF_MAX
"""Longest wait between two retries, in seconds (a 429's Retry-After is honoured as given, and
a 429 without a usable one follows the rate-limit schedule of ``retry.rs``)."""

UPLOAD_CHUNK_BYTES: int = _core.UPLOAD_CHUNK_BYTES
"""Raw bytes per upload chunk: a multiple of 3 whose base64 is exactly the API's 500 kB limit
per chunk (``files/upload_wire.rs``)."""

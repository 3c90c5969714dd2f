"""Defaults, owned in one place."""

DEFAULT_TIMEOUT = 60.0
"""Seconds a whole request (connect, send, wait, read) may take."""

DEFAULT_CONNECT_TIMEOUT = 10.0
"""Seconds to establish a connection."""

ENV_DOMAIN = "SIMPLICATE_DOMAIN"
ENV_BASE_URL = "SIMPLICATE_BASE_URL"
ENV_API_KEY = "SIMPLICATE_API_KEY"
ENV_API_SECRET = "SIMPLICATE_API_SECRET"

DEFAULT_PAGE_SIZE = 100
"""Records per page request: the API's maximum, and so the fewest requests."""

DEFAULT_RATE_LIMIT = 60.0
"""Requests per minute a client paces itself to: the API promises "at least 60 requests per
minute". ``rate_limit=None`` turns pacing off."""

DEFAULT_RATE_BURST = 3
"""Requests that may go at once before pacing applies, so a few interactive calls are instant."""

DEFAULT_MAX_RETRIES = 3
"""Retries of a transient failure (429, 5xx, connection errors, timeouts; see ``retry.rs``)."""

DEFAULT_RETRY_BACKOFF = 0.5
"""Seconds before the first retry; doubles each time, with jitter."""

DEFAULT_RETRY_BACKOFF_MAX = 8.0
"""Longest wait between two retries, in seconds (a 429's Retry-After is honoured as given, and
a 429 without a usable one follows the rate-limit schedule of ``retry.rs``)."""

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

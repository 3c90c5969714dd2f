"""simplicate: the Python client for the Simplicate REST API v2, with a Rust core.

>>> import simplicate
>>> client = simplicate.Client("acme", api_key="...", api_secret="...")
>>> client.get("crm/organization", params={"limit": 5})

For tests, :class:`simplicate.testing.FakeSimplicate` serves a faithful fake on loopback.
"""

import atexit as _atexit

from . import _core
from ._async_client import AsyncClient
from ._async_pager import AsyncPager
from ._client import Client
from ._core import __version__
from ._exceptions import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    DecodeError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    ServiceUnavailableError,
    SimplicateError,
    UnprocessableEntityError,
)
from ._files import DownloadedBytes, DownloadedFile
from ._incremental import SyncResult
from ._pager import Pager

# An awaitable's task may still be handing its result to Python on a runtime thread when the
# script ends; the interpreter must not finalize under it.
_atexit.register(_core.drain_runtime)

__all__ = [
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncClient",
    "AsyncPager",
    "AuthenticationError",
    "BadRequestError",
    "Client",
    "ConfigurationError",
    "DecodeError",
    "DownloadedBytes",
    "DownloadedFile",
    "NotFoundError",
    "Pager",
    "PermissionDeniedError",
    "RateLimitError",
    "ServerError",
    "ServiceUnavailableError",
    "SimplicateError",
    "SyncResult",
    "UnprocessableEntityError",
    "__version__",
]

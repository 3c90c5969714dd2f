"""What :class:`simplicate.Client` and :class:`simplicate.AsyncClient` share: the configuration
(arguments, environment fallbacks, their checks), the native transport built from it, and the
checks of a call's arguments (a list call's are checked by the native ``pager(...)`` itself).

The clients differ only in how they wait: ``Client`` calls the native ``Transport`` directly,
``AsyncClient`` wraps the same kind of transport in a native ``AsyncTransport``. Every check
here runs before anything is sent, so a bad argument raises the same error from either client.
"""

from __future__ import annotations

import os
import platform
from typing import Any, ClassVar

from . import _core
from ._constants import (
    DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_MAX_RETRIES,
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
from ._types import PathLike

__all__ = ["BaseClient"]

METHODS = ("GET", "POST", "PUT", "DELETE")


class BaseClient:
    """The configuration of one client, checked, and the native transport built from it.

    The arguments are documented on :class:`simplicate.Client`. The credentials go into the
    transport and nowhere else, so no ``repr``, ``vars()`` or message can show them.
    """

    _public_name: ClassVar[str]
    """The class name ``repr`` shows (``Client``, ``AsyncClient``)."""

    _transport: _core.Transport

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
            rate_burst=count("rate_burst", rate_burst),
            max_retries=count("max_retries", max_retries),
            retry_backoff=_seconds("retry_backoff", retry_backoff),
            retry_backoff_max=_seconds("retry_backoff_max", retry_backoff_max),
        )
        self._transport_built()

    def _transport_built(self) -> None:
        """Called once ``_transport`` exists, so that a client can wrap it (``AsyncClient``
        does) without restating the constructor's arguments."""

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

    def __repr__(self) -> str:
        state = " closed" if self.closed else ""
        return f"<simplicate.{self._public_name} base_url={self.base_url!r}{state}>"

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        """A client pickles as its configuration, so it can be sent to worker processes
        (``ProcessPoolExecutor``, ``multiprocessing``, Dask): the receiving process makes its
        own connections, I/O runtime and pacer when it first sends.

        The API secret travels inside the pickle: send it only where the credentials may go,
        and do not store it. A ``ca_bundle`` travels as a path, which must exist where the
        client lands. Each process paces itself to ``rate_limit`` on its own, so N processes
        on one account should each get ``rate_limit`` / N. A closed client refuses to pickle.
        """
        return (_unpickled, (type(self), self._transport))


def _unpickled(cls: type[BaseClient], transport: _core.Transport) -> BaseClient:
    """A client around a transport rebuilt from its pickled configuration."""
    client = cls.__new__(cls)
    client._transport = transport
    client._transport_built()
    return client


# ---- the configuration -------------------------------------------------------------------------


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


# ---- a call's arguments ------------------------------------------------------------------------


def count(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if value < 0:
        raise ValueError(f"{name} must not be negative, got {value}")
    return value


def request_arguments(method: object, path: object, max_retries: object) -> tuple[str, int | None]:
    """A request's method (upper case) and per-call ``max_retries``, checked."""
    if not isinstance(method, str) or method.upper() not in METHODS:
        raise ValueError(f"method={method!r}: expected one of {', '.join(METHODS)}")
    if not isinstance(path, str):
        raise TypeError(f"path must be a str, got {type(path).__name__}")
    return method.upper(), None if max_retries is None else count("max_retries", max_retries)


def one_record(path: str, data: Any) -> Any:
    """``data`` of GET ``path``, with a one-record list on an item path unwrapped: the real API
    has answered ``GET crm/contactperson/{id}`` with ``"data": [{record}]``. Zero or several
    items are returned as they came (there is no telling which one was meant), and collection
    paths keep their lists."""
    one = isinstance(data, list) and len(data) == 1 and isinstance(data[0], dict)
    return data[0] if one and _core.is_item_get(path) else data


def require_body(json: object) -> None:
    if not isinstance(json, dict | list):
        raise TypeError(f"json must be a dict (or a list), got {type(json).__name__}")

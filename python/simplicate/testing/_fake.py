"""``FakeSimplicate``: the Rust fake server (real HTTP on 127.0.0.1) wrapped for Python."""

from __future__ import annotations

import functools
import inspect
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from .. import _core
from .._async_client import AsyncClient
from .._client import Client

__all__ = [
    "DEFAULT_API_KEY",
    "DEFAULT_API_SECRET",
    "FakeRequest",
    "FakeSimplicate",
    "InjectedFault",
]

DEFAULT_API_KEY = "test-key"
DEFAULT_API_SECRET = "test-secret"


@dataclass(frozen=True)
class FakeRequest:
    """One request the fake served, as logged by the server."""

    method: str
    path: str
    """As received, e.g. ``/api/v2/crm/organization``."""
    query: str
    """The raw query string (percent-encoded), ``""`` when there was none."""
    status: int
    """What the client was sent; for a dropped connection, the status its head announced."""
    time: float
    """Seconds since the epoch when it arrived."""
    fault: str | None = None
    """Why the answer was not the normal one: ``"status"``, ``"delay"``, ``"drop_connection"``
    or ``"truncate"`` for an injected fault (:meth:`FakeSimplicate.inject`), ``"rate_limit"``
    for a 429 from the server's own limit; ``None`` otherwise."""

    @property
    def params(self) -> dict[str, list[str]]:
        """The decoded query: ``{"q[name]": ["*Bob*"], "limit": ["100"]}``."""
        return parse_qs(self.query, keep_blank_values=True)


def _check_records(records: Mapping[str, int] | None) -> dict[str, int] | None:
    if records is None:
        return None
    if not isinstance(records, Mapping):
        raise TypeError(f"records must be a dict like {{'crm/organization': 500}}, got {records!r}")
    sizes: dict[str, int] = {}
    for path, count in records.items():
        if not isinstance(path, str):
            raise TypeError(f"records: keys must be collection paths (str), got {path!r}")
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise ValueError(f"records[{path!r}] must be a non-negative int, got {count!r}")
        sizes[path.strip("/")] = count
    return sizes


class InjectedFault:
    """A fault rule added by :meth:`FakeSimplicate.inject`: how often it fired, how often it
    still will, and :meth:`cancel`. Stays readable after the rule expired or the fake stopped."""

    __slots__ = ("_rule",)

    def __init__(self, rule: _core.FakeFault) -> None:
        self._rule = rule

    @property
    def hits(self) -> int:
        """Requests the rule has been applied to."""
        return self._rule.hits

    @property
    def remaining(self) -> int | None:
        """Requests it will still apply to: ``None`` for no limit (``times=None``), 0 once
        expired, cancelled or cleared."""
        return self._rule.remaining

    @property
    def active(self) -> bool:
        """Whether it can still apply to a request."""
        return self._rule.active

    @property
    def path_glob(self) -> str:
        """The glob, relative to ``/api/v2/``."""
        return self._rule.path_glob

    @property
    def method(self) -> str | None:
        return self._rule.method

    def cancel(self) -> None:
        """Withdraw the rule; idempotent."""
        self._rule.cancel()

    def __repr__(self) -> str:
        method = f" {self.method}" if self.method else ""
        remaining = "unlimited" if self.remaining is None else self.remaining
        return f"<InjectedFault{method} {self.path_glob!r} hits={self.hits} remaining={remaining}>"


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _retry_after_header(retry_after: object) -> str | None:
    """``Retry-After`` as sent: numbers as seconds, strings (e.g. an HTTP date) verbatim."""
    if retry_after is None or isinstance(retry_after, str):
        return retry_after
    if not _is_number(retry_after):
        raise TypeError(
            "retry_after must be seconds (int or float) or a str sent verbatim, "
            f"got {type(retry_after).__name__}"
        )
    seconds = float(retry_after)  # type: ignore[arg-type]
    if not math.isfinite(seconds) or seconds < 0:
        raise ValueError(f"retry_after must be a non-negative number of seconds, got {retry_after}")
    if seconds.is_integer():
        return str(int(seconds))
    # Fractions are not standard HTTP (delay-seconds is an integer) but keep retries in tests
    # short; pass an int for the standard form.
    return f"{seconds:.3f}".rstrip("0").rstrip(".")


def _optional_count(name: str, value: object, *, minimum: int, maximum: int) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int or None, got {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, or None, got {value}")
    if value > maximum:
        raise ValueError(f"{name} must be at most {maximum}, or None, got {value}")
    return value


@functools.cache
def _client_takes_rate_limit() -> bool:
    try:
        return "rate_limit" in inspect.signature(Client).parameters
    except (TypeError, ValueError):
        return False


class FakeSimplicate:
    """A stateful fake of the Simplicate API v2, serving HTTP on an OS-assigned loopback port.

    It checks both authentication headers, keeps records in memory (seeded deterministically
    from ``seed``; ``records={"crm/organization": 500}`` sets collection sizes) and answers in
    the API's envelope. Start it with ``with`` (or :meth:`start`) and get a wired client from
    :meth:`client` (or :meth:`async_client`).

    ``rate_limit=N`` makes it answer like the real API when a client is too fast: at most N
    authenticated requests are admitted in any sliding 60-second window (less 0.1 s allowed
    for arrival jitter, so a client spacing its requests exactly 60/N s apart is never
    refused); any request beyond that gets 429 with the JSON error envelope and a
    ``Retry-After`` header (whole seconds until a slot frees, rounded up). Refused requests use
    no slot; requests with bad credentials are neither counted nor refused (they get their
    401). :attr:`throttled` counts the 429s served. Default: no limit.

    The seed data is a mid-size Dutch agency's account (40 employees, three years of hours,
    ...; ``records`` changes any size), generated collection by collection as tests first use
    them. It has the real API's quirks, because real accounts have them: numbers sent as
    strings (``"parttime_percentage": "100.000000"``), ``"0"``/``"1"`` booleans, MySQL zero
    dates (``"0000-00-00 00:00:00"``), ``1970-01-01`` placeholders, untranslated label keys
    (``"Country_The Netherlands"``), custom fields without a ``value``, and
    ``GET crm/contactperson/{id}`` answering a one-element list (``"data": [{...}]``); the
    README's table "Real data is messier than the documentation: quirks" (under "Testing your
    code with the fake server") says where each occurs and why. ``quirks=False`` serves clean
    data instead: every field exactly as the record model table types it (numbers, booleans,
    ``None`` for unset dates and values, readable labels), every item GET a plain record.

    Faults are programmable with :meth:`inject`.
    """

    def __init__(
        self,
        seed: int = 0,
        *,
        records: Mapping[str, int] | None = None,
        api_key: str = DEFAULT_API_KEY,
        api_secret: str = DEFAULT_API_SECRET,
        host: str = "127.0.0.1",
        port: int = 0,
        rate_limit: int | None = None,
        quirks: bool = True,
    ) -> None:
        if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
            raise TypeError(f"seed must be a non-negative int, got {seed!r}")
        if not isinstance(quirks, bool):
            raise TypeError(f"quirks must be True or False, got {quirks!r}")
        self.quirks = quirks
        self._rate_limit = _optional_count("rate_limit", rate_limit, minimum=1, maximum=2**32 - 1)
        self.seed = seed
        self.record_counts = _check_records(records)
        self.api_key = api_key
        self.api_secret = api_secret
        self._host = host
        self._port = port
        self._server: _core.FakeServer | None = None

    def start(self) -> FakeSimplicate:
        if self._server is None or not self._server.running:
            self._server = _core.FakeServer(
                api_key=self.api_key,
                api_secret=self.api_secret,
                seed=self.seed,
                records=self.record_counts,
                host=self._host,
                port=self._port,
                rate_limit=self._rate_limit,
                quirks=self.quirks,
            )
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()

    def __enter__(self) -> FakeSimplicate:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def _running(self) -> _core.FakeServer:
        if self._server is None or not self._server.running:
            raise RuntimeError(
                "the fake server is not running; use `with FakeSimplicate() as fake`"
            )
        return self._server

    @property
    def url(self) -> str:
        """The API root, ``http://127.0.0.1:PORT/api/v2``."""
        return self._running.url

    @property
    def port(self) -> int:
        return self._running.port

    @property
    def rate_limit(self) -> int | None:
        """Requests per minute the fake admits before answering 429, or ``None``."""
        return self._rate_limit

    def client(self, **kwargs: Any) -> Client:
        """A :class:`simplicate.Client` wired to this fake (its URL and credentials), pacing
        itself to the fake's own limit (``rate_limit``), or not at all when the fake has none:
        test suites are not slowed to the real API's pace. Keyword arguments override."""
        return Client(base_url=self.url, **self._client_options(kwargs))

    def async_client(self, **kwargs: Any) -> AsyncClient:
        """A :class:`simplicate.AsyncClient` wired to this fake exactly as :meth:`client` wires
        a :class:`simplicate.Client` (URL, credentials, pacing). Keyword arguments override.

        Making it needs no event loop, so it may be made outside the loop that uses it; close
        it with ``async with`` or ``await client.aclose()``."""
        return AsyncClient(base_url=self.url, **self._client_options(kwargs))

    def _client_options(self, kwargs: dict[str, Any]) -> dict[str, Any]:
        """The keyword arguments :meth:`client` and :meth:`async_client` pass on (both clients
        take the same ones), after the caller's own."""
        kwargs.setdefault("api_key", self.api_key)
        kwargs.setdefault("api_secret", self.api_secret)
        # Only a client that knows `rate_limit` is told "None" (no pacing); a limit is always
        # passed, so a client that cannot pace fails loudly instead of drawing 429s.
        if self._rate_limit is not None or _client_takes_rate_limit():
            kwargs.setdefault("rate_limit", self._rate_limit)
        if self._rate_limit is not None and _client_takes_rate_limit():
            # Evenly spaced at the fake's own limit: the whole allowance, never a 429.
            kwargs.setdefault("rate_burst", 1)
        return kwargs

    def inject(
        self,
        path_glob: str = "*",
        *,
        status: int | None = None,
        times: int | None = 1,
        body: str | bytes | None = None,
        content_type: str | None = None,
        retry_after: float | str | None = None,
        delay: float | None = None,
        drop_connection: bool = False,
        truncate: bool = False,
        method: str | None = None,
        rate: float | None = None,
    ) -> InjectedFault:
        """Make the fake misbehave for matching requests; returns the rule's handle.

        ``path_glob`` is matched against the path below ``/api/v2/`` (as sent, without the
        query): ``"crm/organization*"``, ``"hours/hours/*"``, ``"*"``. ``*`` matches any run of
        characters, ``/`` included. ``method="POST"`` limits the rule to one method.

        One action:

        - ``status=503``: answer that status instead of handling the request. ``body`` (str or
          bytes; default the JSON error envelope, ``{"data": null, "errors": ["Service
          Unavailable (injected)"], "debug": null}``), ``content_type`` (default
          ``application/json``; the real API may use ``text/plain`` for API-level errors) and
          ``retry_after`` (a ``Retry-After`` header: seconds as int or float, or a str sent
          verbatim, e.g. an HTTP date) shape the answer. ``delay`` may be added.
        - ``delay=0.5``: wait that many seconds, then answer normally (or with ``status``).
        - ``drop_connection=True``: send the real answer's head, announcing its full
          Content-Length, and about half of its body, then close the connection. Clients see
          an incomplete body (``http.client.IncompleteRead`` in urllib), never a valid one.
        - ``truncate=True``: send the real answer with its body cut in half, as a complete
          response with a matching Content-Length: a 200 whose body is invalid JSON.

        ``times`` is how many matching requests the rule applies to before it expires (``None``:
        until cancelled). ``rate=0.2`` applies it to that fraction of matching requests, drawn
        from a PRNG seeded from the fake's ``seed`` and the rule's place in the injection order
        (since start or the last :meth:`clear_faults`/:meth:`reset`), so the same test faults the
        same requests each run; combine with ``times=None``.

        Rules are checked in the order injected; the first live one that matches applies (a
        rate rule that lets a request pass leaves it to the rules after it). Only requests with
        valid credentials are faulted, after the fake's own rate limit. Faulted requests appear
        in :attr:`requests` with the status sent and ``fault`` set.
        """
        if not isinstance(path_glob, str):
            raise TypeError(f"path_glob must be a str, got {type(path_glob).__name__}")
        if status is not None and (isinstance(status, bool) or not isinstance(status, int)):
            raise TypeError(f"status must be an int HTTP status, got {status!r}")
        if status is not None and not 200 <= status <= 599:
            raise ValueError(f"status must be 200..599, got {status}")
        times = _optional_count("times", times, minimum=1, maximum=2**64 - 1)
        if body is not None and not isinstance(body, str | bytes):
            raise TypeError(f"body must be str or bytes, got {type(body).__name__}")
        for name, text in (("content_type", content_type), ("method", method)):
            if text is not None and not isinstance(text, str):
                raise TypeError(f"{name} must be a str, got {type(text).__name__}")
        if delay is not None and not _is_number(delay):
            raise TypeError(f"delay must be a number of seconds, got {delay!r}")
        if rate is not None and not _is_number(rate):
            raise TypeError(f"rate must be a fraction in (0, 1], got {rate!r}")
        for name, flag in (("drop_connection", drop_connection), ("truncate", truncate)):
            if not isinstance(flag, bool):
                raise TypeError(f"{name} must be True or False, got {flag!r}")
        # Ranges and combinations are checked by the server's own rules (crates/fake/src/faults/),
        # whose messages name the argument.
        rule = self._running.inject(
            path_glob,
            method=method,
            times=times,
            rate=None if rate is None else float(rate),
            delay=None if delay is None else float(delay),
            status=status,
            body=body,
            content_type=content_type,
            retry_after=_retry_after_header(retry_after),
            drop_connection=drop_connection,
            truncate=truncate,
        )
        return InjectedFault(rule)

    def clear_faults(self) -> None:
        """Withdraw every injected fault (their handles then report ``remaining == 0``)."""
        self._running.clear_faults()

    @property
    def faults(self) -> list[InjectedFault]:
        """The injected faults that can still apply, in the order they are checked."""
        return [InjectedFault(rule) for rule in self._running.faults()]

    @property
    def throttled(self) -> int:
        """How many requests the fake's own rate limit answered with 429, per the request log
        (injected 429s are not counted: they are ``fault == "status"`` entries)."""
        return sum(1 for entry in self._running.requests() if entry["fault"] == "rate_limit")

    def records(self, path: str) -> list[dict[str, Any]]:
        """Every stored record of a collection (``"crm/organization"``), bypassing HTTP."""
        return self._running.records(path.strip("/"))

    def add(self, path: str, record: dict[str, Any]) -> str:
        """Store a record directly (no HTTP) and return its id.

        Unlike a POST it is not validated, and what it carries is kept: an ``id`` (a record with
        that id is replaced), ``created_at``/``updated_at`` (set to now only where missing, so
        tests can plant history). Where the record type has the legacy ``created``/``modified``
        timestamps (organizations, persons, projects, sales, ...), missing ones are set to
        ``created_at``/``updated_at``."""
        if not isinstance(record, dict):
            raise TypeError(f"record must be a dict, got {type(record).__name__}")
        return self._running.add(path.strip("/"), record)

    @property
    def requests(self) -> list[FakeRequest]:
        """The requests served so far, oldest first (the newest 100,000 are kept)."""
        return [FakeRequest(**entry) for entry in self._running.requests()]

    def clear_requests(self) -> None:
        self._running.clear_requests()

    def reset(self) -> None:
        """Back to the seeded data, with an empty request log, no injected faults and the
        whole rate-limit allowance."""
        self._running.reset()
        self._running.clear_requests()

    def __repr__(self) -> str:
        where = self._server.url if self._server is not None and self._server.running else "stopped"
        limit = f" rate_limit={self._rate_limit}" if self._rate_limit is not None else ""
        quirks = "" if self.quirks else " quirks=False"
        return f"<FakeSimplicate seed={self.seed}{limit}{quirks} {where}>"

"""``FakeSimplicate``: the Rust fake server (real HTTP on 127.0.0.1) wrapped for Python."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from .. import _core
from .._client import Client

__all__ = ["DEFAULT_API_KEY", "DEFAULT_API_SECRET", "FakeRequest", "FakeSimplicate"]

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
    time: float
    """Seconds since the epoch when it arrived."""

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


class FakeSimplicate:
    """A stateful fake of the Simplicate API v2, serving HTTP on an OS-assigned loopback port.

    It checks both authentication headers, keeps records in memory (seeded deterministically
    from ``seed``; ``records={"crm/organization": 500}`` sets collection sizes) and answers in
    the API's envelope. Start it with ``with`` (or :meth:`start`) and get a wired client from
    :meth:`client`.
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
    ) -> None:
        if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
            raise TypeError(f"seed must be a non-negative int, got {seed!r}")
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

    def client(self, **kwargs: Any) -> Client:
        """A :class:`simplicate.Client` wired to this fake (its URL and credentials)."""
        kwargs.setdefault("api_key", self.api_key)
        kwargs.setdefault("api_secret", self.api_secret)
        return Client(base_url=self.url, **kwargs)

    def records(self, path: str) -> list[dict[str, Any]]:
        """Every stored record of a collection (``"crm/organization"``), bypassing HTTP."""
        return self._running.records(path.strip("/"))

    def add(self, path: str, record: dict[str, Any]) -> str:
        """Store a record directly (no HTTP) and return its id."""
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
        """Back to the seeded data, with an empty request log."""
        self._running.reset()
        self._running.clear_requests()

    def __repr__(self) -> str:
        where = self._server.url if self._server is not None and self._server.running else "stopped"
        return f"<FakeSimplicate seed={self.seed} {where}>"

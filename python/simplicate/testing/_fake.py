"""``FakeSimplicate``: the Rust fake server (real HTTP on 127.0.0.1) wrapped for Python."""

from __future__ import annotations

from typing import Any

from .. import _core
from .._client import Client

__all__ = ["DEFAULT_API_KEY", "DEFAULT_API_SECRET", "FakeSimplicate"]

DEFAULT_API_KEY = "test-key"
DEFAULT_API_SECRET = "test-secret"


class FakeSimplicate:
    """A stateful fake of the Simplicate API v2, serving HTTP on an OS-assigned loopback port.

    It checks both authentication headers, keeps records in memory (seeded deterministically
    from ``seed``) and answers in the API's envelope. Start it with ``with`` (or :meth:`start`)
    and get a wired client from :meth:`client`.
    """

    def __init__(
        self,
        seed: int = 0,
        *,
        api_key: str = DEFAULT_API_KEY,
        api_secret: str = DEFAULT_API_SECRET,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
            raise TypeError(f"seed must be a non-negative int, got {seed!r}")
        self.seed = seed
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

    def reset(self) -> None:
        """Back to the seeded data."""
        self._running.reset()

    def __repr__(self) -> str:
        where = self._server.url if self._server is not None and self._server.running else "stopped"
        return f"<FakeSimplicate seed={self.seed} {where}>"

"""Stubs for the native module. Users import ``simplicate``, never this module."""

from typing import Any, final

__all__ = ["FakeServer", "Transport", "__version__", "_panic_in_task", "resolve_base_url"]

__version__: str

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
    ) -> Transport: ...
    def request(
        self, method: str, path: str, *, params: Any = None, json: Any = None
    ) -> dict[str, Any]:
        """Send one request with the GIL released; returns the decoded envelope."""
    def close(self) -> None:
        """Drop the connection pool; later requests raise RuntimeError."""
    @property
    def closed(self) -> bool: ...
    @property
    def base_url(self) -> str: ...

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
        """Restore the seeded data."""
    def stop(self) -> None:
        """Shut down and wait; idempotent."""

def resolve_base_url(domain: str | None = None, base_url: str | None = None) -> str:
    """Validate ``domain=``/``base_url=`` and return the API root URL."""

def _panic_in_task() -> None:
    """Test hook: panics inside a runtime task; raises SimplicateError."""

"""Shared fixtures: the bundled fake, and a scripted loopback server for odd answers.

Everything here is real HTTP on 127.0.0.1: reqwest cannot be seen by Python-side mocks.
"""

from __future__ import annotations

import json
import signal
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

import simplicate
from simplicate.testing import FakeSimplicate


def pytest_sessionstart(session: pytest.Session) -> None:
    # A shell that starts a job in the background without job control (nohup, `cmd &` in a
    # script) makes it ignore SIGINT, and an ignored signal stays ignored across exec: the
    # Ctrl-C tests' children would never see their KeyboardInterrupt. A signal with a handler
    # is reset to the default on exec, so installing Python's own handler here gives every
    # child the usual Ctrl-C behaviour whatever started the suite.
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


@pytest.fixture
def fake() -> Iterator[FakeSimplicate]:
    with FakeSimplicate(seed=1) as server:
        yield server


@pytest.fixture
def client(fake: FakeSimplicate) -> Iterator[simplicate.Client]:
    with fake.client() as c:
        yield c


@dataclass
class Reply:
    """A canned answer. ``action`` may run first (sleep, wait on a barrier)."""

    status: int = 200
    body: bytes | str | dict | list | None = None
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)
    action: Callable[[], None] | None = None


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


class ScriptedServer:
    """A loopback HTTP server answering from a table of (method, path) → Reply, recording every
    request it receives (headers lower-cased)."""

    def __init__(self) -> None:
        self.routes: dict[tuple[str, str], Reply] = {}
        self.seen: list[Seen] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                path = self.path.split("?", 1)[0]
                owner.seen.append(
                    Seen(
                        self.command,
                        self.path,
                        {k.lower(): v for k, v in self.headers.items()},
                        body,
                    )
                )
                reply = owner.routes.get((self.command, path)) or Reply(
                    404, {"data": None, "errors": ["no route"], "debug": None}
                )
                if reply.action is not None:
                    reply.action()
                payload = reply.body
                if isinstance(payload, dict | list):
                    payload = json.dumps(payload).encode()
                elif isinstance(payload, str):
                    payload = payload.encode()
                elif payload is None:
                    payload = b""
                self.send_response(reply.status)
                self.send_header("Content-Type", reply.content_type)
                self.send_header("Content-Length", str(len(payload)))
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_DELETE = _serve

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        # A client that hangs up early (timeouts, Ctrl-C tests) is expected; stay quiet.
        self.httpd.handle_error = lambda request, client_address: None  # type: ignore[method-assign]
        self.port = self.httpd.server_address[1]
        self.origin = f"http://127.0.0.1:{self.port}"
        self.url = f"{self.origin}/api/v2"
        self._thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()

    def on(self, method: str, path: str, reply: Reply) -> None:
        self.routes[(method, "/api/v2/" + path.lstrip("/"))] = reply

    def client(self, **kwargs: object) -> simplicate.Client:
        kwargs.setdefault("api_key", "scripted-key-1234")
        kwargs.setdefault("api_secret", "scripted-secret-5678")
        kwargs.setdefault("rate_limit", None)
        kwargs.setdefault("max_retries", 0)  # these tests are about single answers
        return simplicate.Client(base_url=self.url, **kwargs)  # type: ignore[arg-type]

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def scripted() -> Iterator[ScriptedServer]:
    server = ScriptedServer()
    yield server
    server.close()


@pytest.fixture
def scripted_factory() -> Iterator[Callable[[], ScriptedServer]]:
    servers: list[ScriptedServer] = []

    def make() -> ScriptedServer:
        server = ScriptedServer()
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.close()


def envelope(data: object, **extra: object) -> dict:
    return {"data": data, "errors": None, "debug": None, **extra}


@pytest.fixture
def frozen_gc() -> Iterator[None]:
    """Move what the suite has built so far out of the cyclic GC's reach, so a latency test
    measures our code, not a full collection over every module the suite happened to import
    earlier (pandas, pyarrow, polars)."""
    import gc

    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()

"""What the async mirror tests (``test_async_mirror*.py``) share: a scripted async client, and
helpers reading the fake's request log and comparing errors. Their ``fake``/``aclient`` fixtures
are defined in each file, since ``conftest.py``'s ``fake`` is another fixture.
"""

from __future__ import annotations

import inspect
from typing import Any

import pytest

import simplicate
from simplicate import _core
from simplicate.testing import FakeSimplicate

from .conftest import ScriptedServer

FAST = {"retry_backoff": 0.01, "retry_backoff_max": 0.05}
REGISTRY = _core.registry()
BIG = pytest.mark.simplicate(seed=2, records={"crm/organization": 1234})


def scripted_async(server: ScriptedServer, **kw: Any) -> simplicate.AsyncClient:
    """The async twin of ``ScriptedServer.client()``: same credentials, unpaced, no retries."""
    kw.setdefault("api_key", "scripted-key-1234")
    kw.setdefault("api_secret", "scripted-secret-5678")
    kw.setdefault("rate_limit", None)
    kw.setdefault("max_retries", 0)
    return simplicate.AsyncClient(base_url=server.url, **kw)


def org_requests(fake: FakeSimplicate, path: str = "crm/organization") -> list[dict[str, Any]]:
    return [r.params for r in fake.requests if r.path == f"/api/v2/{path}"]


def served(fake: FakeSimplicate, method: str, path_end: str) -> list[Any]:
    return [r for r in fake.requests if r.method == method and r.path.endswith(path_end)]


async def maybe_await(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


def assert_same_error(sync_error: BaseException, async_error: BaseException) -> None:
    assert type(async_error) is type(sync_error)
    assert async_error.args == sync_error.args
    assert vars(async_error) == vars(sync_error)

"""The async fixtures of ``simplicate.testing``: ``simplicate_async_client`` wired to
``simplicate_fake`` (and the marker), wired as ``client`` is, and used from a user's suite on
pytest-asyncio and anyio. Mirrors ``test_testing_tools.py``.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap
from typing import Any

import pytest

import simplicate
from simplicate.testing import FakeSimplicate

pytestmark = pytest.mark.asyncio


# ---- the async fixtures (simplicate.testing) ---------------------------------------------------


async def test_simplicate_async_client_is_wired_to_simplicate_fake(
    simplicate_fake: FakeSimplicate, simplicate_async_client: simplicate.AsyncClient
) -> None:
    assert isinstance(simplicate_async_client, simplicate.AsyncClient)
    assert simplicate_async_client.base_url == simplicate_fake.url
    assert simplicate_async_client.rate_limit is None  # the shared fake has no limit
    new = await simplicate_async_client.crm.person.create(
        {"first_name": "Plugin", "family_name": "Test"}
    )
    assert any(r["id"] == new for r in simplicate_fake.records("crm/person"))


@pytest.mark.simplicate(seed=5, rate_limit=600)
async def test_the_marker_shapes_the_async_clients_fake(
    simplicate_fake: FakeSimplicate, simplicate_async_client: simplicate.AsyncClient
) -> None:
    assert simplicate_fake.seed == 5
    assert simplicate_async_client.rate_limit == 600
    assert len(await simplicate_async_client.crm.person.list().to_list()) > 0
    assert simplicate_fake.throttled == 0


async def test_async_client_is_wired_as_client_is(monkeypatch: pytest.MonkeyPatch) -> None:
    from simplicate.testing import _fake

    made: dict[str, dict[str, Any]] = {}
    monkeypatch.setattr(_fake, "Client", lambda **kw: made.setdefault("sync", kw))
    monkeypatch.setattr(_fake, "AsyncClient", lambda **kw: made.setdefault("async", kw))
    with FakeSimplicate(rate_limit=120) as limited:
        limited.client()
        limited.async_client()
        assert made["sync"] == made["async"]
        assert made["async"] == {
            "base_url": limited.url,
            "api_key": limited.api_key,
            "api_secret": limited.api_secret,
            "rate_limit": 120,
            "rate_burst": 1,
        }
        made.clear()
        limited.client(rate_burst=4, max_retries=0)
        limited.async_client(rate_burst=4, max_retries=0)
        assert made["sync"] == made["async"]
        assert made["async"]["rate_burst"] == 4 and made["async"]["max_retries"] == 0


async def test_fake_async_client_takes_the_fakes_limit() -> None:
    with FakeSimplicate(rate_limit=600) as limited:
        async with limited.async_client(max_retries=0) as c:
            assert c.rate_limit == 600
            results = await asyncio.gather(*(c.get("crm/person") for _ in range(15)))
        assert len(results) == 15
        assert limited.throttled == 0


USERS_SUITE = """
import asyncio

import pytest

kept = []


@pytest.mark.asyncio
async def test_pytest_asyncio(simplicate_async_client, simplicate_fake):
    person = {"first_name": "Plugin", "family_name": "Test"}
    new = await simplicate_async_client.crm.person.create(person)
    assert any(r["id"] == new for r in simplicate_fake.records("crm/person"))
    kept.append(simplicate_async_client)


def test_the_fixture_closed_the_client():
    assert kept and kept[0].closed


@pytest.mark.asyncio(loop_scope="module")
async def test_module_scoped_loop(simplicate_async_client):
    assert len(await simplicate_async_client.crm.organization.list(limit=3).to_list()) == 3


@pytest.mark.asyncio
async def test_each_test_starts_fresh(simplicate_fake):
    assert simplicate_fake.requests == []


@pytest.mark.anyio
async def test_anyio(simplicate_async_client):
    orgs = await asyncio.gather(*(simplicate_async_client.get("crm/person") for _ in range(3)))
    assert len(orgs) == 3


def test_sync_tests_use_it_too(simplicate_async_client):
    assert asyncio.run(simplicate_async_client.crm.person.list(limit=2).to_list())
"""

USERS_CONFIG = """
[pytest]
asyncio_mode = strict
asyncio_default_fixture_loop_scope = function
filterwarnings = error
"""


async def test_the_fixture_in_a_users_suite(tmp_path: Any) -> None:
    (tmp_path / "test_users_async_suite.py").write_text(textwrap.dedent(USERS_SUITE))
    (tmp_path / "pytest.ini").write_text(textwrap.dedent(USERS_CONFIG))
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "6 passed" in result.stdout, result.stdout

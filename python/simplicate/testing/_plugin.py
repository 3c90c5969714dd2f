"""pytest plugin (registered through the ``pytest11`` entry point): fixtures wired to the fake.

- ``simplicate_fake``: a running :class:`FakeSimplicate` with fresh seeded data for each test.
  One server is shared by the session and reset before every test (a reset costs nothing until
  a collection is used again), so suites stay fast; mark a test
  ``@pytest.mark.simplicate(seed=..., records={...}, quirks=False)`` to get a dedicated server
  instead (``quirks=False``: clean data, without the real API's quirks; see the README).
- ``simplicate_client``: a :class:`simplicate.Client` wired to ``simplicate_fake``.
- ``simplicate_async_client``: a :class:`simplicate.AsyncClient` wired to ``simplicate_fake``,
  for ``async def`` tests under any asyncio plugin (pytest-asyncio, anyio, ...) and any loop
  scope: it is a plain fixture, made and closed outside the event loop, so it is bound to none::

    @pytest.mark.asyncio
    async def test_pull(simplicate_async_client):
        orgs = await simplicate_async_client.crm.organization.list(limit=5).to_list()
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from ._fake import FakeSimplicate

if TYPE_CHECKING:
    from .._async_client import AsyncClient
    from .._client import Client


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "simplicate(seed=0, records=None, quirks=True, **options): options of the "
        "simplicate_fake fixture (a dedicated FakeSimplicate)",
    )


@pytest.fixture(scope="session")
def _simplicate_shared_fake() -> Iterator[FakeSimplicate]:
    with FakeSimplicate() as fake:
        yield fake


@pytest.fixture
def simplicate_fake(request: pytest.FixtureRequest) -> Iterator[FakeSimplicate]:
    marker = request.node.get_closest_marker("simplicate")
    if marker is not None:
        with FakeSimplicate(*marker.args, **marker.kwargs) as fake:
            yield fake
        return
    shared: FakeSimplicate = request.getfixturevalue("_simplicate_shared_fake")
    shared.reset()
    yield shared


@pytest.fixture
def simplicate_client(simplicate_fake: FakeSimplicate) -> Iterator[Client]:
    with simplicate_fake.client() as client:
        yield client


@pytest.fixture
def simplicate_async_client(simplicate_fake: FakeSimplicate) -> Iterator[AsyncClient]:
    client = simplicate_fake.async_client()
    try:
        yield client
    finally:
        # What `aclose()` does, without a coroutine: closing needs no event loop, so this
        # fixture needs none either (and works with any plugin's loop, or after it is gone).
        client.close()

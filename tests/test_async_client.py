"""``simplicate.AsyncClient``: awaitable calls and async pagers on the shared Rust runtime.

Coroutines run under ``asyncio.run`` inside plain test functions (no asyncio pytest plugin).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import pytest

import simplicate
from simplicate.testing import FakeSimplicate

T = TypeVar("T")


def run(
    make: Callable[[simplicate.AsyncClient], Awaitable[T]], fake: FakeSimplicate, **kw: Any
) -> T:
    kw.setdefault("rate_limit", None)

    async def main() -> T:
        async with client_for(fake, **kw) as client:
            return await make(client)

    return asyncio.run(main())


def client_for(fake: FakeSimplicate, **kw: Any) -> simplicate.AsyncClient:
    return simplicate.AsyncClient(
        base_url=fake.url, api_key=fake.api_key, api_secret=fake.api_secret, **kw
    )


def list_requests(fake: FakeSimplicate, path: str = "crm/organization") -> list[dict[str, Any]]:
    return [r.params for r in fake.requests if r.path == f"/api/v2/{path}"]


@pytest.fixture
def fake() -> Any:
    with FakeSimplicate(seed=1) as fake:
        yield fake


@pytest.fixture
def big() -> Any:
    with FakeSimplicate(seed=2, records={"crm/organization": 1234}) as fake:
        yield fake


def test_generic_calls_round_trip(fake: FakeSimplicate) -> None:
    async def go(client: simplicate.AsyncClient) -> None:
        orgs = await client.get("crm/organization", params={"limit": 5})
        assert isinstance(orgs, list) and len(orgs) == 5 and isinstance(orgs[0], dict)
        envelope = await client.request("get", "crm/organization", params={"limit": 1})
        assert set(envelope) >= {"data"}
        created = await client.post("crm/organization", {"name": "Acme B.V."})
        oid = created["id"]
        assert (await client.get(f"crm/organization/{oid}"))["name"] == "Acme B.V."
        await client.put(f"crm/organization/{oid}", {"email": "b@acme.nl"})
        assert (await client.get(f"crm/organization/{oid}"))["email"] == "b@acme.nl"
        assert await client.delete(f"crm/organization/{oid}") is None
        with pytest.raises(simplicate.NotFoundError):
            await client.get(f"crm/organization/{oid}")

    run(go, fake)


def test_errors_map_to_the_same_exceptions(fake: FakeSimplicate) -> None:
    async def go(client: simplicate.AsyncClient) -> None:
        fake.inject("crm/person", status=503, times=None)
        with pytest.raises(simplicate.ServiceUnavailableError):
            await client.get("crm/person", max_retries=0)
        fake.clear_faults()
        with pytest.raises(ValueError, match="method"):
            await client.request("PATCH", "crm/person")
        with pytest.raises(TypeError, match="json"):
            await client.post("crm/person", "nope")  # type: ignore[arg-type]

    run(go, fake)

    async def bad_credentials() -> None:
        async with simplicate.AsyncClient(base_url=fake.url, api_key="x", api_secret="y") as c:
            with pytest.raises(simplicate.AuthenticationError):
                await c.get("crm/person")

    asyncio.run(bad_credentials())


def test_constructor_validates_like_client(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SIMPLICATE_API_KEY", raising=False)
    with pytest.raises(simplicate.ConfigurationError):
        simplicate.AsyncClient("acme", api_secret="s")
    with pytest.raises(TypeError):
        simplicate.AsyncClient("acme", api_key="k", api_secret="s", timeout="1")  # type: ignore[arg-type]


def test_async_with_closes_the_client(fake: FakeSimplicate) -> None:
    async def go() -> simplicate.AsyncClient:
        async with client_for(fake) as client:
            assert not client.closed
            assert "AsyncClient" in repr(client)
        assert client.closed
        with pytest.raises(RuntimeError):
            await client.get("crm/person")
        await client.aclose()  # idempotent
        return client

    asyncio.run(go())


def test_close_needs_no_event_loop(fake: FakeSimplicate) -> None:
    client = client_for(fake)
    client.close()  # no loop is running here
    assert client.closed

    async def go() -> None:
        with pytest.raises(RuntimeError):
            await client.get("crm/person")

    asyncio.run(go())


def test_async_for_over_1234_records_costs_13_requests(big: FakeSimplicate) -> None:
    async def go(client: simplicate.AsyncClient) -> list[dict[str, Any]]:
        return [record async for record in client._list("crm/organization")]

    records = run(go, big)
    assert [r["id"] for r in records] == [r["id"] for r in big.records("crm/organization")]
    requests = list_requests(big)
    assert len(requests) == 13
    assert requests[0]["metadata"] == ["count"]
    assert [int(r["offset"][0]) for r in requests] == list(range(0, 1300, 100))


def test_count_first_pages_and_to_list(big: FakeSimplicate) -> None:
    async def go(client: simplicate.AsyncClient) -> None:
        pager = client._list("crm/organization", limit=250)
        assert await pager.count() == 1234
        assert await pager.count() == 1234  # cached
        first = await pager.first()  # from the kept first page
        assert first is not None and first["id"] == big.records("crm/organization")[0]["id"]
        assert len(list_requests(big)) == 1
        sizes = [len(page) async for page in pager.pages()]
        assert sizes == [100, 100, 50]
        assert len(list_requests(big)) == 3  # the counted page was reused
        assert len(await pager.to_list()) == 250
        assert await client._list("crm/organization", limit=0).first() is None
        empty = client._list("crm/organization", filter={"name": "no such name at all"})
        assert await empty.to_list() == []
        assert await empty.first() is None

    run(go, big)


def test_break_cancels_the_prefetch(big: FakeSimplicate) -> None:
    # Paced at one request a second: the prefetch of page 2 is still waiting for its turn in
    # the pacer when the loop breaks, so if it were not aborted the server would see it.
    async def go(client: simplicate.AsyncClient) -> None:
        pager = client._list("crm/organization")
        async for _ in pager:
            break
        await asyncio.sleep(1.5)

    run(go, big, rate_limit=60, rate_burst=1)
    assert len(list_requests(big)) == 1


def test_wait_for_timeout_cancels_the_request_in_rust(fake: FakeSimplicate) -> None:
    fake.inject("crm/person", delay=5.0)

    async def go(client: simplicate.AsyncClient) -> None:
        started = time.monotonic()
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(client.get("crm/person"), 0.2)
        assert time.monotonic() - started < 1.0
        # the client is free at once: the next call does not wait for the abandoned one
        started = time.monotonic()
        assert len(await client.get("crm/person")) > 0
        assert time.monotonic() - started < 1.0

    run(go, fake)
    assert [r.fault for r in fake.requests if r.path == "/api/v2/crm/person"][-1] is None


def test_cancelled_request_never_leaves_the_pacer(fake: FakeSimplicate) -> None:
    # At one request a second, the second call waits in the Rust pacer; cancelling it must
    # drop it there, so it never reaches the server.
    async def go(client: simplicate.AsyncClient) -> None:
        await client.get("crm/person")
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(client.get("crm/organization"), 0.2)
        await asyncio.sleep(1.5)

    run(go, fake, rate_limit=60, rate_burst=1)
    assert [r.path for r in fake.requests] == ["/api/v2/crm/person"]


def test_gathered_calls_share_the_limiter_and_draw_no_429() -> None:
    # 50 gathered calls through a client paced at 1,200/min with no burst: one pacer for all
    # tasks spaces their arrivals 50 ms apart (a pacer per task, or none, would send them all
    # at once). The fake's own limit (600/min) would answer a 51st request in the minute 429.
    with FakeSimplicate(rate_limit=600) as fake:

        async def go(client: simplicate.AsyncClient) -> list[Any]:
            return await asyncio.gather(*(client.get("crm/person") for _ in range(50)))

        results = run(go, fake, rate_limit=1200, rate_burst=1, max_retries=0)
        assert len(results) == 50
        assert fake.throttled == 0
        arrivals = sorted(r.time for r in fake.requests)
        assert len(arrivals) == 50
        # The pacer sets a lower bound on the spread (49 gaps of 50 ms = 2.45 s); slowness
        # elsewhere can only widen it.
        assert arrivals[-1] - arrivals[0] >= 2.2


def test_event_loop_stays_responsive_during_a_pull(frozen_gc: None) -> None:
    # The acceptance test: a 10 ms ticker is never late by more than 50 ms while
    # 5,000 records stream in.
    with FakeSimplicate(records={"crm/organization": 5000}) as fake:

        async def go(client: simplicate.AsyncClient) -> tuple[int, float]:
            lateness = 0.0
            done = asyncio.Event()

            async def ticker() -> None:
                nonlocal lateness
                loop = asyncio.get_running_loop()
                while not done.is_set():
                    due = loop.time() + 0.01
                    await asyncio.sleep(0.01)
                    lateness = max(lateness, loop.time() - due)

            tick = asyncio.create_task(ticker())
            await asyncio.sleep(0)
            n = 0
            async for _ in client._list("crm/organization"):
                n += 1
            done.set()
            await tick
            return n, lateness

        n, lateness = run(go, fake)
        assert n == 5000
        assert lateness < 0.05, f"a tick was {lateness * 1000:.1f} ms late"


def test_concurrent_anext_on_one_stream_is_refused(big: FakeSimplicate) -> None:
    async def go(client: simplicate.AsyncClient) -> None:
        stream = client._list("crm/organization")._native.stream()
        first = stream.__anext__()
        with pytest.raises(RuntimeError, match="one __anext__ at a time"):
            stream.__anext__()
        assert len(await first) == 100
        assert len(await stream.__anext__()) == 100
        stream.close()
        with pytest.raises(StopAsyncIteration):
            await stream.__anext__()

    run(go, big)


def test_pager_arguments_are_checked_before_sending(fake: FakeSimplicate) -> None:
    async def go(client: simplicate.AsyncClient) -> None:
        with pytest.raises(ValueError, match="page_size"):
            client._list("crm/organization", page_size=101)
        with pytest.raises(ValueError, match="the pager sets limit"):
            client._list("crm/organization", params={"limit": 3})
        pager = client._list("crm/organization", sort="name")
        assert pager.params == [("sort", "name,id")]  # id breaks ties, as for Client
        assert "AsyncPager" in repr(pager)

    run(go, fake)
    assert fake.requests == []


def test_resource_tree(big: FakeSimplicate) -> None:
    async def go(client: simplicate.AsyncClient) -> None:
        pager = client.crm.organization.list(limit=150)
        assert isinstance(pager, simplicate._async_pager.AsyncPager)
        assert len([r async for r in pager]) == 150
        oid = await client.crm.organization.create({"name": "Acme B.V."})
        assert isinstance(oid, str) and oid.startswith("organization:")
        assert (await client.crm.organization.get(oid))["name"] == "Acme B.V."
        assert await client.crm.organization.update(oid, {"email": "x@acme.nl"}) is None
        assert (await client.crm.organization.get(oid))["email"] == "x@acme.nl"
        assert await client.crm.organization.delete(oid) is None
        with pytest.raises(simplicate.NotFoundError):
            await client.crm.organization.get(oid)
        with pytest.raises(AttributeError, match="nosuchmodule"):
            client.nosuchmodule  # noqa: B018
        with pytest.raises(AttributeError, match="nosuchresource"):
            client.crm.nosuchresource  # noqa: B018
        with pytest.raises(ValueError, match="one path segment"):
            await client.crm.organization.get("a/b")
        assert "organization" in dir(client.crm)

    run(go, big)

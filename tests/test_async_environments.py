"""``AsyncClient`` in the event-loop environments users run it in: ``asyncio.run`` scripts, a
notebook kernel's already running loop, uvloop, several loops in sequence and loops in threads.

The tests own their loops (no asyncio pytest plugin involved): each builds the loop the way the
environment does.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import threading
from collections.abc import Callable, Coroutine
from typing import Any

import pytest

import simplicate
from simplicate.testing import FakeSimplicate


@pytest.fixture
def fake() -> Any:
    with FakeSimplicate() as fake:
        yield fake


@pytest.fixture
def big() -> Any:
    with FakeSimplicate(seed=2, records={"crm/organization": 1234}) as fake:
        yield fake


def org_ids(fake: FakeSimplicate) -> list[str]:
    return [r["id"] for r in fake.records("crm/organization")]


async def mixed_work(client: simplicate.AsyncClient) -> dict[str, Any]:
    """A bit of everything, concurrently: calls, a counted pull, a streamed pull, first()."""
    pager = client.crm.organization.list(limit=250)
    persons, count, pulled, streamed, first = await asyncio.gather(
        asyncio.gather(*(client.get("crm/person", params={"limit": 2}) for _ in range(10))),
        pager.count(),
        pager.to_list(),
        collect(client.crm.organization.list(offset=1000)),
        client.crm.organization.list(sort="id").first(),
    )
    return {
        "persons": [len(p) for p in persons],
        "count": count,
        "pulled": [r["id"] for r in pulled],
        "streamed": streamed,
        "first": first["id"] if first else None,
    }


async def collect(pager: Any) -> list[str]:
    return [r["id"] async for r in pager]


def check_mixed(result: dict[str, Any], fake: FakeSimplicate) -> None:
    ids = org_ids(fake)
    assert result["persons"] == [2] * 10
    assert result["count"] == 1234
    assert result["pulled"] == ids[:250]
    assert result["streamed"] == ids[1000:]
    assert result["first"] == min(ids)


# ---- (a) asyncio.run ---------------------------------------------------------------------------


@pytest.mark.parametrize("debug", [False, True])
def test_under_asyncio_run(big: FakeSimplicate, debug: bool) -> None:
    # Debug mode also checks that results come back through the loop's thread-safe door (a
    # call_soon from another thread raises there).
    async def main() -> dict[str, Any]:
        async with big.async_client() as client:
            return await mixed_work(client)

    check_mixed(asyncio.run(main(), debug=debug), big)


EXIT_SCRIPT = """
import asyncio, sys

import simplicate

async def main():
    client = simplicate.AsyncClient(
        base_url=sys.argv[1], api_key=sys.argv[2], api_secret=sys.argv[3], rate_limit=None
    )
    await asyncio.gather(*(client.get("crm/person", params={"limit": 1}) for _ in range(200)))

asyncio.run(main())
"""


def test_interpreter_exit_after_async_calls_is_clean(fake: FakeSimplicate) -> None:
    # A script's last await returns, asyncio.run ends, the interpreter exits: every time.
    # (Before `drain_runtime` ran at exit, a runtime thread still releasing the GIL after
    # handing over a result crashed the interpreter's teardown in about 1 run of 6.)
    codes = [
        subprocess.run(
            [sys.executable, "-c", EXIT_SCRIPT, fake.url, fake.api_key, fake.api_secret],
            capture_output=True,
            timeout=60,
        ).returncode
        for _ in range(20)
    ]
    assert codes == [0] * 20


# ---- (b) a notebook kernel's running loop ------------------------------------------------------

KERNEL = '''
import ast, asyncio, inspect, json, os, sys, threading

import simplicate

URL, KEY, SECRET = sys.argv[1:4]

# Cells as a user types them into a notebook: top-level await, sync and async clients mixed,
# a task started in one cell and awaited in a later one.
CELLS = [
    """
aclient = simplicate.AsyncClient(base_url=URL, api_key=KEY, api_secret=SECRET, rate_limit=None)
orgs = await aclient.get("crm/organization", params={"limit": 3})
in_running_loop = asyncio.get_running_loop().is_running()
    """,
    """
pulled = [r["id"] async for r in aclient.crm.organization.list(limit=250)]
background = asyncio.create_task(aclient.crm.organization.list(offset=1200).to_list())
client = simplicate.Client(base_url=URL, api_key=KEY, api_secret=SECRET, rate_limit=None)
sync_orgs = client.get("crm/organization", params={"limit": 3})
sync_pulled = [r["id"] for r in client.crm.organization.list(limit=250)]
sync_count = client.crm.organization.list().count()
    """,
    """
tail = [r["id"] for r in await background]
count, first = await asyncio.gather(
    aclient.crm.organization.list().count(), aclient.crm.organization.list().first()
)
await aclient.aclose()
client.close()
    """,
]


async def kernel(namespace):
    # What IPython's autoawait does with a cell: compile it allowing top-level await and, when
    # that makes it a coroutine, await it on the kernel's running loop, in the main thread.
    for cell in CELLS:
        code = compile(cell, "<cell>", "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
        result = eval(code, namespace)
        if inspect.iscoroutine(result):
            await result


namespace = {"simplicate": simplicate, "asyncio": asyncio, "URL": URL, "KEY": KEY,
             "SECRET": SECRET}
asyncio.run(kernel(namespace))
print(json.dumps({
    "main_thread": threading.current_thread() is threading.main_thread(),
    **{name: namespace[name] for name in (
        "in_running_loop", "orgs", "pulled", "tail", "sync_orgs", "sync_pulled", "sync_count",
        "count",
    )},
    "first": namespace["first"]["id"],
}), flush=True)
# A kernel does not exit after a cell; skipping the interpreter's teardown keeps this test about
# the running loop (the exit itself is test_interpreter_exit_after_async_calls_is_clean's).
os._exit(0)
'''


def test_in_a_notebook_kernels_running_loop(big: FakeSimplicate) -> None:
    result = subprocess.run(
        [sys.executable, "-W", "error", "-c", KERNEL, big.url, big.api_key, big.api_secret],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    seen = json.loads(result.stdout)
    ids = org_ids(big)
    assert seen["main_thread"] and seen["in_running_loop"]
    assert [o["id"] for o in seen["orgs"]] == ids[:3]
    assert seen["pulled"] == ids[:250]
    assert seen["tail"] == ids[1200:]
    assert seen["first"] == ids[0]
    assert seen["count"] == seen["sync_count"] == 1234
    # the sync client, used inside the running loop, sees the same
    assert seen["sync_orgs"] == seen["orgs"]
    assert seen["sync_pulled"] == seen["pulled"]


# ---- (c) uvloop --------------------------------------------------------------------------------


def run_uvloop(main: Callable[[], Coroutine[Any, Any, Any]]) -> Any:
    uvloop = pytest.importorskip("uvloop")

    async def checked() -> Any:
        assert isinstance(asyncio.get_running_loop(), uvloop.Loop)
        return await main()

    return uvloop.run(checked())


def test_uvloop_concurrent_gather(big: FakeSimplicate) -> None:
    async def main() -> dict[str, Any]:
        async with big.async_client() as client:
            return await mixed_work(client)

    check_mixed(run_uvloop(main), big)


def test_uvloop_cancellation(big: FakeSimplicate) -> None:
    big.inject("crm/person", delay=5.0)

    async def main() -> list[dict[str, Any]]:
        async with big.async_client() as client:
            # A request cut short by wait_for: cancelled in Rust; the client carries on.
            with pytest.raises(TimeoutError):
                await asyncio.wait_for(client.get("crm/person"), 0.2)
            return await client.get("crm/person", params={"limit": 1})

    assert len(run_uvloop(main)) == 1
    # the second call was served normally (the delay fault was used up by the first)
    assert [r.fault for r in big.requests][-1] is None


def test_uvloop_cancelling_a_pulling_task_drops_its_prefetch(big: FakeSimplicate) -> None:
    # Paced at one request a second: when the task is cancelled, page 2's prefetch is waiting
    # in the pacer. The call after it queues behind; it is served alone only if the prefetch
    # was dropped with the task.
    async def main() -> None:
        async with big.async_client(rate_limit=60, rate_burst=1) as client:
            got_a_page = asyncio.Event()

            async def pull() -> None:
                async for _ in client.crm.organization.list():
                    got_a_page.set()

            task = asyncio.create_task(pull())
            await got_a_page.wait()
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            await client.get("crm/person", params={"limit": 1})

    run_uvloop(main)
    assert [r.path for r in big.requests] == ["/api/v2/crm/organization", "/api/v2/crm/person"]


# ---- (d) several loops, one client -------------------------------------------------------------


def test_one_client_on_loops_in_sequence(big: FakeSimplicate) -> None:
    client = big.async_client()  # made outside any loop, as the pytest fixture does
    try:
        pager = client.crm.organization.list(limit=300)
        records = aiter(client.crm.organization.list(offset=1000))

        async def first_loop() -> tuple[int, list[str]]:
            count = await pager.count()  # keeps page 1 for the next pass
            return count, [(await anext(records))["id"] for _ in range(150)]

        async def second_loop() -> tuple[list[str], list[str], dict[str, Any]]:
            pulled = [r["id"] for r in await pager.to_list()]
            rest = [r["id"] async for r in records]  # a stream begun on the first loop
            return pulled, rest, await mixed_work(client)

        count, head = asyncio.run(first_loop())
        pulled, rest, mixed = asyncio.run(second_loop())
    finally:
        asyncio.run(client.aclose())
    ids = org_ids(big)
    assert count == 1234
    assert pulled == ids[:300]
    assert head + rest == ids[1000:]
    check_mixed(mixed, big)
    assert client.closed


def test_one_client_from_two_threads_each_with_its_own_loop(big: FakeSimplicate) -> None:
    client = big.async_client()
    both_running = threading.Barrier(2, timeout=30)
    results: dict[int, dict[str, Any]] = {}
    errors: list[BaseException] = []

    def thread(n: int) -> None:
        async def main() -> dict[str, Any]:
            both_running.wait()  # both loops run when the work starts
            return await mixed_work(client)

        try:
            results[n] = asyncio.run(main())
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=thread, args=(n,)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    asyncio.run(client.aclose())
    assert errors == []
    assert sorted(results) == [0, 1]
    for result in results.values():
        check_mixed(result, big)


def test_loops_in_two_threads_share_one_pacer(big: FakeSimplicate) -> None:
    # One request a second, no burst. A loop in one thread takes the slot; a call from a loop in
    # another thread must then wait in the same pacer, so a 0.2 s wait_for cancels it there and
    # it never reaches the server. (With a pacer per loop it would be answered at once.)
    client = big.async_client(rate_limit=60, rate_burst=1)
    outcomes: list[object] = []

    def in_a_thread(main: Callable[[], Coroutine[Any, Any, Any]]) -> None:
        def target() -> None:
            try:
                outcomes.append(asyncio.run(main()))
            except BaseException as exc:  # surfaced below
                outcomes.append(exc)

        thread = threading.Thread(target=target)
        thread.start()
        thread.join(30)

    async def take_the_slot() -> int:
        return len(await client.get("crm/person", params={"limit": 1}))

    async def wait_behind_it() -> str:
        try:
            await asyncio.wait_for(client.get("crm/organization"), 0.2)
        except TimeoutError:
            return "cancelled while waiting"
        return "answered"

    in_a_thread(take_the_slot)
    in_a_thread(wait_behind_it)
    in_a_thread(client.aclose)
    assert outcomes == [1, "cancelled while waiting", None]
    assert [r.path for r in big.requests] == ["/api/v2/crm/person"]

"""The runtime under real conditions: threads without the GIL, fork, and Ctrl-C."""

from __future__ import annotations

import os
import signal
import threading
import warnings

import pytest

from simplicate.testing import FakeSimplicate

from .conftest import Reply, ScriptedServer, envelope
from .interrupt import assert_ctrl_c_interrupts


def test_gil_is_released_while_waiting(scripted: ScriptedServer) -> None:
    # The handler answers only once two requests are inside it at the same time. If the first
    # call held the GIL while waiting, the second thread could never send, and the barrier would
    # break (BrokenBarrierError in the handler → no answer → the calls fail).
    barrier = threading.Barrier(2, timeout=10)
    scripted.on("GET", "both/waiting", Reply(body=envelope("ok"), action=barrier.wait))
    results: list[object] = []
    with scripted.client(timeout=15) as c:
        threads = [
            threading.Thread(target=lambda: results.append(c.get("both/waiting"))) for _ in range(2)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(20)
    assert results == ["ok", "ok"]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_client_works_in_a_forked_child(fake: FakeSimplicate) -> None:
    client = fake.client()
    assert client.get("crm/person", params={"limit": 1})  # runtime and pool exist in the parent
    read_end, write_end = os.pipe()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # 3.12+: fork with threads
        pid = os.fork()
    if pid == 0:  # child: must work (or fail cleanly), never hang
        code = 1
        try:
            people = client.get("crm/person", params={"limit": 2})
            os.write(write_end, str(len(people)).encode())
            code = 0
        except BaseException as exc:  # report anything to the parent
            os.write(write_end, f"error: {exc!r}".encode())
        finally:
            os._exit(code)
    os.close(write_end)
    import select

    ready, _, _ = select.select([read_end], [], [], 30)
    answer = os.read(read_end, 1000).decode() if ready else "child hung"
    os.close(read_end)
    if not ready:
        os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    assert answer == "2", answer
    assert os.WEXITSTATUS(status) == 0
    assert client.get("crm/person", params={"limit": 1})  # and the parent still works


def test_ctrl_c_interrupts_a_blocked_call(scripted: ScriptedServer) -> None:
    release = threading.Event()
    scripted.on("GET", "very/slow", Reply(body=envelope(1), action=lambda: release.wait(60)))
    try:
        assert_ctrl_c_interrupts(
            f'c = simplicate.Client(base_url={scripted.url!r}, api_key="k", api_secret="s", '
            "timeout=120)",
            'c.get("very/slow")',
            in_flight=lambda: bool(scripted.seen),
            timeout=5,
        )
    finally:
        release.set()

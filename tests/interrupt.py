"""Ctrl-C in a child process: the one way to test that a blocking call honours SIGINT (the
signal must reach a main thread that is inside our Rust wait)."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable

SCRIPT = """
import sys, simplicate
{setup}
print("ready", flush=True)
try:
    {action}
except KeyboardInterrupt:
    print("interrupted", flush=True)
    sys.exit(42)
"""


def assert_ctrl_c_interrupts(
    setup: str,
    action: str,
    *,
    in_flight: Callable[[], bool] = lambda: True,
    settle: float = 0.0,
    timeout: float = 10.0,
) -> None:
    """Run ``setup`` then ``action`` (one statement) in a child Python; once ``in_flight()``
    holds (polled for up to 10 s) and ``settle`` more seconds have passed, send SIGINT and
    assert that ``action`` raised KeyboardInterrupt within ``timeout`` seconds."""
    script = SCRIPT.format(setup=textwrap.dedent(setup).strip(), action=action)
    with subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as proc:
        try:
            assert proc.stdout is not None
            assert proc.stdout.readline().strip() == "ready", proc.stderr and proc.stderr.read()
            deadline = time.monotonic() + 10
            while not in_flight() and time.monotonic() < deadline:
                time.sleep(0.025)
            assert in_flight(), "the call never reached the server"
            time.sleep(settle)
            proc.send_signal(signal.SIGINT)
            out, err = proc.communicate(timeout=timeout)
        finally:
            # On a failure, kill the child; leaving the block then reaps it and closes its
            # pipes, so one failing test does not surface as ResourceWarnings in later ones.
            if proc.poll() is None:
                proc.kill()
    assert proc.returncode == 42, err
    assert "interrupted" in out

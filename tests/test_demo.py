"""The README's commands stay true: the demo runs, and the README names both commands."""

from __future__ import annotations

import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent


def test_demo_runs_against_the_bundled_fake() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "simplicate", "demo"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    assert "FakeSimplicate serving http://127.0.0.1:" in out
    assert "created" in out and "organization:" in out
    assert "updated email                hello@demo.example" in out
    assert "founded (sent as a date)     2020-05-17" in out
    assert "after delete                 NotFoundError: 404 Not Found" in out


def test_readme_carries_the_two_newcomer_commands() -> None:
    readme = (ROOT / "README.md").read_text()
    assert "pip install . && python -m simplicate demo" in readme
    ci = (ROOT / ".ci" / "run").read_text()
    # .ci/run runs the README's test command, verbatim.
    test_line = next(
        line
        for line in readme.splitlines()
        if line.startswith("pip install -e '.[test]'") or line.startswith("pip install '.[test]'")
    )
    assert test_line.strip() in ci


def test_readme_fake_examples_run() -> None:
    """The README's examples that need no real account are executed, so they cannot rot."""
    readme = (ROOT / "README.md").read_text()
    blocks = [b.split("```", 1)[0] for b in readme.split("```python\n")[1:]]
    runnable = [b for b in blocks if "FakeSimplicate" in b]
    assert runnable, "the README lost its fake-server example"
    for block in runnable:
        exec(compile(block, "README.md", "exec"), {})

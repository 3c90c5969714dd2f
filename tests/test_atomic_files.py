"""Files that appear whole or not at all (sync state, exports): long names, and Windows, where
a file another program holds open cannot be replaced for a moment (a scanner) or for good (a
spreadsheet). Windows' refusal is played by a replace that raises what Windows raises."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from simplicate import _atomic


def test_a_destination_name_near_the_limit_still_gets_a_temporary_file(tmp_path: Path) -> None:
    # 250 bytes: within every file system's limit, past it with the temporary name's additions
    # unless they are shortened; multi-byte characters test the cut.
    name = "é" * 123 + ".csv"
    assert len(name.encode()) == 250
    with _atomic.replaced_atomically(tmp_path / name) as file:
        file.write("whole")
    assert (tmp_path / name).read_text() == "whole"
    assert os.listdir(tmp_path) == [name]


def test_a_failed_block_leaves_the_old_content_and_no_temporary_file(tmp_path: Path) -> None:
    dest = tmp_path / "state.json"
    dest.write_text("old")
    with pytest.raises(RuntimeError), _atomic.replaced_atomically(dest) as file:
        file.write("half")
        raise RuntimeError("interrupted")
    assert dest.read_text() == "old"
    assert os.listdir(tmp_path) == ["state.json"]


def refusing_replace(
    monkeypatch: pytest.MonkeyPatch, refusals: int | None
) -> list[tuple[str, str]]:
    """Make this module behave as on Windows, with ``os.replace`` refused ``refusals`` times
    (``None``: always) the way Windows refuses a file held open (``PermissionError``)."""
    calls: list[tuple[str, str]] = []
    real_replace = os.replace

    def replace(source: str, target: str) -> None:
        calls.append((source, target))
        if refusals is None or len(calls) <= refusals:
            raise PermissionError(errno.EACCES, "The process cannot access the file", target)
        real_replace(source, target)

    monkeypatch.setattr(_atomic, "WINDOWS", True)
    monkeypatch.setattr(_atomic.os, "replace", replace)
    return calls


def test_on_windows_a_briefly_held_file_is_replaced_once_it_is_let_go(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dest = tmp_path / "export.csv"
    dest.write_text("old")
    calls = refusing_replace(monkeypatch, refusals=3)
    with _atomic.replaced_atomically(dest) as file:
        file.write("new")
    assert len(calls) == 4
    assert dest.read_text() == "new"
    assert os.listdir(tmp_path) == ["export.csv"]


def test_on_windows_a_file_held_open_for_good_is_reported_and_left_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dest = tmp_path / "export.csv"
    dest.write_text("old")
    calls = refusing_replace(monkeypatch, refusals=None)
    with (
        pytest.raises(PermissionError, match="open in another program") as raised,
        _atomic.replaced_atomically(dest) as file,
    ):
        file.write("new")
    assert raised.value.filename == str(dest)
    assert len(calls) > 1, "not tried again"
    assert dest.read_text() == "old"
    assert os.listdir(tmp_path) == ["export.csv"], "temporary file left behind"


def test_other_errors_are_not_retried(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_atomic, "WINDOWS", True)
    # The destination's directory vanished after the temporary file was made: final at once.
    calls = []

    def replace(source: str, target: str) -> None:
        calls.append(target)
        raise FileNotFoundError(errno.ENOENT, "gone", target)

    monkeypatch.setattr(_atomic.os, "replace", replace)
    with pytest.raises(FileNotFoundError), _atomic.replaced_atomically(tmp_path / "x") as file:
        file.write("new")
    assert len(calls) == 1

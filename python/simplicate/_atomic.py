"""Files that appear whole or not at all: the sync state and exported files.

The content goes to a temporary file beside the destination, is flushed to disk, and is renamed
onto the destination only when the writer's block succeeds; a failure (or Ctrl-C) removes the
temporary file, so the destination holds the old content or the new, never half of either.
(Downloads get the same guarantee in Rust: ``crates/core/src/files/download_target.rs``.)
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from typing import IO, Any

__all__ = ["replaced_atomically"]

WINDOWS = sys.platform == "win32"

# File names are limited to 255 bytes; the temporary name adds to the destination's.
_MAX_TEMP_STEM = 200


def _retry_while_denied(attempt: Callable[[], None], patience: float) -> None:
    """Run ``attempt`` until it is not refused with ``PermissionError`` or ``patience`` seconds
    have passed."""
    deadline = time.monotonic() + patience
    while True:
        try:
            return attempt()
        except PermissionError:
            if time.monotonic() >= deadline:
                raise
            time.sleep(0.05)


def _replace(temporary: str, path: str) -> None:
    """``os.replace``. POSIX replaces a file whoever has it open; Windows refuses while another
    program holds it open: for a moment an antivirus scanner or the search indexer, for good a
    spreadsheet showing the old file. Like pip, try again for a second, then say so."""
    if not WINDOWS:
        os.replace(temporary, path)
        return
    try:
        _retry_while_denied(lambda: os.replace(temporary, path), patience=1.0)
    except PermissionError as error:
        raise PermissionError(
            error.errno, f"cannot replace {path!r} (is it open in another program?)", path
        ) from error


@contextlib.contextmanager
def replaced_atomically(path: str | os.PathLike[str], mode: str = "w") -> Iterator[IO[Any]]:
    """A file object (text in UTF-8, or binary for ``mode="wb"``) whose content becomes
    ``path`` when the block succeeds. An existing ``path`` keeps its permissions."""
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    stem = os.path.basename(path).encode()[:_MAX_TEMP_STEM].decode(errors="ignore")
    fd, temporary = tempfile.mkstemp(dir=directory, prefix=f".{stem}.", suffix=".part")
    try:
        text = "b" not in mode
        with os.fdopen(
            fd, mode, encoding="utf-8" if text else None, newline="" if text else None
        ) as file:
            yield file
            file.flush()
            os.fsync(file.fileno())
        if not WINDOWS:
            # mkstemp makes the file private; a file being replaced keeps its mode. (On
            # Windows a mode is only a read-only flag, and a read-only temporary file could
            # not even be removed after a failed replace.)
            with contextlib.suppress(FileNotFoundError):
                os.chmod(temporary, stat.S_IMODE(os.stat(path).st_mode))
        _replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    if not WINDOWS:  # the rename itself, durable; Windows cannot open a directory to sync it
        with contextlib.suppress(OSError):
            dir_fd = os.open(directory, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)

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
import tempfile
from collections.abc import Iterator
from typing import IO, Any

__all__ = ["replaced_atomically"]


@contextlib.contextmanager
def replaced_atomically(path: str | os.PathLike[str], mode: str = "w") -> Iterator[IO[Any]]:
    """A file object (text in UTF-8, or binary for ``mode="wb"``) whose content becomes
    ``path`` when the block succeeds. An existing ``path`` keeps its permissions."""
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    fd, temporary = tempfile.mkstemp(
        dir=directory, prefix=f".{os.path.basename(path)}.", suffix=".part"
    )
    try:
        text = "b" not in mode
        with os.fdopen(
            fd, mode, encoding="utf-8" if text else None, newline="" if text else None
        ) as file:
            yield file
            file.flush()
            os.fsync(file.fileno())
        with contextlib.suppress(FileNotFoundError):
            # mkstemp makes the file private; a file being replaced keeps its mode.
            os.chmod(temporary, stat.S_IMODE(os.stat(path).st_mode))
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    with contextlib.suppress(OSError):  # the rename itself, durable (POSIX only)
        dir_fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)

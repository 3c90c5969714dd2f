"""``progress=``: one meaning everywhere a long transfer or pull takes it.

- ``None``/``False``: silent.
- ``True``: a tqdm bar (``pip install 'simplicate[progress]'``); without tqdm, a warning and no
  bar — a missing extra never fails the work itself.
- a callable: ``progress(done, total)``, ``total`` None when it is not known.

Files count bytes; pulls count records, with the total from ``metadata=count``.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

__all__ = ["ProgressCallback", "Reporter", "reporter"]

ProgressCallback = Callable[[int, "int | None"], object]
"""``progress(done, total)``; total is None when the server does not say."""


class Reporter:
    """A callable ``(done, total)`` that feeds the caller's callable or a tqdm bar; ``close``
    ends the bar when the work stops short of its total (a ``break``, an error)."""

    __slots__ = ("_bar", "_callback")

    def __init__(self, callback: ProgressCallback | None, bar: Any = None) -> None:
        self._callback = callback
        self._bar = bar

    def __call__(self, done: int, total: int | None) -> None:
        if self._callback is not None:
            self._callback(done, total)
            return
        bar = self._bar
        if total is not None and bar.total != total:
            bar.total = total
        bar.update(done - bar.n)
        if total is not None and done >= total:
            bar.close()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


def reporter(
    progress: bool | ProgressCallback | None, what: str, *, unit: str, stacklevel: int
) -> Reporter | None:
    """The reporter for a ``progress=`` argument (checked here, before any work starts);
    ``unit`` is ``"B"`` for files (scaled to kB, MB) or ``"records"``."""
    if progress is None or progress is False:
        return None
    if progress is True:
        try:
            from tqdm.auto import tqdm
        except ImportError:
            warnings.warn(
                "progress=True shows a bar only when tqdm is installed "
                "(pip install 'simplicate[progress]'); continuing without one",
                stacklevel=stacklevel + 1,
            )
            return None
        scaled = {"unit_scale": True, "unit_divisor": 1024} if unit == "B" else {}
        return Reporter(None, tqdm(desc=what, unit=unit, **scaled))
    if callable(progress):
        return Reporter(progress)
    raise TypeError(f"progress must be True, a callable(done, total) or None, got {progress!r}")

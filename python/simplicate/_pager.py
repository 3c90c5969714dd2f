"""``Pager``: what ``resource.list(...)`` returns — a lazy, prefetching pull of every matching
record, page by page, in constant memory."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from . import _core
from ._progress import Progress, Reporter, reporter


def check_progress(progress: object) -> Any:
    """``progress=`` of a pager, checked when the pager is made (the bar itself is made for
    each pass)."""
    if progress is None or isinstance(progress, bool) or callable(progress):
        return progress
    raise TypeError(f"progress must be True, a callable(done, total) or None, got {progress!r}")


def expected_total(count: int, limit: int | None, offset: int) -> int:
    """How many records a pass delivers: the filtered count after ``offset``, up to ``limit``."""
    remaining = max(0, count - offset)
    return remaining if limit is None else min(limit, remaining)


__all__ = ["Pager"]


class Pager:
    """Every record of a filtered list, fetched lazily.

    Iterate it (``for org in pager``) to stream records as plain dicts; the next page is fetched
    in the background while you work through the current one, and records you have passed are
    not kept, so memory stays flat however many records there are. Each iteration is a fresh
    pass over the pages.

    - :meth:`count` — the size of the whole filtered collection (the API's ``metadata=count``,
      ignoring ``limit`` and ``offset``). Asked for on the first page's request, which is then
      reused by the next iteration: counting first costs no extra request.
    - :meth:`first` — the first record or ``None``.
    - :meth:`pages` — an iterator of lists, one per page.
    - :meth:`to_list` — everything, as a list.

    Made with ``progress=True`` (``list(..., progress=True)``), every pass shows a tqdm bar of
    records with the total from ``metadata=count`` (free: the first page carries it); a
    callable gets ``progress(done, total)`` instead.

    Pulling N records costs ceil(N / page_size) requests. When the data changes during a pull,
    records that a create pushes onto the next page are not delivered twice, and a sort gets
    ``id`` as its last key so ties keep one order across pages. Records deleted during a pull
    can shift a not-yet-seen record onto an already-fetched page; offset paging cannot recover
    it (use ``filter={"updated_at": {"ge": since}}`` to track changes).
    """

    __slots__ = ("_limit", "_native", "_offset", "_progress")

    def __init__(
        self,
        native: _core.Pager,
        *,
        limit: int | None = None,
        offset: int = 0,
        progress: bool | Progress | None = None,
    ) -> None:
        self._native = native
        self._limit = limit
        self._offset = offset
        self._progress = check_progress(progress)

    def count(self) -> int:
        """The size of the whole filtered collection, ignoring ``limit`` and ``offset``."""
        return self._native.count()

    def first(self) -> dict[str, Any] | None:
        """The first record, or None when nothing matches."""
        return self._native.first()

    def pages(self) -> Iterator[list[dict[str, Any]]]:
        """Iterate page by page (lists of dicts). Leaving the loop early stops the prefetch as
        soon as the iterator is dropped or closed (``for`` over ``pager.pages()`` directly drops
        it at once)."""
        report = self._reporter()
        if report is not None:
            total = expected_total(self._native.count(), self._limit, self._offset)
            report(0, total)
        stream = self._native.stream()
        done = 0
        try:
            for page in stream:
                if report is not None:
                    done += len(page)
                    report(done, max(total, done))
                yield page
        finally:
            stream.close()
            if report is not None:
                report.close()

    def _reporter(self) -> Reporter | None:
        return reporter(self._progress, self.path, unit="records", stacklevel=4)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for page in self.pages():
            yield from page

    def to_list(self) -> list[dict[str, Any]]:
        """Every record, in one list."""
        records: list[dict[str, Any]] = []
        for page in self.pages():
            records.extend(page)
        return records

    @property
    def path(self) -> str:
        return self._native.path

    @property
    def params(self) -> list[tuple[str, str]]:
        """The filter, select and sort parameters every page request carries."""
        return self._native.params

    def __repr__(self) -> str:
        return f"<simplicate.Pager {self.path} {self.params!r}>"

"""``Pager``: what ``resource.list(...)`` returns — a lazy, prefetching pull of every matching
record, page by page, in constant memory."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from . import _core

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

    Pulling N records costs ceil(N / page_size) requests. When the data changes during a pull,
    records that a create pushes onto the next page are not delivered twice, and a sort gets
    ``id`` as its last key so ties keep one order across pages. Records deleted during a pull
    can shift a not-yet-seen record onto an already-fetched page; offset paging cannot recover
    it (use ``filter={"updated_at": {"ge": since}}`` to track changes).
    """

    __slots__ = ("_native",)

    def __init__(self, native: _core.Pager) -> None:
        self._native = native

    def count(self) -> int:
        """The size of the whole filtered collection, ignoring ``limit`` and ``offset``."""
        return self._native.count()

    def first(self) -> dict[str, Any] | None:
        """The first record, or None when nothing matches."""
        return self._native.first()

    def pages(self) -> Iterator[list[dict[str, Any]]]:
        """Iterate page by page (lists of dicts). Leaving the loop early stops the prefetch."""
        stream = self._native.stream()
        try:
            yield from stream
        finally:
            stream.close()

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

"""``AsyncPager``: what ``AsyncClient``'s list calls return — the asyncio twin of
:class:`simplicate._pager.Pager`: a lazy, prefetching pull, page by page, in constant memory."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING, Any

from . import _core, _tabular
from ._tabular import ListMode

if TYPE_CHECKING:
    import pandas
    import polars
    import pyarrow

__all__ = ["AsyncPager"]


class AsyncPager:
    """Every record of a filtered list, fetched lazily, for ``async for``.

    ``async for org in pager`` streams records as plain dicts; the next page is fetched on the
    Rust runtime while you work through the current one (the event loop never waits on the
    network), and leaving the loop early aborts that prefetch. Each iteration is a fresh pass.

    - ``await pager.count()`` — the size of the whole filtered collection (``metadata=count``),
      asked for on the first page's request, which the next iteration reuses.
    - ``await pager.first()`` — the first record or ``None``.
    - ``pager.pages()`` — an async iterator of lists, one per page.
    - ``await pager.to_list()`` — everything, as a list.
    - ``await pager.to_arrow()``, ``to_pandas()``, ``to_polars()`` — everything, as one table
      built on the Rust runtime from the response bytes; options as for
      :meth:`simplicate.Pager.to_arrow`.
    """

    __slots__ = ("_native",)

    def __init__(self, native: _core.AsyncPager) -> None:
        self._native = native

    async def count(self) -> int:
        """The size of the whole filtered collection, ignoring ``limit`` and ``offset``."""
        return await self._native.count()

    async def first(self) -> dict[str, Any] | None:
        """The first record, or None when nothing matches."""
        return await self._native.first()

    def pages(self) -> AsyncIterator[list[dict[str, Any]]]:
        """Iterate page by page (lists of dicts). Leaving the loop early stops the prefetch."""
        return _Pages(self._native.stream())

    def __aiter__(self) -> AsyncIterator[dict[str, Any]]:
        return _Records(self._native.stream())

    async def to_list(self) -> list[dict[str, Any]]:
        """Every record, in one list."""
        records: list[dict[str, Any]] = []
        pages = _Pages(self._native.stream())
        try:
            async for page in pages:
                records.extend(page)
        finally:
            pages.close()
        return records

    async def to_arrow(
        self,
        *,
        lists: ListMode = "list",
        timestamps: bool = True,
        cast_numbers: bool = False,
    ) -> pyarrow.Table:
        """Every record, as a ``pyarrow.Table``; see :meth:`simplicate.Pager.to_arrow`. Fetched
        and built on the Rust runtime: the event loop never waits. Options are checked, and
        pyarrow imported, before any request."""
        options, convert = _tabular.prepare("to_arrow", lists, timestamps, cast_numbers)
        return convert(await self._native.arrow(**options))

    async def to_pandas(
        self,
        *,
        lists: ListMode = "list",
        timestamps: bool = True,
        cast_numbers: bool = False,
    ) -> pandas.DataFrame:
        """Every record, as a pandas DataFrame (:meth:`to_arrow`'s table, ``to_pandas()``; list
        columns stay Arrow-backed, as in :meth:`simplicate.Pager.to_pandas`)."""
        options, convert = _tabular.prepare("to_pandas", lists, timestamps, cast_numbers)
        return convert(await self._native.arrow(**options))

    async def to_polars(
        self,
        *,
        lists: ListMode = "list",
        timestamps: bool = True,
        cast_numbers: bool = False,
    ) -> polars.DataFrame:
        """Every record, as a polars DataFrame (:meth:`to_arrow`'s table, ``from_arrow``)."""
        options, convert = _tabular.prepare("to_polars", lists, timestamps, cast_numbers)
        return convert(await self._native.arrow(**options))

    @property
    def path(self) -> str:
        return self._native.path

    @property
    def params(self) -> list[tuple[str, str]]:
        """The filter, select and sort parameters every page request carries."""
        return self._native.params

    def __repr__(self) -> str:
        return f"<simplicate.AsyncPager {self.path} {self.params!r}>"


# Iterators are plain classes rather than async generators so that leaving a loop early drops
# the native stream at once (aborting its prefetch), instead of whenever the event loop gets to
# finalizing an abandoned generator.


class _Pages:
    __slots__ = ("_stream",)

    def __init__(self, stream: _core.AsyncPageStream) -> None:
        self._stream = stream

    def __aiter__(self) -> _Pages:
        return self

    async def __anext__(self) -> list[dict[str, Any]]:
        while True:
            page = await self._stream.__anext__()
            if page:  # a page of nothing but repeats is skipped
                return page

    def close(self) -> None:
        """Abort the prefetch under way; idempotent."""
        self._stream.close()

    async def aclose(self) -> None:
        self._stream.close()


class _Records:
    __slots__ = ("_page", "_stream")

    def __init__(self, stream: _core.AsyncPageStream) -> None:
        self._stream = stream
        self._page: Iterator[dict[str, Any]] = iter(())

    def __aiter__(self) -> _Records:
        return self

    async def __anext__(self) -> dict[str, Any]:
        while True:
            for record in self._page:
                return record
            self._page = iter(await self._stream.__anext__())

    def close(self) -> None:
        """Abort the prefetch under way; idempotent."""
        self._stream.close()

    async def aclose(self) -> None:
        self._stream.close()

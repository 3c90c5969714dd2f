"""``AsyncPager``: what ``AsyncClient``'s list calls return — the asyncio twin of
:class:`simplicate._pager.Pager`: a lazy, prefetching pull, page by page, in constant memory."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING, Any

from . import _core, _tables
from ._pager import PullBase
from ._progress import Reporter
from ._tables import ListMode, SchemaMode

if TYPE_CHECKING:
    import pandas
    import polars
    import pyarrow

__all__ = ["AsyncPager"]


class AsyncPager(PullBase):
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

    __slots__ = ()
    _native: _core.AsyncPager

    async def count(self) -> int:
        """The size of the whole filtered collection, ignoring ``limit`` and ``offset``."""
        return await self._native.count()

    async def first(self) -> dict[str, Any] | None:
        """The first record, or None when nothing matches."""
        return await self._native.first()

    def pages(self) -> AsyncIterator[list[dict[str, Any]]]:
        """Iterate page by page (lists of dicts). Leaving the loop early stops the prefetch as
        soon as the iterator is dropped or closed (``async for`` over ``pager.pages()`` directly
        drops it at once)."""
        return self._pages()

    def __aiter__(self) -> AsyncIterator[dict[str, Any]]:
        return _Records(self._pages())

    def _pages(self) -> _Pages:
        return _Pages(self, self._reporter())

    async def to_list(self) -> list[dict[str, Any]]:
        """Every record, in one list."""
        records: list[dict[str, Any]] = []
        pages = self._pages()
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
        schema: SchemaMode = "inferred",
    ) -> pyarrow.Table:
        """Every record, as a ``pyarrow.Table``; see :meth:`simplicate.Pager.to_arrow` for the
        options (``schema="model"`` included) and the counts of nulled values. Fetched and
        built on the Rust runtime: the event loop never waits. Options are checked, and
        pyarrow imported, before any request."""
        return await self._table("to_arrow", lists, timestamps, cast_numbers, schema)

    async def to_pandas(
        self,
        *,
        lists: ListMode = "list",
        timestamps: bool = True,
        cast_numbers: bool = False,
        schema: SchemaMode = "inferred",
    ) -> pandas.DataFrame:
        """Every record, as a pandas DataFrame (:meth:`to_arrow`'s table, ``to_pandas()``; list
        columns stay Arrow-backed, and ``attrs["simplicate:nulled"]`` counts the values nulled
        for not fitting their column, as in :meth:`simplicate.Pager.to_pandas`)."""
        return await self._table("to_pandas", lists, timestamps, cast_numbers, schema)

    async def to_polars(
        self,
        *,
        lists: ListMode = "list",
        timestamps: bool = True,
        cast_numbers: bool = False,
        schema: SchemaMode = "inferred",
    ) -> polars.DataFrame:
        """Every record, as a polars DataFrame (:meth:`to_arrow`'s table, ``from_arrow``;
        nulled values are reported by the WARNING log only)."""
        frame: polars.DataFrame = await self._table(
            "to_polars", lists, timestamps, cast_numbers, schema
        )
        return frame

    async def _table(
        self, method: str, lists: object, timestamps: object, cast_numbers: object, schema: object
    ) -> Any:
        options, convert = _tables.prepare(
            method, self.path, lists, timestamps, cast_numbers, schema
        )
        report = self._reporter()
        if report is None:
            return convert(await self._native.arrow(**options))
        try:
            progress = self._table_progress(report)
            return convert(await self._native.arrow(progress=progress, **options))
        finally:
            report.close()


# Iterators are plain classes rather than async generators so that leaving a loop early drops
# the native stream at once (aborting its prefetch), instead of whenever the event loop gets to
# finalizing an abandoned generator.


class _Pages:
    __slots__ = ("_done", "_pager", "_report", "_stream", "_total")

    def __init__(self, pager: AsyncPager, report: Reporter | None) -> None:
        self._pager = pager
        self._stream = pager._native.stream()
        self._report = report
        self._done = 0
        self._total: int | None = None

    def __aiter__(self) -> _Pages:
        return self

    async def __anext__(self) -> list[dict[str, Any]]:
        report = self._report
        if report is not None and self._total is None:
            # The count rides on the first page's request, which the stream then reuses.
            self._total = self._pager._expected(await self._pager._native.count())
            report(0, self._total)
        try:
            page = await self._stream.__anext__()  # never empty: Rust skips all-repeat pages
        except BaseException:
            self.close()
            raise
        if report is not None and self._total is not None:
            self._done += len(page)
            report(self._done, max(self._total, self._done))
        return page

    def close(self) -> None:
        """Abort the prefetch under way (and end the progress bar); idempotent."""
        self._stream.close()
        if self._report is not None:
            self._report.close()

    async def aclose(self) -> None:
        self.close()

    def __del__(self) -> None:
        # ``async for`` does not close its iterator on ``break``; dropping it does (at once,
        # by reference counting), and ends the bar with it.
        if self._report is not None:
            self._report.close()


class _Records:
    __slots__ = ("_page", "_stream")

    def __init__(self, stream: _Pages) -> None:
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

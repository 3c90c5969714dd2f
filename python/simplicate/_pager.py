"""``Pager``: what ``resource.list(...)`` returns — a lazy, prefetching pull of every matching
record, page by page, in constant memory."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from . import _core, _tables
from ._progress import ProgressCallback, Reporter, reporter
from ._tables import ListMode, SchemaMode

if TYPE_CHECKING:
    import pandas
    import polars
    import pyarrow


__all__ = ["Pager", "Recipe", "recipe", "relisted"]

Recipe = tuple[Any, str, dict[str, Any]]
"""How a pager was made: its client, the list path and the other ``list()`` arguments."""


def recipe(
    client: Any, path: str, query: dict[str, Any], progress: bool | ProgressCallback | None
) -> Recipe:
    """The recipe of ``client._list(path, **query, progress=progress)``. The query (already
    checked by the native pager, so plain values) is copied, so that a filter the caller changes
    afterwards does not change what the pager pickles as; ``progress`` is kept as it is."""
    return (client, path, {**copy.deepcopy(query), "progress": progress})


def relisted(client: Any, path: str, arguments: dict[str, Any]) -> Any:
    """The other half of a pager's ``__reduce__``: the same ``list()`` call again."""
    return client._list(path, **arguments)


class PullBase:
    """What the sync :class:`Pager` and the :class:`AsyncPager` share: the native pager, the
    window a pass delivers (``limit``, ``offset``) and the ``progress=`` setting (checked here,
    when the pager is made; a bar is made for each pass)."""

    __slots__ = ("_limit", "_native", "_offset", "_progress", "_recipe")
    _native: _core.Pager | _core.AsyncPager

    def __init__(
        self,
        native: _core.Pager | _core.AsyncPager,
        *,
        limit: int | None = None,
        offset: int = 0,
        progress: bool | ProgressCallback | None = None,
        recipe: Recipe | None = None,
    ) -> None:
        if not (progress is None or isinstance(progress, bool) or callable(progress)):
            raise TypeError(
                f"progress must be True, a callable(done, total) or None, got {progress!r}"
            )
        self._native = native
        self._limit = limit
        self._offset = offset
        self._progress = progress
        self._recipe = recipe

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        """A pager pickles as its query (its client, the path and the ``list()`` arguments):
        unpickled, it is a fresh pager over the same records, from the first one."""
        if self._recipe is None:
            raise TypeError(f"this {type(self).__name__} was not made by list(); it cannot pickle")
        return (relisted, self._recipe)

    def _reporter(self) -> Reporter | None:
        """A fresh reporter for one pass, or None without ``progress=``."""
        return reporter(self._progress, self.path, unit="records", stacklevel=4)

    def _expected(self, count: int) -> int:
        """How many records a pass delivers: the filtered count after ``offset``, up to
        ``limit``."""
        remaining = max(0, count - self._offset)
        return remaining if self._limit is None else min(self._limit, remaining)

    def _table_progress(self, report: Reporter) -> Callable[[int, int | None], None]:
        """What a table pull calls after each page, ``(records so far, filtered count)``,
        turned into a report against the records this pager delivers."""

        def progress(done: int, count: int | None) -> None:
            report(done, None if count is None else max(self._expected(count), done))

        return progress

    @property
    def path(self) -> str:
        return self._native.path

    @property
    def params(self) -> list[tuple[str, str]]:
        """The filter, select and sort parameters every page request carries."""
        return self._native.params

    def __repr__(self) -> str:
        return f"<simplicate.{type(self).__name__} {self.path} {self.params!r}>"


class Pager(PullBase):
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
    - :meth:`to_arrow`, :meth:`to_pandas`, :meth:`to_polars` — everything, as one table, built
      in Rust straight from the response bytes (no dict per record), with the same requests.

    Made with ``progress=True`` (``list(..., progress=True)``), every pass shows a tqdm bar of
    records with the total from ``metadata=count`` (free: the first page carries it); a
    callable gets ``progress(done, total)`` instead.

    Pulling N records costs ceil(N / page_size) requests. When the data changes during a pull,
    records that a create pushes onto the next page are not delivered twice, and a sort gets
    ``id`` as its last key so ties keep one order across pages. Records deleted during a pull
    can shift a not-yet-seen record onto an already-fetched page; offset paging cannot recover
    it (use ``filter={"updated_at": {"ge": since}}`` to track changes).
    """

    __slots__ = ()
    _native: _core.Pager

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
            total = self._expected(self._native.count())
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

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for page in self.pages():
            yield from page

    def to_list(self) -> list[dict[str, Any]]:
        """Every record, in one list."""
        records: list[dict[str, Any]] = []
        for page in self.pages():
            records.extend(page)
        return records

    def to_arrow(
        self,
        *,
        lists: ListMode = "list",
        timestamps: bool = True,
        cast_numbers: bool = False,
        schema: SchemaMode = "inferred",
    ) -> pyarrow.Table:
        """Every record, as a ``pyarrow.Table`` built in Rust from the page bytes (the GIL is
        released while pages are fetched and built). Needs ``pip install 'simplicate[arrow]'``.

        Columns are what ``pandas.json_normalize`` makes of the records: nested objects become
        dotted columns (``relation_type.label``, ``visiting_address.locality``).

        ``schema="inferred"`` (default): the schema is the union over every record (a missing
        key is null), each column typed from what it holds:

        - booleans → ``bool``; integers → ``int64``; integers and floats → ``float64``;
          strings → ``string``; only nulls → ``null``.
        - lists: ``lists="list"`` (default) keeps them as Arrow lists (objects inside become
          structs); ``lists="json"`` makes them strings of compact JSON text.
        - values of different kinds in one column (a number here, a string there; a list beside
          a scalar; integers beyond int64) make it a ``string`` column: strings as they are,
          other values as their JSON text. Never an error, never a dropped value.
        - ``timestamps=True`` (default): string columns whose every non-empty value is shaped
          ``YYYY-MM-DD HH:MM:SS`` become naive ``timestamp[s]`` (the API's local time, no zone);
          all ``YYYY-MM-DD`` become ``date32``. Empty strings become null there, and so do
          values of that shape that are no calendar value (MySQL's zero date
          ``0000-00-00 00:00:00``, ``2019-02-30``): one of them does not make the column text.
          Only free text among the dates does. A column of nothing but zero dates is a
          timestamp column of nulls.
        - ``cast_numbers=True``: string columns whose every non-empty value is JSON-number text
          (``"12"``, ``"-0.5"``; not ``"012"``) become ``int64``, or ``float64`` when not all are
          integers; integer text beyond int64 stays text. Off by default.

        ``schema="model"``: the columns and types come from the record model table for this
        pager's collection, so every pull has the same schema whatever its pages hold. The
        columns are the record type's fields (flattened, in the table's order), always all of
        them (a field no record has is a column of nulls); with ``select=``, the selected ones
        (``a.`` all of ``a``, ``a.b`` one child, ``id`` always). Fields the records have beyond
        the model follow, typed as ``schema="inferred"`` types them (``timestamps`` and
        ``cast_numbers`` apply to those only). Model kinds map to ``string``, ``int64``,
        ``float64``, ``bool``, ``date32``, ``timestamp[s]`` and, for "any JSON", ``string``
        holding JSON text for non-strings; lists to Arrow lists typed from the model (objects
        inside become structs of the model's fields, then any keys the model lacks), or JSON
        text with ``lists="json"``. Values are cast the way the real API spells them: number
        text (``"100.000000"`` → 100.0), ``"0"``/``"1"`` and ``0``/``1`` booleans, integral
        floats into integer columns, a date into a timestamp column, a date-time at midnight
        into a date column; ``""`` and zero dates become null. A value that cannot mean its
        column's type (``"lots"`` for a number, an object where the model has a scalar, a
        scalar where it has an object) becomes null. A pager on a collection without a record
        type raises ``ValueError`` before any request.

        **Nothing is nulled silently.** Every non-empty value that became null because it did
        not fit its column's type (zero dates excepted: they are the API's "no date") is
        counted per column: the table's ``schema.metadata[b"simplicate:nulled"]`` holds JSON
        ``{"column": count}`` (only when something was nulled; for a value inside a list
        column's elements, its dotted path there), and one WARNING on the ``simplicate``
        logger names the columns and counts.

        Conversions never apply inside lists in the inferred schema. No records: a table with
        no rows (and, inferred, no columns). Options are checked, and pyarrow imported, before
        any request.
        """
        return self._table("to_arrow", lists, timestamps, cast_numbers, schema)

    def to_pandas(
        self,
        *,
        lists: ListMode = "list",
        timestamps: bool = True,
        cast_numbers: bool = False,
        schema: SchemaMode = "inferred",
    ) -> pandas.DataFrame:
        """Every record, as a pandas DataFrame: :meth:`to_arrow`'s table (same options) through
        ``Table.to_pandas()``. Needs ``pip install 'simplicate[pandas]'``.

        List columns stay Arrow-backed (``pd.ArrowDtype``; a cell reads as a Python list of
        dicts): making every cell a Python object would cost more than the whole pull. Use
        ``lists="json"`` for text, or ``to_arrow().to_pandas()`` for object columns. The counts
        of values nulled for not fitting their column are in
        ``frame.attrs["simplicate:nulled"]`` (a dict, only when something was nulled), besides
        the WARNING log."""
        return self._table("to_pandas", lists, timestamps, cast_numbers, schema)

    def to_polars(
        self,
        *,
        lists: ListMode = "list",
        timestamps: bool = True,
        cast_numbers: bool = False,
        schema: SchemaMode = "inferred",
    ) -> polars.DataFrame:
        """Every record, as a polars DataFrame: :meth:`to_arrow`'s table (same options) through
        ``polars.from_arrow``. Needs ``pip install 'simplicate[polars]'``. Polars frames carry
        no metadata: values nulled for not fitting their column are reported by the WARNING
        log only."""
        frame: polars.DataFrame = self._table("to_polars", lists, timestamps, cast_numbers, schema)
        return frame

    def _table(
        self, method: str, lists: object, timestamps: object, cast_numbers: object, schema: object
    ) -> Any:
        options, convert = _tables.prepare(
            method, self.path, lists, timestamps, cast_numbers, schema
        )
        report = self._reporter()
        if report is None:
            return convert(self._native.arrow(**options))
        try:
            progress = self._table_progress(report)
            return convert(self._native.arrow(progress=progress, **options))
        finally:
            report.close()

"""Tables from a pull: the checks and imports behind ``pager.to_arrow()``, ``to_pandas()`` and
``to_polars()`` (sync and async pagers alike).

The table itself is built in Rust (``crates/core/src/tabular/``) from the page bytes and arrives as
a ``_core.ArrowStream`` through the Arrow C stream interface (``__arrow_c_stream__``). pyarrow,
pandas and polars are optional extras, imported only when a table is asked for; options and
imports are checked before any request is sent.

Values that became null because they did not fit their column's type are counted by the build
and travel in the Arrow schema metadata (:data:`NULLED_KEY`); here they become one WARNING on
the ``simplicate`` logger per pull, and ``DataFrame.attrs[NULLED_KEY]`` for pandas (polars
frames have no metadata: the log is all they get).
"""

from __future__ import annotations

import importlib
import json
import logging
from collections.abc import Callable
from types import ModuleType
from typing import Any, Literal

__all__ = ["NULLED_KEY", "ListMode", "SchemaMode", "check_schema", "nulled", "prepare"]

ListMode = Literal["list", "json"]
SchemaMode = Literal["inferred", "model"]
_LIST_MODES = ("list", "json")
_SCHEMA_MODES = ("inferred", "model")
_MIN_PYARROW = 14  # the first pyarrow to read `__arrow_c_stream__`

#: The schema metadata key (and ``DataFrame.attrs`` key) of the nulled-value counts: JSON
#: ``{"column": count}``, present only when something was nulled.
NULLED_KEY = "simplicate:nulled"

logger = logging.getLogger("simplicate")

# method -> (extra that brings its dependencies, the modules it imports)
_NEEDS = {
    "to_arrow": ("arrow", ("pyarrow",)),
    "to_pandas": ("pandas", ("pandas", "pyarrow")),
    "to_polars": ("polars", ("polars", "pyarrow")),
}


def prepare(
    method: str,
    path: str,
    lists: object,
    timestamps: object,
    cast_numbers: object,
    schema: object = "inferred",
) -> tuple[dict[str, Any], Callable[[Any], Any]]:
    """Check the options and import what ``method`` needs, or raise (``ValueError``/
    ``TypeError`` naming the argument, ``ImportError`` naming the extra).

    Returns the keyword arguments of the native ``arrow()`` call and the function that turns
    its ``ArrowStream`` into ``method``'s result (logging what was nulled, for ``path``).
    """
    options = _check_options(lists, timestamps, cast_numbers, schema)
    extra, modules = _NEEDS[method]
    imported = {name: _require(name, method, extra) for name in modules}
    pa = imported["pyarrow"]

    def arrow(stream: Any) -> tuple[Any, dict[str, int]]:
        table = pa.table(stream)
        counts = nulled(table)
        if counts:
            _warn(path, counts)
        return table, counts

    if method == "to_pandas":
        pd = imported["pandas"]

        def keep_nested(arrow_type: Any) -> Any:
            # Lists (and structs) stay Arrow-backed: turning each cell into Python lists of
            # dicts would cost more than the whole pull; cells still read as Python objects.
            return pd.ArrowDtype(arrow_type) if pa.types.is_nested(arrow_type) else None

        def to_pandas(stream: Any) -> Any:
            table, counts = arrow(stream)
            frame = table.to_pandas(types_mapper=keep_nested)
            if counts:
                frame.attrs[NULLED_KEY] = counts
            return frame

        return options, to_pandas
    if method == "to_polars":
        pl = imported["polars"]
        return options, lambda stream: pl.from_arrow(arrow(stream)[0])
    return options, lambda stream: arrow(stream)[0]


def nulled(table: Any) -> dict[str, int]:
    """A pyarrow table's nulled-value counts by column (empty when nothing was nulled)."""
    metadata = table.schema.metadata or {}
    text = metadata.get(NULLED_KEY.encode())
    return {} if text is None else dict(json.loads(text))


def _warn(path: str, counts: dict[str, int]) -> None:
    listed = ", ".join(f"{column} ({count})" for column, count in counts.items())
    logger.warning(
        "%s: %d value(s) did not fit their column's type and became null: %s",
        path,
        sum(counts.values()),
        listed,
    )


def _check_options(
    lists: object, timestamps: object, cast_numbers: object, schema: object
) -> dict[str, Any]:
    if lists not in _LIST_MODES:
        raise ValueError(f'lists must be "list" or "json", got {lists!r}')
    for name, flag in (("timestamps", timestamps), ("cast_numbers", cast_numbers)):
        if not isinstance(flag, bool):
            raise TypeError(f"{name} must be True or False, got {flag!r}")
    check_schema(schema)
    return {
        "lists": lists,
        "timestamps": timestamps,
        "cast_numbers": cast_numbers,
        "schema": schema,
    }


def check_schema(schema: object) -> None:
    """``schema=`` is ``"inferred"`` or ``"model"``, or ``ValueError`` naming it."""
    if not isinstance(schema, str) or schema not in _SCHEMA_MODES:
        raise ValueError(f'schema must be "inferred" or "model", got {schema!r}')


def _require(module: str, method: str, extra: str) -> ModuleType:
    hint = f"pip install 'simplicate[{extra}]'"
    try:
        imported = importlib.import_module(module)
    except ImportError as exc:
        raise ImportError(f"{method}() needs {module}: {hint}", name=module) from exc
    if module == "pyarrow":
        version = str(imported.__version__)
        if int(version.split(".")[0]) < _MIN_PYARROW:
            raise ImportError(
                f"{method}() needs pyarrow>={_MIN_PYARROW}, found {version}: {hint}",
                name=module,
            )
    return imported

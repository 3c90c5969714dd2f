"""Tables from a pull: the checks and imports behind ``pager.to_arrow()``, ``to_pandas()`` and
``to_polars()`` (sync and async pagers alike).

The table itself is built in Rust (``src/tabular/``) from the page bytes and arrives as a
``_core.ArrowStream`` through the Arrow C stream interface (``__arrow_c_stream__``). pyarrow,
pandas and polars are optional extras, imported only when a table is asked for; options and
imports are checked before any request is sent.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from types import ModuleType
from typing import Any, Literal

__all__ = ["ListMode", "prepare"]

ListMode = Literal["list", "json"]
_LIST_MODES = ("list", "json")
_MIN_PYARROW = 14  # the first pyarrow to read `__arrow_c_stream__`

# method -> (extra that brings its dependencies, the modules it imports)
_NEEDS = {
    "to_arrow": ("arrow", ("pyarrow",)),
    "to_pandas": ("pandas", ("pandas", "pyarrow")),
    "to_polars": ("polars", ("polars", "pyarrow")),
}


def prepare(
    method: str, lists: object, timestamps: object, cast_numbers: object
) -> tuple[dict[str, Any], Callable[[Any], Any]]:
    """Check the options and import what ``method`` needs, or raise (``ValueError``/
    ``TypeError`` naming the argument, ``ImportError`` naming the extra).

    Returns the keyword arguments of the native ``arrow()`` call and the function that turns
    its ``ArrowStream`` into ``method``'s result.
    """
    options = _check_options(lists, timestamps, cast_numbers)
    extra, modules = _NEEDS[method]
    imported = {name: _require(name, method, extra) for name in modules}
    pa = imported["pyarrow"]
    if method == "to_pandas":
        pd = imported["pandas"]

        def keep_nested(arrow_type: Any) -> Any:
            # Lists (and structs) stay Arrow-backed: turning each cell into Python lists of
            # dicts would cost more than the whole pull; cells still read as Python objects.
            return pd.ArrowDtype(arrow_type) if pa.types.is_nested(arrow_type) else None

        return options, lambda stream: pa.table(stream).to_pandas(types_mapper=keep_nested)
    if method == "to_polars":
        pl = imported["polars"]
        return options, lambda stream: pl.from_arrow(pa.table(stream))
    return options, pa.table


def _check_options(lists: object, timestamps: object, cast_numbers: object) -> dict[str, Any]:
    if lists not in _LIST_MODES:
        raise ValueError(f'lists must be "list" or "json", got {lists!r}')
    for name, flag in (("timestamps", timestamps), ("cast_numbers", cast_numbers)):
        if not isinstance(flag, bool):
            raise TypeError(f"{name} must be True or False, got {flag!r}")
    return {"lists": lists, "timestamps": timestamps, "cast_numbers": cast_numbers}


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

"""``simplicate export``: one resource's records into a CSV, JSON Lines or Parquet file.

The format follows the file's extension. The file appears only when complete: it is written
under a temporary name beside it and renamed into place, so a failed or interrupted export
leaves whatever was there before (or nothing), never half a file.

- JSON Lines (``.jsonl``, ``.ndjson``) streams: one record per line, as the API gave it, in
  constant memory.
- CSV and Parquet go through :meth:`Pager.to_arrow` (built in Rust, nested objects flattened to
  dotted columns, timestamps typed); CSV keeps lists as JSON text, Parquet as list columns.
  Both need pyarrow (``pip install 'simplicate[arrow]'``). ``schema="model"`` (``--schema
  model``) types the columns from the record model table, so every export of a resource has
  the same columns and types; values nulled for not fitting their column are logged, and a
  Parquet file keeps their counts in its schema metadata (``simplicate:nulled``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._atomic import replaced_atomically
from ._tables import SchemaMode, check_schema

if TYPE_CHECKING:
    from ._pager import Pager


__all__ = ["FORMATS", "export", "filter_from_pairs"]

FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet"}

# ``--filter KEY[OP]=VALUE``: the operators of the API's q[...] syntax.
_OPERATORS = ("ge", "gt", "le", "lt", "in", "nin")


def output_format(out: str | os.PathLike[str]) -> str:
    """The format for ``out``'s extension; ValueError naming the known ones otherwise."""
    suffix = Path(out).suffix.lower()
    if suffix not in FORMATS:
        known = ", ".join(sorted(FORMATS))
        raise ValueError(
            f"out={os.fspath(out)!r}: unknown extension {suffix!r}; use one of {known}"
        )
    return FORMATS[suffix]


def filter_from_pairs(pairs: Sequence[str]) -> dict[str, Any]:
    """``["name=*Bob*", "updated_at[ge]=2024-01-01", "status=open", "status=won"]`` → a filter
    dict: ``KEY=VALUE`` is equality (repeating KEY means any of the values), ``KEY[OP]=VALUE``
    an operator (``ge gt le lt in nin``; ``in``/``nin`` take comma-separated values).
    KEY may be dotted (``relation_type.label``). ValueError names the bad pair."""
    out: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip()
        if not sep or not key:
            raise ValueError(f"--filter {pair!r}: expected KEY=VALUE or KEY[OP]=VALUE")
        if key.endswith("]") and "[" in key:
            field, _, op = key[:-1].partition("[")
            if op not in _OPERATORS:
                raise ValueError(
                    f"--filter {pair!r}: unknown operator {op!r}; use one of "
                    f"{', '.join(_OPERATORS)}"
                )
            ops = out.setdefault(field, {})
            if not isinstance(ops, dict):
                raise ValueError(f"--filter {pair!r}: {field} is already filtered by equality")
            ops[op] = value
        else:
            current = out.get(key)
            if isinstance(current, dict):
                raise ValueError(f"--filter {pair!r}: {key} is already filtered by an operator")
            if current is None:
                out[key] = value
            elif isinstance(current, list):
                current.append(value)
            else:
                out[key] = [current, value]
    return out


def _need_pyarrow(what: str) -> Any:
    try:
        import pyarrow
    except ImportError:
        raise ImportError(
            f"exporting {what} needs pyarrow: pip install 'simplicate[arrow]'"
        ) from None
    return pyarrow


def export(pager: Pager, out: str | os.PathLike[str], *, schema: SchemaMode = "inferred") -> int:
    """Write every record of ``pager`` to ``out`` (format by extension); the number written.
    A pager made with ``progress=`` shows it. ``schema`` is :meth:`Pager.to_arrow`'s, for CSV
    and Parquet; JSON Lines hold the records as the API gave them, so only the default fits.

    Checks ``out`` (extension, directory, the extra the format needs) and ``schema`` before any
    request."""
    kind = output_format(out)
    check_schema(schema)
    if kind == "jsonl" and schema != "inferred":
        raise ValueError(
            f"schema={schema!r} types table columns; JSON Lines keep the records as the API "
            "gave them: export to .csv or .parquet"
        )
    target = Path(out)
    if target.is_dir():
        raise IsADirectoryError(f"out={os.fspath(out)!r} is a directory; name the file")
    if not target.parent.is_dir():
        raise FileNotFoundError(f"out's directory {str(target.parent)!r} does not exist")
    if kind == "jsonl":
        return _export_jsonl(pager, target)
    _need_pyarrow(f"to {target.suffix}")
    if kind == "csv":
        import pyarrow.csv

        table = pager.to_arrow(lists="json", schema=schema)
        with replaced_atomically(target, "wb") as f:
            pyarrow.csv.write_csv(table, f)
    else:
        import pyarrow.parquet

        table = pager.to_arrow(schema=schema)
        with replaced_atomically(target, "wb") as f:
            pyarrow.parquet.write_table(table, f)
    return int(table.num_rows)


def _export_jsonl(pager: Pager, target: Path) -> int:
    written = 0
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    with replaced_atomically(target) as f:
        for page in pager.pages():
            f.write("".join(dumps(record) + "\n" for record in page))
            written += len(page)
    return written

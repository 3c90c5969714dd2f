"""A `dlt <https://dlthub.com>`_ source for Simplicate (``pip install 'simplicate[dlt]'``).

>>> import dlt
>>> from simplicate.dlt import simplicate_source
>>> pipeline = dlt.pipeline("simplicate", destination="duckdb", dataset_name="simplicate")
>>> pipeline.run(simplicate_source())

One resource per collection (the main ones by default), each merged on ``id``; a collection
whose records have no ``updated_at`` (payments) is replaced whole on each load. Increments come
from :meth:`simplicate.Client.sync`, whose state lives in the resource's dlt state: the
boundary second and offset drift are handled the client's way, and records deleted in
Simplicate (or gone from a filter) reach the destination as hard deletes. dlt commits that
state with the load, so a failed run is redone. Records travel as Arrow tables built in Rust,
typed by the record model table (``schema="model"``) where it has the collection, with
``export``'s columns (nested objects flattened, ``visiting_address_line_1`` once dlt has
named them, see :func:`column_names`; lists become JSON columns, dlt's way with Arrow lists).

Credentials: ``client=``, else dlt's config and secrets (``sources.simplicate.domain`` or
``base_url``, ``api_key``, ``api_secret``; in the environment
``SOURCES__SIMPLICATE__API_KEY`` and so on), else the client's own ``SIMPLICATE_*`` variables.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import dlt
from dlt.sources import DltResource

from . import _core
from ._client import Client
from ._registry import resource_path

__all__ = ["DEFAULT_RESOURCES", "DELETED_COLUMN", "column_names", "simplicate_source"]

DEFAULT_RESOURCES: Mapping[str, str] = {
    "organizations": "crm/organization",
    "persons": "crm/person",
    "contact_persons": "crm/contactperson",
    "projects": "projects/project",
    "services": "projects/service",
    "hours": "hours/hours",
    "invoices": "invoices/invoice",
    "payments": "invoices/payment",
    "sales": "sales/sales",
    "quotes": "sales/quote",
    "employees": "hrm/employee",
    "leave": "hrm/leave",
}
"""The collections a source loads unless told otherwise: table name → API path."""

DELETED_COLUMN = "_simplicate_deleted"
"""The column (dlt's ``hard_delete`` hint) that carries deletions: a row with it true deletes
its ``id``; in the tables it is always false."""


@dlt.source(name="simplicate")
def simplicate_source(
    client: Client | None = None,
    resources: Sequence[str] | Mapping[str, str] | None = None,
    domain: str | None = dlt.config.value,
    base_url: str | None = dlt.config.value,
    api_key: str | None = dlt.secrets.value,
    api_secret: str | None = dlt.secrets.value,
) -> Iterator[DltResource]:
    """The Simplicate collections as dlt resources.

    ``resources``: table names of :data:`DEFAULT_RESOURCES`, API paths
    (``"hrm/contract"``, table ``contract``), or a mapping of table name → API path.
    """
    tables = _tables(resources)
    if client is None:
        client = Client(domain, base_url=base_url, api_key=api_key, api_secret=api_secret)
    elif not isinstance(client, Client):
        raise TypeError(f"client must be a simplicate.Client, got {type(client).__name__}")
    for table, path in tables.items():
        yield _collection(client, table, path)


def _tables(resources: Sequence[str] | Mapping[str, str] | None) -> dict[str, str]:
    """Table name → checked API path; ValueError naming ``resources`` otherwise."""
    if resources is None:
        return dict(DEFAULT_RESOURCES)
    if isinstance(resources, Mapping):
        pairs = list(resources.items())
    elif isinstance(resources, str) or not isinstance(resources, Sequence):
        raise TypeError(
            "resources must be a list of names or API paths, or a mapping of table name to "
            f"API path, got {type(resources).__name__}"
        )
    else:
        pairs = []
        for name in resources:
            if name in DEFAULT_RESOURCES:
                pairs.append((name, DEFAULT_RESOURCES[name]))
            else:
                pairs.append((str(name).replace(".", "/").rsplit("/", 1)[-1], str(name)))
    tables: dict[str, str] = {}
    for table, path in pairs:
        try:
            tables[table] = resource_path(str(path).replace(".", "/"))
        except ValueError as exc:
            known = ", ".join(DEFAULT_RESOURCES)
            raise ValueError(f"resources: {exc} (table names known: {known})") from None
    return tables


def _collection(client: Client, table: str, path: str) -> DltResource:
    columns = _core.model_columns(path)
    if columns is not None and "updated_at" not in columns:
        return _whole_collection(client, table, path)
    # Typed by the record model table where it has the collection: the same columns and types
    # on every load, whatever the changed records hold (a column null in all of them, say).
    typed = path if columns is not None else None

    @dlt.resource(
        name=table,
        primary_key="id",
        write_disposition="merge",
        columns={DELETED_COLUMN: {"data_type": "bool", "hard_delete": True}},
    )
    def records() -> Iterator[Any]:
        # client.sync moves this state on in place; dlt stores it with the load package and
        # commits it only when the package loads.
        state = dlt.current.resource_state().setdefault("sync", {})
        result = client.sync(path, state)
        if result.changed or result.deleted:
            naming = dlt.current.source_schema().naming
            table = _changes_table(result.changed, result.deleted, typed)
            table = table.rename_columns(column_names(table.column_names, naming))
            yield dlt.mark.with_hints(table, dlt.mark.make_hints(columns=_local_times(table)))

    return records


def _whole_collection(client: Client, table: str, path: str) -> DltResource:
    """A collection whose records carry no ``updated_at`` (payments, ...) has nothing to sync
    on: each load replaces its table with the whole collection, one Arrow table from the
    pager's Rust builder."""

    typed = _core.model_columns(path) is not None

    @dlt.resource(name=table, primary_key="id", write_disposition="replace")
    def records() -> Iterator[Any]:
        naming = dlt.current.source_schema().naming
        table = client._list(path).to_arrow(schema="model" if typed else "inferred")
        table = table.rename_columns(column_names(table.column_names, naming))
        yield dlt.mark.with_hints(table, dlt.mark.make_hints(columns=_local_times(table)))

    return records


def column_names(names: Sequence[str], naming: Any) -> list[str]:
    """The names the columns of export's table (``person.id``) take in the destination:
    dlt's ``naming`` of each, except that a flattened name landing on another column's name
    (contact persons' ``person.id`` beside ``person_id``) gets ``_nested`` (``_nested_2``, ...)
    added, top-level fields keeping theirs."""
    taken = {naming.normalize_identifier(name) for name in names if "." not in name}
    result = []
    for name in names:
        normal = naming.normalize_identifier(name)
        if "." in name:
            base, number = normal, 1
            while normal in taken:
                number += 1
                normal = f"{base}_nested" if number == 2 else f"{base}_nested_{number - 1}"
            taken.add(normal)
        result.append(normal)
    return result


def _local_times(table: Any) -> dict[str, Any]:
    """Simplicate's times are wall-clock times in the account's zone, with no offset: dlt is
    told so, or it would store them as UTC."""
    import pyarrow

    return {
        field.name: {"data_type": "timestamp", "timezone": False}
        for field in table.schema
        if pyarrow.types.is_timestamp(field.type) and field.type.tz is None
    }


def _changes_table(changed: list[dict[str, Any]], deleted: list[str], model: str | None) -> Any:
    """One Arrow table: the changed records (built in Rust, as a pull's table is), then a row
    per deleted id with only ``id`` and the hard-delete flag set. One table, because dlt
    writes a resource's Arrow items into one file and they must share a schema."""
    import pyarrow

    body = json.dumps({"data": changed}, ensure_ascii=False).encode()
    table = pyarrow.table(_core.table_from_envelope(body, model=model))
    if "id" not in table.column_names:  # only deletions this time
        table = table.append_column("id", pyarrow.array([], pyarrow.string()))
    table = table.append_column(
        DELETED_COLUMN, pyarrow.array([False] * table.num_rows, pyarrow.bool_())
    )
    if deleted:
        gone = [{"id": id, DELETED_COLUMN: True} for id in deleted]
        table = pyarrow.concat_tables([table, pyarrow.Table.from_pylist(gone, table.schema)])
    return table

"""Bulk writes of one source's rows, keyed on their id in the source's file.

`sync_rows` makes a table's rows of a source equal what a file says: created,
updated, unchanged or deleted, in batches of `BATCH`, with COPY on PostgreSQL,
and with what staff or a tile gave a row kept (`keep_*`). The number of queries
depends on the number of batches, not of rows. `trails/import_tables.py` says
what goes into each table.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.db.models import JSONField

from trails.dem import climb
from trails.models import Source

BATCH = 2000


@dataclass
class TableCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0

    def __str__(self) -> str:
        return (
            f"{self.created} created, {self.updated} updated, "
            f"{self.unchanged} unchanged, {self.deleted} deleted"
        )


def sync_rows(
    model: type[models.Model],
    source: Source,
    wanted: Mapping[str, dict[str, Any]] | Rows,
    fields: Sequence[str],
    keep: Callable[[dict[str, Any], dict[str, Any]], None] | None = None,
    gone: list[int] | None = None,
    also_read: Sequence[str] = (),
) -> TableCounts:
    """Make `model`'s rows of `source` equal `wanted` (source_id -> field values).

    Values not in `fields` are only written when a row is created. `keep(row,
    values)` may take values over from an existing row before they are compared
    (the row has `fields` and `also_read`). Rows no longer wanted are deleted, or
    their ids added to `gone` to delete later. `wanted` may be `Rows`, made one
    at a time as they are written: a country's segments are never all in memory
    as rows and model instances at once.
    """
    counts = TableCounts()
    existing = {
        row["external_id"]: row
        for row in model.objects.filter(source=source).values(
            "id", "external_id", *fields, *also_read
        )
    }
    keys = wanted.keys()
    unwanted = [row["id"] for sid, row in existing.items() if sid not in keys]
    counts.deleted = len(unwanted)
    if gone is None:
        delete_rows(model, unwanted)
    else:
        gone.extend(unwanted)
    to_create: list[dict[str, Any]] = []
    to_update: list[models.Model] = []
    for source_id, values in wanted.items():
        row = existing.pop(source_id, None)
        if row is None:
            _fold_name(model, fields, values)
            values.update(source_id=source.pk, external_id=source_id)
            to_create.append(values)
            if len(to_create) == BATCH:
                counts.created += create_rows(model, to_create)
        else:
            if keep:
                keep(row, values)
            _fold_name(model, fields, values)
            if any(row[f] != values[f] for f in fields):
                to_update.append(
                    model(id=row["id"], source=source, external_id=source_id, **values)
                )
                if len(to_update) == BATCH:
                    counts.updated += _update_rows(model, to_update, fields)
            else:
                counts.unchanged += 1
    counts.created += create_rows(model, to_create)
    counts.updated += _update_rows(model, to_update, fields)
    return counts


@dataclass
class Rows:
    """Rows to write, keyed by source id, each made when it is written."""

    keys: Callable[[], Collection[str]]
    items: Callable[[], Iterable[tuple[str, dict[str, Any]]]]


def create_rows(model: type[models.Model], rows: list[dict[str, Any]]) -> int:
    """Insert `rows` (field values by attribute name) and empty the list; how many
    there were. On PostgreSQL with COPY: the ORM's bulk_create spends more time
    making model instances and their SQL than the server takes to store them."""
    n = len(rows)
    if not rows:
        return 0
    if connection.vendor == "postgresql":
        _copy_rows(model, rows)
    elif connection.vendor == "sqlite":
        _insert_rows(model, rows)
    else:
        model.objects.bulk_create(
            [model(**values) for values in rows], batch_size=BATCH
        )
    rows.clear()
    return n


PLAIN = (int, float, str, bool, type(None))  # what the database driver adapts itself


def _insert_rows(model: type[models.Model], rows: list[dict[str, Any]]) -> None:
    """One INSERT for all `rows` (`executemany`): what bulk_create would insert,
    the same values, without a model instance and its SQL per batch (a first
    import of the demo region on SQLite 0.35 s faster). Plain values go to the
    driver as they are, as the ORM passes them; anything else (JSON, an enum's
    default, a date) as the field prepares it for saving."""
    conn, columns, table, names = _insert_target(model)
    fields = [
        (f.attname, f.get_default(), f, isinstance(f, JSONField)) for f in columns
    ]
    params = []
    for values in rows:
        row = []
        for name, default, field, is_json in fields:
            value = values.get(name, default)
            if is_json or type(value) not in PLAIN:
                value = field.get_db_prep_save(value, conn)
            row.append(value)
        params.append(row)
    marks = ", ".join(["%s"] * len(columns))
    with conn.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", params)


def _copy_rows(model: type[models.Model], rows: list[dict[str, Any]]) -> None:
    """`COPY` rows into `model`'s table: what bulk_create would insert, the same
    values in the text format (a field a row leaves out takes its default)."""
    conn, columns, table, names = _insert_target(model)
    defaults = [(f.attname, f.get_default()) for f in columns]
    json_fields = {f.attname: f.encoder for f in columns if isinstance(f, JSONField)}
    by_name = {f.attname: f for f in columns}
    buffer = io.StringIO()
    for values in rows:
        line = []
        for name, default in defaults:
            value = values.get(name, default)
            if name in json_fields:
                text = json.dumps(value, cls=json_fields[name]).translate(ESCAPES)
            elif value is None:
                text = "\\N"
            elif value is True or value is False:
                text = "t" if value else "f"
            elif type(value) is float:
                text = repr(value)  # as psycopg2 writes a float
            elif type(value) is int:
                text = str(value)
            elif type(value) is str:
                text = value.translate(ESCAPES)
            else:  # an enum's default, a date: as the ORM would write it
                text = str(by_name[name].get_db_prep_save(value, conn))
                text = text.translate(ESCAPES)
            line.append(text)
        buffer.write("\t".join(line))
        buffer.write("\n")
    buffer.seek(0)
    with conn.cursor() as cursor:
        cursor.copy_expert(f"COPY {table} ({names}) FROM STDIN", buffer)


def _insert_target(model: type[models.Model]) -> tuple[Any, list, str, str]:
    """Where a bulk insert of new `model` rows goes: the connection (not the
    proxy: it looks it up per use), the columns but the id, and the quoted
    table and column names."""
    conn = connections[DEFAULT_DB_ALIAS]
    columns = [f for f in model._meta.concrete_fields if not f.primary_key]
    names = ", ".join(conn.ops.quote_name(f.column) for f in columns)
    return conn, columns, conn.ops.quote_name(model._meta.db_table), names


# What COPY's text format escapes in a value.
ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _update_rows(
    model: type[models.Model], rows: list[models.Model], fields: Sequence[str]
) -> int:
    n = len(rows)
    if rows:
        model.objects.bulk_update(rows, fields, batch_size=BATCH)
        rows.clear()
    return n


def _fold_name(model: type[models.Model], fields: Sequence[str], values: dict) -> None:
    """Bulk writes skip save(), so the folded name is set here, from the name the
    row will have (staff's, when they renamed it)."""
    if "search_name" in fields:
        values["search_name"] = model.search_key(values)


def delete_rows(model: type[models.Model], ids: list[int]) -> None:
    for chunk in chunks(ids, BATCH):
        model.objects.filter(id__in=chunk).delete()


def chunks(items: list, size: int) -> Iterable[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def row_ids(model: type[models.Model], source: Source) -> dict[str, int]:
    return dict(model.objects.filter(source=source).values_list("external_id", "id"))


def keep_elevation(row: dict[str, Any], values: dict[str, Any]) -> None:
    """A point the file gives no elevation keeps the one a tile (or staff) gave it,
    as long as it has not moved."""
    if values["elevation"] is None and (row["lat"], row["lon"]) == (
        values["lat"],
        values["lon"],
    ):
        values["elevation"] = row["elevation"]


def keep_line_elevation(row: dict[str, Any], values: dict[str, Any]) -> None:
    """The same for a line: vertices the file gives no elevation keep theirs, and a
    line with none at all keeps its climb too (a tile's, or what staff entered)."""
    old, new = row["geometry"], values["geometry"]
    if len(old) != len(new) or any(o[:2] != n[:2] for o, n in zip(old, new)):
        return  # the line moved: elevation from before would be wrong
    if all(len(n) == 2 for n in new):
        values.update(
            geometry=old, ascent_m=row["ascent_m"], descent_m=row["descent_m"]
        )
    elif any(len(n) == 2 and len(o) > 2 for o, n in zip(old, new)):
        merged = [n if len(n) > 2 else o for o, n in zip(old, new)]
        values["geometry"] = merged
        values["ascent_m"], values["descent_m"] = climb(profile(merged))


def profile(geometry: list[list[float]]) -> list[float | None]:
    return [point[2] if len(point) > 2 else None for point in geometry]


def keep_staff_fields(row: dict[str, Any], values: dict[str, Any]) -> None:
    """What staff changed in the admin wins over the file."""
    for name in row["staff_fields"]:
        if name in values:
            values[name] = row[name]

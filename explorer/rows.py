"""A page of the explorer's results read in one SQL query: each entry with its day,
conference and place, as ``card_rows`` (``select_related``) gives them.

The explorer's filters are SQL already (``EntryFilterSet._entries_where``), but
the ORM compiled the page's query around them anew on every request: three
joins, forty columns and six sort keys cost 1.9 ms of a fresh fragment's 11 ms
on a slow machine, more than the facets' SQL. Here the query is written once per
database and the rows become models as the ORM's own iterable makes them: each
field's database converters, then ``Model.from_db``, the related rows cached
on the entry. Two things differ from ``select_related``, done as
``prefetch_related`` and ``defer`` do them: the page's entries share one model
of each day, conference and place (a page of 24 entries has one conference or a
few), and the import snapshots (``imported``, JSON that only the importer reads)
are deferred.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache as cache_for_process
from typing import Any

from django.db import connections
from django.db.models import Model

from .models import Day, Entry, Place, Recap

# Read only by the importer (``explorer.loading``): deferred, loaded if ever asked for.
DEFERRED_FIELDS = {"imported"}
# What each result row carries beside the entry: its foreign key, the model and
# the join (an entry always has a day and a conference; a place, maybe).
RELATED = (
    ("recap", Recap, "INNER JOIN"),
    ("day", Day, "INNER JOIN"),
    ("place", Place, "LEFT JOIN"),
)


@dataclass(frozen=True)
class _Columns:
    """One model's columns in a result row: ``start`` to ``start + len(attnames)``."""

    model: type[Model]
    start: int
    attnames: list[str]
    # (position in the row, its field's converters, the column's expression)
    converters: list[tuple[int, list, Any]]

    def build(self, alias: str, row: tuple, connection: Any) -> Model:
        values = list(row[self.start : self.start + len(self.attnames)])
        for position, converters, expression in self.converters:
            for converter in converters:
                values[position] = converter(values[position], expression, connection)
        return self.model.from_db(alias, self.attnames, values)


@cache_for_process
def _query(alias: str) -> tuple[str, list[_Columns]]:
    """``SELECT <entry, recap, day, place columns> FROM … {where} ORDER BY …`` for
    database ``alias``, and where each model's columns lie in a row."""
    connection = connections[alias]
    qn = connection.ops.quote_name
    entry = qn(Entry._meta.db_table)
    selected, joins, parts = [], [], []
    for name, model, join in [(None, Entry, ""), *RELATED]:
        # The joined tables get aliases of their own: a filter's subqueries name
        # the days and conferences tables themselves.
        table = entry if name is None else qn(f"page_{name}")
        if name is not None:
            key = qn(Entry._meta.get_field(name).column)
            joins.append(
                f"{join} {qn(model._meta.db_table)} {table} ON {table}.{qn('id')} = {entry}.{key}"
            )
        fields = [f for f in model._meta.concrete_fields if f.name not in DEFERRED_FIELDS]
        converters = []
        for position, field in enumerate(fields):
            column = field.get_col(table)
            found = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
            if found:
                converters.append((position, found, column))
        parts.append(_Columns(model, len(selected), [f.attname for f in fields], converters))
        selected += [f"{table}.{qn(field.column)}" for field in fields]
    recap, day = qn("page_recap"), qn("page_day")
    # ``card_rows``' order: newest conference first (undated last), then by day and entry.
    order = (
        f"{recap}.{qn('start_date')} IS NULL, {recap}.{qn('start_date')} DESC, "
        f"{recap}.{qn('name')}, {entry}.{qn('recap_id')}, {day}.{qn('order')}, "
        f"{entry}.{qn('order')}, {entry}.{qn('id')}"
    )
    sql = (
        f"SELECT {', '.join(selected)} FROM {entry} {' '.join(joins)} {{where}} "
        f"ORDER BY {order} LIMIT %s OFFSET %s"
    )
    return sql, parts


def card_page(alias: str, where: tuple[str, list] | None, offset: int, limit: int) -> list[Entry]:
    """The entries matching ``where`` (SQL on the entries table, or None for all) from
    ``offset``, at most ``limit``, in the explorer's order, each with its day,
    conference and place loaded."""
    sql, parts = _query(alias)
    condition, params = where if where is not None else ("", [])
    sql = sql.format(where=f"WHERE {condition}" if condition else "")
    connection = connections[alias]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, limit, offset])
        rows = cursor.fetchall()
    entry_columns, *related = parts
    fields = [Entry._meta.get_field(name) for name, _, _ in RELATED]
    # Each related row's model, by its key, shared by the page's entries.
    shared: list[dict[Any, Model]] = [{} for _ in related]
    entries = []
    for row in rows:
        entry = entry_columns.build(alias, row, connection)
        for field, columns, models in zip(fields, related, shared, strict=True):
            key = row[columns.start]  # the id; None for a missing place
            if key is not None and key not in models:
                models[key] = columns.build(alias, row, connection)
            field.set_cached_value(entry, models.get(key))
        entries.append(entry)
    return entries

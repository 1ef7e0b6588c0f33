"""Aligned text tables: money with separators, ratios to 4 places, null as —.

A table is `Rows` (column names, a kind per column, the rows as Python values): what a polars
frame and a DuckDB query both give, so a command that reads stored figures prints them without
importing polars.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from fundbook.core.money import format_money
from fundbook.core.types import PME_FIGURES

if TYPE_CHECKING:
    import polars as pl

UNDEFINED = "—"
# A figure whose column `<figure>_nm` is true is "not meaningful" (the IRR policy: too young
# to annualise); JSON and CSV keep the number and the flag, the text table prints this.
NOT_MEANINGFUL = "n.m."
# A flag covering several figures: the public market equivalents are n.m. together (`pme_nm`).
SHARED_FLAGS = {figure: "pme_nm" for figure in PME_FIGURES}
# The kinds of a column: money (a decimal: 2 places, separators), another number (right
# aligned), or anything else (left aligned).
MONEY, NUMBER, OTHER = "money", "number", "other"


@dataclass(frozen=True)
class Rows:
    """A result to print: its columns, each column's kind, and its rows in order."""

    columns: tuple[str, ...]
    kinds: tuple[str, ...]
    rows: list[tuple[Any, ...]]

    @property
    def height(self) -> int:
        return len(self.rows)

    def records(self) -> list[dict[str, Any]]:
        """The rows as dicts of column name to value."""
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]


def frame_rows(df: pl.DataFrame) -> Rows:
    """A polars frame as `Rows` (a Decimal column is money; polars' numeric types numbers)."""
    kinds = tuple(
        MONEY if dtype.is_decimal() else NUMBER if dtype.is_numeric() else OTHER
        for dtype in df.dtypes
    )
    return Rows(tuple(df.columns), kinds, df.rows())


def as_rows(table: Rows | pl.DataFrame) -> Rows:
    """`table` as `Rows` (a polars frame is converted; polars is not imported otherwise)."""
    return table if isinstance(table, Rows) else frame_rows(table)


def _cell(value: Any, money: bool) -> str:
    if value is None:
        return UNDEFINED
    if isinstance(value, str):  # a word in a column of figures ("not modelled")
        return value
    if money:
        return format_money(value)
    if isinstance(value, float):
        return UNDEFINED if math.isnan(value) else f"{value:,.4f}"
    return str(value)


def _not_meaningful(rows: Rows, row: tuple[Any, ...], cells: list[Any]) -> list[Any]:
    """`cells` with "n.m." for each figure whose `<figure>_nm` flag is true in `row`."""
    for i, column in enumerate(rows.columns):
        flag = SHARED_FLAGS.get(column, f"{column}_nm")
        if flag in rows.columns and row[rows.columns.index(flag)] is True:
            cells[i] = NOT_MEANINGFUL
    return cells


def _without_flags(rows: Rows) -> Rows:
    """`rows` without the `<figure>_nm` columns of figures it has: the table prints them."""
    cells = [_not_meaningful(rows, row, list(row)) for row in rows.rows]
    keep = [i for i, c in enumerate(rows.columns) if not _is_flag(rows.columns, c)]
    return Rows(
        tuple(rows.columns[i] for i in keep),
        tuple(rows.kinds[i] for i in keep),
        [tuple(row[i] for i in keep) for row in cells],
    )


def _is_flag(columns: tuple[str, ...], column: str) -> bool:
    if column in SHARED_FLAGS.values():
        return any(f in columns for f, flag in SHARED_FLAGS.items() if flag == column)
    return column.endswith("_nm") and column.removesuffix("_nm") in columns


def text_table(table: Rows | pl.DataFrame) -> str:
    """`table` as an aligned text table: numbers right-aligned, a rule under the header; a
    figure flagged not meaningful (`<figure>_nm`) printed "n.m." in place of its flag column."""
    rows = _without_flags(as_rows(table))
    if rows.height == 0:
        return "(no rows)"
    money = [kind == MONEY for kind in rows.kinds]
    numeric = [kind != OTHER for kind in rows.kinds]
    cells = [[_cell(v, m) for v, m in zip(row, money, strict=True)] for row in rows.rows]
    widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(rows.columns)]

    def line(values: list[str]) -> str:
        parts = [
            v.rjust(w) if num else v.ljust(w)
            for v, w, num in zip(values, widths, numeric, strict=True)
        ]
        return "  ".join(parts).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(list(rows.columns)), rule, *(line(r) for r in cells)])

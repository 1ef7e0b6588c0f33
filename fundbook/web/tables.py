"""The dashboard's tables of stored levels: rows as figures, and the same rows to download.

A table reads the rows of one level of a close's snapshot (`report.source`), filtered by the
page's keys; each number becomes a `Figure` of that level (so the pages format and link it as
the reports do); the download of the table is those rows as stored (CSV or JSON). Nothing is
computed here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import polars as pl

from fundbook.close.snapshot import LEVEL_KEYS
from fundbook.report.context import Figure
from fundbook.report.source import ReportSource, figure, level, name_of

# Float columns shown as multiples (the others are ratios, shown as percentages).
_MULTIPLES = ("tvpi", "dpi", "rvpi", "moic", "multiple", "leverage", "amplification", "ratio_x")
# Columns never shown in a table (the close's id is the page's period).
_HIDDEN = ("close_id",)
STATEMENT = "statement"


@dataclass(frozen=True)
class Cell:
    """A table cell: a figure (formatted and linked by the page) or a text."""

    figure: Figure | None = None
    text: str = ""


@dataclass(frozen=True)
class LevelTable:
    """Rows of one level of the snapshot as the page shows them, and how to download them."""

    title: str
    level: str
    keys: tuple[tuple[str, str], ...]  # the page's filter (also the download's)
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    transposed: bool = False  # one row shown as a column of (figure, value)

    @property
    def query(self) -> dict[str, str]:
        return dict(self.keys)


def kind_of(column: str, value: Any) -> str | None:
    """How a stored value is formatted, by its type (and name, for floats); None: text."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, Decimal):
        return "money"
    if isinstance(value, int):
        return "count"
    if isinstance(value, float):
        return "multiple" if any(m in column for m in _MULTIPLES) else "pct"
    return None


def level_frame(source: ReportSource, name: str, keys: Mapping[str, str]) -> pl.DataFrame:
    """The rows of level `name` (or the statements) with `keys`, as stored (the download)."""
    frame = source.snapshot.statements if name == STATEMENT else level(source.snapshot, name)
    for column, value in keys.items():
        if column not in frame.columns:
            return frame.clear()
        frame = frame.filter(pl.col(column) == value)
    return frame.drop([c for c in _HIDDEN if c in frame.columns])


def level_table(
    source: ReportSource,
    title: str,
    name: str,
    keys: Mapping[str, str],
    columns: tuple[str, ...] | None = None,
    transposed: bool = False,
) -> LevelTable:
    """The table of level `name` filtered by `keys`: the filter's columns left out (the page
    names them), ids shown with their names, numbers as figures of the level."""
    found = level_frame(source, name, keys).to_dicts()
    row_keys = (
        ("basis", "fund_id", "investor_id") if name == STATEMENT else LEVEL_KEYS.get(name, ())
    )
    if columns is None:
        columns = tuple(
            c for c in (found[0] if found else row_keys) if c not in keys and c not in _HIDDEN
        )
    period_end = source.period_end
    rows = []
    for row in found:
        fig_keys = {k: row.get(k) for k in row_keys}
        cells = []
        for column in columns:
            value = row.get(column)
            kind = kind_of(column, value)
            if kind is not None and column not in row_keys:
                cells.append(Cell(figure(row, column, kind, name, fig_keys, period_end)))
            elif column.endswith("_id") and isinstance(value, str):
                cells.append(Cell(text=name_of(source.names, value)))
            else:
                cells.append(Cell(text="—" if value is None else str(value)))
        rows.append(tuple(cells))
    return LevelTable(title, name, tuple(sorted(keys.items())), columns, tuple(rows), transposed)

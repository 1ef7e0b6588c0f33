"""The dashboard's tables of stored levels: rows as figures, and the same rows to download.

A table reads the rows of one level of a close's snapshot (`report.source`), filtered by the
page's keys; each number becomes a `Figure` of that level (so the pages format and link it as
the reports do); the download of the table is those rows as stored (CSV or JSON). Nothing is
computed here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import polars as pl

from fundbook.close.snapshot import LEVEL_KEYS
from fundbook.report.context import Figure
from fundbook.report.formatting import DASH, theme_label
from fundbook.report.i18n import N_
from fundbook.report.source import ReportSource, figure, level, name_of
from fundbook.web.labels import FORMATS, column_label, value_label

# Float columns shown as multiples (the others are ratios, shown as percentages).
_MULTIPLES = ("tvpi", "dpi", "rvpi", "moic", "multiple", "leverage", "amplification", "ratio_x")
# Columns never shown in a table (the close's id is the page's period).
_HIDDEN = ("close_id",)
STATEMENT = "statement"
# The statuses of a rule (compliance, a programme's target), shown with their symbol and word.
STATUSES = ("pass", "watch", "fail", "pending")


@dataclass(frozen=True)
class Cell:
    """A table cell: a figure (formatted and linked by the page), a date, a coded value in
    words (a msgid: a kind, yes or no), a compliance status (symbol and word), or a text."""

    figure: Figure | None = None
    text: str = ""
    label: str = ""  # a msgid the page translates
    day: dt.date | None = None
    status: str = ""  # pass | watch | fail | pending
    nm_months: int | None = None  # an IRR the policy flags: its minimum age, shown beside


@dataclass(frozen=True)
class LevelTable:
    """Rows of one level of the snapshot as the page shows them, and how to download them.

    `title`, `note`, `empty` and `labels` are msgids (the note may name `%(currency)s`);
    `total` is a row of stored figures (the fund level's, where it holds the table's total),
    `heads` the rows' names when the table is transposed (one column per row)."""

    title: str
    level: str
    keys: tuple[tuple[str, str], ...]  # the page's filter (also the download's)
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    transposed: bool = False  # one column per row, one line per column
    labels: tuple[str, ...] = ()
    note: str = ""
    currency: str = ""
    empty: str = N_("No rows in this close.")
    total: tuple[Cell, ...] | None = None
    heads: tuple[tuple[Cell, ...], ...] = ()
    anchor: str = ""
    download: bool = True

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


def row_keys(name: str) -> tuple[str, ...]:
    """The key columns of a level's rows (the statement's: basis, fund, investor)."""
    return ("basis", "fund_id", "investor_id") if name == STATEMENT else LEVEL_KEYS.get(name, ())


def cell(
    source: ReportSource, row: Mapping[str, Any], column: str, name: str, keys: tuple[str, ...]
) -> Cell:
    """One stored value of a row of level `name` as the page shows it: a number as a figure of
    the level (an IRR the policy flags with its minimum age), an id as its name, a coded
    value in words, a status as a status, a date as a date."""
    value = row.get(column)
    kind = FORMATS.get(column) or kind_of(column, value)
    if kind is not None and value is not None and column not in keys:
        found = figure(
            dict(row), column, kind, name, {k: row.get(k) for k in keys}, source.period_end
        )
        nm = row.get("irr_nm_months") if found.kind == "nm" else None
        return Cell(found, nm_months=nm)
    if value is None:
        return Cell(text=DASH)
    if isinstance(value, dt.date):
        return Cell(day=value)
    if column in ("status", "target_status") and value in STATUSES:
        return Cell(status=str(value))
    words = theme_label(value) if column == "theme" else value_label(column, value)
    if words is not None:
        return Cell(label=words)
    if isinstance(value, str) and (column.endswith("_id") or column == "programme"):
        return Cell(text=name_of(source.names, value))
    return Cell(text=str(value))


def level_table(
    source: ReportSource,
    title: str,
    name: str,
    keys: Mapping[str, str],
    columns: tuple[str, ...] | None = None,
    transposed: bool = False,
    **shown: Any,
) -> LevelTable:
    """The table of level `name` filtered by `keys`: the filter's columns left out (the page
    names them), ids shown with their names, numbers as figures of the level; `shown`: the
    other fields of `LevelTable` (note, empty, total, ...)."""
    found = level_frame(source, name, keys).to_dicts()
    keyed = row_keys(name)
    if columns is None:
        columns = tuple(
            c for c in (found[0] if found else keyed) if c not in keys and c not in _HIDDEN
        )
    rows = tuple(tuple(cell(source, row, c, name, keyed) for c in columns) for row in found)
    labels = tuple(column_label(name, c) for c in columns)
    if transposed and "heads" not in shown:
        heads = [c for c in keyed if c not in keys]
        shown["heads"] = tuple(
            tuple(cell(source, row, c, name, ()) for c in heads) for row in found
        )
    return LevelTable(
        title, name, tuple(sorted(keys.items())), columns, rows, transposed, labels, **shown
    )


def total_row(
    source: ReportSource,
    keys: Mapping[str, str],
    columns: tuple[str, ...],
    of: Mapping[str, str],
    name: str = "fund",
) -> tuple[Cell, ...] | None:
    """The total row of a table of `columns`: the stored figures of the level `name` (the
    fund's) that total them, `of` naming each column's; None when the level has no row."""
    found = source.find(name, **keys)
    if not found:
        return None
    keyed = row_keys(name)
    return tuple(cell(source, found[0], of[c], name, keyed) if c in of else Cell() for c in columns)

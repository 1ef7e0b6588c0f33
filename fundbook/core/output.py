"""Tables as text, CSV or JSON; money as decimal strings, undefined as null.

A result is `Rows` (`fundbook.core.table`) or a polars frame, written the same way: a command
that reads stored figures with DuckDB alone never imports polars. The CLI prints these
(`fundbook.cli.output`) and the dashboard serves them as downloads.

CSV is for spreadsheets: a text cell that could be taken for a formula is quoted
(`fundbook.core.spreadsheet`); numbers, money included, stay numbers.
"""

from __future__ import annotations

import csv
import io
import json
import math
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from fundbook.core.money import money_str
from fundbook.core.spreadsheet import safe_cell
from fundbook.core.table import Rows, as_rows, text_table

if TYPE_CHECKING:
    import polars as pl

FORMATS = ("table", "csv", "json")


def _json_value(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return money_str(value)
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def json_record(record: dict[str, Any]) -> dict[str, Any]:
    """One record's values as JSON has them (money as strings, dates ISO, NaN null)."""
    return {k: _json_value(v) for k, v in record.items()}


def _csv_value(value: Any) -> Any:
    """A CSV cell: text made safe for spreadsheets (before money becomes text), None empty."""
    if value is None:
        return ""
    return safe_cell(value) if isinstance(value, str) else _json_value(value)


def to_records(table: Rows | pl.DataFrame) -> list[dict[str, Any]]:
    """Rows as JSON-ready dicts: Decimal -> "1234.56", NaN -> None, dates ISO."""
    return [{k: _json_value(v) for k, v in row.items()} for row in as_rows(table).records()]


def _csv_text(table: Rows) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    # csv quotes a field holding the line terminator ("\n") but not a bare "\r", which a reader
    # takes for the end of a row: a row with one has every field quoted.
    quoted = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerow(table.columns)
    for row in table.rows:
        cells = [_csv_value(v) for v in row]
        has_cr = any(isinstance(c, str) and "\r" in c for c in cells)
        (quoted if has_cr else writer).writerow(cells)
    return out.getvalue().rstrip("\n")


def render(table: Rows | pl.DataFrame, fmt: str) -> str:
    """The text of `table` in `fmt` (table, csv or json)."""
    rows = as_rows(table)
    if fmt == "json":
        return json.dumps(to_records(rows), indent=2, ensure_ascii=False)
    if fmt == "csv":
        return _csv_text(rows)
    return text_table(rows)

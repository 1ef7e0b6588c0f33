"""Printing DataFrames as a table, CSV or JSON; money as decimal strings, undefined as null."""

from __future__ import annotations

import csv
import io
import json
import math
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import click
import polars as pl

from fundbook.core.money import format_money, money_str

FORMATS = ("table", "csv", "json")
format_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="table",
    show_default=True,
    help="Output format.",
)


def _is_money(dtype: pl.DataType) -> bool:
    return isinstance(dtype, pl.Decimal)


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


def to_records(df: pl.DataFrame) -> list[dict[str, Any]]:
    """Rows as JSON-ready dicts: Decimal -> "1234.56", NaN -> None, dates ISO."""
    return [{k: _json_value(v) for k, v in row.items()} for row in df.iter_rows(named=True)]


def render(df: pl.DataFrame, fmt: str) -> str:
    """The text of `df` in `fmt` (table, csv or json)."""
    if fmt == "json":
        return json.dumps(to_records(df), indent=2, ensure_ascii=False)
    if fmt == "csv":
        out = io.StringIO()
        records = to_records(df)
        writer = csv.DictWriter(out, fieldnames=df.columns, lineterminator="\n")
        writer.writeheader()
        for rec in records:
            writer.writerow({k: "" if v is None else v for k, v in rec.items()})
        return out.getvalue().rstrip("\n")
    return _table(df)


def _cell(value: Any, money: bool) -> str:
    if value is None:
        return "—"
    if money:
        return format_money(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "—"
        return f"{value:,.4f}"
    return str(value)


def _table(df: pl.DataFrame) -> str:
    if df.height == 0:
        return "(no rows)"
    money = [_is_money(dt) for dt in df.dtypes]
    numeric = [dt.is_numeric() for dt in df.dtypes]
    cells = [[_cell(v, m) for v, m in zip(row, money, strict=True)] for row in df.iter_rows()]
    widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(df.columns)]

    def line(values: list[str]) -> str:
        parts = [
            v.rjust(w) if num else v.ljust(w)
            for v, w, num in zip(values, widths, numeric, strict=True)
        ]
        return "  ".join(parts).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(list(df.columns)), rule, *(line(r) for r in cells)])


def emit(df: pl.DataFrame, fmt: str) -> None:
    """Print `df` in `fmt` to standard output."""
    click.echo(render(df, fmt))

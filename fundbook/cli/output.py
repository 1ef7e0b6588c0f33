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

from fundbook.core.money import money_str
from fundbook.core.table import text_table

FORMATS = ("table", "csv", "json")
format_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="table",
    show_default=True,
    help="Output format.",
)


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
    return text_table(df)


def emit(df: pl.DataFrame, fmt: str) -> None:
    """Print `df` in `fmt` to standard output."""
    click.echo(render(df, fmt))

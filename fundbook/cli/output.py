"""Printing results as a table, CSV or JSON (`fundbook.core.output` writes them)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from fundbook.core.output import FORMATS, json_record, render, to_records
from fundbook.core.table import Rows

if TYPE_CHECKING:
    import polars as pl

__all__ = ["FORMATS", "emit", "format_option", "json_record", "render", "to_records"]

format_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="table",
    show_default=True,
    help="Output format.",
)


def emit(table: Rows | pl.DataFrame, fmt: str) -> None:
    """Print `table` in `fmt` to standard output."""
    click.echo(render(table, fmt))

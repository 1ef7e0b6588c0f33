"""Carried interest of a fund at a date from the book: `fundbook waterfall`."""

from __future__ import annotations

import datetime as dt

import duckdb
import polars as pl

from fundbook.metrics.carry import waterfall_table
from fundbook.store.frames import load_frames


def waterfall_at(con: duckdb.DuckDBPyConnection, fund_id: str, as_of: dt.date) -> pl.DataFrame:
    """`metrics.carry.waterfall_table` of the fund from the book's rows dated on or before
    `as_of`: the waterfall the book state runs at that date (the close stores its carry
    figures in the fund and investor levels; this prints every tier)."""
    return waterfall_table(load_frames(con, as_of), fund_id, as_of)

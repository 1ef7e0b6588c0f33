"""Checks of index_levels.csv across its rows and against terms.csv: one name per index, and
the benchmark a fund's terms name (`pme_index`) is an index of the book."""

from __future__ import annotations

import polars as pl

from fundbook.core.errors import LedgerError
from fundbook.ledger.csvfile import LINE

Frames = dict[str, pl.DataFrame]


def _errors(frame: pl.DataFrame, condition: pl.Expr, message: pl.Expr) -> list[LedgerError]:
    hits = frame.filter(condition).select("source_file", LINE, message.alias("m"))
    return [LedgerError(f, line, m) for f, line, m in hits.iter_rows()]


def index_errors(b: Frames) -> list[LedgerError]:
    """Every row of an index carries the name of its first row (booked rows first, then the
    file's; an empty name is a different name); terms.csv's pme_index names an index of
    index_levels.csv."""
    levels = b["index_levels"].filter(pl.col("index_id").is_not_null())
    first = (
        levels.sort(LINE, maintain_order=True)
        .group_by("index_id", maintain_order=True)
        .agg(pl.col("name").first().alias("_name"), pl.col(LINE).first().alias("_line"))
    )
    joined = levels.join(first, on="index_id", how="left", maintain_order="left")
    shown = pl.coalesce(pl.format("'{}'", "name"), pl.lit("(empty)"))
    errs = _errors(
        joined,
        ~pl.col("name").eq_missing(pl.col("_name")),
        pl.format(
            "index {} is named {} here but {} at line {} (one name per index)",
            "index_id",
            shown,
            pl.coalesce(pl.format("'{}'", "_name"), pl.lit("(empty)")),
            "_line",
        ),
    )
    if "pme_index" not in b["terms"].columns:
        return errs
    known = levels["index_id"].unique().implode()
    return errs + _errors(
        b["terms"],
        pl.col("pme_index").is_not_null() & ~pl.col("pme_index").is_in(known),
        pl.format("unknown pme_index '{}' (not an index_id of index_levels.csv)", "pme_index"),
    )

"""GP statements against the book (issue 13): per holder and sub-fund with both, each figure
the GP reports beside the book's own for the holder's capital account at the statement date."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import polars as pl

from fundbook.metrics.gp_statements import KEYS, latest_statements
from fundbook.metrics.money import CENTS, as_money, cents
from fundbook.metrics.protocol import BookFrames
from fundbook.metrics.state import book_state

# The tolerance of a sub-fund without a `gp_tolerance` in its terms, in its currency: a GP's
# and the book's rounding of the same account may differ by a few cents, never by more.
DEFAULT_TOLERANCE = Decimal("1.00")
# Figure -> (the GP statement's column, the book state's capital account column): `nav` is
# the partner's NAV net of accrued carry on both sides; `fees` the management fees allocated
# to the partner to date, gross of offsets (the statement's ITD management_fees line);
# `carry_accrued` the accrued carry balance (null in a fund without carry terms: not
# modelled).
FIGURES = {
    "nav": ("nav", "nav"),
    "contributions": ("contributions_itd", "contributions"),
    "distributions": ("distributions_itd", "distributions"),
    "fees": ("fees_itd", "alloc_fees"),
    "carry_accrued": ("carry_accrued", "accrued_carry"),
}
# The columns of `fundbook reconcile` and of the close's `reconcile` level (a public contract:
# new ones go last); `source_file`, `source_line`: the GP statement's row in the book.
COLUMNS = (
    "fund_id",
    "holding_id",
    "figure",
    "investor_id",
    "statement_date",
    "received_date",
    "currency",
    "gp",
    "book",
    "difference",
    "tolerance",
    "status",
    "source_file",
    "source_line",
)
_WIDE = pl.Decimal(38, 2)  # both in cents (metrics) or both money (a stored row): same scale
# status: the book agrees within the tolerance, differs beyond it, or has no such figure
STATUS = (
    pl.when(pl.col("difference").is_null())
    .then(pl.lit("not_modelled"))
    .when(pl.col("difference").cast(_WIDE).abs() <= pl.col("tolerance").cast(_WIDE))
    .then(pl.lit("agrees"))
    .otherwise(pl.lit("differs"))
)


def reconcile(frames: BookFrames, as_of: date) -> pl.DataFrame:
    """Per (holder fund_id, sub-fund holding_id) with a GP statement received by `as_of` (the
    latest) and the holder's capital account in the sub-fund's ledger, one row per figure the
    GP reports (`FIGURES`): the GP's, the book's at the statement date (the book state's, never
    recomputed), book - GP (`difference`), the sub-fund's `gp_tolerance` (else
    DEFAULT_TOLERANCE) and the status, in the sub-fund's currency, and the statement's row in
    the book (`source_file`, `source_line`) (`COLUMNS`)."""
    latest = latest_statements(frames, as_of)
    lps = frames.investors.filter(pl.col("fund_id").is_not_null()).select("fund_id", "investor_id")
    pairs = latest.join(lps, on="fund_id")
    parts = [
        _figures(frames, day, pairs.filter(pl.col("statement_date") == day))
        for day in pairs["statement_date"].unique().sort()
    ]
    rows = pl.concat(parts, how="vertical") if parts else pl.DataFrame(schema=_ROWS)
    return _with_status(frames, rows)


_ROWS = {
    "fund_id": pl.String(),
    "holding_id": pl.String(),
    "figure": pl.String(),
    "investor_id": pl.String(),
    "statement_date": pl.Date(),
    "received_date": pl.Date(),
    "currency": pl.String(),
    "gp": CENTS,
    "book": CENTS,
    "source_file": pl.String(),
    "source_line": pl.Int64(),
}


def _figures(frames: BookFrames, day: date, pairs: pl.DataFrame) -> pl.DataFrame:
    """The statements of `day` (`pairs`: with the holder's LP `investor_id`) beside the LP's
    capital account in the sub-fund at `day`, one row per figure the GP gives."""
    accounts = book_state(frames, day).accounts.select(
        pl.col("fund_id").alias("holding_id"),
        "investor_id",
        *(pl.col(col).alias(f"_book_{fig}") for fig, (_, col) in FIGURES.items()),
    )
    joined = pairs.join(accounts, on=["holding_id", "investor_id"])
    rows = [
        joined.filter(pl.col(gp_col).is_not_null()).select(
            *KEYS,
            pl.lit(fig).alias("figure"),
            "investor_id",
            "statement_date",
            "received_date",
            "currency",
            cents(pl.col(gp_col)).alias("gp"),
            pl.col(f"_book_{fig}").cast(CENTS).alias("book"),
            "source_file",
            pl.col("source_line").cast(pl.Int64),
        )
        for fig, (gp_col, _) in FIGURES.items()
    ]
    return pl.concat(rows, how="vertical")


def _with_status(frames: BookFrames, rows: pl.DataFrame) -> pl.DataFrame:
    """The difference (book - GP), the tolerance and the status; money as Decimal."""
    tolerance = frames.terms.select(
        pl.col("fund_id").alias("holding_id"), cents(pl.col("gp_tolerance")).alias("tolerance")
    )
    default = int(DEFAULT_TOLERANCE * 100)
    out = rows.join(tolerance, on="holding_id", how="left").with_columns(
        (pl.col("book") - pl.col("gp")).alias("difference"),
        pl.col("tolerance").fill_null(default).cast(CENTS),
    )
    order = {f: i for i, f in enumerate(FIGURES)}
    return as_money(
        out.with_columns(STATUS.alias("status"))
        .sort(*KEYS, pl.col("figure").replace_strict(order, return_dtype=pl.Int32))
        .select(COLUMNS)
    )

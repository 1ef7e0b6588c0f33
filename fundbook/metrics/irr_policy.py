"""The IRR policy: an IRR is "not meaningful" (n.m.) before its flows are old enough (GIPS).

One age rule for every since-inception rate of a fund or a partner (and the PMEs of issue 15):
`too_young(start, as_of, months)` is true while `as_of` is before `start` + `months` calendar
months, `start` being the first contribution (the fund's, or the partner's to that fund). The
months are the fund's `irr_nm_months` (terms.csv), else `DEFAULT_IRR_NM_MONTHS`; an override
(`--irr-nm-months`) replaces them for every fund. The IRR keeps its number: the flag beside it
(`net_irr_nm`, `gross_irr_nm`) tells a reader to print "n.m." and lead with TVPI.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from fundbook.metrics.protocol import BookFrames

DEFAULT_IRR_NM_MONTHS = 12
# The rows that start an IRR's age: the first money a partner paid into the fund.
CONTRIBUTION_TYPES = ("contribution", "equalisation_contribution")
# The flag of each IRR of a level, and the IRR it qualifies.
FLAGS = {"net_irr_nm": "net_irr", "gross_irr_nm": "gross_irr"}
SOURCE = "fundbook.metrics.irr_policy.too_young"


def too_young(start: pl.Expr, as_of: pl.Expr | date, months: pl.Expr) -> pl.Expr:
    """Whether an IRR whose flows began on `start` is not meaningful at `as_of`: `as_of` is
    before `start` + `months` calendar months (a month-end start ends on the month-end: 31 Jan
    + 1 month is 28/29 Feb). Null without a start (no contribution, no IRR to qualify)."""
    end = start.cast(pl.Date).dt.offset_by(pl.format("{}mo", months.cast(pl.Int64)))
    return pl.lit(as_of, pl.Date) < end


def young_at(since: date | None, as_of: date, months: int | None) -> bool | None:
    """`too_young` for one IRR (a report's previous quarter end): None without a start."""
    if since is None or months is None:
        return None
    frame = pl.DataFrame(
        {"since": [since], "months": [months]}, schema={"since": pl.Date, "months": pl.Int64}
    )
    return bool(frame.select(too_young(pl.col("since"), as_of, pl.col("months"))).item())


def irr_months(frames: BookFrames) -> pl.DataFrame:
    """(fund_id, irr_nm_months) of every fund: its terms' months, else the default."""
    terms = frames.terms
    if "irr_nm_months" in terms.columns:
        given = terms.select("fund_id", pl.col("irr_nm_months").cast(pl.Int64))
    else:
        given = pl.DataFrame(schema={"fund_id": pl.String(), "irr_nm_months": pl.Int64()})
    return (
        frames.funds.select("fund_id")
        .join(given, on="fund_id", how="left")
        .with_columns(pl.col("irr_nm_months").fill_null(DEFAULT_IRR_NM_MONTHS))
    )


def first_contribution(txns: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    """(keys, irr_since): the date of the first contribution per `keys` in `txns`."""
    return (
        txns.filter(pl.col("type").is_in(CONTRIBUTION_TYPES))
        .group_by(keys)
        .agg(pl.col("date").min().alias("irr_since"))
    )


def irr_flags(
    frames: BookFrames, as_of: date, level: pl.DataFrame, keys: list[str]
) -> pl.DataFrame:
    """`level` (rows by `keys`, with fund_id) and, at its end, `irr_since` (the first
    contribution), `irr_nm_months` (the fund's) and a flag per IRR column it has."""
    txns = frames.transactions.filter(pl.col("date") <= as_of)
    out = level.join(first_contribution(txns, keys), on=keys, how="left").join(
        irr_months(frames), on="fund_id", how="left"
    )
    return reflag(out, as_of)


def reflag(level: pl.DataFrame, as_of: date, months: int | None = None) -> pl.DataFrame:
    """The flags of `level` (with `irr_since`, `irr_nm_months`) decided again at `as_of`,
    every fund's months replaced by `months` when given (a report's override of a snapshot)."""
    if months is not None:
        level = level.with_columns(pl.lit(months, pl.Int64).alias("irr_nm_months"))
    young = too_young(pl.col("irr_since"), as_of, pl.col("irr_nm_months"))
    return level.with_columns(
        young.alias(flag) for flag, irr in FLAGS.items() if irr in level.columns
    )

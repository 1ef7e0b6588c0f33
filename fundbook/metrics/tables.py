"""The `fundbook metrics --by ...` tables: one entry point over the metric functions."""

from __future__ import annotations

from datetime import date

import polars as pl

from fundbook.core.errors import NotFound
from fundbook.core.types import METRIC_GROUPINGS, PME_COLUMNS, PME_GROUPINGS
from fundbook.metrics.exposure import theme_exposure
from fundbook.metrics.grants import grant_table
from fundbook.metrics.irr_policy import too_young
from fundbook.metrics.levels import fund_level, holding_level, investor_level
from fundbook.metrics.look_through import look_through_company, look_through_nav
from fundbook.metrics.pme import pme_levels
from fundbook.metrics.programme import programme_fund_metrics, programme_metrics
from fundbook.metrics.protocol import BookFrames

BY = METRIC_GROUPINGS


def metrics_table(
    frames: BookFrames, as_of: date, by: str, fund_id: str | None = None, look_through: bool = False
) -> pl.DataFrame:
    """The figures grouped `by` fund, investor, holding, theme, programme (per scope),
    programme_fund (each fund's part of its programme's scope, in HKD), grant or the guidance
    funds' look-through (by company, its NAV); `fund_id` narrows to one fund (for programme and
    programme_fund: one programme; for grant: the fund paying them). The rows and columns of the
    snapshot's level of the same name (`levels.figures`)."""
    if fund_id is not None and fund_id not in set(frames.funds["fund_id"].to_list()):
        raise NotFound(f"unknown fund {fund_id!r}")
    if by == "theme":
        return theme_exposure(frames, as_of, look_through=look_through, fund_id=fund_id)
    tables = {
        "fund": fund_level,
        "investor": investor_level,
        "holding": holding_level,
        "programme": programme_metrics,
        "grant": grant_table,
        "look_through_company": look_through_company,
        "look_through_nav": look_through_nav,
        "programme_fund": programme_fund_metrics,
    }
    if by not in tables:
        raise NotFound(f"unknown grouping {by!r}; choose from {', '.join(BY)}")
    out = tables[by](frames, as_of)
    if fund_id is not None:
        key = "programme" if by.startswith("programme") else "fund_id"
        out = out.filter(pl.col(key) == fund_id)
    return out


def pme_table(
    frames: BookFrames, as_of: date, by: str, index_id: str, irr_nm_months: int | None = None
) -> pl.DataFrame:
    """The public market equivalents against `index_id` of the rows grouped `by` fund,
    investor or programme (`pme_against`), their n.m. flag decided again with every fund's
    months replaced by `irr_nm_months` when it is given."""
    out = pme_against(frames, as_of, f"pme_{by}", index_id)
    if irr_nm_months is not None:
        young = too_young(pl.col("pme_since"), as_of, pl.lit(irr_nm_months))
        out = out.with_columns(young.alias("pme_nm"))
    return out.select(*PME_GROUPINGS[by], *PME_COLUMNS)


def pme_against(frames: BookFrames, as_of: date, level: str, index_id: str) -> pl.DataFrame:
    """The PME level `level` (pme_fund, pme_investor, pme_programme) as of `as_of` against
    `index_id`, every row: for pme_investor the partners of every fund, whatever its
    benchmark (`pme.pme_levels`; a close stores them against the benchmark only)."""
    fund = fund_level(frames, as_of)
    partners = level == "pme_investor"
    investor = investor_level(frames, as_of) if partners else _NO_INVESTORS
    every = fund.select("fund_id", pl.lit(index_id).alias("index_id")).filter(partners)
    out = pme_levels(frames, as_of, fund, investor, every)[level]
    return out.filter(pl.col("index_id") == index_id)


_NO_INVESTORS = pl.DataFrame(
    schema={"fund_id": pl.String(), "investor_id": pl.String(), "nav": pl.Decimal(38, 2)}
)

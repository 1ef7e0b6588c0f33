"""Every figure of a snapshot, level by level: the one producer closes, reports and notices read."""

from __future__ import annotations

from datetime import date

import polars as pl

from fundbook.core.types import ITIF_TARGET_AMPLIFICATION, STATUS_ORDER
from fundbook.metrics.accruals import expense_by_category
from fundbook.metrics.cash_flow import cash_flow_by_quarter
from fundbook.metrics.compliance import compliance
from fundbook.metrics.exposure import theme_exposure
from fundbook.metrics.fee_book import fee_check_level
from fundbook.metrics.forecast import forecast
from fundbook.metrics.gp_statements import GP_COSTS
from fundbook.metrics.grants import grant_table
from fundbook.metrics.irr_policy import irr_flags
from fundbook.metrics.look_through import look_through_company, look_through_nav
from fundbook.metrics.money import as_money, cents, prorate, ratio, refuse_overflow
from fundbook.metrics.performance import fund_metrics, holding_metrics, investor_metrics
from fundbook.metrics.pme import pme_levels
from fundbook.metrics.programme import programme_fund_metrics, programme_metrics
from fundbook.metrics.protocol import BookFrames
from fundbook.metrics.reconcile import reconcile
from fundbook.metrics.state import book_state

_GP_COSTS = tuple(GP_COSTS.values())
# The fund figures whose quarter-on-quarter change the board reads (`fund_movement`).
MOVEMENT_FIGURES = ("nav", "paid_in", "distributed", "net_irr", "tvpi")


def figures(frames: BookFrames, as_of: date, since: date) -> dict[str, pl.DataFrame]:
    """Every level of a snapshot as of `as_of`, by name, in the order the close stores them;
    `since` (on or before `as_of`) is the date the movements are measured from (the end of
    the quarter before)."""
    from concurrent.futures import ThreadPoolExecutor

    fund = fund_level(frames, as_of)
    investor = investor_level(frames, as_of)
    programme_fund = programme_fund_metrics(frames, as_of)
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="figures") as pool:
        # PME and the forecast are numpy for the most part, one core each: beside the levels
        # below (polars, whose threads leave a core idle now and then); the same results
        pme = pool.submit(pme_levels, frames, as_of, fund, investor)
        pacing = pool.submit(forecast, frames, as_of, fund, programme_fund)
        levels = _levels(frames, as_of, since, fund, investor, programme_fund)
        done = pacing.result()
        return {
            **levels,
            # the commitment pacing forecast (issue 15): per fund and year, per fund, per programme
            "forecast": done.funds,
            "forecast_parameters": done.parameters,
            "forecast_programme": done.programmes,
            **pme.result(),
        }


def _levels(
    frames: BookFrames,
    as_of: date,
    since: date,
    fund: pl.DataFrame,
    investor: pl.DataFrame,
    programme_fund: pl.DataFrame,
) -> dict[str, pl.DataFrame]:
    """The levels of `figures` but the forecast's and PME's."""
    by_fund = theme_exposure(frames, as_of, by_fund=True)
    checks = compliance(frames, as_of)
    return {
        "fund": fund,
        "investor": investor,
        "holding": holding_level(frames, as_of),
        "holding_look_through": holding_look_through(frames, as_of),
        # per programme: its own fund's and its member funds' company holdings (HKD)
        "theme": theme_exposure(frames, as_of, look_through=False),
        "theme_look_through": theme_exposure(frames, as_of, look_through=True),
        "theme_by_fund": by_fund,
        "theme_by_investor": theme_by_investor(frames, as_of, by_fund),
        "look_through_company": look_through_company(frames, as_of),
        "look_through_nav": look_through_nav(frames, as_of),
        "programme": programme_metrics(frames, as_of),
        "programme_fund": programme_fund,
        "grant": grant_table(frames, as_of),
        "compliance": checks,
        "compliance_status": compliance_status(checks),
        "cash_flow": cash_flow_by_quarter(frames, as_of),
        "fund_movement": fund_movement(fund, fund_metrics(frames, since)),
        "expense_by_category": expense_by_category(frames, as_of),
        "fee_check": fee_check_level(frames, as_of),
        "reconcile": reconcile(frames, as_of),
    }


# Whether a fund meets the ITIF amplification target (of its `amplification`).
MEETS_TARGET = pl.col("amplification") >= ITIF_TARGET_AMPLIFICATION
# Whether a holding is written off, realised, partially realised or unrealised (of
# `valued_by`, `proceeds`, `fair_value`): a write-off ends the holding whatever it recovered.
REALISATION = (
    pl.when(pl.col("valued_by") == "written_off")
    .then(pl.lit("written off"))
    .when((pl.col("proceeds") > 0) & (pl.col("fair_value") == 0))
    .then(pl.lit("realised"))
    .when(pl.col("proceeds") > 0)
    .then(pl.lit("partially realised"))
    .otherwise(pl.lit("unrealised"))
)


def fund_level(frames: BookFrames, as_of: date) -> pl.DataFrame:
    """`fund_metrics`, whether the fund meets the ITIF amplification target, and the IRR
    policy's flags (`irr_policy.irr_flags`: its IRRs are n.m. while the fund is young)."""
    out = fund_metrics(frames, as_of).with_columns(MEETS_TARGET.alias("meets_target"))
    return irr_flags(frames, as_of, out, ["fund_id"])


def investor_level(frames: BookFrames, as_of: date) -> pl.DataFrame:
    """`investor_metrics`, the share of the commitment called (paid-in / committed), and the
    IRR policy's flag (its net IRR is n.m. while its first contribution is recent)."""
    out = investor_metrics(frames, as_of)
    out = out.with_columns(ratio(pl.col("paid_in"), pl.col("committed")).alias("pic_multiple"))
    return irr_flags(frames, as_of, out, ["fund_id", "investor_id"])


def holding_level(frames: BookFrames, as_of: date) -> pl.DataFrame:
    """`holding_metrics`, each holding's rank in its fund by fair value (largest first, then
    by id), its share and the cumulative share of the fund's holdings' value to that rank,
    and whether it is written off, realised, partially realised or unrealised; the GP's costs
    last (added in schema 18: the stored order is a public contract)."""
    out = holding_metrics(frames, as_of).sort(
        "fund_id", "fair_value", "holding_id", descending=[False, True, False], nulls_last=True
    )
    total = pl.col("fair_value").sum().over("fund_id")
    return (
        out.with_columns(
            pl.int_range(1, pl.len() + 1, dtype=pl.Int64).over("fund_id").alias("rank"),
            ratio(pl.col("fair_value"), total).alias("share_of_fair_value"),
            ratio(pl.col("fair_value").cum_sum().over("fund_id"), total).alias(
                "cumulative_share_of_fair_value"
            ),
            REALISATION.alias("realisation"),
        )
        .select(pl.exclude(*_GP_COSTS), *_GP_COSTS)
        .sort("fund_id", "holding_id")
    )


def _investor_shares(frames: BookFrames, as_of: date, values: pl.DataFrame) -> pl.DataFrame:
    """Each investor's share of `values` (fund_id, keys..., `fair_value` in cents) of its fund:
    the value times its weight over the fund's, rounded half-even once (exact), as money;
    null when the fund's weights add up to nothing."""
    accounts = book_state(frames, as_of).accounts.select(
        "fund_id", "investor_id", "weight", pl.col("weight").sum().over("fund_id").alias("_all")
    )
    joined = accounts.join(values, on="fund_id", how="inner")
    refuse_overflow(joined, [[pl.col("fair_value"), pl.col("weight")]], "look-through shares")
    share = prorate(pl.col("fair_value"), pl.col("weight"), pl.col("_all"))
    out = joined.with_columns(
        pl.when(pl.col("_all") != 0).then(share).otherwise(None).alias("fair_value")
    )
    return as_money(out.drop("weight", "_all"))


def holding_look_through(frames: BookFrames, as_of: date) -> pl.DataFrame:
    """Per (fund, investor, holding): the investor's share of the holding's fair value."""
    held = book_state(frames, as_of).holdings.select("fund_id", "holding_id", "fair_value")
    return _investor_shares(frames, as_of, held).sort("fund_id", "investor_id", "holding_id")


def theme_by_investor(frames: BookFrames, as_of: date, by_fund: pl.DataFrame) -> pl.DataFrame:
    """Per (fund, investor, theme): the investor's share of its fund's direct exposure
    (`by_fund`: `theme_exposure(by_fund=True)`)."""
    themes = by_fund.select("fund_id", "theme", cents(pl.col("fair_value")).alias("fair_value"))
    return _investor_shares(frames, as_of, themes).sort("fund_id", "investor_id", "theme")


def compliance_status(checks: pl.DataFrame) -> pl.DataFrame:
    """How many rules of all funds are at each status (fail, watch, pending, pass; zero too)."""
    counts = checks.group_by("status").agg(pl.len().cast(pl.Int64).alias("rules"))
    every = pl.DataFrame({"status": list(STATUS_ORDER)}, schema={"status": pl.String})
    return (
        every.join(counts, on="status", how="left")
        .with_columns(pl.col("rules").fill_null(0))
        .sort(pl.col("status").replace_strict(STATUS_ORDER, return_dtype=pl.Int8))
    )


def fund_movement(now: pl.DataFrame, before: pl.DataFrame) -> pl.DataFrame:
    """Per fund: each of MOVEMENT_FIGURES before (`previous_<figure>`) and its change to now
    (`<figure>_change`); null when either side is undefined."""
    previous = before.select(
        "fund_id", *(pl.col(f).alias(f"previous_{f}") for f in MOVEMENT_FIGURES)
    )
    joined = now.select("fund_id", *MOVEMENT_FIGURES).join(previous, on="fund_id", how="left")
    return joined.select(
        "fund_id",
        *(f"previous_{f}" for f in MOVEMENT_FIGURES),
        *((pl.col(f) - pl.col(f"previous_{f}")).alias(f"{f}_change") for f in MOVEMENT_FIGURES),
    )

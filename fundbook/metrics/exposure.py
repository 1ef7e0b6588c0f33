"""Exposure by strategic theme: direct, or looking through the guidance fund's sub-funds."""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl

from fundbook.core.types import REPORTING_CURRENCY
from fundbook.metrics.gp_statements import gp_look_through
from fundbook.metrics.memo import per_frames
from fundbook.metrics.money import (
    CENTS,
    FINE,
    RATE,
    as_money,
    from_fine,
    ratio,
    share_converted_fine,
)
from fundbook.metrics.positions import BookState
from fundbook.metrics.protocol import BookFrames
from fundbook.metrics.state import book_state

SUB_FUND_THEME = "sub_fund"  # a holding that is a fund of the book, seen without look-through


def theme_exposure(
    frames: BookFrames,
    as_of: date,
    look_through: bool = False,
    fund_id: str | None = None,
    by_fund: bool = False,
) -> pl.DataFrame:
    """One row per theme: companies held, invested cost, fair value and share of fair value.

    `holdings` counts the companies with a position at the date (fair value or remaining
    cost above 0); exited ones still count in `invested`. Amounts are exact shares, converted,
    summed per theme and rounded half-even once; looking through, once per company and route
    (direct, through the sub-funds: `by_company`), so that the companies add up to the theme.

    Without look-through: the holdings of `fund_id` (its currency); without `fund_id`, per
    programme (`programme`, no `fund_id`: `programme_of`) the company holdings of the
    programme's own fund and of its member funds, 100 % of each (HKD; holdings of funds are
    skipped, their companies are counted in the funds), shares within the programme: the
    guidance fund's row set adds its direct co-investments and its sub-funds' holdings, never
    those of a separate scheme (ITVF, a grant programme), which has rows of its own.
    With look-through: the fund `fund_id` (in its currency) sees its share of each sub-fund's
    holdings plus its direct ones, de-duplicated by company; without `fund_id`, every fund of
    kind guidance_fund, each in its own currency: the rows of `fund_id=G` for every guidance
    fund G (`_guidance_themes`). With `by_fund`: every fund's own (direct) exposure, in its
    currency, at once: the rows of `fund_id=F` for every fund F.
    """
    state = book_state(frames, as_of)
    if by_fund:
        if look_through or fund_id is not None:
            raise ValueError("by_fund is every fund's direct exposure: no fund_id, no look-through")
        return _by_fund(frames, state)
    if fund_id is not None and not look_through:  # one fund's rows of the `by_fund` table
        return _by_fund(frames, state).filter(pl.col("fund_id") == fund_id)
    if not look_through:
        exposure, currency = _direct(frames, state)
        exposure = exposure.join(programme_of(frames), on="fund_id", how="left")
        out = _by_theme(exposure, frames, ["programme"]).with_columns(
            pl.lit(currency).alias("currency")
        )
        return as_money(out.select(PROGRAMME_THEME_COLUMNS).sort("programme", "theme"))
    if fund_id is None:
        return _guidance_themes(frames, as_of)
    routes, currency = look_through_routes(frames, state, fund_id)
    exposure = _as_fine(by_company(routes))
    out = _by_theme(exposure, frames, []).with_columns(
        pl.lit(fund_id).alias("fund_id"), pl.lit(currency).alias("currency")
    )
    return as_money(out.select(THEME_COLUMNS).sort("theme"))


THEME_COLUMNS = (
    "fund_id",
    "theme",
    "currency",
    "holdings",
    "invested",
    "fair_value",
    "share_of_fair_value",
)

# `theme_exposure` without a fund: per programme (the `theme` level).
PROGRAMME_THEME_COLUMNS = ("programme", *THEME_COLUMNS[1:])


def programme_of(frames: BookFrames) -> pl.DataFrame:
    """(fund_id, programme): the programme a fund counts in: its `programme_id` (a sub-fund,
    a grant fund of a programme), else the fund itself (a programme's own fund, a fund of
    no programme)."""
    return frames.funds.select("fund_id", pl.coalesce("programme_id", "fund_id").alias("programme"))


def _by_theme(exposure: pl.DataFrame, frames: BookFrames, group: list[str]) -> pl.DataFrame:
    """Exposure rows summed per theme (and `group`): companies held, invested, fair value
    (rounded once), and the share of fair value within the group."""
    themes = frames.companies.select(pl.col("company_id").alias("holding_id"), "theme")
    total = pl.col("fair_value").sum()
    return (
        exposure.join(themes, on="holding_id", how="left")
        .with_columns(pl.col("theme").fill_null(SUB_FUND_THEME))
        .group_by(*group, "theme")
        .agg(
            pl.col("holding_id").filter(pl.col("held")).n_unique().cast(pl.Int64).alias("holdings"),
            from_fine(pl.col("invested").sum()).alias("invested"),
            from_fine(pl.col("fair_value").sum()).alias("fair_value"),
        )
        .with_columns(
            ratio(pl.col("fair_value"), total.over(group) if group else total).alias(
                "share_of_fair_value"
            )
        )
    )


def _guidance_themes(frames: BookFrames, at: date) -> pl.DataFrame:
    """Every guidance fund's look-through themes, each in its own currency: the sums of its
    companies (`guidance_companies`, the rows `look_through_company` shows), so that a fund's
    themes add up to its companies to the cent."""
    exposure = _as_fine(guidance_companies(frames, at))
    currency = frames.funds.select("fund_id", "currency")
    out = _by_theme(exposure, frames, ["fund_id"]).join(currency, on="fund_id", how="left")
    return as_money(out.select(THEME_COLUMNS).sort("fund_id", "theme"))


def _by_fund(frames: BookFrames, state: BookState) -> pl.DataFrame:
    """Every fund's holdings by theme in its own currency (no conversion: a share of one)."""
    exposure = _fine(_position(state.holdings), _ONE, _ONE, _HKD_RATE, _HKD_RATE)
    currency = frames.funds.select("fund_id", "currency")
    out = _by_theme(exposure, frames, ["fund_id"]).join(currency, on="fund_id", how="left")
    return as_money(out.select(THEME_COLUMNS).sort("fund_id", "theme"))


_ONE = pl.lit(1, CENTS)


def _as_fine(companies: pl.DataFrame) -> pl.DataFrame:
    """`by_company`'s rounded cents back in 10⁻¹⁵ cent, so that a theme sums its companies."""
    return companies.select(
        "fund_id",
        "holding_id",
        "held",
        *((pl.col(c) * FINE).alias(c) for c in ("invested", "fair_value")),
    )


_HKD_RATE = pl.lit(1).cast(RATE)


def _position(holdings: pl.DataFrame) -> pl.DataFrame:
    """The holdings with `held` (a position at the date: fair value or remaining cost > 0)."""
    held = (pl.col("fair_value") > 0) | (pl.col("remaining_cost") > 0)
    return holdings.select("fund_id", "holding_id", "invested", "fair_value", held.alias("held"))


def _fine(
    df: pl.DataFrame, num: pl.Expr, den: pl.Expr, rate_from: pl.Expr, rate_to: pl.Expr
) -> pl.DataFrame:
    """`invested` and `fair_value` times num / den, converted, unrounded (10⁻¹⁵ cent)."""
    return df.with_columns(
        share_converted_fine(pl.col(c), num, den, rate_from, rate_to).alias(c)
        for c in ("invested", "fair_value")
    )


def _with_rate(
    df: pl.DataFrame, frames: BookFrames, fx: pl.DataFrame, on: str, as_: str
) -> pl.DataFrame:
    """Join the rate (HKD per unit) of the currency of the fund in column `on`, as `as_`."""
    ccy = frames.funds.select(pl.col("fund_id").alias(on), pl.col("currency").alias("_ccy"))
    rate = fx.select(pl.col("currency").alias("_ccy"), pl.col("hkd_per_unit").alias(as_))
    return df.join(ccy, on=on, how="left").join(rate, on="_ccy", how="left").drop("_ccy")


def _currency(frames: BookFrames, fund_id: str | None) -> str:
    ccy = frames.funds.filter(pl.col("fund_id") == fund_id)["currency"]
    return ccy[0] if len(ccy) else REPORTING_CURRENCY


def _direct(frames: BookFrames, state: BookState) -> tuple[pl.DataFrame, str]:
    """Every fund's company holdings, converted to HKD (a fund's own: `_by_fund`)."""
    hold = _position(state.holdings)
    companies = frames.companies["company_id"].implode()
    hold = _with_rate(
        hold.filter(pl.col("holding_id").is_in(companies)), frames, state.fx, "fund_id", "_rf"
    )
    return _fine(hold, _ONE, _ONE, pl.col("_rf"), _HKD_RATE), REPORTING_CURRENCY


def sub_fund_holdings(frames: BookFrames, state: BookState) -> pl.DataFrame:
    """Each fund's company holdings as seen from a fund holding it (fund_id, holding_id,
    invested, fair_value in cents of the fund's currency, held): the one source of the
    sub-fund holdings a look-through reads (today the book's own ledger of the sub-fund)."""
    hold = _position(state.holdings)
    return hold.filter(pl.col("holding_id").is_in(frames.companies["company_id"].implode()))


def look_through_routes(
    frames: BookFrames, state: BookState, fund_id: str | None
) -> tuple[pl.DataFrame, str]:
    """The holder's direct company holdings plus, for each fund it holds, the held fund's
    holdings (`sub_fund_holdings`) times the holder's partnership percentage there (exact),
    converted into the holder's currency (`fund_id`) or HKD (every guidance fund): one row
    per route (fund_id the holder, `via` the sub-fund, null for a direct holding, holding_id,
    invested and fair_value unrounded in 10⁻¹⁵ cent, held)."""
    if fund_id is None:
        ids = frames.funds.filter(pl.col("kind") == "guidance_fund")["fund_id"]
        currency = REPORTING_CURRENCY
    else:
        ids = pl.Series([fund_id])
        currency = _currency(frames, fund_id)
    target = state.fx.filter(pl.col("currency") == currency)["hkd_per_unit"]
    holders = pl.DataFrame(
        {"fund_id": ids, "_rt": [target[0] if len(target) else None] * ids.len()},
        schema={"fund_id": pl.String, "_rt": RATE},
    )
    return _routes(frames, state, holders), currency


def guidance_routes(frames: BookFrames, state: BookState) -> pl.DataFrame:
    """`look_through_routes` of every guidance fund in its own currency, all at once: the
    rows of `look_through_routes(frames, state, F)` for each guidance fund F."""
    rates = state.fx.select("currency", pl.col("hkd_per_unit").cast(RATE).alias("_rt"))
    holders = (
        frames.funds.filter(pl.col("kind") == "guidance_fund")
        .select("fund_id", "currency")
        .join(rates, on="currency", how="left", maintain_order="left")
        .select("fund_id", "_rt")
    )
    return _routes(frames, state, holders)


def _routes(frames: BookFrames, state: BookState, holders: pl.DataFrame) -> pl.DataFrame:
    """The routes of `look_through_routes` for the `holders` (fund_id, `_rt`: HKD per unit of
    the currency each holder's rows are converted into)."""
    ids = holders["fund_id"].implode()
    rate_to = pl.col("_rt")
    hold = sub_fund_holdings(frames, state)
    direct = _with_rate(
        hold.filter(pl.col("fund_id").is_in(ids)), frames, state.fx, "fund_id", "_rf"
    ).join(holders, on="fund_id", how="left", maintain_order="left")
    direct = _fine(direct, _ONE, _ONE, pl.col("_rf"), rate_to)
    lp = frames.investors.filter(pl.col("fund_id").is_in(ids)).select(
        pl.col("fund_id").alias("holder"), "investor_id"
    )
    acc = state.accounts
    # one route per sub-fund: a holding valued from its GP's statements is looked through by
    # the GP's schedule of investments (`_via_gp`), even when the sub-fund's ledger is in the book
    by_gp = state.holdings.filter(pl.col("valued_by") == "gp_statement").select(
        pl.col("fund_id").alias("holder"), pl.col("holding_id").alias("sub")
    )
    shares = (
        lp.join(acc, on="investor_id")
        .select("holder", pl.col("fund_id").alias("sub"), pl.col("weight").alias("_w"))
        .join(
            acc.group_by("fund_id").agg(pl.col("weight").sum().alias("_total")),
            left_on="sub",
            right_on="fund_id",
        )
        .filter(pl.col("_total") != 0)
        .join(by_gp, on=["holder", "sub"], how="anti")
    )
    via = _with_rate(
        hold.rename({"fund_id": "sub"}).join(shares, on="sub"), frames, state.fx, "sub", "_rf"
    ).join(holders.rename({"fund_id": "holder"}), on="holder", how="left", maintain_order="left")
    via = _fine(via, pl.col("_w"), pl.col("_total"), pl.col("_rf"), rate_to).with_columns(
        pl.col("held") & (pl.col("_w") != 0),
        pl.col("holder").alias("fund_id"),
        pl.col("sub").alias("via"),
    )
    cols = ["fund_id", "via", "holding_id", "invested", "fair_value", "held"]
    direct = direct.with_columns(pl.lit(None, pl.String).alias("via"))
    gp = _via_gp(frames, state, holders).with_columns(pl.col("sub_fund_id").alias("via"))
    return pl.concat([direct.select(cols), via.select(cols), gp.select(cols)])


def _via_gp(frames: BookFrames, state: BookState, holders: pl.DataFrame) -> pl.DataFrame:
    """Sub-funds valued from their GP's statements (held without their ledger, or whose terms
    say so), through the companies their GP reports
    (`gp_statements.gp_look_through`: the holder's value spread by reported fair value, its
    cost by reported cost), exact, converted from the holder's currency into its `_rt`
    (`holders`)."""
    rows = gp_look_through(frames, state.at, state.holdings).filter(
        pl.col("fund_id").is_in(holders["fund_id"].implode()) & (pl.col("_fv_den") != 0)
    )
    rows = _with_rate(rows, frames, state.fx, "fund_id", "_rf").join(
        holders, on="fund_id", how="left", maintain_order="left"
    )
    rate_to = pl.col("_rt")
    return rows.with_columns(
        share_converted_fine(
            pl.col("fair_value"), pl.col("_fv_num"), pl.col("_fv_den"), pl.col("_rf"), rate_to
        ).alias("fair_value"),
        pl.when(pl.col("_cost_den") != 0)
        .then(
            share_converted_fine(
                pl.col("invested"),
                pl.col("_cost_num"),
                pl.col("_cost_den"),
                pl.col("_rf"),
                rate_to,
            )
        )
        .otherwise(0)
        .alias("invested"),
    )


# `by_company`'s columns: a book without a guidance fund has none of its rows.
_COMPANY_CENTS: dict[str, Any] = {
    "fund_id": pl.String,
    "holding_id": pl.String,
    "held": pl.Boolean,
    **{
        f"{side}{c}": CENTS
        for c in ("invested", "fair_value")
        for side in ("direct_", "through_", "")
    },
}


@per_frames
def guidance_companies(frames: BookFrames, at: date) -> pl.DataFrame:
    """`by_company` of every guidance fund's routes (`guidance_routes`, each fund in its own
    currency), in cents, at `at`; once per book and date (`memo.per_frames`: the theme and
    company look-through levels both read it)."""
    if frames.funds.filter(pl.col("kind") == "guidance_fund").height == 0:
        return pl.DataFrame(schema=_COMPANY_CENTS)
    return by_company(guidance_routes(frames, book_state(frames, at)))


def by_company(routes: pl.DataFrame) -> pl.DataFrame:
    """The routes (`look_through_routes`) per (fund_id, holding_id): the direct and the
    through-the-sub-funds `invested` and `fair_value`, each rounded half-even once
    (`direct_<figure>`, `through_<figure>`, cents), the combined figure their sum, and `held`
    (a position on either route). A company's figures add up to its theme's."""
    direct = pl.col("via").is_null()
    return (
        routes.group_by("fund_id", "holding_id")
        .agg(
            pl.col("held").any(),
            *(
                from_fine(pl.col(c).filter(on).sum()).alias(f"{side}_{c}")
                for c in ("invested", "fair_value")
                for side, on in (("direct", direct), ("through", ~direct))
            ),
        )
        .with_columns(
            (pl.col(f"direct_{c}") + pl.col(f"through_{c}")).alias(c)
            for c in ("invested", "fair_value")
        )
    )

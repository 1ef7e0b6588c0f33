"""The GL's partners' capital: P&L allocated by the sharing ratios (R5) and funds held (R6).

At each date of the grid, a fund with commitments allocates its cumulative common P&L by
commitment shares (largest remainder, money.allocate); a fund without commitments allocates
each month's P&L by the paid-in shares at the month's end (the grid holds every month end of
such a fund) and sums the months. A partner's capital is its capital contributed less
returned, plus its allocation, plus its partner-specific items. The closing entry of a
period is the change of that allocation since the previous period end.
"""

from __future__ import annotations

import polars as pl

from fundbook.metrics.money import CENTS, allocate, convert, zero

_KEYS = ["fund_id", "at", "investor_id"]


def partners(flows: pl.DataFrame, specific: pl.DataFrame, grid: pl.DataFrame) -> pl.DataFrame:
    """Every partner of a fund (with a commitment, a capital flow or a specific item) at each
    date of its fund's grid: committed, net_capital, paid_in and its specific P&L (`own`)."""
    who = pl.concat(
        [flows.select("fund_id", "investor_id"), specific.select("fund_id", "investor_id")]
    ).unique()
    own = specific.select(
        *_KEYS, (pl.col("income") - pl.col("fees") - pl.col("expenses")).alias("own")
    )
    return (
        grid.join(who, on="fund_id")
        .join(flows, on=_KEYS, how="left")
        .join(own, on=_KEYS, how="left")
        .with_columns(pl.col("committed", "net_capital", "paid_in", "own").fill_null(0).cast(CENTS))
        .sort(_KEYS)
    )


def capital(members: pl.DataFrame, pnl: pl.DataFrame) -> pl.DataFrame:
    """Per (fund_id, at, investor_id): the allocated common P&L (`allocated`) and the capital
    (`capital` = net_capital + allocated + own), from the fund's common P&L (`pnl`: fund_id,
    at, common)."""
    df = members.join(pnl, on=["fund_id", "at"], how="left").with_columns(
        pl.col("common").fill_null(0),
        (pl.col("fund_id") + "|" + pl.col("at").cast(pl.String)).alias("_grp"),
    )
    # a period's P&L: the change of the common P&L since the fund's previous grid date
    dates = (
        pnl.sort("fund_id", "at")
        .with_columns(
            (pl.col("common") - pl.col("common").shift(1).over("fund_id").fill_null(0)).alias(
                "_period"
            )
        )
        .select("fund_id", "at", "_period")
    )
    df = df.join(dates, on=["fund_id", "at"], how="left").with_columns(
        pl.col("_period").fill_null(0)
    )
    df = allocate(df, "common", "committed", "_grp", "investor_id", "_by_commitment")
    df = allocate(df, "_period", "paid_in", "_grp", "investor_id", "_month")
    by_commitment = pl.col("committed").sum().over("_grp") != 0
    by_month = pl.col("_month").cum_sum().over("fund_id", "investor_id", order_by="at")
    allocated = pl.when(by_commitment).then(pl.col("_by_commitment")).otherwise(by_month)
    return df.with_columns(allocated.alias("allocated")).select(
        *_KEYS,
        "net_capital",
        "own",
        "allocated",
        (pl.col("net_capital") + pl.col("allocated") + pl.col("own")).alias("capital"),
    )


def links(funds: pl.DataFrame, investors: pl.DataFrame, holdings: pl.DataFrame) -> pl.DataFrame:
    """Holdings that are funds of the book (`holding_id` a fund_id) held by a fund with an LP
    investor of its own: holder, held fund, the holder's investor id, both currencies."""
    lp = investors.filter(pl.col("fund_id").is_not_null()).select(
        "fund_id", pl.col("investor_id").alias("lp_investor_id")
    )
    ccy = funds.select("fund_id", "currency")
    return (
        holdings.select("fund_id", "holding_id")
        .unique()
        .join(lp, on="fund_id")
        .join(ccy.rename({"fund_id": "holding_id", "currency": "held_ccy"}), on="holding_id")
        .join(ccy.rename({"currency": "holder_ccy"}), on="fund_id")
    )


def sub_values(held: pl.DataFrame, accounts: pl.DataFrame, fx: pl.DataFrame) -> pl.DataFrame:
    """R6: per (fund_id, holding_id, at), the holder's capital in the held fund (cents, as its
    statement shows it) x rate(held) / rate(holder), rounded half-even once."""
    rate = fx.select("at", "currency", "hkd_per_unit")
    cap = accounts.select(
        pl.col("fund_id").alias("holding_id"),
        "at",
        pl.col("investor_id").alias("lp_investor_id"),
        "capital",
    )
    out = (
        held.join(cap, on=["holding_id", "lp_investor_id"])
        .join(rate.rename({"currency": "held_ccy", "hkd_per_unit": "_from"}), on=["at", "held_ccy"])
        .join(
            rate.rename({"currency": "holder_ccy", "hkd_per_unit": "_to"}), on=["at", "holder_ccy"]
        )
    )
    return out.select(
        "fund_id",
        "holding_id",
        "at",
        convert(pl.col("capital"), pl.col("_from"), pl.col("_to")).alias("_sub_value"),
    )


def empty_sub_values() -> pl.DataFrame:
    """No holding valued from a capital account yet (the first pass of the levels)."""
    return pl.DataFrame(
        schema={"fund_id": pl.String, "holding_id": pl.String, "at": pl.Date, "_sub_value": CENTS}
    )


def unallocated(pnl: pl.DataFrame, accounts: pl.DataFrame) -> pl.DataFrame:
    """Per (fund_id, at): the common P&L no partner received (a fund nobody shares in)."""
    given = accounts.group_by("fund_id", "at").agg(pl.col("allocated").sum())
    return pnl.join(given, on=["fund_id", "at"], how="left").select(
        "fund_id", "at", (pl.col("common") - pl.col("allocated").fill_null(zero())).alias("rest")
    )

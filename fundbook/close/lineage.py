"""Lineage of a close: the dated cash flows behind every IRR and multiple, with the as-of value."""

from __future__ import annotations

import datetime as dt

import polars as pl

from fundbook.close.snapshot import MONEY
from fundbook.core.types import GROSS_FLOW_SIGN, NET_FLOW_SIGN
from fundbook.store.frames import Frames

COLUMNS = (
    "basis",
    "level",
    "fund_id",
    "investor_id",
    "holding_id",
    "date",
    "flow",
    "txn_id",
    "amount",
)
NET_SIGNS, GROSS_SIGNS = NET_FLOW_SIGN, GROSS_FLOW_SIGN  # fundbook.core.types


def _signed(txns: pl.DataFrame, signs: dict[str, int]) -> pl.DataFrame:
    sign = pl.col("type").replace_strict(signs, default=0, return_dtype=pl.Int8)
    return txns.filter(pl.col("type").is_in(list(signs))).select(
        "fund_id",
        "investor_id",
        "holding_id",
        "date",
        pl.col("type").alias("flow"),
        "txn_id",
        (pl.col("amount_fund").cast(MONEY) * sign).cast(MONEY).alias("amount"),
    )


def _terminal(
    levels: dict[str, pl.DataFrame], level: str, figure: str, as_of: dt.date, flow: str
) -> pl.DataFrame:
    rows = levels.get(level, pl.DataFrame(schema={"fund_id": pl.String, figure: MONEY}))
    return rows.select(
        *[
            pl.col(c) if c in rows.columns else pl.lit(None, pl.String).alias(c)
            for c in ("fund_id", "investor_id", "holding_id")
        ],
        pl.lit(as_of).alias("date"),
        pl.lit(flow).alias("flow"),
        pl.lit(None, pl.String).alias("txn_id"),
        pl.col(figure).cast(MONEY).alias("amount"),
    ).filter(pl.col("amount").is_not_null())


def _tag(df: pl.DataFrame, basis: str, level: str, keep: tuple[str, ...]) -> pl.DataFrame:
    nulls = [
        pl.lit(None, pl.String).alias(c) for c in ("investor_id", "holding_id") if c not in keep
    ]
    return df.with_columns(pl.lit(basis).alias("basis"), pl.lit(level).alias("level"), *nulls)


def lineage_flows(frames: Frames, levels: dict[str, pl.DataFrame], as_of: dt.date) -> pl.DataFrame:
    """Every flow behind the IRRs and multiples of a snapshot, in a fixed order.

    `net` rows are the investor ↔ fund flows plus the capital account (NAV) at `as_of`, per
    investor and per fund; `gross` rows are the fund ↔ holding flows plus fair values, per
    holding and per fund. The values at `as_of` are the snapshot's own figures (`levels`).
    """
    txns = frames.transactions.filter(pl.col("date") <= as_of)
    out = pl.concat(
        [p.select(*COLUMNS) for p in (*_net(txns, levels, as_of), *_gross(txns, levels, as_of))],
        how="vertical",
    )
    order = ["basis", "level", "fund_id", "investor_id", "holding_id", "date", "flow", "txn_id"]
    return out.sort(order, nulls_last=False)


def _net(txns: pl.DataFrame, levels: dict[str, pl.DataFrame], as_of: dt.date) -> list[pl.DataFrame]:
    net = _signed(txns.filter(pl.col("investor_id").is_not_null()), NET_SIGNS)
    investor_nav = _terminal(levels, "investor", "nav", as_of, "nav")
    fund_nav = _terminal(levels, "fund", "nav", as_of, "nav").drop("investor_id")
    per_fund = pl.concat([net.drop("investor_id"), fund_nav], how="diagonal")
    return [
        _tag(pl.concat([net, investor_nav], how="diagonal"), "net", "investor", ("investor_id",)),
        _tag(per_fund, "net", "fund", ()),
    ]


def _gross(
    txns: pl.DataFrame, levels: dict[str, pl.DataFrame], as_of: dt.date
) -> list[pl.DataFrame]:
    gross = _signed(txns.filter(pl.col("holding_id").is_not_null()), GROSS_SIGNS)
    holding_value = _terminal(levels, "holding", "fair_value", as_of, "fair_value")
    fund_value = (
        holding_value.group_by("fund_id", "date", "flow")
        .agg(pl.col("amount").sum().cast(MONEY))
        .with_columns(pl.lit(None, pl.String).alias("txn_id"))
    )
    per_holding = pl.concat([gross, holding_value], how="diagonal").drop("investor_id")
    per_fund = pl.concat([gross.drop("holding_id", "investor_id"), fund_value], how="diagonal")
    return [
        _tag(per_holding, "gross", "holding", ("holding_id",)),
        _tag(per_fund, "gross", "fund", ()),
    ]

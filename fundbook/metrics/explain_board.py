"""Explain the figures LP reports and the board read: look-through shares, holdings' ranks and
shares, rules by status, and the funds' movements over the quarter."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import polars as pl

from fundbook.core.errors import NotFound
from fundbook.core.types import ITIF_TARGET_AMPLIFICATION
from fundbook.metrics import lineage as ln
from fundbook.metrics.explain_book import Ctx
from fundbook.metrics.explain_book import fund_lines as book_fund_lines
from fundbook.metrics.levels import MEETS_TARGET, REALISATION
from fundbook.metrics.money import prorate

# -- an investor's share of a holding or of its fund's theme exposure -------------------------


def look_through_lines(ctx: Ctx, figure: str) -> pl.DataFrame:
    """The investor's share of a holding's fair value (`holding_look_through`) or of its fund's
    direct exposure to a theme (`theme_by_investor`): the value times its weight over the
    fund's total weight, exact, rounded half-even once."""
    if ctx.level == "holding_look_through":
        source, key = "holding", "holding_id"
    else:
        source, key = "theme_by_fund", "theme"
    fund, investor = ctx.row["fund_id"], ctx.row["investor_id"]
    held = ctx.level_rows(source).filter(
        (pl.col("fund_id") == fund) & (pl.col(key) == ctx.row[key])
    )
    value: Decimal = held[figure][0]
    column, weight, total = _weights(ctx, fund, investor)
    where = ctx.stored.where
    weights = f"{where}: investor.{column}"
    parts = [
        ln.value_line(
            f"{figure} of {ctx.row[key]} in {fund}",
            value,
            "shown",
            source=f"{where}: {source}.{figure}",
        ),
        ln.value_line(f"weight: {column} of {investor}", weight, "shown", source=weights),
        ln.value_line(
            f"total weight: {column} of {fund}'s investors", total, "shown", source=weights
        ),
    ]
    if total:  # as metrics shares it (`money.prorate`); none when the weights add up to 0
        rule = prorate(pl.col("value"), pl.col("weight"), pl.col("total"))
        share = ln.money_of(rule, {"value": value, "weight": weight, "total": total})
        label = f"{investor}'s share: {figure} x {column} / total, rounded half-even once"
        parts.append(ln.value_line(label, share, source="fundbook.metrics.money.prorate"))
    else:  # as metrics leaves it: undefined
        item = f"no share: the weights of {fund}'s investors add up to 0"
        parts.append(ln.value_line(item, None, "derived", source="fundbook.metrics.levels"))
    return ln.concat(parts)


def _weights(ctx: Ctx, fund: str, investor: str) -> tuple[str, Decimal, Decimal]:
    """The partnership weight's basis, the investor's weight and the fund's total weight
    (`state.partnership_weights`)."""
    peers = ctx.partners(fund)
    if peers.height == 0:
        return "paid_in", Decimal(0), Decimal(0)
    mine = peers.filter(pl.col("investor_id") == investor)["weight"].to_list()
    return peers["weight_basis"][0], sum(mine, Decimal(0)), peers["weight_total"][0]


# -- a holding's rank, shares of its fund's holdings and realisation ---------------------------


def holding_rank_lines(ctx: Ctx, figure: str) -> pl.DataFrame:
    """The rank (the holdings ordered by fair value, largest first, then by id: one counted
    line each to this one), its share and cumulative share of the fund's holdings' value
    (numerator / denominator), and its realisation (how it is valued, its proceeds and fair
    value shown)."""
    if figure == "realisation":
        shown = ("valued_by", "proceeds", "fair_value")
        return ln.concat(
            [
                *(ctx.figure(f, "shown") for f in shown),
                ln.rule_line(
                    "realisation by its rule (valued by, proceeds, fair value)",
                    REALISATION,
                    {f: ctx.row[f] for f in shown},
                    "fundbook.metrics.levels.REALISATION",
                ),
            ]
        )
    peers = _by_fair_value(ctx)
    # down to this holding in that order (not the stored rank: the lines must give it)
    to_this = peers.head(int(_this(ctx, peers)["_order"][0]))
    where = f"{ctx.stored.where}: holding.fair_value"
    label = pl.format("fair_value of {}", "holding_id")
    if figure == "rank":
        return ln.frame_lines(
            to_this,
            "counted",
            item=pl.format("{}. {} (fair_value {})", "_order", "holding_id", "fair_value"),
            source=pl.lit(where),
            count=pl.lit(1),
        )
    numerator = to_this if figure == "cumulative_share_of_fair_value" else _this(ctx, peers)
    return ln.concat(
        [
            ln.stored_lines(numerator, "fair_value", label, where, "numerator"),
            ln.stored_lines(peers, "fair_value", label, where, "denominator"),
        ]
    )


def _by_fair_value(ctx: Ctx) -> pl.DataFrame:
    """The fund's holdings, largest fair value first (then by id), numbered from 1."""
    rows = ctx.level_rows("holding").filter(pl.col("fund_id") == ctx.row["fund_id"])
    ordered = rows.sort(["fair_value", "holding_id"], descending=[True, False], nulls_last=True)
    return ordered.with_columns(pl.int_range(1, pl.len() + 1, dtype=pl.Int64).alias("_order"))


def _this(ctx: Ctx, peers: pl.DataFrame) -> pl.DataFrame:
    return peers.filter(pl.col("holding_id") == ctx.row["holding_id"])


def fund_lines(ctx: Ctx, figure: str) -> pl.DataFrame:
    """A fund figure (`explain_book.fund_lines`); whether it meets the ITIF target: its
    amplification and the target, compared."""
    if figure != "meets_target":
        return book_fund_lines(ctx, figure)
    target = ln.value_line(
        "ITIF target amplification", ITIF_TARGET_AMPLIFICATION, "constant", source=_TYPES
    )
    meets = ln.rule_line(
        "amplification >= the target",
        MEETS_TARGET,
        {"amplification": ctx.row["amplification"]},
        "fundbook.metrics.levels.MEETS_TARGET",
    )
    return ln.concat([ctx.figure("amplification", "shown"), target, meets])


_TYPES = "fundbook.core.types"

# -- rules by status ----------------------------------------------------------------------------


def compliance_status_lines(ctx: Ctx, figure: str) -> pl.DataFrame:
    """How many rules are at a status: each rule of each fund at that status, counted."""
    rules = ctx.level_rows("compliance").filter(pl.col("status") == ctx.row["status"])
    return ln.frame_lines(
        rules,
        "counted",
        item=pl.format("rule {} of {}: {}", "rule", "fund_id", "status"),
        source=pl.lit(f"{ctx.stored.where}: compliance.status"),
        count=pl.lit(1),
    )


# -- the funds' movements over the quarter ------------------------------------------------------


def movement_lines(ctx: Ctx, figure: str) -> pl.DataFrame:
    """A figure at the quarter before (`previous_<f>`: as read there), or its change to now
    (`<f>_change`: the figure now less the figure then, both as stated)."""
    if figure.startswith("previous_"):
        return _previous(ctx, figure.removeprefix("previous_"))
    base = figure.removesuffix("_change")
    now = ctx.level_rows("fund").filter(pl.col("fund_id") == ctx.row["fund_id"])
    value = now[base][0] if now.height else None
    current = ln.value_line(f"{base} now", value, source=f"{ctx.stored.where}: fund.{base}")
    return ln.concat([current, _previous(ctx, base, -1)])


def _previous(ctx: Ctx, figure: str, sign: int = 1) -> pl.DataFrame:
    """The fund's `figure` at the end of the quarter before (subtracted: `sign` -1)."""
    if ctx.stored.previous is None:
        raise NotFound("the fund figures at the quarter before are not given")
    rows = ctx.stored.previous.filter(pl.col("fund_id") == ctx.row["fund_id"])
    value: Any = rows[figure][0] if rows.height else None
    if sign < 0 and value is not None:
        value = -value
    label = f"{figure} at the end of the quarter before" + (" (subtracted)" if sign < 0 else "")
    return ln.value_line(label, value, source=f"{ctx.stored.previous_where}: fund.{figure}")

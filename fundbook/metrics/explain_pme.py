"""Explain the public market equivalents: each flow with its index levels and factor."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

import polars as pl

from fundbook.metrics import lineage as ln
from fundbook.metrics import pme
from fundbook.metrics.explain_book import Ctx
from fundbook.metrics.irr_policy import first_contribution, irr_months, too_young
from fundbook.metrics.money import from_cents
from fundbook.metrics.returns import irr_inputs

# The level a PME level's NAV is read from (its flows' own level).
NAV_LEVEL = {"pme_fund": "fund", "pme_investor": "investor", "pme_programme": "fund"}


# The figures of a PME row shown as metrics derived them: what each one is.
_AS_DERIVED = {
    "pme_undefined": "why a figure is undefined (none: all defined)",
    "pme_since": "the first contribution (none: no contributions)",
    "pme_nm_months": "irr_nm_months of the fund's terms, else the default",
}


def _inputs(ctx: Ctx) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, list[str]]:
    """The row's flows (keys, date, amount cents, item, source), its NAV (keys, nav cents),
    its first contribution (keys, pme_since) and keys: as `pme.pme_levels` builds them."""
    keys = list(pme.LEVELS[ctx.level])
    values = ctx.level_rows(NAV_LEVEL[ctx.level])
    if ctx.level == "pme_programme":
        flows, navs, since = pme.programme_flows(ctx.frames, ctx.as_of, values)
        mine = pl.col("programme") == ctx.row["programme"]
        flows = flows.filter(mine).with_columns(
            pl.format("net flow of fund {}, in HKD at its date's rate", "fund_id").alias("item"),
            pl.format("fund {}", "fund_id").alias("source"),
        )
        return flows, navs.filter(mine), since.filter(mine), keys
    key = {k: ctx.row[k] for k in keys}
    mine = pl.all_horizontal(pl.col(k) == v for k, v in key.items())
    txns = ctx.txns.filter(mine)
    values = values.filter(mine).select(*keys, "nav")
    flows = irr_inputs(txns, "net", NAV_LEVEL[ctx.level], values, ctx.as_of, detail=True)
    rows = flows.head(flows.height - values.height).with_columns(
        pl.format("{} ({})", "flow", "txn_id").alias("item")
    )
    navs = flows.tail(values.height).select(*keys, pl.col("amount").alias("nav"))
    since = first_contribution(txns, keys).rename({"irr_since": "pme_since"})
    return rows, navs, since, keys


def pme_lines(ctx: Ctx, figure: str) -> pl.DataFrame:
    """A PME figure of one row against its index, from the row's flows and NAV."""
    flows, navs, since, keys = _inputs(ctx)
    levels = ctx.frames.index_levels.filter(pl.col("index_id") == ctx.row["index_id"])
    months = irr_months(ctx.frames)
    months_key = "programme" if ctx.level == "pme_programme" else "fund_id"
    again = pme.pme_rows(flows, navs, keys, levels, ctx.as_of, since, months, months_key)
    row = again.row(0, named=True) if again.height else dict.fromkeys(again.columns)
    if figure == "index_name":
        names = levels["name"].drop_nulls()
        item = "the name of the index on its rows of index_levels.csv"
        source = "index_levels.csv"
        return ln.value_line(item, names[0] if names.len() else None, "derived", source=source)
    if figure == "scope":
        scope = navs["scope"][0] if navs.height else None
        item = "the funds pooled: sub_funds (its member funds) or scheme (its own fund)"
        return ln.value_line(item, scope, "derived", source="fundbook.metrics.programme")
    if figure in _AS_DERIVED:
        return ln.value_line(_AS_DERIVED[figure], row[figure], "derived", source=pme.SOURCE)
    if figure == "pme_nm":
        inputs = {"pme_since": row["pme_since"], "pme_nm_months": row["pme_nm_months"]}
        rule = too_young(pl.col("pme_since"), ctx.as_of, pl.col("pme_nm_months"))
        return ln.rule_line(
            f"n.m.: {ctx.as_of} before pme_since + pme_nm_months calendar months",
            rule,
            inputs,
            "fundbook.metrics.irr_policy.too_young",
        )
    if row.get(figure) is None:
        return ln.value_line(f"undefined: {row['pme_undefined']}", row["pme_undefined"], "shown")
    nav = navs["nav"][0] if navs.height else 0
    indexed = pme.with_index_levels(flows, levels, ctx.as_of).sort("date")
    if figure == "ks_pme":
        return _ks_lines(indexed, nav, ctx)
    if figure == "direct_alpha":
        return _alpha_lines(indexed, nav, ctx)
    return _ln_lines(indexed, ctx)


def _compounded(indexed: pl.DataFrame, role: str, sign: int) -> pl.DataFrame:
    """Each flow compounded to the as-of date by the index (amount × level_end / level_at, in
    cents rounded half-even once, as `pme.with_index_levels`), signed by `sign`; its levels in
    the item, the factor as its ratio."""
    item = pl.format(
        "{} × {} / {} (index {})",
        "item",
        pl.col("level_end").cast(pl.String),
        pl.col("level_at").cast(pl.String),
        "index_id",
    )
    return ln.frame_lines(
        indexed,
        role,
        date=pl.col("date"),
        item=item,
        source=pl.col("source"),
        amount=from_cents(pl.col("compounded") * sign),
        ratio=pl.col("factor"),
    )


def _nav_line(nav: Any, ctx: Ctx, role: str) -> pl.DataFrame:
    amount = Decimal(int(nav)) / 100
    where = f"{ctx.stored.where}: {NAV_LEVEL[ctx.level]}.nav"
    if ctx.level == "pme_programme":
        where += " of its funds, in HKD at the as-of rate"
    return ln.value_line("NAV at the date", amount, role, date=ctx.as_of, source=where)


def _ks_lines(indexed: pl.DataFrame, nav: Any, ctx: Ctx) -> pl.DataFrame:
    """Σ D·I_T/I_t + NAV over Σ C·I_T/I_t, of one net flow a day (as `pme.pme_rows` nets
    them: a day's flows in one line, its items joined by " + "; a day that nets to nothing
    has none)."""
    net = (
        indexed.group_by("date")
        .agg(
            pl.col("amount").sum(),
            pl.col("compounded").sum(),
            *(pl.col(c).first() for c in ("level_at", "level_end", "factor", "index_id")),
            pl.col("item").str.join(" + "),
            pl.col("source").unique(maintain_order=True).str.join(", "),
        )
        .sort("date")
    )
    paid = net.filter(pl.col("amount") < 0)
    received = net.filter(pl.col("amount") > 0)
    return ln.concat(
        [
            _compounded(received, "numerator", 1),
            _nav_line(nav, ctx, "numerator"),
            _compounded(paid, "denominator", -1),
        ]
    )


def _alpha_lines(indexed: pl.DataFrame, nav: Any, ctx: Ctx) -> pl.DataFrame:
    """The compounded flows and the NAV (flow lines), and ln(1 + their XIRR)."""
    import numpy as np

    from fundbook.metrics.xirr import xirr_grouped

    flows = ln.concat([_compounded(indexed, "flow", 1), _nav_line(nav, ctx, "flow")])
    # one net amount per date, in date order, as the producer solves it
    net = flows.group_by("date").agg(pl.col("amount").sum()).sort("date")
    rate = xirr_grouped(
        np.zeros(net.height, dtype=np.int64),
        net["date"].to_numpy(),
        [float(a) for a in net["amount"]],
    )[0]
    alpha = math.log1p(rate) if np.isfinite(rate) else None
    derived = ln.value_line(
        "ln(1 + a), a the XIRR of the compounded flows and the NAV above (one net amount a date)",
        alpha,
        "derived",
        source=pme.SOURCE,
    )
    return ln.concat([flows.with_columns(pl.lit("shown").alias("role")), derived])


def _ln_lines(indexed: pl.DataFrame, ctx: Ctx) -> pl.DataFrame:
    """The flows as booked and the LN-PME NAV (Σ C·I_T/I_t − Σ D·I_T/I_t) as the final inflow."""
    raw = ln.frame_lines(
        indexed,
        "flow",
        date=pl.col("date"),
        kind=pl.lit("row"),
        item=pl.col("item"),
        source=pl.col("source"),
        amount=from_cents(pl.col("amount")),
        ratio=pl.col("factor"),
    )
    value = -sum(indexed["compounded"].to_list()) / Decimal(100)
    item = "LN-PME NAV: each flow × I_T / I_t, contributions less distributions, as a final inflow"
    final = ln.value_line(item, value, "flow", date=ctx.as_of, source=pme.SOURCE)
    return ln.concat([raw, final])

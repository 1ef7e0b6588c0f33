"""Explain figures of the holding level: cost, gains, and the fair value by how it is valued."""

from __future__ import annotations

from decimal import Decimal

import polars as pl

from fundbook.metrics import lineage as ln
from fundbook.metrics.explain_board import holding_rank_lines
from fundbook.metrics.explain_book import ROWS, Ctx, irr_lines, ratio_lines, text_lines
from fundbook.metrics.explain_fx import fx_translation_lines
from fundbook.metrics.explain_units import relief_lines, scaled_mark_lines, tracked_rows
from fundbook.metrics.gp_statements import (
    GP_COSTS,
    ROLL_FORWARD,
    gp_cost,
    gp_values,
    latest_statements,
)
from fundbook.metrics.money import convert
from fundbook.metrics.positions import fx_at
from fundbook.metrics.state import VALUATION_DATE, VALUED_BY, lag_days

_RATIO_FIGURES = ("moic", "co_investment_leverage")
_UNIT_FIGURES = ("remaining_cost", "realised_gain", "fair_value")
_RANK_FIGURES = ("rank", "share_of_fair_value", "cumulative_share_of_fair_value", "realisation")


def holding_lines(ctx: Ctx, figure: str) -> pl.DataFrame:
    """The lines of a holding's figure (`snapshot_holding`)."""
    mine = ctx.own_txns()
    if figure in ("invested", "proceeds", "income"):
        return ln.txn_lines(mine, ROWS[figure])
    if figure == "co_invested":
        return ln.txn_lines(ctx.by_side(mine, "social"), {"co_investment": 1})
    tracked = tracked_rows(mine) if figure in _UNIT_FIGURES else None
    if tracked is not None and figure in ("remaining_cost", "realised_gain"):
        first = {"remaining_cost": "investment", "realised_gain": "proceeds"}[figure]
        return ln.concat([ln.txn_lines(mine, {first: 1}), relief_lines(tracked)])
    if figure == "remaining_cost":  # invested - relieved, relieved = proceeds - realised_gain
        return ln.concat(
            [ln.txn_lines(mine, {"investment": 1, "proceeds": -1}), ctx.figure("realised_gain")]
        )
    if figure == "realised_gain":  # proceeds - relieved, relieved = invested - remaining_cost
        return ln.concat(
            [ln.txn_lines(mine, {"proceeds": 1, "investment": -1}), ctx.figure("remaining_cost")]
        )
    if figure == "unrealised_gain":  # the market part: less the FX translation
        return ln.concat(
            [
                ctx.figure("fair_value"),
                ctx.figure("remaining_cost", sign=-1),
                ctx.figure("fx_translation", sign=-1),
            ]
        )
    if figure == "fx_translation":
        return fx_translation_lines(ctx, _valued_by(ctx)[0])
    if figure == "fair_value":
        return _fair_value(ctx, mine, tracked)
    if figure == "gross_irr":
        return irr_lines(ctx, "gross")
    if figure == "valuation_date":
        return _valuation_date(ctx)
    if figure == "lag_days":
        return _lag_days(ctx)
    if figure == "valued_by":
        return _valued_by(ctx)[1]
    if figure in GP_COSTS.values():
        return _gp_cost(ctx, figure)
    if figure in _RATIO_FIGURES:
        return ratio_lines(ctx, figure)
    if figure in _RANK_FIGURES:
        return holding_rank_lines(ctx, figure)
    return text_lines(ctx, figure)


def _mark(ctx: Ctx, role: str) -> pl.DataFrame:
    marks = ctx.frames.valuations.filter(
        (pl.col("date") <= ctx.as_of)
        & (pl.col("fund_id") == ctx.row["fund_id"])
        & (pl.col("holding_id") == ctx.row["holding_id"])
    ).sort("date", "source_file", "source_line")
    return ln.frame_lines(
        marks.tail(1),
        role,
        date=pl.col("date"),
        kind=pl.lit("row"),
        item=pl.format("latest valuation of {}", "holding_id"),
        source=pl.format("{}:{}", "source_file", "source_line"),
        amount=pl.col("fair_value_fund"),
        text=pl.col("date").cast(pl.String),
    )


def _valuation_date(ctx: Ctx) -> pl.DataFrame:
    """How the holding is valued, its latest mark, and the date of the mark used by the
    metrics' rule (`state.VALUATION_DATE`: none unless valued by that mark)."""
    by, lines = _valued_by(ctx)
    mark = _mark(ctx, "shown")
    gp = _gp(ctx)
    inputs = {
        "valued_by": by,
        "valuation_date": mark["date"][0] if mark.height else None,
        "_gp_date": gp["_gp_date"][0] if gp.height else None,
    }
    rule = ln.rule_line(
        "the date of the mark (or GP statement) the holding is valued at (none unless valued "
        "by either)",
        VALUATION_DATE,
        inputs,
        "fundbook.metrics.state.VALUATION_DATE",
    )
    return ln.concat([lines, rule])


def _lag_days(ctx: Ctx) -> pl.DataFrame:
    """The days from the GP statement the holding is valued from to the as-of date (none
    unless valued from a GP statement: `state.lag_days`)."""
    dated = _valuation_date(ctx)
    inputs = {"valued_by": ctx.row["valued_by"], "valuation_date": ctx.row["valuation_date"]}
    shown = [ctx.figure(f, "shown") for f in inputs]
    rule = ln.rule_line(
        f"days from the GP statement to {ctx.as_of} (none unless valued from one)",
        lag_days(ctx.as_of),
        inputs,
        "fundbook.metrics.state.lag_days",
    )
    return ln.concat([dated.filter(pl.col("role") != "derived"), *shown, rule])


def _fair_value(ctx: Ctx, mine: pl.DataFrame, tracked: pl.DataFrame | None) -> pl.DataFrame:
    """By how the holding is valued: nothing once written off, the latest mark plus later
    investments (scaled to the units still held when tracked by quantity), its remaining cost,
    or (a fund of the book) the holder's capital account there."""
    by = _valued_by(ctx)[0]
    if by == "written_off":
        return ln.txn_lines(mine, {"write_off": 1})
    if by == "valuation" and tracked is not None:
        mark_date = ctx.row["valuation_date"]
        return scaled_mark_lines(tracked, _mark(ctx, "term"), mark_date)
    if by == "valuation":
        mark = ctx.row["valuation_date"]
        later = mine.filter((pl.col("type") == "investment") & (pl.col("date") > mark))
        return ln.concat([_mark(ctx, "term"), ln.txn_lines(later, {"investment": 1})])
    if by == "capital_account":
        return _capital_account_value(ctx)
    if by == "gp_statement":
        return _gp_statement_value(ctx, mine)
    return holding_lines(ctx, "remaining_cost")


def _gp(ctx: Ctx) -> pl.DataFrame:
    """The holding's GP valuation at the as-of date (`gp_statements.gp_values`), if any."""
    keys = (pl.col("fund_id") == ctx.row["fund_id"]) & (
        pl.col("holding_id") == ctx.row["holding_id"]
    )
    return gp_values(ctx.frames, ctx.as_of, fx_at(ctx.frames, ctx.as_of)).filter(keys)


def _gp_statement_value(ctx: Ctx, mine: pl.DataFrame) -> pl.DataFrame:
    """A sub-fund valued from its GP: the NAV of the latest statement received by the as-of
    date (in the holder's currency at the as-of rates), plus the holder's investments in it and
    less its proceeds dated after the statement date (`gp_statements.gp_values`)."""
    keys = (pl.col("fund_id") == ctx.row["fund_id"]) & (
        pl.col("holding_id") == ctx.row["holding_id"]
    )
    stated = latest_statements(ctx.frames, ctx.as_of).filter(keys)
    day = stated["statement_date"][0]
    rate = ctx.rate(ctx.row["holding_id"], ctx.currency.get(ctx.row["fund_id"], ""))
    nav = ln.converted_once(stated["nav"][0], rate, "term")[1]
    statement = ln.value_line(
        f"GP statement of {ctx.row['holding_id']} dated {day}, received "
        f"{stated['received_date'][0]} ({stated['source_file'][0]}:{stated['source_line'][0]})",
        stated["nav"][0],
        "shown" if nav.height else "term",
    )
    later = mine.filter(pl.col("date") > day)
    return ln.concat([statement, nav, ln.txn_lines(later, ROLL_FORWARD)])


def _gp_cost(ctx: Ctx, figure: str) -> pl.DataFrame:
    """A cost the GP statement the holding is valued from reports (`gp_statements.gp_cost`):
    the statement's column (none when it leaves it empty), converted once into the holder's
    currency at the as-of rates; none unless the holding is valued from a GP statement."""
    by = ctx.figure("valued_by", "shown")
    if ctx.row["valued_by"] != "gp_statement":
        inputs = {"valued_by": ctx.row["valued_by"], f"_{figure}": None}
        rule = ln.rule_line(
            "none unless valued from a GP statement",
            gp_cost(figure),
            inputs,
            "fundbook.metrics.gp_statements.gp_cost",
        )
        return ln.concat([by, rule])
    column = next(c for c, f in GP_COSTS.items() if f == figure)
    keys = (pl.col("fund_id") == ctx.row["fund_id"]) & (
        pl.col("holding_id") == ctx.row["holding_id"]
    )
    stated = latest_statements(ctx.frames, ctx.as_of).filter(keys).row(0, named=True)
    holder = ctx.currency.get(ctx.row["fund_id"], "")
    rate = (ctx.fx.get(stated["currency"]), ctx.fx.get(holder))
    converted = ln.converted_once(stated[column], rate, "term")[1]
    statement = ln.value_line(
        f"{column} of the GP statement of {ctx.row['holding_id']} dated "
        f"{stated['statement_date']} ({stated['source_file']}:{stated['source_line']})",
        stated[column],
        "shown" if converted.height else "term",
    )
    return ln.concat([by, statement, converted])


def _valued_by(ctx: Ctx) -> tuple[str | None, pl.DataFrame]:
    """How the holding is valued, by the metrics' rule (`state.VALUED_BY`) on what the book
    holds: the holder's LP accounts in the held fund (a fund of the book), its latest mark."""
    lps = ctx.frames.investors.filter(pl.col("fund_id") == ctx.row["fund_id"])["investor_id"]
    accounts = ctx.level_rows("investor").filter(
        (pl.col("fund_id") == ctx.row["holding_id"]) & pl.col("investor_id").is_in(lps.implode())
    )
    account = ln.frame_lines(
        accounts,
        "shown",
        item=pl.format("capital account of LP {} in {}", "investor_id", "fund_id"),
        text=pl.col("investor_id"),
    )
    mark = _mark(ctx, "shown")
    write_off = ctx.own_txns().filter(pl.col("type") == "write_off")
    inputs = {
        "_written_off": write_off.height > 0,
        "_sub_value": 1 if accounts.height else None,
        "marked_value": mark["amount"][0] if mark.height else None,
        **_gp_inputs(ctx),
    }
    rule = ln.rule_line(
        "valued by: nothing once written off, else a GP statement when the terms say so, else "
        "a capital account, else a GP statement, else the latest mark, else cost",
        VALUED_BY,
        inputs,
        "fundbook.metrics.state.VALUED_BY",
    )
    written = ln.txn_lines(write_off, {"write_off": 1}, role="shown")
    return rule["text"][0], ln.concat([written, account, mark, rule])


def _gp_inputs(ctx: Ctx) -> dict[str, object]:
    """What the valuation rule reads of the GP statements: a value known, its terms' source."""
    gp = _gp(ctx)
    return {
        "_gp_value": 1 if gp.height else None,
        "_gp_only": bool(gp["_gp_only"][0]) if gp.height else False,
    }


def _capital_account_value(ctx: Ctx) -> pl.DataFrame:
    """A fund of the book held through its LP investor: the LP's capital account in the held
    fund as its statement gives it (the investor level's `nav`), converted into the holder's
    currency and rounded half-even once (issue 11, R6)."""
    holder, held = ctx.row["fund_id"], ctx.row["holding_id"]
    to = ctx.currency.get(holder, "")
    rate = ctx.rate(held, to)
    lps = ctx.frames.investors.filter(pl.col("fund_id") == holder)["investor_id"].to_list()
    accounts = ctx.level_rows("investor").filter(
        (pl.col("fund_id") == held) & pl.col("investor_id").is_in(lps)
    )
    rates = {"rate_from": rate[0] or 1, "rate_to": rate[1] or 1}
    parts, derived = [], Decimal(0)
    for lp in accounts.iter_rows(named=True):
        label = f"capital account of {lp['investor_id']} in {held}, in {to}"
        value = ln.money_of(_CONVERTED, {"nav": lp["nav"]}, rates) or Decimal(0)
        source = f"{ctx.stored.where}: investor.nav x rate({held}) / rate({holder})"
        parts.append(ln.value_line(label, value, source=source))
        derived += value
    if rate[0] is not None and rate[1] is not None and rate[0] != rate[1]:
        for c, r in ((ctx.currency.get(held), rate[0]), (to, rate[1])):
            parts.append(ln.value_line(f"fx rate of {c} (HKD per unit)", float(r), "shown"))
    lines = ln.concat(parts)
    how = "the capital account x rate(held) / rate(holder), rounded half-even once"
    return ln.concat([lines, ln.rounding_line(lines, derived, how=how)])


# The rule metrics values a capital account in a fund of the book by (state._sub_fund_values):
# the account as stated (cents), converted, rounded once.
_CONVERTED = convert(pl.col("nav"), pl.col("rate_from"), pl.col("rate_to"))

"""Explain the FX translation of a holding: its calls and distributions at the closing rate."""

from __future__ import annotations

from decimal import Decimal

import polars as pl

from fundbook.metrics import lineage as ln
from fundbook.metrics.explain_book import Ctx
from fundbook.metrics.money import divide_half_even, from_cents
from fundbook.metrics.positions import fx_at
from fundbook.metrics.state import FX_TRANSLATION
from fundbook.metrics.translation import TRANSLATED, translated, translation_terms

_RULE = "fundbook.metrics.translation.fx_translation"


def fx_translation_lines(ctx: Ctx, valued_by: str | None) -> pl.DataFrame:
    """A holding's `fx_translation`: one line per investment (+) and proceeds (−) row a × q(D)
    / q(d) (q = rate of the held fund's currency / rate of the holder's, HKD per unit, at
    the as-of date D and at the row's date d), each rounded to the cent, the rounding of
    their exact sum (rounded once), less Σ a as booked. Only a holding valued from a capital
    account in another currency is translated (`state.FX_TRANSLATION`)."""
    fund, holding = ctx.row["fund_id"], ctx.row["holding_id"]
    terms = translation_terms(ctx.frames, ctx.as_of, fx_at(ctx.frames, ctx.as_of)).filter(
        (pl.col("fund_id") == fund) & (pl.col("holding_id") == holding)
    )
    applies = pl.DataFrame({"valued_by": [valued_by], "fx_translation": [1]}).select(FX_TRANSLATION)
    if terms.height == 0 or applies.item() == 0:
        why = f"not translated: valued by {valued_by}, in its holder's currency or no rows"
        return ln.value_line(why, None, "shown", source="fundbook.metrics.state.FX_TRANSLATION")
    rows = ln.frame_lines(
        terms.sort("date", "source_file", "source_line"),
        "term",
        date=pl.col("date"),
        kind=pl.lit("row"),
        item=pl.format(
            "{} {} ({}) {} {} x q({}) / q({}); q = {} / {}: {}/{} at the as-of date, {}/{} then",
            "type",
            "holding_id",
            "txn_id",
            from_cents(pl.col("amount")),
            "holder_ccy",
            pl.lit(str(ctx.as_of)),
            "date",
            "held_ccy",
            "holder_ccy",
            "held_now",
            "holder_now",
            "held_then",
            "holder_then",
        ),
        source=pl.format("{}:{}", "source_file", "source_line"),
        amount=from_cents(divide_half_even(pl.col("num"), pl.col("den"))),
    )
    exact = translated(terms).select(from_cents(pl.col("translated")))["translated"]
    derived = exact[0] if exact.len() else Decimal(0)
    how = "the net investment at the closing rate, the exact sum rounded half-even once"
    booked = {t: -s for t, s in TRANSLATED.items()}  # less the net investment as booked
    mine = ctx.own_txns()
    return ln.concat(
        [
            rows,
            ln.rounding_line(rows, derived, how=how),
            ln.txn_lines(mine, booked),
            ln.value_line(f"rule: {_RULE}", None, "shown", source=_RULE),
        ]
    )

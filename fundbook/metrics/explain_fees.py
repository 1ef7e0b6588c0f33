"""Explain the fee check of a fund and quarter (`fee_check`): computed, booked, difference."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl

from fundbook.core.dtypes import RATE
from fundbook.core.types import REPORTING_CURRENCY
from fundbook.metrics import fees
from fundbook.metrics import lineage as ln
from fundbook.metrics.explain_book import Ctx
from fundbook.metrics.fee_book import HKD_FIGURES, WITHIN_TOLERANCE, fee_check
from fundbook.metrics.money import MONEY, cents, convert, from_cents

_PRODUCER = "fundbook.metrics.fee_book.fee_check"
# A partner's computed net fee, as `fees.fee_schedule` makes it: gross less discount and offset.
_NET = (("fee_gross", 1), ("fee_discount", -1), ("fee_offset", -1))


def quarter_span(quarter: str) -> tuple[date, date]:
    """`2026Q3` -> its first and last day."""
    year, n = int(quarter[:4]), int(quarter[-1])
    first = date(year, 3 * n - 2, 1)
    after = date(year + 1, 1, 1) if n == 4 else date(year, 3 * n + 1, 1)
    return first, after - timedelta(days=1)


def fee_check_lines(ctx: Ctx, figure: str) -> pl.DataFrame:
    """`fee_net`: each partner's computed fee (gross, less discount and offset); `booked`: the
    quarter's `fee` rows; `difference`: booked less computed; `fee_tolerance`: the fund's
    terms (or the default); `within_tolerance`: the rule on the difference and tolerance."""
    if figure == "fee_net":
        return _computed_lines(ctx)
    if figure == "booked":
        first, last = quarter_span(ctx.row["quarter"])
        rows = ctx.txns.filter(pl.col("date").is_between(first, last))
        return ln.txn_lines(rows, {"fee": 1})
    if figure == "difference":
        return ln.concat([ctx.figure("booked"), ctx.figure("fee_net", sign=-1)])
    if figure == "fee_tolerance":
        return _tolerance_line(ctx)
    if figure.removesuffix("_hkd") in HKD_FIGURES:
        return _hkd_line(ctx, figure.removesuffix("_hkd"))
    shown = [ctx.figure(f, "shown") for f in ("difference", "fee_tolerance")]
    inputs = {f: ctx.row[f] for f in ("difference", "fee_tolerance")}
    rule = ln.rule_line("|difference| <= fee_tolerance", WITHIN_TOLERANCE, inputs, _PRODUCER)
    return ln.concat([*shown, rule])


def _hkd_line(ctx: Ctx, base: str) -> pl.DataFrame:
    """A figure of the row in HKD: the row's `base` (stored) at the as-of rate, half-even."""
    rate_from, _ = ctx.rate(ctx.row["fund_id"], REPORTING_CURRENCY)
    row = pl.DataFrame({base: [ctx.row[base]]}, schema={base: MONEY})
    amount = from_cents(convert(cents(pl.col(base)), pl.lit(rate_from).cast(RATE), pl.lit(1)))
    item = f"{base} of the row in HKD at the as-of rate ({rate_from} HKD per unit)"
    return ln.frame_lines(row, "term", item=pl.lit(item), source=pl.lit(_PRODUCER), amount=amount)


def _computed_lines(ctx: Ctx) -> pl.DataFrame:
    """Each fee-paying partner's gross fee, discount and offset of the quarter (computed from
    the terms)."""
    partners, _ = fee_check(ctx.frames, ctx.as_of)
    mine = partners.filter(
        (pl.col("fund_id") == ctx.row["fund_id"])
        & (pl.col("quarter") == ctx.row["quarter"])
        & pl.col("pays_fee")  # the GP's commitment: zeros
    )
    parts = [
        ln.frame_lines(
            mine,
            "term",
            item=pl.format(f"{column} of partner {{}}", "investor_id"),
            source=pl.lit(f"{_PRODUCER} (fees.fee_schedule, from the terms)"),
            amount=pl.col(column) * sign,
        ).with_columns(pl.int_range(pl.len()).alias("_row"), pl.lit(k).alias("_part"))
        for k, (column, sign) in enumerate(_NET)
    ]
    return pl.concat(parts).sort("_row", "_part").drop("_row", "_part")


def _tolerance_line(ctx: Ctx) -> pl.DataFrame:
    """The fund's fee_tolerance as terms.csv books it, or the default when it is empty."""
    fund = ctx.row["fund_id"]
    booked = ctx.frames.terms.filter(pl.col("fund_id") == fund)["fee_tolerance"]
    value = fees.fee_tolerance(ctx.frames.terms).filter(pl.col("fund_id") == fund)
    given = booked.len() == 1 and booked[0] is not None
    item = "fee_tolerance of the fund's terms" if given else "fee_tolerance left empty: default"
    source = (
        f"terms row fund_id={fund} (the book's reference data)"
        if given
        else "fundbook.metrics.fees.DEFAULT_FEE_TOLERANCE"
    )
    amount = value["fee_tolerance"][0] if value.height == 1 else None
    return ln.value_line(item, amount, "term", source=source)

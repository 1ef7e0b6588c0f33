"""Equalisation of a later closing: catch-ups, recallable distributions, interest (DOMAIN.md)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import polars as pl

from fundbook.core.errors import FundbookError
from fundbook.core.types import EQUALISATION_MEMO, EQUALISATION_TYPES
from fundbook.metrics.money import CENTS, allocate, cents, divide_half_even, from_cents
from fundbook.metrics.protocol import BookFrames

# How each row moves a partner's paid-in (what it has put in for the calls).
_PAID_IN = {"contribution": 1, "equalisation_contribution": 1, "equalisation_distribution": -1}
_RATE_UNITS = 10**8  # terms rates have 8 decimals


def subsequent_closings(frames: BookFrames) -> pl.DataFrame:
    """Per (fund_id, closing, investor_id): a partner admitted (or increasing its commitment)
    at a later closing, i.e. a commitment row dated after the fund's first closing (its
    earliest commitment date)."""
    rows = frames.commitments.with_columns(pl.col("date").min().over("fund_id").alias("_first"))
    return (
        rows.filter(pl.col("date") > pl.col("_first"))
        .select("fund_id", pl.col("date").alias("closing"), "investor_id")
        .unique()
        .sort("fund_id", "closing", "investor_id")
    )


def equalisation_rate(frames: BookFrames, fund_id: str) -> Decimal | None:
    """The fund's equalisation rate (terms.csv), None when its terms leave it empty."""
    rate = frames.terms.filter(pl.col("fund_id") == fund_id).get_column("equalisation_rate")
    return rate.item(0) if rate.len() else None


def equalisation_rows(frames: BookFrames, fund_id: str, closing: date) -> pl.DataFrame:
    """The ledger rows equalising the partners of `fund_id` admitted at `closing` (strings, in
    the columns of transactions.csv): catch-up contributions and equalisation interest from
    the admitted partners, recallable equalisation distributions and the interest to the
    partners that paid more than their share at the new ratios.

    For every call before the closing (its contribution rows, grouped by date, with earlier
    equalisation rows) a partner's due share is the call x its commitment / all commitments
    at the closing. An admitted partner's catch-up is its due shares less what it paid, its
    interest that difference per call x rate x days(call -> closing) / 365, each rounded
    half-even once. The catch-ups go back to the partners that paid more, pro rata to the
    excess, and the interest pro rata to those distributions, by largest remainder: catch-ups
    = distributions and interest in = interest out, exactly."""
    admitted = _admitted(frames, fund_id, closing)
    weights = _weights(frames, fund_id, closing)
    total = int(weights.get_column("weight").sum())
    owed = _owed(frames, fund_id, closing, weights, total)
    rate = equalisation_rate(frames, fund_id)
    payers = owed.filter(pl.col("investor_id").is_in(admitted) & (pl.col("_owed") > 0))
    catch_up = payers.select("investor_id", pl.col("_owed").alias("amount"))
    interest = payers.select(
        "investor_id",
        pl.Series("amount", [_interest(d, total, rate) for d in payers["_day_num"]], CENTS),
    )
    receivers = owed.filter(~pl.col("investor_id").is_in(payers["investor_id"].implode()))
    receivers = receivers.filter(pl.col("_owed") < 0).with_columns(
        (pl.lit(0, CENTS) - pl.col("_owed")).alias("_excess")
    )
    back = _split(receivers, int(catch_up["amount"].sum()), "_excess")
    passed = _split(back.rename({"amount": "_back"}), int(interest["amount"].sum()), "_back")
    parts = zip(EQUALISATION_TYPES, (catch_up, back, interest, passed), strict=True)
    rows = [part.with_columns(pl.lit(kind).alias("type")) for kind, part in parts]
    return _ledger_rows(frames, fund_id, closing, pl.concat(rows, how="vertical"), rate)


def _admitted(frames: BookFrames, fund_id: str, closing: date) -> list[str]:
    later = subsequent_closings(frames).filter(
        (pl.col("fund_id") == fund_id) & (pl.col("closing") == closing)
    )
    if later.height == 0:
        raise FundbookError(
            f"fund {fund_id} has no later closing on {closing}: a later closing is a "
            "commitment row dated after the fund's first closing (its earliest commitment)"
        )
    booked = frames.transactions.filter(
        (pl.col("fund_id") == fund_id)
        & (pl.col("date") == closing)
        & pl.col("type").is_in(EQUALISATION_TYPES)
    )
    if booked.height:
        raise FundbookError(
            f"fund {fund_id}'s closing of {closing} already has equalisation rows "
            f"({booked['txn_id'][0]}, ...): nothing to add"
        )
    return later.get_column("investor_id").to_list()


def _weights(frames: BookFrames, fund_id: str, closing: date) -> pl.DataFrame:
    """Per partner: its commitment at the closing in cents (`weight`), the new ratios."""
    return (
        frames.commitments.filter((pl.col("fund_id") == fund_id) & (pl.col("date") <= closing))
        .group_by("investor_id")
        .agg(cents(pl.col("amount_fund")).sum().alias("weight"))
        .sort("investor_id")
    )


def _owed(
    frames: BookFrames, fund_id: str, closing: date, weights: pl.DataFrame, total: int
) -> pl.DataFrame:
    """Per partner: what it owes for the calls before the closing at the new ratios, in cents
    rounded half-even (`_owed`: due less paid, negative when it paid more), and its exact
    difference per call x days to the closing, summed (`_day_num`, over the total weight)."""
    sign = pl.col("type").replace_strict(_PAID_IN, default=0, return_dtype=pl.Int8).cast(CENTS)
    paid = (
        frames.transactions.filter(
            (pl.col("fund_id") == fund_id)
            & (pl.col("date") < closing)
            & pl.col("type").is_in(list(_PAID_IN))
        )
        .group_by("investor_id", "date")
        .agg((cents(pl.col("amount_fund")) * sign).sum().alias("_paid"))
    )
    calls = paid.group_by("date").agg(pl.col("_paid").sum().alias("_call"))
    grid = weights.join(calls, how="cross").join(paid, on=["investor_id", "date"], how="left")
    # due - paid of each call, times the total weight: exact integers
    num = pl.col("_call") * pl.col("weight") - pl.col("_paid").fill_null(0) * total
    days = (pl.lit(closing) - pl.col("date")).dt.total_days().cast(CENTS)
    owed = grid.group_by("investor_id").agg(
        num.sum().alias("_num"), (num * days).sum().alias("_day_num")
    )
    owed = weights.join(owed, on="investor_id", how="left").with_columns(
        pl.col("_num", "_day_num").fill_null(0)
    )
    den = pl.lit(max(total, 1), CENTS)
    return owed.with_columns(divide_half_even(pl.col("_num"), den).alias("_owed")).sort(
        "investor_id"
    )


def _interest(day_num: int, total: int, rate: Decimal | None) -> int:
    """day_num x rate / (total x 365), in cents rounded half-even (exact Python integers: the
    product can pass Int128)."""
    if not rate or not total:
        return 0
    num = day_num * int(rate * _RATE_UNITS)
    den = total * 365 * _RATE_UNITS
    quotient, rest = divmod(num, den)
    up = 2 * rest > den or (2 * rest == den and quotient % 2 == 1)
    return max(quotient + up, 0)


def _split(receivers: pl.DataFrame, amount: int, weight: str) -> pl.DataFrame:
    """`amount` cents split among the receivers by `weight`, largest remainder (`amount`)."""
    out = receivers.select("investor_id", weight).with_columns(
        pl.lit(amount, CENTS).alias("_total"), pl.lit(1).alias("_g")
    )
    out = allocate(out, "_total", weight, "_g", "investor_id", "amount")
    return out.select("investor_id", "amount")


def _ledger_rows(
    frames: BookFrames, fund_id: str, closing: date, parts: pl.DataFrame, rate: Decimal | None
) -> pl.DataFrame:
    """The rows as transactions.csv holds them: numbered `<fund>-eq-<closing>-<n>`."""
    currency = frames.funds.filter(pl.col("fund_id") == fund_id).get_column("currency").item(0)
    shown = f"{rate.normalize():f}" if rate else "0"
    memo = {
        t: f"equalisation of the {closing} closing: {m.format(rate=shown)}"
        for t, m in EQUALISATION_MEMO.items()
    }
    rows = parts.filter(pl.col("amount") > 0).with_row_index("_n", offset=1)
    return rows.select(
        pl.format(f"{fund_id}-eq-{closing}-{{}}", pl.col("_n")).alias("txn_id"),
        pl.lit(closing.isoformat()).alias("date"),
        pl.lit(fund_id).alias("fund_id"),
        "type",
        "investor_id",
        pl.lit(None, pl.String).alias("holding_id"),
        from_cents(pl.col("amount")).cast(pl.String).alias("amount"),
        pl.lit(currency).alias("currency"),
        pl.col("type").replace_strict(memo, return_dtype=pl.String).alias("memo"),
    )

"""Capital call and distribution notices: each partner's share of a call, split by purpose."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import polars as pl

from fundbook.core.errors import FundbookError, NotFound
from fundbook.metrics.money import CENTS, as_money, cents, ratio
from fundbook.metrics.protocol import BookFrames
from fundbook.metrics.statement import capital_account_statement

PURPOSES = ("for_investments", "for_fees", "for_expenses", "for_other")
RECALLABLE_TYPES = ("equalisation_distribution",)
# One row per (call, partner), in this order (money Decimal(38,2) in the fund's currency).
NOTICE_COLUMNS = (
    "call_id",
    "fund_id",
    "kind",
    "notice_number",
    "notice_date",
    "due_date",
    "paid_date",
    "currency",
    "memo",
    "call_total",
    *(f"call_{p}" for p in PURPOSES),
    "investor_id",
    "amount",
    "share_of_call",
    *PURPOSES,
    "recallable",
    "commitment",
    "contributions_before",
    "contributions_after",
    "unfunded_before",
    "unfunded_after",
    "wire_reference",
)


def split_pro_rata(amounts: Sequence[int], parts: Sequence[int]) -> list[list[int]]:
    """Split `parts` (cents, summing to the amounts' total) among `amounts`, so that row i sums
    to amounts[i] and column k to parts[k] exactly, every cell zero or more.

    Partner by partner, in the order given: its amount is split over what is left of each
    part in proportion to it, by largest remainder (ties to the earlier part). What it takes
    never exceeds what is left, and the last partner takes exactly what is left. A loop, not
    a vectorised expression: each partner's split depends on what those before it took.
    """
    left, rest = list(parts), sum(parts)
    if sum(amounts) != rest:
        raise FundbookError(f"split_pro_rata: amounts {sum(amounts)} differ from parts {rest}")
    out = []
    for amount in amounts:
        exact = [(amount * p, i) for i, p in enumerate(left)]
        row = [num // rest if rest else 0 for num, _ in exact]
        short = amount - sum(row)
        order = sorted(exact, key=lambda e: (-(e[0] - row[e[1]] * rest), e[1]))
        for _, i in order[:short]:
            row[i] += 1
        out.append(row)
        left = [p - r for p, r in zip(left, row, strict=True)]
        rest -= amount
    return out


def _call_rows(frames: BookFrames, call_ids: Sequence[str]) -> pl.DataFrame:
    """The calls asked for, with their number among the fund's calls of their kind."""
    numbered = frames.calls.sort("notice_date", "call_id").with_columns(
        pl.int_range(1, pl.len() + 1).over("fund_id", "kind").alias("notice_number")
    )
    found = numbered.filter(pl.col("call_id").is_in(list(call_ids)))
    missing = sorted(set(call_ids) - set(found["call_id"]))
    if missing:
        raise NotFound(f"no call {', '.join(missing)} in the book (calls.csv) by {frames.as_of}")
    return found


def _partner_rows(frames: BookFrames, calls: pl.DataFrame) -> pl.DataFrame:
    """Per (call, partner): its rows' amount, the recallable part, the date of its last row."""
    rows = frames.transactions.filter(pl.col("call_id").is_in(calls["call_id"].implode()))
    recallable = pl.col("type").is_in(list(RECALLABLE_TYPES))
    by_partner = rows.group_by("call_id", "investor_id").agg(
        cents(pl.col("amount_fund")).sum().alias("amount"),
        cents(pl.col("amount_fund")).filter(recallable).sum().cast(CENTS).alias("recallable"),
        pl.col("date").max().alias("paid_date"),
    )
    empty = sorted(set(calls["call_id"]) - set(by_partner["call_id"]))
    if empty:
        raise FundbookError(
            f"call {', '.join(empty)} has no rows yet (outstanding): each partner's share comes "
            "from its rows in transactions.csv (call_id), so its notices need them booked"
        )
    return by_partner


def _with_split(calls: pl.DataFrame, partners: pl.DataFrame) -> pl.DataFrame:
    """Each partner's purpose split of its amount (`split_pro_rata`, partners by id)."""
    out = []
    for call in calls.iter_rows(named=True):
        mine = partners.filter(pl.col("call_id") == call["call_id"]).sort("investor_id")
        parts = [int(call[p] * 100) for p in PURPOSES]
        split = split_pro_rata(mine["amount"].to_list(), parts)
        out.append(
            mine.with_columns(
                pl.Series(p, [r[k] for r in split], CENTS) for k, p in enumerate(PURPOSES)
            )
        )
    return pl.concat(out) if out else partners


def _accounts_after(frames: BookFrames, paid: pl.DataFrame) -> pl.DataFrame:
    """The capital account statement's ITD lines at the end of each call's last paid date
    (`capital_account_statement`): commitment, contributions and ending unfunded."""
    inception = min(
        d
        for d in (
            frames.commitments["date"].min(),
            frames.transactions["date"].min(),
        )
        if isinstance(d, date)
    )
    parts = []
    for at in sorted(set(paid["paid_date"])):
        statement = capital_account_statement(frames, inception, at).filter(
            pl.col("investor_id").is_not_null()
        )
        parts.append(
            statement.select(
                pl.lit(at).alias("paid_date"),
                "fund_id",
                "investor_id",
                "currency",
                cents(pl.col("commitment")).alias("commitment"),
                cents(pl.col("contributions")).alias("contributions_after"),
                cents(pl.col("ending_unfunded")).alias("unfunded_after"),
            )
        )
    return pl.concat(parts)


def call_notices(frames: BookFrames, call_ids: Sequence[str]) -> pl.DataFrame:
    """One row per partner of each call (NOTICE_COLUMNS), from the rows carrying its call_id.

    The partner's amount is the sum of its rows; its purpose split is the call's split pro
    rata to it (`split_pro_rata`). Commitment, contributions and unfunded commitment come from
    the capital account statement (inception to the date of the call's last row, so as the
    statement counts them: equalisation catch-ups as contributions, equalisation distributions
    recallable); "before" is that less this call: a capital call's amount, a distribution's
    recallable part.
    """
    calls = _call_rows(frames, call_ids)
    partners = _partner_rows(frames, calls)
    last = partners.group_by("call_id").agg(pl.col("paid_date").max())
    partners = _with_split(calls, partners.drop("paid_date").join(last, on="call_id"))
    accounts = _accounts_after(frames, partners.select("paid_date").unique())
    is_call = pl.col("kind") == "capital_call"
    own = calls.select(
        "call_id",
        "fund_id",
        "kind",
        "notice_number",
        "notice_date",
        "due_date",
        "memo",
        *(cents(pl.col(p)).alias(f"call_{p}") for p in PURPOSES),
        pl.sum_horizontal(cents(pl.col(p)) for p in PURPOSES).alias("call_total"),
    )
    out = partners.join(own, on="call_id", how="left").join(
        accounts, on=["paid_date", "fund_id", "investor_id"], how="left"
    )
    out = out.with_columns(
        pl.when(is_call)
        .then(pl.col("contributions_after") - pl.col("amount"))
        .otherwise(pl.col("contributions_after"))
        .alias("contributions_before"),
        pl.when(is_call)
        .then(pl.col("unfunded_after") + pl.col("amount"))
        .otherwise(pl.col("unfunded_after") - pl.col("recallable"))
        .alias("unfunded_before"),
        pl.format("{}/{}", "call_id", "investor_id").alias("wire_reference"),
        ratio(pl.col("amount"), pl.col("call_total")).alias("share_of_call"),
    )
    order = {c: i for i, c in enumerate(call_ids)}
    out = out.with_columns(
        pl.col("call_id").replace_strict(order, return_dtype=pl.Int64).alias("_order")
    )
    return as_money(out.sort("_order", "investor_id").select(NOTICE_COLUMNS))


def calls_noticed(frames: BookFrames, fund_id: str, start: date, end: date) -> list[str]:
    """The fund's calls noticed from `start` to `end` (inclusive), by notice date."""
    found = frames.calls.filter(
        (pl.col("fund_id") == fund_id) & pl.col("notice_date").is_between(start, end)
    ).sort("notice_date", "call_id")
    return found["call_id"].to_list()

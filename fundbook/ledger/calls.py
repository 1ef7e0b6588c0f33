"""Checks of calls.csv against the rows that carry a call_id: fund, kind, dates and sums."""

from __future__ import annotations

import polars as pl

from fundbook.core.errors import LedgerError
from fundbook.core.types import CALL_ROW_TYPES
from fundbook.ledger.csvfile import LINE
from fundbook.ledger.spec import CALL_PURPOSES, MONEY

Frames = dict[str, pl.DataFrame]
# Transaction type -> the kind of call its rows belong to.
KIND_OF_TYPE = {t: kind for kind, types in CALL_ROW_TYPES.items() for t in types}


def _errors(frame: pl.DataFrame, condition: pl.Expr, message: pl.Expr) -> list[LedgerError]:
    hits = frame.filter(condition).select("source_file", LINE, message.alias("m"))
    return [LedgerError(f, line, m) for f, line, m in hits.iter_rows()]


def call_total() -> pl.Expr:
    """A call's total: its purpose amounts summed (null when one is: already reported)."""
    total = pl.sum_horizontal(pl.col(c) for c in CALL_PURPOSES).cast(MONEY)
    return pl.when(pl.all_horizontal(pl.col(c).is_not_null() for c in CALL_PURPOSES)).then(total)


def call_errors(b: Frames) -> list[LedgerError]:
    """calls.csv against transactions.csv: a call's total is positive; a row's call_id names a
    call of its fund, of the kind its type belongs to, noticed on or before the row's date;
    the rows of a call add up exactly to its total (in the fund's currency); a call without
    rows yet is outstanding only while it falls due after the fund's last booked row."""
    calls = b["calls"].with_columns(call_total().alias("_total"))
    errs = _errors(
        calls,
        pl.col("_total") == 0,
        pl.format(
            "call '{}' has a total of 0.00 ({} must add up to more than zero)",
            "call_id",
            pl.lit(" + ".join(CALL_PURPOSES)),
        ),
    )
    rows = b["transactions"].filter(pl.col("call_id").is_not_null())
    errs += _row_errors(rows, calls)
    errs += _sum_errors(rows, calls, b["transactions"])
    return errs


def _row_errors(rows: pl.DataFrame, calls: pl.DataFrame) -> list[LedgerError]:
    """Each row carrying a call_id against the call it names."""
    known = calls.select(
        "call_id",
        pl.col("fund_id").alias("_call_fund"),
        pl.col("kind").alias("_kind"),
        "notice_date",
    )
    joined = rows.join(known, on="call_id", how="left", maintain_order="left")
    missing = pl.col("_call_fund").is_null()
    errs = _errors(joined, missing, pl.format("unknown call_id '{}' (not in calls.csv)", "call_id"))
    errs += _errors(
        joined,
        ~missing & (pl.col("_call_fund") != pl.col("fund_id")),
        pl.format(
            "call_id '{}' is a call of fund '{}', not of this row's fund '{}'",
            "call_id",
            "_call_fund",
            "fund_id",
        ),
    )
    own_kind = pl.col("type").replace_strict(KIND_OF_TYPE, default=None)
    errs += _errors(
        joined,
        own_kind.is_null(),
        pl.format(
            "a {} row belongs to no call (call_id '{}'): only {} rows do",
            "type",
            "call_id",
            pl.lit(", ".join(KIND_OF_TYPE)),
        ),
    )
    errs += _errors(
        joined,
        ~missing & own_kind.is_not_null() & (own_kind != pl.col("_kind")),
        pl.format("a {} row cannot belong to call '{}' of kind {}", "type", "call_id", "_kind"),
    )
    errs += _errors(
        joined,
        ~missing & (pl.col("date") < pl.col("notice_date")),
        pl.format(
            "dated {}, before call '{}' was noticed ({}): a call is paid on or after its notice",
            "date",
            "call_id",
            "notice_date",
        ),
    )
    return errs


def _sum_errors(
    rows: pl.DataFrame, calls: pl.DataFrame, transactions: pl.DataFrame
) -> list[LedgerError]:
    """At the call's line: its rows do not add up to it, or it has none and is overdue."""
    sums = rows.group_by("call_id").agg(
        pl.col("amount_fund").sum().cast(MONEY).alias("_rows"),
        pl.len().alias("_count"),
        pl.col("amount_fund").is_null().any().alias("_unconverted"),
    )
    last = transactions.group_by("fund_id").agg(pl.col("date").max().alias("_last"))
    joined = calls.join(sums, on="call_id", how="left", maintain_order="left").join(
        last, on="fund_id", how="left", maintain_order="left"
    )
    has_rows = pl.col("_count").is_not_null()
    off = has_rows & ~pl.col("_unconverted") & (pl.col("_rows") != pl.col("_total"))
    errs = _errors(
        joined,
        off & (pl.col("_total") > 0),
        pl.format(
            "call '{}': its {} row(s) in transactions.csv add up to {}, the call's total is {} "
            "(difference {})",
            "call_id",
            "_count",
            "_rows",
            "_total",
            (pl.col("_rows") - pl.col("_total")).cast(MONEY),
        ),
    )
    errs += _errors(
        joined,
        ~has_rows & (pl.col("due_date") <= pl.col("_last")),
        pl.format(
            "call '{}' fell due on {} but no row of transactions.csv carries it (fund '{}' is "
            "booked to {}): book its rows with call_id '{}', or remove the call",
            "call_id",
            "due_date",
            "fund_id",
            "_last",
            "call_id",
        ),
    )
    return errs

"""The ILPA capital account statement for a period, per investor and for the whole fund."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl

from fundbook.core.errors import FundbookError
from fundbook.metrics.allocation import OWN_LINES, PNL_LINES
from fundbook.metrics.money import CENTS, allocate_lines, as_money, zero
from fundbook.metrics.positions import FLOW_COLUMNS, BookState
from fundbook.metrics.protocol import BookFrames
from fundbook.metrics.state import book_state
from fundbook.metrics.statement_fees import with_fee_lines

STATEMENT_LINES = (
    "beginning_nav",
    "contributions",
    "distributions",
    "management_fees",
    "fee_offsets",
    "partnership_expenses",
    "income",
    "other_income_expense",
    "realised_gain",
    "unrealised_gain_change",
    "fx_translation",
    "ending_nav",
    "carry_paid",
    "carry_accrued_change",
    "carry_accrued_balance",
    "commitment",
    "beginning_unfunded",
    "unfunded_contributions",
    "recallable_distributions",
    "ending_unfunded",
)
# Signed lines of the roll-forward: beginning NAV + these = ending NAV.
ROLL_FORWARD = (
    ("contributions", 1),
    ("distributions", -1),
    ("management_fees", -1),
    ("fee_offsets", 1),
    ("partnership_expenses", -1),
    ("income", 1),
    ("other_income_expense", 1),
    ("realised_gain", 1),
    ("unrealised_gain_change", 1),
    ("fx_translation", 1),
    ("carry_paid", -1),
    ("carry_accrued_change", -1),
)
# Lines of a fund with carry terms (carry_state): null in a fund without — not modelled,
# never a made-up 0.00; the roll-forward counts a null line as nothing.
CARRY_LINES = ("carry_paid", "carry_accrued_change", "carry_accrued_balance")

# Statement lines that are the fund's cumulative P&L lines (state.PNL_LINES) over the period.
_ALLOCATED = {
    "management_fees": "fees",
    "partnership_expenses": "expenses",
    "income": "income",
    "realised_gain": "realised_gain",
    "unrealised_gain_change": "unrealised_gain",
    "fx_translation": "fx_translation",
}
# Lines the book has no entries for (none left: fee offsets come from the fee schedule,
# statement_fees; carry from the waterfall, carry_state).
NOT_IN_BOOK: tuple[str, ...] = ()
# Lines that a fund without the terms to compute them leaves null ("not modelled" in the
# reports, never a made-up 0.00); the roll-forward counts a null as nothing (NAV has no part
# of it). fee_offsets: statement_fees (fee terms); the carry lines: carry terms.
NULL_WITHOUT_TERMS = ("fee_offsets", *CARRY_LINES)
_KEYS = ["fund_id", "investor_id"]


def capital_account_statement(frames: BookFrames, start: date, end: date) -> pl.DataFrame:
    """One row per (fund_id, investor_id) and a fund-total row (investor_id null) for the
    period start..end (inclusive), with the ILPA lines in order, in the fund's currency.

    beginning_nav + contributions - distributions - management_fees + fee_offsets
    - partnership_expenses + income + other_income_expense + realised_gain
    + unrealised_gain_change + fx_translation - carry_paid - carry_accrued_change =
    ending_nav, to the cent (the NAVs net of accrued carry; a line null for a fund without
    the terms behind it — fee_offsets, the carry lines — counted as nothing); investor rows
    sum to the fund row.
    """
    if start > end:
        raise FundbookError(f"the statement period starts ({start}) after it ends ({end})")
    before, after = book_state(frames, start - timedelta(days=1)), book_state(frames, end)
    fund = _fund_lines(frames, before, after)
    investors = _investor_lines(before, after)
    both = pl.concat([investors, fund.select(investors.columns)], how="vertical")
    both = with_fee_lines(both, frames, start, end)
    both = both.with_columns(
        (pl.col("commitment") - pl.col("_paid_before")).alias("beginning_unfunded"),
    ).with_columns(
        (
            pl.col("beginning_unfunded")
            - pl.col("unfunded_contributions")
            + pl.col("recallable_distributions")
        ).alias("ending_unfunded"),
        pl.lit(start).alias("period_start"),
        pl.lit(end).alias("period_end"),
    )
    currency = frames.funds.select("fund_id", "currency")
    out = both.join(currency, on="fund_id", how="left").sort(
        ["fund_id", pl.col("investor_id").is_null(), "investor_id"]
    )
    return as_money(out.select(*_KEYS, "currency", "period_start", "period_end", *STATEMENT_LINES))


def _period_flows(
    before: pl.DataFrame, after: pl.DataFrame, keys: list[str], columns: list[str]
) -> pl.DataFrame:
    """The flows of the period: the totals at its end less those before its start (the book
    states hold them), exactly the sums of the period's rows, without reading them again."""
    was = before.select(*keys, *(pl.col(c).alias(f"_was_{c}") for c in columns))
    return (
        after.select(*keys, *columns)
        .join(was, on=keys, how="left")
        .select(*keys, *(pl.col(c) - pl.col(f"_was_{c}").fill_null(zero()) for c in columns))
    )


def _fund_lines(frames: BookFrames, before: BookState, after: BookState) -> pl.DataFrame:
    """The fund-total row: the fund's own flows and changes in the period."""
    flows = _period_flows(before.funds, after.funds, ["fund_id"], list(FLOW_COLUMNS.values()))
    b = before.funds.select(
        "fund_id",
        pl.col("nav").alias("beginning_nav"),
        pl.col("accrued_carry").alias("_carry_b"),
        pl.col("realised_gain").alias("_realised_b"),
        pl.col("unrealised_gain").alias("_unrealised_b"),
        pl.col("fx_translation").alias("_fx_b"),
        _unfunded_paid(),
    )
    a = after.funds.select(
        "fund_id",
        pl.col("nav").alias("ending_nav"),
        "has_carry",
        pl.col("accrued_carry").alias("_carry_e"),
        pl.col("realised_gain").alias("_realised_e"),
        pl.col("unrealised_gain").alias("_unrealised_e"),
        pl.col("fx_translation").alias("_fx_e"),
    )
    commitment = after.accounts.group_by("fund_id").agg(
        pl.col("committed").sum().alias("commitment")
    )
    out = frames.funds.select("fund_id").join(a, on="fund_id", how="left")
    for extra in (b, flows, commitment):
        out = out.join(extra, on="fund_id", how="left")
    out = out.with_columns(pl.exclude("fund_id", "has_carry").fill_null(zero()))
    return out.with_columns(
        pl.lit(None, pl.String).alias("investor_id"),
        pl.col("contributions").alias("unfunded_contributions"),
        pl.col("recallable").alias("recallable_distributions"),
        (pl.col("_realised_e") - pl.col("_realised_b")).alias("realised_gain"),
        (pl.col("_unrealised_e") - pl.col("_unrealised_b")).alias("unrealised_gain"),
        (pl.col("_fx_e") - pl.col("_fx_b")).alias("fx_translation"),
        *(pl.lit(0, CENTS).alias(c) for c in NOT_IN_BOOK),
        *_carry_lines(),
    ).with_columns(
        *(pl.col(src).alias(line) for line, src in _ALLOCATED.items()),
        # the fund's only other expense: the grants paid in the period
        (zero() - pl.col("grants")).alias("other_income_expense"),
    )


def _investor_lines(before: BookState, after: BookState) -> pl.DataFrame:
    """Investor rows: own contributions and distributions; each P&L line is the investor's
    allocated cumulative line at the end less the beginning cumulative line allocated at the
    end partnership percentages, so a change of percentages shows in other_income_expense
    only (as does the investor's share of grants: `_other_income_expense`)."""
    own = _period_flows(
        before.accounts,
        after.accounts,
        _KEYS,
        ["contributions", "distributions", "recallable", "carry_paid"],
    ).filter(pl.col("investor_id").is_not_null())
    b = before.accounts.select(
        *_KEYS,
        pl.col("nav").alias("beginning_nav"),
        pl.col("accrued_carry").alias("_carry_b"),
        _unfunded_paid(),
        pl.col("pnl_share").alias("_share_before"),
        *(pl.col(f"own_{line}").alias(f"_own_before_{line}") for line in OWN_LINES.values()),
    )
    a = after.accounts.select(
        *_KEYS,
        pl.col("nav").alias("ending_nav"),
        "has_carry",
        pl.col("accrued_carry").alias("_carry_e"),
        "weight",
        pl.col("committed").alias("commitment"),
        *(pl.col(f"alloc_{src}").alias(f"_end_{line}") for line, src in _ALLOCATED.items()),
        pl.col("alloc_grants").alias("_end_grants"),
    )
    rows = a.join(b, on=_KEYS, how="full", coalesce=True).join(own, on=_KEYS, how="left")
    rows = rows.with_columns(pl.exclude(*_KEYS, "has_carry").fill_null(zero()))
    # the beginning cumulative common lines split as the capital account splits them
    # (allocation.allocate_common), but at the end weights, plus the partner's own items
    begin = before.funds.select(
        "fund_id", *(pl.col(f"common_{src}").alias(f"_begin_{src}") for src in PNL_LINES)
    )
    rows = rows.join(begin, on="fund_id", how="left").with_columns(
        pl.col(f"_begin_{src}").fill_null(zero()) for src in PNL_LINES
    )
    signed = {f"_begin_{src}": sign for src, sign in PNL_LINES.items()}
    rows = allocate_lines(rows, signed, "weight", "fund_id", "investor_id", "_b")
    rows = rows.with_columns(
        (pl.col(f"_b_begin_{src}") + pl.col(f"_own_before_{src}")).alias(f"_b_begin_{src}")
        for src in OWN_LINES.values()
    )
    rows = rows.with_columns(
        (pl.col(f"_end_{line}") - pl.col(f"_b_begin_{src}")).alias(line)
        for line, src in _ALLOCATED.items()
    )
    return rows.with_columns(
        pl.col("contributions").alias("unfunded_contributions"),
        pl.col("recallable").alias("recallable_distributions"),
        _other_income_expense(),
        *(pl.lit(0, CENTS).alias(c) for c in NOT_IN_BOOK),
        *_carry_lines(),
    ).select(
        *_KEYS,
        *[c for c in STATEMENT_LINES if c not in _LATER],
        "_paid_before",
    )


# Lines computed over the investor and fund rows together (capital_account_statement).
_LATER = ("fee_offsets", "beginning_unfunded", "ending_unfunded")


def _carry_lines() -> list[pl.Expr]:
    """The carry lines of a fund with carry terms (`has_carry`): the `carry` rows of the
    period (`carry_paid`), the accrued carry at the end and its change since the beginning
    (`_carry_e`, `_carry_b`: carry_state); null in a fund without."""
    on = pl.col("has_carry").fill_null(False)
    return [
        pl.when(on).then(pl.col("carry_paid")).alias("carry_paid"),
        pl.when(on).then(pl.col("_carry_e") - pl.col("_carry_b")).alias("carry_accrued_change"),
        pl.when(on).then(pl.col("_carry_e")).alias("carry_accrued_balance"),
    ]


def _unfunded_paid() -> pl.Expr:
    """What a commitment had drawn before the period: contributions less recallable
    (equalisation) distributions, which add back to the unfunded commitment (R7)."""
    return (pl.col("contributions") - pl.col("recallable")).alias("_paid_before")


def _other_income_expense() -> pl.Expr:
    """An investor's other income/expense: its share of the grants paid in the period (its
    allocated cumulative grants at the end less the beginning ones at the end percentages),
    negated, plus the reallocation of the P&L earned before the period: its share of the
    beginning cumulative common P&L at the end percentages less its share at the beginning
    ones. That reallocation is the re-balancing at a closing (a later partner admitted, R5):
    the P&L to date is shared by the new ratios, and the line shows the move. Partner-specific
    items move only their own lines (fees, expenses, income), never this one."""
    at_end = pl.sum_horizontal(pl.col(f"_b_begin_{src}") * s for src, s in PNL_LINES.items())
    grants = pl.col("_end_grants") - pl.col("_b_begin_grants")
    return (at_end - pl.col("_share_before") - grants).cast(CENTS).alias("other_income_expense")

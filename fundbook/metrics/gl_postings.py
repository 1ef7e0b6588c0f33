"""The postings behind each balance of the general ledger, every line with its source.

`postings(frames, at)` lists per (fund_id, account) the lines whose sums are the account's
balances, from the GL's own workings (`gl_ledger.workings`) and rules (gl_chart, gl_flows,
gl_holdings, gl_capital): a transaction row (`source`: its `file:line`), a holding's value
(the valuation row's `file:line`, or the capital account it is read from, R6), an accrual (the
row, recognised over its service period, R4) and a closing entry (its date and rule, R5).
Each line holds `at_amount`, its part of the account's balance at `at` as the GL keeps it
(income and expense since inception, never closed; partners' capital with its closing entries),
and `prev_amount`, the same at the previous period end; `closing` marks the lines that reach
partners' capital by a closing entry. `figure_lines` sums them into `balance` (before the
closing entry of `at`) or `closed_balance` (after it) by the account's section, one rule for
every account (docs/accounting.md, "Tracing a balance").
"""

from __future__ import annotations

from datetime import date

import polars as pl

from fundbook.core.calendar import previous_month_end
from fundbook.metrics import gl_capital, gl_flows
from fundbook.metrics.gl_chart import (
    ACCRUED_CARRY,
    CAPITAL_EFFECT,
    CAPITAL_PREFIX,
    CASH_EFFECT,
    EXPENSE_PREFIX,
    FX_ADJUSTMENT,
    FX_INCOME,
    INTEREST_EFFECT,
    MEMO_ACCOUNTS,
    UNALLOCATED,
    effect,
    section_of,
)
from fundbook.metrics.gl_ledger import Workings, workings
from fundbook.metrics.money import CENTS, zero
from fundbook.metrics.protocol import BookFrames

POSTINGS = pl.Schema(
    {
        "fund_id": pl.String(),
        "account": pl.String(),
        "date": pl.Date(),
        "item": pl.String(),
        "source": pl.String(),
        "at_amount": CENTS,
        "prev_amount": CENTS,
        "closing": pl.Boolean(),
    }
)
FIGURES = ("balance", "closed_balance")
_ROW_SOURCE = pl.format("{}:{}", "source_file", "source_line")
_RULE = "docs/accounting.md"


def postings(frames: BookFrames, at: date, fund_id: str | None = None) -> pl.DataFrame:
    """Every line of every account of the GL at `at` (of one fund, else all), in cents."""
    w = workings(frames, at)
    prev = previous_month_end(at)
    parts = [
        _row_lines(w.txns, at, prev),
        _accrual_lines(w.txns, at, prev),
        _holding_lines(w, at, prev),
        _value_lines(w, at, prev),
        _capital_lines(w, at, prev),
        _carry_lines(w, at, prev),
        _fee_share_lines(w, at, prev),
    ]
    out = pl.concat([p.select(list(POSTINGS)).cast(POSTINGS) for p in parts])
    if fund_id is not None:
        out = out.filter(pl.col("fund_id") == fund_id)
    return out.filter((pl.col("at_amount") != 0) | (pl.col("prev_amount") != 0))


def figure_lines(lines: pl.DataFrame, figure: str, at: date) -> pl.DataFrame:
    """The lines of one account (`postings` of it) that give its `figure` (FIGURES): `amount`
    in cents per line, by the account's section. Assets, liabilities and memo accounts: the
    balance at `at`. Income and expense: the period's movement (at less the previous period
    end: a value standing at that date enters reversed), and after the closing entry of `at`
    that movement closed into partners' capital (its last line). Capital: its own postings at
    `at`, and its closing entries to the previous period end (`balance`) or to `at`
    (`closed_balance`)."""
    if figure not in FIGURES:
        raise ValueError(f"no ledger figure {figure!r}: {FIGURES}")
    section = section_of(pl.col("account"))
    pnl = section.is_in(["income", "expense"])
    before = pl.when(pl.col("closing")).then(pl.col("prev_amount")).otherwise(pl.col("at_amount"))
    capital = before if figure == "balance" else pl.col("at_amount")
    amount = (
        pl.when(pnl)
        .then(pl.col("at_amount") - pl.col("prev_amount"))
        .when((section == "capital") | (pl.col("account") == ACCRUED_CARRY))
        .then(capital)
        .otherwise(pl.col("at_amount"))
    )
    reversed_ = pnl & (pl.col("at_amount") == 0)
    item = pl.when(reversed_).then("reversed: " + pl.col("item")).otherwise(pl.col("item"))
    out = (
        lines.with_columns(amount.alias("amount"), item.alias("item"), pnl.alias("_pnl"))
        .filter(pl.col("amount") != 0)
        .sort("fund_id", "account", "date", "source", "item")
    )
    if figure == "closed_balance":
        closed = (
            out.filter(pl.col("_pnl"))
            .group_by("fund_id", "account")
            .agg((zero() - pl.col("amount").sum()).alias("amount"))
        )
        entry = closed.with_columns(
            pl.lit(at).alias("date"),
            pl.lit(
                f"closing entry at {at}: the period's balance closed into partners' capital"
            ).alias("item"),
            pl.lit(f"closing entry {at}, R5 ({_RULE})").alias("source"),
        )
        out = pl.concat([out, entry], how="diagonal_relaxed")
    return out.select("fund_id", "account", "date", "item", "source", pl.col("amount").cast(CENTS))


def _in(day: date) -> pl.Expr:
    return pl.col("date") <= day


def _dated(df: pl.DataFrame, amount: pl.Expr, at: date, prev: date) -> pl.DataFrame:
    """`at_amount` / `prev_amount`: `amount` when the row is dated on or before each date."""
    return df.with_columns(
        pl.when(_in(at)).then(amount).otherwise(zero()).alias("at_amount"),
        pl.when(_in(prev)).then(amount).otherwise(zero()).alias("prev_amount"),
    )


def _row_item(who: pl.Expr | None = None) -> pl.Expr:
    """A row as a line's item: type, investor or holding, txn id (as `lineage.txn_lines`)."""
    who = pl.coalesce("investor_id", "holding_id", pl.lit("-")) if who is None else who
    return pl.format("{} {} ({})", "type", who, "txn_id")


def _row_lines(txns: pl.DataFrame, at: date, prev: date) -> pl.DataFrame:
    """Accounts a row posts to on its date: cash, equalisation interest payable, grants,
    investment income, partners' capital (contributed less returned; a partner's own income
    reaches it by the closing entry) and the memo accounts."""
    kind, amt = pl.col("type"), pl.col("amt")
    capital = pl.lit(CAPITAL_PREFIX) + pl.col("investor_id")
    memo = kind.replace_strict(MEMO_ACCOUNTS, default=None)
    income = pl.when(kind == "income").then(zero() - amt).otherwise(zero())
    posts = [
        (pl.lit("cash"), amt * effect(CASH_EFFECT), False),
        (pl.lit("equalisation_interest_payable"), zero() - amt * effect(INTEREST_EFFECT), False),
        (pl.lit("grants_paid"), pl.when(kind == "grant").then(amt).otherwise(zero()), False),
        (pl.lit("investment_income"), income, False),
        (capital, zero() - amt * effect(CAPITAL_EFFECT), False),
        (capital, income, True),
        (memo, pl.when(memo.is_not_null()).then(amt).otherwise(zero()), False),
        (memo + "_contra", pl.when(memo.is_not_null()).then(zero() - amt).otherwise(zero()), False),
    ]
    rows = txns.filter(_in(at))
    parts = [
        _dated(rows, value, at, prev).select(
            "fund_id",
            account.alias("account"),
            "date",
            _row_item().alias("item"),
            _ROW_SOURCE.alias("source"),
            "at_amount",
            "prev_amount",
            pl.lit(closing).alias("closing"),
        )
        for account, value, closing in posts
    ]
    return pl.concat(parts).filter(pl.col("account").is_not_null())


def _recognised_at(rows: pl.DataFrame, day: date, name: str) -> pl.DataFrame:
    """`name`: each fee or expense row's expense recognised by `day` (gl_flows.recognised,
    R4), and `paid_<name>`: its amount when paid by then."""
    paid = _in(day)
    return (
        rows.with_columns(pl.lit(day).alias("at"), paid.alias("paid"))
        .with_columns(
            gl_flows.recognised().alias(name),
            pl.when(paid).then(pl.col("amt")).otherwise(zero()).alias(f"paid_{name}"),
        )
        .drop("at", "paid")
    )


def _accrual_lines(txns: pl.DataFrame, at: date, prev: date) -> pl.DataFrame:
    """Fees and expenses as recognised (R4); a partner's own also in its capital (closed into
    it, R5); rows with a service period in prepaid or accrued expenses (paid less recognised)."""
    rows = txns.filter(pl.col("type").is_in(["fee", "expense"]))
    rows = _recognised_at(_recognised_at(rows, at, "_at"), prev, "_prev")
    served = pl.col("service_start").is_not_null()
    item = pl.when(served).then(
        pl.format("{}, service {} to {}", _row_item(), "service_start", "service_end")
    )
    expense = (
        pl.when(pl.col("type") == "fee")
        .then(pl.lit("management_fees"))
        .otherwise(pl.lit(EXPENSE_PREFIX) + pl.col("category").fill_null("other"))
    )
    ahead_at, ahead_prev = (
        pl.col("paid__at") - pl.col("_at"),
        pl.col("paid__prev") - pl.col("_prev"),
    )
    posts = [
        (expense, pl.col("_at"), pl.col("_prev"), pl.lit(True), False),
        (
            pl.lit(CAPITAL_PREFIX) + pl.col("investor_id"),
            pl.col("_at"),
            pl.col("_prev"),
            pl.col("investor_id").is_not_null(),
            True,
        ),
        (
            pl.lit("prepaid_expenses"),
            pl.max_horizontal(ahead_at, zero()),
            pl.max_horizontal(ahead_prev, zero()),
            served,
            False,
        ),
        (
            pl.lit("accrued_expenses"),
            pl.min_horizontal(ahead_at, zero()),
            pl.min_horizontal(ahead_prev, zero()),
            served,
            False,
        ),
    ]
    source = pl.when(served).then(
        pl.format("{}, R4: recognised by days served of the service period", _ROW_SOURCE)
    )
    return pl.concat(
        rows.filter(where).select(
            "fund_id",
            account.alias("account"),
            "date",
            pl.coalesce(item, _row_item()).alias("item"),
            pl.coalesce(source, _ROW_SOURCE).alias("source"),
            now.cast(CENTS).alias("at_amount"),
            before.cast(CENTS).alias("prev_amount"),
            pl.lit(closing).alias("closing"),
        )
        for account, now, before, where, closing in posts
    )


def _holding_lines(w: Workings, at: date, prev: date) -> pl.DataFrame:
    """Investments at cost and realised gain per holding row (R1, R3: the cost each sale or
    write-off relieves), and the exit rule's remaining cost realised at a date."""
    rows = w.rows.filter(_in(at))
    cost = pl.col("inv") - pl.col("relief")
    posts = [("investments_at_cost", cost), ("realised_gain", zero() - pl.col("realised"))]
    parts = [
        _dated(rows, value, at, prev).select(
            "fund_id",
            pl.lit(account).alias("account"),
            "date",
            _row_item(pl.col("holding_id")).alias("item"),
            _ROW_SOURCE.alias("source"),
            "at_amount",
            "prev_amount",
            pl.lit(False).alias("closing"),
        )
        for account, value in posts
    ]
    exits = w.valued.filter(pl.col("exited") != 0)
    item = pl.format(
        "exit of {}: zero mark with proceeds received, cost realised (R1)", "holding_id"
    )
    for account, sign in (("investments_at_cost", -1), ("realised_gain", 1)):
        parts.append(
            _states(exits, pl.col("exited") * sign, at, prev).select(
                "fund_id",
                pl.lit(account).alias("account"),
                pl.col("mark_date").alias("date"),
                item.alias("item"),
                pl.col("mark_source").alias("source"),
                "at_amount",
                "prev_amount",
                pl.lit(False).alias("closing"),
            )
        )
    return pl.concat(parts)


def _states(df: pl.DataFrame, amount: pl.Expr, at: date, prev: date) -> pl.DataFrame:
    """A state per grid date (`at` column) as lines: its amount at `at` and at `prev`."""
    return df.filter(pl.col("at").is_in([at, prev])).with_columns(
        pl.when(pl.col("at") == at).then(amount).otherwise(zero()).alias("at_amount"),
        pl.when(pl.col("at") == prev).then(amount).otherwise(zero()).alias("prev_amount"),
    )


def _value_lines(w: Workings, at: date, prev: date) -> pl.DataFrame:
    """Each holding's value less its remaining cost at `at` and at the previous period end
    (R2, R6): unrealised appreciation, and change in unrealised against it."""
    held = w.held.select("fund_id", "holding_id", "lp_investor_id")
    df = w.valued.join(held, on=["fund_id", "holding_id"], how="left")
    basis = (
        pl.when(pl.col("written_off"))
        .then(pl.lit("written off"))
        .when(pl.col("from_capital"))
        .then(pl.format("the capital of {} in fund {} (R6)", "lp_investor_id", "holding_id"))
        .when(pl.col("mark_source").is_not_null())
        .then(pl.format("its mark of {} (R2)", "mark_date"))
        .otherwise(pl.lit("no mark: its remaining cost"))
    )
    source = (
        pl.when(pl.col("from_capital"))
        .then(
            pl.format(
                "{}{} of fund {} at {}",
                pl.lit(CAPITAL_PREFIX),
                "lp_investor_id",
                "holding_id",
                "at",
            )
        )
        .otherwise(pl.coalesce("mark_source", pl.lit(f"R2 ({_RULE})")))
    )
    item = pl.format(
        "{} at {}: value from {}, less its remaining cost and FX translation",
        "holding_id",
        "at",
        basis,
    )
    fx_item = pl.format(
        "{} at {}: its net investment translated at the rates of {} less as booked (gl_fx)",
        "holding_id",
        "at",
        "at",
    )
    fx_source = pl.format("fx_rates.csv at {} and the rows of {}", "at", "holding_id")
    unrealised = pl.col("value") - pl.col("remaining_cost") - pl.col("fx")
    posts = [
        ("unrealised_appreciation", unrealised, item, source),
        ("change_in_unrealised", zero() - unrealised, item, source),
        (FX_ADJUSTMENT, pl.col("fx"), fx_item, fx_source),
        (FX_INCOME, zero() - pl.col("fx"), fx_item, fx_source),
    ]
    parts = [
        _states(df, amount, at, prev).select(
            "fund_id",
            pl.lit(account).alias("account"),
            pl.col("at").alias("date"),
            what.alias("item"),
            where.alias("source"),
            "at_amount",
            "prev_amount",
            pl.lit(False).alias("closing"),
        )
        for account, amount, what, where in posts
    ]
    return pl.concat(parts)


def _capital_lines(w: Workings, at: date, prev: date) -> pl.DataFrame:
    """The closing entries (R5): each partner's share of the fund's common P&L allocated at
    each date of the fund's grid (its change since the date before), and the common P&L no
    partner shares in (`unallocated_pnl`)."""
    keys = ["fund_id", "investor_id"]
    shares = w.accounts.select(
        "fund_id",
        "investor_id",
        "at",
        (CAPITAL_PREFIX + pl.col("investor_id")).alias("account"),
        "allocated",
    )
    rest = gl_capital.unallocated(w.pnl, w.accounts).select(
        "fund_id",
        pl.lit(UNALLOCATED).alias("investor_id"),
        "at",
        pl.lit(UNALLOCATED).alias("account"),
        pl.col("rest").alias("allocated"),
    )
    both = pl.concat([shares, rest]).filter(pl.col("at") <= at).sort([*keys, "at"])
    step = pl.col("allocated") - pl.col("allocated").shift(1).over(keys).fill_null(0)
    first = pl.col("at") == pl.col("at").min().over(keys)
    item = (
        pl.when(first)
        .then(pl.format("closing entries to {}: its share of the fund's common P&L", "at"))
        .otherwise(pl.format("closing entry at {}: its share of the period's common P&L", "at"))
    )
    source = pl.format(
        "closing entry {}, R5: the common P&L allocated by the sharing ratios ({})",
        "at",
        pl.lit(_RULE),
    )
    return both.with_columns(step.alias("_step")).select(
        "fund_id",
        "account",
        pl.col("at").alias("date"),
        item.alias("item"),
        source.alias("source"),
        (zero() - pl.col("_step")).alias("at_amount"),
        pl.when(pl.col("at") <= prev)
        .then(zero() - pl.col("_step"))
        .otherwise(zero())
        .alias("prev_amount"),
        pl.lit(True).alias("closing"),
    )


def _carry_lines(w: Workings, at: date, prev: date) -> pl.DataFrame:
    """The closing entries of the carry accrued on a liquidation at NAV (gl_carry): each
    partner's capital debited with the change of its accrued carry at each date of the
    fund's grid, `accrued_carried_interest` credited with the fund's."""
    keys = ["fund_id", "account"]
    partner = w.accounts.select(
        "fund_id", (CAPITAL_PREFIX + pl.col("investor_id")).alias("account"), "at", "accrued"
    )
    fund = (
        w.accounts.group_by("fund_id", "at")
        .agg((zero() - pl.col("accrued").sum()).alias("accrued"))
        .select("fund_id", pl.lit(ACCRUED_CARRY).alias("account"), "at", "accrued")
    )
    both = (
        pl.concat([partner, fund])
        .filter(pl.col("at") <= at)
        .sort([*keys, "at"])
        .with_columns(
            (pl.col("accrued") - pl.col("accrued").shift(1).over(keys).fill_null(0)).alias("_step")
        )
        .filter(pl.col("_step") != 0)
    )
    source = pl.format(
        "closing entry {}: the carry accrued on a liquidation at NAV (metrics.gl_carry)", "at"
    )
    return both.select(
        "fund_id",
        "account",
        pl.col("at").alias("date"),
        pl.format("closing entry at {}: the change in accrued carried interest", "at").alias(
            "item"
        ),
        source.alias("source"),
        pl.col("_step").alias("at_amount"),
        pl.when(pl.col("at") <= prev).then(pl.col("_step")).otherwise(zero()).alias("prev_amount"),
        pl.lit(True).alias("closing"),
    )


def _fee_share_lines(w: Workings, at: date, prev: date) -> pl.DataFrame:
    """A partner's share of the fund-level fees of a quarter (a fund with fee terms), split
    by computed fees (`fee_allocation.split`): its own fees, closed into its capital (R5)."""
    keys = ["fund_id", "investor_id", "quarter_start"]
    shares = w.fee_shares
    now = shares.filter(pl.col("at") == at).select(*keys, pl.col("attributed_fees").alias("_at"))
    was = shares.filter(pl.col("at") == prev).select(
        *keys, pl.col("attributed_fees").alias("_prev")
    )
    both = now.join(was, on=keys, how="full", coalesce=True).with_columns(
        pl.col("_at", "_prev").fill_null(0)
    )
    quarter = pl.format(
        "{}Q{}", pl.col("quarter_start").dt.year(), pl.col("quarter_start").dt.quarter()
    )
    return both.select(
        "fund_id",
        (CAPITAL_PREFIX + pl.col("investor_id")).alias("account"),
        pl.col("quarter_start").alias("date"),
        pl.format("its share of the fund-level fee rows of {}, by computed fees", quarter).alias(
            "item"
        ),
        pl.lit(f"fee_allocation.split: by computed fees less own booked ({_RULE})").alias("source"),
        pl.col("_at").alias("at_amount"),
        pl.col("_prev").alias("prev_amount"),
        pl.lit(True).alias("closing"),
    )

"""The general ledger at a date: every account of every fund, before and after the period's closing.

`general_ledger(frames, at)` gives per (fund_id, account) the trial balance at `at` (`balance`:
the period's income and expense still open, partners' capital as closed at the previous period
end) and the balance sheet after the closing entry of `at` (`closed_balance`: income and
expense closed into partners' capital by the allocation R5). The previous period end is the
last day of the month before `at`'s. Pure polars from the frames (docs/accounting.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from fundbook.core.calendar import month_ends, previous_month_end
from fundbook.core.dtypes import RATE
from fundbook.core.types import REPORTING_CURRENCY
from fundbook.metrics import fee_allocation, gl_capital, gl_carry, gl_flows, gl_fx, gl_holdings
from fundbook.metrics.fund_graph import fund_levels
from fundbook.metrics.gl_chart import (
    ACCRUED_CARRY,
    CAPITAL_PREFIX,
    EXPENSE_PREFIX,
    FX_ADJUSTMENT,
    FX_INCOME,
    UNALLOCATED,
    section_of,
)
from fundbook.metrics.gp_statements import gp_values
from fundbook.metrics.money import CENTS, from_cents, zero
from fundbook.metrics.protocol import BookFrames

LEDGER_COLUMNS = ("fund_id", "currency", "account", "section", "balance", "closed_balance")


def general_ledger(frames: BookFrames, at: date) -> pl.DataFrame:
    """Per (fund_id, account), in the fund's currency: `balance` (trial balance at `at`) and
    `closed_balance` (after the closing entry of `at`), debit minus credit, money."""
    prev = previous_month_end(at)
    cum = ledger_at_dates(frames, at)
    now = cum.filter(pl.col("at") == at).drop("at")
    was = cum.filter(pl.col("at") == prev).select(
        "fund_id", "account", pl.col("cumulative").alias("_was"), pl.col("closed").alias("_cwas")
    )
    out = now.join(was, on=["fund_id", "account"], how="full", coalesce=True).with_columns(
        pl.col("cumulative", "closed", "_was", "_cwas").fill_null(0)
    )
    section = section_of(pl.col("account"))
    pnl = section.is_in(["income", "expense"])
    capital = section == "capital"
    balance = (
        pl.when(pnl)
        .then(pl.col("cumulative") - pl.col("_was"))
        .when(pl.col("account") == ACCRUED_CARRY)  # posted by the closing entries
        .then(pl.col("_cwas"))
        .when(capital)
        .then(pl.col("_cwas") + pl.col("cumulative") - pl.col("_was"))
        .otherwise(pl.col("closed"))
    )
    out = out.with_columns(section.alias("section"), balance.alias("balance")).filter(
        (pl.col("balance") != 0) | (pl.col("closed") != 0) | (pl.col("account") == "cash")
    )
    order = pl.col("section").replace_strict(
        {s: i for i, s in enumerate(("asset", "liability", "capital", "income", "expense", "memo"))}
    )
    return (
        out.join(frames.funds.select("fund_id", "currency"), on="fund_id")
        .sort(["fund_id", order, "account"])
        .select(
            "fund_id",
            "currency",
            "account",
            "section",
            from_cents(pl.col("balance")).alias("balance"),
            from_cents(pl.col("closed")).alias("closed_balance"),
        )
    )


def ledger_at_dates(frames: BookFrames, at: date) -> pl.DataFrame:
    """Per (fund_id, at, account) at `at` and the previous period end: `cumulative` (income and
    expense since inception, never closed; capital contributed less returned) and `closed`
    (income and expense closed: partners' capital with its allocation), in cents."""
    w = workings(frames, at)
    return _accounts(w.totals, w.valued, w.specific, w.accounts, w.pnl, w.txns, w.grid)


@dataclass(frozen=True)
class Workings:
    """What the GL's balances at `at` are made of, per (fund_id, at) of its `grid`: the
    transactions (`txns`, normalised, with the accruing rows), the holding rows to `at` in
    relief order (`rows`), each holding's position and value (`valued`), the funds of the book
    held and the holder's investor in each (`held`: gl_capital.links), the fund totals and
    partner-specific totals, the partners' capital (`accounts`) and the common P&L (`pnl`);
    `fee_shares`: the fund-level fees of funds with fee terms attributed to partners by
    computed fees (`fee_allocation.split`; in `specific`, not in the fund's common fees).
    `gl_postings` lists the postings behind each balance from these."""

    txns: pl.DataFrame
    grid: pl.DataFrame
    rows: pl.DataFrame
    valued: pl.DataFrame
    held: pl.DataFrame
    totals: pl.DataFrame
    specific: pl.DataFrame
    accounts: pl.DataFrame
    pnl: pl.DataFrame
    fee_shares: pl.DataFrame


def workings(frames: BookFrames, at: date) -> Workings:
    """The GL's workings at `at` and the previous period end (and the other dates of `_grid`)."""
    txns = gl_holdings.normalised(_with_accruing(frames))
    grid = _grid(frames, txns, at)
    rows = gl_holdings.holding_rows(txns.filter(pl.col("date") <= at))
    holdings = gl_holdings.positions(rows, frames.valuations, grid)
    held = gl_capital.links(frames.funds, frames.investors, holdings)
    fee_shares = _fee_shares(frames, txns, grid)
    totals, specific = _with_fee_shares(
        gl_flows.fund_totals(txns, grid), gl_flows.specific_totals(txns, grid), fee_shares
    )
    members = gl_capital.partners(
        gl_flows.partner_flows(txns, frames.commitments, grid), specific, grid
    )
    fx = _fx(frames, grid)
    translated = gl_fx.translation(txns, held, grid, frames.fx_rates, fx)
    holdings = holdings.join(_gp(frames, grid, fx), on=["fund_id", "holding_id", "at"], how="left")
    sub = gl_capital.empty_sub_values()
    for _ in range(fund_levels(held)):
        valued = gl_holdings.valued(holdings, sub, translated)
        accounts = _with_carry(frames, txns, members, _common_pnl(totals, valued), valued)
        net = accounts.with_columns((pl.col("capital") - pl.col("accrued")).alias("capital"))
        sub = gl_capital.sub_values(held, net, fx)
    valued = gl_holdings.valued(holdings, sub, translated)
    pnl = _common_pnl(totals, valued)
    accounts = _with_carry(frames, txns, members, pnl, valued)
    return Workings(txns, grid, rows, valued, held, totals, specific, accounts, pnl, fee_shares)


def _fee_shares(frames: BookFrames, txns: pl.DataFrame, grid: pl.DataFrame) -> pl.DataFrame:
    """Per (fund_id, at, investor_id, quarter_start): the partner's share of the fund-level
    fee rows of a fund with fee terms as the GL recognises them (R4, `gl_flows.fee_amounts`),
    split by computed fees (`fee_allocation.split`, the capital accounts' rule)."""
    funds = fee_allocation.fee_funds(frames)
    if funds.height == 0:
        return pl.DataFrame(schema=fee_allocation.GRID_SHARES)
    amounts = gl_flows.fee_amounts(txns, grid, fee_allocation.fund_level_fees(funds))
    if amounts.height == 0:
        return pl.DataFrame(schema=fee_allocation.GRID_SHARES)
    return fee_allocation.split(frames, amounts, "amount")


def _with_fee_shares(
    totals: pl.DataFrame, specific: pl.DataFrame, shares: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The attributed fees moved from the fund's common fees (`totals`) to their partners'
    specific fees (`specific`): the management_fees account keeps their sum."""
    if shares.height == 0:
        return totals, specific
    keys = ["fund_id", "at", "investor_id"]
    mine = shares.group_by(keys).agg(pl.col("attributed_fees").sum().alias("_mine"))
    fund = shares.group_by("fund_id", "at").agg(pl.col("attributed_fees").sum().alias("_all"))
    totals = (
        totals.join(fund, on=["fund_id", "at"], how="left")
        .with_columns((pl.col("fees") - pl.col("_all").fill_null(0)).cast(CENTS).alias("fees"))
        .drop("_all")
    )
    specific = (
        specific.join(mine, on=keys, how="full", coalesce=True)
        .with_columns(pl.col("income", "fees", "expenses", "_mine").fill_null(0))
        .with_columns((pl.col("fees") + pl.col("_mine")).cast(CENTS).alias("fees"))
        .select(*keys, *(pl.col(c).cast(CENTS) for c in ("income", "fees", "expenses")))
    )
    return totals, specific


def _with_carry(
    frames: BookFrames,
    txns: pl.DataFrame,
    members: pl.DataFrame,
    pnl: pl.DataFrame,
    valued: pl.DataFrame,
) -> pl.DataFrame:
    """The partners' capital (`gl_capital.capital`) with the carry accrued on it (`accrued`,
    gl_carry; 0 outside funds with carry terms): a holder values a fund it holds at its
    capital net of it."""
    accounts = gl_capital.capital(members, pnl)
    carry = gl_carry.accrued_carry(frames.terms, frames.investor_terms, txns, accounts, valued)
    return accounts.join(carry, on=["fund_id", "at", "investor_id"], how="left").with_columns(
        pl.col("accrued").fill_null(zero())
    )


def _with_accruing(frames: BookFrames) -> pl.DataFrame:
    """The transactions, and the later rows whose service period has started by the frames'
    date (`accruing`, when the frames carry them: R4 counts them before they are paid)."""
    later = getattr(frames, "accruing", None)
    if later is None or later.height == 0:
        return frames.transactions
    return pl.concat([frames.transactions, later], how="diagonal_relaxed")


def _grid(frames: BookFrames, txns: pl.DataFrame, at: date) -> pl.DataFrame:
    """The (fund_id, at) pairs to compute: every fund at `at` and the previous period end; a
    fund without commitments then also at every month end since the book began (its P&L is
    allocated month by month); a fund held by another at the holder's dates too."""
    prev = previous_month_end(at)
    funds = frames.funds.select("fund_id")
    base = funds.join(pl.DataFrame({"at": [prev, at]}), how="cross")
    committed = frames.commitments.filter(pl.col("date") <= prev).select("fund_id").unique()
    monthly = funds.join(committed, on="fund_id", how="anti")
    start = txns.select(pl.col("date").min()).item()
    ends = month_ends(start, prev) if start is not None and monthly.height else []
    history = monthly.join(pl.DataFrame({"at": ends}, schema={"at": pl.Date}), how="cross")
    grid = pl.concat([base, history])
    edges = _edges(frames)
    for _ in range(funds.height):
        more = grid.join(edges, on="fund_id").select(pl.col("held").alias("fund_id"), "at")
        grown = pl.concat([grid, more]).unique()
        if grown.height == grid.height:
            break
        grid = grown
    return grid.unique().sort("fund_id", "at")


def _edges(frames: BookFrames) -> pl.DataFrame:
    """Holder -> held fund, for holdings that are funds of the book."""
    ids = frames.funds.select(pl.col("fund_id").alias("held"))
    return (
        frames.transactions.filter(pl.col("holding_id").is_not_null())
        .select("fund_id", pl.col("holding_id").alias("held"))
        .unique()
        .join(ids, on="held")
    )


def _gp(frames: BookFrames, grid: pl.DataFrame, fx: pl.DataFrame) -> pl.DataFrame:
    """Per (fund_id, holding_id, at) of the grid's dates: the GP statement value of a fund held
    from its GP's statements (`gp_statements.gp_values`: the statement is an input, like a
    mark; `_gp_value`, `_gp_only`)."""
    schema: dict[str, pl.DataType] = {
        "fund_id": pl.String(),
        "holding_id": pl.String(),
        "at": pl.Date(),
        "_gp_value": CENTS,
        "_gp_only": pl.Boolean(),
    }
    if frames.gp_statements.height == 0:
        return pl.DataFrame(schema=schema)
    parts = [
        gp_values(frames, day, fx.filter(pl.col("at") == day).drop("at"))
        .with_columns(pl.lit(day).alias("at"))
        .select(list(schema))
        for day in grid["at"].unique().sort()
    ]
    return pl.concat(parts) if parts else pl.DataFrame(schema=schema)


def _fx(frames: BookFrames, grid: pl.DataFrame) -> pl.DataFrame:
    """Per (at, currency) of the grid's dates: the latest rate on or before (HKD: 1)."""
    dates = grid.select("at").unique()
    rates = (
        frames.fx_rates.join(dates, how="cross")
        .filter(pl.col("date") <= pl.col("at"))
        .sort("date")
        .group_by("at", "currency")
        .agg(pl.col("hkd_per_unit").last())
        .filter(pl.col("currency") != REPORTING_CURRENCY)
    )
    hkd = dates.with_columns(
        pl.lit(REPORTING_CURRENCY).alias("currency"), pl.lit(1).alias("hkd_per_unit")
    )
    return pl.concat([part.cast({"hkd_per_unit": RATE}) for part in (hkd, rates)])


def _common_pnl(totals: pl.DataFrame, valued: pl.DataFrame) -> pl.DataFrame:
    """Per (fund_id, at): realised gain, FX translation, unrealised gain (the market part:
    value - remaining cost - fx) and the common P&L (R5 lines)."""
    gains = valued.group_by("fund_id", "at").agg(
        pl.col("remaining_cost").sum().alias("cost"),
        pl.col("realised").sum(),
        pl.col("fx").sum(),
        (pl.col("value") - pl.col("remaining_cost") - pl.col("fx")).sum().alias("unrealised"),
    )
    out = totals.join(gains, on=["fund_id", "at"], how="left").with_columns(
        pl.col("cost", "realised", "fx", "unrealised").fill_null(zero())
    )
    signed = [pl.col(line) * sign for line, sign in gl_flows.PNL_SIGN.items()]
    return out.with_columns(pl.sum_horizontal(signed).cast(CENTS).alias("common"))


def _accounts(
    totals: pl.DataFrame,
    valued: pl.DataFrame,
    specific: pl.DataFrame,
    accounts: pl.DataFrame,
    pnl: pl.DataFrame,
    txns: pl.DataFrame,
    grid: pl.DataFrame,
) -> pl.DataFrame:
    """Every account's `cumulative` and `closed` balance per (fund_id, at), debit - credit."""
    own = specific.group_by("fund_id", "at").agg(pl.col("income", "fees").sum())
    f = pnl.join(own, on=["fund_id", "at"], how="left").with_columns(
        pl.col("income_right", "fees_right").fill_null(0)
    )
    same = {
        "cash": pl.col("cash"),
        "investments_at_cost": pl.col("cost"),
        "unrealised_appreciation": pl.col("unrealised"),
        FX_ADJUSTMENT: pl.col("fx"),
        "prepaid_expenses": pl.col("prepaid"),
        "accrued_expenses": zero() - pl.col("accrued"),
        "equalisation_interest_payable": zero() - pl.col("interest_payable"),
    }
    pnl_accounts = {
        "investment_income": zero() - pl.col("income") - pl.col("income_right"),
        "management_fees": pl.col("fees") + pl.col("fees_right"),
        "grants_paid": pl.col("grants"),
        "realised_gain": zero() - pl.col("realised"),
        "change_in_unrealised": zero() - pl.col("unrealised"),
        FX_INCOME: zero() - pl.col("fx"),
    }
    wide = f.select(
        "fund_id", "at", *(e.alias(a) for a, e in {**same, **pnl_accounts}.items())
    ).unpivot(index=["fund_id", "at"], variable_name="account", value_name="cumulative")
    wide = wide.with_columns(
        pl.when(pl.col("account").is_in(list(pnl_accounts)))
        .then(zero())
        .otherwise(pl.col("cumulative"))
        .alias("closed")
    )
    expenses = gl_flows.expense_lines(txns, grid).select(
        "fund_id",
        "at",
        (EXPENSE_PREFIX + pl.col("category")).alias("account"),
        pl.col("amount").alias("cumulative"),
        zero().alias("closed"),
    )
    memo = _memo(gl_flows.memo_totals(txns, grid))
    partner = accounts.select(
        "fund_id",
        "at",
        (CAPITAL_PREFIX + pl.col("investor_id")).alias("account"),
        (zero() - pl.col("net_capital")).alias("cumulative"),
        (pl.col("accrued") - pl.col("capital")).alias("closed"),
    )
    # the carry accrued on a liquidation at NAV: posted by the closing entry (gl_carry)
    carry = (
        accounts.group_by("fund_id", "at")
        .agg(pl.col("accrued").sum())
        .filter(pl.col("accrued") != 0)
        .select(
            "fund_id",
            "at",
            pl.lit(ACCRUED_CARRY).alias("account"),
            zero().alias("cumulative"),
            (zero() - pl.col("accrued")).alias("closed"),
        )
    )
    rest = gl_capital.unallocated(pnl, accounts).select(
        "fund_id",
        "at",
        pl.lit(UNALLOCATED).alias("account"),
        zero().alias("cumulative"),
        (zero() - pl.col("rest")).alias("closed"),
    )
    parts = [wide, expenses, memo, partner, carry, rest]
    return pl.concat([p.cast({"cumulative": CENTS, "closed": CENTS}) for p in parts])


def _memo(totals: pl.DataFrame) -> pl.DataFrame:
    """Memo accounts and their contras (off balance sheet; never closed)."""
    debit = totals.select("fund_id", "at", "account", pl.col("amount").alias("cumulative"))
    credit = totals.select(
        "fund_id",
        "at",
        (pl.col("account") + "_contra").alias("account"),
        (zero() - pl.col("amount")).alias("cumulative"),
    )
    both = pl.concat([debit, credit])
    return both.with_columns(pl.col("cumulative").alias("closed"))

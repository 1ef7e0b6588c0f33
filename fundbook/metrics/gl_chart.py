"""The general ledger's chart of accounts and how each transaction type posts (docs/accounting.md).

Balances are debit minus credit, in cents of the fund's currency: assets and expenses are
positive, liabilities, partners' capital and income negative. The GL path (gl_*.py) reads
the frames itself and never imports the metrics' state code (state, positions, statement,
performance), so that the close compares two independent computations.
"""

from __future__ import annotations

import polars as pl

from fundbook.core.types import CASH_SIGN
from fundbook.metrics.money import CENTS

# The sections in the order they print; memo accounts stay off the balance sheet.
SECTIONS = ("asset", "liability", "capital", "income", "expense", "memo")

# The FX translation of a fund held in another currency (gl_fx): part of the investment's
# carrying value, and the income account it is posted against.
FX_ADJUSTMENT = "fx_translation_adjustment"
FX_INCOME = "fx_translation"
ASSETS = (
    "cash",
    "investments_at_cost",
    "unrealised_appreciation",
    FX_ADJUSTMENT,
    "prepaid_expenses",
)
# Carried interest accrued to the GP on a liquidation at NAV (gl_carry): a liability posted by
# each period's closing entry against the partners' capital.
ACCRUED_CARRY = "accrued_carried_interest"
LIABILITIES = ("accrued_expenses", "equalisation_interest_payable", ACCRUED_CARRY)
CAPITAL_PREFIX = "partners_capital:"
UNALLOCATED = "unallocated_pnl"  # P&L of a fund no partner shares in (no weights at all)
INCOME = ("investment_income", "realised_gain", "change_in_unrealised", FX_INCOME)
EXPENSE_PREFIX = "partnership_expenses:"
EXPENSES = ("management_fees", "grants_paid")

# The effect of each type on the fund's cash (write_off and memo rows move none).
CASH_EFFECT = {t: sign for t, sign in CASH_SIGN.items() if sign}
# The effect on the partner's capital (credit = +): capital contributed less returned.
CAPITAL_EFFECT = {
    "contribution": 1,
    "distribution": -1,
    "equalisation_contribution": 1,
    "equalisation_distribution": -1,
    "carry": -1,  # carried interest paid to the GP out of the partner's distributions
}
# The effect on equalisation interest payable (a liability: received less paid on).
INTEREST_EFFECT = {"equalisation_interest_received": 1, "equalisation_interest_paid": -1}
# Memo rows: a debit to the memo account, the credit to its contra (both off balance sheet).
MEMO_ACCOUNTS = {
    "co_investment": "memo_co_investment",
    "matching": "memo_matching",
    "hk_production_spend": "memo_hk_production",
    "portfolio_fee": "memo_portfolio_fees",
}
HOLDING_TYPES = ("investment", "income", "proceeds", "write_off")  # same-day order
ACCRUED_TYPES = ("fee", "expense")  # may carry a service period


def section_of(account: pl.Expr) -> pl.Expr:
    """The section of an account name (SECTIONS)."""
    return (
        pl.when(account.is_in(list(ASSETS)))
        .then(pl.lit("asset"))
        .when(account.is_in(list(LIABILITIES)))
        .then(pl.lit("liability"))
        .when(account.str.starts_with(CAPITAL_PREFIX) | (account == UNALLOCATED))
        .then(pl.lit("capital"))
        .when(account.is_in(list(INCOME)))
        .then(pl.lit("income"))
        .when(account.str.starts_with("memo_"))
        .then(pl.lit("memo"))
        .otherwise(pl.lit("expense"))
    )


def effect(mapping: dict[str, int], type_col: str = "type") -> pl.Expr:
    """A type's signed effect from `mapping` (0 when not in it), as cents."""
    return pl.col(type_col).replace_strict(mapping, default=0, return_dtype=pl.Int8).cast(CENTS)

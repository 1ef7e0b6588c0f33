"""The dashboard's words for stored columns and their coded values: one table of msgids.

A page shows a stored level's column under the label of `COLUMNS` (or of `BY_LEVEL`, where a
level's column of that name means something else), and a coded value (a fund's kind, a
programme's scope, a fee check's yes/no) as the words of `VALUES`. The labels are English
msgids marked for the reports' catalogue (`N_`); the templates translate them (`|translate`).
The reports' own label tables stay theirs (the rules of `report.compliance.RULES`, the expense
categories of `report.lp.CATEGORY_LABELS`) and are read here, not written twice.
"""

from __future__ import annotations

from typing import Any

from fundbook.report.compliance import RULES
from fundbook.report.i18n import N_
from fundbook.report.lp import CATEGORY_LABELS, REALISATION_LABELS

# Every stored column a page shows, by name (all levels).
COLUMNS: dict[str, str] = {
    # ids and text
    "fund_id": N_("Fund"),
    "investor_id": N_("Partner"),
    "holding_id": N_("Holding"),
    "company_id": N_("Company"),
    "programme": N_("Programme"),
    "scope": N_("Scope"),
    "theme": N_("Theme"),
    "quarter": N_("Quarter"),
    "category": N_("Category"),
    "currency": N_("Currency"),
    "kind": N_("Kind"),
    "investor_kind": N_("Kind"),
    "rule": N_("Rule"),
    "status": N_("Status"),
    "detail": N_("Detail"),
    "threshold": N_("Threshold"),
    "figure": N_("Figure"),
    "name": N_("Name"),
    # commitments and capital
    "committed": N_("Commitment"),
    "commitment_share": N_("Share of commitments"),
    "paid_in": N_("Paid-in"),
    "pic_multiple": N_("Paid-in / commitment"),
    "unfunded": N_("Unfunded"),
    "distributed": N_("Distributions"),
    "nav": N_("NAV"),
    "nav_before_carry": N_("NAV before carry"),
    "accrued_carry": N_("Accrued carry"),
    "carry_paid": N_("Carry paid"),
    "clawback_exposure": N_("Clawback exposure"),
    "government_committed": N_("Government commitment"),
    "government_paid_in": N_("Government paid-in"),
    "government_unfunded": N_("Government unfunded"),
    "government_not_committed": N_("Government budget not committed"),
    "social_committed": N_("Social capital committed"),
    "social_paid_in": N_("Social capital paid-in"),
    "social_leverage": N_("Leverage of social capital"),
    "paid_in_leverage": N_("Leverage of social capital (paid-in)"),
    "amplification": N_("Amplification"),
    "meets_target": N_("Meets the amplification target"),
    "paid_in_historical": N_("Paid-in at historical rates"),
    "paid_in_fx_translation": N_("FX translation of paid-in"),
    # returns
    "tvpi": "TVPI",
    "dpi": "DPI",
    "rvpi": "RVPI",
    "net_irr": N_("Net IRR"),
    "gross_irr": N_("Gross IRR"),
    "gross_moic": N_("Gross MOIC"),
    "moic": "MOIC",
    "irr_since": N_("IRR since"),
    # the fund's balance sheet and income
    "cash": N_("Cash"),
    "holdings_value": N_("Holdings at fair value"),
    "invested": N_("Invested (cost)"),
    "proceeds": N_("Proceeds"),
    "income": N_("Income"),
    "realised_gain": N_("Realised gain / (loss)"),
    "unrealised_gain": N_("Unrealised gain / (loss)"),
    "fx_translation": N_("FX translation"),
    "fees": N_("Management fees"),
    "expenses": N_("Partnership expenses"),
    "prepaid": N_("Prepaid fees and expenses"),
    "accrued": N_("Accrued fees and expenses"),
    "interest_payable": N_("Equalisation interest payable"),
    "grants": N_("Grants"),
    # holdings
    "fair_value": N_("Fair value"),
    "remaining_cost": N_("Remaining cost"),
    "share_of_fair_value": N_("Share of fair value"),
    "realisation": N_("Status"),
    "valuation_date": N_("Valued at"),
    "valued_by": N_("Valued by"),
    "lag_days": N_("Days since the GP statement"),
    "co_invested": N_("Co-invested alongside"),
    "gp_fees_itd": N_("GP fees borne (ITD)"),
    "gp_carry_accrued": N_("GP carry accrued"),
    # look-through
    "direct_fair_value": N_("Held directly"),
    "through_fair_value": N_("Held through sub-funds"),
    "share_of_nav": N_("Share of NAV"),
    "holdings": N_("Holdings"),
    # compliance
    "amount": N_("Amount"),
    "ratio": N_("Ratio"),
    "first_breach": N_("First breach"),
    "quarters_in_breach": N_("Quarters in breach"),
    "breaches": N_("Quarter-ends in breach"),
    "trend": N_("Trend"),
    "direction": N_("Direction"),
    "read_from": N_("Read from"),
    # fees, cash flows, expenses
    "fee_net": N_("Fee per the schedule"),
    "booked": N_("Fee booked"),
    "difference": N_("Difference"),
    "fee_tolerance": N_("Tolerance"),
    "within_tolerance": N_("Within tolerance"),
    "contributions": N_("Called from partners"),
    "distributions": N_("Distributed to partners"),
    "net_cash_flow": N_("Net cash flow"),
    "cumulative_net_cash_flow": N_("Cumulative net cash flow"),
    "received": N_("Received from holdings"),
    "expenses_qtd": N_("Quarter to date"),
    "expenses_ytd": N_("Year to date"),
    "expenses_itd": N_("Inception to date"),
    # reconciliation with the GP statements
    "statement_date": N_("Statement date"),
    "received_date": N_("Received"),
    "gp": N_("Per the GP"),
    "book": N_("Per the book"),
    "tolerance": N_("Tolerance"),
    # the carry terms (fund_info)
    "waterfall": N_("Waterfall"),
    "carry_pct": N_("Carried interest"),
    "hurdle_rate": N_("Hurdle (preferred return)"),
    "catch_up_pct": N_("GP catch-up"),
    "gp_investor_id": N_("GP's own capital account"),
    # programmes and grants
    "budget": N_("Budget"),
    "budget_used": N_("Budget used"),
    "member_funds": N_("Funds"),
    "target_amplification": N_("Target amplification"),
    "target_size": N_("Target size"),
    "target_date": N_("Target date"),
    "target_status": N_("Target"),
    "size_shortfall": N_("Shortfall to the target size"),
    "grant_companies": N_("Companies granted"),
    "companies_short": N_("Companies short of matching"),
    "companies_pending": N_("Companies pending"),
    "companies_over_cap": N_("Companies over the cap"),
    "matching": N_("Matching funds"),
    "matching_ratio": N_("Matching ratio"),
    "required_ratio": N_("Required ratio"),
    "shortfall": N_("Shortfall"),
    "matching_deadline": N_("Matching deadline"),
    "last_grant_date": N_("Last grant"),
    "compliant": N_("Compliant"),
    "over_cap": N_("Over the cap"),
}
# A column whose meaning on one level differs from the name's on the others.
BY_LEVEL: dict[tuple[str, str], str] = {
    ("investor", "nav"): N_("NAV (capital account)"),
    ("investor", "paid_in"): N_("Paid-in"),
    ("holding", "invested"): N_("Cost"),
    ("holding", "income"): N_("Income received"),
    ("reconcile", "holding_id"): N_("Sub-fund"),
    ("reconcile", "investor_id"): N_("Interest held as"),
    ("compliance", "amount"): N_("Amount"),
    ("programme_fund", "fund_id"): N_("Sub-fund"),
}
# How a column of a stored kind is formatted where its type does not say it: the carry and
# fee terms are booked rates (Decimal), not money; a few floats are multiples.
FORMATS: dict[str, str] = {
    "carry_pct": "rate",
    "hurdle_rate": "rate",
    "catch_up_pct": "rate",
    "required_ratio": "multiple",
    "matching_ratio": "multiple",
    "target_amplification": "multiple",
    "pic_multiple": "pct",
    "budget_used": "pct",
}
# The words of a coded value, by column.
VALUES: dict[str, dict[str, str]] = {
    "kind": {
        "guidance_fund": N_("Guidance fund"),
        "sub_fund": N_("Sub-fund"),
        "co_investment": N_("Co-investment fund"),
        "programme": N_("Grant programme"),
        "government": N_("Government"),
        "social_capital": N_("Social capital"),
    },
    "investor_kind": {"government": N_("Government"), "social_capital": N_("Social capital")},
    "scope": {
        "direct": N_("Direct co-investments"),
        "sub_funds": N_("Sub-funds"),
        "scheme": N_("Whole scheme"),
    },
    "valued_by": {
        "valuation": N_("valuation"),
        "gp_statement": N_("GP statement"),
        "cost": N_("cost"),
        "capital_account": N_("capital account"),
        "written_off": N_("written off"),
    },
    "realisation": {label: label for label in REALISATION_LABELS},
    "waterfall": {
        "european": N_("European (whole fund)"),
        "american": N_("American (deal by deal)"),
    },
    "figure": {
        "nav": N_("NAV"),
        "contributions": N_("Contributions"),
        "distributions": N_("Distributions"),
        "fees": N_("Fees (ITD)"),
        "carry_accrued": N_("Carry accrued"),
    },
    "direction": {w: w for w in (N_("worsening"), N_("improving"), N_("unchanged"))},
    "category": CATEGORY_LABELS,
    "rule": {rule: labels[1] for rule, labels in RULES.items()},
    "status": {
        "agrees": N_("agrees"),
        "differs": N_("differs"),
        "ok": N_("meets 1:2"),
        "short": N_("short"),
        "over_cap": N_("over the cap"),
    },
}
YES, NO = N_("yes"), N_("no")


def column_label(level: str, column: str) -> str:
    """The msgid of a stored column on a page (a column without one: its words, never its
    snake_case name; `tests/web/test_web_fund.py` checks that every shown column has one)."""
    found = BY_LEVEL.get((level, column)) or COLUMNS.get(column)
    return found if found is not None else column.replace("_", " ").capitalize()


def value_label(column: str, value: Any) -> str | None:
    """The msgid of a coded value of `column` (None: the value is shown as stored)."""
    if isinstance(value, bool):
        return YES if value else NO
    return VALUES.get(column, {}).get(value) if isinstance(value, str) else None

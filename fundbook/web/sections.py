"""What a fund's, the funds' and the programme's pages show: each section's level, selected
columns, title, and the note saying what it is and its unit (msgids, `N_`).

The sections are data, read by `web.pages`; the columns' labels are `web.labels`'. A section's
total row names the fund level's stored figures that total it (the fund row is the total of its
partners' capital accounts and of its holdings): nothing is summed here or on the page.
"""

from __future__ import annotations

from dataclasses import dataclass

from fundbook.close.compliance_history import COLUMNS as HISTORY
from fundbook.report.i18n import N_

# A fund's headline cards: column of the fund level, label (the board's and LP report's cards).
HEADLINE: tuple[tuple[str, str], ...] = (
    ("committed", N_("Commitment")),
    ("paid_in", N_("Paid-in")),
    ("distributed", N_("Distributions")),
    ("nav", N_("Net asset value")),
    ("unfunded", N_("Unfunded")),
    ("tvpi", "TVPI"),
    ("dpi", "DPI"),
    ("rvpi", "RVPI"),
    ("net_irr", N_("Net IRR")),
    ("social_leverage", N_("Leverage of social capital")),
)
# The funds whose headline shows the leverage of social capital: money raised beside the
# government's (the guidance fund's own is its government money alone).
LEVERAGE_KINDS = ("sub_fund", "co_investment")
# Columns of the fund level the page does not list again: the key, the name and currency (the
# page's title and notes), the IRR policy's inputs (said beside an IRR it flags), and the
# carry figures (the waterfall's section).
FACTS_HIDDEN = (
    "fund_id",
    "kind",
    "name",
    "currency",
    "irr_nm_months",
    "gross_irr_nm",
    "net_irr_nm",
    "accrued_carry",
    "carry_paid",
    "clawback_exposure",
    "nav_before_carry",
)


@dataclass(frozen=True)
class Section:
    """A section of a fund's page: a level's selected columns, titled, with a note saying what
    it is and its unit, what an empty one means, and the fund-level figures that total it."""

    anchor: str
    title: str
    level: str
    columns: tuple[str, ...]
    note: str
    empty: str
    total: tuple[tuple[str, str], ...] = ()  # (column, the fund level's column totalling it)


CAPITAL = Section(
    "capital",
    N_("Capital accounts"),
    "investor",
    (
        "investor_id",
        "investor_kind",
        "committed",
        "commitment_share",
        "paid_in",
        "distributed",
        "nav_before_carry",
        "accrued_carry",
        "nav",
        "tvpi",
        "net_irr",
    ),
    N_(
        "Each partner's capital account at the period end, in %(currency)s; multiples and IRR "
        "on the partner's own flows. The total row is the fund's, as stored."
    ),
    N_("No partner has committed to this fund at this date."),
    (
        ("committed", "committed"),
        ("paid_in", "paid_in"),
        ("distributed", "distributed"),
        ("nav_before_carry", "nav_before_carry"),
        ("accrued_carry", "accrued_carry"),
        ("nav", "nav"),
        ("tvpi", "tvpi"),
        ("net_irr", "net_irr"),
    ),
)
CARRY = Section(
    "waterfall",
    N_("Waterfall and carried interest"),
    "investor",
    ("investor_id", "nav_before_carry", "accrued_carry", "nav", "carry_paid", "clawback_exposure"),
    N_(
        "The close runs the fund's waterfall on a liquidation at NAV and stores its result for "
        "each partner: NAV before carry, less the carry accrued to the GP, is the partner's NAV; "
        "carry paid and the clawback exposure on the distributions to date. In %(currency)s."
    ),
    N_("No partner at this date."),
    (
        ("nav_before_carry", "nav_before_carry"),
        ("accrued_carry", "accrued_carry"),
        ("nav", "nav"),
        ("carry_paid", "carry_paid"),
        ("clawback_exposure", "clawback_exposure"),
    ),
)
CARRY_TERMS = ("waterfall", "carry_pct", "hurdle_rate", "catch_up_pct")
SECTIONS: tuple[Section, ...] = (
    Section(
        "holdings",
        N_("Holdings"),
        "holding",
        (
            "holding_id",
            "realisation",
            "invested",
            "remaining_cost",
            "fair_value",
            "share_of_fair_value",
            "proceeds",
            "realised_gain",
            "unrealised_gain",
            "moic",
            "gross_irr",
            "valued_by",
            "valuation_date",
        ),
        N_(
            "Each holding at the period end, in %(currency)s: its cost, fair value and gains; "
            "the total row is the fund's, as stored."
        ),
        N_("The fund holds nothing at this date."),
        (
            ("invested", "invested"),
            ("fair_value", "holdings_value"),
            ("proceeds", "proceeds"),
            ("realised_gain", "realised_gain"),
            ("unrealised_gain", "unrealised_gain"),
            ("moic", "gross_moic"),
            ("gross_irr", "gross_irr"),
        ),
    ),
    Section(
        "look-through",
        N_("Look-through by company"),
        "look_through_company",
        (
            "company_id",
            "theme",
            "direct_fair_value",
            "through_fair_value",
            "fair_value",
            "share_of_nav",
        ),
        N_(
            "The companies the fund holds directly and through its sub-funds (its share of "
            "each sub-fund's holdings), at fair value in %(currency)s."
        ),
        N_("No company is held directly or through a sub-fund at this date."),
    ),
    Section(
        "compliance",
        N_("Compliance"),
        "compliance",
        ("rule", "status", "amount", "ratio", "threshold", "detail"),
        N_(
            "Each rule of the programme at the period end: the figure tested (amounts in "
            "%(currency)s), the threshold and the status."
        ),
        N_("No rule of the programme applies to this fund."),
    ),
    Section(
        "fees",
        N_("Fees against the schedule"),
        "fee_check",
        ("quarter", "fee_net", "booked", "difference", "fee_tolerance", "within_tolerance"),
        N_(
            "The management fee booked in each quarter against the fee the terms give (net of "
            "offsets), in %(currency)s."
        ),
        N_("The book has no fee terms for this fund: there is no schedule to check against."),
    ),
    Section(
        "cash-flows",
        N_("Cash flows by quarter"),
        "cash_flow",
        (
            "quarter",
            "contributions",
            "distributions",
            "net_cash_flow",
            "cumulative_net_cash_flow",
            "invested",
            "received",
        ),
        N_(
            "Calls from and distributions to the partners, their net (the partners' view: "
            "negative when they paid in) and its cumulative sum (the J-curve), and the money "
            "invested in and received from the holdings, by quarter, in %(currency)s."
        ),
        N_("No cash moved up to this date."),
    ),
    Section(
        "expenses",
        N_("Expenses by category"),
        "expense_by_category",
        ("category", "expenses_qtd", "expenses_ytd", "expenses_itd"),
        N_("Partnership expenses recognised, by category, in %(currency)s."),
        N_("No partnership expense is recognised up to this date."),
    ),
    Section(
        "reconciliation",
        N_("Reconciliation with the GP statements"),
        "reconcile",
        (
            "holding_id",
            "figure",
            "statement_date",
            "gp",
            "book",
            "difference",
            "tolerance",
            "status",
            "received_date",
        ),
        N_(
            "Each figure of the GP statements of the funds this fund holds an interest in, "
            "against the book at the statement date, in %(currency)s."
        ),
        N_("No GP statement of a fund this fund holds was reconciled in this close."),
    ),
)
# A grant programme's own section (after its holdings): its companies' grants and matching.
# The columns of the grant level shown (a company's grants and matching).
GRANT_COLUMNS = (
    "company_id",
    "grants",
    "matching",
    "matching_ratio",
    "required_ratio",
    "shortfall",
    "matching_deadline",
    "last_grant_date",
    "over_cap",
    "status",
)
GRANTS = Section(
    "grants",
    N_("Grants"),
    "grant",
    GRANT_COLUMNS,
    N_(
        "Each company granted: the grants, its matching funds and their ratio against the one "
        "required, by the deadline, in %(currency)s."
    ),
    N_("No company has been granted at this date."),
)
GRANT_KINDS = ("programme",)
# What an empty section means for a fund holding no interest in another fund of the book.
NOT_A_FUND_OF_FUNDS = {
    "look_through_company": N_(
        "None: the fund holds no interest in another fund of the book (it is not a fund of "
        "funds), so its companies are its holdings above."
    ),
    "reconcile": N_(
        "None: the fund holds no interest in another fund, so it receives no GP statement to "
        "reconcile."
    ),
}
PROGRAMME_SECTIONS: tuple[tuple[str, str, tuple[str, ...], bool, str], ...] = (
    (
        N_("Programme by scope"),
        "programme",
        (
            "kind",
            "committed",
            "government_committed",
            "social_committed",
            "social_leverage",
            "amplification",
            "target_amplification",
            "meets_target",
            "paid_in",
            "government_paid_in",
            "social_paid_in",
            "paid_in_leverage",
            "government_unfunded",
            "target_size",
            "size_shortfall",
            "target_date",
            "target_status",
            "member_funds",
            "budget",
            "budget_used",
            "grants",
            "grant_companies",
            "matching",
            "matching_ratio",
            "companies_short",
            "companies_pending",
            "companies_over_cap",
        ),
        True,
        N_(
            "Each programme by scope (its direct co-investments, its sub-funds, the whole "
            "scheme): commitments and paid-in of government and social capital, the leverage "
            "and amplification against the target, the size target, and the grants; in HKD."
        ),
    ),
    (
        N_("Programme by sub-fund"),
        "programme_fund",
        (
            "programme",
            "scope",
            "fund_id",
            "committed",
            "government_committed",
            "social_committed",
            "social_leverage",
            "amplification",
            "paid_in",
            "government_paid_in",
            "social_paid_in",
            "paid_in_leverage",
            "government_unfunded",
        ),
        False,
        N_(
            "Each fund's part of its programme's scope: commitments and paid-in of government "
            "and social capital and their leverage, in HKD (a fund in another currency at the "
            "period end's rate)."
        ),
    ),
    (
        N_("Exposure by theme"),
        "theme",
        ("programme", "theme", "holdings", "invested", "fair_value", "share_of_fair_value"),
        False,
        N_("The programme's holdings by theme: their number, cost and fair value, in HKD."),
    ),
    (
        N_("Grants"),
        "grant",
        ("fund_id", *GRANT_COLUMNS),
        False,
        N_(
            "Each company granted by a grant programme: the grants, the company's matching "
            "funds and their ratio against the one required, by the deadline; in the "
            "programme's currency."
        ),
    ),
)
FUNDS_COLUMNS = (
    "fund_id",
    "kind",
    "currency",
    "committed",
    "paid_in",
    "distributed",
    "nav",
    "unfunded",
    "tvpi",
    "net_irr",
)

# The columns of a fund's compliance history shown (`close.compliance_history.COLUMNS`).
HISTORY_COLUMNS = HISTORY[1:]  # without fund_id: the page is the fund's
# Beside an IRR the policy flags (a headline card's note).
UNDER_MONTHS = N_("under %(months)s months (IRR policy)")

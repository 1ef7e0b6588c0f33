"""The codes of ledger contract v1: kinds, themes, transaction types and their directions."""

from __future__ import annotations

from fundbook.core.labels import N_

FUND_KINDS = ("guidance_fund", "sub_fund", "co_investment", "programme")
INVESTOR_KINDS = ("government", "social_capital")
THEMES = (
    "life_health",
    "ai_robotics",
    "semiconductors_smart_devices",
    "digitalisation",
    "future_sustainable",
    "other",
)
STRATEGIC_THEMES = THEMES[:5]
THEME_LABELS = {
    "life_health": N_("Life and health technology"),
    "ai_robotics": N_("AI and robotics"),
    "semiconductors_smart_devices": N_("Semiconductors and smart devices"),
    "digitalisation": N_("Digitalisation and upgrading/transformation"),
    "future_sustainable": N_("Future and sustainable development"),
    "other": N_("Other (outside the five themes)"),
}
# Tags of the 2024 Policy Address list, mapped to the current five themes.
LEGACY_THEMES = {"advanced_materials_new_energy": "future_sustainable"}

# LPA terms (terms.csv): the codes of its enumerated columns, exactly as issue 12 spells them.
FEE_BASES_INVESTMENT_PERIOD = ("commitment",)
FEE_BASES_AFTER = ("net_invested_capital", "nav", "commitment")
FEE_TIMINGS = ("quarterly_advance", "quarterly_arrears")
WATERFALLS = ("european", "american")
# How a fund held by another fund is valued (terms.csv valuation_source, issue 13): from its
# ledger in the book (the holder's capital account), or from its GP's statements.
VALUATION_SOURCES = ("ledger", "gp_statement")
# Capital calls and distributions noticed to the partners (calls.csv, issue 14): the kind of a
# call and the transaction types of its rows (a later closing's catch-up is called like any
# contribution; an equalisation distribution is the recallable kind of distribution).
CALL_KINDS = ("capital_call", "distribution")
CALL_ROW_TYPES = {
    "capital_call": ("contribution", "equalisation_contribution"),
    "distribution": ("distribution", "equalisation_distribution"),
}

TXN_TYPES = (
    "contribution",
    "distribution",
    "investment",
    "proceeds",
    "income",
    "fee",
    "expense",
    "co_investment",
    "grant",
    "matching",
    "hk_production_spend",
    "write_off",
    "equalisation_contribution",
    "equalisation_distribution",
    "equalisation_interest_received",
    "equalisation_interest_paid",
    "portfolio_fee",
    "carry",
)
# Equalisation of a later closing (DOMAIN.md): catch-up contributions by the admitted partners,
# recallable distributions to the earlier ones, and the interest passed between them.
EQUALISATION_TYPES = (
    "equalisation_contribution",
    "equalisation_distribution",
    "equalisation_interest_received",
    "equalisation_interest_paid",
)
NEEDS_INVESTOR = frozenset(
    {"contribution", "distribution", "co_investment", "carry", *EQUALISATION_TYPES}
)
# Types that never name a holding.
NO_HOLDING = frozenset(EQUALISATION_TYPES)
# Types that never name an investor: a portfolio fee is paid by a holding to the GP.
NO_INVESTOR = frozenset({"portfolio_fee"})
NEEDS_HOLDING = frozenset(
    {
        "investment",
        "proceeds",
        "income",
        "co_investment",
        "grant",
        "matching",
        "hk_production_spend",
        "write_off",
        "portfolio_fee",
    }
)
# Sign of the effect on the fund's cash; 0 = not the fund's cash (memo only).
CASH_SIGN = {
    "contribution": 1,
    "distribution": -1,
    "investment": -1,
    "proceeds": 1,
    "income": 1,
    "fee": -1,
    "expense": -1,
    "co_investment": 0,
    "grant": -1,
    "matching": 0,
    "hk_production_spend": 0,
    "write_off": 0,
    "equalisation_contribution": 1,
    "equalisation_distribution": -1,
    "equalisation_interest_received": 1,
    "equalisation_interest_paid": -1,
    # transaction, monitoring and directors' fees paid by a holding to the GP, not to the fund:
    # a memorandum, read only by the fee offsets (metrics/fees.py)
    "portfolio_fee": 0,
    "carry": -1,  # carried interest paid to the GP out of the named partner's distributions
}
# The signs of the flows behind returns. Net (an investor's view: net IRR, TVPI/DPI/RVPI):
# money paid in negative, money paid out positive. Gross (the fund's view of a holding: gross
# IRR, MOIC): invested negative, proceeds and income positive. The value at the date is the
# last, positive flow of both.
# Rows that may carry a `quantity` (units of the holding bought or sold).
QUANTITY_TYPES = ("investment", "proceeds")
# Equalisation interest is in an investor's net flows (paid: out, received: in), not in PIC/DPI.
NET_FLOW_SIGN = {
    "contribution": -1,
    "distribution": 1,
    "equalisation_contribution": -1,
    "equalisation_distribution": 1,
    "equalisation_interest_received": -1,  # the fund received it: the investor paid it
    "equalisation_interest_paid": 1,  # the fund paid it: the investor received it
}
GROSS_FLOW_SIGN = {"investment": -1, "proceeds": 1, "income": 1}
REPORTING_CURRENCY = "HKD"
# Levels of reference data (a snapshot's text levels, read from the booked rows by the close):
# every figure (a year, a date, a fund's booked terms too) is explained as the text its row
# holds.
INFO_LEVELS = ("fund_info", "investor_info", "company_info")
# Types whose rows may carry a service period (service_start, service_end: prepaid / accrued).
SERVICE_PERIOD_TYPES = ("fee", "expense")
# The `category` of an `expense` row (ILPA Reporting Template 2.0 based; docs/ledger-format.md
# maps each to ILPA's lines); a row without one is `other`.
EXPENSE_CATEGORIES = (
    "organisation_offering",
    "legal",
    "audit_tax",
    "administration",
    "custody",
    "insurance",
    "broken_deal",
    "placement",
    "travel",
    "technology",
    "regulatory",
    "interest",
    "other",
)
DEFAULT_EXPENSE_CATEGORY = "other"

# ITIF rules (DOMAIN.md).
ITIF_MIN_SUB_FUND_SIZE_HKD = 2_000_000_000
ITIF_MAX_GOVERNMENT_HKD = 1_000_000_000
ITIF_MAX_GOVERNMENT_SHARE = 0.25
ITIF_MIN_HK_NEXUS = 0.50
ITIF_MIN_HK_PRODUCTION = 0.25
ITIF_TARGET_AMPLIFICATION = 4.0
# The same target as social capital per HK$1 of government money (amplification - 1).
ITIF_TARGET_SOCIAL_LEVERAGE = ITIF_TARGET_AMPLIFICATION - 1.0
GRANT_MATCHING_RATIO = 2.0
GRANT_CAP_PER_COMPANY_HKD = 250_000
# ITIF programme rules (DOMAIN.md "ITIF programme rules"): all sub-funds together, the
# government's commitments to the programme, each strategic investor across the sub-funds.
ITIF_MIN_PROGRAMME_SIZE_HKD = 40_000_000_000
ITIF_MAX_PROGRAMME_GOVERNMENT_HKD = 10_000_000_000
ITIF_MIN_STRATEGIC_INVESTOR_HKD = 3_000_000_000
# The ITIF rules in the order `compliance` lists them (after status and fund): per sub-fund,
# then per programme (`programme_size`, `government_cap`, `strategic_investor`: the guidance
# fund's sub-funds; `grant_cap`: a grant programme's companies). The statuses, failures first:
# `watch` is behind pace on a rule judged at the end of the investment period, before then;
# `pending` is not judged yet (nothing to judge, or judged at the end of the period).
ITIF_RULES = (
    "size",
    "government_share",
    "government_amount",
    "hk_nexus_of_invested",
    "hk_nexus_of_size",
    "hk_production",
    "themes",
    "programme_size",
    "government_cap",
    "strategic_investor",
    "grant_cap",
)
STATUS_ORDER = {"fail": 0, "watch": 1, "pending": 2, "pass": 3}
# The rules whose figure must stay at most its threshold (a higher figure is worse); the
# others must reach at least theirs (`compliance --history` reads a trend by this).
RULES_AT_MOST = frozenset(
    {"government_share", "government_amount", "themes", "government_cap", "grant_cap"}
)
# The scopes of a programme, in order (metrics.programme): its member funds, the programme's
# own fund's direct co-investments, the own fund of a programme without members.
PROGRAMME_SCOPES = ("sub_funds", "direct", "scheme")
# The groupings of `fundbook metrics --by`.
# look_through_company / look_through_nav: the guidance funds' look-through (metrics.look_through)
METRIC_GROUPINGS = (
    "fund",
    "investor",
    "holding",
    "theme",
    "programme",
    "programme_fund",
    "grant",
    "look_through_company",
    "look_through_nav",
)
# The public market equivalents (issue 15, metrics.pme): the groupings that have them (and
# the columns their rows are matched on), and the columns `metrics --pme` adds.
PME_GROUPINGS = {
    "fund": ("fund_id",),
    "investor": ("fund_id", "investor_id"),
    "programme": ("programme", "scope"),
}
PME_FIGURES = ("ks_pme", "direct_alpha", "ln_pme_irr")
PME_COLUMNS = (*PME_FIGURES, "pme_nm", "pme_undefined")
# What each equalisation row is, as `fundbook equalise` writes it in the memo ({rate}: the terms').
EQUALISATION_MEMO = {
    "equalisation_contribution": "catch-up: its share at the new commitment ratios of the "
    "capital called before the closing, less what it paid",
    "equalisation_interest_received": "equalisation interest on its catch-up of each call, "
    "from the call to the closing at {rate} a year (actual/365)",
    "equalisation_distribution": "recallable equalisation distribution: the catch-up returned "
    "pro rata to what it paid above its share at the new ratios",
    "equalisation_interest_paid": "equalisation interest passed on, pro rata to the "
    "equalisation distributions",
}
# The required columns of transactions.csv, in order (ledger contract v1; optional ones follow).
TRANSACTION_COLUMNS = (
    "txn_id",
    "date",
    "fund_id",
    "type",
    "investor_id",
    "holding_id",
    "amount",
    "currency",
    "memo",
)

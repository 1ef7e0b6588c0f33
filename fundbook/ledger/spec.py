"""The ledger files of contract v1: their columns, keys, and the content that identifies a row."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from fundbook.core.dtypes import INDEX_LEVEL, QUANTITY, RATE
from fundbook.core.dtypes import LEDGER_MONEY as MONEY
from fundbook.core.types import TRANSACTION_COLUMNS


@dataclass(frozen=True)
class FileSpec:
    """One ledger file: required and optional columns, the key, and the typed schema."""

    name: str
    required: tuple[str, ...]
    optional: tuple[str, ...]
    key: tuple[str, ...]
    types: dict[str, pl.DataType]

    @property
    def filename(self) -> str:
        return f"{self.name}.csv"

    @property
    def columns(self) -> tuple[str, ...]:
        return (*self.required, *self.optional)


def _types(**kw: pl.DataType) -> dict[str, pl.DataType]:
    return kw


# terms.csv: fractions between 0 and 1 (0.02 for 2 %), 8 places, stored as RATE.
FRACTIONS = (
    "fee_rate_investment_period",
    "fee_rate_after",
    "fee_offset_pct",
    "carry_pct",
    "hurdle_rate",
    "catch_up_pct",
)
# terms.csv: the Takahashi-Alexander forecast's parameters of the fund (issue 15; metrics/forecast).
TA_TERMS = ("ta_rc_1", "ta_rc_2", "ta_rc_3", "ta_bow", "ta_growth", "ta_growth_sd", "ta_life")
TERMS_OPTIONAL = (
    "equalisation_rate",
    "fee_rate_investment_period",
    "fee_basis_investment_period",
    "fee_rate_after",
    "fee_basis_after",
    "fee_timing",
    "fee_offset_pct",
    "carry_pct",
    "hurdle_rate",
    "catch_up_pct",
    "waterfall",
    "gp_investor_id",
    "fee_tolerance",
    "matching_deadline_months",
    "valuation_source",
    "gp_tolerance",
    "irr_nm_months",
    *TA_TERMS,
    "pme_index",
)

# gp_statements.csv: the required columns, and the optional figures the GP may report.
GP_STATEMENT_REQUIRED = (
    "statement_date",
    "fund_id",
    "holding_id",
    "nav",
    "currency",
    "received_date",
)
GP_STATEMENT_FIGURES = ("contributions_itd", "distributions_itd", "fees_itd", "carry_accrued")
# calls.csv: what a capital call is for (or a distribution comes from), in the fund's currency;
# the call's total is their sum (ILPA Capital Call & Distribution Notice Template).
CALL_PURPOSES = ("for_investments", "for_fees", "for_expenses", "for_other")


FILES: dict[str, FileSpec] = {
    spec.name: spec
    for spec in (
        FileSpec(
            "funds",
            ("fund_id", "name", "kind", "currency", "vintage", "manager"),
            ("programme_id", "investment_period_end"),
            ("fund_id",),
            _types(vintage=pl.Int32(), investment_period_end=pl.Date()),
        ),
        FileSpec(
            "investors",
            ("investor_id", "name", "kind", "fund_id"),
            ("strategic",),
            ("investor_id",),
            _types(strategic=pl.Boolean()),
        ),
        FileSpec(
            "companies",
            ("company_id", "name", "theme", "hk_nexus", "country"),
            (),
            ("company_id",),
            _types(hk_nexus=pl.Boolean()),
        ),
        FileSpec(
            "commitments",
            ("fund_id", "investor_id", "date", "amount", "currency"),
            (),
            ("fund_id", "investor_id", "date"),
            _types(date=pl.Date(), amount=MONEY),
        ),
        FileSpec(
            "transactions",
            TRANSACTION_COLUMNS,
            ("quantity", "service_start", "service_end", "category", "call_id"),
            ("txn_id",),
            _types(
                date=pl.Date(),
                amount=MONEY,
                quantity=QUANTITY,
                service_start=pl.Date(),
                service_end=pl.Date(),
            ),
        ),
        FileSpec(
            "valuations",
            ("date", "fund_id", "holding_id", "fair_value", "currency"),
            (),
            ("date", "fund_id", "holding_id"),
            _types(date=pl.Date(), fair_value=MONEY),
        ),
        FileSpec(
            "fx_rates",
            ("date", "currency", "hkd_per_unit"),
            (),
            ("date", "currency"),
            _types(date=pl.Date(), hkd_per_unit=RATE),
        ),
        # The terms of each fund's partnership agreement (optional file; a column added here,
        # in sql/schema.sql and in sql/{insert,booked,split}/terms.sql is carried everywhere).
        FileSpec(
            "terms",
            ("fund_id",),
            TERMS_OPTIONAL,
            ("fund_id",),
            _types(
                equalisation_rate=RATE,
                fee_tolerance=MONEY,
                matching_deadline_months=pl.Int32(),
                gp_tolerance=MONEY,
                irr_nm_months=pl.Int32(),
                ta_life=pl.Int32(),
                **dict.fromkeys(TA_TERMS[:-1], RATE),
                **dict.fromkeys(FRACTIONS, RATE),
            ),
        ),
        # Side letters: a partner's own terms in a fund (optional file).
        FileSpec(
            "investor_terms",
            ("fund_id", "investor_id"),
            ("fee_discount_pct", "carry_exempt"),
            ("fund_id", "investor_id"),
            _types(fee_discount_pct=RATE, carry_exempt=pl.Boolean()),
        ),
        # A sub-fund's GP statement of its holder's interest (optional file, issue 13): fund_id
        # is the holder, holding_id the held sub-fund; money in the sub-fund's currency.
        FileSpec(
            "gp_statements",
            GP_STATEMENT_REQUIRED,
            GP_STATEMENT_FIGURES,
            ("statement_date", "fund_id", "holding_id"),
            _types(
                statement_date=pl.Date(),
                received_date=pl.Date(),
                nav=MONEY,
                **dict.fromkeys(GP_STATEMENT_FIGURES, MONEY),
            ),
        ),
        # The sub-fund's schedule of investments as its GP reported it (optional file).
        FileSpec(
            "gp_holdings",
            (
                "statement_date",
                "fund_id",
                "holding_id",
                "company_id",
                "cost",
                "fair_value",
                "currency",
            ),
            (),
            ("statement_date", "fund_id", "holding_id", "company_id"),
            _types(statement_date=pl.Date(), cost=MONEY, fair_value=MONEY),
        ),
        # Capital calls and distributions noticed to the partners (optional file, issue 14): the
        # rows of transactions.csv carrying a call's call_id add up to its total.
        FileSpec(
            "calls",
            ("call_id", "fund_id", "kind", "notice_date", "due_date", *CALL_PURPOSES),
            ("memo",),
            ("call_id",),
            _types(
                notice_date=pl.Date(),
                due_date=pl.Date(),
                **dict.fromkeys(CALL_PURPOSES, MONEY),
            ),
        ),
        # Levels of public market indices (optional file, issue 15): the public market
        # equivalents compare a fund with them; `name` is the index's display name.
        FileSpec(
            "index_levels",
            ("date", "index_id", "level"),
            ("name",),
            ("date", "index_id"),
            _types(date=pl.Date(), level=INDEX_LEVEL),
        ),
    )
}
# Files a book may leave out: read as empty.
OPTIONAL_FILES = frozenset(
    {"terms", "investor_terms", "gp_statements", "gp_holdings", "calls", "index_levels"}
)
# Columns added on the way into the database (converted into the fund's currency).
DERIVED = {
    "commitments": "amount_fund",
    "transactions": "amount_fund",
    "valuations": "fair_value_fund",
}


def typed_schema(spec: FileSpec) -> dict[str, pl.DataType]:
    """The polars schema of a validated file's frame."""
    schema: dict[str, pl.DataType] = {c: spec.types.get(c, pl.String()) for c in spec.columns}
    if spec.name in DERIVED:
        schema[DERIVED[spec.name]] = MONEY
    schema["source_file"] = pl.String()
    schema["source_line"] = pl.Int32()
    return schema

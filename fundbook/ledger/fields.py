"""Per-file checks of one ledger file: required values, codes, dates, amounts; then typing."""

from __future__ import annotations

import polars as pl

from fundbook.core.errors import LedgerError
from fundbook.core.types import (
    CALL_KINDS,
    EXPENSE_CATEGORIES,
    FEE_BASES_AFTER,
    FEE_BASES_INVESTMENT_PERIOD,
    FEE_TIMINGS,
    FUND_KINDS,
    INVESTOR_KINDS,
    LEGACY_THEMES,
    THEMES,
    TXN_TYPES,
    VALUATION_SOURCES,
    WATERFALLS,
)
from fundbook.ledger import quantities
from fundbook.ledger.accruals import service_checks
from fundbook.ledger.csvfile import LINE
from fundbook.ledger.spec import (
    CALL_PURPOSES,
    FILES,
    FRACTIONS,
    GP_STATEMENT_FIGURES,
    GP_STATEMENT_REQUIRED,
    MONEY,
    QUANTITY,
    RATE,
    FileSpec,
)

REQUIRED_VALUES = {
    "funds": ("fund_id", "name", "kind", "currency", "vintage"),
    "investors": ("investor_id", "name", "kind"),
    "companies": ("company_id", "name", "theme", "hk_nexus", "country"),
    "commitments": ("fund_id", "investor_id", "date", "amount", "currency"),
    "transactions": ("txn_id", "date", "fund_id", "type", "amount", "currency"),
    "valuations": ("date", "fund_id", "holding_id", "fair_value", "currency"),
    "fx_rates": ("date", "currency", "hkd_per_unit"),
    "terms": ("fund_id",),
    "investor_terms": ("fund_id", "investor_id"),
    "gp_statements": GP_STATEMENT_REQUIRED,
    "gp_holdings": FILES["gp_holdings"].required,
    "calls": FILES["calls"].required,
    "index_levels": FILES["index_levels"].required,
}
CODES = {
    ("funds", "kind"): FUND_KINDS,
    ("investors", "kind"): INVESTOR_KINDS,
    ("companies", "theme"): THEMES + tuple(LEGACY_THEMES),
    ("companies", "hk_nexus"): ("true", "false"),
    ("transactions", "type"): TXN_TYPES,
    ("transactions", "category"): EXPENSE_CATEGORIES,
    ("terms", "fee_basis_investment_period"): FEE_BASES_INVESTMENT_PERIOD,
    ("terms", "fee_basis_after"): FEE_BASES_AFTER,
    ("terms", "fee_timing"): FEE_TIMINGS,
    ("terms", "waterfall"): WATERFALLS,
    ("investor_terms", "carry_exempt"): ("true", "false"),
    ("terms", "valuation_source"): VALUATION_SOURCES,
    ("investors", "strategic"): ("true", "false"),
    ("calls", "kind"): CALL_KINDS,
}
DATE_COLUMNS = (
    "date",
    "investment_period_end",
    "service_start",
    "service_end",
    "statement_date",
    "received_date",
    "notice_date",
    "due_date",
)
# name -> zero allowed?
AMOUNT_COLUMNS = {
    "amount": False,
    "fair_value": True,
    "fee_tolerance": True,
    "gp_tolerance": True,
    "nav": True,
    "cost": True,
    **dict.fromkeys(GP_STATEMENT_FIGURES, True),
    **dict.fromkeys(CALL_PURPOSES, True),
}
_ISO_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_PLAIN = r"^-?[0-9]+(\.[0-9]+)?$"

Check = tuple[pl.Expr, pl.Expr]


def _quoted(column: str) -> pl.Expr:
    return pl.format("'{}'", pl.col(column))


def _required(column: str) -> Check:
    return pl.col(column).is_null(), pl.lit(f"{column} is empty")


def _code(column: str, allowed: tuple[str, ...]) -> Check:
    listed = " | ".join(a for a in allowed if a not in LEGACY_THEMES)
    return (
        pl.col(column).is_not_null() & ~pl.col(column).is_in(list(allowed)),
        pl.format(f"unknown {column} {{}} (expected {listed})", _quoted(column)),
    )


def _date(column: str) -> Check:
    parsed = pl.col(column).str.to_date("%Y-%m-%d", strict=False)
    bad = ~pl.col(column).str.contains(_ISO_DATE) | parsed.is_null()
    return (
        pl.col(column).is_not_null() & bad,
        pl.format(
            f"bad date {{}} in column {column} (expected a real date YYYY-MM-DD)", _quoted(column)
        ),
    )


# Why an amount is never negative: the type gives a ledger row's direction; a GP statement's
# figures (a NAV, its schedule's cost and fair value, amounts to date) are never below zero.
_SIGNED_BY_TYPE = "amounts are positive and the type gives the direction"
_GP_AMOUNTS = "a GP statement's amounts are zero or more"
_NEVER_NEGATIVE = {
    "gp_statements": _GP_AMOUNTS,
    "gp_holdings": _GP_AMOUNTS,
    "calls": "a call's purpose amounts are zero or more (the kind gives the direction)",
}


def _amount_checks(
    column: str, zero_ok: bool, zero_only: pl.Expr | None = None, why: str = _SIGNED_BY_TYPE
) -> list[Check]:
    v = pl.col(column)
    present = v.is_not_null()
    plain = v.str.contains(_PLAIN)
    q = _quoted(column)
    zero = v.str.contains(r"^-?0+(\.0+)?$")
    checks = [
        (
            present & ~plain,
            pl.format(
                f"{column} {{}} is not a plain decimal (like 1500000.00: no separators, "
                "symbols or exponents)",
                q,
            ),
        ),
        (
            present & plain & v.str.starts_with("-") & ~zero,
            pl.format(
                f"{column} {{}} is negative; {why}",
                q,
            ),
        ),
        (
            present & plain & v.str.contains(r"\.[0-9]{3,}$"),
            pl.format(f"{column} {{}} has more than 2 decimal places", q),
        ),
        (
            present & plain & v.str.contains(r"^-?[0-9]{17,}"),
            pl.format(f"{column} {{}} is too large", q),
        ),
    ]
    if not zero_ok:  # rows where zero is the only amount (`zero_only`) are checked apart
        nonzero = present & zero if zero_only is None else present & zero & ~zero_only
        checks.append((nonzero, pl.format(f"{column} {{}} must be greater than zero", q)))
    return checks


def _rate_checks(column: str) -> list[Check]:
    v = pl.col(column)
    present = v.is_not_null()
    ok = v.str.contains(r"^[0-9]{1,9}(\.[0-9]{1,8})?$") & ~v.str.contains(r"^0+(\.0+)?$")
    return [
        (
            present & ~ok,
            pl.format(
                f"{column} {{}} must be a positive plain decimal with at most 8 places",
                _quoted(column),
            ),
        )
    ]


def _yearly_rate_checks(column: str) -> list[Check]:
    """A yearly rate as a fraction (0.08 for 8 %): zero or more, below 1, at most 8 places."""
    v = pl.col(column)
    return [
        (
            v.is_not_null() & ~v.str.contains(r"^0*(\.[0-9]{1,8})?$"),
            pl.format(
                f"{column} {{}} must be a yearly rate as a plain decimal fraction below 1 "
                "with at most 8 places (0.08 for 8 %)",
                _quoted(column),
            ),
        )
    ]


def _months_checks(column: str) -> list[Check]:
    """A whole number of months from 1 to 120 (written plainly: 24, not 24.0 or +24)."""
    v = pl.col(column)
    return [
        (
            v.is_not_null() & ~v.str.contains(r"^([1-9]|[1-9][0-9]|1[01][0-9]|120)$"),
            pl.format(
                f"{column} {{}} must be a whole number of months from 1 to 120", _quoted(column)
            ),
        )
    ]


def _ta_checks() -> list[Check]:
    """The forecast's parameters (issue 15): the rates of contribution and the growth's
    standard deviation are fractions from 0 to 1; the growth a signed yearly rate above -1 and
    at most 1; the bow a positive decimal up to 10; the life whole years from 1 to 30."""
    checks = [
        c
        for col in ("ta_rc_1", "ta_rc_2", "ta_rc_3", "ta_growth_sd")
        for c in _fraction_checks(col)
    ]
    growth, bow, life = pl.col("ta_growth"), pl.col("ta_bow"), pl.col("ta_life")
    signed = r"^(-?0*(\.[0-9]{1,8})?|0*1(\.0{1,8})?)$"
    positive = r"^(0*[0-9](\.[0-9]{1,8})?|0*10(\.0{1,8})?)$"
    return [
        *checks,
        (
            growth.is_not_null() & ~growth.str.contains(signed),
            pl.format(
                "ta_growth {} must be a yearly growth rate as a plain decimal fraction above -1 "
                "and at most 1 with at most 8 places (0.13 for 13 %)",
                _quoted("ta_growth"),
            ),
        ),
        (
            bow.is_not_null() & (~bow.str.contains(positive) | bow.str.contains(r"^0*(\.0*)?$")),
            pl.format(
                "ta_bow {} must be a positive plain decimal up to 10 with at most 8 places",
                _quoted("ta_bow"),
            ),
        ),
        (
            life.is_not_null() & ~life.str.contains(r"^([1-9]|[12][0-9]|30)$"),
            pl.format(
                "ta_life {} must be a whole number of years from 1 to 30", _quoted("ta_life")
            ),
        ),
    ]


def _fraction_checks(column: str) -> list[Check]:
    """A share or rate as a fraction from 0 to 1 (0.02 for 2 %, 1 for 100 %), 8 places."""
    v = pl.col(column)
    fraction = r"^(0*(\.[0-9]{1,8})?|0*1(\.0{1,8})?)$"
    return [
        (
            v.is_not_null() & ~v.str.contains(fraction),
            pl.format(
                f"{column} {{}} must be a plain decimal fraction from 0 to 1 with at most 8 "
                "places (0.02 for 2 %, 1 for 100 %)",
                _quoted(column),
            ),
        )
    ]


# terms.csv: a column that needs others on its row (none is assumed): column -> the others.
# gp_investor_id is not among them: a GP without a commitment of its own in the fund (none
# then pays no fee or bears no carry as the GP's) still receives the carry.
TERMS_NEEDS = {
    "fee_rate_investment_period": ("fee_basis_investment_period", "fee_timing"),
    "fee_rate_after": ("fee_basis_after", "fee_timing"),
    "carry_pct": ("hurdle_rate", "catch_up_pct", "waterfall"),
}
# ... and the columns that mean nothing without the first one.
TERMS_BELONG = {
    "fee_basis_investment_period": "fee_rate_investment_period",
    "fee_basis_after": "fee_rate_after",
    "hurdle_rate": "carry_pct",
    "catch_up_pct": "carry_pct",
    "waterfall": "carry_pct",
}


def _terms_row_checks() -> list[Check]:
    """The terms of a row hang together: a fee rate has its basis and timing, a carry its
    hurdle, catch-up and waterfall; a catch-up (when any) above the carry."""
    checks: list[Check] = []
    for column, others in TERMS_NEEDS.items():
        for other in others:
            checks.append(
                (
                    pl.col(column).is_not_null() & pl.col(other).is_null(),
                    pl.lit(f"{column} is set but {other} is empty (terms need both)"),
                )
            )
    for column, owner in TERMS_BELONG.items():
        checks.append(
            (
                pl.col(column).is_not_null() & pl.col(owner).is_null(),
                pl.lit(f"{column} is set but {owner} is empty"),
            )
        )
    fee_rates = (
        pl.col("fee_rate_investment_period").is_not_null() | pl.col("fee_rate_after").is_not_null()
    )
    checks.append(
        (
            pl.col("fee_offset_pct").is_not_null() & ~fee_rates,
            pl.lit("fee_offset_pct is set but the terms give no fee rate"),
        )
    )
    catch_up, carry = (pl.col(c).cast(RATE, strict=False) for c in ("catch_up_pct", "carry_pct"))
    checks.append(
        (
            (catch_up > 0) & (catch_up <= carry),
            pl.format(
                "catch_up_pct {} must be 0 (no catch-up) or above carry_pct {} (else the GP "
                "never catches up)",
                _quoted("catch_up_pct"),
                _quoted("carry_pct"),
            ),
        )
    )
    return checks


def _received_after_statement() -> Check:
    """A GP statement is received on or after the date it is made up to."""
    received, made_up = (
        pl.col(c).str.to_date("%Y-%m-%d", strict=False) for c in ("received_date", "statement_date")
    )
    return (
        received < made_up,
        pl.format(
            "received_date {} is before statement_date {} (a statement is received after the "
            "date it is made up to)",
            _quoted("received_date"),
            _quoted("statement_date"),
        ),
    )


def _due_after_notice() -> Check:
    """A call falls due on or after the date it is noticed."""
    due, noticed = (
        pl.col(c).str.to_date("%Y-%m-%d", strict=False) for c in ("due_date", "notice_date")
    )
    return (
        due < noticed,
        pl.format(
            "due_date {} is before notice_date {} (a call falls due on or after its notice)",
            _quoted("due_date"),
            _quoted("notice_date"),
        ),
    )


def _index_level_checks() -> list[Check]:
    """An index level is a positive plain decimal with at most 6 places (the PMEs divide by
    it)."""
    v = pl.col("level")
    return [
        (
            v.is_not_null()
            & (~v.str.contains(r"^[0-9]{1,12}(\.[0-9]{1,6})?$") | v.str.contains(r"^0*(\.0*)?$")),
            pl.format(
                "level {} must be a positive plain decimal with at most 6 places (like 17234.56)",
                _quoted("level"),
            ),
        ),
    ]


def _checks(spec: FileSpec) -> list[Check]:
    checks = [_required(c) for c in REQUIRED_VALUES[spec.name]]
    checks += [_code(c, allowed) for (f, c), allowed in CODES.items() if f == spec.name]
    checks += [_date(c) for c in DATE_COLUMNS if c in spec.columns]
    write_off = (pl.col("type") == "write_off") if "type" in spec.columns else None
    for column, zero_ok in AMOUNT_COLUMNS.items():
        if column in spec.columns:
            why = _NEVER_NEGATIVE.get(spec.name, _SIGNED_BY_TYPE)
            checks += _amount_checks(column, zero_ok, write_off, why)
    if "quantity" in spec.columns:
        checks += quantities.row_checks()
    if "hkd_per_unit" in spec.columns:
        checks += _rate_checks("hkd_per_unit")
    if "equalisation_rate" in spec.columns:
        checks += _yearly_rate_checks("equalisation_rate")
    for column in (*FRACTIONS, "fee_discount_pct"):
        if column in spec.columns:
            checks += _fraction_checks(column)
    if spec.name == "terms":
        checks += _terms_row_checks() + _months_checks("matching_deadline_months")
        checks += _months_checks("irr_nm_months") + _ta_checks()
    if spec.name == "index_levels":
        checks += _index_level_checks()
    if "received_date" in spec.columns:
        checks.append(_received_after_statement())
    if "due_date" in spec.columns:
        checks.append(_due_after_notice())
    if "currency" in spec.columns:
        checks.append(
            (
                pl.col("currency").is_not_null() & ~pl.col("currency").str.contains(r"^[A-Z]{3}$"),
                pl.format(
                    "currency {} is not an ISO code of 3 capital letters", _quoted("currency")
                ),
            )
        )
    if spec.name == "transactions":
        checks += service_checks()
    if "vintage" in spec.columns:
        checks.append(
            (
                pl.col("vintage").is_not_null()
                & ~pl.col("vintage").str.contains(r"^(19|20)[0-9]{2}$"),
                pl.format("vintage {} is not a year", _quoted("vintage")),
            )
        )
    return checks


def errors_where(frame: pl.DataFrame, display: str, checks: list[Check]) -> list[LedgerError]:
    """One LedgerError per row and failing check (one pass when every row is fine)."""
    errors: list[LedgerError] = []
    if not checks or frame.height == 0:
        return errors
    flags = frame.select(
        [cond.fill_null(False).any().alias(f"c{i}") for i, (cond, _) in enumerate(checks)]
    ).row(0)
    checks = [check for check, hit in zip(checks, flags, strict=True) if hit]
    for condition, message in checks:
        hits = frame.filter(condition).select(pl.col(LINE), message.alias("message"))
        errors.extend(LedgerError(display, line, msg) for line, msg in hits.iter_rows())
    return errors


def duplicate_key_errors(frame: pl.DataFrame, spec: FileSpec, display: str) -> list[LedgerError]:
    """Rows whose key repeats an earlier row of the same file."""
    key = list(spec.key)
    keys = pl.col(key[0]) if len(key) == 1 else pl.struct(key)
    if frame.select(keys.n_unique()).item() == frame.height:  # cheaper than is_duplicated
        return []
    dupes = frame.with_columns(pl.col(LINE).min().over(key).alias("first_line")).filter(
        pl.all_horizontal(pl.col(key).is_not_null()) & (pl.col(LINE) != pl.col("first_line"))
    )
    label = ", ".join(key)
    out = []
    for row in dupes.iter_rows(named=True):
        value = ", ".join(str(row[k]) for k in key)
        out.append(
            LedgerError(
                display,
                row[LINE],
                f"duplicate {label} '{value}' (first at line {row['first_line']})",
            )
        )
    return out


def check_file(
    frame: pl.DataFrame, spec: FileSpec, display: str
) -> tuple[pl.DataFrame, list[LedgerError]]:
    """Check one file's string frame; return it typed (bad values become null) with errors."""
    errors = errors_where(frame, display, _checks(spec))
    dupes = duplicate_key_errors(frame, spec, display)
    if dupes:  # reported once here; later checks see only the first row of each key
        repeated = {e.line for e in dupes}
        frame = frame.filter(~pl.col(LINE).is_in(list(repeated)))
    return _typed(frame, spec), errors + dupes


def _typed(frame: pl.DataFrame, spec: FileSpec) -> pl.DataFrame:
    casts = []
    for column, dtype in spec.types.items():
        col = pl.col(column)
        if dtype == pl.Date():
            casts.append(col.str.to_date("%Y-%m-%d", strict=False))
        elif dtype == MONEY:
            ok = col.str.contains(r"^[0-9]{1,16}(\.[0-9]{1,2})?$")
            casts.append(pl.when(ok).then(col).cast(MONEY, strict=False).alias(column))
        elif dtype == QUANTITY:
            ok = col.str.contains(r"^[0-9]{1,12}(\.[0-9]{1,6})?$")
            casts.append(pl.when(ok).then(col).cast(QUANTITY, strict=False).alias(column))
        elif dtype == RATE:
            casts.append(col.cast(RATE, strict=False))
        elif dtype == pl.Boolean():
            casts.append(
                pl.when(col == "true")
                .then(True)
                .when(col == "false")
                .then(False)
                .otherwise(None)
                .alias(column)
            )
        elif dtype == pl.Int32():
            casts.append(col.cast(pl.Int32, strict=False))
    if spec.name == "companies":
        casts.append(pl.col("theme").replace(LEGACY_THEMES))
    return frame.with_columns(casts)

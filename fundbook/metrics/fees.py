"""Management fees per partner and calendar quarter, computed from the LPA terms (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import polars as pl

from fundbook.core.errors import FundbookError
from fundbook.metrics import fee_offsets
from fundbook.metrics.money import (
    CENTS,
    allocate,
    as_money,
    cents,
    divide_half_even,
    refuse_overflow,
    zero,
)

DEFAULT_FEE_TOLERANCE = Decimal("1.00")  # terms.csv fee_tolerance left empty
UNITS = fee_offsets.UNITS  # the fractions of terms.csv have 8 places
# Every quarter has 90, 91 or 92 days: a day of any quarter is LCD/days of the LCD, so the
# segments of a partner-quarter (several quarters for a catch-up) add up over one denominator.
DAYS_LCD = 376_740  # lcm(90, 91, 92)
DENOMINATOR = 4 * DAYS_LCD * UNITS  # a quarter is a quarter of the yearly rate
_FAR = date(9999, 12, 31)
FEE_COLUMNS = (
    "fund_id",
    "investor_id",
    "quarter",
    "quarter_start",
    "quarter_end",
    "due_date",
    "pays_fee",
    "fee_catch_up",
    "fee_gross",
    "fee_discount",
    "fee_offset",
    "fee_net",
)


@dataclass(frozen=True)
class FeeSchedule:
    """`fees`: per (fund_id, investor_id, quarter) the fee computed from the terms (columns
    `FEE_COLUMNS`, money as pl.Decimal(38, 2)); `offsets`: per (fund_id, quarter) the
    portfolio fees received, the offset they make available next quarter, and the offset
    applied to this quarter's fees and carried forward."""

    fees: pl.DataFrame
    offsets: pl.DataFrame


def fee_schedule(
    commitments: pl.DataFrame,
    terms: pl.DataFrame,
    funds: pl.DataFrame,
    investor_terms: pl.DataFrame,
    basis: pl.DataFrame,
    portfolio_fees: pl.DataFrame,
    through: date,
) -> FeeSchedule:
    """Each partner's management fee for every calendar quarter from its fund's first closing
    to the quarter holding `through` (docs/methods.md, *Management fees*).

    `commitments`, `terms`, `funds`, `investor_terms` are the frames of those names;
    `basis`: (fund_id, investor_id, quarter_start, nav, net_invested_capital) the partner's
    capital account and attributed cost of unrealised investments at each quarter's start,
    needed only for the quarters after an investment period whose `fee_basis_after` is one of
    them (`net_invested_capital_by_partner` attributes the fund's); `portfolio_fees`:
    (fund_id, date, amount_fund) the fees the GP received from holdings, for the offsets."""
    fund_terms = _fund_terms(commitments, terms, funds, through)
    if fund_terms.height == 0:
        return FeeSchedule(_empty_fees(), fee_offsets.empty_offsets())
    quarters = _quarters(fund_terms, through)
    partners = _partners(commitments, fund_terms, investor_terms, through)
    nums = pl.concat(
        [
            _commitment_numerators(commitments, quarters, partners, through),
            _basis_numerators(quarters, partners, basis),
        ],
        how="vertical",
    )
    gross = _rounded(partners, quarters, nums)
    offsets = fee_offsets.offsets(gross, quarters, portfolio_fees)
    fees = fee_offsets.with_offsets(gross, offsets)
    return FeeSchedule(as_money(fees.select(FEE_COLUMNS)), as_money(offsets))


def fee_tolerance(terms: pl.DataFrame) -> pl.DataFrame:
    """Per fund of terms.csv: the difference between booked and computed fees above which the
    close warns (`fee_tolerance`, DEFAULT_FEE_TOLERANCE when left empty)."""
    return terms.select(
        "fund_id",
        pl.col("fee_tolerance").cast(pl.Decimal(38, 2)).fill_null(DEFAULT_FEE_TOLERANCE),
    )


def net_invested_capital_by_partner(
    fund_nic: pl.DataFrame, commitments: pl.DataFrame
) -> pl.DataFrame:
    """The fund's cost of unrealised investments at each quarter start (fund_id,
    quarter_start, net_invested_capital) attributed to its partners by their commitments
    dated on or before that day, by largest remainder (the shares add up to the cent)."""
    weights = (
        commitments.join(fund_nic.select("fund_id", "quarter_start"), on="fund_id")
        .filter(pl.col("date") <= pl.col("quarter_start"))
        .group_by("fund_id", "quarter_start", "investor_id")
        .agg(cents(pl.col("amount_fund")).sum().alias("_weight"))
    )
    rows = weights.join(fund_nic, on=["fund_id", "quarter_start"]).with_columns(
        cents(pl.col("net_invested_capital")).alias("_nic"),
        pl.format("{}|{}", "fund_id", "quarter_start").alias("_g"),
    )
    out = allocate(rows, "_nic", "_weight", "_g", "investor_id", "net_invested_capital")
    return as_money(out.select("fund_id", "investor_id", "quarter_start", "net_invested_capital"))


def _units(column: str) -> pl.Expr:
    """A fraction of terms.csv as an exact integer of 10⁻⁸ (null as 0)."""
    return (pl.col(column).cast(pl.Decimal(38, 8)) * UNITS).cast(CENTS).fill_null(0)


def _fund_terms(
    commitments: pl.DataFrame, terms: pl.DataFrame, funds: pl.DataFrame, through: date
) -> pl.DataFrame:
    """Funds whose terms set a fee rate: rates in 10⁻⁸, first closing, investment period end."""
    first = (
        commitments.filter(pl.col("date") <= through)
        .group_by("fund_id")
        .agg(pl.col("date").min().alias("first_close"))
    )
    return (
        terms.filter(
            pl.col("fee_rate_investment_period").is_not_null()
            | pl.col("fee_rate_after").is_not_null()
        )
        .join(first, on="fund_id")
        .join(funds.select("fund_id", "investment_period_end"), on="fund_id", how="left")
        .select(
            "fund_id",
            "first_close",
            pl.col("investment_period_end").fill_null(_FAR).alias("ip_end"),
            _units("fee_rate_investment_period").alias("rate_ip"),
            _units("fee_rate_after").alias("rate_after"),
            pl.col("fee_basis_after").fill_null("commitment").alias("basis_after"),
            pl.col("fee_timing"),
            _units("fee_offset_pct").alias("offset_units"),
            pl.col("gp_investor_id"),
        )
    )


def _quarters(fund_terms: pl.DataFrame, through: date) -> pl.DataFrame:
    """One row per fund and calendar quarter from the first closing's to `through`'s, with its
    days (`q_days`) and each day's weight over DAYS_LCD (`q_weight`)."""
    start = pl.col("first_close").dt.truncate("1q")
    rows = fund_terms.with_columns(
        pl.date_ranges(start, pl.lit(through).dt.truncate("1q"), "1q").alias("quarter_start")
    ).explode("quarter_start")
    end = pl.col("quarter_start").dt.offset_by("1q").dt.offset_by("-1d")
    rows = rows.with_columns(end.alias("quarter_end"))
    days = (pl.col("quarter_end") - pl.col("quarter_start")).dt.total_days() + 1
    return rows.with_columns(
        pl.format(
            "{}Q{}", pl.col("quarter_start").dt.year(), pl.col("quarter_start").dt.quarter()
        ).alias("quarter"),
        days.alias("q_days"),
        (DAYS_LCD // days).cast(CENTS).alias("q_weight"),
    )


def _partners(
    commitments: pl.DataFrame,
    fund_terms: pl.DataFrame,
    investor_terms: pl.DataFrame,
    through: date,
) -> pl.DataFrame:
    """Each partner of a fund with fee terms: admission (its first commitment), whether it
    pays fees (not the GP's commitment), its side-letter discount in 10⁻⁸."""
    admitted = (
        commitments.filter(pl.col("date") <= through)
        .group_by("fund_id", "investor_id")
        .agg(pl.col("date").min().alias("admitted"))
    )
    side = investor_terms.select(
        "fund_id", "investor_id", _units("fee_discount_pct").alias("discount_units")
    )
    return (
        admitted.join(fund_terms.select("fund_id", "gp_investor_id"), on="fund_id")
        .join(side, on=["fund_id", "investor_id"], how="left")
        .with_columns(
            pl.col("discount_units").fill_null(0),
            (pl.col("investor_id") != pl.col("gp_investor_id")).fill_null(True).alias("pays_fee"),
        )
        .drop("gp_investor_id")
    )


def _days(lo: pl.Expr, hi: pl.Expr) -> pl.Expr:
    """Days from lo to hi, both included (0 when empty), as Int128."""
    return pl.max_horizontal((hi - lo).dt.total_days() + 1, pl.lit(0)).cast(CENTS)


def _commitment_numerators(
    commitments: pl.DataFrame, quarters: pl.DataFrame, partners: pl.DataFrame, through: date
) -> pl.DataFrame:
    """Fees on commitments, over DENOMINATOR: each commitment row pays from the fund's first
    closing as if committed then. Its days on or after its date are the quarter's own fee;
    those before it are catch-up fees, charged in the quarter of its date."""
    tranches = (
        commitments.filter(pl.col("date") <= through)
        .join(
            partners.filter("pays_fee").select("fund_id", "investor_id"),
            on=["fund_id", "investor_id"],
        )
        .select("fund_id", "investor_id", "date", cents(pl.col("amount_fund")).alias("_amount"))
    )
    grid = tranches.join(quarters, on="fund_id")
    lo = pl.max_horizontal("quarter_start", "first_close")
    ip_hi = pl.min_horizontal("quarter_end", "ip_end")
    after_lo = pl.max_horizontal(lo, pl.col("ip_end").dt.offset_by("1d"))
    on_commitment = pl.col("basis_after") == "commitment"
    rate_after = pl.when(on_commitment).then(pl.col("rate_after")).otherwise(zero())
    before = pl.col("date").dt.offset_by("-1d")

    def segment(lo_: pl.Expr, hi_: pl.Expr, rate: pl.Expr) -> pl.Expr:
        return pl.col("_amount") * rate * _days(lo_, hi_) * pl.col("q_weight")

    own = segment(pl.max_horizontal(lo, "date"), ip_hi, pl.col("rate_ip")) + segment(
        pl.max_horizontal(after_lo, "date"), pl.col("quarter_end"), rate_after
    )
    catch_up = segment(lo, pl.min_horizontal(ip_hi, before), pl.col("rate_ip")) + segment(
        after_lo, pl.min_horizontal(pl.col("quarter_end"), before), rate_after
    )
    # a partner-quarter sums at most a rate x LCD per quarter of the life, then x the discount
    quarters_n = max(quarters.height, 1)
    bound = [
        pl.col("_amount").sum().over("fund_id", "investor_id"),
        pl.lit(UNITS**2 * DAYS_LCD * quarters_n, CENTS).alias("_bound"),
    ]
    refuse_overflow(grid, [bound], "management fees")
    own_rows = grid.select("fund_id", "investor_id", "quarter_start", own.alias("_own"))
    caught = grid.select(
        "fund_id",
        "investor_id",
        pl.col("date").dt.truncate("1q").alias("quarter_start"),
        catch_up.alias("_catch_up"),
    )
    return pl.concat([own_rows, caught], how="diagonal").with_columns(
        pl.col("_own", "_catch_up").fill_null(0)
    )


def _basis_numerators(
    quarters: pl.DataFrame, partners: pl.DataFrame, basis: pl.DataFrame
) -> pl.DataFrame:
    """Fees after the investment period on `nav` or `net_invested_capital`, over DENOMINATOR:
    the partner's amount at the quarter's start x rate x its days after the period (from its
    admission: before, it had no capital account to charge)."""
    on_basis = quarters.filter(pl.col("basis_after") != "commitment")
    grid = on_basis.join(partners.filter("pays_fee"), on="fund_id").with_columns(
        _days(
            pl.max_horizontal(
                "quarter_start", "first_close", "admitted", pl.col("ip_end").dt.offset_by("1d")
            ),
            pl.col("quarter_end"),
        ).alias("_days")
    )
    grid = grid.filter(pl.col("_days") > 0).join(
        basis, on=["fund_id", "investor_id", "quarter_start"], how="left"
    )
    amount = pl.when(pl.col("basis_after") == "nav").then("nav").otherwise("net_invested_capital")
    grid = grid.with_columns(cents(amount).alias("_basis"))
    missing = grid.filter(pl.col("_basis").is_null()).sort(
        "fund_id", "quarter_start", "investor_id"
    )
    if missing.height:
        r = missing.row(0, named=True)
        raise FundbookError(
            f"management fees of fund {r['fund_id']}: no {r['basis_after']} for partner "
            f"{r['investor_id']} at {r['quarter_start']} (the fee basis after the investment "
            "period)"
        )
    own = pl.col("_basis") * pl.col("rate_after") * pl.col("_days") * pl.col("q_weight")
    return grid.select(
        "fund_id",
        "investor_id",
        "quarter_start",
        own.alias("_own"),
        pl.lit(0, CENTS).alias("_catch_up"),
    )


def _rounded(partners: pl.DataFrame, quarters: pl.DataFrame, nums: pl.DataFrame) -> pl.DataFrame:
    """Per partner and quarter from its admission's: the fee in cents, each figure rounded
    half-even once from the exact sum (`fee_gross`, its `fee_catch_up`, and
    `fee_after_discount` after the side-letter discount; `fee_discount` = the difference)."""
    sums = nums.group_by("fund_id", "investor_id", "quarter_start").agg(
        pl.col("_own").sum(), pl.col("_catch_up").sum()
    )
    rows = (
        partners.join(quarters, on="fund_id")
        .filter(pl.col("quarter_start") >= pl.col("admitted").dt.truncate("1q"))
        .join(sums, on=["fund_id", "investor_id", "quarter_start"], how="left")
        .with_columns(pl.col("_own", "_catch_up").fill_null(0))
    )
    den = pl.lit(DENOMINATOR, CENTS)
    total = pl.col("_own") + pl.col("_catch_up")
    kept = pl.lit(UNITS, CENTS) - pl.col("discount_units")
    advance = pl.max_horizontal("quarter_start", "first_close", "admitted")
    return rows.with_columns(
        divide_half_even(total, den).alias("fee_gross"),
        divide_half_even(pl.col("_catch_up"), den).alias("fee_catch_up"),
        divide_half_even(total * kept, den * UNITS).alias("fee_after_discount"),
        pl.when(pl.col("fee_timing") == "quarterly_arrears")
        .then(pl.col("quarter_end"))
        .otherwise(advance)
        .alias("due_date"),
    ).with_columns((pl.col("fee_gross") - pl.col("fee_after_discount")).alias("fee_discount"))


def _empty_fees() -> pl.DataFrame:
    money = pl.Decimal(38, 2)
    schema: dict[str, pl.DataType] = {
        "fund_id": pl.String(),
        "investor_id": pl.String(),
        "quarter": pl.String(),
        "quarter_start": pl.Date(),
        "quarter_end": pl.Date(),
        "due_date": pl.Date(),
        "pays_fee": pl.Boolean(),
    }
    schema.update((c, money) for c in FEE_COLUMNS if c not in schema)
    return pl.DataFrame(schema=schema)

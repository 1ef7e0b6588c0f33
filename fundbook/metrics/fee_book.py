"""The fee schedule fed from the book, and the booked fees checked against it (pure)."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl

from fundbook.metrics import fees
from fundbook.metrics.fee_attribution import QUARTER, attribute
from fundbook.metrics.memo import per_frames
from fundbook.metrics.money import CENTS, as_money, cents, from_cents, zero
from fundbook.metrics.protocol import BookFrames
from fundbook.metrics.state import book_state

# The computed figures of a partner-quarter that the check shows, as fees.fee_schedule names them.
COMPUTED = ("fee_gross", "fee_discount", "fee_offset", "fee_catch_up", "fee_net")
BOOKED = ("booked_own", "booked_fund_share", "booked", "difference")
TOLERANCE = ("fee_tolerance", "within_tolerance")
CHECK_COLUMNS = ("fund_id", "quarter", "investor_id", "pays_fee", *COMPUTED, *BOOKED)
TOTAL_COLUMNS = ("fund_id", "quarter", *COMPUTED, *BOOKED, *TOLERANCE)


def book_fee_schedule(frames: BookFrames, through: date) -> fees.FeeSchedule:
    """`fees.fee_schedule` of every fund with fee terms, through `through` (on or before
    frames.as_of), its inputs taken from the book: the frames of the terms, the portfolio_fee
    rows, and the fee basis after the investment period from `state.book_state` at each
    quarter's opening (the close of the day before its first day)."""
    portfolio = frames.transactions.filter(
        (pl.col("type") == "portfolio_fee") & (pl.col("date") <= through)
    ).select("fund_id", "date", "amount_fund")
    return fees.fee_schedule(
        frames.commitments,
        frames.terms,
        frames.funds,
        frames.investor_terms,
        fee_basis(frames, through),
        portfolio,
        through,
    )


def fee_basis(frames: BookFrames, through: date) -> pl.DataFrame:
    """Per partner of a fund whose fee after its investment period is on `nav` or
    `net_invested_capital`: (fund_id, investor_id, quarter_start, nav, net_invested_capital)
    at the opening of each quarter after the period, through `through`. The capital account
    (`nav`) and the fund's cost of unrealised investments (`remaining_cost`) are the book
    state's, at the close of the day before the quarter's first day."""
    starts = _basis_quarter_starts(frames, through)
    if not starts:
        return pl.DataFrame(
            schema={
                "fund_id": pl.String(),
                "investor_id": pl.String(),
                "quarter_start": pl.Date(),
                "nav": pl.Decimal(38, 2),
                "net_invested_capital": pl.Decimal(38, 2),
            }
        )
    navs, nics = [], []
    for start in starts:
        state = book_state(frames, start - timedelta(days=1))
        day = pl.lit(start).alias("quarter_start")
        navs.append(state.accounts.select("fund_id", "investor_id", day, from_cents(pl.col("nav"))))
        nics.append(
            state.funds.select(
                "fund_id", day, from_cents(pl.col("remaining_cost")).alias("net_invested_capital")
            )
        )
    by_partner = fees.net_invested_capital_by_partner(pl.concat(nics), frames.commitments)
    return as_money(
        pl.concat(navs).join(
            by_partner, on=["fund_id", "investor_id", "quarter_start"], how="full", coalesce=True
        )
    )


def _basis_quarter_starts(frames: BookFrames, through: date) -> list[date]:
    """The first days of the quarters, through `through`'s, that some fund charges on `nav`
    or `net_invested_capital`: those ending after its investment period."""
    last = pl.lit(through).dt.truncate("1q")
    funds = frames.terms.filter(
        pl.col("fee_rate_after").is_not_null()
        & pl.col("fee_basis_after").is_in(["nav", "net_invested_capital"])
    ).join(frames.funds.select("fund_id", "investment_period_end"), on="fund_id")
    if funds.height == 0:
        return []
    period_ends = funds["investment_period_end"].drop_nulls()
    if period_ends.len() == 0:
        return []
    first = pl.lit(period_ends.min()).dt.truncate("1q")
    grid = pl.select(pl.date_ranges(first, last, "1q").alias("q")).explode("q").drop_nulls()
    return sorted(grid["q"].to_list())


@per_frames
def partner_fees(frames: BookFrames, through: date) -> pl.DataFrame:
    """Per partner and quarter of the schedule through `through` (`book_fee_schedule`; the
    quarter holding `through` too): fund_id, quarter, quarter_start, quarter_end,
    investor_id, pays_fee, the computed figures (`COMPUTED`) and `booked_own` (its own `fee`
    rows dated in the quarter, on or before `through`), money in cents. What a quarter's
    fund-level fee rows are attributed by (`fee_attribution.attribute`)."""
    schedule = book_fee_schedule(frames, through).fees.with_columns(
        cents(pl.col(c)).alias(c) for c in COMPUTED
    )
    own = _booked(frames, schedule, through).filter(pl.col("investor_id").is_not_null())
    return schedule.join(
        own, on=["fund_id", "quarter_start", "investor_id"], how="left"
    ).with_columns(pl.col("booked_own").fill_null(zero()))


def fee_check(frames: BookFrames, through: date) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Computed and booked management fees of every quarter ending on or before `through`
    (docs/methods.md, *Fees computed and booked*): per partner (`CHECK_COLUMNS`) and per fund
    and quarter (`TOTAL_COLUMNS`); money as pl.Decimal(38, 2), difference = booked - computed.

    A quarter's booked fees are its `fee` rows dated in it. A row with an investor_id is that
    partner's own; the fund-level rows (no investor_id) are attributed to the partners by
    their computed net fees of the quarter less their own booked fees (not below 0: what the
    fund's invoice is for), largest remainder (`fee_attribution.attribute`, which the capital
    accounts share); without own rows that is by computed fees. A quarter with nothing left
    to attribute by attributes it to no one (the fund total has it)."""
    rows = partner_fees(frames, through).filter(pl.col("quarter_end") <= through)
    booked = _booked(frames, rows, through)
    fund_level = booked.filter(pl.col("investor_id").is_null()).select(
        *QUARTER, pl.col("booked_own").alias("_fund_level")
    )
    rows = attribute(rows, fund_level, "_fund_level", "booked_fund_share")
    rows = rows.with_columns(
        (pl.col("booked_own") + pl.col("booked_fund_share")).alias("booked")
    ).with_columns((pl.col("booked") - pl.col("fee_net")).alias("difference"))
    partners = rows.sort("fund_id", "quarter_start", "investor_id").select(CHECK_COLUMNS)
    return as_money(partners), _totals(frames, rows, booked)


def _booked(frames: BookFrames, quarters: pl.DataFrame, through: date) -> pl.DataFrame:
    """Per (fund_id, quarter_start, investor_id or null for the fund's): the `fee` rows dated
    in the quarter and on or before `through`, in cents (`booked_own`)."""
    spans = quarters.select("fund_id", "quarter_start", "quarter_end").unique()
    return (
        frames.transactions.filter((pl.col("type") == "fee") & (pl.col("date") <= through))
        .join(spans, on="fund_id")
        .filter(pl.col("date").is_between("quarter_start", "quarter_end"))
        .group_by("fund_id", "quarter_start", "investor_id")
        .agg(cents(pl.col("amount_fund")).sum().cast(CENTS).alias("booked_own"))
    )


def _totals(frames: BookFrames, rows: pl.DataFrame, booked: pl.DataFrame) -> pl.DataFrame:
    """Per fund and quarter: the computed fees, every fee row booked in it (an own fee of a
    partner without a computed fee too: `booked_own`; the fund-level rows, attributed or not:
    `booked_fund_share`), the difference and the fund's tolerance."""
    computed = rows.group_by("fund_id", "quarter", "quarter_start").agg(
        pl.col(c).sum() for c in COMPUTED
    )
    own = pl.col("investor_id").is_not_null()
    all_booked = booked.group_by("fund_id", "quarter_start").agg(
        pl.col("booked_own").filter(own).sum(),
        pl.col("booked_own").filter(~own).sum().alias("booked_fund_share"),
        pl.col("booked_own").sum().alias("booked"),
    )
    tolerance = fees.fee_tolerance(frames.terms).with_columns(
        cents(pl.col("fee_tolerance")).alias("_tolerance")
    )
    out = (
        computed.join(all_booked, on=["fund_id", "quarter_start"], how="left")
        .with_columns(pl.col("booked_own", "booked_fund_share", "booked").fill_null(zero()))
        .with_columns((pl.col("booked") - pl.col("fee_net")).alias("difference"))
        .join(tolerance, on="fund_id", how="left")
        .with_columns(
            (pl.col("difference").abs() <= pl.col("_tolerance")).alias("within_tolerance")
        )
    )
    return as_money(out.sort("fund_id", "quarter_start").select(TOTAL_COLUMNS))

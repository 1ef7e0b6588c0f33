"""The fee schedule fed from the book, and the booked fees checked against it (pure)."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl

from fundbook.metrics import fees
from fundbook.metrics.fee_attribution import QUARTER, attribute
from fundbook.metrics.memo import per_frames
from fundbook.metrics.money import CENTS, as_money, cents, convert, from_cents, zero
from fundbook.metrics.positions import fx_at
from fundbook.metrics.protocol import BookFrames
from fundbook.metrics.state import book_state, fund_costs

# The computed figures of a partner-quarter that the check shows, as fees.fee_schedule names them.
COMPUTED = ("fee_gross", "fee_discount", "fee_offset", "fee_catch_up", "fee_net")
BOOKED = ("booked_own", "booked_fund_share", "booked", "difference")
TOLERANCE = ("fee_tolerance", "within_tolerance")
CHECK_COLUMNS = ("fund_id", "quarter", "investor_id", "pays_fee", *COMPUTED, *BOOKED)
TOTAL_COLUMNS = ("fund_id", "quarter", *COMPUTED, *BOOKED, *TOLERANCE)
# Whether a fund-quarter's booked fees are within its tolerance of the computed ones (of its
# `difference` and `fee_tolerance`, both in cents or both money).
WITHIN_TOLERANCE = pl.col("difference").abs() <= pl.col("fee_tolerance")
# The fund-quarter lines a close stores (level `fee_check`): computed, booked, the difference
# and the fund's tolerance.
LEVEL_COLUMNS = ("fund_id", "quarter", "fee_net", "booked", "difference", *TOLERANCE)
# The level's figures also in HKD at the as-of rate (the board adds funds of several
# currencies in HKD): `<figure>_hkd`, the cents of the figure converted, half-even.
HKD_FIGURES = ("fee_net", "booked", "difference")


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


_BASIS_KEYS = ["fund_id", "investor_id", "quarter_start"]
_BASIS_SCHEMA: dict[str, pl.DataType] = {
    "fund_id": pl.String(),
    "investor_id": pl.String(),
    "quarter_start": pl.Date(),
    "nav": pl.Decimal(38, 2),
    "net_invested_capital": pl.Decimal(38, 2),
}


def fee_basis(frames: BookFrames, through: date) -> pl.DataFrame:
    """Per partner of a fund whose fee after its investment period is on `nav` or
    `net_invested_capital`: (fund_id, investor_id, quarter_start, nav, net_invested_capital)
    at the opening of each quarter after the period, through `through`. The capital account
    (`nav`, the book state's; only for the funds charging on it, null elsewhere) and the
    fund's cost of unrealised investments (`remaining_cost`, `state.fund_costs`: the book
    state's without the rest of it) are those at the close of the day before the quarter's
    first day. A partner admitted on or after a quarter's first day has none there: its basis
    of that quarter is taken at the close of its admission day (`_at_admission`), and its fee
    runs from that day."""
    starts = _basis_quarter_starts(frames, through)
    if not starts:
        return pl.DataFrame(schema=_BASIS_SCHEMA)
    nav_funds = _nav_funds(frames)
    navs, nics = [], []
    for start in starts:
        day = pl.lit(start).alias("quarter_start")
        navs.append(_navs(frames, start - timedelta(days=1), nav_funds).with_columns(day))
        nics.append(_nic(frames, start - timedelta(days=1)).with_columns(day))
    by_partner = fees.net_invested_capital_by_partner(pl.concat(nics), frames.commitments)
    at_opening = as_money(
        pl.concat(navs).join(by_partner, on=_BASIS_KEYS, how="full", coalesce=True)
    ).select(*(pl.col(c).cast(t) for c, t in _BASIS_SCHEMA.items()))
    late = _at_admission(frames, starts, through)
    if late.height == 0:
        return at_opening
    both = at_opening.join(late, on=_BASIS_KEYS, how="full", coalesce=True, suffix="_admitted")
    return both.select(
        *_BASIS_KEYS,
        *(pl.coalesce(c, f"{c}_admitted").alias(c) for c in ("nav", "net_invested_capital")),
    )


def _nav_funds(frames: BookFrames) -> pl.DataFrame:
    """The funds charging a fee on the capital account (`nav`) after the investment period:
    the only ones whose fee basis needs the full book state."""
    return frames.terms.filter(pl.col("fee_basis_after") == "nav").select("fund_id").unique()


def _navs(frames: BookFrames, day: date, nav_funds: pl.DataFrame) -> pl.DataFrame:
    """The capital accounts (fund_id, investor_id, nav as money) at the close of `day` of
    the funds `nav_funds` (the book state there; none read without such a fund)."""
    if nav_funds.height == 0:
        return pl.DataFrame(
            schema={"fund_id": pl.String(), "investor_id": pl.String(), "nav": pl.Decimal(38, 2)}
        )
    accounts = book_state(frames, day).accounts.join(nav_funds, on="fund_id", how="semi")
    return accounts.select("fund_id", "investor_id", from_cents(pl.col("nav")))


def _nic(frames: BookFrames, day: date) -> pl.DataFrame:
    """Per fund: its cost of unrealised investments at the close of `day`
    (`net_invested_capital`, money; `state.fund_costs`)."""
    return fund_costs(frames, day).select(
        "fund_id", from_cents(pl.col("remaining_cost")).alias("net_invested_capital")
    )


def _at_admission(frames: BookFrames, starts: list[date], through: date) -> pl.DataFrame:
    """The basis of each partner admitted (its first commitment) on or after the first day of
    a quarter in `starts` that ends after its fund's investment period, for that quarter: its
    capital account and its share of the fund's cost of unrealised investments (by the
    commitments dated on or before that day), at the close of its admission day."""
    admitted = _late_admissions(frames, starts, through)
    nav_funds = _nav_funds(frames)
    parts = []
    for (day,) in admitted.select("admitted").unique().sort("admitted").iter_rows():
        fund_nic = _nic(frames, day).with_columns(
            pl.lit(day).alias("quarter_start")  # attributed by the commitments of that day
        )
        nic = fees.net_invested_capital_by_partner(fund_nic, frames.commitments).drop(
            "quarter_start"
        )
        nav = _navs(frames, day, nav_funds)
        mine = admitted.filter(pl.col("admitted") == day).select(
            "fund_id", "investor_id", "quarter_start"
        )
        parts.append(
            mine.join(nav, on=["fund_id", "investor_id"], how="left").join(
                nic, on=["fund_id", "investor_id"], how="left"
            )
        )
    if not parts:
        return pl.DataFrame(schema=_BASIS_SCHEMA)
    return as_money(pl.concat(parts)).select(*(pl.col(c).cast(t) for c, t in _BASIS_SCHEMA.items()))


def _late_admissions(frames: BookFrames, starts: list[date], through: date) -> pl.DataFrame:
    """The partners of a fund charged on `nav` or `net_invested_capital` admitted (first
    commitment, on or before `through`) in a quarter of `starts` that ends after the fund's
    investment period: fund_id, investor_id, admitted, quarter_start."""
    funds = frames.terms.filter(pl.col("fee_basis_after").is_in(["nav", "net_invested_capital"]))
    quarter = pl.col("admitted").dt.truncate("1q")
    return (
        frames.commitments.filter(pl.col("date") <= through)
        .group_by("fund_id", "investor_id")
        .agg(pl.col("date").min().alias("admitted"))
        .join(funds.select("fund_id"), on="fund_id")
        .join(frames.funds.select("fund_id", "investment_period_end"), on="fund_id")
        .filter(
            quarter.is_in(starts)
            & (quarter.dt.offset_by("1q").dt.offset_by("-1d") > pl.col("investment_period_end"))
        )
        .with_columns(quarter.alias("quarter_start"))
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


def reads_state_on(frames: BookFrames, day: date) -> bool:
    """Whether the schedule through `day` reads `book_state` at `day` itself (`fee_basis`: a
    partner admitted on `day` charged on its capital account at its admission)."""
    late = _late_admissions(frames, _basis_quarter_starts(frames, day), day)
    return late.filter(pl.col("admitted") == day).height > 0


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


def fee_check(
    frames: BookFrames, through: date, started: bool = False
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Computed and booked management fees of every quarter ending on or before `through`
    (`started`: begun by then, its rows booked so far)
    (docs/methods.md, *Fees computed and booked*): per partner (`CHECK_COLUMNS`) and per fund
    and quarter (`TOTAL_COLUMNS`); money as pl.Decimal(38, 2), difference = booked - computed.

    A quarter's booked fees are its `fee` rows dated in it. A row with an investor_id is that
    partner's own; the fund-level rows (no investor_id) are attributed to the partners by
    their computed net fees of the quarter less their own booked fees (not below 0: what the
    fund's invoice is for), largest remainder (`fee_attribution.attribute`, which the capital
    accounts share); without own rows that is by computed fees. A quarter with nothing left
    to attribute by attributes it to no one (the fund total has it)."""
    last = pl.col("quarter_start") if started else pl.col("quarter_end")
    rows = partner_fees(frames, through).filter(last <= through)
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


def fee_check_level(frames: BookFrames, as_of: date) -> pl.DataFrame:
    """The snapshot's `fee_check` level: the fund lines of `fee_check` (`LEVEL_COLUMNS`), every
    quarter ended on or before `as_of`, and `HKD_FIGURES` in HKD at the as-of rate."""
    level = fee_check(frames, as_of)[1].select(LEVEL_COLUMNS)
    rates = frames.funds.select("fund_id", "currency").join(
        fx_at(frames, as_of), on="currency", how="left"
    )
    return (
        level.join(rates, on="fund_id", how="left")
        .with_columns(
            from_cents(convert(cents(pl.col(c)), pl.col("hkd_per_unit"), pl.lit(1))).alias(
                f"{c}_hkd"
            )
            for c in HKD_FIGURES
        )
        .select(*LEVEL_COLUMNS, *(f"{c}_hkd" for c in HKD_FIGURES))
    )


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
    tolerance = fees.fee_tolerance(frames.terms).with_columns(cents(pl.col("fee_tolerance")))
    out = (
        computed.join(all_booked, on=["fund_id", "quarter_start"], how="left")
        .with_columns(pl.col("booked_own", "booked_fund_share", "booked").fill_null(zero()))
        .with_columns((pl.col("booked") - pl.col("fee_net")).alias("difference"))
        .join(tolerance, on="fund_id", how="left")
        .with_columns(WITHIN_TOLERANCE.alias("within_tolerance"))
    )
    return as_money(out.sort("fund_id", "quarter_start").select(TOTAL_COLUMNS))

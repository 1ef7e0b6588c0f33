"""Booked fund-level fees in the capital accounts: split by the partners' computed fees.

Issue 12: in a fund with fee terms (a fee rate in terms.csv), a `fee` row without an
investor_id is the GP's invoice for the partners' fees, so it is allocated to them as
`fee_book.fee_check` attributes it (`fee_attribution.attribute`: by computed net fee less own
booked fees, largest remainder), not by commitment share. A row recognised over a service
period is split as it is recognised, by the weights of the quarter it is dated in. The
capital accounts (`state.book_state`) and the general ledger (`gl_ledger`) each compute the
amounts recognised by their own rules and split them here (docs/methods.md, *Booked fees in
the capital accounts*).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

import polars as pl

from fundbook.metrics.accruals import row_accruals
from fundbook.metrics.fee_attribution import QUARTER, attribute, attribution_quarter
from fundbook.metrics.fee_book import partner_fees, reads_state_on
from fundbook.metrics.memo import per_frames
from fundbook.metrics.money import CENTS
from fundbook.metrics.protocol import BookFrames

GRID_SHARES = pl.Schema(
    {
        "fund_id": pl.String(),
        "at": pl.Date(),
        "investor_id": pl.String(),
        "quarter_start": pl.Date(),
        "attributed_fees": CENTS,
    }
)
SHARES = pl.Schema(
    {
        "fund_id": pl.String(),
        "investor_id": pl.String(),
        "quarter_start": pl.Date(),
        "attributed_fees": CENTS,
    }
)


def fee_funds(frames: BookFrames) -> pl.DataFrame:
    """The funds whose terms set a fee rate (`fund_id`): those whose fund-level fee rows are
    split by computed fees."""
    rated = (
        pl.col("fee_rate_investment_period").is_not_null() | pl.col("fee_rate_after").is_not_null()
    )
    return frames.terms.filter(rated).select("fund_id").unique()


def fund_level_fees(funds: pl.DataFrame) -> pl.Expr:
    """Whether a transaction row is a fund-level fee row of one of the funds `funds`."""
    return (
        (pl.col("type") == "fee")
        & pl.col("investor_id").is_null()
        & pl.col("fund_id").is_in(funds["fund_id"].implode())
    )


@per_frames
def attributed_fees(frames: BookFrames, at: date) -> pl.DataFrame:
    """Per (fund_id, investor_id, quarter_start): the partner's share (`attributed_fees`,
    cents, `SHARES`) of the fund-level fee rows of funds with fee terms as recognised through
    `at` (`accruals.row_accruals`), grouped by `attribution_quarter` and split by the
    partners' fees of that quarter computed through `at` (`weights_at`). Reads
    `book_state` only at quarter starts on or before `at`'s quarter start, each before `at`."""
    funds = fee_funds(frames)
    if funds.height == 0:
        return pl.DataFrame(schema=SHARES)
    rows = row_accruals(frames, at)
    rows = rows.filter(fund_level_fees(funds))
    if rows.height == 0:
        return pl.DataFrame(schema=SHARES)
    amounts = rows.group_by("fund_id", attribution_quarter(pl.lit(at, pl.Date))).agg(
        pl.col("recognised").sum().alias("_recognised")
    )
    return split(frames, amounts.with_columns(pl.lit(at, pl.Date).alias("at")), "_recognised").drop(
        "at"
    )


def weights_at(frames: BookFrames, at: date) -> pl.DataFrame:
    """What the fund-level fee rows seen at `at` are split by (`fee_book.partner_fees`): the
    schedule through `at`, or through the day before when the schedule through `at` would
    read the book state at `at` itself (a partner admitted on `at`, charged on its capital
    account at its admission: the state at `at` cannot wait for itself)."""
    through = at - timedelta(days=1) if reads_state_on(frames, at) else at
    return partner_fees(frames, through)


def split(frames: BookFrames, amounts: pl.DataFrame, amount: str) -> pl.DataFrame:
    """`amounts` (per fund_id, at, quarter_start: `amount` in cents, recognised at `at`)
    split among the partners by their fees computed through each `at`: per (fund_id, at,
    investor_id, quarter_start) `attributed_fees`, the non-zero shares."""
    dates: Iterable[date] = amounts["at"].unique().sort().to_list()
    partners = pl.concat(
        [weights_at(frames, day).with_columns(pl.lit(day, pl.Date).alias("at")) for day in dates],
        how="vertical",
    )
    out = attribute(partners, amounts, amount, "attributed_fees", keys=["at"])
    return out.filter(pl.col("attributed_fees") != 0).select(
        "fund_id", "at", "investor_id", *QUARTER[1:], pl.col("attributed_fees").cast(CENTS)
    )

"""docs/methods.md's fee schedule example to the cent (across the end of the investment period,
a later closing with catch-up fees, a side letter, offsets carried forward), and the rules."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fundbook.core.errors import FundbookError
from fundbook.metrics.fees import (
    FeeSchedule,
    fee_schedule,
    fee_tolerance,
    net_invested_capital_by_partner,
)
from fundbook.store.frames import Frames, frames_from_rows

D = Decimal
MONEY = pl.Decimal(38, 2)
THROUGH = date(2025, 12, 31)


def _frames(**terms: object) -> Frames:
    return frames_from_rows(
        THROUGH,
        {
            "funds": [
                {"fund_id": "F", "currency": "HKD", "investment_period_end": date(2025, 8, 15)}
            ],
            "commitments": [
                {"fund_id": "F", "investor_id": i, "date": d, "amount_fund": D(a)}
                for i, d, a in (
                    ("A", date(2025, 2, 15), "100000000"),
                    ("GP", date(2025, 2, 15), "2000000"),
                    ("B", date(2025, 5, 1), "40000000"),  # a later closing
                )
            ],
            "terms": [
                {
                    "fund_id": "F",
                    "fee_rate_investment_period": D("0.02"),
                    "fee_basis_investment_period": "commitment",
                    "fee_rate_after": D("0.015"),
                    "fee_basis_after": "net_invested_capital",
                    "fee_timing": "quarterly_advance",
                    "fee_offset_pct": D("0.8"),
                    "gp_investor_id": "GP",
                    **terms,
                }
            ],
            "investor_terms": [{"fund_id": "F", "investor_id": "B", "fee_discount_pct": D("0.25")}],
        },
    )


def _basis(frames: Frames) -> pl.DataFrame:
    nic = pl.DataFrame(
        {
            "fund_id": ["F", "F"],
            "quarter_start": [date(2025, 7, 1), date(2025, 10, 1)],
            "net_invested_capital": [D("71000000"), D("71000000")],
        },
        schema_overrides={"net_invested_capital": MONEY},
    )
    by_partner = net_invested_capital_by_partner(nic, frames.commitments)
    return by_partner.with_columns(pl.lit(None, MONEY).alias("nav"))


PORTFOLIO_FEES = pl.DataFrame(
    {
        "fund_id": ["F", "F"],
        "date": [date(2025, 5, 20), date(2025, 9, 10)],
        "amount_fund": [D("300000"), D("1000000")],
    },
    schema_overrides={"amount_fund": MONEY},
)


def _schedule(frames: Frames, basis: pl.DataFrame | None = None) -> FeeSchedule:
    return fee_schedule(
        frames.commitments,
        frames.terms,
        frames.funds,
        frames.investor_terms,
        _basis(frames) if basis is None else basis,
        PORTFOLIO_FEES,
        THROUGH,
    )


# docs/methods.md, "A worked fee schedule": partner, quarter, due, catch-up, gross, discount,
# offset, net
WORKED = """
A 2025Q1 2025-02-15         0.00 250000.00     0.00      0.00 250000.00
A 2025Q2 2025-04-01         0.00 500000.00     0.00      0.00 500000.00
B 2025Q2 2025-05-01    165934.07 300000.00 75000.00      0.00 225000.00
A 2025Q3 2025-07-01         0.00 343750.00     0.00 184615.38 159134.62
B 2025Q3 2025-07-01         0.00 137500.00 34375.00  55384.62  47740.38
A 2025Q4 2025-10-01         0.00 187500.00     0.00 187500.00      0.00
B 2025Q4 2025-10-01         0.00  75000.00 18750.00  56250.00      0.00
"""


def test_the_worked_fee_schedule_to_the_cent() -> None:
    fees = _schedule(_frames()).fees.filter(pl.col("pays_fee"))
    columns = ("fee_catch_up", "fee_gross", "fee_discount", "fee_offset", "fee_net")
    got = fees.select("investor_id", "quarter", "due_date", *columns).rows()
    expected = [
        (who, quarter, date.fromisoformat(due), *(D(x) for x in money))
        for who, quarter, due, *money in (line.split() for line in WORKED.strip().splitlines())
    ]
    assert got == expected


def test_the_worked_offsets_are_carried_forward() -> None:
    offsets = _schedule(_frames()).offsets
    assert offsets.drop("fund_id", "quarter_start").rows() == [
        ("2025Q1", D("0.00"), D("0.00"), D("0.00"), D("0.00"), D("0.00")),
        ("2025Q2", D("300000.00"), D("240000.00"), D("0.00"), D("0.00"), D("0.00")),
        ("2025Q3", D("1000000.00"), D("800000.00"), D("240000.00"), D("240000.00"), D("0.00")),
        ("2025Q4", D("0.00"), D("0.00"), D("800000.00"), D("243750.00"), D("556250.00")),
    ]


def test_the_gp_commitment_pays_nothing_and_nic_is_attributed_by_commitment() -> None:
    frames = _frames()
    fees = _schedule(frames).fees
    gp = fees.filter(pl.col("investor_id") == "GP")
    assert gp.height == 4 and not gp["pays_fee"].any()
    assert gp.select(pl.col("fee_gross", "fee_net").abs().sum()).row(0) == (D("0"), D("0"))
    basis = _basis(frames).filter(pl.col("quarter_start") == date(2025, 7, 1))
    assert basis.select("investor_id", "net_invested_capital").rows() == [
        ("A", D("50000000.00")),
        ("B", D("20000000.00")),
        ("GP", D("1000000.00")),
    ]


def test_arrears_fall_due_at_the_quarter_end_for_the_same_amounts() -> None:
    advance = _schedule(_frames()).fees
    arrears = _schedule(_frames(fee_timing="quarterly_arrears")).fees
    assert arrears["due_date"].to_list() == arrears["quarter_end"].to_list()
    assert arrears.drop("due_date").equals(advance.drop("due_date"))


def test_a_nav_basis_needs_the_partners_capital_accounts() -> None:
    frames = _frames(fee_basis_after="nav")
    with pytest.raises(FundbookError, match="no nav for partner A at 2025-07-01"):
        _schedule(frames)
    nav = _basis(frames).with_columns(pl.col("net_invested_capital").alias("nav"))
    fees = _schedule(frames, nav.with_columns(pl.lit(None, MONEY).alias("net_invested_capital")))
    assert fees.fees.filter(pl.col("quarter") == "2025Q3")["fee_gross"].to_list()[0] == D(
        "343750.00"
    )


def test_a_fund_without_fee_terms_has_no_schedule_and_the_default_tolerance() -> None:
    frames = _frames(fee_rate_investment_period=None, fee_rate_after=None, fee_offset_pct=None)
    schedule = _schedule(frames)
    assert schedule.fees.height == 0 and schedule.offsets.height == 0
    assert fee_tolerance(frames.terms).rows() == [("F", D("1.00"))]


@settings(max_examples=60, deadline=None)
@given(
    received=st.lists(st.integers(0, 2_000_000), min_size=4, max_size=4),
    pct=st.sampled_from([D("0.5"), D("0.8"), D("1")]),
)
def test_offsets_match_a_quarter_by_quarter_carry_forward(
    received: list[int], pct: Decimal
) -> None:
    """The loop-free carry-forward equals the plain loop: available = carried + earned last
    quarter, applied = min(available, fees), carried = the rest; each partner's offset is at
    most its fee and the partners' offsets add up to the applied amount."""
    days = [date(2025, 3, 20), date(2025, 6, 20), date(2025, 9, 20), date(2025, 12, 20)]
    fees = pl.DataFrame(
        {"fund_id": ["F"] * 4, "date": days, "amount_fund": [D(r) for r in received]},
        schema_overrides={"amount_fund": MONEY},
    )
    frames = _frames(fee_offset_pct=pct)
    s = fee_schedule(frames.commitments, frames.terms, frames.funds, frames.investor_terms,
                     _basis(frames), fees, THROUGH)  # fmt: skip
    carried, previous = D(0), D(0)
    for row in s.offsets.iter_rows(named=True):
        owed = s.fees.filter(pl.col("quarter") == row["quarter"])
        due = (owed["fee_gross"] - owed["fee_discount"]).sum()
        available = carried + previous
        applied = min(available, due)
        carried, previous = available - applied, row["offset_earned"]
        assert (row["offset_applied"], row["offset_carried_forward"]) == (applied, carried)
        assert owed["fee_offset"].sum() == applied
        assert (owed["fee_net"] >= 0).all()

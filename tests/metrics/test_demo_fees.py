"""The demo book's management fees checked against its terms: every quarter of every fund with
terms matches to the cent, but the one planted over-billing (ledgers/itif-demo/README.md)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

from fundbook.metrics.fee_book import fee_check
from fundbook.store.db import open_book
from fundbook.store.frames import load_frames

D = Decimal
THROUGH = date(2026, 12, 31)  # the last quarter the demo invoices (in advance, on 2026-10-01)
FIRST_QUARTER = {
    "itvf": "2019Q1",
    "sf-lifesci": "2026Q1",
    "sf-airobot": "2026Q1",
    "sf-semis": "2026Q1",
    "sf-digital": "2026Q1",
    "sf-green": "2026Q1",
    "sf-deeptech": "2026Q1",
    "sf-smartmfg": "2026Q2",
    "sf-gba": "2026Q2",
}


@pytest.fixture(scope="module")
def checked(demo_db: Path) -> tuple[pl.DataFrame, pl.DataFrame]:
    with open_book(demo_db, read_only=True) as con:
        return fee_check(load_frames(con, THROUGH), THROUGH)


def _quarters(first: str) -> list[str]:
    year, q = int(first[:4]), int(first[-1])
    out = []
    while (year, q) <= (2026, 4):
        out.append(f"{year}Q{q}")
        year, q = (year + 1, 1) if q == 4 else (year, q + 1)
    return out


def test_every_quarter_of_every_fund_with_terms_is_checked(
    checked: tuple[pl.DataFrame, pl.DataFrame],
) -> None:
    _, totals = checked
    for fund_id, first in FIRST_QUARTER.items():
        mine = totals.filter(pl.col("fund_id") == fund_id)
        assert mine["quarter"].to_list() == _quarters(first), fund_id
    assert set(totals["fund_id"]) == set(FIRST_QUARTER)


def test_only_the_planted_quarter_is_over_billed(
    checked: tuple[pl.DataFrame, pl.DataFrame],
) -> None:
    _, totals = checked
    outside = totals.filter(~pl.col("within_tolerance"))
    assert outside.select("fund_id", "quarter", "fee_net", "booked", "difference").rows() == [
        ("sf-green", "2026Q3", D("10544000.00"), D("11000000.00"), D("456000.00"))
    ]
    # billed before the offset: 80 % of the HK$570,000 the GP received from holdings in Q2
    assert outside["fee_offset"].to_list() == [D("456000.00")]
    # every other invoice is the schedule to the cent, not merely within the tolerance
    others = totals.filter(pl.col("within_tolerance"))
    assert others.height == totals.height - 1
    assert others["difference"].to_list() == [D("0.00")] * others.height


def test_the_schedule_has_catch_up_fees_a_side_letter_offsets_and_a_basis_after(
    checked: tuple[pl.DataFrame, pl.DataFrame],
) -> None:
    partners, totals = checked
    q3 = partners.filter((pl.col("fund_id") == "sf-digital") & (pl.col("quarter") == "2026Q3"))
    newcomer = q3.filter(pl.col("investor_id") == "shatin-endowment").row(0, named=True)
    # HK$100m at 2 %: 33/90 of 2026Q1, all of Q2, 44/92 of Q3 caught up; 48/92 of Q3 its own
    assert (newcomer["fee_catch_up"], newcomer["fee_net"], newcomer["booked_own"]) == (
        D("922463.77"),
        D("1183333.33"),
        D("1183333.33"),
    )
    bauhinia = q3.filter(pl.col("investor_id") == "bauhinia-strategic").row(0, named=True)
    assert (bauhinia["fee_gross"], bauhinia["fee_discount"]) == (D("3000000.00"), D("750000.00"))
    offsets = totals.filter(pl.col("fee_offset") > 0)
    assert offsets.height >= 8 and set(offsets["fund_id"]) >= {"itvf", "sf-lifesci", "sf-airobot"}
    itvf = totals.filter(pl.col("fund_id") == "itvf").select("quarter", "fee_gross")
    # 2 % of HK$800m a quarter in the investment period; then 1.5 % of net invested capital
    assert itvf.filter(pl.col("quarter") == "2023Q4")["fee_gross"].to_list() == [D("4000000.00")]
    after = itvf.filter(pl.col("quarter") >= "2024Q1")["fee_gross"]
    assert after.len() == 12 and all(fee < D("2000000.00") for fee in after)

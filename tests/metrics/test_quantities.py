"""Average-cost relief, marks scaled by the units still held, write-offs (contract R1-R3),
on small inline books computed by hand; and the invariants of relief on random trades."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fundbook import metrics as m
from fundbook.close.explain import stored_at
from fundbook.metrics.state import book_state
from fundbook.store.frames import Frames, frames_from_rows, restrict
from tests.metrics.book import commit, mark, txn
from tests.metrics.explain_check import failures
from tests.metrics.test_explain import KEYS, METRIC_LEVELS

D = Decimal
END = date(2026, 12, 31)


def trade(n: int, day: str, kind: str, amount: str, units: str | None = None) -> dict[str, Any]:
    row = txn(n, day, "sf", kind, amount, holding="c1")
    row["quantity"] = D(units) if units is not None else None
    return row


def book(trades: list[dict[str, Any]], marks: list[dict[str, Any]] = ()) -> Frames:  # type: ignore[assignment]
    return frames_from_rows(
        END,
        {
            "funds": [{"fund_id": "sf", "name": "Sub", "kind": "sub_fund", "currency": "HKD"}],
            "investors": [{"investor_id": "gov", "name": "Gov", "kind": "government"}],
            "companies": [
                {
                    "company_id": "c1",
                    "name": "C1",
                    "theme": "ai_robotics",
                    "hk_nexus": True,
                    "country": "HK",
                }
            ],
            "commitments": [commit(1, "2026-01-01", "sf", "gov", "90000000.00")],
            "transactions": [
                txn(100, "2026-01-05", "sf", "contribution", "50000000.00", investor="gov"),
                *trades,
            ],
            "valuations": list(marks),
        },
    )


def holding(frames: Frames, day: str) -> dict[str, Any]:
    state = book_state(frames, date.fromisoformat(day))
    row = state.holdings.filter(state.holdings["holding_id"] == "c1").row(0, named=True)
    row["nav"] = state.funds.row(0, named=True)["nav"]
    return row


# 100 units for 1,000,000; a mark of 1,500,000 the day before 40 are sold for 700,000; the
# next mark 1,000,000; the rest written off.
HAND = [
    trade(1, "2026-01-10", "investment", "1000000.00", "100"),
    trade(2, "2026-02-28", "proceeds", "700000.00", "40"),
    trade(3, "2026-04-30", "write_off", "0.00"),
]
HAND_MARKS = [
    mark(1, "2026-02-27", "sf", "c1", "1500000.00"),
    mark(2, "2026-03-31", "sf", "c1", "1000000.00"),
]


def test_a_partial_sale_relieves_average_cost_and_scales_the_mark() -> None:
    frames = book(HAND, HAND_MARKS)
    before = holding(frames, "2026-02-27")
    assert (before["fair_value"], before["remaining_cost"], before["quantity"]) == (
        150_000_000,
        100_000_000,
        D("100"),
    )
    sold = holding(frames, "2026-02-28")
    assert sold["relieved_cost"] == 40_000_000  # 1,000,000 x 40 / 100
    assert sold["realised_gain"] == 30_000_000
    assert sold["remaining_cost"] == 60_000_000
    assert sold["quantity"] == D("60")
    assert sold["fair_value"] == 90_000_000  # 1,500,000 x 60 / 100, until the next mark
    assert sold["unrealised_gain"] == 30_000_000
    assert sold["valuation_date"] == date(2026, 2, 27)
    assert sold["nav"] == 5_000_000_000 - 100_000_000 + 70_000_000 + 90_000_000
    assert holding(frames, "2026-03-31")["fair_value"] == 100_000_000


def test_a_write_off_realises_the_remaining_cost_and_ends_the_holding() -> None:
    frames = book(HAND, HAND_MARKS)
    before, after = holding(frames, "2026-04-29"), holding(frames, "2026-04-30")
    assert after["realised_gain"] - before["realised_gain"] == -60_000_000
    assert after["realised_gain"] == 30_000_000 - 60_000_000
    assert (after["fair_value"], after["remaining_cost"], after["unrealised_gain"]) == (0, 0, 0)
    assert after["quantity"] == D("0") and after["valued_by"] == "written_off"
    assert after["valuation_date"] is None


def test_a_write_off_of_an_untracked_holding() -> None:
    rows = [
        trade(1, "2026-01-10", "investment", "1000000.00"),
        trade(2, "2026-02-28", "proceeds", "700000.00"),
        trade(3, "2026-04-30", "write_off", "0.00"),
    ]
    after = holding(book(rows, HAND_MARKS), "2026-04-30")
    assert (after["relieved_cost"], after["realised_gain"], after["fair_value"]) == (
        100_000_000,
        -30_000_000,
        0,
    )
    assert after["quantity"] == D("0")


def test_without_quantities_cost_recovery_and_marks_stay_as_they_were() -> None:
    rows = [
        trade(1, "2026-01-10", "investment", "1000000.00"),
        trade(2, "2026-02-28", "proceeds", "700000.00"),
    ]
    sold = holding(book(rows, HAND_MARKS), "2026-02-28")
    assert (sold["relieved_cost"], sold["realised_gain"], sold["remaining_cost"]) == (
        70_000_000,
        0,
        30_000_000,
    )
    assert sold["fair_value"] == 150_000_000 and sold["quantity"] is None


def test_investments_after_the_mark_count_in_its_units() -> None:
    rows = [
        trade(1, "2026-01-10", "investment", "1000000.00", "100"),
        trade(2, "2026-03-01", "investment", "600000.00", "50"),
        trade(3, "2026-03-02", "proceeds", "400000.00", "30"),
    ]
    sold = holding(book(rows, [mark(1, "2026-02-01", "sf", "c1", "1200000.00")]), "2026-03-02")
    assert sold["fair_value"] == 144_000_000  # (1,200,000 + 600,000) x 120 / 150
    assert sold["relieved_cost"] == 32_000_000  # 1,600,000 x 30 / 150
    assert sold["quantity"] == D("120")


def test_a_mark_on_the_day_of_a_sale_is_of_the_units_held_at_its_end() -> None:
    rows = [
        trade(1, "2026-01-10", "investment", "1000000.00", "100"),
        trade(2, "2026-02-28", "proceeds", "700000.00", "40"),
    ]
    sold = holding(book(rows, [mark(1, "2026-02-28", "sf", "c1", "800000.00")]), "2026-03-31")
    assert sold["fair_value"] == 80_000_000


def test_each_sale_rounds_half_even_and_the_last_relieves_the_rest() -> None:
    rows = [
        trade(1, "2026-01-10", "investment", "100.00", "3"),
        trade(2, "2026-02-01", "proceeds", "50.00", "1"),
        trade(3, "2026-02-02", "proceeds", "50.00", "1"),
        trade(4, "2026-02-03", "proceeds", "50.00", "1"),
    ]
    frames = book(rows)
    relieved = [
        holding(frames, d)["relieved_cost"] for d in ("2026-02-01", "2026-02-02", "2026-02-03")
    ]
    # 10,000 x 1/3 = 3,333.3 -> 3,333; 6,667 x 1/2 = 3,333.5 -> 3,334 (even); then the rest
    assert relieved == [3_333, 6_667, 10_000]


def test_selling_out_realises_everything_without_a_mark() -> None:
    rows = [
        trade(1, "2026-01-10", "investment", "1000000.00", "100"),
        trade(2, "2026-02-28", "proceeds", "1.00", "100"),
    ]
    out = holding(book(rows, [mark(1, "2026-01-31", "sf", "c1", "5.00")]), "2026-03-01")
    assert (out["remaining_cost"], out["fair_value"], out["realised_gain"]) == (0, 0, -99_999_900)


def _half_even(x: Fraction) -> int:
    """The nearest integer, ties to even (Python's round of a Fraction is exact)."""
    return round(x)


STEPS = st.lists(
    st.tuples(
        st.booleans(),  # buy (else sell a share of what is held)
        st.integers(1, 10**9),  # cents of the trade
        st.integers(1, 10**8),  # units of 10^-6 bought, or parts per 10^8 of the holding sold
    ),
    min_size=1,
    max_size=12,
)


@settings(max_examples=60, deadline=None)
@given(STEPS, st.booleans())
def test_average_cost_invariants(steps: list[tuple[bool, int, int]], sell_out: bool) -> None:
    """invested = relieved + remaining and realised = proceeds - relieved exactly; remaining
    and units held never negative; each sale relieves round_half_even(cost x q / Q) (Fraction
    oracle); selling out relieves every cent invested."""
    rows, cost, held, relieved, proceeds, invested = [], 0, 0, 0, 0, 0
    day = date(2026, 2, 1)
    for i, (buy, amount, size) in enumerate(steps, 1):
        sell = held * size // 10**8 if not buy else 0
        if not buy and sell == 0:
            continue
        day += timedelta(days=1)
        q = size if buy else sell
        kind = "investment" if buy else "proceeds"
        rows.append(
            trade(i, day.isoformat(), kind, f"{D(amount) / 100:.2f}", f"{D(q) / 10**6:.6f}")
        )
        if buy:
            cost, held, invested = cost + amount, held + q, invested + amount
        else:
            r = cost if q == held else _half_even(Fraction(cost * q, held))
            cost, held, relieved, proceeds = cost - r, held - q, relieved + r, proceeds + amount
    if sell_out and held:
        day += timedelta(days=1)
        rows.append(trade(99, day.isoformat(), "proceeds", "1.00", f"{D(held) / 10**6:.6f}"))
        relieved, proceeds, cost, held = relieved + cost, proceeds + 100, 0, 0
    if not rows:
        return
    got = holding(book(rows), day.isoformat())
    assert got["invested"] == got["relieved_cost"] + got["remaining_cost"] == invested
    assert got["realised_gain"] == got["proceeds"] - got["relieved_cost"]
    assert (got["relieved_cost"], got["remaining_cost"], got["proceeds"]) == (
        relieved,
        cost,
        proceeds,
    )
    assert got["remaining_cost"] >= 0 and got["quantity"] >= 0
    assert got["quantity"] == D(held) / 10**6
    if held == 0:
        assert got["relieved_cost"] == got["invested"] and got["fair_value"] == 0


@pytest.mark.parametrize("day", ["2026-02-28", "2026-03-31", "2026-04-30"])
def test_every_figure_of_the_hand_book_is_explained(day: str) -> None:
    frames = restrict(book(HAND, HAND_MARKS), date.fromisoformat(day))
    stored = stored_at(frames, frames.as_of, METRIC_LEVELS)
    count, bad = failures(frames, stored, frames.as_of, KEYS)
    assert not bad, "\n".join(bad[:20])
    assert count > 50


def _explained(day: str, figure: str) -> pl.DataFrame:
    frames = restrict(book(HAND, HAND_MARKS), date.fromisoformat(day))
    stored = stored_at(frames, frames.as_of, METRIC_LEVELS)
    row = stored.levels["holding"].row(0, named=True)
    return m.explain(frames, stored, frames.as_of, "holding", row, figure)


def test_the_average_cost_lines_add_up_and_show_the_units() -> None:
    lines = _explained("2026-02-28", "realised_gain")
    terms = lines.filter(pl.col("role") == "term")
    assert terms["amount"].to_list() == [D("700000.00"), D("-400000.00")]
    assert terms["item"][1] == (
        "cost relieved by proceeds (t2) at average cost: 1,000,000.00 x 40 / 100 units, "
        "rounded half-even"
    )
    assert terms["source"][1] == "transactions.csv:3"
    remaining = _explained("2026-04-30", "remaining_cost").filter(pl.col("role") == "term")
    assert remaining["amount"].to_list() == [D("1000000.00"), D("-400000.00"), D("-600000.00")]
    assert "all of the remaining cost 600,000.00 (60 units)" in remaining["item"][2]


def test_the_scaled_mark_is_explained_by_the_units_held() -> None:
    terms = _explained("2026-02-28", "fair_value").filter(pl.col("role") == "term")
    assert terms["amount"].to_list() == [D("1500000.00"), D("-600000.00")]
    assert terms["item"][1].startswith("x 60 units held / (100 held at the end of 2026-02-27")


def test_a_written_off_holding_is_explained_as_written_off() -> None:
    """Proceeds 700,000 and fair value 0 once written off: "written off", not "realised"."""
    lines = _explained("2026-04-30", "realisation")
    shown = lines.filter(pl.col("role") == "shown")
    assert shown["item"].to_list() == ["valued_by", "proceeds", "fair_value"]
    assert shown["text"][0] == "written_off"
    derived = lines.filter(pl.col("role") == "derived")
    assert derived["text"].to_list() == ["written off"]
    assert lines["text"][-1] == "written off"

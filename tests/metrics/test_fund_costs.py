"""`state.fund_costs` (what the fee basis on net invested capital reads) is the book state's
`remaining_cost`, without the rest of the state."""

from __future__ import annotations

from datetime import date

import polars as pl
from hypothesis import HealthCheck, given, settings

from fundbook.metrics.state import book_state, fund_costs
from fundbook.store.frames import Frames
from tests.metrics.test_properties import AS_OF, books


def _same(frames: Frames, at: date) -> None:
    state = book_state(frames, at).funds.select("fund_id", "remaining_cost").sort("fund_id")
    assert fund_costs(frames, at).sort("fund_id").equals(state), at


def test_the_demo_book_at_every_quarter_end(demo_frames: Frames) -> None:
    ends = pl.date_range(date(2019, 3, 31), date(2026, 9, 30), "1q", eager=True)
    for end in ends.dt.month_end().to_list():
        _same(demo_frames, end)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(books())
def test_random_books(frames: Frames) -> None:
    _same(frames, AS_OF)
    _same(frames, date(2021, 6, 30))

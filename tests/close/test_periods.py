"""Close periods: parsing, bounds, order and statement starts."""

from __future__ import annotations

import datetime as dt

import pytest

from fundbook.close.periods import BadPeriod, Period, basis_starts


def test_parse_month_and_quarter() -> None:
    assert Period.parse("2026-09") == Period(2026, 9)
    assert Period.parse("2026Q3") == Period(2026, 9)
    assert Period.parse("2025q4") == Period(2025, 12)


@pytest.mark.parametrize("text", ["2026-13", "2026-9", "26-09", "2026Q5", "", "2026-00"])
def test_parse_rejects(text: str) -> None:
    with pytest.raises(BadPeriod, match="is not a period like 2026-09"):
        Period.parse(text)


def test_bounds_and_order() -> None:
    feb = Period(2028, 2)
    assert (feb.start, feb.end) == (dt.date(2028, 2, 1), dt.date(2028, 2, 29))
    assert Period(2025, 12).next() == Period(2026, 1)
    assert Period(2026, 1).previous() == Period(2025, 12)
    assert Period(2025, 12).end == dt.date(2025, 12, 31)
    assert str(Period(2026, 3)) == "2026-03"
    assert Period(2026, 9).quarter == "2026Q3" and Period(2026, 8).quarter is None
    assert Period(2026, 8).quarter_start == dt.date(2026, 7, 1)
    assert Period(2026, 8).previous_quarter_end == dt.date(2026, 6, 30)
    assert Period(2026, 1).previous_quarter_end == dt.date(2025, 12, 31)


def test_basis_starts_first_close_covers_history() -> None:
    inception = dt.date(2019, 5, 3)
    starts = basis_starts(Period(2025, 12), inception, inception)
    assert starts == {
        "period": inception,
        "QTD": dt.date(2025, 10, 1),
        "YTD": dt.date(2025, 1, 1),
        "ITD": inception,
    }
    later = basis_starts(Period(2026, 2), dt.date(2026, 2, 1), inception)
    assert later["period"] == dt.date(2026, 2, 1) and later["ITD"] == inception

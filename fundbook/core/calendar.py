"""Month ends: the periods the book closes, allocates and amortises by."""

from __future__ import annotations

from datetime import date, timedelta


def previous_month_end(at: date) -> date:
    """The last day of the month before `at`'s."""
    return at.replace(day=1) - timedelta(days=1)


def month_ends(start: date, end: date) -> list[date]:
    """The last day of every month from `start`'s to `end` (included when a month end),
    oldest first."""
    out: list[date] = []
    year, month = start.year, start.month
    while True:
        nxt = date(year + month // 12, month % 12 + 1, 1)
        last = nxt - timedelta(days=1)
        if last > end:
            return out
        out.append(last)
        year, month = nxt.year, nxt.month


def add_years(at: date, years: int) -> date:
    """The same day `years` later (29 February: the 28th in a year without one)."""
    try:
        return at.replace(year=at.year + years)
    except ValueError:
        return at.replace(year=at.year + years, day=28)

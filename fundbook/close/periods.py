"""Close periods: parsing `YYYY-MM` and `YYYYQn`, month/quarter/year bounds, the close order."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from fundbook.core.errors import FundbookError

_PERIOD = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})[Qq]([1-4])$")


class BadPeriod(FundbookError):
    """A period or quarter the user typed is not of the form YYYY-MM / YYYYQn."""


@dataclass(frozen=True, order=True)
class Period:
    """One calendar month, the unit of a close."""

    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Period:
        """`2026-09` -> Period(2026, 9); also accepts a quarter `2026Q3` (its last month)."""
        raw = text.strip()
        match = _PERIOD.match(raw)
        if match and 1 <= int(match.group(2)) <= 12:
            return cls(int(match.group(1)), int(match.group(2)))
        quarter = _QUARTER.match(raw)
        if quarter:
            return cls(int(quarter.group(1)), int(quarter.group(2)) * 3)
        raise BadPeriod(f"{text!r} is not a period like 2026-09 (or a quarter like 2026Q3)")

    @classmethod
    def of(cls, day: dt.date) -> Period:
        return cls(day.year, day.month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def end(self) -> dt.date:
        return self.next().start - dt.timedelta(days=1)

    def next(self) -> Period:
        return Period(self.year + self.month // 12, self.month % 12 + 1)

    def previous(self) -> Period:
        return Period(self.year - (self.month == 1), (self.month - 2) % 12 + 1)

    @property
    def is_quarter_end(self) -> bool:
        return self.month % 3 == 0

    @property
    def quarter(self) -> str | None:
        """`2026Q3` when the month ends a quarter, else None."""
        return f"{self.year}Q{self.month // 3}" if self.is_quarter_end else None

    @property
    def quarter_start(self) -> dt.date:
        return dt.date(self.year, (self.month - 1) // 3 * 3 + 1, 1)

    @property
    def previous_quarter_end(self) -> dt.date:
        """The end of the quarter before this month's: what a close's movements start from."""
        return self.quarter_start - dt.timedelta(days=1)

    @property
    def year_start(self) -> dt.date:
        return dt.date(self.year, 1, 1)


def basis_starts(period: Period, period_start: dt.date, inception: dt.date) -> dict[str, dt.date]:
    """First day of each statement column: the close's own period, QTD, YTD and ITD.

    `period_start` is where the close begins (the first close of a book covers all history);
    `inception` is the first date of the book, where ITD begins.
    """
    itd = min(inception, period_start)
    return {
        "period": period_start,
        "QTD": period.quarter_start,
        "YTD": period.year_start,
        "ITD": itd,
    }

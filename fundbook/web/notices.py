"""An investor's call and distribution notices of every closed quarter, as its page lists them.

The notices of a quarter are those of the calls noticed in it (`metrics.notices.calls_noticed`,
the quarter's first day to its end, as a partner page lists them), one row per partner
(`metrics.notices.call_notices`), of the funds the investor has a commitment to; its rows
only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fundbook.close.periods import Period
from fundbook.close.snapshot import CloseInfo
from fundbook.metrics.notices import call_notices, calls_noticed
from fundbook.store.frames import Frames


@dataclass(frozen=True)
class QuarterNotices:
    """One closed quarter's notices of one investor (latest quarter first on the page)."""

    period: str  # the close's period: the `?period=` of the notices' links
    quarter: str  # as shown, 2026Q3
    rows: list[dict[str, Any]]  # call_notices rows of the investor, by fund and notice date


def quarter_notices(frames: Frames, info: CloseInfo) -> list[dict[str, Any]]:
    """Every partner's notices of the calls noticed in the quarter of `info`, of every fund
    (computed once a close; each investor's page takes its own: `quarter_rows`)."""
    start = Period.parse(info.period).quarter_start
    funds = sorted(frames.funds["fund_id"].to_list())
    calls = [c for f in funds for c in calls_noticed(frames, f, start, info.period_end)]
    return call_notices(frames, calls).to_dicts() if calls else []


def quarter_rows(notices: list[dict[str, Any]], investor_id: str) -> list[dict[str, Any]]:
    """The investor's rows of a quarter's `notices` (`quarter_notices`), by fund and date."""
    found = [r for r in notices if r["investor_id"] == investor_id]
    return sorted(found, key=lambda r: (r["fund_id"], r["notice_date"], r["call_id"]))


def investor_notices(
    quarters: list[tuple[CloseInfo, list[dict[str, Any]]]],
) -> list[QuarterNotices]:
    """The notices of each quarter given, quarters without one left out."""
    return [
        QuarterNotices(info.period, str(info.quarter or info.period), rows)
        for info, rows in quarters
        if rows
    ]

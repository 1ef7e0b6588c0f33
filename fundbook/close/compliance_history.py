"""`fundbook compliance --history`: per rule and fund, its breaches quarter by quarter.

Each quarter-end's rules are `compliance_at` of that day: read from the snapshot of the close
that ended it when one stands (the figures the board was given, locked), computed by
`metrics.compliance` otherwise (the same producer), every such day from one load of the book
(`asof.compliance_on`). Nothing is recomputed that a close holds, and no figure is made twice.
DuckDB alone when every quarter-end is closed (no polars).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import duckdb

from fundbook.close.asof import close_for_date, compliance_on
from fundbook.core.calendar import month_ends
from fundbook.core.labels import N_
from fundbook.core.table import MONEY, NUMBER, OTHER, Rows
from fundbook.core.types import RULES_AT_MOST
from fundbook.store.db import scalar, sql

# A rule of a fund is listed when it was at one of these statuses at some quarter-end.
BREACH_STATUSES = ("fail", "watch")
COLUMNS = (
    "fund_id",
    "rule",
    "status",
    "first_breach",
    "quarters_in_breach",
    "breaches",
    "trend",
    "direction",
    "ratio",
    "amount",
    "read_from",
)
_KINDS = (OTHER, OTHER, OTHER, OTHER, OTHER, NUMBER, OTHER, OTHER, NUMBER, MONEY, OTHER)


def quarter_ends(start: dt.date, end: dt.date) -> list[dt.date]:
    """The quarter-ends from `start`'s quarter to `end` (included when one), oldest first."""
    return [d for d in month_ends(start, end) if d.month % 3 == 0]


def quarter_label(day: dt.date) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def _point(row: dict[str, Any]) -> str:
    """A rule's figure at a quarter-end as the trend shows it: the ratio as a percentage,
    else the amount."""
    if row["ratio"] is not None:
        return f"{row['ratio'] * 100:.1f} %"
    return "—" if row["amount"] is None else f"{row['amount']:,.2f}"


def _direction(rule: str, first: dict[str, Any], last: dict[str, Any]) -> str:
    """worsening / improving / unchanged from the first quarter in breach to the latest, on
    the ratio (else the amount): lower is worse for an at-least rule, higher for an at-most
    rule (RULES_AT_MOST)."""
    key = "ratio" if first["ratio"] is not None and last["ratio"] is not None else "amount"
    a, b = first[key], last[key]
    if a is None or b is None or a == b:
        return N_("unchanged")
    worse = b > a if rule in RULES_AT_MOST else b < a
    return N_("worsening") if worse else N_("improving")


def _history_row(key: tuple[str, str], points: list[tuple[dt.date, dict[str, Any]]]) -> tuple:
    breached = [(d, r) for d, r in points if r["status"] in BREACH_STATUSES]
    first_day, first = breached[0]
    last_day, last = points[-1]
    since = [(d, r) for d, r in points if d >= first_day]
    return (
        *key,
        last["status"],
        first_day,
        ", ".join(f"{quarter_label(d)} {r['status']}" for d, r in breached),
        len(breached),
        " -> ".join(_point(r) for _, r in since),
        _direction(key[1], first, last),
        last["ratio"],
        last["amount"],
    )


def compliance_history(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> Rows:
    """Per (fund, rule) ever at fail or watch at a quarter-end up to `as_of`: the latest status,
    the first quarter-end in breach, the quarters in breach (with their status), the trend of
    the figure from the first breach on (ratio per quarter, else amount) and its direction,
    the latest figures, and where the quarters were read from (closes or computed)."""
    start = scalar(con, sql("compliance_history_start"))
    days = quarter_ends(start, as_of) if start is not None else []
    series: dict[tuple[str, str], list[tuple[dt.date, dict[str, Any]]]] = {}
    closed = sum(close_for_date(con, day) is not None for day in days)
    at = compliance_on(con, days)
    for day in days:
        for row in at[day].records():
            series.setdefault((row["fund_id"], row["rule"]), []).append((day, row))
    read_from = f"{closed} closed quarter-ends, {len(days) - closed} computed"
    out = [
        (*_history_row(key, points), read_from)
        for key, points in sorted(series.items())
        if any(r["status"] in BREACH_STATUSES for _, r in points)
    ]
    return Rows(COLUMNS, _KINDS, out)

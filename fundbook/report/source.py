"""Where report figures come from: the close's snapshot of a quarter (or a DRAFT computed now)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import Any

import duckdb
import polars as pl

from fundbook.close.periods import Period
from fundbook.close.snapshot import Snapshot, find_close, read_snapshot
from fundbook.core.errors import FundbookError, NotFound
from fundbook.report.context import CloseInfo, Figure, Source


class BadQuarter(FundbookError):
    """The --quarter given is not a quarter like 2026Q3."""


@dataclass(frozen=True)
class ReportSource:
    """The snapshot of the quarter and of the quarter before (None when the book has none)."""

    snapshot: Snapshot
    closed: bool
    previous: Snapshot | None
    previous_closed: bool = False

    @property
    def period_end(self) -> Any:
        return self.snapshot.close.period_end

    @cached_property
    def statements(self) -> dict[tuple[str, str, str | None], dict[str, Any]]:
        """Statement rows by (basis, fund_id, investor_id); investor_id None is the fund."""
        return {
            (r["basis"], r["fund_id"], r["investor_id"]): r
            for r in self.snapshot.statements.to_dicts()
        }


def parse_quarter(text: str) -> Period:
    """`2026Q3` (or its last month `2026-09`) -> the quarter's last month."""
    period = Period.parse(text)
    if not period.is_quarter_end:
        raise BadQuarter(f"{text!r} is not a quarter: use the form 2026Q3")
    return period


def _snapshot(con: duckdb.DuckDBPyConnection, period: Period) -> tuple[Snapshot, bool]:
    try:
        find_close(con, str(period))
    except NotFound:
        from fundbook.close.closing import draft_snapshot

        return draft_snapshot(con, str(period)), False
    return read_snapshot(con, str(period)), True


def load_source(con: duckdb.DuckDBPyConnection, quarter: str) -> ReportSource:
    """The figures of `quarter`: its close's snapshot, else a DRAFT computed from the book."""
    period = parse_quarter(quarter)
    snapshot, closed = _snapshot(con, period)
    previous_quarter = Period(period.quarter_start.year, period.quarter_start.month).previous()
    try:
        previous, previous_closed = _snapshot(con, previous_quarter)
    except FundbookError:
        previous, previous_closed = None, False
    return ReportSource(snapshot, closed, previous, previous_closed)


def close_info(source: ReportSource) -> CloseInfo:
    """The cover facts of the close behind a report."""
    info = source.snapshot.close
    period = Period.parse(info.period)
    return CloseInfo(
        quarter=period.quarter or info.period,
        period_start=period.quarter_start,
        period_end=info.period_end,
        closed=source.closed,
        close_id=info.close_id if source.closed else None,
        closed_at=info.closed_at if source.closed else None,
        close_hash=info.close_hash if source.closed else None,
    )


def level(snapshot: Snapshot, name: str) -> pl.DataFrame:
    """A level's wide frame, empty when the close stored none."""
    return snapshot.levels.get(name, pl.DataFrame())


def rows(frame: pl.DataFrame, **keys: str | None) -> list[dict[str, Any]]:
    """The rows of `frame` whose key columns equal `keys` (None matches null)."""
    if frame.height == 0:
        return []
    expr = pl.lit(True)
    for name, value in keys.items():
        expr = expr & (pl.col(name).is_null() if value is None else pl.col(name) == value)
    return frame.filter(expr).to_dicts()


def one(frame: pl.DataFrame, **keys: str | None) -> dict[str, Any]:
    """The single row of `frame` with `keys`, or an empty dict."""
    found = rows(frame, **keys)
    return found[0] if found else {}


def figure(
    row: dict[str, Any],
    name: str,
    kind: str,
    level_name: str,
    keys: Mapping[str, str | None],
    period_end: Any = None,
) -> Figure:
    """A figure of a snapshot row, with its source for tests and audit."""
    value = row.get(name)
    if isinstance(value, float) and kind == "money":
        raise FundbookError(f"{level_name}.{name} is a float; money must be Decimal")
    return Figure(value, kind, Source(level_name, tuple(sorted(keys.items())), name, period_end))


ENTITY_LEVELS = ("entity", "fund_info", "investor_info", "company_info")
ID_COLUMNS = ("entity_id", "fund_id", "investor_id", "company_id", "holding_id")


def entities(snapshot: Snapshot) -> dict[str, dict[str, Any]]:
    """Names and attributes of funds, investors and companies, by id (reference levels)."""
    out: dict[str, dict[str, Any]] = {}
    for name in ENTITY_LEVELS:
        frame = level(snapshot, name)
        id_column = next((c for c in ID_COLUMNS if c in frame.columns), None)
        if id_column is None:
            continue
        for row in frame.to_dicts():
            out.setdefault(row[id_column], {}).update(row)
    return out


def name_of(names: dict[str, dict[str, Any]], entity_id: str | None) -> str:
    """The entity's name, or its id when the book has no name for it."""
    if entity_id is None:
        return "—"
    return str(names.get(entity_id, {}).get("name") or entity_id)


def negate(value: Decimal | None) -> Decimal | None:
    """A money figure with its sign flipped (outflows shown as negatives in statements)."""
    return None if value is None else -value

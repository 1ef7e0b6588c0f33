"""Where report figures come from: the close's snapshot of a quarter (or a DRAFT computed now)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any

import duckdb
import polars as pl

from fundbook.close.compliance_history import compliance_history
from fundbook.close.periods import Period
from fundbook.close.snapshot import LEVEL_KEYS, Snapshot, find_close, read_snapshot
from fundbook.core.errors import FundbookError, NotFound
from fundbook.core.types import INFO_LEVELS
from fundbook.report.context import Figure, ReportCover, Source
from fundbook.report.i18n import DEFAULT_LANGUAGE, check_language
from fundbook.store.commentary import quarter_commentary


class BadQuarter(FundbookError):
    """The --quarter given is not a quarter like 2026Q3."""


@dataclass(frozen=True)
class ReportSource:
    """The snapshot of the quarter, and whether the quarter before is closed (the board's
    movements, stored in the snapshot's `fund_movement`, are then final, else measured from
    a DRAFT). Lookups by key are indexed once per source, so rendering many reports reads
    each level once, not once per report.
    """

    snapshot: Snapshot
    closed: bool
    previous_closed: bool = False
    # per (fund, rule) ever at fail or watch at a quarter-end up to the period end: its first
    # breach, quarters in breach and trend (`close.compliance_history`), as dicts
    # (None: not read; LP reports do not need it, and it computes every quarter-end not closed)
    breach_history: tuple[dict[str, Any], ...] | None = ()
    irr_nm_months: int | None = None  # the IRR policy's age given on the command line
    # the quarter's commentary by language (commentary/<quarter>[.<lang>].md, as booked)
    commentary: Mapping[str, str] = field(default_factory=dict)
    lang: str = DEFAULT_LANGUAGE  # the language the reports are written in
    pme: str | None = None  # the index the board's PMEs compare with (report board --pme)

    @property
    def period_end(self) -> Any:
        return self.snapshot.close.period_end

    @cached_property
    def names(self) -> dict[str, dict[str, Any]]:
        """`entities(snapshot)`, built once."""
        return entities(self.snapshot)

    @cached_property
    def _indexes(self) -> dict[tuple[str, tuple[str, ...]], RowPositions]:
        return {}

    @cached_property
    def _found(self) -> dict[tuple[str, tuple[Any, ...]], list[dict[str, Any]]]:
        return {}

    def find(self, level_name: str, **keys: str | None) -> list[dict[str, Any]]:
        """`rows(level(snapshot, level_name), **keys)` through an index built once per level."""
        frame = level(self.snapshot, level_name)
        return [dict(r) for r in self._rows(level_name, frame, keys)]

    def statement_row(self, basis: str, fund_id: str, investor_id: str | None) -> dict[str, Any]:
        """The statement of (basis, fund, investor); investor None is the fund's own."""
        keys = {"fund_id": fund_id, "investor_id": investor_id}
        found = [
            r
            for r in self._rows("statement", self.snapshot.statements, keys)
            if r["basis"] == basis
        ]
        return dict(found[-1]) if found else {}

    def _rows(
        self, name: str, frame: pl.DataFrame, keys: Mapping[str, str | None]
    ) -> list[dict[str, Any]]:
        """The rows of `frame` with `keys`, gathered once per key (the index once per level)."""
        wanted = (name, tuple(keys.items()))
        if wanted not in self._found:
            columns = (name, tuple(keys))
            if columns not in self._indexes:
                self._indexes[columns] = row_positions(frame, tuple(keys))
            positions = self._indexes[columns].get(tuple(keys.values()))
            self._found[wanted] = frame[positions].to_dicts() if positions else []
        return self._found[wanted]


RowPositions = dict[tuple[Any, ...], list[int]]


def row_positions(frame: pl.DataFrame, columns: tuple[str, ...]) -> RowPositions:
    """Row numbers of `frame` by the values of `columns` (null keys as None), in row order."""
    if frame.height == 0 or any(c not in frame.columns for c in columns):
        return {}
    groups = (
        frame.select(*columns)
        .with_row_index("_row")
        .group_by(list(columns), maintain_order=True)
        .agg(pl.col("_row"))
    )
    return {tuple(values[:-1]): list(values[-1]) for values in groups.iter_rows()}


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


def load_source(
    con: duckdb.DuckDBPyConnection,
    quarter: str,
    irr_nm_months: int | None = None,
    lang: str = DEFAULT_LANGUAGE,
    history: bool = True,
    pme: str | None = None,
) -> ReportSource:
    """The figures of `quarter`: its close's snapshot, else a DRAFT computed from the book,
    and whether the quarter before is closed; with `irr_nm_months`, the IRR policy's flags
    of the fund and investor levels decided again on that age (`irr_policy.reflag`); with
    `history`, the compliance history the board reads (computed at every quarter-end that is
    not closed: costly on a large book, so LP reports leave it out)."""
    period = parse_quarter(quarter)
    snapshot, closed = _snapshot(con, period)
    if irr_nm_months is not None:
        snapshot = _reflagged(snapshot, irr_nm_months)
    previous = Period(period.quarter_start.year, period.quarter_start.month).previous()
    breaches = compliance_history(con, snapshot.close.period_end) if history else None
    return ReportSource(
        snapshot,
        closed,
        _is_closed(con, previous),
        breach_history=None if breaches is None else tuple(breaches.records()),
        irr_nm_months=irr_nm_months,
        commentary=quarter_commentary(con, period.quarter or quarter),
        lang=check_language(lang),
        pme=pme,
    )


def _reflagged(snapshot: Snapshot, months: int) -> Snapshot:
    from fundbook.metrics.irr_policy import reflag, too_young

    levels = dict(snapshot.levels)
    for name in ("fund", "investor"):
        if name in levels and "irr_since" in levels[name].columns:
            levels[name] = reflag(levels[name], snapshot.close.period_end, months)
    for name in ("pme_fund", "pme_investor", "pme_programme"):  # the PMEs' flag likewise
        if name in levels and "pme_since" in levels[name].columns:
            young = too_young(pl.col("pme_since"), snapshot.close.period_end, pl.lit(months))
            levels[name] = levels[name].with_columns(young.alias("pme_nm"))
    return Snapshot(snapshot.close, levels, snapshot.statements)


def _is_closed(con: duckdb.DuckDBPyConnection, period: Period) -> bool:
    try:
        find_close(con, str(period))
    except NotFound:
        return False
    return True


def report_cover(source: ReportSource) -> ReportCover:
    """The cover facts of the close behind a report."""
    info = source.snapshot.close
    period = Period.parse(info.period)
    return ReportCover(
        quarter=period.quarter or info.period,
        period_start=period.quarter_start,
        period_end=info.period_end,
        closed=source.closed,
        close_id=info.close_id if source.closed else None,
        closed_at=info.closed_at if source.closed else None,
        close_hash=info.close_hash if source.closed else None,
    )


def level(snapshot: Snapshot, name: str) -> pl.DataFrame:
    """A level's wide frame. A stored or draft snapshot holds every level, one without rows as
    an empty frame with its columns; a level a hand-made snapshot lacks is empty with its keys."""
    found = snapshot.levels.get(name)
    if found is not None:
        return found
    return pl.DataFrame(schema=dict.fromkeys(LEVEL_KEYS.get(name, ()), pl.String))


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
    """A figure of a snapshot row, with its source for tests and audit; an IRR the IRR policy
    flags (`<name>_nm` true in the row) is of kind `nm` (shown "n.m."), its value kept."""
    value = row.get(name)
    if row.get(f"{name}_nm") is True:
        kind = "nm"
    if isinstance(value, float) and kind == "money":
        raise FundbookError(f"{level_name}.{name} is a float; money must be Decimal")
    return Figure(value, kind, Source(level_name, tuple(sorted(keys.items())), name, period_end))


ENTITY_LEVELS = ("entity", *INFO_LEVELS)
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

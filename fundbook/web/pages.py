"""What each page of the dashboard shows: the reports' contexts, stored levels, the close's audit.

Every function here reads: a context builder of the reports (`report.board`, `report.lp`,
`report.grant`, `report.notices`), the stored levels (`web.tables`), the book's history and
its chain (`close.history`, `close.verify`), the lines of a figure (`close.explain`). None
computes a figure.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import duckdb
import polars as pl

from fundbook.close.explain import Explained, explain_figure
from fundbook.close.history import history
from fundbook.close.periods import Period
from fundbook.close.verify import first_broken, head_hash, verify_chain
from fundbook.core.errors import NotFound
from fundbook.core.table import Rows
from fundbook.metrics.explain import sum_of_terms
from fundbook.metrics.notices import call_notices, calls_noticed
from fundbook.report.board import guidance_fund_id
from fundbook.report.grant import grant_funds
from fundbook.report.lp import lp_pairs
from fundbook.report.notices import book_frames
from fundbook.report.source import ReportSource, level, name_of
from fundbook.store.frames import Frames
from fundbook.web.tables import LevelTable, level_table

# The sections of a fund's page: title, level, extra filter, columns (None: all stored).
FUND_SECTIONS: tuple[tuple[str, str, tuple[str, ...] | None], ...] = (
    ("Capital accounts", "investor", None),
    ("Holdings", "holding", None),
    ("Look-through by company", "look_through_company", None),
    ("Compliance", "compliance", None),
    ("Fees against the schedule", "fee_check", None),
    ("Cash flows by quarter", "cash_flow", None),
    ("Expenses by category", "expense_by_category", None),
    ("Reconciliation with the GP statements", "reconcile", None),
)
# The carried-interest columns of the capital accounts: the waterfall's result per partner.
CARRY_COLUMNS = ("investor_id", "nav_before_carry", "accrued_carry", "nav")
PROGRAMME_SECTIONS = (
    ("Programme by scope", "programme"),
    ("Programme by sub-fund", "programme_fund"),
    ("Exposure by theme", "theme"),
    ("Grants", "grant"),
)


@dataclass(frozen=True)
class FundLink:
    fund_id: str
    name: str
    kind: str
    currency: str


def funds(source: ReportSource) -> list[FundLink]:
    """The funds of the close, by name."""
    names = source.names
    found = [r["fund_id"] for r in level(source.snapshot, "fund").to_dicts()]
    links = [
        FundLink(
            f,
            name_of(names, f),
            str(names.get(f, {}).get("kind") or ""),
            str(names.get(f, {}).get("currency") or ""),
        )
        for f in found
    ]
    return sorted(links, key=lambda link: link.name)


def fund_tables(source: ReportSource, fund_id: str) -> list[LevelTable]:
    """A fund's page: its figures, then each section's table of stored rows."""
    if not source.find("fund", fund_id=fund_id):
        raise NotFound("no such fund in this close")
    keys = {"fund_id": fund_id}
    tables = [level_table(source, "Figures", "fund", keys, transposed=True)]
    for title, name, columns in FUND_SECTIONS:
        tables.append(level_table(source, title, name, keys, columns))
    investors = level(source.snapshot, "investor")
    if "accrued_carry" in investors.columns:
        columns = tuple(c for c in CARRY_COLUMNS if c in investors.columns)
        tables.append(level_table(source, "Carried interest by partner", "investor", keys, columns))
    return tables


def breach_history(source: ReportSource, fund_id: str) -> list[dict[str, Any]]:
    """The fund's rules ever in breach at a quarter-end (`close.compliance_history`)."""
    return [dict(r) for r in source.breach_history or () if r.get("fund_id") == fund_id]


def programme_tables(source: ReportSource) -> list[LevelTable]:
    """The programme's page: its scopes, its sub-funds' parts, themes and grants."""
    return [level_table(source, title, name, {}) for title, name in PROGRAMME_SECTIONS]


def investor_funds(source: ReportSource, investor_id: str) -> list[FundLink]:
    """The funds an investor is a partner of in this close."""
    mine = {f for f, _ in lp_pairs(source, investor_id=investor_id)}
    return [f for f in funds(source) if f.fund_id in mine]


def is_grant(source: ReportSource, fund_id: str) -> bool:
    return fund_id in grant_funds(source)


def board_fund(source: ReportSource) -> str:
    return guidance_fund_id(source)


def notice_rows(frames: Frames, source: ReportSource, fund_id: str) -> list[dict[str, Any]]:
    """The notices of the fund's calls noticed in the close's quarter, every partner's (the
    page keeps one partner's)."""
    info = source.snapshot.close
    start = Period.parse(info.period).quarter_start
    calls = calls_noticed(frames, fund_id, start, info.period_end)
    return call_notices(frames, calls).to_dicts() if calls else []


def load_frames_of_book(con: duckdb.DuckDBPyConnection) -> Frames:
    return book_frames(con)


@dataclass(frozen=True)
class ExplainPage:
    """The lines of one figure, where they were read, and their sum when it is a sum."""

    explained: Explained
    columns: tuple[str, ...]
    lines: list[dict[str, Any]]
    total: Any  # the sum of the term lines (None: the figure is not a sum)
    value: Any  # the figure as stored (the result line)


def explain_page(
    con: duckdb.DuckDBPyConnection,
    level_name: str,
    keys: Mapping[str, str | None],
    figure: str,
    as_of: dt.date,
) -> ExplainPage:
    """`fundbook explain` of one figure, as the page shows it."""
    explained = explain_figure(con, level_name, keys, figure, as_of=as_of)
    lines = explained.lines
    result = lines.filter(pl.col("role") == "result")
    value = result["amount"][0] if result.height and "amount" in result.columns else None
    columns = tuple(lines.columns)
    return ExplainPage(explained, columns, lines.to_dicts(), sum_of_terms(lines), value)


@dataclass(frozen=True)
class AuditPage:
    """The book's events and whether its hash chain verifies."""

    events: Rows
    intact: bool
    head: str | None
    problems: list[str]


def audit_page(con: duckdb.DuckDBPyConnection) -> AuditPage:
    """`fundbook history` and `fundbook audit verify`, as the page shows them."""
    checks = verify_chain(con)
    broken = first_broken(checks)
    problems = [f"{broken.title}: {p}" for p in broken.problems] if broken else []
    return AuditPage(history(con), broken is None, head_hash(checks), problems)

"""What each page of the dashboard shows: the reports' contexts, stored levels, the close's audit.

Every function here reads: a context builder of the reports (`report.board`, `report.lp`,
`report.grant`, `report.notices`), the stored levels (`web.tables`), the book's history and
its chain (`close.history`, `close.verify`), the lines of a figure (`close.explain`). None
computes a figure.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
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
from fundbook.report.context import Figure
from fundbook.report.grant import grant_funds
from fundbook.report.i18n import N_
from fundbook.report.lp import lp_pairs
from fundbook.report.notices import book_frames
from fundbook.report.source import ReportSource, figure, level, name_of
from fundbook.store.frames import Frames
from fundbook.web.labels import COLUMNS, column_label, value_label
from fundbook.web.sections import (
    CAPITAL,
    CARRY,
    CARRY_TERMS,
    FACTS_HIDDEN,
    FUNDS_COLUMNS,
    GRANT_KINDS,
    GRANTS,
    HEADLINE,
    HISTORY_COLUMNS,
    LEVERAGE_KINDS,
    NOT_A_FUND_OF_FUNDS,
    PROGRAMME_SECTIONS,
    SECTIONS,
    UNDER_MONTHS,
    Section,
)
from fundbook.web.tables import Cell, LevelTable, cell, level_table, total_row


@dataclass(frozen=True)
class FundLink:
    fund_id: str
    name: str
    kind: str
    currency: str


def _kind_label(kind: str) -> str:
    return value_label("kind", kind) or kind


def funds(source: ReportSource) -> list[FundLink]:
    """The funds of the close, by name."""
    names = source.names
    found = [r["fund_id"] for r in level(source.snapshot, "fund").to_dicts()]
    links = [
        FundLink(
            f,
            name_of(names, f),
            _kind_label(str(names.get(f, {}).get("kind") or "")),
            str(names.get(f, {}).get("currency") or ""),
        )
        for f in found
    ]
    return sorted(links, key=lambda link: link.name)


@dataclass(frozen=True)
class Fact:
    """A line of a fund's list of figures: its label (a msgid) and its value."""

    label: str
    value: Cell


@dataclass(frozen=True)
class FundPage:
    """A fund's page: headline cards, its other figures, its sections in order, its carry."""

    fund_id: str
    name: str
    kind: str  # a msgid
    currency: str
    cards: list[tuple[str, Figure, str]]  # label (msgid), figure, note (translated)
    facts: list[Fact]
    capital: LevelTable
    carry: LevelTable | None  # None: no carry terms
    terms: list[Fact]
    sections: list[LevelTable]
    history: LevelTable
    holders: list[tuple[str, str]]  # (id, name) of the funds reconciling their interest in it


def fund_page(source: ReportSource, fund_id: str, gettext: Callable[[str], str]) -> FundPage:
    """A fund's page from its stored rows: nothing computed, columns selected and labelled."""
    found = source.find("fund", fund_id=fund_id)
    if not found:
        raise NotFound("no such fund in this close")
    row = found[0]
    keys = {"fund_id": fund_id}
    currency = str(row.get("currency") or "")
    kind = str(row.get("kind") or "")
    cards = _cards(source, row, gettext)
    shown = {c for c, _ in HEADLINE}
    order = {c: i for i, c in enumerate(COLUMNS)}  # the labels' order: grouped by meaning
    listed = sorted(
        (c for c in row if c not in shown and c not in FACTS_HIDDEN and c != "close_id"),
        key=lambda c: (order.get(c, len(order)), c),
    )
    facts = [
        Fact(column_label("fund", c), cell(source, row, c, "fund", ("fund_id",))) for c in listed
    ]
    info = source.find("fund_info", fund_id=fund_id)
    terms_row = info[0] if info else {}
    has_carry = terms_row.get("waterfall") is not None
    terms = [
        Fact(column_label("fund_info", c), cell(source, terms_row, c, "fund_info", ()))
        for c in CARRY_TERMS
        if has_carry
    ]
    fund_of_funds = _holds_funds(source, fund_id)
    shown_sections = (SECTIONS[0], GRANTS, *SECTIONS[1:]) if kind in GRANT_KINDS else SECTIONS
    sections = [_section(source, s, keys, currency, fund_of_funds) for s in shown_sections]
    return FundPage(
        fund_id,
        name_of(source.names, fund_id),
        _kind_label(kind),
        currency,
        cards,
        facts,
        _section(source, CAPITAL, keys, currency, fund_of_funds),
        _section(source, CARRY, keys, currency, fund_of_funds) if has_carry else None,
        terms,
        sections,
        _history(source, fund_id),
        _holders(source, fund_id),
    )


def _cards(
    source: ReportSource, row: dict[str, Any], gettext: Callable[[str], str]
) -> list[tuple[str, Figure, str]]:
    """The headline: the fund level's key figures (an IRR the policy flags says why)."""
    out = []
    for column, label in HEADLINE:
        if column == "social_leverage" and row.get("kind") not in LEVERAGE_KINDS:
            continue  # the leverage of social capital is a sub-fund's (a co-investment's)
        shown = cell(source, row, column, "fund", ("fund_id",))
        fig = shown.figure or figure(row, column, "money", "fund", {"fund_id": row["fund_id"]})
        note = ""
        if shown.nm_months is not None:
            note = gettext(UNDER_MONTHS) % {"months": shown.nm_months}
        out.append((label, fig, note))
    return out


def _section(
    source: ReportSource,
    section: Section,
    keys: dict[str, str],
    currency: str,
    fund_of_funds: bool,
) -> LevelTable:
    empty = section.empty
    if not fund_of_funds and section.level in NOT_A_FUND_OF_FUNDS:
        empty = NOT_A_FUND_OF_FUNDS[section.level]
    of = dict(section.total)
    total = total_row(source, keys, section.columns, of) if of else None
    return level_table(
        source,
        section.title,
        section.level,
        keys,
        section.columns,
        note=section.note,
        currency=currency,
        empty=empty,
        total=total,
        anchor=section.anchor,
    )


def _holds_funds(source: ReportSource, fund_id: str) -> bool:
    """Whether the fund holds an interest in another fund of the book (a fund of funds)."""
    funds = set(level(source.snapshot, "fund")["fund_id"].to_list())
    return any(r.get("holding_id") in funds for r in source.find("holding", fund_id=fund_id))


def _holders(source: ReportSource, fund_id: str) -> list[tuple[str, str]]:
    """The funds that reconcile their interest in this fund with its GP's statements."""
    frame = level(source.snapshot, "reconcile")
    if "holding_id" not in frame.columns:
        return []
    found = frame.filter(pl.col("holding_id") == fund_id)["fund_id"].unique().to_list()
    return sorted((str(f), name_of(source.names, f)) for f in found)


def _history(source: ReportSource, fund_id: str) -> LevelTable:
    """The fund's rules ever in breach at a quarter-end (`close.compliance_history`), as read
    (not a level of the snapshot: no download, no explain link)."""
    found = breach_history(source, fund_id)
    keys = ("fund_id", "rule")
    rows = tuple(
        tuple(cell(source, r, c, "compliance_history", keys) for c in HISTORY_COLUMNS)
        for r in found
    )
    return LevelTable(
        N_("Compliance history"),
        "compliance_history",
        (("fund_id", fund_id),),
        HISTORY_COLUMNS,
        rows,
        labels=tuple(column_label("compliance_history", c) for c in HISTORY_COLUMNS),
        note=N_(
            "The rules of this fund ever failed or behind at a quarter-end, quarter by "
            "quarter, read from the closes (or computed for a quarter-end not closed)."
        ),
        empty=N_("No rule of this fund was ever in breach at a quarter-end."),
        anchor="compliance-history",
        download=False,
    )


def breach_history(source: ReportSource, fund_id: str) -> list[dict[str, Any]]:
    """The fund's rules ever in breach at a quarter-end (`close.compliance_history`)."""
    return [dict(r) for r in source.breach_history or () if r.get("fund_id") == fund_id]


def programme_tables(source: ReportSource) -> list[LevelTable]:
    """The programme's page: its scopes (one column each), its sub-funds' parts, themes and
    grants, each of selected, labelled columns."""
    return [
        level_table(source, title, name, {}, columns, transposed, note=note, anchor=name)
        for title, name, columns, transposed, note in PROGRAMME_SECTIONS
    ]


def funds_table(source: ReportSource) -> LevelTable:
    """The funds' key figures, one row each (every column in the download)."""
    return level_table(
        source,
        N_("Key figures"),
        "fund",
        {},
        FUNDS_COLUMNS,
        note=N_("Each fund's key figures at the period end, in its own currency."),
    )


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

"""Page 1 of the board report tells the quarter's story; its tables' totals add up (issue 14)."""

from __future__ import annotations

from decimal import Decimal
from html.parser import HTMLParser
from typing import Any

import pytest
from report_kit import closed_book

from fundbook.report.board import build_board_context
from fundbook.report.render import board_report, load


class Tables(HTMLParser):
    """The rows (cell texts) of every table of a class, and whether each row is a total."""

    def __init__(self, wanted: str) -> None:
        super().__init__()
        self.wanted, self.tables = wanted, []
        self._in, self._row, self._cell, self._total = False, None, None, False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if tag == "table" and self.wanted in classes:
            self._in = True
            self.tables.append([])
        elif self._in and tag == "tr":
            self._row, self._total = [], "total" in classes
        elif self._in and tag == "td":
            self._cell = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._in = False
        elif self._in and tag == "td" and self._row is not None:
            self._row.append((self._cell or "").strip())
            self._cell = None
        elif self._in and tag == "tr" and self._row:
            self.tables[-1].append((self._total, self._row))
            self._row = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell += data


def _number(text: str) -> Decimal:
    """A figure as shown: grouped, negatives in parentheses or with a minus."""
    text = text.replace(",", "").replace("−", "-")
    if text.startswith("(") and text.endswith(")"):
        text = "-" + text[1:-1]
    return Decimal(text)


@pytest.fixture(scope="module")
def board(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, str]:
    db = closed_book(tmp_path_factory.mktemp("story-book"))
    source = load(db, "2026Q3")
    out = tmp_path_factory.mktemp("story-out")
    return source, board_report(source, out).html[0].read_text(encoding="utf-8")


def test_page_one_tables_total_the_rows_shown(board: tuple[Any, str]):
    source, html = board
    parser = Tables("story")
    parser.feed(html)
    assert len(parser.tables) == 3  # cash of the quarter, budget, obligations
    for table in parser.tables:
        rows = [_number(r[-1]) for total, r in table if not total]
        totals = [_number(r[-1]) for total, r in table if total]
        assert len(totals) == 1 and rows, table
        # in HK$ million to one decimal: each row shown is within 0.05 of its figure
        assert abs(totals[0] - sum(rows)) <= Decimal("0.05") * (len(rows) + 1), table
    ctx = build_board_context(source)
    for t in (ctx.quarter_flows, ctx.budget, ctx.obligations):
        assert t.total.value == sum(Decimal(str(r.figure.value or 0)) for r in t.rows), t
        assert t.unit == "HK$ million" and t.unit in html


def test_page_one_shows_change_headroom_and_obligations_apart(board: tuple[Any, str]):
    source, html = board
    ctx = build_board_context(source)
    page1 = html[: html.index('id="compliance"')]
    changes = [c for _, _, _, c in ctx.headline if c is not None]
    assert changes and "on the previous quarter" in page1
    moved = {name: mv for name, mv in ctx.movements[0].figures.items()}
    nav_change = next(c for label, _, _, c in ctx.headline if label == "Net asset value")
    assert nav_change.value == moved["nav"].change.value
    labels = [r.label for r in ctx.budget.rows]
    assert labels[-1] == "Not yet committed (headroom)"
    budget = ctx.budget.total.value
    assert budget == ctx.totals["committed"].value
    headroom = ctx.budget.rows[-1].figure.value
    committed = sum(r.figure.value for r in ctx.budget.rows[:-1])
    assert headroom == budget - committed
    # the obligations are the sub-funds' uncalled government commitments, not the budget left
    programme = [r for r in ctx.leverage if r.total][0]
    assert ctx.obligations.total.value == (
        programme.government_committed.value - programme.government_paid_in.value
    )
    assert "Outstanding obligations to sub-funds" in page1
    assert "Not yet committed (headroom)" in page1
    assert '<a href="#compliance">Mandate compliance</a>' in page1
    assert "<h2>Mandate compliance</h2>" in html


def test_breaches_new_vs_recurring_with_first_date(board: tuple[Any, str]):
    source, html = board
    ctx = build_board_context(source)
    history = {r["rule"]: r for r in source.breach_history}
    assert ctx.breaches and history
    end = source.period_end
    for b in ctx.breaches:
        assert b.status in ("fail", "watch") and b.first_breach is not None
        assert b.new == (b.first_breach == end)
        assert b.first_breach.isoformat() in html
    news = [b.new for b in ctx.breaches]
    assert news == sorted(news, reverse=True)  # new first
    parser = Tables("breaches")
    parser.feed(html)
    shown = parser.tables[0]
    assert len(shown) == len(ctx.breaches)
    for (_, cells), b in zip(shown, ctx.breaches, strict=True):
        assert cells[4] == "New" if b.new else cells[4].startswith("Recurring")

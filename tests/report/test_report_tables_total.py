"""Every money table of the board and the LP report totals its rows in one stated unit; the LP
portfolio reconciles to the fund's NAV to the cent (issue 14, item 1)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from report_kit import closed_book
from test_report_board_story import Tables, _number

from fundbook.report.board import build_board_context
from fundbook.report.lp import build_lp_context, lp_pairs
from fundbook.report.render import board_report, load, lp_reports

# within the display rounding: each row shown in millions to one decimal is within 0.05
HALF_TENTH = Decimal("0.05")


def _value(fig: Any) -> Decimal:
    return Decimal(str(fig.value or 0))


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, str, Any]:
    db = closed_book(tmp_path_factory.mktemp("tables-book"))
    source = load(db, "2026Q3")
    out = tmp_path_factory.mktemp("tables-out")
    html = board_report(source, out).html[0].read_text(encoding="utf-8")
    return source, html, out


def _shown_rows_add_up(table: list[tuple[bool, list[str]]], columns: list[int]) -> None:
    """The rows above the total row add up to it, column by column, within the rounding."""
    at = next(i for i, (total, _) in enumerate(table) if total)
    rows = [cells for _, cells in table[:at]]
    total = table[at][1]
    for c in columns:
        shown = sum(_number(r[c]) for r in rows)
        assert abs(_number(total[c]) - shown) <= HALF_TENTH * (len(rows) + 1), (c, table)


def test_leverage_tables_total_the_sub_funds(book: tuple[Any, str, Any]):
    source, html, _ = book
    ctx = build_board_context(source)
    subs = [r for r in ctx.leverage if not r.scope_row]
    programme = next(r for r in ctx.leverage if r.total)
    for name in ("committed", "government_committed", "social_committed", "paid_in"):
        assert sum(_value(getattr(r, name)) for r in subs) == _value(getattr(programme, name))
    parser = Tables("leverage")
    parser.feed(html)
    commitment, paid_in = parser.tables
    _shown_rows_add_up(commitment, [1, 2, 3])
    _shown_rows_add_up(paid_in, [1, 2, 3])
    assert "Commitment basis (HK$ million)" in html and "Paid-in basis (HK$ million)" in html


def test_top_holdings_and_jcurve_total_their_rows(book: tuple[Any, str, Any]):
    source, html, _ = book
    ctx = build_board_context(source)
    assert ctx.top_total["fair_value"].value == sum(_value(h.fair_value) for h in ctx.top_holdings)
    assert ctx.top_total["share"] == ctx.top_holdings[-1].cumulative_share
    for name, tables in (("top-holdings", [3]), ("jcurve", [1, 2, 3])):
        parser = Tables(name)
        parser.feed(html)
        assert parser.tables, name
        for table in parser.tables:
            _shown_rows_add_up(table, tables)
            assert next(cells for total, cells in table if total)[-1] == "—"
    for j in ctx.jcurves:
        for name in ("contributions", "distributions", "net"):
            parts = sum(_value(getattr(p, name)) for p in j.recent)
            assert j.recent_total[name].value == parts


def test_programme_totals_and_movements_state_their_unit(book: tuple[Any, str, Any]):
    _, html, _ = book
    totals = html[html.index("<h2>Programme totals</h2>") : html.index('<div class="keep">')]
    assert "HK$ million" in totals and "No total row" in totals
    movements = html[html.index("<h2>Quarter-on-quarter movements</h2>") :]
    assert "millions of each fund's own currency" in movements and "No total row" in movements


def test_lp_portfolio_totals_and_reconciles_to_nav(book: tuple[Any, str, Any]):
    source, _, out = book
    for fund_id, investor_id in lp_pairs(source):
        ctx = build_lp_context(source, fund_id, investor_id)
        total, recon = ctx.portfolio_total, ctx.nav_reconciliation
        assert total is not None and recon is not None
        for name, column in (("cost", "cost"), ("fair_value", "fair_value")):
            rows = sum(_value(getattr(h, column)) for h in ctx.holdings)
            assert _value(getattr(total, name)) == rows, (fund_id, name)
        realised = sum(_value(h.realised_gain) for h in ctx.holdings)
        assert _value(total.realised_gain) == realised
        # to the cent: holdings + cash + prepaid - accrued - interest payable (- carry) = NAV
        assert sum(_value(r.figure) for r in recon.rows) == _value(recon.total), fund_id
        assert recon.rows[0].figure.value == total.fair_value.value
        assert {r.figure.source.level for r in recon.rows} == {"fund"}
        assert recon.total.source is not None and recon.total.source.field == "nav"
    fund_id, investor_id = lp_pairs(source)[0]
    paths = lp_reports(source, out, fund_id=fund_id, investor_id=investor_id).html
    html = paths[0].read_text(encoding="utf-8")
    parser = Tables("reconciliation")
    parser.feed(html)
    (table,) = parser.tables
    rows = [_number(cells[-1]) for is_total, cells in table if not is_total]
    totals = [_number(cells[-1]) for is_total, cells in table if is_total]
    assert totals == [sum(rows)]  # shown with cents: exactly
    assert "the fund as a whole" in html
    portfolio = Tables("portfolio")
    portfolio.feed(html)
    shown = portfolio.tables[0]
    total_row = next(cells for is_total, cells in shown if is_total)
    fair = sum(_number(cells[4]) for is_total, cells in shown if not is_total)
    assert _number(total_row[2]) == fair  # the total row's first cell spans three columns

"""Workbooks: confidential and printable on every sheet, text kept text, the board's tables."""

from __future__ import annotations

import openpyxl
import polars as pl
import pytest
from click.testing import CliRunner
from conftest import make_source

from fundbook.cli import cli
from fundbook.close.closing import close_period
from fundbook.demo import DEMO_LEDGER
from fundbook.report.board import build_board_context
from fundbook.report.render import load, lp_reports
from fundbook.report.source import ReportSource

FORMULA_LIKE = ('=HYPERLINK("http://x","y")', "+85 2 1234", "-1", "@SUM(A1)", "\tTab Ltd")


def print_faults(book: openpyxl.Workbook, confidential: str) -> list[str]:
    """What a sheet lacks to print as a confidential document and to scroll with its header."""
    faults = []
    for ws in book.worksheets:
        where = ws.title
        header, footer = ws.oddHeader.center.text or "", ws.oddFooter.center.text or ""
        if confidential not in header:
            faults.append(f"{where}: header {header!r}")
        if footer != "Page &P of &N":
            faults.append(f"{where}: footer {footer!r}")
        setup = ws.page_setup
        if (setup.orientation, str(setup.paperSize)) != ("landscape", "9"):
            faults.append(f"{where}: not A4 landscape")
        # fitToWidth 1 is the default, so not written
        fit = (setup.fitToWidth or 1, setup.fitToHeight, ws.sheet_properties.pageSetUpPr.fitToPage)
        if fit != (1, 0, True):
            faults.append(f"{where}: not fit to the page width")
        if not ws.print_title_rows:
            faults.append(f"{where}: no repeated header row")
        if ws.freeze_panes is None or ws.freeze_panes in ("A1",):
            faults.append(f"{where}: no frozen header row")
    return faults


def test_every_lp_sheet_is_confidential_printable_and_frozen(tmp_path, tiny_source):
    book = openpyxl.load_workbook(
        lp_reports(tiny_source(), tmp_path, investor_id="lp-a", xlsx=True).xlsx[0]
    )
    assert len(book.worksheets) >= 7
    assert print_faults(book, "Confidential — Harbour Deep Tech Fund I — 2026Q3") == []
    # the header row frozen: the portfolio's first company row scrolls, its header does not
    assert book["Portfolio"].freeze_panes == "A4"
    assert book["Portfolio"].print_title_rows == "$1:$3"


def test_a_sheet_without_the_set_up_is_caught(tmp_path):
    path = tmp_path / "plain.xlsx"
    openpyxl.Workbook().save(path)
    faults = print_faults(openpyxl.load_workbook(path), "Confidential")
    assert len(faults) == 6, faults


def _with_company_names(names: tuple[str, ...]) -> ReportSource:
    source = make_source()
    entity = source.snapshot.levels["entity"]
    renamed = dict(zip(["c1", "c2"], names[:2], strict=True))
    source.snapshot.levels["entity"] = entity.with_columns(
        pl.col("entity_id").replace_strict(renamed, default=pl.col("name")).alias("name")
    )
    return source


@pytest.mark.parametrize("pair", [FORMULA_LIKE[:2], FORMULA_LIKE[2:4], FORMULA_LIKE[3:5]])
def test_a_name_that_looks_like_a_formula_stays_text_with_a_quote_prefix(tmp_path, pair):
    path = lp_reports(_with_company_names(pair), tmp_path, investor_id="lp-a", xlsx=True).xlsx[0]
    cells = {c.value: c for c in openpyxl.load_workbook(path)["Portfolio"]["A"]}
    for name in pair:
        assert cells[name].data_type == "s", name
        assert cells[name].quotePrefix, name
    assert not cells["Company"].quotePrefix  # plain text stays plain


@pytest.fixture(scope="module")
def demo_board(tmp_path_factory: pytest.TempPathFactory):
    """`fundbook report board --xlsx` on the demo book, and the board's context."""
    if not (DEMO_LEDGER / "funds.csv").is_file():
        pytest.skip("the demo ledger is not in this checkout")
    root = tmp_path_factory.mktemp("board-xlsx")
    db = root / "demo.duckdb"
    close_period(db, "2026-09", ledger_dir=str(DEMO_LEDGER))
    args = ["report", "board", "--db", str(db), "--quarter", "2026Q3", "--out", str(root / "out")]
    result = CliRunner().invoke(cli, [*args, "--xlsx"])
    assert result.exit_code == 0, result.output
    assert "1 HTML, 0 PDF, 1 XLSX" in result.output
    return openpyxl.load_workbook(root / "out" / "board-2026Q3.xlsx"), build_board_context(
        load(db, "2026Q3")
    )


def test_the_board_workbook_has_a_sheet_per_table_and_prints_like_the_lp_one(demo_board):
    book, ctx = demo_board
    assert book.sheetnames == [
        "Headline",
        "Quarter cash",
        "Budget",
        "Obligations",
        "Breaches",
        "Leverage",
        "Compliance",
        "Programme rules",
        "Findings",
        "Management fees",
        "Themes",
        "Look-through",
        "Costs in sub-funds",
        "J-curve",
        "Forecast",
        "Top holdings",
        "Grants",
        "Movements",
        "PME",
    ]
    name = "I&T Industry-Oriented Fund (創科產業引導基金)"
    assert print_faults(book, f"Confidential — {name.replace('&', '&&')} — 2026Q3") == []


def test_the_board_forecast_is_the_stored_government_share_with_its_totals(demo_board):
    """The forecast sheet and section: each year's figures as the forecast_programme level
    holds them, the calls' and distributions' totals their sums, the band around the
    distributions; the chart describes every year."""
    book, ctx = demo_board
    f = ctx.forecast
    assert f is not None and f.programme == "itif" and [y.year for y in f.years][:3] == [1, 2, 3]
    assert {y.contributions.source.level for y in f.years} == {"forecast_programme"}
    assert f.total["contributions"].value == sum(y.contributions.value for y in f.years)
    assert f.total["distributions"].value == sum(y.distributions.value for y in f.years)
    for y in f.years:
        assert y.distributions_low.value <= y.distributions.value <= y.distributions_high.value
    rows = [r for r in book["Forecast"].iter_rows(min_row=4, values_only=True) if r[0]]
    assert [r[0] for r in rows[:-1]] == [y.year for y in f.years]
    assert rows[0][2] == _number(f.years[0].contributions)
    assert rows[-1][0] == "Total" and rows[-1][3] == _number(f.total["distributions"])
    assert "expected calls and distributions by forecast year</title>" in f.chart
    assert f.chart.count("5th-95th percentile band") == len(f.years) * 2 + 1


def _number(fig) -> float | None:
    return None if fig is None or fig.value is None else float(fig.value)


def test_the_board_workbook_holds_the_public_market_equivalents(demo_board):
    book, ctx = demo_board
    sheet = list(book["PME"].iter_rows(min_row=3, values_only=True))
    (table,) = ctx.pme
    assert sheet[0][0] == f"{table.index_name} ({table.index_id})"
    assert sheet[1][:5] == ("Fund", "KS-PME", "Direct alpha", "LN-PME IRR", "Net IRR")
    rows = {r[0]: r for r in sheet[2:]}
    for r in table.rows:
        cells = rows[r.name]
        shown = "n.m." if r.ks_pme.kind == "nm" else _number(r.ks_pme)
        assert cells[1] == shown, r.name


def test_the_board_workbook_holds_the_reports_figures(demo_board):
    book, ctx = demo_board
    leverage = {r[0].value: r for r in book["Leverage"].iter_rows(min_row=4)}
    assert len(ctx.leverage) >= 9
    for row in ctx.leverage:
        cells = leverage[row.name]
        assert cells[2].value == _number(row.committed), row.name
        assert cells[6].value == pytest.approx(_number(row.social_leverage)), row.name
        assert cells[8].value == _number(row.paid_in), row.name
    total = leverage["Programme (all sub-funds)"]
    assert total[2].number_format == "#,##0.0,,;(#,##0.0,,);0.0"  # shown in millions
    assert total[7].value == "behind"  # the status as a word
    grants = [r for r in book["Grants"].iter_rows(min_row=4, values_only=True)]
    assert len(grants) == len(ctx.grants) + 1
    assert grants[-1][:2] == ("Total", _number(ctx.grant_totals["grants"]))
    assert sum(g[1] for g in grants[:-1]) == pytest.approx(grants[-1][1])
    compliance = list(book["Compliance"].iter_rows(min_row=4, values_only=True))
    assert [r[0] for r in compliance] == [r.fund for r in ctx.compliance]
    words = {w for r in compliance for w in r[2::2]}
    assert words <= {"met", "failed", "watch", "pending", "—"} and "failed" in words
    headline = {r[0]: r[1] for r in book["Headline"].iter_rows(min_row=4, values_only=True)}
    for label, fig, *_ in ctx.headline:
        if fig is not None and fig.kind == "nm":  # an IRR too young: the words, no number
            assert headline[label] == "n.m.", label
        else:
            assert headline[label] == pytest.approx(_number(fig)), label
    # page 1's tables: their rows and total as the report's, the total the rows' sum
    for name, table in (
        ("Quarter cash", ctx.quarter_flows),
        ("Budget", ctx.budget),
        ("Obligations", ctx.obligations),
    ):
        cells = list(book[name].iter_rows(min_row=4, values_only=True))
        assert [c[0] for c in cells] == [*(r.label for r in table.rows), table.total_label]
        assert cells[-1][1] == pytest.approx(_number(table.total))
        assert sum(c[1] or 0 for c in cells[:-1]) == pytest.approx(cells[-1][1], abs=0.005), name
    breaches = list(book["Breaches"].iter_rows(min_row=4, values_only=True))
    assert [r[0] for r in breaches] == [b.fund for b in ctx.breaches]
    fees = list(book["Management fees"].iter_rows(min_row=4, values_only=True))
    assert fees[-1][0] == "Total (HKD at the as-of rate)"
    assert sum(r[7] or 0 for r in fees[:-1]) == pytest.approx(fees[-1][7], abs=0.005)

"""The guidance fund's look-through in its LP report and the board report, on the small book
of tests/metrics/test_look_through.py (figures worked by hand there): the tables add up from
the rendered figures, both routes of a company and the costs it bears in its sub-fund."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from gp_kit import gp_book
from report_kit import check_board_figures, other_investor_leaks, redacted

from fundbook.close.closing import close_period
from fundbook.report.board import build_board_context
from fundbook.report.render import board_report, load, lp_reports
from tests.metrics.test_look_through import (
    write_look_through_book,
    write_two_guidance_funds_book,
)


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("look-through")
    db = root / "book.duckdb"
    close_period(db, "2026-06", ledger_dir=str(write_look_through_book(root / "ledger")))
    return load(db, "2026Q2")


def _table(html: str, css: str) -> list[list[str]]:
    """The cells (text) of each body row of the table of class `css`."""
    body = re.search(rf'<table class="{css}">.*?<tbody>(.*?)</tbody>', html, re.S)
    assert body, css
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", body.group(1), re.S)
    return [
        [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", r, re.S)]
        for r in rows
    ]


def _money(text: str) -> Decimal:
    negative = text.startswith("(")
    value = Decimal(text.strip("()").replace(",", ""))
    return -value if negative else value


def _check_look_through(html: str) -> None:
    themes = _table(html, "look-through-themes")
    by_label = {r[0]: r[1] for r in themes}
    assert by_label["AI and robotics"] == "37,000,000.00"
    assert by_label["Other (outside the five themes)"] == "7,500,000.00"
    assert by_label["Life and health technology"] == "0.00"
    # the themes add up to the companies; companies, the sub-funds' rest and its own to NAV
    companies, sub_funds, own, nav = (_money(r[1]) for r in themes[-4:])
    assert sum(_money(r[1]) for r in themes[:-4]) == companies == Decimal("44500000.00")
    assert (sub_funds, own) == (Decimal("20000.00"), Decimal("5000000.00"))
    assert companies + sub_funds + own == nav == Decimal("49520000.00")
    rows = _table(html, "look-through-companies")
    assert ["Alpha Robotics", "12,000,000.00", "25,000,000.00", "37,000,000.00", "74.7%"] in rows
    assert ["Beta Logistics", "0.00", "7,500,000.00", "7,500,000.00", "15.1%"] in rows
    totals = [_money(r[3]) for r in rows if r[0].startswith("Total ")]
    assert sum(totals) == companies
    # what it bears in S: fees QTD / ITD, offsets, expenses QTD / ITD, carry paid, accrued
    costs = _table(html, "borne")
    assert costs == [
        [
            "Sub-fund S",
            "HKD",
            "0.00",
            "500,000.00",
            "not modelled",
            "0.00",
            "100,000.00",
            "0.00",
            "1,880,000.00",
        ],
        # one total per currency: the sum of its rows; not modelled in every row: not modelled
        [
            "Total in HKD (1 sub-fund)",
            "HKD",
            "0.00",
            "500,000.00",
            "not modelled",
            "0.00",
            "100,000.00",
            "0.00",
            "1,880,000.00",
        ],
    ]


def test_the_guidance_funds_lp_report_looks_through_its_sub_fund(source, tmp_path: Path):
    html_path = lp_reports(source, tmp_path, fund_id="G", investor_id="gov").html[0]
    html = html_path.read_text(encoding="utf-8")
    _check_look_through(html)
    assert "Sector exposure" not in html  # the old table with "Sub-fund" as a theme is gone
    assert other_investor_leaks(source, html_path, "G", "gov") == []
    alone = lp_reports(redacted(source, "gov", "G"), tmp_path / "alone", "G", "gov").html[0]
    assert alone.read_text(encoding="utf-8") == html


def test_the_guidance_funds_workbook_has_the_look_through_and_the_costs(source, tmp_path: Path):
    path = lp_reports(source, tmp_path, fund_id="G", investor_id="gov", xlsx=True).xlsx[0]
    book = openpyxl.load_workbook(path)
    rows = [[c.value for c in r] for r in book["Look-through"].iter_rows(min_row=4)]
    values = {r[0]: r[1:] for r in rows if r and r[0]}
    assert values["AI and robotics"][0] == 37000000
    assert values["Alpha Robotics"][:3] == [12000000, 25000000, 37000000]
    assert values["Net asset value"][0] == 49520000
    costs = [c.value for c in next(book["Costs in sub-funds"].iter_rows(min_row=4))]
    assert costs == ["Sub-fund S", "HKD", 0, 500000, "not modelled", 0, 100000, 0, 1880000]


def test_the_sub_funds_lp_report_has_no_look_through(source, tmp_path: Path):
    html = lp_reports(source, tmp_path, fund_id="S", investor_id="L2").html[0]
    text = html.read_text(encoding="utf-8")
    assert "Sector exposure" in text and "Look-through exposure" not in text


def test_the_board_report_looks_through_the_guidance_fund(source, tmp_path: Path):
    html = board_report(source, tmp_path).html[0].read_text(encoding="utf-8")
    _check_look_through(html)


def test_each_guidance_funds_lp_report_shows_its_own_themes(tmp_path: Path):
    # a second guidance fund H (USD) holding c2: G's report is as when G is alone (its themes
    # were 0.00 when the book had two), H's shows its own company in its own currency
    db = tmp_path / "book.duckdb"
    ledger = write_two_guidance_funds_book(tmp_path / "ledger")
    close_period(db, "2026-06", ledger_dir=str(ledger))
    two = load(db, "2026Q2")
    _check_look_through(lp_reports(two, tmp_path / "g", "G", "gov").html[0].read_text("utf-8"))
    html = lp_reports(two, tmp_path / "h", "H", "gov").html[0].read_text(encoding="utf-8")
    themes = {r[0]: r[1] for r in _table(html, "look-through-themes")}
    assert themes["Other (outside the five themes)"] == "600,000.00"
    assert themes["AI and robotics"] == "0.00"
    assert themes["Companies, held directly and through the sub-funds (the themes)"] == (
        "600,000.00"
    )
    assert "in USD" in html


@pytest.fixture(scope="module")
def gp_source(tmp_path_factory: pytest.TempPathFactory):
    """The GP book (tests/gp_kit.py) closed 2026-06: gf holds sf1 through gf-lp and sf3
    without its ledger, valued from its GP's Q1 statement (fees to date 1.50, carry empty)."""
    root = tmp_path_factory.mktemp("gp-costs")
    db = root / "book.duckdb"
    close_period(db, "2026-06", ledger_dir=str(gp_book(root / "ledger")), carry_forward=True)
    return db, load(db, "2026Q2")


SF3_COSTS = [
    "Sub-fund Three (per the GP statement of 2026-03-31)",
    "HKD",
    "not reported",
    "1.50",
    *["not reported"] * 5,
]


def test_a_sub_fund_without_its_ledger_shows_the_costs_its_gp_reports(gp_source, tmp_path):
    db, source = gp_source
    html = lp_reports(source, tmp_path, fund_id="gf", investor_id="gov").html[0]
    text = html.read_text(encoding="utf-8")
    costs = _table(text, "borne")
    assert [c[0] for c in costs] == ["Sub-fund One", SF3_COSTS[0], "Total in HKD (2 sub-funds)"]
    assert costs[1] == SF3_COSTS
    # a column no row gives stays without a figure; the others add the rows that give one
    total = ["Total in HKD (2 sub-funds)", "HKD", "0.00", "2.75", "not modelled", "0.00"]
    assert costs[2][:6] == total
    assert '"Not reported"' in text
    board = board_report(source, tmp_path / "board").html[0].read_text(encoding="utf-8")
    assert _table(board, "borne")[1] == SF3_COSTS
    # the figures read from the snapshot's holding level equal `fundbook metrics --by holding`
    checked = check_board_figures(db, build_board_context(source), source.period_end)
    assert checked.get("holding", 0) >= 2
    book = openpyxl.load_workbook(
        lp_reports(source, tmp_path / "x", fund_id="gf", investor_id="gov", xlsx=True).xlsx[0]
    )
    rows = [[c.value for c in r] for r in book["Costs in sub-funds"].iter_rows(min_row=4)]
    assert rows[1] == [SF3_COSTS[0], "HKD", "not reported", 1.5, *["not reported"] * 5]

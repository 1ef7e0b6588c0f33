"""Rendering a tiny snapshot: escaping, confidentiality, DRAFT, PDF/XLSX, user templates."""

from __future__ import annotations

import re

import openpyxl
import pytest
from jinja2 import UndefinedError
from report_kit import (
    ARTIFACTS,
    XSS_NAME,
    chromium_console,
    ink_fraction,
    pdf_pages_text,
    png_pages,
)

from fundbook.report.render import board_report, lp_reports


def test_company_name_is_escaped_in_html(tmp_path, tiny_source):
    result = lp_reports(tiny_source(), tmp_path)
    html = result.html[0].read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in html
    assert "<script" not in html


def test_company_name_is_exact_in_xlsx_and_numbers_are_numbers(tmp_path, tiny_source):
    result = lp_reports(tiny_source(), tmp_path, investor_id="lp-a", xlsx=True)
    wb = openpyxl.load_workbook(result.xlsx[0])
    assert wb.sheetnames == [
        "Summary",
        "Capital account",
        "Performance",
        "Cash flows",
        "Portfolio",
        "Sector exposure",
        "Fees and expenses",
    ]
    names = [c.value for c in wb["Portfolio"]["A"]]
    assert XSS_NAME in names
    statement = wb["Capital account"]
    ending = next(r for r in statement.iter_rows() if r[0].value == "Ending NAV")
    assert [c.value for c in ending[1:]] == [840000, 840000, 840000, 1400000, 1400000, 1400000]
    assert ending[1].number_format == "#,##0.00;(#,##0.00);0.00"
    # the FX translation on its own line, right after the change in unrealised gain
    labels = [r[0].value for r in statement.iter_rows()]
    fx = labels.index("FX translation")
    assert labels[fx - 1] == "Change in unrealised gain / (loss)"
    values = [c.value for c in list(statement.iter_rows())[fx][1:]]
    assert values == [600, 600, 600, 1000, 1000, 1000]
    irr = next(r for r in wb["Performance"].iter_rows() if r[0].value == "Net IRR")
    assert irr[1].value == pytest.approx(0.0812) and irr[1].number_format == "0.0%"


def test_pdf_shows_the_name_and_every_page_is_non_blank(tmp_path, tiny_source):
    result = lp_reports(tiny_source(closed=True), tmp_path, investor_id="lp-b", pdf=True)
    pages = pdf_pages_text(result.pdf[0])
    flat = re.sub(r"\s+", "", "".join(pages))
    assert re.sub(r"\s+", "", XSS_NAME) in flat
    assert "香港科技創投有限公司" in flat
    assert "DRAFT" not in flat
    pngs = png_pages(result.pdf[0], tmp_path / "png")
    assert len(pngs) == len(pages) >= 3
    assert all(ink_fraction(p) > 0.002 for p in pngs)


def test_draft_is_marked_on_every_page(tmp_path, tiny_source):
    result = board_report(tiny_source(closed=False), tmp_path, pdf=True)
    pages = pdf_pages_text(result.pdf[0])
    assert len(pages) >= 2
    assert all("DRAFT" in page for page in pages)


def test_a_draft_says_so_in_its_methods_note_and_neither_report_says_snapshot(
    tmp_path, tiny_source
):
    draft = "The figures are a DRAFT: the quarter is not closed, and they may change until its"
    for closed in (True, False):
        out = tmp_path / str(closed)
        for result in (
            lp_reports(tiny_source(closed), out),
            board_report(tiny_source(closed), out),
        ):
            html = result.html[0].read_text(encoding="utf-8")
            assert (draft in html) is not closed
            assert ("the locked close of the quarter" in html) is closed
            assert "snapshot" not in html.lower()
            assert '<a href="methods.md">Methods</a>' in html


def test_lp_report_holds_no_other_investor(tmp_path, tiny_source):
    result = lp_reports(tiny_source(), tmp_path, investor_id="lp-a", xlsx=True)
    html = result.html[0].read_text(encoding="utf-8")
    for secret in ("lp-b", "香港科技創投有限公司"):
        assert secret not in html
    for amount in ("800,000.00", "560,000.00", "200,000.00"):
        assert not re.search(rf"(?<![\d,.]){re.escape(amount)}", html), amount
    assert "Alpha Pension Trust" in html and "840,000.00" in html


def test_user_templates_override_and_undefined_names_fail(tmp_path, tiny_source):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "lp.html").write_text(
        '{% extends "base.html" %}{% block content %}<p class="house">'
        "{{ report.investor.name }}: {{ report.summary.nav|fig }}</p>{% endblock %}"
    )
    result = lp_reports(tiny_source(), tmp_path / "out", investor_id="lp-a", templates=mine)
    assert '<p class="house">Alpha Pension Trust: 840,000.00</p>' in result.html[0].read_text()
    (mine / "lp.html").write_text("{{ report.no_such_figure }}")
    with pytest.raises(UndefinedError):
        lp_reports(tiny_source(), tmp_path / "out2", investor_id="lp-a", templates=mine)


def test_html_opens_in_chromium_without_console_errors(tmp_path, tiny_source):
    result = lp_reports(tiny_source(), tmp_path, investor_id="lp-a")
    shot = ARTIFACTS / "tiny-lp-report.png"
    assert chromium_console(result.html[0], shot) == []
    assert shot.is_file() and ink_fraction(shot) > 0.002


def test_console_check_catches_an_error(tmp_path):
    page = tmp_path / "bad.html"
    page.write_text('<script>console.error("boom")</script><p>x</p>')
    assert any("boom" in line for line in chromium_console(page, tmp_path / "bad.png"))

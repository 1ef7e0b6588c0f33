"""A statement line a fund's terms do not model (null) reads "not modelled" in every format,
with a methods note; a modelled line, even 0.00, reads as money."""

from __future__ import annotations

import dataclasses
import re

import openpyxl
import polars as pl
from conftest import make_source
from report_kit import pdf_pages_text

from fundbook.report.lp import build_lp_context
from fundbook.report.render import lp_reports
from fundbook.report.source import ReportSource

NULL_LINES = ("fee_offsets", "carry_paid", "carry_accrued_change", "carry_accrued_balance")
LABELS = {
    "Management fee rebates and offsets",
    "Incentive allocation paid",
    "Change in accrued incentive allocation",
    "Accrued incentive allocation (balance)",
}


def _without_terms() -> ReportSource:
    """The tiny snapshot with the lines of a fund without fee or carry terms null."""
    source = make_source(closed=True)
    snapshot = source.snapshot
    statements = snapshot.statements.with_columns(
        pl.lit(None, snapshot.statements.schema[c]).alias(c) for c in NULL_LINES
    )
    return ReportSource(dataclasses.replace(snapshot, statements=statements), True)


def _rows(html: str, label: str) -> list[list[str]]:
    """The cells after the label of every table row of `html` whose first cell is `label`."""
    out = []
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", html, flags=re.S):
        cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row)]
        if cells and cells[0] == label:
            out.append(cells[1:])
    return out


def test_null_lines_read_not_modelled_in_html_with_a_methods_note(tmp_path) -> None:
    html = lp_reports(_without_terms(), tmp_path, investor_id="lp-a").html[0].read_text("utf-8")
    for label in LABELS:
        rows = _rows(html, label)
        assert rows, label  # the investor's statement and the fund's (and the fees table)
        # 3 columns in each statement, 6 (the investor's and the fund's) in the fees table
        assert all(set(c) == {"not modelled"} and len(c) in (3, 6) for c in rows), rows
    note = html[html.index("<strong>Not modelled</strong>") :].split("</li>")[0]
    assert all(label in note.replace("&amp;", "&") for label in LABELS), note
    assert "not computed; they are not zero" in html


def test_a_modelled_zero_stays_money_and_no_note(tmp_path) -> None:
    html = lp_reports(make_source(closed=True), tmp_path, investor_id="lp-a").html[0]
    text = html.read_text("utf-8")
    assert _rows(text, "Management fee rebates and offsets")[0] == ["0.00"] * 3
    assert "not modelled" not in text


def test_null_lines_read_not_modelled_in_xlsx(tmp_path) -> None:
    result = lp_reports(_without_terms(), tmp_path, investor_id="lp-a", xlsx=True)
    wb = openpyxl.load_workbook(result.xlsx[0])
    for sheet in ("Capital account", "Fees and expenses"):
        rows = {r[0].value: [c.value for c in r[1:]] for r in wb[sheet].iter_rows()}
        offsets = rows["Management fee rebates and offsets"]
        assert offsets == ["not modelled"] * 6, sheet
    carry = {r[0].value: [c.value for c in r[1:]] for r in wb["Capital account"].iter_rows()}
    assert carry["Incentive allocation paid"] == ["not modelled"] * 6
    # the lines that are modelled are still numbers
    assert carry["Ending NAV"] == [840000, 840000, 840000, 1400000, 1400000, 1400000]


def test_null_lines_read_not_modelled_in_pdf(tmp_path) -> None:
    result = lp_reports(_without_terms(), tmp_path, investor_id="lp-a", pdf=True)
    text = " ".join(pdf_pages_text(result.pdf[0]))
    assert "Management fee rebates and offsets not modelled" in re.sub(r"\s+", " ", text)


def test_the_context_names_the_lines_not_modelled() -> None:
    ctx = build_lp_context(_without_terms(), "f1", "lp-a")
    assert set(ctx.not_modelled) == LABELS
    assert build_lp_context(make_source(closed=True), "f1", "lp-a").not_modelled == []

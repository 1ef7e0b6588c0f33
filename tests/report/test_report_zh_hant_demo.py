"""The demo book's reports in Traditional Chinese hold no English beyond the book's own names,
ids and memos and the codes kept in Latin letters: LP, grant and notice pages, the board's
sentences built in Python, and the workbooks. English stays as it was."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pytest
from report_kit import book_words, english_runs, visible_text

from fundbook.close.closing import close_period
from fundbook.demo import DEMO_LEDGER
from fundbook.report.board import build_board_context
from fundbook.report.compliance import PROGRAMME_RULES, RULES, detail_text
from fundbook.report.environment import make_environment
from fundbook.report.notices import render_notices
from fundbook.report.render import board_report, load, lp_reports
from fundbook.report.wording import wording
from fundbook.report.xlsx import SHEET_NAME_MAX, sheet_name

ROOT = Path(__file__).resolve().parents[2]
CJK = re.compile(r"[\u4e00-\u9fff]")
ZH = "zh-Hant"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory):
    if not (DEMO_LEDGER / "funds.csv").is_file():
        pytest.skip("the demo ledger is not in this checkout")
    db = tmp_path_factory.mktemp("zh") / "demo.duckdb"
    close_period(db, "2026-09", ledger_dir=str(DEMO_LEDGER))
    # the reports' language picks the quarter's commentary (the CLI's --lang does the same)
    source = load(db, "2026Q3", lang=ZH)
    # the rule codes are the book's ids, shown as they are (the pending rules' sentence)
    return db, source, [*book_words(source, DEMO_LEDGER), *RULES, *PROGRAMME_RULES]


def test_english_runs_finds_english_and_lets_names_and_codes_through():
    allowed = ["Harbour Life Sciences Fund I, L.P."]
    text = "Harbour Life Sciences Fund I, L.P.：淨IRR及TVPI 1.23倍（HKD）"
    assert english_runs([text], allowed) == []
    assert english_runs(["子基金 is 9.9% against a threshold"], allowed) == [
        "is 9.9% against a threshold"
    ]


@pytest.mark.parametrize(
    ("fund", "investor"),
    [("sf-gba", "itif-lp"), ("itif", "gov-hksar"), ("mplus", "gov-hksar")],
)
def test_zh_hant_lp_and_grant_reports_hold_no_english(demo, tmp_path, fund, investor):
    _, source, allowed = demo
    result = lp_reports(source, tmp_path, fund_id=fund, investor_id=investor, lang=ZH)
    html = result.html[0].read_text(encoding="utf-8")
    assert english_runs(visible_text(html), allowed) == [], result.html[0].name


def test_zh_hant_notices_hold_no_english(demo, tmp_path):
    db, _, allowed = demo
    result = render_notices(db, "sf-digital", tmp_path, quarter="2026Q3", lang=ZH)
    assert len(result.html) >= 8
    for html in result.html:
        assert english_runs(visible_text(html.read_text("utf-8")), allowed) == [], html.name


def _sentences(ctx) -> list[str]:
    """The board's words built in Python: findings' thresholds and explanations, the fee
    breaches, the breaches' direction and the matrix's thresholds."""
    texts = [t for f in ctx.findings for t in (f.threshold, f.explanation)]
    texts += [threshold for _label, threshold in ctx.compliance_rules]
    return texts + list(ctx.fee_breaches)


def test_the_board_sentences_built_in_python_are_chinese(demo):
    _, source, allowed = demo
    env = make_environment(lang=ZH)
    ctx = build_board_context(source, env.filters["translate"], env.filters)
    sentences = _sentences(ctx)
    assert ctx.fee_breaches and any("：" in s for s in ctx.fee_breaches)
    assert english_runs(sentences, allowed) == []
    assert all(CJK.search(s) for s in sentences if s)
    # the metrics' details said again in Chinese, figures in the locale
    assert any("於投資期結束時（2031年" in f.explanation for f in ctx.findings)
    assert {b.direction for b in ctx.breaches} <= {"improving", "worsening", "unchanged"}
    assert env.filters["translate"]("worsening") == "惡化中"


def test_the_english_board_sentences_are_those_of_the_metrics(demo):
    _, source, _ = demo
    ctx = build_board_context(source)
    explanations = " ".join(f.explanation for f in ctx.findings)
    assert "HK-nexus cost 175,200,000.00 of 580,200,000.00 HKD invested." in explanations
    assert (
        "Judged at the end of the investment period (2031-04-17); pace: 4.5 % expected by now "
        "(9.1 % of the period elapsed)." in explanations
    )
    assert "Below: kwok-family-office 1,100,000,000.00 HKD." in explanations
    assert ctx.fee_breaches == [
        "Lion Rock Sustainable Futures Fund, L.P.: management fees booked for 2026Q3 are "
        "11,000,000.00 HKD, 10,544,000.00 computed from its LPA terms: over-billed by "
        "456,000.00 (tolerance 1.00)."
    ]


def test_a_detail_no_pattern_knows_is_shown_as_the_metrics_wrote_it(demo):
    _, source, _ = demo
    zh = wording(ZH)
    assert detail_text("something new: co-078", source.names, zh) == (
        "Something new: Granite Property Services Ltd."
    )
    assert detail_text("", source.names, zh) == ""
    assert detail_text("no investor is flagged strategic", source.names, zh) == (
        "沒有投資者被標記為策略投資者。"
    )


def test_the_zh_hant_board_page_holds_no_english(demo, tmp_path):
    _, source, allowed = demo
    html = board_report(source, tmp_path, lang=ZH).html[0].read_text(encoding="utf-8")
    assert english_runs(visible_text(html), allowed) == []


def test_the_zh_hant_workbooks_are_chinese(demo, tmp_path):
    _, source, allowed = demo
    board = board_report(source, tmp_path, xlsx=True, lang=ZH).xlsx[0]
    lp = lp_reports(source, tmp_path, fund_id="itif", investor_id="gov-hksar", xlsx=True, lang=ZH)
    for path in (board, lp.xlsx[0]):
        book = openpyxl.load_workbook(path)
        titles = [ws.title for ws in book.worksheets]
        assert len({t.casefold() for t in titles}) == len(titles), titles
        assert all(len(t) <= SHEET_NAME_MAX and CJK.search(t) for t in titles), titles
        cells = [
            str(c.value)
            for ws in book.worksheets
            for row in ws.iter_rows()
            for c in row
            if isinstance(c.value, str)
        ]
        # "&&" is a "&" in an Excel header
        cells += [(ws.oddHeader.center.text or "").replace("&&", "&") for ws in book.worksheets]
        assert english_runs(cells, allowed) == [], path.name
        assert book.worksheets[0]["A1"].value.count("：") >= 1
    formats = {
        c.number_format
        for ws in openpyxl.load_workbook(board).worksheets
        for row in ws.iter_rows()
        for c in row
    }
    assert not any('"m"' in f or '"x"' in f for f in formats)


def test_sheet_names_are_valid_short_and_unique():
    taken: set[str] = set()
    long = "管理費與有限合夥協議條款比較" * 3
    first, second = sheet_name(long, taken), sheet_name(long, taken)
    assert len(first) == len(second) == SHEET_NAME_MAX and first != second
    assert second.endswith(" (2)")
    assert sheet_name("a/b: c?", taken) == "a_b_ c_"
    assert sheet_name("Summary", taken) == "Summary" and sheet_name("SUMMARY", taken) != "SUMMARY"

"""Reports of a small closed book of our own: escaping end to end, confidentiality, the CLI."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from report_kit import (
    XSS_NAME,
    chromium_console,
    closed_book,
    ink_fraction,
    other_investor_leaks,
    pdf_pages_text,
    png_pages,
    redacted,
)

from fundbook.cli import cli
from fundbook.report.lp import lp_pairs
from fundbook.report.names import grant_stem, lp_stem
from fundbook.report.render import load, lp_reports


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return closed_book(tmp_path_factory.mktemp("report-book"))


@pytest.fixture(scope="module")
def rendered(book: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("reports")
    runner = CliRunner()
    lp = runner.invoke(
        cli,
        [
            "report",
            "lp",
            "--db",
            str(book),
            "--quarter",
            "2026Q3",
            "--out",
            str(out),
            "--pdf",
            "--xlsx",
        ],
    )
    assert lp.exit_code == 0, lp.output
    board = runner.invoke(
        cli,
        ["report", "board", "--db", str(book), "--quarter", "2026Q3", "--out", str(out), "--pdf"],
    )
    assert board.exit_code == 0, board.output
    return out


GRANT_PROGRAMME = "mp"  # the book's grant programme: its report is named grant-..., not lp-...


def lp_file(fund_id: str, investor_id: str, ext: str) -> str:
    stem = grant_stem if fund_id == GRANT_PROGRAMME else lp_stem
    return f"{stem('2026Q3', fund_id, investor_id)}.{ext}"


def test_cli_writes_every_lp_report_and_the_board_report(rendered: Path):
    names = sorted(p.name for p in rendered.iterdir())
    pairs = [("gf", "gov"), ("sf1", "gf-lp"), ("sf1", "hk"), ("sf1", "pen")]
    for pair in [*pairs, ("sf2", "ins")]:
        for ext in ("html", "pdf", "xlsx"):
            assert lp_file(*pair, ext) in names
    # the grant programme's report is grant.html, without a capital-account workbook
    assert {lp_file("mp", "gov", "html"), lp_file("mp", "gov", "pdf")} <= set(names)
    assert lp_file("mp", "gov", "html").startswith("grant-2026Q3-mp-gov-")
    assert lp_file("mp", "gov", "xlsx") not in names
    assert not any(n.startswith("lp-2026Q3-mp-") for n in names)
    assert "board-2026Q3.html" in names and "board-2026Q3.pdf" in names


def test_hostile_company_name_is_escaped_in_html_and_exact_in_pdf_and_xlsx(rendered: Path):
    html = (rendered / lp_file("sf1", "pen", "html")).read_text(encoding="utf-8")
    assert "<script" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in html
    board = (rendered / "board-2026Q3.html").read_text(encoding="utf-8")
    assert "<script" not in board
    text = re.sub(r"\s+", "", "".join(pdf_pages_text(rendered / lp_file("sf1", "pen", "pdf"))))
    assert re.sub(r"\s+", "", XSS_NAME) in text
    sheet = openpyxl.load_workbook(rendered / lp_file("sf1", "pen", "xlsx"))["Portfolio"]
    assert XSS_NAME in [c.value for c in sheet["A"]]


def test_no_lp_report_holds_another_investor(book: Path, rendered: Path, tmp_path: Path):
    """No other investor's name or id appears, and removing every other investor's rows from
    the snapshot changes nothing in the report: it cannot hold their amounts."""
    source = load(book, "2026Q3")
    for fund_id, investor_id in lp_pairs(source):
        html = rendered / lp_file(fund_id, investor_id, "html")
        assert other_investor_leaks(source, html, fund_id, investor_id) == [], html.name
        alone = lp_reports(
            redacted(source, investor_id, fund_id),
            tmp_path / investor_id,
            fund_id=fund_id,
            investor_id=investor_id,
        )
        assert alone.html[0].read_text(encoding="utf-8") == html.read_text(encoding="utf-8")


def test_chinese_names_are_drawn_in_the_pdf(rendered: Path):
    text = "".join(pdf_pages_text(rendered / lp_file("sf1", "hk", "pdf")))
    assert "香港科技創投有限公司" in text


def test_pdf_pages_are_non_blank_and_first_pages_are_kept(rendered: Path, tmp_path: Path):
    from report_kit import ARTIFACTS

    for label, name in (
        ("lp-2026Q3-sf1-hk", lp_stem("2026Q3", "sf1", "hk")),
        ("board-2026Q3", "board-2026Q3"),
    ):
        pngs = png_pages(rendered / f"{name}.pdf", tmp_path)
        assert pngs and all(ink_fraction(p) > 0.002 for p in pngs), name
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / f"book-{label}-page1.png").write_bytes(pngs[0].read_bytes())


def test_board_html_opens_in_chromium_without_console_errors(rendered: Path):
    from report_kit import ARTIFACTS

    shot = ARTIFACTS / "book-board-2026Q3.png"
    assert chromium_console(rendered / "board-2026Q3.html", shot) == []
    assert ink_fraction(shot) > 0.002


def test_unclosed_quarter_is_a_draft(book: Path, tmp_path: Path):
    result = lp_reports(load(book, "2026Q2"), tmp_path, investor_id="pen", pdf=True)
    assert not result.closed
    pages = pdf_pages_text(result.pdf[0])
    assert pages and all("DRAFT" in p for p in pages)


def test_unknown_investor_is_a_clean_error(book: Path, tmp_path: Path):
    result = CliRunner().invoke(
        cli,
        [
            "report",
            "lp",
            "--db",
            str(book),
            "--quarter",
            "2026Q3",
            "--investor",
            "nobody",
            "--out",
            str(tmp_path),
        ],
    )
    assert result.exit_code == 1
    assert "no investor to report on for investor nobody" in result.output


def test_a_month_is_not_a_quarter(book: Path, tmp_path: Path):
    result = CliRunner().invoke(
        cli, ["report", "board", "--db", str(book), "--quarter", "2026-08", "--out", str(tmp_path)]
    )
    assert result.exit_code == 1
    assert "is not a quarter" in result.output


def test_lp_figures_agree_with_each_other(book: Path):
    """The summary, the statement and the fund totals tell the same story in every report."""
    from fundbook.report.lp import build_lp_context

    source = load(book, "2026Q3")
    for fund_id, investor_id in lp_pairs(source):
        ctx = build_lp_context(source, fund_id, investor_id)
        lines = {line.key: line for line in ctx.statement}
        itd = {key: line.investor[2].value for key, line in lines.items()}
        assert itd["ending_nav"] == ctx.summary["nav"].value
        assert itd["commitment"] == ctx.summary["committed"].value
        assert itd["ending_unfunded"] == ctx.summary["unfunded"].value
        assert -itd["unfunded_contributions"] == ctx.summary["paid_in"].value
        quarter = sum(f.amount.value for f in ctx.flows if f.kind == "Capital call")
        assert lines["contributions"].investor[0].value == quarter


def test_lang_zh_hant_writes_chinese_reports_beside_the_english_ones(book: Path, tmp_path: Path):
    """`--lang zh-Hant`: the LP report (and the board report) in Traditional Chinese, named
    with the language, its Chinese names whole in the PDF; an unknown language is refused."""
    runner = CliRunner()
    base = ["--db", str(book), "--quarter", "2026Q3", "--out", str(tmp_path), "--lang", "zh-Hant"]
    lp = runner.invoke(cli, ["report", "lp", "--investor", "pen", "--pdf", *base])
    assert lp.exit_code == 0, lp.output
    board = runner.invoke(cli, ["report", "board", *base])
    assert board.exit_code == 0, board.output
    stem = lp_file("sf1", "pen", "html").removesuffix(".html")
    html = (tmp_path / f"{stem}-zh-Hant.html").read_text(encoding="utf-8")
    assert '<html lang="zh-Hant">' in html and "資本賬戶報表" in html
    assert "2026年第三季" in pdf_pages_text(tmp_path / f"{stem}-zh-Hant.pdf")[0]
    assert '<html lang="zh-Hant">' in (tmp_path / "board-2026Q3-zh-Hant.html").read_text("utf-8")
    refused = runner.invoke(cli, ["report", "board", *base[:-1], "fr"])
    assert refused.exit_code == 1 and "--lang fr: no such report language" in refused.output

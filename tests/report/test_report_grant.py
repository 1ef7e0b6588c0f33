"""The grant programme report: its own template, with the figures `metrics --by grant` prints."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from report_kit import check_board_figures, need, pdf_pages_text, png_pages

from fundbook.cli import cli
from fundbook.close.closing import close_period
from fundbook.report.grant import build_grant_context
from fundbook.report.names import grant_stem
from fundbook.report.render import load
from ledger_kit import write_book

# Programme `mp` (budget 1,000,000; matching due 6 months after a company's last grant), as
# of 2026-09-30: g1 ok; g2 short (deadline 2026-07-31 passed); g3 over the cap (325,000 in two
# grants, fully matched); g4 pending (granted 2026-08-31, deadline 2027-02-28).
GRANT_BOOK = {
    "funds": ["mp,Production Line Upgrade Programme,programme,HKD,2025,ITC,,"],
    "investors": ["gov,Government of the HKSAR,government,"],
    "companies": [
        "g1,Tsuen Wan Moulding Ltd,other,true,HK",
        "g2,Kwun Tong Precision Ltd,other,true,HK",
        "g3,Tai Po Packaging Ltd,other,true,HK",
        "g4,Yuen Long Foods Ltd,other,true,HK",
    ],
    "commitments": ["mp,gov,2026-01-01,1000000.00,HKD"],
    "transactions": [
        "m1,2026-01-15,mp,contribution,gov,,100000.00,HKD,",
        "m2,2026-01-15,mp,grant,,g1,100000.00,HKD,",
        "m3,2026-01-31,mp,contribution,gov,,150000.00,HKD,",
        "m4,2026-01-31,mp,grant,,g2,150000.00,HKD,",
        "m5,2026-02-01,mp,contribution,gov,,200000.00,HKD,",
        "m6,2026-02-01,mp,grant,,g3,200000.00,HKD,",
        "m7,2026-02-10,mp,matching,,g1,200000.00,HKD,",
        "m8,2026-02-10,mp,matching,,g3,400000.00,HKD,",
        "m9,2026-02-15,mp,matching,,g2,100000.00,HKD,",
        "m10,2026-06-01,mp,contribution,gov,,125000.00,HKD,",
        "m11,2026-06-01,mp,grant,,g3,125000.00,HKD,second grant",
        "m12,2026-06-20,mp,matching,,g3,250000.00,HKD,",
        "m13,2026-08-31,mp,contribution,gov,,50000.00,HKD,",
        "m14,2026-08-31,mp,grant,,g4,50000.00,HKD,",
        "m15,2026-09-15,mp,matching,,g4,40000.00,HKD,instalment 1 of 2",
    ],
    "valuations": [],
    "fx_rates": [],
}


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("grant-book")
    ledger = write_book(root / "ledger", GRANT_BOOK)
    (ledger / "terms.csv").write_text("fund_id,matching_deadline_months\nmp,6\n", "utf-8")
    db = root / "book.duckdb"
    close_period(db, "2026-09", ledger_dir=str(ledger))
    return db


@pytest.fixture(scope="module")
def rendered(book: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("grant-reports")
    args = ["report", "lp", "--db", str(book), "--quarter", "2026Q3", "--out", str(out), "--pdf"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    return out


def test_the_context_has_each_status_and_the_budget(book: Path) -> None:
    source = load(book, "2026Q3")
    ctx = build_grant_context(source, "mp", "gov")
    assert [(r.company_id, r.status) for r in ctx.recipients] == [
        ("g3", "over_cap"),
        ("g2", "short"),
        ("g4", "pending"),
        ("g1", "ok"),
    ]
    totals = {k: f.value for k, f in ctx.totals.items()}
    assert (str(totals["budget"]), str(totals["grants"])) == ("1000000.00", "625000.00")
    assert totals["budget_used"] == 0.625 and ctx.deadline_months == 6
    assert (totals["companies_over_cap"], totals["companies_short"]) == (1, 1)
    assert totals["companies_pending"] == 1 and totals["grant_companies"] == 4
    checked = check_board_figures(book, ctx, source.period_end)
    assert checked == {"programme": 9, "grant": 4 * 5}


def test_the_report_is_the_grant_template_not_the_lp_one(rendered: Path) -> None:
    html = (rendered / f"{grant_stem('2026Q3', 'mp', 'gov')}.html").read_text("utf-8")
    assert "Grant programme report" in html and "TVPI" not in html and "NAV" not in html
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert "Tai Po Packaging Ltd 325,000.00 650,000.00 2.00x" in text  # over the cap
    assert "Kwun Tong Precision Ltd 150,000.00 100,000.00 0.67x 200,000.00 2026-07-31" in text
    assert "Yuen Long Foods Ltd 50,000.00 40,000.00 0.80x 60,000.00 2027-02-28" in text
    assert "62.5% of the budget used" in text


def test_the_recipients_table_has_a_total_row_and_the_file_is_named_as_a_grant_report(
    rendered: Path,
) -> None:
    """g1..g4: grants 100,000 + 150,000 + 325,000 + 50,000; matching 200,000 + 100,000 +
    650,000 + 40,000. The report is grant-<quarter>-<fund>-..., never lp-... (an LP report)."""
    html = (rendered / f"{grant_stem('2026Q3', 'mp', 'gov')}.html").read_text("utf-8")
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert "Total (4 companies) 625,000.00 990,000.00" in text
    assert [p.name.split("-")[0] for p in rendered.glob("*.html")] == ["grant"]


def test_the_first_page_holds_the_budget_not_a_blank_cover(rendered: Path) -> None:
    pdf = rendered / f"{grant_stem('2026Q3', 'mp', 'gov')}.pdf"
    first = pdf_pages_text(pdf)[0].lower()  # headings and card labels print in capitals
    assert "budget and grants" in first and "companies funded" in first


def test_the_pdf_shows_the_recipients(rendered: Path, tmp_path: Path) -> None:
    pdf = rendered / f"{grant_stem('2026Q3', 'mp', 'gov')}.pdf"
    text = " ".join(pdf_pages_text(pdf))
    assert "Tai Po Packaging Ltd" in text and "over the cap" in text.lower()
    need("pdftoppm")
    assert png_pages(pdf, tmp_path)


def test_a_closed_day_prints_the_grant_table_metrics_computes(book: Path) -> None:
    """`metrics --by grant` of the closed day reads the snapshot (stored_grant.sql)."""
    import datetime as dt

    from fundbook.cli.output import FORMATS, render
    from fundbook.close.asof import close_for_date, metrics_at
    from fundbook.metrics.tables import metrics_table
    from fundbook.store.db import open_book
    from fundbook.store.frames import load_frames

    day = dt.date(2026, 9, 30)
    with open_book(book, read_only=True) as con:
        assert close_for_date(con, day) is not None
        for by in ("grant", "programme"):
            stored = metrics_at(con, day, by, "mp")
            computed = metrics_table(load_frames(con, day), day, by, "mp")
            assert stored.height == (4 if by == "grant" else 1)
            for fmt in FORMATS:
                assert render(stored, fmt) == render(computed, fmt), (by, fmt)

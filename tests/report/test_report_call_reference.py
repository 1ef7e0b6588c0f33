"""The LP report's Reference column names the call of each flow (issue 14), from its close."""

from __future__ import annotations

from pathlib import Path

from calls_kit import calls_book

from fundbook.close.closing import close_period
from fundbook.report.render import load, lp_reports


def test_the_reference_is_the_call_and_its_notice_date(tmp_path: Path) -> None:
    ledger = calls_book(tmp_path / "ledger")
    db = tmp_path / "book.duckdb"
    close_period(db, "2026-03", ledger_dir=str(ledger))
    source = load(db, "2026Q1")
    flows = source.find("flow", fund_id="sf1", investor_id="pen")
    assert [(r["txn_id"], r["call_id"], str(r["call_notice_date"])) for r in flows] == [
        ("t3", "sf1-c01", "2025-12-27")
    ]
    result = lp_reports(source, tmp_path / "out", fund_id="sf1", xlsx=True)
    html = next(p for p in result.html if "pen" in p.name).read_text(encoding="utf-8")
    assert "sf1-c01, noticed 2025-12-27" in html
    assert ">t3<" not in html  # the internal id is no reference for a partner

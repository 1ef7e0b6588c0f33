"""A closed book with service periods: a prepaid fee and an expense accrued before it is paid
tie to the booked rows, are stored and explained, verify, reproduce, and lock their periods."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from close_kit import book, run

from fundbook.close.closing import close_period
from fundbook.close.explain import stored_of_close
from fundbook.close.snapshot import LEVEL_KEYS, read_snapshot
from fundbook.store.db import open_book
from fundbook.store.frames import load_frames
from ledger_kit import HEADERS, SMALL_BOOK
from tests.metrics.explain_check import failures

D = Decimal
HEADER = HEADERS["transactions"] + ",service_start,service_end,category"
ROWS = [f"{row},,," for row in SMALL_BOOK["transactions"]]
# A fee paid on 1 February for February to April (89 days); March's audit paid on 10 April.
FEE = "t10,2026-02-01,sf1,fee,,,9.00,HKD,,2026-02-01,2026-04-30,"
AUDIT = "t11,2026-04-10,sf1,expense,,,3.10,HKD,,2026-03-01,2026-03-31,audit_tax"


def write_transactions(ledger: Path, *extra: str) -> None:
    lines = [HEADER, *ROWS, *extra]
    (ledger / "transactions.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture
def closed(tmp_path: Path) -> tuple[Path, Path]:
    db, ledger = book(tmp_path)
    write_transactions(ledger, FEE, AUDIT)
    close_period(db, "2026-03", ledger_dir=str(ledger))
    return db, ledger


def test_the_close_stores_the_prepaid_and_the_accrued(closed: tuple[Path, Path]) -> None:
    db, _ = closed
    with open_book(db, read_only=True) as con:
        snap = read_snapshot(con, "2026-03")
    fund = snap.level("fund").filter(fund_id="sf1").row(0, named=True)
    # 9.00 x 59 / 89 days recognised (5.97); the audit fee of March owed but not paid
    assert (fund["fees"], fund["prepaid"]) == (D("10.97"), D("3.03"))
    assert (fund["expenses"], fund["accrued"]) == (D("3.10"), D("3.10"))
    assert fund["cash"] == D("66.00")  # 200 paid in, 120 invested, fees of 5 and 9 paid
    assert fund["nav"] == fund["cash"] + fund["holdings_value"] + D("3.03") - D("3.10")
    by_category = snap.level("expense_by_category").filter(fund_id="sf1")
    assert by_category.select("category", "expenses_qtd", "expenses_itd").rows() == [
        ("audit_tax", D("3.10"), D("3.10"))
    ]


def test_every_stored_figure_is_explained(closed: tuple[Path, Path]) -> None:
    db, _ = closed
    with open_book(db, read_only=True) as con:
        snap = read_snapshot(con, "2026-03")
        frames = load_frames(con, snap.close.period_end)
        stored = stored_of_close(con, snap.close, frames)
    assert frames.accruing["txn_id"].to_list() == ["t11"]
    count, bad = failures(frames, stored, snap.close.period_end, LEVEL_KEYS)
    assert not bad, "\n".join(bad[:20])
    assert count == snap.close.figure_count


def test_explain_names_the_days_of_a_service_period(closed: tuple[Path, Path]) -> None:
    db, _ = closed
    result = run(
        "explain",
        "prepaid",
        "--fund",
        "sf1",
        "--period",
        "2026-03",
        "--db",
        str(db),
        "--format",
        "csv",
    )
    assert result.exit_code == 0, result.output
    assert "59 of the 89 days of its service period 2026-02-01..2026-04-30" in result.output


def test_verify_and_reproduce(closed: tuple[Path, Path]) -> None:
    db, _ = closed
    verified = run("audit", "verify", "--db", str(db))
    assert verified.exit_code == 0, verified.output
    again = run("audit", "reproduce", "2026-03", "--db", str(db))
    assert again.exit_code == 0, again.output
    assert again.output.strip().endswith("ledger balances, 0 differences")


def test_a_service_period_in_a_closed_period_is_refused(closed: tuple[Path, Path]) -> None:
    db, ledger = closed
    late = "t12,2026-04-20,sf1,expense,,,1.00,HKD,,2026-03-15,2026-04-15,legal"
    write_transactions(ledger, FEE, AUDIT, late)
    result = run("import", str(ledger), "--db", str(db))
    assert result.exit_code == 1
    assert (
        f"{ledger}/transactions.csv:13: service_start 2026-03-15 falls in a closed period (the "
        "book is closed through 2026-03-31); closed periods never change: start the service "
        "period after 2026-03-31"
    ) in result.output

"""A closed book with service periods: a prepaid fee and an expense accrued before it is paid
tie to the booked rows, are stored and explained, verify, reproduce, and lock their periods."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
from close_kit import book, run

from fundbook.close.closing import close_period
from fundbook.close.explain import stored_of_close
from fundbook.close.snapshot import LEVEL_KEYS, read_snapshot
from fundbook.store.db import frame, open_book, sql
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


# pen's own fee, paid on 1 February for February to April (89 days), and its own legal
# expense of March paid on 10 April: partner-specific items (rows with an investor_id).
OWN_FEE = "t12,2026-02-01,sf1,fee,pen,,9.00,HKD,side letter,2026-02-01,2026-04-30,"
OWN_EXPENSE = "t13,2026-04-10,sf1,expense,pen,,3.10,HKD,,2026-03-01,2026-03-31,legal"


@pytest.mark.parametrize(
    ("periods", "own"),
    [
        # 28 of 89 days: 9.00 x 28 / 89 = 2.831..., half-even 2.83
        (["2026-02"], D("-2.83")),
        # 59 of 89 days: 5.966... -> 5.97; and all of March's expense, accrued, not paid
        (["2026-02", "2026-03"], D("-5.97") - D("3.10")),
    ],
)
def test_a_partner_s_own_fee_over_a_period_end_closes_and_ties(
    tmp_path: Path, periods: list[str], own: Decimal
) -> None:
    """The close's recomputation of each capital account from the booked rows
    (`sql/close_partners.sql`) counts a partner's own fee or expense as recognised over its
    service period, as the metrics and the GL do; counted as paid, pen's account would be
    0.76 off its share at 2026-03 and the close would fail."""
    marks = ["2026-02-28,sf1,c1,130.00,HKD", *SMALL_BOOK["valuations"]]
    db, ledger = book(tmp_path, valuations=marks)
    write_transactions(ledger, OWN_FEE, OWN_EXPENSE)
    close_period(db, periods[0], ledger_dir=str(ledger))
    for period in periods[1:]:
        close_period(db, period, carry_forward=True)
    with open_book(db, read_only=True) as con:
        snap = read_snapshot(con, periods[-1])
        end = snap.close.period_end
        partners = frame(con, sql("close_partners"), {"period_end": end})
        pen = snap.level("investor").filter(fund_id="sf1", investor_id="pen").row(0, named=True)
        frames = load_frames(con, end)
        stored = stored_of_close(con, snap.close, frames)
    mine = partners.filter(pl.col("investor_id") == "pen").row(0, named=True)
    assert mine["own"] == own
    # 150 paid in, its own items, and 3/4 of the common P&L (the fund's fee 5.00 and the mark)
    common = {"2026-02": D("-5.00") + D("10.00"), "2026-03": D("-5.00") + D("30.00")}
    assert pen["nav"] == D("150.00") + own + common[periods[-1]] * 3 / 4
    # explain: every stored figure, the statements' P&L lines of pen's own items included
    count, bad = failures(frames, stored, end, LEVEL_KEYS)
    assert not bad, "\n".join(bad[:20])
    assert count == snap.close.figure_count

"""`fundbook close`, locks, order, reopen, dry run and history on a small book."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from close_kit import book, counts, run

from fundbook.close.closing import close_period
from fundbook.close.snapshot import is_closed, read_snapshot
from fundbook.store.db import open_book
from ledger_kit import SMALL_BOOK, write_book

T = SMALL_BOOK["transactions"]
V = SMALL_BOOK["valuations"]


def test_close_prints_summary_and_locks(tmp_path: Path) -> None:
    db, ledger = book(tmp_path)
    result = run("close", "2026-03", "--db", str(db), "--ledger", str(ledger))
    assert result.exit_code == 0, result.output
    assert "close 1 of 2026-03 (quarter 2026Q1): 2026-01-01 .. 2026-03-31" in result.output
    assert "period 2026-03 locked" in result.output
    assert "sf1" in result.output and "net_irr" in result.output
    assert "… computing capital account statements" in result.stderr
    with open_book(db, read_only=True) as con:
        assert is_closed(con, "2026Q1") and not is_closed(con, "2026-04")
        snap = read_snapshot(con, "2026Q1")
    fund = snap.level("fund")
    assert (
        fund.filter(pl.col("fund_id") == "sf1")["nav"].item()
        == fund.filter(pl.col("fund_id") == "sf1")["nav"].item()
    )
    assert snap.close.quarter == "2026Q1" and snap.close.status == "closed"
    assert set(snap.statements["basis"]) == {"period", "QTD", "YTD", "ITD"}
    assert {"fund", "investor", "holding", "compliance", "cash_flow", "flow"} <= set(snap.levels)


def test_row_in_closed_month_is_refused_and_nothing_changes(tmp_path: Path) -> None:
    db, ledger = book(tmp_path)
    close_period(db, "2026-03", ledger_dir=str(ledger))
    before = counts(db)
    late = [*T, "t10,2026-03-15,sf1,income,,c1,3.50,HKD,late dividend"]
    write_book(ledger, SMALL_BOOK, transactions=late)
    result = run("import", str(ledger), "--db", str(db))
    assert result.exit_code == 1
    assert "transactions.csv:11:" in result.stderr and "2026-03" in result.stderr
    assert counts(db) == before
    closing = run("close", "2026-04", "--db", str(db), "--carry-forward-valuations")
    assert closing.exit_code == 1 and "transactions.csv:11:" in closing.stderr
    assert counts(db) == before


def test_missing_valuations_fail_unless_carried_forward(tmp_path: Path) -> None:
    db, ledger = book(tmp_path)
    close_period(db, "2026-03", ledger_dir=str(ledger))
    result = run("close", "2026-04", "--db", str(db))
    assert result.exit_code == 1
    assert "holding c1 of fund sf1 has no valuation dated in 2026-04" in result.stderr
    assert "holding c2 of fund sf2" in result.stderr
    assert counts(db)["closes"] == 1
    carried = run("close", "2026-04", "--db", str(db), "--carry-forward-valuations")
    assert carried.exit_code == 0, carried.output
    assert "2 holding(s) carried forward" in carried.stderr
    with open_book(db, read_only=True) as con:
        snap = read_snapshot(con, "2026-04")
    assert snap.close.carry_forward and snap.close.carried_forward == ["sf1/c1", "sf2/c2"]


def test_periods_close_in_order(tmp_path: Path) -> None:
    db, ledger = book(tmp_path)
    close_period(db, "2026-03", ledger_dir=str(ledger))
    skipped = run("close", "2026-05", "--db", str(db), "--carry-forward-valuations")
    assert skipped.exit_code == 1 and "close 2026-04 before 2026-05" in skipped.stderr
    again = run("close", "2026-03", "--db", str(db))
    assert again.exit_code == 1 and "period 2026-03 is already closed" in again.stderr


def test_dry_run_writes_nothing(tmp_path: Path) -> None:
    db, ledger = book(tmp_path)
    run("init", "--db", str(db))
    before = counts(db)
    result = run("close", "2026-03", "--db", str(db), "--ledger", str(ledger), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "dry run: nothing was written" in result.output
    assert counts(db) == before


def test_reopen_latest_only_keeps_old_snapshot(tmp_path: Path) -> None:
    db, ledger = book(tmp_path)
    close_period(db, "2026-03", ledger_dir=str(ledger))
    close_period(db, "2026-04", carry_forward=True)
    old = run("reopen", "2026-03", "--db", str(db), "--reason", "late invoice")
    assert old.exit_code == 1 and "only the latest closed period" in old.stderr
    latest = run("reopen", "2026-04", "--db", str(db), "--reason", "fee invoice was wrong")
    assert latest.exit_code == 0, latest.output
    fix = [*T, "t10,2026-04-20,sf1,fee,,,1.00,HKD,adjusts t6"]
    write_book(ledger, SMALL_BOOK, transactions=fix, valuations=V)
    redo = run("close", "2026-04", "--db", str(db), "--carry-forward-valuations")
    assert redo.exit_code == 0, redo.output
    with open_book(db, read_only=True) as con:
        snap = read_snapshot(con, "2026-04")
    assert snap.close.close_id == 3
    history = run("history", "--db", str(db), "--format", "csv")
    assert history.exit_code == 0, history.output
    assert "fee invoice was wrong" in history.output
    assert "close 2 (reopened)" in history.output and "close 3 (closed)" in history.output
    assert counts(db)["close_reopenings"] == 1
    verify = run("audit", "verify", "--db", str(db))
    assert verify.exit_code == 0, verify.output
    assert run("audit", "reproduce", "2026-04", "--db", str(db)).exit_code == 0


def test_close_json_output_is_only_the_summary(tmp_path: Path) -> None:
    import json

    db, ledger = book(tmp_path)
    result = run(
        "close",
        "2026-03",
        "--db",
        str(db),
        "--ledger",
        str(ledger),
        "--dry-run",
        "--format",
        "json",
        "--quiet",
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [r["fund_id"] for r in rows] == ["gf", "sf1", "sf2"]
    assert rows[1]["nav"] == "225.00" and isinstance(rows[1]["net_irr"], float)
    assert "dry run: nothing was written" in result.stderr


def test_draft_snapshot_equals_what_the_close_stores(tmp_path: Path) -> None:
    from fundbook.close.closing import draft_snapshot

    db, ledger = book(tmp_path)
    run("import", str(ledger), "--db", str(db))
    with open_book(db, read_only=True) as con:
        draft = draft_snapshot(con, "2026Q1")
    assert counts(db)["closes"] == 0
    close_period(db, "2026-03")
    with open_book(db, read_only=True) as con:
        stored = read_snapshot(con, "2026-03")
    assert draft.close.status == "draft" and stored.close.status == "closed"
    assert set(draft.levels) == set(stored.levels)
    for name, frame in stored.levels.items():
        assert frame.equals(draft.levels[name].select(frame.columns)), name
    assert stored.statements.equals(draft.statements)


def test_broken_identity_fails_the_close_and_writes_nothing(tmp_path: Path, monkeypatch) -> None:
    from decimal import Decimal

    import pytest

    from fundbook import metrics
    from fundbook.close.closing import CloseFailed

    real = metrics.capital_account_statement

    def off_by_a_cent(frames, start, end):  # type: ignore[no-untyped-def]
        out = real(frames, start, end)
        return out.with_columns(
            pl.when(pl.col("investor_id") == "pen")
            .then(pl.col("ending_nav") + Decimal("0.01"))
            .otherwise(pl.col("ending_nav"))
            .alias("ending_nav")
        )

    db, ledger = book(tmp_path)
    run("init", "--db", str(db))
    before = counts(db)
    monkeypatch.setattr(metrics, "capital_account_statement", off_by_a_cent)
    with pytest.raises(CloseFailed) as failed:
        close_period(db, "2026-03", ledger_dir=str(ledger))
    message = str(failed.value)
    assert "cannot close 2026-03" in message and "nothing was written" in message
    assert "fund sf1, investor pen: beginning NAV + flows + P&L" in message
    assert "investors' ending_nav sum to" in message
    assert counts(db) == before


def test_postings_cannot_drift_from_their_transactions(tmp_path: Path) -> None:
    """Postings are a view over transactions: a tamperer cannot unbalance them on their own."""
    import duckdb
    import pytest
    from close_kit import plain_sql

    db, ledger = book(tmp_path)
    run("import", str(ledger), "--db", str(db))
    with pytest.raises(duckdb.Error):
        plain_sql(db, "UPDATE postings SET debit = debit + 1 WHERE txn_id = 't5' AND debit > 0")
    result = run("close", "2026-03", "--db", str(db))
    assert result.exit_code == 0, result.output

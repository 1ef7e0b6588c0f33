"""Acceptance on the demo book: closes in order, verify, tamper with plain SQL, reproduce."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from close_kit import plain_sql, run

from fundbook.close.closing import close_period
from fundbook.demo import DEMO_LEDGER


@pytest.fixture(scope="module")
def demo_closed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    first = close_period(db, "2025-12", ledger_dir=str(DEMO_LEDGER))
    assert first.period_start < first.period_end.replace(year=2020)  # all history since 2019
    close_period(db, "2026-01", carry_forward=True)
    return db


def test_demo_verifies_and_reproduces(demo: Path) -> None:
    verify = run("audit", "verify", "--db", str(demo))
    assert verify.exit_code == 0, verify.output
    reproduce = run("audit", "reproduce", "2025-12", "--db", str(demo))
    assert reproduce.exit_code == 0, reproduce.output
    assert reproduce.output.strip().endswith(" ledger balances, 0 differences")


def test_changed_booked_amount_names_the_close(demo: Path) -> None:
    plain_sql(
        demo,
        "UPDATE transactions SET amount = amount + 1 WHERE txn_id = "
        "(SELECT min(txn_id) FROM transactions WHERE date BETWEEN "
        "DATE '2026-01-01' AND DATE '2026-01-31')",
    )
    verify = run("audit", "verify", "--db", str(demo))
    assert verify.exit_code == 1
    # the row was recorded by the import that booked it (made by the first close)
    assert "import 1 (event 1) no longer matches: table transactions, row txn_id=" in verify.stderr
    assert ", date=2026-01-" in verify.stderr and ": changed" in verify.stderr
    reproduce = run("audit", "reproduce", "2025-12", "--db", str(demo))
    assert reproduce.exit_code == 1 and "0 differences" in reproduce.output
    assert "the book no longer matches the hash chain up to this close" in reproduce.stderr


def test_demo_history_lists_import_and_closes(demo: Path) -> None:
    result = run("history", "--db", str(demo), "--format", "json")
    assert result.exit_code == 0, result.output
    assert result.output.count('"event": "close"') == 2
    assert result.output.count('"event": "import"') == 1


def test_theme_by_fund_equals_theme_exposure_of_each_fund(demo_closed: Path) -> None:
    from fundbook import metrics
    from fundbook.close.snapshot import read_snapshot
    from fundbook.store.db import open_book
    from fundbook.store.frames import load_frames

    with open_book(demo_closed, read_only=True) as con:
        snap = read_snapshot(con, "2026-01")
        frames = load_frames(con, snap.close.period_end)
    stored = snap.level("theme_by_fund")
    for fund_id in stored["fund_id"].unique().sort():
        expected = metrics.theme_exposure(frames, snap.close.period_end, fund_id=fund_id)
        mine = stored.filter(pl.col("fund_id") == fund_id).select(expected.columns)
        assert mine.sort("theme").equals(expected.sort("theme")), fund_id


def test_lineage_flows_give_every_stored_irr(demo_closed: Path) -> None:
    import pyxirr

    from fundbook.close.audit import fresh_book, record_of
    from fundbook.close.snapshot import read_snapshot
    from fundbook.metrics.lineage import irr_flows
    from fundbook.store.db import open_book
    from fundbook.store.frames import load_frames

    with open_book(demo_closed, read_only=True) as con:
        snap = read_snapshot(con, "2026-01")
        mem = fresh_book(con, record_of(con, snap.close.close_id))
        frames = load_frames(mem, snap.close.period_end)
    flows = irr_flows(frames.transactions, snap.levels, snap.close.period_end)
    checked = 0
    for basis, level, keys, figure in (
        ("net", "investor", ["fund_id", "investor_id"], "net_irr"),
        ("net", "fund", ["fund_id"], "net_irr"),
        ("gross", "holding", ["fund_id", "holding_id"], "gross_irr"),
        ("gross", "fund", ["fund_id"], "gross_irr"),
    ):
        stored = snap.level(level).filter(pl.col(figure).is_not_null())
        part = flows.filter((pl.col("basis") == basis) & (pl.col("level") == level))
        for row in stored.select(*keys, figure).iter_rows(named=True):
            group = part.filter(*[pl.col(k) == row[k] for k in keys])
            daily = group.group_by("date").agg(pl.col("amount").sum()).sort("date")
            rate = pyxirr.xirr(
                daily["date"].to_list(), [float(a) for a in daily["amount"].to_list()]
            )
            assert rate == pytest.approx(row[figure], abs=1e-7), (level, row)
            checked += 1
    assert checked > 40

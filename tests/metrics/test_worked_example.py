"""docs/methods.md's worked example (two LPs, a later closing, one deal, a partial sale): its
equalisation rows as `fundbook equalise` computes them, and its general ledger, to the cent."""

from __future__ import annotations

import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import polars as pl

from fundbook import metrics as m
from fundbook.close.equalise import equalise
from fundbook.close.ledger import balance_sheet
from fundbook.core.table import frame_rows
from fundbook.store.db import open_book
from fundbook.store.frames import Frames, load_frames
from fundbook.store.importer import import_book

LEDGER = Path(__file__).parent / "golden" / "worked_example" / "ledger"
D = Decimal


def _frames(tmp_path: Path, as_of: date) -> Frames:
    with open_book(tmp_path / "book.duckdb") as con:
        import_book(con, LEDGER)
        return load_frames(con, as_of)


def test_the_equalisation_rows_are_the_commands(tmp_path: Path) -> None:
    """The book's four `wx-eq-*` rows are what `fundbook equalise` writes for the closing,
    from the ledger without them: catch-up 2,000,000 and 8 % interest for 167 days."""
    ledger = tmp_path / "ledger"
    shutil.copytree(LEDGER, ledger)
    path = ledger / "transactions.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(x for x in lines if not x.startswith("wx-eq-")), encoding="utf-8")
    rows = equalise(ledger, "wx", date(2025, 7, 1))
    got = [(r["txn_id"], r["type"], r["investor_id"], D(str(r["amount"]))) for r in rows.to_dicts()]
    assert got == [
        ("wx-eq-2025-07-01-1", "equalisation_contribution", "lp-b", D("2000000.00")),
        ("wx-eq-2025-07-01-2", "equalisation_distribution", "lp-a", D("2000000.00")),
        ("wx-eq-2025-07-01-3", "equalisation_interest_received", "lp-b", D("73205.48")),
        ("wx-eq-2025-07-01-4", "equalisation_interest_paid", "lp-a", D("73205.48")),
    ]
    booked = [x.split(",")[0] for x in lines if x.startswith("wx-eq-")]
    assert booked == [g[0] for g in got]


def test_before_the_later_closing_everything_is_lp_a(tmp_path: Path) -> None:
    frames = _frames(tmp_path, date(2025, 6, 30))
    fund = m.fund_metrics(frames, date(2025, 6, 30)).row(0, named=True)
    assert (fund["cash"], fund["holdings_value"], fund["nav"]) == (
        D("350000.00"),
        D("4500000.00"),
        D("4850000.00"),
    )
    navs = m.investor_metrics(frames, date(2025, 6, 30)).select("investor_id", "nav").rows()
    assert navs == [("lp-a", D("4850000.00"))]


def test_the_general_ledger_at_30_september(tmp_path: Path) -> None:
    at = date(2025, 9, 30)
    sheet = balance_sheet(frame_rows(m.general_ledger(_frames(tmp_path, at), at)).records())
    assert len(sheet) == 1
    wx = sheet[0]
    assert {a["account"]: a["amount"] for a in wx["assets"]} == {
        "cash": D("2350000.00"),
        "investments_at_cost": D("2160000.00"),
        "unrealised_appreciation": D("540000.00"),
    }
    assert (wx["total_assets"], wx["total_liabilities"], wx["net_assets"]) == (
        D("5050000.00"),
        D("0.00"),
        D("5050000.00"),
    )
    assert wx["partners_capital"] == [
        {"investor_id": "lp-a", "amount": D("2525000.00")},
        {"investor_id": "lp-b", "amount": D("2525000.00")},
    ]


def test_same_nav_per_dollar_committed_after_the_closing(tmp_path: Path) -> None:
    at = date(2025, 9, 30)
    inv = m.investor_metrics(_frames(tmp_path, at), at)
    ratio = pl.col("nav").cast(pl.Float64) / pl.col("committed").cast(pl.Float64)
    per_dollar = inv.select(ratio).to_series()
    assert per_dollar.to_list() == [0.2525, 0.2525]

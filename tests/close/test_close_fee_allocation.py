"""A close of docs/methods.md's worked fee book (tests/fee_kit.py): the fund-level invoices
allocated by computed fees tie the GL and the booked rows, and `explain` gives every
statement, investor and ledger figure (the attribution and offset lines add up), and no
tampered one."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
from fee_kit import write_fee_book

from fundbook.close.closing import close_period
from fundbook.close.explain import STATEMENT, stored_of_close
from fundbook.close.snapshot import LEVEL_KEYS, read_snapshot
from fundbook.metrics.explain_ledger import KEYS, LEVEL
from fundbook.store.db import open_book
from fundbook.store.frames import load_frames
from fundbook.store.importer import import_book
from tests.metrics.explain_check import failures, undetected

D = Decimal
LEVELS = {"investor": LEVEL_KEYS["investor"], LEVEL: KEYS}


@pytest.fixture(scope="module")
def closed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("feealloc")
    ledger = write_fee_book(root / "ledger")
    db = root / "book.duckdb"
    with open_book(db) as con:
        import_book(con, ledger)
    close_period(db, "2025-09", ledger_dir=str(ledger))
    return db


def _stored(db: Path):  # type: ignore[no-untyped-def]
    with open_book(db, read_only=True) as con:
        info = read_snapshot(con, "2025-09").close
        frames = load_frames(con, info.period_end)
        stored = stored_of_close(con, info, frames, ("investor", LEVEL, STATEMENT))
    return frames, stored, info


def test_the_close_stores_the_fee_lines(closed: Path) -> None:
    with open_book(closed, read_only=True) as con:
        st = read_snapshot(con, "2025-09").statements
    qtd = st.filter(pl.col("basis") == "QTD")
    got = dict(qtd.select("investor_id", "fee_offsets").iter_rows())
    assert got == {"A": D("176923.07"), "B": D("53076.93"), "GP": D("0.00"), None: D("230000.00")}
    itd = dict(
        st.filter(pl.col("basis") == "ITD").select("investor_id", "management_fees").iter_rows()
    )
    # A: 250,000 + 500,000 + 166,826.93 booked, + 176,923.07 offset applied (184,615.38 less
    # its part of the 10,000.00 over-billing); B: 225,000 + 50,048.07 + 53,076.93
    assert itd["A"] == D("1093750.00") and itd["B"] == D("328125.00")


def test_every_figure_is_given_by_its_lines(closed: Path) -> None:
    frames, stored, info = _stored(closed)
    count, bad = failures(frames, stored, info.period_end, LEVELS)
    assert not bad, "\n".join(bad[:20])
    assert count > 100


def test_no_tampered_statement_or_investor_figure_is_given(closed: Path) -> None:
    frames, stored, info = _stored(closed)
    only = dataclasses.replace(stored, levels={"investor": stored.levels["investor"]})
    tried, accepted = undetected(frames, only, info.period_end, {"investor": LEVELS["investor"]})
    assert {k for _, k in tried} >= {"Decimal", "NoneType"}
    assert not accepted, "\n".join(accepted[:20])

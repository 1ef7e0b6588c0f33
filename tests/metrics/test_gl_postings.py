"""The postings behind the GL's balances (metrics/gl_postings.py): for every account of every
fund, on every golden book, the demo book and the hand-checked books, the lines add up to both
balances the GL gives (before and after the closing entry), and each names its source."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from fundbook.core.calendar import month_ends
from fundbook.metrics.gl_ledger import general_ledger
from fundbook.metrics.gl_postings import FIGURES, figure_lines, postings
from fundbook.metrics.money import cents
from fundbook.store.db import open_book
from fundbook.store.frames import Frames, load_frames
from fundbook.store.importer import import_book
from tests.metrics.test_gl import AS_OF, DEMO, GOLDEN, _golden_frames, hand_book, paid_in_book


def posting_differences(frames: Frames, at: date) -> list[str]:
    """Each (fund, account, figure) whose posting lines do not add up to the GL's balance,
    and each line without a source."""
    gl = general_ledger(frames, at)
    lines = postings(frames, at)
    out = [f"{at} {r}: no source" for r in lines.filter(pl.col("source").is_null()).rows()]
    for figure in FIGURES:
        summed = (
            figure_lines(lines, figure, at)
            .group_by("fund_id", "account")
            .agg(pl.col("amount").sum().alias("lines"))
        )
        want = gl.select("fund_id", "account", cents(pl.col(figure)).alias("gl"))
        both = want.join(summed, on=["fund_id", "account"], how="full", coalesce=True)
        both = both.with_columns(pl.col("gl", "lines").fill_null(0))
        out += [
            f"{at} {r['fund_id']}/{r['account']} {figure}: GL {r['gl']} lines {r['lines']}"
            for r in both.filter(pl.col("gl") != pl.col("lines")).iter_rows(named=True)
        ]
    return out


@pytest.mark.parametrize("case", sorted(p.name for p in GOLDEN.iterdir() if p.is_dir()))
def test_postings_add_up_on_every_golden_book(case: str, tmp_path: Path) -> None:
    frames, as_of = _golden_frames(case, tmp_path)
    first = frames.transactions["date"].min()
    assert isinstance(first, date)
    days = [*month_ends(first, as_of)[-3:], as_of]
    assert [p for day in days for p in posting_differences(frames, day)] == []


def test_postings_add_up_on_the_demo_book(tmp_path: Path) -> None:
    """Quarter ends (fees with service periods, the later closing, the write-off) and a
    month end inside a quarter."""
    end = date(2026, 10, 31)
    with open_book(tmp_path / "demo.duckdb") as con:
        import_book(con, DEMO)
        frames = load_frames(con, end)
    days = [date(2025, 12, 31), date(2026, 8, 31), date(2026, 9, 30), end]
    assert [p for day in days for p in posting_differences(frames, day)] == []


@pytest.mark.parametrize("make", [hand_book, paid_in_book], ids=["hand_book", "paid_in_book"])
def test_postings_add_up_on_the_hand_checked_books(make: Any) -> None:
    frames = make()
    first = frames.transactions["date"].min()
    days = [*month_ends(first, AS_OF), AS_OF]
    assert [p for day in days for p in posting_differences(frames, day)] == []

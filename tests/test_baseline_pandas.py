"""The pandas baseline of the benchmarks gives fundbook's holding figures on a synthetic book."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl
import pytest

from fundbook.metrics import holding_metrics
from fundbook.metrics.xirr import xirr_grouped
from fundbook.store.db import open_book
from fundbook.store.frames import load_frames
from fundbook.store.importer import import_book
from fundbook.synth.generator import generate_book

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import baseline_pandas  # noqa: E402

AS_OF = dt.date(2025, 12, 31)
FIGURES = ("invested", "proceeds", "income", "fair_value", "moic", "gross_irr")


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    root = tmp_path_factory.mktemp("baseline")
    generate_book(root / "book", transactions=3_000, seed=5)
    with open_book(root / "book.duckdb") as con:
        import_book(con, root / "book")
        frames = load_frames(con, AS_OF)
    ours = holding_metrics(frames, AS_OF).filter(pl.col("valued_by") != "capital_account")
    ours_pd = (
        ours.select("fund_id", "holding_id", *FIGURES)
        .with_columns(pl.col(c).cast(pl.Float64) for c in FIGURES)
        .to_pandas()
        .set_index(["fund_id", "holding_id"])
    )
    theirs = baseline_pandas.holding_figures(root / "book", AS_OF)
    return theirs[list(FIGURES)].join(ours_pd, how="outer", suffixes=("", "_fundbook"))


def test_same_holdings(both: pd.DataFrame) -> None:
    assert len(both) > 20
    assert both["invested"].notna().all() and both["invested_fundbook"].notna().all()


@pytest.mark.parametrize("figure", FIGURES)
def test_same_figures(both: pd.DataFrame, figure: str) -> None:
    ours, theirs = both[f"{figure}_fundbook"], both[figure]
    assert (ours.isna() == theirs.isna()).all(), both[ours.isna() != theirs.isna()]
    defined = ours.notna()
    tol = 1e-9 if figure in ("moic", "gross_irr") else 0.005  # ratios; money to the cent
    assert np.allclose(ours[defined], theirs[defined], rtol=0, atol=tol)


def test_some_irrs_are_defined_and_some_are_not(both: pd.DataFrame) -> None:
    assert both["gross_irr"].notna().sum() > 10


def test_xirr_matches_the_microsoft_example() -> None:
    dates = pd.Series(
        pd.to_datetime(["2008-01-01", "2008-03-01", "2008-10-30", "2009-02-15", "2009-04-01"])
    )
    amounts = pd.Series([-10_000, 2_750, 4_250, 3_250, 2_750], dtype=float)
    rate = baseline_pandas.xirr(dates, amounts)
    assert rate == pytest.approx(0.373362535, abs=1e-8)  # Excel stops at 1e-8
    days = (dates - dates.min()).dt.days.to_numpy()
    ours = xirr_grouped(np.zeros(days.size, dtype=np.int64), days, amounts.to_numpy())
    assert rate == pytest.approx(float(ours[0]), abs=1e-12)


def test_xirr_without_a_sign_change_is_undefined() -> None:
    dates = pd.Series(pd.to_datetime(["2020-01-01", "2021-01-01"]))
    assert np.isnan(baseline_pandas.xirr(dates, pd.Series([-1.0, -2.0])))

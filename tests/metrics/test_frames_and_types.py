"""The loader reads typed, dated frames; no money column anywhere is a float."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl

from fundbook import metrics as m
from fundbook.store.db import open_book
from fundbook.store.frames import SCHEMAS, Frames, load_frames, restrict
from tests.metrics.conftest import DEMO_AS_OF

RATIOS = {
    "amplification",
    "budget_used",
    "social_leverage",
    "paid_in_leverage",
    "net_irr",
    "gross_irr",
    "tvpi",
    "dpi",
    "rvpi",
    "pic_multiple",
    "gross_moic",
    "moic",
    "co_investment_leverage",
    "commitment_share",
    "share_of_fair_value",
    "matching_ratio",
    "required_ratio",
    "target_amplification",
    "ratio",
}


def test_frames_have_the_schema_and_only_rows_up_to_as_of(demo_db: Path) -> None:
    as_of = date(2026, 6, 30)
    with open_book(demo_db, read_only=True) as con:
        frames = load_frames(con, as_of)
    for name, schema in SCHEMAS.items():
        df = getattr(frames, name)
        assert dict(df.schema) == schema, name
        if "date" in df.columns and df.height:
            assert df["date"].max() <= as_of, name  # type: ignore[operator]
    assert frames.transactions.height > 0 and frames.as_of == as_of


def test_restrict_equals_loading_at_the_earlier_date(demo_db: Path, demo_frames: Frames) -> None:
    as_of = date(2026, 6, 30)
    with open_book(demo_db, read_only=True) as con:
        loaded = load_frames(con, as_of)
    assert restrict(demo_frames, as_of).transactions.height == loaded.transactions.height


def _explained(frames: Frames, figure: str) -> pl.DataFrame:
    from fundbook.close.explain import stored_at

    stored = stored_at(frames, DEMO_AS_OF, ("fund", "holding"))
    row = stored.levels["fund"].filter(pl.col("fund_id") == "itif").row(0, named=True)
    return m.explain(frames, stored, DEMO_AS_OF, "fund", row, figure)


def _outputs(frames: Frames) -> dict[str, pl.DataFrame]:
    d = DEMO_AS_OF
    return {
        "fund": m.fund_metrics(frames, d),
        "investor": m.investor_metrics(frames, d),
        "holding": m.holding_metrics(frames, d),
        "theme": m.theme_exposure(frames, d),
        "look_through": m.theme_exposure(frames, d, look_through=True),
        "programme": m.programme_metrics(frames, d),
        "grants": m.grant_matching(frames, d),
        "compliance": m.compliance(frames, d),
        "statement": m.capital_account_statement(frames, date(2026, 7, 1), d),
        "explain": _explained(frames, "net_irr"),
    }


def test_no_money_column_is_a_float(demo_frames: Frames) -> None:
    for name in SCHEMAS:
        for col, dtype in getattr(demo_frames, name).schema.items():
            assert not dtype.is_float(), (name, col)
    for name, df in _outputs(demo_frames).items():
        assert df.height > 0, name
        for col, dtype in df.schema.items():
            if dtype.is_float():
                assert col in RATIOS, (name, col)
            assert dtype != pl.Int128, (name, col)  # cents never leak out
        money = [c for c, t in df.schema.items() if isinstance(t, pl.Decimal)]
        assert money or name == "look_through" or name == "theme", name

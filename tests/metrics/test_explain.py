"""`explain` gives, for every figure of every level, lines whose arithmetic is the figure."""

from __future__ import annotations

from decimal import Decimal

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings

from fundbook import metrics as m
from fundbook.close.explain import stored_at
from fundbook.close.snapshot import LEVEL_KEYS
from fundbook.core.errors import NotFound
from fundbook.core.types import INFO_LEVELS
from fundbook.metrics.explain import RECIPES
from fundbook.store.frames import Frames
from tests.metrics.book import fund_of_funds_book, small_book
from tests.metrics.conftest import DEMO_AS_OF
from tests.metrics.explain_check import failures
from tests.metrics.test_properties import books

METRIC_LEVELS = tuple(lv for lv in RECIPES if lv not in ("flow", *INFO_LEVELS))


@pytest.mark.parametrize("book", [small_book, fund_of_funds_book])
def test_every_figure_of_a_small_book_adds_up(book: object) -> None:
    frames = book()  # type: ignore[operator]
    stored = stored_at(frames, frames.as_of, METRIC_LEVELS)
    count, bad = failures(frames, stored, frames.as_of, LEVEL_KEYS)
    assert not bad, "\n".join(bad[:20])
    assert count > 100


def test_every_figure_of_the_demo_at_an_open_date_adds_up(demo_frames: Frames) -> None:
    stored = stored_at(demo_frames, DEMO_AS_OF, METRIC_LEVELS)
    count, bad = failures(demo_frames, stored, DEMO_AS_OF, LEVEL_KEYS)
    assert not bad, "\n".join(bad[:20])
    assert count > 3000


def _one(frames: Frames, level: str, figure: str, **key: str) -> pl.DataFrame:
    stored = stored_at(frames, DEMO_AS_OF, METRIC_LEVELS)
    rows = stored.levels[level].filter(*[pl.col(k) == v for k, v in key.items()])
    return m.explain(frames, stored, DEMO_AS_OF, level, rows.row(0, named=True), figure)


def test_a_sub_fund_held_by_capital_account_adds_up_to_its_value(demo_frames: Frames) -> None:
    lines = _one(demo_frames, "holding", "fair_value", fund_id="itif", holding_id="sf-airobot")
    terms = lines.filter(pl.col("role") == "term")
    value = lines["amount"][-1]
    assert sum(terms["amount"].to_list(), Decimal(0)) == value
    # its contributions into the sub-fund (ledger rows) and its share of the sub-fund's P&L
    rows = terms.filter(pl.col("kind") == "row")
    assert rows.height and all(i.startswith("contribution itif-lp") for i in rows["item"])
    assert terms.filter(pl.col("item").str.starts_with("P&L share of itif-lp")).height == 1


def test_unknown_figure_and_level_name_the_choices(demo_frames: Frames) -> None:
    stored = stored_at(demo_frames, DEMO_AS_OF, ("fund", "holding"))
    row = stored.levels["fund"].row(0, named=True)
    with pytest.raises(NotFound, match="no figure 'sharpe' at level fund; figures: .*net_irr"):
        m.explain(demo_frames, stored, DEMO_AS_OF, "fund", row, "sharpe")
    with pytest.raises(NotFound, match="no level 'fonds'; levels: fund, investor"):
        m.explain(demo_frames, stored, DEMO_AS_OF, "fonds", row, "nav")


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(books())
def test_every_figure_of_any_generated_book_adds_up(book: Frames) -> None:
    """USD sub-funds held by capital account, exits, grants, books without commitments."""
    stored = stored_at(book, book.as_of, METRIC_LEVELS)
    count, bad = failures(book, stored, book.as_of, LEVEL_KEYS)
    assert not bad, "\n".join(bad[:20])
    assert count > 0

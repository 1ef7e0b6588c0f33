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
from fundbook.metrics.explain_ledger import KEYS as LEDGER_KEYS
from fundbook.metrics.explain_ledger import LEVEL as LEDGER
from fundbook.store.frames import Frames
from tests.metrics.book import fund_of_funds_book, small_book
from tests.metrics.conftest import DEMO_AS_OF
from tests.metrics.explain_check import failures
from tests.metrics.test_properties import books

# Every level computed at a date, the general ledger included (on the demo book, whose ledger
# lines tests/metrics/test_gl_postings.py checks account by account, without it).
METRIC_LEVELS = tuple(lv for lv in RECIPES if lv not in ("flow", *INFO_LEVELS))
KEYS = {**LEVEL_KEYS, LEDGER: LEDGER_KEYS}
DEMO_LEVELS = tuple(lv for lv in METRIC_LEVELS if lv != LEDGER)


@pytest.mark.parametrize("book", [small_book, fund_of_funds_book])
def test_every_figure_of_a_small_book_adds_up(book: object) -> None:
    frames = book()  # type: ignore[operator]
    stored = stored_at(frames, frames.as_of, METRIC_LEVELS)
    assert stored.levels[LEDGER].height > 0
    count, bad = failures(frames, stored, frames.as_of, KEYS)
    assert not bad, "\n".join(bad[:20])
    assert count > 100


def test_every_figure_of_the_demo_at_an_open_date_adds_up(demo_frames: Frames) -> None:
    stored = stored_at(demo_frames, DEMO_AS_OF, DEMO_LEVELS)
    count, bad = failures(demo_frames, stored, DEMO_AS_OF, LEVEL_KEYS)
    assert not bad, "\n".join(bad[:20])
    assert count > 3000


def _one(frames: Frames, level: str, figure: str, **key: str) -> pl.DataFrame:
    stored = stored_at(frames, DEMO_AS_OF, DEMO_LEVELS)
    rows = stored.levels[level].filter(*[pl.col(k) == v for k, v in key.items()])
    return m.explain(frames, stored, DEMO_AS_OF, level, rows.row(0, named=True), figure)


def test_a_sub_fund_held_by_capital_account_adds_up_to_its_value(demo_frames: Frames) -> None:
    lines = _one(demo_frames, "holding", "fair_value", fund_id="itif", holding_id="sf-airobot")
    terms = lines.filter(pl.col("role") == "term")
    value = lines["amount"][-1]
    assert sum(terms["amount"].to_list(), Decimal(0)) == value
    # issue 11, R6: the LP's capital account in the sub-fund as its statement gives it
    account = terms.filter(pl.col("item").str.starts_with("capital account of itif-lp in "))
    assert account.height == 1 and account["amount"][0] == value


def test_unknown_figure_and_level_name_the_choices(demo_frames: Frames) -> None:
    stored = stored_at(demo_frames, DEMO_AS_OF, ("fund", "holding"))
    row = stored.levels["fund"].row(0, named=True)
    with pytest.raises(NotFound, match="no figure 'sharpe' at level fund; figures: .*net_irr"):
        m.explain(demo_frames, stored, DEMO_AS_OF, "fund", row, "sharpe")
    with pytest.raises(NotFound, match="no level 'fonds'; levels: fund, investor"):
        m.explain(demo_frames, stored, DEMO_AS_OF, "fonds", row, "nav")


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(books())
def test_every_figure_of_any_generated_book_adds_up(book: Frames) -> None:
    """USD sub-funds held by capital account, exits, grants, books without commitments."""
    stored = stored_at(book, book.as_of, METRIC_LEVELS)
    count, bad = failures(book, stored, book.as_of, KEYS)
    assert not bad, "\n".join(bad[:20])
    assert count > 0

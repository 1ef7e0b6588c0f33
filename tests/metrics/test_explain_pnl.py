"""`explain` of an investor's statement P&L lines on the books whose allocation is more than
one split of the fund's lines: partner-specific items (rows with an investor_id, one with a
service period over month ends) and a fund shared by paid-in, month by month (R5)."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal
from typing import Any

import polars as pl
import pytest

from fundbook import metrics as m
from fundbook.close.explain import stored_at
from fundbook.close.snapshot import conform_statements
from fundbook.metrics.explain import Stored
from fundbook.metrics.statement import _ALLOCATED as ALLOCATED
from fundbook.store.frames import Frames
from tests.metrics.book import txn
from tests.metrics.explain_check import failures, undetected
from tests.metrics.test_explain import KEYS, METRIC_LEVELS
from tests.metrics.test_period_allocation import COMMITTED, PAID_IN, _frames

D = Decimal
AS_OF = date(2026, 3, 31)


def _served(row: dict[str, Any], start: str, end: str) -> dict[str, Any]:
    return {
        **row,
        "service_start": date.fromisoformat(start),
        "service_end": date.fromisoformat(end),
    }


# a's own fee paid on 1 February for February to April; b's own expense of March paid on
# 10 April (accrued at 31 March); b's own income.
OWN = [
    _served(txn(11, "2026-02-01", "f", "fee", "9.00", "a"), "2026-02-01", "2026-04-30"),
    _served(txn(12, "2026-04-10", "f", "expense", "3.10", "b"), "2026-03-01", "2026-03-31"),
    txn(13, "2026-03-20", "f", "income", "1.00", investor="b", holding="z"),
]
BOOKS = {
    "own items": {**COMMITTED, "transactions": [*COMMITTED["transactions"], *OWN]},
    "paid-in": PAID_IN,
    "paid-in with own items": {**PAID_IN, "transactions": [*PAID_IN["transactions"], *OWN]},
}
# (basis, start) of the statements explained, each to AS_OF
PERIODS = (("period", date(2026, 3, 1)), ("QTD", date(2026, 2, 1)), ("ITD", date(2026, 1, 1)))


def _stored(frames: Frames) -> Stored:
    """The metric levels at AS_OF and statements of March, of February to March and since
    inception, as a close stores them."""
    stored = stored_at(frames, AS_OF, METRIC_LEVELS)
    statements = [
        m.capital_account_statement(frames, start, AS_OF).with_columns(
            pl.lit(basis).alias("basis"),
            pl.lit(start).alias("start_date"),
            pl.lit(AS_OF).alias("end_date"),
        )
        for basis, start in PERIODS
    ]
    return dataclasses.replace(stored, statements=conform_statements(pl.concat(statements)))


@pytest.fixture(scope="module", params=sorted(BOOKS))
def book(request: pytest.FixtureRequest) -> tuple[Frames, Stored]:
    frames = _frames(AS_OF, **BOOKS[request.param])
    return frames, _stored(frames)


def test_every_investor_statement_line_adds_up(book: tuple[Frames, Stored]) -> None:
    frames, stored = book
    investors = stored.statements.filter(pl.col("investor_id").is_not_null())
    moved = investors.filter(pl.any_horizontal(pl.col(list(ALLOCATED)) != 0))
    assert moved.height >= 2 * len(PERIODS) - 1  # the lines are not all zero
    count, bad = failures(frames, stored, AS_OF, KEYS)
    assert not bad, "\n".join(bad[:20])
    assert count > 100


def test_a_tampered_investor_statement_line_is_rejected(book: tuple[Frames, Stored]) -> None:
    frames, stored = book
    tried, accepted = undetected(frames, stored, AS_OF, KEYS)
    assert ("statement", "Decimal") in tried
    assert not accepted, "\n".join(accepted)

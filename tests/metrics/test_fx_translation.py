"""FX translation on its own line (issue 11 item 7), with the hand numbers of the contract.

HKD fund `g` (gov) is the only LP (`g-lp`) of USD fund `s`. USD is 7.80 from 2025-01-01 and
7.85 from 2025-06-30. g pays its call of 100 USD on 2025-01-10 at 7.80: an investment in s of
780.00 HKD. s keeps the cash, so g-lp's capital account is 100 USD.
- At 2025-06-30: fair value 100 × 7.85 = 785.00; fx_translation = 780 × 7.85 / 7.80 − 780 =
  5.00; unrealised (market) = 785 − 780 − 5 = 0.00.
- s distributes 50 USD on 2025-07-15, booked by g as proceeds of 392.50 (at 7.85). At
  2025-07-31: fair value 50 × 7.85 = 392.50, remaining cost 780 − 392.50 = 387.50 (cost
  recovery), fx = round(780 × 7.85 / 7.80 − 392.50 × 7.85 / 7.85) − (780 − 392.50) = 5.00
  still; unrealised 0.00.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import polars as pl

from fundbook import metrics as m
from fundbook.metrics.gl_ledger import general_ledger
from fundbook.store.frames import Frames, frames_from_rows
from tests.metrics.book import commit, fx, txn
from tests.metrics.test_gl import gl_differences


def _book(as_of: date, extra: list[dict[str, object]] | None = None) -> Frames:
    rows = [
        txn(1, "2025-01-10", "g", "contribution", "1000.00", investor="gov"),
        txn(2, "2025-01-10", "s", "contribution", "100.00", investor="g-lp"),
        txn(3, "2025-01-10", "g", "investment", "780.00", holding="s"),
        txn(4, "2025-07-15", "s", "distribution", "50.00", investor="g-lp"),
        txn(5, "2025-07-15", "g", "proceeds", "392.50", holding="s"),
        *(extra or []),
    ]
    return frames_from_rows(
        as_of,
        {
            "funds": [
                {"fund_id": "g", "name": "G", "kind": "guidance_fund", "currency": "HKD"},
                {
                    "fund_id": "s",
                    "name": "S",
                    "kind": "sub_fund",
                    "currency": "USD",
                    "programme_id": "g",
                },
            ],
            "investors": [
                {"investor_id": "gov", "name": "Gov", "kind": "government"},
                {"investor_id": "g-lp", "name": "G as LP", "kind": "government", "fund_id": "g"},
            ],
            "commitments": [
                commit(1, "2025-01-01", "g", "gov", "2000.00"),
                commit(2, "2025-01-01", "s", "g-lp", "200.00"),
            ],
            "transactions": [r for r in rows if r["date"] <= as_of],  # type: ignore[operator]
            "fx_rates": [fx("2025-01-01", "USD", "7.80"), fx("2025-06-30", "USD", "7.85")],
        },
    )


def _holding(frames: Frames) -> dict[str, object]:
    out = m.holding_metrics(frames, frames.as_of).filter(pl.col("holding_id") == "s")
    return out.row(0, named=True)


def test_a_call_translated_at_the_closing_rate() -> None:
    book = _book(date(2025, 6, 30))
    h = _holding(book)
    assert h["valued_by"] == "capital_account"
    assert (h["fair_value"], h["remaining_cost"]) == (D("785.00"), D("780.00"))
    assert (h["fx_translation"], h["unrealised_gain"]) == (D("5.00"), D("0.00"))
    g = m.fund_metrics(book, book.as_of).filter(pl.col("fund_id") == "g").row(0, named=True)
    assert (g["fx_translation"], g["unrealised_gain"], g["nav"]) == (
        D("5.00"),
        D("0.00"),
        D("1005.00"),
    )


def test_a_distribution_at_the_closing_rate_leaves_the_translation() -> None:
    book = _book(date(2025, 7, 31))
    h = _holding(book)
    assert (h["fair_value"], h["remaining_cost"], h["realised_gain"]) == (
        D("392.50"),
        D("387.50"),
        D("0.00"),
    )
    assert (h["fx_translation"], h["unrealised_gain"]) == (D("5.00"), D("0.00"))


def test_the_translation_is_rounded_once_per_holding() -> None:
    """Two more calls of 1.00 HKD at 7.80: each is 1.00641… at 7.85 (1.01 rounded alone), but
    their exact sum 2.01282… is rounded once: 780 × 7.85 / 7.80 + 2 × 1.00641… = 787.0128…
    -> 787.01, so the translation is 787.01 − 782.00 = 5.01 (not 5.02)."""
    extra = [
        txn(6, "2025-02-01", "g", "investment", "1.00", holding="s"),
        txn(7, "2025-02-02", "g", "investment", "1.00", holding="s"),
    ]
    book = _book(date(2025, 6, 30), extra)
    assert _holding(book)["fx_translation"] == D("5.01")


def test_the_statement_gl_and_programme_show_the_translation() -> None:
    book = _book(date(2025, 7, 31))
    stmt = m.capital_account_statement(book, date(2025, 1, 1), date(2025, 7, 31))
    g = stmt.filter(pl.col("fund_id") == "g")
    assert g["fx_translation"].to_list() == [D("5.00"), D("5.00")]  # gov, then the fund row
    assert g["unrealised_gain_change"].to_list() == [D("0.00"), D("0.00")]
    # the roll-forward holds with the new line: 0 + 1000 + 0.00 + 5.00 = 1005.00
    assert g["ending_nav"].to_list() == [D("1005.00"), D("1005.00")]
    gl = general_ledger(book, book.as_of).filter(pl.col("fund_id") == "g")
    closed = dict(gl.select("account", "closed_balance").iter_rows())
    assert closed["fx_translation_adjustment"] == D("5.00")
    assert closed.get("unrealised_appreciation", D(0)) == D("0.00")
    assert gl_differences(book, book.as_of) == []
    # the period's income: the translation arose in June, so July's trial balance has none
    june = general_ledger(book, date(2025, 6, 30)).filter(pl.col("fund_id") == "g")
    assert dict(june.select("account", "balance").iter_rows())["fx_translation"] == D("-5.00")
    # programme g (HKD): g-lp's 100 USD paid in at 7.85 = 785.00 now, 780.00 at its date
    prog = m.programme_metrics(book, book.as_of).row(0, named=True)
    assert (prog["paid_in"], prog["paid_in_historical"], prog["paid_in_fx_translation"]) == (
        D("785.00"),
        D("780.00"),
        D("5.00"),
    )

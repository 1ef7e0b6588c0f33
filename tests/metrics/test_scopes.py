"""Scopes that never mix, beyond the programme level: the theme exposure per programme and a
programme's member funds per scope (issue 13, board review).

The fund-of-funds book (tests/metrics/book.py) plus a separate co-investment scheme `sch`
(like ITVF) holding c1 directly: gf's programme holds c1 (sfu's 24 at a 36 mark, in USD, and
gf's own 20 at cost) and c2 (sfu's 16 at a 12 mark); the scheme's c1 is its own.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import polars as pl

from fundbook import metrics as m
from tests.metrics.book import commit, fund_of_funds_book, txn

AS_OF = date(2026, 6, 30)


def _with_scheme():  # type: ignore[no-untyped-def]
    scheme = {"fund_id": "sch", "name": "Scheme", "kind": "co_investment", "currency": "HKD"}
    return fund_of_funds_book(
        more={
            "funds": [scheme],
            "commitments": [commit(9, "2026-01-01", "sch", "soc", "500.00")],
            "transactions": [
                txn(20, "2026-01-10", "sch", "contribution", "500.00", investor="soc"),
                txn(21, "2026-02-01", "sch", "investment", "400.00", holding="c1"),
            ],
        }
    )


def test_the_theme_exposure_without_a_fund_is_per_programme_and_never_mixes_schemes() -> None:
    out = m.theme_exposure(_with_scheme(), AS_OF)
    assert out.columns[:2] == ["programme", "theme"] and "fund_id" not in out.columns
    fv = {(r["programme"], r["theme"]): r["fair_value"] for r in out.to_dicts()}
    # gf's programme: sfu's c1 36 USD x 7.85 = 282.60 + gf's own c1 at cost 20.00; c2 12 x 7.85
    assert fv["gf", "ai_robotics"] == D("302.60")
    assert fv["gf", "other"] == D("94.20")
    assert fv["sch", "ai_robotics"] == D("400.00")  # the scheme's own, apart
    shares = out.group_by("programme").agg(pl.col("share_of_fair_value").sum())
    assert all(abs(s - 1) < 1e-12 for s in shares["share_of_fair_value"])
    assert m.figures(_with_scheme(), AS_OF, date(2026, 3, 31))["theme"].equals(out)


def test_member_funds_is_per_scope() -> None:
    """The sub-funds scope counts its sub-funds; the direct scope and a scheme have none."""
    out = m.programme_metrics(_with_scheme(), AS_OF)
    members = {(r["programme"], r["scope"]): r["member_funds"] for r in out.to_dicts()}
    assert members == {
        ("gf", "sub_funds"): 1,
        ("gf", "direct"): None,
        ("gp", "scheme"): None,
        ("sch", "scheme"): None,
    }
    # the grant programme's 1 : 2 target is its scheme's, not read from a count of members
    targets = {(r["programme"], r["scope"]): r["target_amplification"] for r in out.to_dicts()}
    assert targets["gp", "scheme"] == 3.0 and targets["sch", "scheme"] == 4.0

"""The one producer of every level (`metrics.figures`): the figures reports used to compute."""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl

from fundbook import metrics
from fundbook.store.frames import Frames, frames_from_rows
from tests.metrics.book import D, commit, txn


def _book(more: list[dict[str, Any]] | None = None) -> Frames:
    """Fund f (HKD): investor a commits 500, b 100 (weights 5:1); c1 bought at 0.03, c2 at
    0.02 and half sold for 0.01, 1.00 distributed to a; no marks: each holding is valued at
    the cost it has left; `more` transactions after these."""
    company = {"theme": "ai_robotics", "hk_nexus": True, "country": "HK"}
    return frames_from_rows(
        date(2026, 6, 30),
        {
            "funds": [{"fund_id": "f", "name": "F", "kind": "sub_fund", "currency": "HKD"}],
            "investors": [
                {"investor_id": i, "name": i, "kind": "social_capital"} for i in ("a", "b")
            ],
            "companies": [{"company_id": c, "name": c, **company} for c in ("c1", "c2")],
            "commitments": [
                commit(1, "2026-01-01", "f", "a", "500.00"),
                commit(2, "2026-01-01", "f", "b", "100.00"),
            ],
            "transactions": [
                txn(1, "2026-01-10", "f", "contribution", "5.00", investor="a"),
                txn(2, "2026-01-10", "f", "contribution", "1.00", investor="b"),
                txn(3, "2026-04-01", "f", "investment", "0.03", holding="c1"),
                txn(4, "2026-04-01", "f", "investment", "0.02", holding="c2"),
                txn(5, "2026-05-01", "f", "proceeds", "0.01", holding="c2"),
                txn(6, "2026-06-01", "f", "distribution", "1.00", investor="a"),
                *(more or []),
            ],
            "valuations": [],
        },
    )


def _levels() -> dict[str, pl.DataFrame]:
    return metrics.figures(_book(), date(2026, 6, 30), date(2026, 3, 31))


def test_the_look_through_share_is_exact() -> None:
    """a's share of c1 is 0.03 x 500/600 = 0.025 exactly, half-even 0.02 (a float share
    0.8333333333333334 gives 0.025000000000000002, which rounds to 0.03); b's is 0.005 -> 0.00."""
    through = _levels()["holding_look_through"].filter(pl.col("holding_id") == "c1")
    assert dict(through.select("investor_id", "fair_value").iter_rows()) == {
        "a": D("0.02"),
        "b": D("0.00"),
    }


def test_holdings_are_ranked_with_their_shares_and_realisation() -> None:
    """c1 is worth 0.03 and c2 0.01 (0.02 cost, 0.01 recovered): c1 first with 3/4, then c2."""
    holding = _levels()["holding"].sort("rank")
    assert holding["holding_id"].to_list() == ["c1", "c2"]
    assert holding["rank"].to_list() == [1, 2]
    assert holding["share_of_fair_value"].to_list() == [0.75, 0.25]
    assert holding["cumulative_share_of_fair_value"].to_list() == [0.75, 1.0]
    assert holding["realisation"].to_list() == ["unrealised", "partially realised"]


def test_a_written_off_holding_reads_written_off() -> None:
    """c1 written off with nothing recovered and c2 half sold then written off both read
    "written off" (not "unrealised" for a fair value of 0 without proceeds, nor "realised")."""
    write_offs = [
        txn(7, "2026-06-10", "f", "write_off", "0.00", holding="c1"),
        txn(8, "2026-06-10", "f", "write_off", "0.00", holding="c2"),
    ]
    levels = metrics.figures(_book(write_offs), date(2026, 6, 30), date(2026, 3, 31))
    assert dict(levels["holding"].select("holding_id", "realisation").iter_rows()) == {
        "c1": "written off",
        "c2": "written off",
    }


def test_investor_called_share_and_fund_movements() -> None:
    """a paid 5 of 500: 1% called. The fund's NAV was 6.00 at 2026-03-31 (cash) and is 5.00
    now (cash 6.00 - 0.05 + 0.01 - 1.00 = 4.96, c1 0.03, c2 0.01): -1.00; distributed +1.00."""
    levels = _levels()
    investor = levels["investor"].filter(pl.col("investor_id") == "a")
    assert investor["pic_multiple"].to_list() == [0.01]
    moved = levels["fund_movement"].row(0, named=True)
    assert (moved["previous_nav"], moved["nav_change"]) == (D("6.00"), D("-1.00"))
    assert (moved["previous_paid_in"], moved["paid_in_change"]) == (D("6.00"), D("0.00"))
    assert (moved["previous_distributed"], moved["distributed_change"]) == (D("0"), D("1.00"))
    assert moved["previous_tvpi"] == 1.0
    assert moved["tvpi_change"] == (1.00 + 5.00) / 6.00 - 1.0


def test_rules_are_counted_by_status() -> None:
    """compliance_status counts the compliance level's rows per status."""
    levels = _levels()
    counted = levels["compliance"].group_by("status").len()
    expected = {"fail": 0, "watch": 0, "pending": 0, "pass": 0} | dict(counted.iter_rows())
    assert dict(levels["compliance_status"].iter_rows()) == expected
    assert sum(expected.values()) == levels["compliance"].height > 0

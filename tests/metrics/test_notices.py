"""Notices (issue 14 item 3): each partner's share of a call, split by purpose, and its account."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from pathlib import Path

import polars as pl
import pytest
from calls_kit import calls_book
from hypothesis import given
from hypothesis import strategies as st

from fundbook.core.errors import FundbookError
from fundbook.ledger import read_book
from fundbook.metrics.notices import PURPOSES, call_notices, calls_noticed, split_pro_rata
from fundbook.store.frames import Frames, frames_from_tables


def small_frames(tmp_path: Path, **kw: object) -> Frames:
    book, errors = read_book(calls_book(tmp_path / "book", **kw))  # type: ignore[arg-type]
    assert errors == [], errors
    return frames_from_tables(date(2026, 12, 31), book.rows)


def test_split_by_largest_remainder_partner_by_partner() -> None:
    # 200.00 = 133.33 + 33.33 + 33.34, partners 50.00 and 150.00: the first partner's exact
    # shares 33.3325, 8.3325, 8.335 round down to 49.99; its one cent left goes to the largest
    # remainder (expenses); the second takes what is left, exactly its amount.
    assert split_pro_rata([5000, 15000], [13333, 3333, 3334, 0]) == [
        [3333, 833, 834, 0],
        [10000, 2500, 2500, 0],
    ]


def test_split_refuses_amounts_that_are_not_the_parts() -> None:
    with pytest.raises(FundbookError, match="differ"):
        split_pro_rata([100], [50, 49])


@given(
    st.lists(st.integers(0, 10**9), min_size=1, max_size=12),
    st.lists(st.integers(0, 10**9), min_size=4, max_size=4),
    st.randoms(use_true_random=False),
)
def test_split_adds_up_both_ways(amounts: list[int], weights: list[int], rnd) -> None:
    """Every partner's split adds up to its amount, every purpose to the call's, none below 0,
    whatever the amounts and parts."""
    total = sum(amounts)
    if sum(weights) == 0:
        weights = [1, 0, 0, 0]
    parts = [total * w // sum(weights) for w in weights]
    parts[rnd.randrange(4)] += total - sum(parts)
    split = split_pro_rata(amounts, parts)
    assert [sum(r) for r in split] == amounts
    assert [sum(c) for c in zip(*split, strict=True)] == parts
    assert all(x >= 0 for r in split for x in r)


def test_the_notices_of_a_call(tmp_path: Path) -> None:
    notices = call_notices(small_frames(tmp_path), ["sf1-c01"]).to_dicts()
    assert [n["investor_id"] for n in notices] == ["gf-lp", "pen"]
    gf = notices[0]
    assert (gf["call_total"], gf["amount"], gf["share_of_call"]) == (D("200.00"), D("50.00"), 0.25)
    assert [gf[p] for p in PURPOSES] == [D("33.33"), D("8.33"), D("8.34"), D("0.00")]
    assert [gf[f"call_{p}"] for p in PURPOSES] == [D("133.33"), D("33.33"), D("33.34"), D("0")]
    assert (gf["commitment"], gf["contributions_before"], gf["contributions_after"]) == (
        D("250.00"),
        D("0.00"),
        D("50.00"),
    )
    assert (gf["unfunded_before"], gf["unfunded_after"]) == (D("250.00"), D("200.00"))
    assert (gf["notice_number"], gf["wire_reference"]) == (1, "sf1-c01/gf-lp")


def test_a_distribution_leaves_contributions_and_unfunded_alone(tmp_path: Path) -> None:
    pen = call_notices(small_frames(tmp_path), ["sf1-d01"]).filter(pl.col("investor_id") == "pen")
    row = pen.row(0, named=True)
    assert (row["kind"], row["amount"], row["recallable"]) == ("distribution", D("30.00"), D("0"))
    assert row["contributions_before"] == row["contributions_after"] == D("150.00")
    assert row["unfunded_before"] == row["unfunded_after"] == D("600.00")


def test_an_outstanding_call_has_no_notices_yet(tmp_path: Path) -> None:
    late = "sf1-d01,sf1,distribution,2026-03-01,2026-03-31,40.00,0,0,0,"
    frames = small_frames(
        tmp_path,
        calls=["sf1-c01,sf1,capital_call,2025-12-27,2026-01-10,133.33,33.33,33.34,0.00,", late],
        extra=[],
    )
    with pytest.raises(FundbookError, match="sf1-d01 has no rows yet"):
        call_notices(frames, ["sf1-d01"])


def test_calls_noticed_in_a_period(tmp_path: Path) -> None:
    frames = small_frames(tmp_path)
    assert calls_noticed(frames, "sf1", date(2026, 4, 1), date(2026, 6, 30)) == ["sf1-d01"]
    assert calls_noticed(frames, "sf1", date(2025, 10, 1), date(2026, 6, 30)) == [
        "sf1-c01",
        "sf1-d01",
    ]


DEMO_FUNDS = ("itif", "sf-airobot", "sf-digital", "itvf")


def test_the_demos_notices_add_up_to_their_calls(demo_frames: Frames) -> None:
    """Every call of 2026Q3 of these funds: the partners' amounts and purpose lines add up to
    the call's (as calls.csv books it), each partner's lines to its amount; a capital call moves
    contributions and unfunded by the partner's amount."""
    calls = [
        c
        for fund in DEMO_FUNDS
        for c in calls_noticed(demo_frames, fund, date(2026, 7, 1), date(2026, 9, 30))
        if demo_frames.calls.filter(pl.col("call_id") == c)["due_date"][0] <= date(2026, 9, 30)
    ]
    assert len(calls) >= 8
    notices = call_notices(demo_frames, calls)
    booked = demo_frames.calls.filter(pl.col("call_id").is_in(calls))
    sums = notices.group_by("call_id").agg(pl.col("amount", *PURPOSES).sum())
    want = booked.select(
        "call_id", pl.sum_horizontal(*PURPOSES).alias("amount"), *PURPOSES
    ).with_columns(pl.exclude("call_id").cast(pl.Decimal(38, 2)))
    assert sums.sort("call_id").equals(want.sort("call_id"))
    assert notices.filter(pl.sum_horizontal(*PURPOSES) != pl.col("amount")).height == 0
    called = notices.filter(pl.col("kind") == "capital_call")
    assert (
        called.filter(
            (pl.col("unfunded_before") - pl.col("amount") != pl.col("unfunded_after"))
            | (pl.col("contributions_before") + pl.col("amount") != pl.col("contributions_after"))
        ).height
        == 0
    )
    assert set(notices["kind"]) == {"capital_call", "distribution"}

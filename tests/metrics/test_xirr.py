"""The grouped XIRR engine against independent references and pyxirr as the oracle."""

from __future__ import annotations

import math

import numpy as np
import pyxirr
from hypothesis import given, settings
from hypothesis import strategies as st

from fundbook.metrics.xirr import xirr_grouped

MS_DATES = np.array(
    ["2008-01-01", "2008-03-01", "2008-10-30", "2009-02-15", "2009-04-01"], dtype="datetime64[D]"
)
MS_AMOUNTS = np.array([-10000.0, 2750.0, 4250.0, 3250.0, 2750.0])


def test_microsoft_example() -> None:
    rate = xirr_grouped(np.zeros(5, dtype=int), MS_DATES, MS_AMOUNTS)
    assert rate.shape == (1,)
    # Microsoft prints 9 decimals (Excel's own tolerance); pyxirr agrees with us to 1e-9.
    assert abs(rate[0] - 0.373362535) < 1e-8
    assert abs(rate[0] - pyxirr.xirr(MS_DATES, MS_AMOUNTS)) < 1e-9


def test_two_flows_closed_form() -> None:
    # -100 then +150 after 730 days: (150/100) ** (365/730) - 1
    dates = np.array(["2020-01-01", "2021-12-31"], dtype="datetime64[D]")
    rate = xirr_grouped([0, 0], dates, [-100.0, 150.0])
    assert abs(rate[0] - (1.5 ** (365 / 730) - 1)) < 1e-12


def test_no_sign_change_is_undefined() -> None:
    dates = np.array(
        ["2020-01-01", "2021-01-01", "2020-01-01", "2021-01-01"], dtype="datetime64[D]"
    )
    rate = xirr_grouped([0, 0, 1, 1], dates, [100.0, 50.0, -100.0, -5.0])
    assert np.isnan(rate).all()


def test_groups_in_any_order_and_gaps() -> None:
    # group 1 has no flows; rows shuffled; each group's answer is as if it were alone
    dates = np.concatenate([MS_DATES, MS_DATES[:4]])
    amounts = np.concatenate([MS_AMOUNTS, [-50.0, 10.0, 30.0, 40.0]])
    group = np.array([0, 0, 0, 0, 0, 2, 2, 2, 2])
    perm = np.random.default_rng(7).permutation(group.size)
    rate = xirr_grouped(group[perm], dates[perm], amounts[perm])
    assert abs(rate[0] - pyxirr.xirr(MS_DATES, MS_AMOUNTS)) < 1e-9
    assert math.isnan(rate[1])
    assert abs(rate[2] - pyxirr.xirr(MS_DATES[:4], [-50.0, 10.0, 30.0, 40.0])) < 1e-9


def test_empty() -> None:
    assert xirr_grouped([], np.array([], dtype="datetime64[D]"), []).shape == (0,)


@st.composite
def fund_like_groups(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Groups of conventional flows: calls first, then distributions and a final value."""
    n_groups = draw(st.integers(1, 12))
    groups, days, amounts = [], [], []
    for g in range(n_groups):
        calls = draw(st.lists(st.integers(1, 10_000_000), min_size=1, max_size=4))
        backs = draw(st.lists(st.integers(1, 20_000_000), min_size=1, max_size=6))
        start = draw(st.integers(0, 3000))
        gaps = draw(
            st.lists(
                st.integers(1, 400),
                min_size=len(calls) + len(backs),
                max_size=len(calls) + len(backs),
            )
        )
        when = start + np.cumsum(gaps)
        groups += [g] * (len(calls) + len(backs))
        days += list(when)
        amounts += [-float(c) for c in calls] + [float(b) for b in backs]
    return np.array(groups), np.array(days, dtype="datetime64[D]"), np.array(amounts)


@settings(max_examples=60, deadline=None)
@given(fund_like_groups())
def test_agrees_with_pyxirr(case: tuple[np.ndarray, np.ndarray, np.ndarray]) -> None:
    groups, dates, amounts = case
    rates = xirr_grouped(groups, dates, amounts)
    for g in range(rates.size):
        mask = groups == g
        expected = pyxirr.xirr(dates[mask], amounts[mask])
        if expected is None or not math.isfinite(expected) or abs(expected) > 1e3:
            continue
        # 1e-9 absolute, relative for rates above 100 % (pyxirr stops at its own tolerance)
        assert abs(rates[g] - expected) <= 1e-9 * max(1.0, abs(expected)), (g, expected)


def test_a_start_guess_finds_the_same_root() -> None:
    # random books of 200 groups: started at a nearby rate, far away, or nowhere (NaN: the
    # group's own first guess), the roots agree to the solver's tolerance
    rng = np.random.default_rng(16)
    groups, dates, amounts = [], [], []
    for g in range(200):
        n = int(rng.integers(3, 30))
        days = np.sort(rng.choice(3650, n, replace=False))
        flows = -rng.uniform(1e5, 1e8, n)
        flows[n // 2 :] *= -rng.uniform(0.2, 3.0)
        groups += [g] * n
        dates += list(np.datetime64("2015-01-01") + days)
        amounts += list(flows)
    own = xirr_grouped(groups, dates, amounts)
    assert np.isfinite(own).sum() > 150
    for guess in (own + 0.01, np.full(200, 2.5), np.where(np.arange(200) % 2, np.nan, own)):
        again = xirr_grouped(groups, dates, amounts, guess=guess)
        both = np.isfinite(own)
        assert np.array_equal(both, np.isfinite(again))
        assert np.max(np.abs(again[both] - own[both])) < 1e-9


def test_a_start_guess_never_picks_another_root_of_flows_with_several() -> None:
    # -100, +230, -132: two sign changes, rates 10 % and 20 %; started near 20 % (a partner
    # starting from its fund's rate) the solver must still find the rate it finds unguided
    dates = np.array(["2020-01-01", "2020-12-31", "2021-12-31"], dtype="datetime64[D]")
    flows = np.array([-100.0, 230.0, -132.0])
    own = xirr_grouped([0, 0, 0], dates, flows)
    for guess in (0.25, 0.2, 0.19, 0.0, -0.5):
        assert xirr_grouped([0, 0, 0], dates, flows, guess=[guess])[0] == own[0]
    # flows out of date order are never started from a guess either
    shuffled = xirr_grouped([0, 0, 0], dates[[1, 0, 2]], flows[[1, 0, 2]], guess=[0.25])
    assert shuffled[0] == xirr_grouped([0, 0, 0], dates[[1, 0, 2]], flows[[1, 0, 2]])[0]

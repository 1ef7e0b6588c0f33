"""Public market equivalents (issue 15): the worked example of docs/methods.md, pyxirr's own
functions on random books, the index as-of rule, n.m., undefined cases, index_levels.csv."""

from __future__ import annotations

import math
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest
import pyxirr.pe as pe

from fundbook.ledger import read_book
from fundbook.metrics.pme import (
    LN_NAV_NEGATIVE,
    NO_ROOT,
    NO_SIGN_CHANGE,
    pme_levels,
    programme_flows,
)
from fundbook.store.frames import Frames, frames_from_rows
from tests.ledger_kit import write_book
from tests.metrics.book import txn

D = Decimal


def level(n: int, day: str, index: str, value: str) -> dict[str, Any]:
    return {
        "date": date.fromisoformat(day),
        "index_id": index,
        "level": D(value),
        "name": None,
        "source_file": "index_levels.csv",
        "source_line": n + 1,
    }


def book(as_of: date, txns: list[dict[str, Any]], levels: list[dict[str, Any]]) -> Frames:
    funds = sorted({t["fund_id"] for t in txns} | {"f"})
    return frames_from_rows(
        as_of,
        {
            "funds": [
                {"fund_id": f, "name": f, "kind": "sub_fund", "currency": "HKD"} for f in funds
            ],
            "investors": [{"investor_id": "a", "name": "A", "kind": "government"}],
            "transactions": txns,
            "index_levels": levels,
        },
    )


def navs(frames: Frames, nav: dict[str, Decimal]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Fund and investor levels' NAVs (one partner `a` per fund)."""
    ids = frames.funds["fund_id"].to_list()
    fund = pl.DataFrame({"fund_id": ids, "nav": [nav.get(f, D(0)) for f in ids]})
    return fund, fund.with_columns(pl.lit("a").alias("investor_id"))


# docs/methods.md "Public market equivalents: a worked example"
WORKED_FLOWS = [
    txn(1, "2020-01-01", "f", "contribution", "100000000", "a"),
    txn(2, "2021-01-01", "f", "contribution", "50000000", "a"),
    txn(3, "2022-01-01", "f", "distribution", "60000000", "a"),
]
WORKED_INDEX = [
    level(1, "2019-12-31", "IDX", "100"),
    level(2, "2021-01-01", "IDX", "110"),
    level(3, "2021-12-31", "IDX", "105"),
    level(4, "2023-01-01", "IDX", "120"),
]
WORKED_AS_OF = date(2023, 1, 1)


def worked(**kw: Any) -> dict[str, Any]:
    # the frames as of the worked example's date: an index whose first level is after the
    # as-of date is in them (a book read as of that date would not hold it at all)
    frames = book(WORKED_AS_OF, kw.get("txns", WORKED_FLOWS), kw.get("levels", WORKED_INDEX))
    fund, investor = navs(frames, {"f": D(kw.get("nav", "130000000"))})
    out = pme_levels(frames, kw.get("as_of", WORKED_AS_OF), fund, investor)
    return out["pme_fund"].filter(pl.col("fund_id") == "f").row(0, named=True)


def test_the_worked_example_of_the_methods() -> None:
    # docs/methods.md: every figure to the printed digits
    row = worked()
    assert round(row["ks_pme"], 6) == 1.137649
    assert round(row["direct_alpha"], 6) == 0.055026
    assert round(math.expm1(row["direct_alpha"]), 6) == 0.056568
    assert round(row["ln_pme_irr"], 6) == 0.044845
    assert row["pme_since"] == date(2020, 1, 1)
    assert row["pme_nm"] is False and row["pme_undefined"] is None


def test_a_flow_takes_the_latest_level_on_or_before_its_date() -> None:
    # the distribution on 2022-01-01 takes 105 (2021-12-31); a level dated the day after
    # changes nothing, one dated on the day does
    later = [*WORKED_INDEX, level(5, "2022-01-02", "IDX", "999")]
    assert worked(levels=later)["ks_pme"] == worked()["ks_pme"]
    same_day = [*WORKED_INDEX, level(5, "2022-01-01", "IDX", "126")]
    expected = (60 * 120 / 126 + 130) / (100 * 120 / 100 + 50 * 120 / 110)
    # each compounded flow rounded to the cent: 1e-9 of these amounts at most
    assert worked(levels=same_day)["ks_pme"] == pytest.approx(expected, rel=1e-9)


def test_a_young_fund_keeps_its_numbers_flagged_nm() -> None:
    row = worked(as_of=date(2020, 12, 31), txns=WORKED_FLOWS[:1], nav="101000000")
    assert row["pme_nm"] is True and row["pme_nm_months"] == 12
    assert row["ks_pme"] == pytest.approx(1.01, rel=1e-12)  # the index did not move


@pytest.mark.parametrize(
    ("kw", "reason"),
    [
        ({"txns": []}, "no contributions"),
        (
            {"levels": WORKED_INDEX[1:]},
            "index IDX has no level on or before 2020-01-01 (a flow's date)",
        ),
        (
            {"as_of": date(2019, 12, 30), "txns": [], "levels": WORKED_INDEX},
            "index IDX has no level on or before 2019-12-30",
        ),
    ],
)
def test_undefined_for_all_three_with_the_reason(kw: dict[str, Any], reason: str) -> None:
    row = worked(**kw)
    assert (row["ks_pme"], row["direct_alpha"], row["ln_pme_irr"]) == (None, None, None)
    assert row["pme_undefined"] == reason


def test_a_negative_ln_nav_leaves_the_ln_irr_undefined() -> None:
    # a distribution of 200 sells more index than the 150 paid in bought
    flows = [*WORKED_FLOWS[:2], txn(3, "2022-01-01", "f", "distribution", "200000000", "a")]
    row = worked(txns=flows, nav="10000000")
    assert row["ln_pme_irr"] is None
    assert row["ks_pme"] is not None and row["direct_alpha"] is not None
    assert row["pme_undefined"] == f"ln_pme_irr: {LN_NAV_NEGATIVE}"


def test_no_distributions_and_no_nav_leave_direct_alpha_undefined() -> None:
    row = worked(txns=WORKED_FLOWS[:2], nav="0")
    assert row["ks_pme"] == 0.0
    assert row["direct_alpha"] is None
    assert row["ln_pme_irr"] is not None  # the index position closes the LN-PME flows
    assert row["pme_undefined"] == (
        "direct_alpha: no sign change in its flows compounded by the index"
    )


def test_same_day_equalisation_between_partners_moves_no_fund_figure() -> None:
    # a late partner b pays a catch-up of 50 that is passed straight back to a on the same day:
    # the fund's net flow that day is nil (as its IRR nets it), its KS-PME stays 150 / 100 × 1
    base = [txn(1, "2020-01-01", "f", "contribution", "100", "a")]
    eq = [
        *base,
        txn(2, "2021-01-01", "f", "equalisation_contribution", "50", "b"),
        txn(3, "2021-01-01", "f", "equalisation_distribution", "50", "a"),
    ]
    rows = []
    for txns in (base, eq):
        frames = book(WORKED_AS_OF, txns, WORKED_INDEX)
        fund = pl.DataFrame({"fund_id": ["f"], "nav": [D(150)]})
        partner = pl.DataFrame({"fund_id": ["f"], "investor_id": ["a"], "nav": [D(150)]})
        rows.append(pme_levels(frames, WORKED_AS_OF, fund, partner)["pme_fund"].row(0, named=True))
    assert rows[0]["ks_pme"] == pytest.approx(1.25, rel=1e-12)
    for figure in ("ks_pme", "direct_alpha", "ln_pme_irr"):
        assert rows[1][figure] == pytest.approx(rows[0][figure], rel=1e-12)


def test_a_programme_pools_its_sub_funds_not_the_vehicle_that_invests_in_them() -> None:
    # kind programme: the guidance fund gf (an LP of sf: a vehicle, scope direct) and sf are
    # both members; sf's money is gf's, so the programme pools sf alone (as its leverage)
    frames = frames_from_rows(
        WORKED_AS_OF,
        {
            "funds": [
                {"fund_id": "prog", "name": "P", "kind": "programme", "currency": "HKD"},
                {
                    "fund_id": "gf",
                    "name": "G",
                    "kind": "guidance_fund",
                    "currency": "HKD",
                    "programme_id": "prog",
                },
                {
                    "fund_id": "sf",
                    "name": "S",
                    "kind": "sub_fund",
                    "currency": "HKD",
                    "programme_id": "prog",
                },
            ],
            "investors": [
                {"investor_id": "gov", "name": "Gov", "kind": "government"},
                {"investor_id": "gf-lp", "name": "GF LP", "kind": "government", "fund_id": "gf"},
            ],
            "transactions": [
                txn(1, "2020-01-01", "gf", "contribution", "100", "gov"),
                txn(2, "2020-01-01", "sf", "contribution", "100", "gf-lp"),
            ],
            "index_levels": WORKED_INDEX,
        },
    )
    fund = pl.DataFrame({"fund_id": ["prog", "gf", "sf"], "nav": [D(0), D(120), D(150)]})
    partner = pl.DataFrame(
        {"fund_id": ["gf", "sf"], "investor_id": ["gov", "gf-lp"], "nav": [D(120), D(150)]}
    )
    flows, pooled, _ = programme_flows(frames, WORKED_AS_OF, fund)
    assert flows["fund_id"].to_list() == ["sf"] and flows["amount"].to_list() == [-10000]
    assert pooled.rows() == [("prog", "sub_funds", 15000)]
    row = pme_levels(frames, WORKED_AS_OF, fund, partner)["pme_programme"].row(0, named=True)
    assert row["ks_pme"] == pytest.approx(1.25, rel=1e-12)  # 150 / (100 × 120 / 100)


def test_a_sign_change_the_solver_cannot_solve_is_not_called_no_sign_change(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import fundbook.metrics.xirr as xirr

    def no_rate(groups: Any, dates: Any, amounts: Any, **_: Any) -> Any:
        return np.full(int(np.max(groups)) + 1, np.nan)

    monkeypatch.setattr(xirr, "xirr_grouped", no_rate)
    row = worked()
    assert row["direct_alpha"] is None and row["ln_pme_irr"] is None
    assert row["pme_undefined"] == (
        f"direct_alpha: {NO_ROOT} compounded by the index; ln_pme_irr: {NO_ROOT} and the LN-PME NAV"
    )
    assert NO_SIGN_CHANGE not in row["pme_undefined"]


def test_a_book_without_index_levels_has_empty_levels_with_columns() -> None:
    frames = book(WORKED_AS_OF, WORKED_FLOWS, [])
    fund, investor = navs(frames, {"f": D(130)})
    out = pme_levels(frames, WORKED_AS_OF, fund, investor)
    assert {k: v.height for k, v in out.items()} == dict.fromkeys(out, 0)
    assert "ks_pme" in out["pme_programme"].columns


def _random_book(seed: int, funds: int = 40) -> tuple[Frames, dict[str, Any], date]:
    """Funds whose flows fall on index dates 365 days apart (one flow per period), so that
    the XIRR on actual/365 is pyxirr's periodic IRR: the like-for-like comparison; the
    contributions come before the distributions (one sign change: one root, as PE funds)."""
    rng = np.random.default_rng(seed)
    start = date(2010, 1, 1)
    periods = 12
    dates = [start + timedelta(days=365 * k) for k in range(periods + 1)]
    path = 100 * np.cumprod(np.r_[1.0, np.exp(rng.normal(0.05, 0.2, periods))])
    levels = [level(k, d.isoformat(), "IDX", f"{path[k]:.6f}") for k, d in enumerate(dates)]
    index = [float(D(f"{v:.6f}")) for v in path]
    txns, expected, n = [], {}, 0
    for i in range(funds):
        fund = f"f{i:02d}"
        k = int(rng.integers(3, periods))
        calls = int(rng.integers(1, k))
        amounts = [0.0] * (k + 1)
        for p in range(k):
            n += 1
            kind = "contribution" if p < calls else "distribution"
            # HK$100m to 5bn: each compounded flow is rounded to the cent, 1e-9 of these at most
            cents = int(rng.integers(100_000_000_00, 5_000_000_000_00))
            txns.append(txn(n, dates[p].isoformat(), fund, kind, f"{cents / 100:.2f}", "a"))
            amounts[p] = cents / 100 * (-1 if kind == "contribution" else 1)
        nav = round(float(rng.uniform(0, 2e10)), 2)
        expected[fund] = (amounts, index[: k + 1], nav, dates[k])
    return book(dates[-1], txns, levels), expected, dates[-1]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_agrees_with_pyxirr_pe_on_random_books(seed: int) -> None:
    frames, expected, _ = _random_book(seed)
    checked = alphas = 0
    for fund, (amounts, index, nav, end) in expected.items():
        sub = book(  # each fund at its own last period: its as-of
            end,
            frames.transactions.filter(pl.col("fund_id") == fund).to_dicts(),
            frames.index_levels.to_dicts(),
        )
        fund_nav, investor = navs(sub, {fund: D(f"{nav:.2f}")})
        row = (
            pme_levels(sub, end, fund_nav, investor)["pme_fund"]
            .filter(pl.col("fund_id") == fund)
            .row(0, named=True)
        )
        assert row["ks_pme"] == pytest.approx(pe.ks_pme(amounts, index, nav), rel=1e-9)
        alpha = pe.direct_alpha(amounts, index, nav)
        if alpha is not None and math.isfinite(alpha):
            assert row["direct_alpha"] == pytest.approx(math.log1p(alpha), rel=1e-9, abs=1e-9)
            alphas += 1
        if pe.ln_pme_nav(amounts, index) < 0:
            assert row["ln_pme_irr"] is None
        else:
            ln = pe.ln_pme(amounts, index)
            if ln is not None and math.isfinite(ln):
                assert row["ln_pme_irr"] == pytest.approx(ln, rel=1e-9, abs=1e-9)
                checked += 1
    # pyxirr answers None where it finds no rate: most of the 40 funds must still be compared
    assert checked > 5 and alphas > 20


def test_many_funds_at_once_agree_with_one_at_a_time() -> None:
    frames, expected, as_of = _random_book(7, funds=30)
    fund, investor = navs(frames, {f: D(f"{v[2]:.2f}") for f, v in expected.items()})
    together = pme_levels(frames, as_of, fund, investor)["pme_fund"]
    for name in list(expected)[:5]:
        sub = book(
            as_of,
            frames.transactions.filter(pl.col("fund_id") == name).to_dicts(),
            frames.index_levels.to_dicts(),
        )
        f1, i1 = navs(sub, {name: D(f"{expected[name][2]:.2f}")})
        alone = pme_levels(sub, as_of, f1, i1)["pme_fund"].filter(pl.col("fund_id") == name)
        both = together.filter(pl.col("fund_id") == name)
        for col in ("ks_pme", "direct_alpha", "ln_pme_irr"):
            a, b = alone[col][0], both[col][0]
            assert (a is None and b is None) or a == pytest.approx(b, rel=1e-12)


# index_levels.csv: each rule's exact `file:line: message`
INDEX_HEADER = "date,index_id,level,name"


def _problems(tmp_path: Path, rows: list[str], terms: list[str] | None = None) -> list[str]:
    root = write_book(tmp_path / "book")
    (root / "index_levels.csv").write_text("\n".join([INDEX_HEADER, *rows]) + "\n")
    if terms is not None:
        (root / "terms.csv").write_text("\n".join(["fund_id,pme_index", *terms]) + "\n")
    _, errors = read_book(root)
    return [str(e).replace(f"{root}/", "") for e in errors]


def test_a_good_index_file_and_benchmark_read_clean(tmp_path: Path) -> None:
    rows = ["2025-12-31,HSI,17234.56,Hang Seng", "2026-01-30,HSI,17300.1,Hang Seng"]
    assert _problems(tmp_path, rows, ["sf1,HSI"]) == []
    book_, _ = read_book(tmp_path / "book")
    assert book_.rows["index_levels"]["level"].to_list() == [D("17234.56"), D("17300.1")]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (["2025-13-01,HSI,1,"], "index_levels.csv:2: bad date '2025-13-01' in column date"),
        ([",HSI,1,"], "index_levels.csv:2: date is empty"),
        (["2025-12-31,,1,"], "index_levels.csv:2: index_id is empty"),
        (
            ["2025-12-31,HSI,0,"],
            "index_levels.csv:2: level '0' must be a positive plain decimal with at most 6 "
            "places (like 17234.56)",
        ),
        (
            ["2025-12-31,HSI,-5,"],
            "index_levels.csv:2: level '-5' must be a positive plain decimal with at most 6 "
            "places (like 17234.56)",
        ),
        (
            ["2025-12-31,HSI,1.1234567,"],
            "index_levels.csv:2: level '1.1234567' must be a positive plain decimal with at "
            "most 6 places (like 17234.56)",
        ),
        (
            ["2025-12-31,HSI,1,", "2025-12-31,HSI,2,"],
            "index_levels.csv:3: duplicate date, index_id '2025-12-31, HSI' (first at line 2)",
        ),
        (
            ["2025-12-31,HSI,1,Hang Seng", "2026-01-31,HSI,2,HSI"],
            "index_levels.csv:3: index HSI is named 'HSI' here but 'Hang Seng' at line 2 (one "
            "name per index)",
        ),
    ],
)
def test_each_rule_of_index_levels(tmp_path: Path, rows: list[str], message: str) -> None:
    found = _problems(tmp_path, rows)
    assert any(p.startswith(message) for p in found), found


def test_a_benchmark_must_be_an_index_of_the_book(tmp_path: Path) -> None:
    found = _problems(tmp_path, ["2025-12-31,HSI,1,"], ["sf1,MSCI"])
    assert found == ["terms.csv:2: unknown pme_index 'MSCI' (not an index_id of index_levels.csv)"]


def test_a_level_in_a_closed_period_is_refused(tmp_path: Path) -> None:
    root = write_book(tmp_path / "book")
    (root / "index_levels.csv").write_text(INDEX_HEADER + "\n2025-12-31,HSI,1,\n")
    _, errors = read_book(root, locked_through=date(2025, 12, 31))
    found = [str(e).replace(f"{root}/", "") for e in errors]
    assert [e for e in found if e.startswith("index_levels")] == [
        "index_levels.csv:2: row dated 2025-12-31 falls in a closed period (the book is closed "
        "through 2025-12-31); closed periods never change: book a reversing or adjusting row "
        "dated after 2025-12-31 instead"
    ]


def test_compounding_is_exact_half_even_for_any_amount_and_levels() -> None:
    # 64-bit integers with a float estimate corrected by the remainder: against Python's exact
    # integers (round-half-even of a Fraction), with amounts up to HK$10bn, levels of 10^-6 to
    # 10^7 points, factors of 1/1000 to 1000 (products far beyond 64 bits), and exact halves
    from fractions import Fraction

    from fundbook.metrics.pme import compound_cents

    rng = np.random.default_rng(15)
    amount = rng.integers(-(10**12), 10**12, 20_000)
    at = rng.integers(1, 10**13, 20_000)
    end = np.maximum((at * 10.0 ** rng.uniform(-3, 3, 20_000)).astype(np.int64), 1)
    # halves: amount × end / at = k + 1/2 exactly
    at[:500] = 2 * rng.integers(1, 10**6, 500)
    end[:500] = at[:500] // 2
    amount[:500] = 2 * rng.integers(-(10**9), 10**9, 500) + 1
    got = compound_cents(amount, end, at)
    want = [
        round(Fraction(int(a) * int(e), int(d))) for a, e, d in zip(amount, end, at, strict=True)
    ]
    assert got.tolist() == want
    halves = zip(amount[:500], end[:500], at[:500], strict=True)
    assert all(int(a) * int(e) % int(d) * 2 == int(d) for a, e, d in halves)


def test_compounding_beyond_the_float_estimate_is_exact_and_beyond_64_bits_refused() -> None:
    # 2**52 cents and more (IDR 45 trillion): Python's integers; past 64 bits: refused
    from fractions import Fraction

    from fundbook.core.errors import MoneyOverflow
    from fundbook.metrics.pme import compound_cents

    amount, end, at = np.array([3 * 10**15 + 7, -(10**16) + 1, 5]), 3 * 10**6 + 1, 2 * 10**6
    want = [round(Fraction(int(a) * end, at)) for a in amount]
    assert abs(want[1]) > 2**52 and compound_cents(amount, end, at).tolist() == want
    with pytest.raises(MoneyOverflow, match="too large"):
        compound_cents(np.array([10**15]), np.array([10**10]), np.array([10**6]))

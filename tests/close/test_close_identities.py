"""Property tests: the roll-forward identities of a close hold for any generated book, and a
broken statement is caught by each check."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fundbook import metrics
from fundbook.close.figures import Computed, statement_lines
from fundbook.close.identities import (
    continues_previous,
    investors_sum_to_fund,
    paid_in_within_commitment,
    statement_roll_forward,
)
from fundbook.close.periods import Period
from fundbook.store.frames import frames_from_rows

INCEPTION = dt.date(2026, 1, 1)
MONTHS = [Period(2026, m) for m in (1, 2, 3, 4)]
COMPANIES = ("c1", "c2", "c3")
EVENT = st.tuples(
    st.sampled_from(
        [
            "contribution",
            "investment",
            "proceeds",
            "income",
            "fee",
            "expense",
            "distribution",
            "valuation",
        ]
    ),
    st.integers(min_value=0, max_value=119),  # day offset from inception
    st.integers(min_value=0, max_value=2),  # investor or company index
    st.integers(min_value=1, max_value=100_000),  # amount in cents / 100 of a unit
)


def _money(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(Decimal("0.01"))


def generated_book(
    commitments: list[int], events: list[tuple[str, int, int, int]]
) -> dict[str, list[dict[str, Any]]]:
    """A valid single-fund book: calls within commitments, cash never negative."""
    investors = [f"i{k}" for k in range(len(commitments))]
    rows: dict[str, list[dict[str, Any]]] = {
        "funds": [{"fund_id": "f", "name": "F", "kind": "sub_fund", "currency": "HKD"}],
        "investors": [{"investor_id": i, "name": i, "kind": "social_capital"} for i in investors],
        "companies": [
            {"company_id": c, "name": c, "theme": "ai_robotics", "hk_nexus": True, "country": "HK"}
            for c in COMPANIES
        ],
        "commitments": [
            {"fund_id": "f", "investor_id": i, "date": INCEPTION, "amount_fund": _money(c * 100)}
            for i, c in zip(investors, commitments, strict=True)
        ],
        "transactions": [],
        "valuations": [],
    }
    cash, called, invested = 0, [0] * len(investors), {c: 0 for c in COMPANIES}
    for n, (kind, day, who, cents) in enumerate(sorted(events, key=lambda e: e[1])):
        date = INCEPTION + dt.timedelta(days=day)
        k = who % len(investors)
        company = COMPANIES[who]
        if kind == "valuation":
            if invested[company]:
                rows["valuations"].append(
                    {
                        "date": date,
                        "fund_id": "f",
                        "holding_id": company,
                        "fair_value_fund": _money(cents),
                    }
                )
            continue
        if kind == "contribution":
            cents = min(cents, commitments[k] * 100 - called[k])
            called[k] += cents
        elif kind in ("investment", "fee", "expense", "distribution"):
            cents = min(cents, cash)
        elif not invested[company]:
            continue
        if cents <= 0:
            continue
        cash += cents if kind in ("contribution", "proceeds", "income") else -cents
        if kind == "investment":
            invested[company] += cents
        rows["transactions"].append(
            {
                "txn_id": f"t{n}",
                "date": date,
                "fund_id": "f",
                "type": kind,
                "investor_id": rows["investors"][k]["investor_id"]
                if kind in ("contribution", "distribution")
                else None,
                "holding_id": company if kind in ("investment", "proceeds", "income") else None,
                "amount_fund": _money(cents),
            }
        )
    return rows


BOOKS = st.builds(
    generated_book,
    st.lists(st.integers(min_value=100, max_value=5_000), min_size=1, max_size=3),
    st.lists(EVENT, min_size=1, max_size=25),
)


def _computed(rows: dict[str, list[dict[str, Any]]], period: Period) -> Computed:
    frames = frames_from_rows(period.end, rows)
    start = INCEPTION if period == MONTHS[0] else period.start
    statements = statement_lines(frames, period, start, INCEPTION)
    levels = {
        "fund": metrics.fund_metrics(frames, period.end),
        "investor": metrics.investor_metrics(frames, period.end),
    }
    return Computed(period, start, INCEPTION, levels, statements)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(BOOKS)
def test_identities_hold_for_every_month_of_any_book(rows: dict[str, Any]) -> None:
    previous = None
    for period in MONTHS:
        computed = _computed(rows, period)
        statements = computed.statements
        assert statement_roll_forward(statements) == []
        assert investors_sum_to_fund(statements) == []
        assert paid_in_within_commitment(computed.levels["investor"]) == []
        assert continues_previous(statements, previous) == []
        previous = statements.filter(pl.col("basis") == "ITD")


def _small() -> Computed:
    rows = generated_book(
        [1000, 3000],
        [
            ("contribution", 5, 0, 50_000),
            ("contribution", 5, 1, 90_000),
            ("investment", 10, 0, 80_000),
            ("valuation", 60, 0, 95_000),
        ],
    )
    return _computed(rows, Period(2026, 3))


def test_each_identity_catches_a_break() -> None:
    computed = _small()
    broken = computed.statements.with_columns(
        pl.when(pl.col("investor_id") == "i1")
        .then(pl.col("ending_nav") + Decimal("0.01"))
        .otherwise(pl.col("ending_nav"))
        .alias("ending_nav")
    )
    assert any("beginning NAV + flows + P&L" in p for p in statement_roll_forward(broken))
    assert any("investors' ending_nav sum to" in p for p in investors_sum_to_fund(broken))
    over = computed.levels["investor"].with_columns(
        (pl.col("committed") - Decimal("1000")).alias("committed")
    )
    assert any("exceeds commitment" in p for p in paid_in_within_commitment(over))
    prior = computed.statements.filter(pl.col("basis") == "ITD").with_columns(
        pl.col("ending_nav") + Decimal("5")
    )
    later = _computed(
        generated_book(
            [1000, 3000], [("contribution", 5, 0, 50_000), ("contribution", 5, 1, 90_000)]
        ),
        Period(2026, 4),
    )
    assert any(
        "differs from the previous close's ending NAV" in p
        for p in continues_previous(later.statements, prior)
    )


def test_a_line_not_modelled_is_null_on_every_row_or_caught() -> None:
    statements = _small().statements  # no fee terms: fee_offsets null on every row
    assert statements["fee_offsets"].null_count() == statements.height
    assert statement_roll_forward(statements) == []
    assert investors_sum_to_fund(statements) == []
    i1 = pl.col("investor_id") == "i1"
    # one investor's offsets made up (and moving NAV): the fund's null no longer agrees
    made_up = statements.with_columns(
        pl.when(i1).then(Decimal("1.00")).otherwise(pl.col("fee_offsets")).alias("fee_offsets"),
        pl.when(i1)
        .then(pl.col("ending_nav") + Decimal("1.00"))
        .otherwise(pl.col("ending_nav"))
        .alias("ending_nav"),
    )
    assert statement_roll_forward(made_up) == []
    assert any("investors' fee_offsets sum to 1.00" in p for p in investors_sum_to_fund(made_up))
    # a line that must be defined is still refused when null
    undefined = statements.with_columns(pl.lit(None, pl.Decimal(38, 2)).alias("management_fees"))
    assert any("a statement line is undefined" in p for p in statement_roll_forward(undefined))


@contextmanager
def _small_book(tmp_path: Path) -> Iterator[tuple[duckdb.DuckDBPyConnection, Computed]]:
    """The small book of close_kit imported, and the figures of its close of 2026-03."""
    from close_kit import book

    from fundbook.close.closing import period_start
    from fundbook.close.figures import compute
    from fundbook.store.db import open_book
    from fundbook.store.importer import import_book

    db, ledger = book(tmp_path)
    target = Period(2026, 3)
    with open_book(db) as con:
        import_book(con, ledger)
        start, inception = period_start(con, target)
        yield con, compute(con, target, start, inception)


def _with_level(computed: Computed, level: str, df: pl.DataFrame) -> Computed:
    if level == "ledger":
        return dataclasses.replace(computed, ledger=df)
    return dataclasses.replace(computed, levels={**computed.levels, level: df})


def test_the_ledger_ties_to_the_figures_and_can_fail(tmp_path: Path) -> None:
    """The GL (metrics/gl_*.py) and the figures (the metrics' state) are computed apart: the
    GL's net assets, the fund's NAV, the statements' ending capital and each partner's GL
    capital must agree; tampering with any one side names the fund or partner, both values
    and the difference."""
    from fundbook.close.identities import ledger_ties

    cent = Decimal("0.01")
    with _small_book(tmp_path) as (_con, computed):
        assert ledger_ties(computed) == []
        ledger, fund = computed.ledger, computed.levels["fund"]
        cash = (pl.col("account") == "cash") & (pl.col("fund_id") == "sf1")
        nav = fund.filter(pl.col("fund_id") == "sf1")["nav"].item()
        # the GL side: one cent more cash in sf1
        more_cash = ledger.with_columns(
            pl.when(cash).then(pl.col("closed_balance") + cent).otherwise(pl.col("closed_balance"))
        )
        problems = ledger_ties(_with_level(computed, "ledger", more_cash))
        assert problems == [
            f"fund sf1: GL net assets {nav + cent} but NAV {nav} (difference 0.01)"
        ], problems
        # the metrics side: NAV a cent off disagrees with the GL and the statements
        one_fund = pl.col("fund_id") == "sf1"
        lower = fund.with_columns(
            pl.when(one_fund).then(pl.col("nav") - cent).otherwise(pl.col("nav"))
        )
        problems = ledger_ties(_with_level(computed, "fund", lower))
        assert len(problems) == 2 and all("(difference 0.01)" in p for p in problems)
        # a partner's GL capital a cent off
        partner = (pl.col("account") == "partners_capital:pen") & one_fund
        moved = ledger.with_columns(
            pl.when(partner)
            .then(pl.col("closed_balance") - cent)
            .otherwise(pl.col("closed_balance"))
        )
        problems = ledger_ties(_with_level(computed, "ledger", moved))
        assert len(problems) == 1 and problems[0].startswith("fund sf1, partner pen: GL capital")
        assert problems[0].endswith("(difference 0.01)")
        # a statement's ending NAV a cent off: the fund sum and the partner both disagree
        statements = computed.statements.with_columns(
            pl.when((pl.col("investor_id") == "pen") & one_fund)
            .then(pl.col("ending_nav") + cent)
            .otherwise(pl.col("ending_nav"))
        )
        bad = dataclasses.replace(computed, statements=statements)
        problems = ledger_ties(bad)
        assert any("partners' ending capital in the statements" in p for p in problems)
        assert any(p.startswith("fund sf1, partner pen") for p in problems)


def test_the_gl_fx_translation_ties_to_the_figure_and_can_fail(tmp_path: Path) -> None:
    """Per fund, the GL's cumulative FX translation (the asset fx_translation_adjustment,
    posted against the income account fx_translation) = the fund's `fx_translation` figure,
    computed apart (gl_fx vs metrics.translation). A cent moved between the market part and
    the FX part leaves net assets and capital whole: only this tie catches it."""
    from fundbook.close.closing import period_start
    from fundbook.close.figures import compute
    from fundbook.close.identities import ledger_ties
    from fundbook.store.db import open_book
    from fundbook.store.importer import import_book

    golden = Path(__file__).parents[1] / "metrics" / "golden" / "usd_sub_fund" / "ledger"
    cent = Decimal("0.01")
    with open_book(tmp_path / "usd.duckdb") as con:
        import_book(con, golden)
        target = Period(2025, 12)
        start, inception = period_start(con, target)
        computed = compute(con, target, start, inception)
    assert ledger_ties(computed) == []
    gf = pl.col("fund_id") == "gf"
    ledger = computed.ledger
    fx = ledger.filter(gf & (pl.col("account") == "fx_translation_adjustment"))
    assert fx["closed_balance"].to_list() == [Decimal("0.50")]  # 78 x 7.85 / 7.80 - 78
    # the GL side: a cent from unrealised appreciation to the FX adjustment
    shift = {"fx_translation_adjustment": cent, "unrealised_appreciation": -cent}
    moved = ledger.with_columns(
        (
            pl.col("closed_balance")
            + pl.when(gf)
            .then(pl.col("account").replace_strict(shift, default=Decimal(0)))
            .otherwise(Decimal(0))
        ).alias("closed_balance")
    )
    problems = ledger_ties(_with_level(computed, "ledger", moved))
    assert problems == [
        "fund gf: GL cumulative FX translation 0.51 but the fund's fx_translation 0.50 "
        "(difference 0.01)"
    ], problems
    # the metrics side: the fund's figure a cent off
    fund = computed.levels["fund"]
    lower = fund.with_columns(
        pl.when(gf).then(pl.col("fx_translation") - cent).otherwise(pl.col("fx_translation"))
    )
    problems = ledger_ties(_with_level(computed, "fund", lower))
    assert len(problems) == 1 and problems[0].startswith("fund gf: GL cumulative FX")


def _booked(
    con: duckdb.DuckDBPyConnection, computed: Computed
) -> tuple[pl.DataFrame, pl.DataFrame]:
    from fundbook.store.db import frame, sql

    params = {"period_end": computed.period.end}
    return frame(con, sql("close_nav_book"), params), frame(con, sql("close_partners"), params)


def test_nav_is_recomputed_from_the_booked_rows_and_can_fail(tmp_path: Path) -> None:
    """NAV is computed twice, by metrics from its positions and in SQL from the booked rows
    (cash postings, latest marks, cost not recovered); a wrong figure on either side, or
    capital accounts that do not add up to it, fails the close."""
    from fundbook.close.identities import nav_from_the_book, nav_ties

    with _small_book(tmp_path) as (con, computed):
        assert nav_from_the_book(con, computed) == []
        booked, partners = _booked(con, computed)
        con.execute("UPDATE valuations SET fair_value_fund = fair_value_fund + 1")
        assert any("but the booked rows give" in p for p in nav_from_the_book(con, computed))
    levels = computed.levels
    fund, holding, investor = levels["fund"], levels["holding"], levels["investor"]
    assert nav_ties(fund, holding, investor, booked, partners) == []
    off = fund.with_columns(pl.col("nav") + Decimal("0.01"))
    problems = nav_ties(off, holding, investor, booked, partners)
    assert any("but the booked rows give" in p for p in problems)
    assert any("its investors' capital accounts add up to" in p for p in problems)
    one_cent = investor.with_columns(
        pl.when(pl.int_range(pl.len()) == 0)
        .then(pl.col("nav") - Decimal("0.01"))
        .otherwise(pl.col("nav"))
        .alias("nav")
    )
    problems = nav_ties(fund, holding, one_cent, booked, partners)
    assert any("capital accounts add up to" in p for p in problems)


def _bumped(frame: pl.DataFrame, column: str, by: Decimal, **key: str) -> pl.DataFrame:
    hit = pl.all_horizontal(pl.col(k) == v for k, v in key.items())
    return frame.with_columns(
        pl.when(hit).then(pl.col(column) + by).otherwise(pl.col(column)).alias(column)
    )


def test_a_sub_fund_interest_is_tied_to_the_split_of_the_booked_rows(tmp_path: Path) -> None:
    """The guidance fund gf holds sf1 through its LP investor gf-lp: every capital account is
    the share of its fund the booked rows give (recomputed in the close, not the metrics'
    split), and gf's interest is gf-lp's capital account as stated x the rates (issue 11, R6).
    A split moved between sf1's LPs, with gf's interest, NAV and gov's account moved alike so
    that every sum still adds up, fails with the exact message."""
    from fundbook.close.identities import book_navs_of, capital_account_ties, nav_ties

    with _small_book(tmp_path) as (con, computed):
        booked, partners = _booked(con, computed)
    levels = computed.levels
    fund, holding, investor = levels["fund"], levels["holding"], levels["investor"]
    link = booked.filter(pl.col("lp_investor_id").is_not_null())
    assert link.select("fund_id", "holding_id", "lp_investor_id").rows() == [("gf", "sf1", "gf-lp")]
    by = Decimal("0.05")
    split = _bumped(investor, "nav", by, fund_id="sf1", investor_id="gf-lp")
    split = _bumped(split, "nav", -by, fund_id="sf1", investor_id="pen")
    assert nav_ties(
        _bumped(fund, "nav", by, fund_id="gf"),
        _bumped(holding, "fair_value", by, fund_id="gf", holding_id="sf1"),
        _bumped(split, "nav", by, fund_id="gf", investor_id="gov"),
        booked,
        partners,
    ) == [
        "fund sf1, investor gf-lp: capital account 56.30 but its share of the fund from the "
        "booked rows is 56.25 (net contributed + P&L x weight / total weight, within a cent)",
        "fund sf1, investor pen: capital account 168.70 but its share of the fund from the "
        "booked rows is 168.75 (net contributed + P&L x weight / total weight, within a cent)",
    ]
    # in another currency the value is the stated account x rate(held) / rate(holder), rounded
    # half-even once: 56.25 x 7.81 = 439.3125
    usd = booked.with_columns(pl.col("held_rate") * 781 / 100)
    navs = book_navs_of(holding, usd)
    for value, fails in (("439.31", False), ("439.32", True)):
        moved = _bumped(holding, "fair_value", Decimal(value) - Decimal("56.25"), fund_id="gf")
        problems = capital_account_ties(moved, investor, usd, partners, navs)
        assert [p for p in problems if "holding sf1" in p] == (
            [
                f"fund gf, holding sf1: valued at {value} from a capital account but gf-lp's "
                "capital account in sf1 is 56.25, 439.31 at the rates "
                "7.81000000 / 1.00000000"
            ]
            if fails
            else []
        )
    gone = investor.filter(pl.col("investor_id") != "gf-lp")
    assert nav_ties(fund, holding, gone, booked, partners)[-2:] == [
        "fund sf1, investor gf-lp: capital account None but its share of the fund from the "
        "booked rows is 56.25 (net contributed + P&L x weight / total weight, within a cent)",
        "fund gf, holding sf1: cannot be tied to gf-lp's capital account in sf1: value 56.25, "
        "account None, rates 1.00000000 / 1.00000000",
    ]


def test_a_wrong_split_of_a_held_fund_fails_the_close(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The metrics' split of sf1 between its LPs moved by 1.00 (gf's interest in it is valued
    apart): the close recomputes the split from the booked rows and refuses."""
    from close_kit import book

    from fundbook.close.closing import CloseFailed, close_period
    from fundbook.metrics import state
    from fundbook.metrics.money import CENTS

    allocate = state._allocate_pnl

    def moved(*args: Any) -> pl.DataFrame:
        out = allocate(*args)
        who = pl.col("investor_id")
        by = pl.when(who == "gf-lp").then(100).when(who == "pen").then(-100).otherwise(0)
        return out.with_columns((pl.col("nav") + by).cast(CENTS).alias("nav"))

    monkeypatch.setattr(state, "_allocate_pnl", moved)
    db, ledger = book(tmp_path)
    with pytest.raises(CloseFailed) as failed:
        close_period(db, "2026-03", ledger_dir=str(ledger))
    assert (
        "fund sf1, investor gf-lp: capital account 57.25 but its share of the fund from the "
        "booked rows is 56.25 (net contributed + P&L x weight / total weight, within a cent)"
    ) in failed.value.problems


def test_the_roll_forward_is_not_balanced_by_other_income_expense(monkeypatch: Any) -> None:
    """other_income_expense is computed from what it is (grants paid, and an investor's
    reallocation when the percentages change), not as ending NAV less the other lines: a
    statement whose lines do not roll forward fails the identity, with the exact message."""
    from fundbook.metrics import statement
    from fundbook.metrics.money import CENTS

    rows = generated_book(
        [1000, 3000],
        [
            ("contribution", 5, 0, 50_000),
            ("contribution", 5, 1, 90_000),
            ("investment", 10, 0, 80_000),
            ("valuation", 60, 0, 95_000),
        ],
    )
    grant = {"txn_id": "g1", "date": dt.date(2026, 3, 15), "fund_id": "f", "type": "grant"}
    rows["transactions"].append(
        {**grant, "investor_id": None, "holding_id": "c2", "amount_fund": Decimal("12.34")}
    )
    statements = _computed(rows, Period(2026, 3)).statements
    assert statement_roll_forward(statements) == []
    assert investors_sum_to_fund(statements) == []
    fund = statements.filter(pl.col("investor_id").is_null() & (pl.col("basis") == "period"))
    assert fund["other_income_expense"].to_list() == [Decimal("-12.34")]
    # without the investors' share of the grant the lines no longer reach the ending NAV
    monkeypatch.setattr(
        statement,
        "_other_income_expense",
        lambda: pl.lit(0, CENTS).alias("other_income_expense"),
    )
    unbalanced = _computed(rows, Period(2026, 3)).statements
    shares = statements.filter(
        pl.col("other_income_expense") != 0, pl.col("investor_id").is_not_null()
    )
    assert shares.height == 2 * statements["basis"].n_unique()
    assert statement_roll_forward(unbalanced) == [
        f"{r['basis']} fund f, investor {r['investor_id']}: beginning NAV + flows + P&L = "
        f"{r['ending_nav'] - r['other_income_expense']} but ending NAV = {r['ending_nav']}"
        for r in shares.iter_rows(named=True)
    ]

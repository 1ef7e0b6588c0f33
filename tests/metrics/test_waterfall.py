"""docs/methods.md's waterfalls to the cent (European: the GP gets exactly 20 % of the LPs'
profit; American: a clawback), and the waterfall's invariants as properties."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Context, Decimal

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from fundbook.metrics.waterfall import UNITS, CarryTerms, Ledger, run_tiers, waterfall

D = Decimal
MONEY = pl.Decimal(38, 2)
RATE = pl.Decimal(18, 8)
START, SALE = date(2021, 1, 4), date(2024, 1, 4)  # 1,095 days: three years exactly
FLOWS = {
    "fund_id": pl.String(),
    "investor_id": pl.String(),
    "deal_id": pl.String(),
    "date": pl.Date(),
    "kind": pl.String(),
    "amount": MONEY,
}
NAV = {"fund_id": pl.String(), "investor_id": pl.String(), "deal_id": pl.String(), "nav": MONEY}
SIDE = {
    "fund_id": pl.String(),
    "investor_id": pl.String(),
    "fee_discount_pct": RATE,
    "carry_exempt": pl.Boolean(),
}


def _terms(kind: str) -> pl.DataFrame:
    row = ("F", D("0.2"), D("0.08"), D("1"), kind, "GP")
    text = ("fund_id", "waterfall", "gp_investor_id")
    columns = ("fund_id", "carry_pct", "hurdle_rate", "catch_up_pct", *text[1:])
    schema = {c: pl.String() if c in text else RATE for c in columns}
    return pl.DataFrame([row], schema=schema, orient="row")


def _flows(rows: list[tuple[str, str | None, date, str, str]]) -> pl.DataFrame:
    return pl.DataFrame(
        [("F", who, deal, when, kind, D(a)) for who, deal, when, kind, a in rows],
        schema=FLOWS,
        orient="row",
    )


def _navs(rows: list[tuple[str, str | None, str]]) -> pl.DataFrame:
    return pl.DataFrame([("F", w, d, D(n)) for w, d, n in rows], schema=NAV, orient="row")


NO_SIDE = pl.DataFrame(schema=SIDE)
# (a) LP1 60m, LP2 30m and the GP's 10m called on 2021-01-04 for one deal, sold at 2x
# three years later and distributed pro rata before carry
CALLS = [("LP1", "d", START, "contribution", "60000000"),
         ("LP2", "d", START, "contribution", "30000000"),
         ("GP", "d", START, "contribution", "10000000")]  # fmt: skip
SOLD = [("LP1", "d", SALE, "distribution", "120000000"),
        ("LP2", "d", SALE, "distribution", "60000000"),
        ("GP", "d", SALE, "distribution", "20000000")]  # fmt: skip
# docs/methods.md, "A worked European waterfall": partner, tier, amount, to partner, to GP
EUROPEAN = """
GP  return_of_capital 10000000.00 10000000.00        0.00
GP  preferred_return   2597120.00  2597120.00        0.00
GP  catch_up                 0.00        0.00        0.00
GP  split              7402880.00  7402880.00        0.00
LP1 return_of_capital 60000000.00 60000000.00        0.00
LP1 preferred_return  15582720.00 15582720.00        0.00
LP1 catch_up           3895680.00        0.00  3895680.00
LP1 split             40521600.00 32417280.00  8104320.00
LP2 return_of_capital 30000000.00 30000000.00        0.00
LP2 preferred_return   7791360.00  7791360.00        0.00
LP2 catch_up           1947840.00        0.00  1947840.00
LP2 split             20260800.00 16208640.00  4052160.00
"""


def _table(text: str) -> list[tuple[object, ...]]:
    return [
        (w, t, *(D(x) for x in xs)) for w, t, *xs in (r.split() for r in text.strip().splitlines())
    ]


def test_european_the_gp_gets_exactly_20_percent_of_the_lps_profit() -> None:
    w = waterfall(_flows(CALLS + SOLD), _navs([]), _terms("european"), NO_SIDE, SALE)
    paid = w.tiers.filter(pl.col("basis") == "paid")
    assert paid.select("investor_id", "tier", "amount", "to_partner", "to_gp").rows() == _table(
        EUROPEAN
    )
    carry = w.carry.select("investor_id", "carry_paid", "accrued_carry").rows()
    assert carry == [("GP", D(0), D(0)), ("LP1", D("12000000.00"), D(0)),
                     ("LP2", D("6000000.00"), D(0))]  # fmt: skip
    # 18m = 20 % of the LPs' 90m profit; the GP's own 10m commitment bears none
    assert w.carry["carry_paid"].sum() == D("0.2") * (D(180_000_000) - D(90_000_000))


def test_european_the_same_2x_as_a_nav_accrues_the_same_carry() -> None:
    navs = _navs([("LP1", "d", "120000000"), ("LP2", "d", "60000000"), ("GP", "d", "20000000")])
    w = waterfall(_flows(CALLS), navs, _terms("european"), NO_SIDE, SALE)
    liquidation = w.tiers.filter(pl.col("basis") == "liquidation")
    assert liquidation.select("investor_id", "tier", "amount", "to_partner", "to_gp").rows() == (
        _table(EUROPEAN)
    )
    got = w.carry.select("investor_id", "carry_paid", "accrued_carry", "nav_net").rows()
    assert got == [("GP", D(0), D(0), D("20000000.00")),
                   ("LP1", D(0), D("12000000.00"), D("108000000.00")),
                   ("LP2", D(0), D("6000000.00"), D("54000000.00"))]  # fmt: skip


def test_a_carry_exempt_side_letter_bears_no_carry() -> None:
    side = pl.DataFrame([("F", "LP2", None, True)], schema=SIDE, orient="row")
    w = waterfall(_flows(CALLS + SOLD), _navs([]), _terms("european"), side, SALE)
    assert w.carry.select("investor_id", "bears_carry", "carry_paid").rows() == [
        ("GP", False, D(0)),
        ("LP1", True, D("12000000.00")),
        ("LP2", False, D(0)),
    ]


def test_american_deal_by_deal_with_a_clawback() -> None:
    """(b) L puts 50m in each of deals A and B on 2021-01-04; A is sold for 100m a year later
    (carry 10m paid); B is worth 10m on 2024-01-04. Whole fund, the GP is due only 668,800."""
    flows = _flows([("L", "A", START, "contribution", "50000000"),
                    ("L", "B", START, "contribution", "50000000"),
                    ("L", "A", date(2022, 1, 4), "distribution", "100000000")])  # fmt: skip
    w = waterfall(flows, _navs([("L", "B", "10000000")]), _terms("american"), NO_SIDE, SALE)
    columns = ("carry_paid", "carry_on_liquidation", "whole_fund_carry", "carry_entitlement",
               "accrued_carry", "clawback_exposure", "nav", "nav_net")  # fmt: skip
    assert w.carry.select(columns).row(0) == tuple(
        D(x) for x in ("10000000.00", "0.00", "668800.00", "668800.00", "-9331200.00",
                       "9331200.00", "10000000.00", "19331200.00")
    )  # fmt: skip
    paid = w.tiers.filter(pl.col("basis") == "paid").select("tier", "amount", "to_gp").rows()
    assert paid == [
        ("return_of_capital", D("50000000.00"), D(0)),
        ("preferred_return", D("4000000.00"), D(0)),
        ("catch_up", D("1000000.00"), D("1000000.00")),
        ("split", D("45000000.00"), D("9000000.00")),
    ]


# --- properties -------------------------------------------------------------------------

CTX = Context(prec=40, rounding=ROUND_HALF_EVEN)
DAY0 = date(2020, 1, 1)
AS_OF = date(2026, 1, 1)


def _growth(hurdle: Decimal, days: int) -> Decimal:
    return CTX.power(1 + hurdle, CTX.divide(Decimal(days), Decimal(365)))


terms_st = st.builds(
    lambda carry, catch_up, hurdle: CarryTerms(int(carry * UNITS), int(catch_up * UNITS), hurdle),
    st.sampled_from([D("0.1"), D("0.2"), D("0.25")]),
    st.sampled_from([D(0), D("0.8"), D(1)]),
    st.sampled_from([D(0), D("0.06"), D("0.08")]),
)
flow_st = st.lists(
    st.tuples(st.integers(0, 2000), st.booleans(), st.integers(1, 3_000_000_000)),
    min_size=1,
    max_size=8,
)


def _as_flows(raw: list[tuple[int, bool, int]]) -> list[tuple[date, int, int]]:
    return [(DAY0 + timedelta(days=d), int(not c), -a if c else a) for d, c, a in raw]


@settings(max_examples=150, deadline=None)
@given(terms=terms_st, raw=flow_st, nav=st.integers(0, 5_000_000_000))
def test_carry_never_exceeds_carry_pct_of_the_profit_distributed(
    terms: CarryTerms, raw: list[tuple[int, bool, int]], nav: int
) -> None:
    """After every distribution (the liquidation at NAV included) the GP's carry, catch-up
    included, is at most carry_pct x the largest cumulative profit (distributions less
    contributions) at any distribution so far, rounded half-even to the cent; so at most
    carry_pct x the profit when no contribution follows a distribution."""
    ledger, best = Ledger(terms), 0
    for when, _, amount in [*sorted(_as_flows(raw)), (AS_OF, 1, nav)]:
        if amount < 0:
            ledger.contribute(when, -amount)
            continue
        ledger.distribute(when, amount)
        profit = ledger.distributed - ledger.contributed
        best = max(best, CTX.quantize(Decimal(terms.carry * profit) / UNITS, Decimal(1)))
        assert ledger.carry <= max(best, 0)
        assert ledger.received + ledger.carry == ledger.distributed


@settings(max_examples=150, deadline=None)
@given(
    terms=terms_st,
    calls=st.lists(
        st.tuples(st.integers(0, 700), st.integers(1, 2_000_000_000)), min_size=1, max_size=4
    ),
    paid=st.lists(st.tuples(st.integers(701, 2000), st.fractions(0, 1)), max_size=4),
    kept=st.fractions(0, 1),
)
def test_no_profit_above_the_hurdle_means_no_carry(
    terms: CarryTerms, calls: list[tuple[int, int]], paid: list[tuple[int, object]], kept: object
) -> None:
    """Distributions and a NAV that never take the partner past its hurdle (contributions
    grown at the hurdle from their dates, less distributions grown likewise, stays at least a
    cent above them, computed here on its own): no carry paid, none accrued."""
    flows: list[tuple[date, int, int]] = [(DAY0 + timedelta(days=d), 0, -a) for d, a in calls]
    for day, share in sorted(paid):
        when = DAY0 + timedelta(days=day)
        room = _room(terms, flows, when)
        amount = int(room * D(share.numerator) / D(share.denominator))  # type: ignore[attr-defined]
        if amount > 0:
            flows.append((when, 1, amount))
    nav = max(0, int(_room(terms, flows, AS_OF) * D(kept.numerator) / D(kept.denominator)))  # type: ignore[attr-defined]
    done, after = run_tiers(terms, flows, nav, AS_OF)
    assert done.carry == 0 and after.carry == 0


def _room(terms: CarryTerms, flows: list[tuple[date, int, int]], when: date) -> Decimal:
    """What the partner may still receive on `when` and stay a cent below its hurdle."""
    owed = sum((-a * _growth(terms.hurdle, (when - d).days) for d, _, a in flows), D(0))
    return max(D(0), owed - 1)


@settings(max_examples=100, deadline=None)
@given(
    kind=st.sampled_from(["european", "american"]),
    raw=st.lists(
        st.tuples(st.sampled_from(["LP1", "LP2", "GP"]), st.sampled_from(["A", "B"]),
                  st.integers(0, 2000), st.booleans(), st.integers(1, 2_000_000_000)),
        min_size=1, max_size=10,
    ),
    navs=st.lists(st.integers(0, 3_000_000_000), min_size=6, max_size=6),
)  # fmt: skip
def test_partners_net_nav_plus_accrued_carry_is_the_nav_before_carry(
    kind: str, raw: list[tuple[str, str, int, bool, int]], navs: list[int]
) -> None:
    """Per partner and in total, to the cent: NAV net of accrued carry + accrued carry = NAV
    before carry; the liquidation's tiers add up to the NAV, its GP share is the carry on
    liquidation, and the paid tiers to the distributions and the carry paid."""
    rows = [(w, deal, DAY0 + timedelta(days=d), "contribution" if c else "distribution",
             f"{a / 100:.2f}") for w, deal, d, c, a in raw]  # fmt: skip
    partners = [(w, d) for w in ("LP1", "LP2", "GP") for d in ("A", "B")]
    nav = _navs([(w, d, f"{n / 100:.2f}") for (w, d), n in zip(partners, navs, strict=True)])
    out = waterfall(_flows(rows), nav, _terms(kind), NO_SIDE, AS_OF)
    c = out.carry
    assert (c["nav_net"] + c["accrued_carry"] == c["nav"]).all()
    assert c["nav_net"].sum() + c["accrued_carry"].sum() == nav["nav"].sum()
    sums = out.tiers.group_by("investor_id", "basis").agg(
        pl.col("amount", "to_partner", "to_gp").sum()
    )
    table = c.join(sums.filter(pl.col("basis") == "liquidation"), on="investor_id")
    assert (table["amount"] == table["to_partner"] + table["to_gp"]).all()
    assert (table["to_gp"] == table["carry_on_liquidation"]).all()
    paid = c.join(sums.filter(pl.col("basis") == "paid"), on="investor_id")
    assert (paid["amount"] == paid["distributed"]).all() and (
        paid["to_gp"] == paid["carry_paid"]
    ).all()
    if kind == "european":
        assert (table["amount"] == table["nav"]).all()
        assert (c["clawback_exposure"] == 0).all()
    assert (c.filter(pl.col("investor_id") == "GP")["carry_paid"] == 0).all()

"""An auditor's independent recomputation of the demo book's figures, checked against fundbook.

Everything below the line `# --- the recomputation ---` uses only `csv`, `decimal.Decimal`,
`fractions.Fraction` and `pyxirr.xirr`, and the two helpers beside this file written the same
way (tests/recompute_fees.py, tests/recompute_carry.py): no code of `fundbook.metrics` or
`fundbook.store.frames`, and no figure read from fundbook as an input. It follows
../shared/DOMAIN.md, docs/methods.md and the valuation decisions of issue 3:

- a holding's value is its latest valuation on or before the date plus the investments dated
  after that valuation; a holding never valued is at its remaining cost; a holding that is a
  fund of the book is valued at the holder's capital account there as the held fund's statement
  gives it (its share of the P&L split to the cent by largest remainder, net of accrued
  carry), converted at the as-of FX and rounded half-even (issue 11, R6);
- realised gain by cost recovery (proceeds relieve cost until it is used up), or at average
  cost for a holding tracked by quantity (its mark scaled to the units held, R1, R2); a
  write-off realises the rest of the cost and values the holding at nil (R3);
- a fund's NAV is its cash plus its holdings' values less the equalisation interest payable
  (AS_OF is a quarter end: nothing of the demo is prepaid or accrued then), less its partners'
  accrued carry; an investor's capital account (before carry) is its contributions less
  distributions (equalisation ones included, R7) plus its own items (a fee, expense or income
  row with its investor_id, and its share of its fund's invoices, below) plus its commitment
  share of the fund's cumulative P&L without the partners' own items;
- issue 12: in a fund with fee terms, the fee rows without an investor_id (the GP's invoices)
  are split per quarter by each partner's management fee computed from terms.csv,
  investor_terms.csv, the commitments, the portfolio fees and (after the investment period)
  the fund's remaining cost (recompute_fees.py), less its own fee rows of the quarter, by
  largest remainder;
- carry (docs/methods.md, *Carried interest at every close*): the European waterfall per
  partner on its capital flows and a liquidation at its capital account before carry
  (recompute_carry.py); the demo books no carry, so accrued carry is the whole entitlement.
  The American sub-fund is not run deal by deal: every partner's distributions and capital
  account are within its contributions (asserted), so no waterfall can give carry;
- IRR is XIRR (actual/365) on dated flows plus the value at the as-of date (net of carry);
  null without a sign change.

fundbook's own figures are read from `fundbook metrics|compliance|fees --format json` (click's
CliRunner) on a database built in tmp_path by `fundbook import`.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections import defaultdict
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from fractions import Fraction
from functools import cache
from pathlib import Path

import pytest
import pyxirr
from click.testing import CliRunner

from fundbook.cli import cli
from tests.recompute_carry import european_carry
from tests.recompute_fees import FeeTerms, largest_remainder, net_fees, quarter_start

DEMO = Path(__file__).resolve().parents[1] / "ledgers" / "itif-demo"
AS_OF = dt.date(2026, 9, 30)
CENT = Decimal("0.01")
RATIO_TOL = 1e-9
IRR_TOL = 1e-7
STRATEGIC_THEMES = (
    "life_health",
    "ai_robotics",
    "semiconductors_smart_devices",
    "digitalisation",
    "future_sustainable",
)
CASH_SIGN = {
    "contribution": 1,
    "distribution": -1,
    "investment": -1,
    "proceeds": 1,
    "income": 1,
    "fee": -1,
    "expense": -1,
    "grant": -1,
    "equalisation_contribution": 1,
    "equalisation_distribution": -1,
    "equalisation_interest_received": 1,
    "equalisation_interest_paid": -1,
}
# same day: cost before relief, a write-off last
HOLDING_ORDER = {"investment": 0, "income": 1, "proceeds": 2, "write_off": 3}
# capital in and out of a partner (equalisation included, issue 11 R7)
CAPITAL_IN = ("contribution", "equalisation_contribution")
CAPITAL_OUT = ("distribution", "equalisation_distribution")
# a row of these types with an investor_id is that partner's own item, not shared
OWN_ITEMS = ("fee", "expense", "income")


# --- the recomputation ---------------------------------------------------------------------


def _cents(x: Decimal) -> Decimal:
    return x.quantize(CENT, rounding=ROUND_HALF_EVEN)


def _div(num: Decimal, den: Decimal) -> float | None:
    """A ratio as a number (exact quotient, then float); None when undefined."""
    if den == 0:
        return None
    with localcontext() as ctx:
        ctx.prec = 40
        return float(num / den)


def _irr(flows: list[tuple[dt.date, Decimal]]) -> float | None:
    """XIRR (actual/365) of dated flows; None when they do not change sign."""
    flows = [(d, a) for d, a in flows if a != 0]
    if not any(a > 0 for _, a in flows) or not any(a < 0 for _, a in flows):
        return None
    scale = max(abs(a) for _, a in flows)  # pyxirr's tolerance is absolute: amounts to <= 1e4
    rate = pyxirr.xirr([d for d, _ in flows], [float(a / scale * 10000) for _, a in flows])
    return None if rate is None else float(rate)


def _largest_remainder(amount: Decimal, weights: dict[str, Decimal]) -> dict[str, Decimal]:
    """`amount` split by `weights` to the cent: each its floor, the cents left one each to the
    largest remainders (ties to the smallest key): the statement's rounding (Hamilton)."""
    cents, total = int(amount * 100), sum(int(w * 100) for w in weights.values())
    if total == 0:
        return dict.fromkeys(weights, Decimal(0))
    floors = {k: cents * int(w * 100) // total for k, w in weights.items()}
    rests = {k: cents * int(w * 100) - floors[k] * total for k, w in weights.items()}
    left = cents - sum(floors.values())
    for k in sorted(weights, key=lambda k: (-rests[k], k))[:left]:
        floors[k] += 1
    return {k: Decimal(v) / 100 for k, v in floors.items()}


def _read(name: str) -> list[dict[str, str]]:
    with open(DEMO / f"{name}.csv", encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _date(s: str) -> dt.date:
    return dt.date.fromisoformat(s)


def _months_after(day: dt.date, months: int) -> dt.date:
    """`day` plus whole calendar months, a day past the month's end clamped to its last day."""
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    for d in range(day.day, 27, -1):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    return dt.date(year, month, min(day.day, 28))


class Book:
    """The demo book's CSVs, typed: dates as dates, money as Decimal."""

    def __init__(self) -> None:
        self.funds = {r["fund_id"]: r for r in _read("funds")}
        self.investors = {r["investor_id"]: r for r in _read("investors")}
        self.companies = {r["company_id"]: r for r in _read("companies")}
        self.commitments = [
            dict(r, date=_date(r["date"]), amount=Decimal(r["amount"]))
            for r in _read("commitments")
        ]
        self.txns = [
            dict(r, date=_date(r["date"]), amount=Decimal(r["amount"]))
            for r in _read("transactions")
        ]
        self.valuations = [
            dict(r, date=_date(r["date"]), fair_value=Decimal(r["fair_value"]))
            for r in _read("valuations")
        ]
        self.fx = [
            dict(r, date=_date(r["date"]), rate=Decimal(r["hkd_per_unit"]))
            for r in _read("fx_rates")
        ]
        self.terms = {r["fund_id"]: r for r in _read("terms")}
        self.investor_terms = _read("investor_terms")
        # the GP statements (issue 13): what each GP reported of the holder's interest
        self.gp_statements = [
            dict(r, statement_date=_date(r["statement_date"]),
                 received_date=_date(r["received_date"]), nav=Decimal(r["nav"]))
            for r in _read("gp_statements")
        ]  # fmt: skip
        for rows in (self.commitments, self.txns, self.valuations):
            for r in rows:  # the demo books every row in its fund's currency
                assert r["currency"] == self.funds[r["fund_id"]]["currency"]
        # the fund an LP investor stands for (the guidance fund as LP of its sub-funds)
        self.lp_of = {r["fund_id"]: i for i, r in self.investors.items() if r["fund_id"]}
        # the demo's carry: no GP commitment, no exempt partner, no carry paid yet (so every
        # partner bears carry and accrued carry is the whole entitlement)
        assert not any(t["gp_investor_id"] for t in self.terms.values())
        assert not any(r["carry_exempt"] == "true" for r in self.investor_terms)
        assert not any(t["type"] == "carry" for t in self.txns)

    def is_gov(self, investor_id: str) -> bool:
        return self.investors[investor_id]["kind"] == "government"


class Recompute:
    """Every figure of the book at `at`, computed from the CSV rows."""

    def __init__(self, book: Book, at: dt.date) -> None:
        self.book, self.at = book, at
        self.txns = [t for t in book.txns if t["date"] <= at]
        self.commitments = [c for c in book.commitments if c["date"] <= at]
        self.valuations = [v for v in book.valuations if v["date"] <= at]
        self.rate = {"HKD": Decimal(1)}
        for r in sorted(book.fx, key=lambda r: r["date"]):
            if r["date"] <= at:
                self.rate[r["currency"]] = r["rate"]
        self._nav: dict[str, Decimal] = {}
        self._accounts: dict[str, dict[str, dict]] = {}
        self._holdings: dict[str, dict[str, dict]] = {}

    def ccy(self, fund_id: str) -> str:
        return self.book.funds[fund_id]["currency"]

    def to_hkd(self, fund_id: str, amount: Decimal) -> Decimal:
        return _cents(amount * self.rate[self.ccy(fund_id)])

    def convert(self, amount: Decimal, from_fund: str, to_fund: str) -> Decimal:
        return _cents(amount * self.rate[self.ccy(from_fund)] / self.rate[self.ccy(to_fund)])

    def gp_statement(self, fund_id: str, held: str) -> dict | None:
        """The latest GP statement of `held` to `fund_id` made up to and received by `at`."""
        known = [
            s for s in self.book.gp_statements
            if s["fund_id"] == fund_id and s["holding_id"] == held
            and s["statement_date"] <= self.at and s["received_date"] <= self.at
        ]  # fmt: skip
        return max(known, key=lambda s: s["statement_date"]) if known else None

    def rate_on(self, currency: str, day: dt.date) -> Decimal:
        """The latest rate of `currency` on or before `day` (HKD: 1)."""
        if currency == "HKD":
            return Decimal(1)
        dated = [r for r in self.book.fx if r["currency"] == currency and r["date"] <= day]
        return max(dated, key=lambda r: r["date"])["rate"]

    def hkd_on(self, fund_id: str, amount: Decimal, day: dt.date) -> Decimal:
        """An amount of the fund's currency in HKD at the rate of `day`, to the cent."""
        return _cents(amount * self.rate_on(self.ccy(fund_id), day))

    def translation(self, rows: list[dict], held: str, holder: str) -> Decimal:
        """The FX translation of a fund held in another currency: the calls (+) and
        distributions (-) at q(as-of) / q(their date), q = rate(held) / rate(holder), summed
        exactly (fractions) and rounded half-even once, less the same as booked."""
        x, f = self.ccy(held), self.ccy(holder)
        if x == f:
            return Decimal(0)
        sign = {"investment": 1, "proceeds": -1}
        a = [(t["date"], sign[t["type"]] * t["amount"]) for t in rows if t["type"] in sign]
        q_now = Fraction(self.rate[x]) / Fraction(self.rate[f])
        exact = sum(
            (
                Fraction(v) * q_now * Fraction(self.rate_on(f, d)) / Fraction(self.rate_on(x, d))
                for d, v in a
            ),
            Fraction(0),
        )
        return Decimal(round(exact * 100)) / 100 - sum((v for _, v in a), Decimal(0))

    # holdings ---------------------------------------------------------------------------
    def holdings(self, fund_id: str) -> dict[str, dict]:
        if fund_id in self._holdings:
            return self._holdings[fund_id]
        rows = defaultdict(list)
        for t in self.txns:
            if t["fund_id"] == fund_id and t["type"] in HOLDING_ORDER:
                rows[t["holding_id"]].append(t)
        marks: dict[str, dict] = {}
        for v in self.valuations:
            if v["fund_id"] == fund_id:
                h = v["holding_id"]
                if h not in marks or v["date"] > marks[h]["date"]:
                    marks[h] = v
        out = {}
        for h, ts in rows.items():
            ts.sort(key=lambda t: (t["date"], HOLDING_ORDER[t["type"]]))
            invested = proceeds = income = remaining = realised = units = Decimal(0)
            tracked = any(t.get("quantity") for t in ts)
            written_off = False
            for t in ts:
                a, q = t["amount"], Decimal(t.get("quantity") or 0)
                if t["type"] == "investment":
                    invested += a
                    remaining += a
                    units += q
                elif t["type"] == "income":
                    income += a
                elif t["type"] == "write_off":  # the rest of the cost is a realised loss
                    realised -= remaining
                    remaining, units, written_off = Decimal(0), Decimal(0), True
                else:  # average cost when tracked by quantity, else cost recovery
                    if tracked:
                        relieved = remaining if q == units else _cents(remaining * q / units)
                        units -= q
                    else:
                        relieved = min(remaining, a)
                    remaining -= relieved
                    proceeds += a
                    realised += a - relieved
            fx = Decimal(0)
            gp = self.gp_statement(fund_id, h)
            by_gp = self.book.terms.get(h, {}).get("valuation_source") == "gp_statement"
            has_ledger = any(c["fund_id"] == h for c in self.commitments)
            if not written_off and gp is not None and (by_gp or not has_ledger):
                # the GP's NAV (its currency) at today's rates, plus the holder's calls into
                # it and less its distributions from it since the statement date
                since = [t for t in ts if t["date"] > gp["statement_date"]]
                moved = sum(
                    (t["amount"] * {"investment": 1, "proceeds": -1}.get(t["type"], 0)
                     for t in since),
                    Decimal(0),
                )  # fmt: skip
                value, valued_by = self.convert(gp["nav"], h, fund_id) + moved, "gp_statement"
            elif h in self.book.funds and fund_id in self.book.lp_of:
                lp = self.book.lp_of[fund_id]
                account = self.accounts(h)[lp]["nav_net"]  # the GP's statement: net of carry
                value, valued_by = self.convert(account, h, fund_id), "capital_account"
                fx = self.translation(ts, h, fund_id)
            elif written_off:
                value, valued_by = Decimal(0), "written_off"
            elif h in marks:
                m = marks[h]
                bought = [t for t in ts if t["type"] == "investment" and t["date"] > m["date"]]
                later = sum((t["amount"] for t in bought), Decimal(0))
                value, valued_by = m["fair_value"] + later, "valuation"
                if tracked:  # the mark scaled to the units held now (R2)
                    at_mark = sum(
                        (
                            Decimal(t["quantity"]) * (1 if t["type"] == "investment" else -1)
                            for t in ts
                            if t["date"] <= m["date"] and t["type"] in ("investment", "proceeds")
                        ),
                        Decimal(0),
                    )
                    base = at_mark + sum((Decimal(t["quantity"]) for t in bought), Decimal(0))
                    value = _cents(value * units / base) if base else Decimal(0)
            else:
                value, valued_by = remaining, "cost"
            if not tracked and valued_by == "valuation" and value == 0 and proceeds > 0:
                # an exit: the position is closed (marked to zero after proceeds), so what is
                # left of its cost is realised (a loss); a zero mark without proceeds is a
                # write-down of a holding still held and stays unrealised
                realised -= remaining
                remaining = Decimal(0)
            flows = [
                (t["date"], t["amount"] if t["type"] != "investment" else -t["amount"]) for t in ts
            ] + [(self.at, value)]
            co = sum(
                (
                    t["amount"]
                    for t in self.txns
                    if t["type"] == "co_investment"
                    and t["fund_id"] == fund_id
                    and t["holding_id"] == h
                    and not self.book.is_gov(t["investor_id"])
                ),
                Decimal(0),
            )
            out[h] = dict(
                invested=invested,
                proceeds=proceeds,
                income=income,
                fair_value=value,
                remaining_cost=remaining,
                realised_gain=realised,
                fx_translation=fx,
                unrealised_gain=value - remaining - fx,
                valued_by=valued_by,
                gross_irr=_irr(flows),
                moic=_div(proceeds + income + value, invested),
                co_invested=co,
                co_investment_leverage=_div(co, invested),
            )
        self._holdings[fund_id] = out
        return out

    # funds ------------------------------------------------------------------------------
    @cache  # noqa: B019 (one Recompute per test module)
    def fund_flows(self, fund_id: str) -> dict[str, Decimal]:
        s: dict[str, Decimal] = defaultdict(Decimal)
        for t in self.txns:
            if t["fund_id"] == fund_id:
                s[t["type"]] += t["amount"]
                s["cash"] += CASH_SIGN.get(t["type"], 0) * t["amount"]
        return s

    def capital(self, fund_id: str) -> tuple[Decimal, Decimal]:
        """The fund's capital paid in and paid out, equalisation included."""
        f = self.fund_flows(fund_id)
        return sum((f[k] for k in CAPITAL_IN), Decimal(0)), sum(
            (f[k] for k in CAPITAL_OUT), Decimal(0)
        )

    def nav(self, fund_id: str) -> Decimal:
        """Cash plus holdings, less the equalisation interest received and not yet paid on
        (at a quarter end no fee or expense of the demo is prepaid or accrued)."""
        if fund_id not in self._nav:
            held = sum((h["fair_value"] for h in self.holdings(fund_id).values()), Decimal(0))
            f = self.fund_flows(fund_id)
            payable = f["equalisation_interest_received"] - f["equalisation_interest_paid"]
            self._nav[fund_id] = f["cash"] + held - payable
        return self._nav[fund_id]

    def accounts(self, fund_id: str) -> dict[str, dict]:
        """Capital accounts: net contributed + own items + commitment share x the cumulative
        P&L of the rest (exact)."""
        if fund_id in self._accounts:
            return self._accounts[fund_id]
        acc: dict[str, dict] = defaultdict(lambda: defaultdict(Decimal))
        for c in self.commitments:
            if c["fund_id"] == fund_id:
                acc[c["investor_id"]]["committed"] += c["amount"]
        for t in self.txns:
            if t["fund_id"] == fund_id and t["type"] in CAPITAL_IN + CAPITAL_OUT:
                kind = "contribution" if t["type"] in CAPITAL_IN else "distribution"
                acc[t["investor_id"]][kind] += t["amount"]
                if t["type"] == "equalisation_distribution":
                    acc[t["investor_id"]]["recallable"] += t["amount"]
            if t["fund_id"] == fund_id and t["type"] in OWN_ITEMS and t["investor_id"]:
                acc[t["investor_id"]]["own"] += CASH_SIGN[t["type"]] * t["amount"]
        for shares in self.fee_shares(fund_id).values():  # the fund's invoices: own items too
            for i, c in shares.items():
                acc[i]["own"] -= Decimal(c) / 100
        paid_in, paid_out = self.capital(fund_id)
        common = self.nav(fund_id) - paid_in + paid_out - sum(a["own"] for a in acc.values())
        total = sum(a["committed"] for a in acc.values())
        with localcontext() as ctx:
            ctx.prec = 60
            for a in acc.values():
                net = a["contribution"] - a["distribution"] + a["own"]
                a["nav_exact"] = net + common * a["committed"] / total
        shares = _largest_remainder(common, {i: a["committed"] for i, a in acc.items()})
        for i, a in acc.items():
            a["nav_stated"] = a["contribution"] - a["distribution"] + a["own"] + shares[i]
            a["accrued"] = self.accrued_carry(fund_id, i, a["nav_stated"])
            a["nav_net"] = a["nav_stated"] - (a["accrued"] or 0)
        self._accounts[fund_id] = acc
        return acc

    # fees -------------------------------------------------------------------------------
    def fee_terms(self, fund_id: str) -> FeeTerms | None:
        t = self.book.terms.get(fund_id)
        if t is None or not (t["fee_rate_investment_period"] or t["fee_rate_after"]):
            return None
        # the demo's bases: commitments, then net invested capital
        bases = (t["fee_basis_investment_period"], t["fee_basis_after"])
        assert bases == ("commitment", "net_invested_capital")
        return FeeTerms(
            rate=Fraction(t["fee_rate_investment_period"]),
            rate_after=Fraction(t["fee_rate_after"]),
            offset=Fraction(t["fee_offset_pct"] or 0),
            period_end=_date(self.book.funds[fund_id]["investment_period_end"]),
            discount={
                r["investor_id"]: Fraction(r["fee_discount_pct"])
                for r in self.book.investor_terms
                if r["fund_id"] == fund_id and r["fee_discount_pct"]
            },
        )

    @cache  # noqa: B019 (one Recompute per test module)
    def computed_fees(self, fund_id: str) -> dict[dt.date, dict[str, int]]:
        """Per quarter, each partner's computed fee after discount and offset (cents)."""
        terms = self.fee_terms(fund_id)
        assert terms is not None
        return net_fees(
            terms,
            [
                (c["investor_id"], c["date"], int(c["amount"] * 100))
                for c in self.commitments
                if c["fund_id"] == fund_id
            ],
            [
                (t["date"], int(t["amount"] * 100))
                for t in self.txns
                if t["fund_id"] == fund_id and t["type"] == "portfolio_fee"
            ],
            lambda day: self.net_invested_capital(fund_id, day),
            self.at,
        )

    def net_invested_capital(self, fund_id: str, day: dt.date) -> int:
        """Cents of the fund's remaining cost of its holdings at the end of `day`."""
        held = Recompute(self.book, day).holdings(fund_id).values()
        return int(sum((h["remaining_cost"] for h in held), Decimal(0)) * 100)

    @cache  # noqa: B019 (one Recompute per test module)
    def fee_shares(self, fund_id: str) -> dict[dt.date, dict[str, int]]:
        """A fund with fee terms: per quarter, each partner's share (cents) of the fund-level
        fee rows dated in it, by its computed fee less its own fee rows of the quarter (not
        below 0), largest remainder; a quarter with nothing to split by stays common."""
        if self.fee_terms(fund_id) is None:
            return {}
        invoiced: dict[dt.date, int] = defaultdict(int)
        own: dict[tuple[dt.date, str], int] = defaultdict(int)
        for t in self.book.txns:
            if t["fund_id"] != fund_id or t["type"] != "fee":
                continue
            # AS_OF is a quarter end: a row is recognised in full by it or not at all
            seen = t["date"] <= self.at
            assert seen == (_date(t["service_start"] or t["date"].isoformat()) <= self.at)
            assert not seen or _date(t["service_end"] or t["date"].isoformat()) <= self.at
            if not seen:
                continue
            cents = int(t["amount"] * 100)
            if t["investor_id"]:
                own[quarter_start(t["date"]), t["investor_id"]] += cents
            else:
                invoiced[quarter_start(t["date"])] += cents
        computed = self.computed_fees(fund_id)
        out = {}
        for q, total in invoiced.items():
            weights = {i: max(0, f - own[q, i]) for i, f in computed.get(q, {}).items()}
            if sum(weights.values()):
                out[q] = largest_remainder(total, weights)
        return out

    # carry ------------------------------------------------------------------------------
    def accrued_carry(self, fund_id: str, investor_id: str, nav: Decimal) -> Decimal | None:
        """The GP's carry out of the partner's distributions and a liquidation at its capital
        account `nav` (none booked in the demo); None for a fund without carry terms."""
        t = self.book.terms.get(fund_id)
        if t is None or not t["carry_pct"]:
            return None
        flows = [
            (r["date"], int(r["amount"] * 100) * (-1 if r["type"] in CAPITAL_IN else 1))
            for r in self.txns
            if r["fund_id"] == fund_id
            and r["investor_id"] == investor_id
            and r["type"] in CAPITAL_IN + CAPITAL_OUT
        ]
        if t["waterfall"] == "american":
            # no profit in any deal or the whole fund: no carry in any waterfall
            assert sum(a for _, a in flows) + int(nav * 100) <= 0, (fund_id, investor_id)
            return Decimal(0)
        assert t["waterfall"] == "european"
        carry = european_carry(
            flows,
            int(nav * 100),
            self.at,
            Fraction(t["carry_pct"]),
            Decimal(t["hurdle_rate"] or 0),
            Fraction(t["catch_up_pct"] or 0),
        )
        return Decimal(carry) / 100

    @cache  # noqa: B019 (one Recompute per test module)
    def investor_figures(self, fund_id: str) -> dict[str, dict]:
        out = {}
        for inv, a in self.accounts(fund_id).items():
            flows = [  # interest it pays is an outflow, interest it receives an inflow (R7)
                (t["date"], CASH_SIGN[t["type"]] * -t["amount"])
                for t in self.txns
                if t["fund_id"] == fund_id
                and t["investor_id"] == inv
                and (t["type"] in CAPITAL_IN + CAPITAL_OUT or "interest" in t["type"])
            ]
            nav = a["nav_net"]
            paid, dist = a["contribution"], a["distribution"]
            carried = a["accrued"] is not None
            out[inv] = dict(
                committed=a["committed"],
                paid_in=paid,
                distributed=dist,
                unfunded=a["committed"] - paid + a["recallable"],
                nav=nav,
                nav_before_carry=a["nav_stated"] if carried else None,
                accrued_carry=a["accrued"],
                net_irr=_irr(flows + [(self.at, nav)]),
                tvpi=_div(dist + nav, paid),
                dpi=_div(dist, paid),
                rvpi=_div(nav, paid),
            )
        return out

    @cache  # noqa: B019 (one Recompute per test module)
    def fund_figures(self, fund_id: str) -> dict:
        acc = self.accounts(fund_id)
        gov = [i for i in acc if self.book.is_gov(i)]
        committed = sum((a["committed"] for a in acc.values()), Decimal(0))
        gov_c = sum((acc[i]["committed"] for i in gov), Decimal(0))
        gov_p = sum((acc[i]["contribution"] for i in gov), Decimal(0))
        f = self.fund_flows(fund_id)
        paid, dist = self.capital(fund_id)
        accrued = [a["accrued"] for a in acc.values() if a["accrued"] is not None]
        carried = bool(self.book.terms.get(fund_id, {}).get("carry_pct"))
        carry = sum(accrued, Decimal(0)) if carried else None
        nav = self.nav(fund_id) - (carry or 0)  # net of accrued carry
        hold = self.holdings(fund_id)
        value = sum((h["fair_value"] for h in hold.values()), Decimal(0))
        net = [
            (t["date"], -t["amount"] if t["type"] in CAPITAL_IN else t["amount"])
            for t in self.txns
            if t["fund_id"] == fund_id and t["type"] in CAPITAL_IN + CAPITAL_OUT
        ] + [(self.at, nav)]
        gross = [
            (t["date"], -t["amount"] if t["type"] == "investment" else t["amount"])
            for t in self.txns
            if t["fund_id"] == fund_id and t["type"] in HOLDING_ORDER
        ]
        return dict(
            committed=committed,
            government_committed=gov_c,
            social_committed=committed - gov_c,
            amplification=_div(committed, gov_c),
            social_leverage=_div(committed - gov_c, gov_c),
            paid_in=paid,
            government_paid_in=gov_p,
            social_paid_in=paid - gov_p,
            paid_in_leverage=_div(paid - gov_p, gov_p),
            unfunded=committed - paid + f["equalisation_distribution"],
            distributed=dist,
            nav=nav,
            nav_before_carry=self.nav(fund_id) if carried else None,
            accrued_carry=carry,
            net_irr=_irr(net),
            tvpi=_div(dist + nav, paid),
            dpi=_div(dist, paid),
            rvpi=_div(nav, paid),
            pic_multiple=_div(paid, committed),
            invested=f["investment"],
            gross_irr=_irr(gross + [(self.at, value)]),
            gross_moic=_div(f["proceeds"] + f["income"] + value, f["investment"]),
            cash=f["cash"],
            holdings_value=value,
            proceeds=f["proceeds"],
            income=f["income"],
            fees=f["fee"],
            expenses=f["expense"],
            grants=f["grant"],
            realised_gain=sum((h["realised_gain"] for h in hold.values()), Decimal(0)),
            unrealised_gain=sum((h["unrealised_gain"] for h in hold.values()), Decimal(0)),
            fx_translation=sum((h["fx_translation"] for h in hold.values()), Decimal(0)),
        )

    def gp_look_through(self, g: str) -> list[tuple[str, Decimal, Decimal, bool]]:
        """A sub-fund valued from its GP's statements, through its schedule of investments:
        g's value of it spread by the companies' reported fair values, its cost by their
        reported costs (issue 13), in HKD, exact."""
        rows = []
        schedule = _read("gp_holdings")
        for h, v in self.holdings(g).items():
            if v["valued_by"] != "gp_statement":
                continue
            day = self.gp_statement(g, h)["statement_date"].isoformat()  # type: ignore[index]
            held = [r for r in schedule if (r["fund_id"], r["holding_id"], r["statement_date"])
                    == (g, h, day)]  # fmt: skip
            fair = sum((Decimal(r["fair_value"]) for r in held), Decimal(0))
            cost = sum((Decimal(r["cost"]) for r in held), Decimal(0))
            rate = self.rate[self.ccy(g)]
            with localcontext() as ctx:
                ctx.prec = 60
                for r in held:
                    f, c = Decimal(r["fair_value"]), Decimal(r["cost"])
                    rows.append((
                        r["company_id"],
                        v["invested"] * c / cost * rate if cost else Decimal(0),
                        v["fair_value"] * f / fair * rate if fair else Decimal(0),
                        f > 0 or c > 0,
                    ))  # fmt: skip
        return rows

    # themes -----------------------------------------------------------------------------
    def themes(self, look_through: bool = False, programme: str | None = None) -> dict[str, dict]:
        """Per theme, in HKD at the as-of rate: companies held, invested cost, fair value, share.

        Direct: the company holdings of `programme`'s funds (its own and those naming it as
        their programme_id; a fund of none is its own programme). Look-through: the guidance
        fund's direct company holdings plus its commitment share of each sub-fund's company
        holdings, the companies de-duplicated in the count, which counts only companies with a
        position at the date (exited ones still count in the amounts). Amounts stay exact
        (unrounded) here.
        """
        # (company, invested, fair value, held) in HKD; held: a position at the date (fair
        # value or remaining cost above zero), the only companies counted in `holdings`
        rows: list[tuple[str, Decimal, Decimal, bool]] = []
        direct: set[int] = set()  # the rows (by position) a guidance fund holds itself
        if look_through:
            holders = [f for f, r in self.book.funds.items() if r["kind"] == "guidance_fund"]
            for g in holders:
                for h, v in self.holdings(g).items():
                    if h in self.book.companies:
                        direct.add(len(rows))
                        rows.append(
                            (
                                h,
                                v["invested"] * self.rate[self.ccy(g)],
                                v["fair_value"] * self.rate[self.ccy(g)],
                                self._held(v),
                            )
                        )
                lp = self.book.lp_of[g]
                for sub in self.book.funds:
                    acc = self.accounts(sub) if sub != g else {}
                    if lp not in acc:
                        continue
                    with localcontext() as ctx:
                        ctx.prec = 60
                        w = acc[lp]["committed"]
                        total = sum(a["committed"] for a in acc.values())
                        r = self.rate[self.ccy(sub)]
                        for h, v in self.holdings(sub).items():
                            if h not in self.book.companies:
                                continue
                            part = [v["invested"] * w / total * r, v["fair_value"] * w / total * r]
                            rows.append((h, part[0], part[1], self._held(v) and w > 0))
                rows += self.gp_look_through(g)
        else:
            for f, r in self.book.funds.items():
                if (r.get("programme_id") or f) != programme:
                    continue
                for h, v in self.holdings(f).items():
                    if h in self.book.companies:
                        rows.append(
                            (
                                h,
                                v["invested"] * self.rate[self.ccy(f)],
                                v["fair_value"] * self.rate[self.ccy(f)],
                                self._held(v),
                            )
                        )
        if look_through:  # rounded once per company and route (direct, through sub-funds)
            rows = self._per_company_route(rows, direct)
        out: dict[str, dict] = {}
        for h, inv, fv, held in rows:
            t = out.setdefault(
                self.book.companies[h]["theme"],
                dict(companies=set(), invested=Decimal(0), fair_value=Decimal(0), rows=0),
            )
            if held:
                t["companies"].add(h)
            t["invested"] += inv
            t["fair_value"] += fv
            t["rows"] += 1
        total = sum((t["fair_value"] for t in out.values()), Decimal(0))
        for t in out.values():
            t["holdings"] = len(t["companies"])
            t["share_of_fair_value"] = _div(t["fair_value"], total)
        return out

    @staticmethod
    def _per_company_route(
        rows: list[tuple[str, Decimal, Decimal, bool]], direct: set[int]
    ) -> list[tuple[str, Decimal, Decimal, bool]]:
        """The exact rows summed per company and route (held directly, through the
        sub-funds), each sum rounded half-even to the cent: what the look-through's company
        table shows, which its themes add up."""
        sums: dict[tuple[str, bool], list] = {}
        for i, (h, inv, fv, held) in enumerate(rows):
            s = sums.setdefault((h, i in direct), [Decimal(0), Decimal(0), False])
            s[0], s[1], s[2] = s[0] + inv, s[1] + fv, s[2] or held
        return [
            (h, i.quantize(CENT, ROUND_HALF_EVEN), f.quantize(CENT, ROUND_HALF_EVEN), held)
            for (h, _), (i, f, held) in sums.items()
        ]

    @staticmethod
    def _held(h: dict) -> bool:
        return h["fair_value"] > 0 or h["remaining_cost"] > 0

    # programmes -------------------------------------------------------------------------
    @cache  # noqa: B019 (one Recompute per test module)
    def programmes(self) -> dict[tuple[str, str], dict]:
        """Programme leverage in HKD at the as-of rate, each pound of money counted once.

        A fund of funds (its members name it as programme_id): its LPs' money is not counted
        (it is what the fund passes on to its members); counted are the member funds'
        commitments / contributions, government or social by investor kind, plus the money the
        programme fund puts directly into companies (government) and the social investors'
        co-investments beside it. A fund without members: its own LPs plus the social
        co-investments beside it. A grant programme: grants (government) against the
        companies' matching (social).
        """
        members: dict[str, list[str]] = defaultdict(list)
        for f, r in self.book.funds.items():
            if r.get("programme_id"):
                members[r["programme_id"]].append(f)
        out = {}
        money = ("government_committed", "social_committed", "government_paid_in", "social_paid_in")
        for p, r in self.book.funds.items():
            if r["kind"] not in ("guidance_fund", "programme", "co_investment") and not members[p]:
                continue
            # scopes that never mix (issue 13): the member funds' LPs; the programme fund's own
            # deals and the co-investors' beside them; a fund without members: its own
            lp_scope, own_scope = ("sub_funds", "direct") if members[p] else ("scheme", "scheme")
            by_scope = {sc: dict.fromkeys(money, Decimal(0)) for sc in (lp_scope, own_scope)}
            hist = dict.fromkeys(by_scope, Decimal(0))  # paid-in at the rate of each item's date
            lp_funds = members[p] if members[p] else ([] if r["kind"] == "programme" else [p])
            s = by_scope[lp_scope]
            for c in self.commitments:
                if c["fund_id"] in lp_funds:
                    side = "government" if self.book.is_gov(c["investor_id"]) else "social"
                    s[f"{side}_committed"] += self.to_hkd(c["fund_id"], c["amount"])
            for t in self.txns:
                side = None
                if t["fund_id"] in lp_funds and t["type"] == "contribution":
                    side = "government" if self.book.is_gov(t["investor_id"]) else "social"
                    s[f"{side}_paid_in"] += self.to_hkd(t["fund_id"], t["amount"])
                    hist[lp_scope] += self.hkd_on(t["fund_id"], t["amount"], t["date"])
                    continue
                if t["fund_id"] != p:
                    continue
                if (
                    t["type"] == "investment"
                    and members[p]
                    and t["holding_id"] not in self.book.funds
                ):
                    side = "government"
                elif t["type"] == "co_investment" and not self.book.is_gov(t["investor_id"]):
                    side = "social"
                elif r["kind"] == "programme" and t["type"] in ("grant", "matching"):
                    side = "government" if t["type"] == "grant" else "social"
                if side:
                    own = by_scope[own_scope]
                    hkd = self.to_hkd(p, t["amount"])
                    own[f"{side}_committed"] += hkd
                    own[f"{side}_paid_in"] += hkd
                    hist[own_scope] += self.hkd_on(p, t["amount"], t["date"])
            for scope, v in by_scope.items():
                committed = v["government_committed"] + v["social_committed"]
                paid = v["government_paid_in"] + v["social_paid_in"]
                out[p, scope] = dict(
                    v,
                    committed=committed,
                    paid_in=paid,
                    paid_in_historical=hist[scope],
                    paid_in_fx_translation=paid - hist[scope],
                    # the sub-funds; no member funds in the direct scope or a scheme
                    member_funds=len(members[p]) if scope == "sub_funds" else None,
                    amplification=_div(committed, v["government_committed"]),
                    social_leverage=_div(v["social_committed"], v["government_committed"]),
                    paid_in_leverage=_div(v["social_paid_in"], v["government_paid_in"]),
                )
            if r["kind"] == "programme":
                out[p, own_scope].update(self.grants(p))
        return out

    def grants(self, p: str) -> dict:
        g: dict[str, Decimal] = defaultdict(Decimal)
        m: dict[str, Decimal] = defaultdict(Decimal)
        last: dict[str, dt.date] = {}
        for t in self.txns:
            if t["fund_id"] == p and t["type"] == "grant":
                g[t["holding_id"]] += t["amount"]
                last[t["holding_id"]] = max(t["date"], last.get(t["holding_id"], t["date"]))
            elif t["fund_id"] == p and t["type"] == "matching":
                m[t["holding_id"]] += t["amount"]
        months = self.book.terms.get(p, {}).get("matching_deadline_months") or ""

        def status(c: str) -> str:  # docs/methods.md, "Grant matching" (the fund is in HKD)
            if g[c] > 250_000:
                return "over_cap"
            if m[c] >= 2 * g[c]:
                return "ok"
            if months and self.at <= _months_after(last[c], int(months)):
                return "pending"
            return "short"

        statuses = {c: status(c) for c in g}
        short = sorted(c for c in g if statuses[c] == "short")
        grants, matching = sum(g.values(), Decimal(0)), sum(m.values(), Decimal(0))
        budget = sum(
            (
                c["amount"]
                for c in self.book.commitments
                if c["fund_id"] == p and c["date"] <= self.at
            ),
            Decimal(0),
        )
        return dict(
            grants=grants,
            matching=matching,
            matching_ratio=_div(matching, grants),
            grant_companies=len(g),
            companies_short=len(short),
            short_companies=", ".join(short) or None,
            companies_pending=sum(1 for s in statuses.values() if s == "pending"),
            companies_over_cap=sum(1 for s in statuses.values() if s == "over_cap"),
            budget=budget,
            budget_used=_div(grants, budget),
        )

    # compliance -------------------------------------------------------------------------
    @cache  # noqa: B019 (one Recompute per test module)
    def compliance(self, fund_id: str) -> dict:
        """The ITIF rules of DOMAIN.md for one sub-fund, money in HKD at the as-of rate."""
        acc = self.accounts(fund_id)
        size = sum((a["committed"] for a in acc.values()), Decimal(0))
        gov = sum((a["committed"] for i, a in acc.items() if self.book.is_gov(i)), Decimal(0))
        comp = {h: v for h, v in self.holdings(fund_id).items() if h in self.book.companies}
        invested = sum((v["invested"] for v in comp.values()), Decimal(0))
        nexus = sum(
            (
                v["invested"]
                for h, v in comp.items()
                if self.book.companies[h]["hk_nexus"] == "true"
            ),
            Decimal(0),
        )
        outside = {
            h: v["invested"]
            for h, v in comp.items()
            if self.book.companies[h]["theme"] not in STRATEGIC_THEMES
        }
        outside_total = sum(outside.values(), Decimal(0))
        prod = sum(
            (
                t["amount"]
                for t in self.txns
                if t["fund_id"] == fund_id and t["type"] == "hk_production_spend"
            ),
            Decimal(0),
        )
        return dict(
            size=self.to_hkd(fund_id, size),
            government=self.to_hkd(fund_id, gov),
            government_share=_div(gov, size),
            invested=self.to_hkd(fund_id, invested),
            nexus_invested=self.to_hkd(fund_id, nexus),
            hk_nexus_of_invested=_div(nexus, invested),
            hk_nexus_of_size=_div(nexus, size),
            production=self.to_hkd(fund_id, prod),
            hk_production=_div(prod, size),
            outside=self.to_hkd(fund_id, outside_total),
            outside_holdings=sorted(outside),
            themes_ratio=_div(outside_total, invested),
        )


# --- fundbook's figures --------------------------------------------------------------------


def _run(*args: str) -> list[dict]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[dict]]:
    """fundbook's JSON output at AS_OF for every grouping, on a book imported into tmp_path."""
    db = str(tmp_path_factory.mktemp("recompute") / "demo.duckdb")
    result = CliRunner().invoke(
        cli, ["import", str(DEMO), "--db", db, "--quiet"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    common = ("--db", db, "--as-of", AS_OF.isoformat(), "--format", "json")
    got: dict = {"common": ("--db", db, "--format", "json")}
    got |= {
        by: _run("metrics", "--by", by, *common)
        for by in ("fund", "investor", "holding", "theme", "programme")
    }
    got["look_through"] = _run("metrics", "--by", "theme", "--look-through", *common)
    got["compliance"] = _run("compliance", *common)
    return got


@pytest.fixture(scope="module")
def book() -> Book:
    return Book()


@pytest.fixture(scope="module")
def mine(book: Book) -> Recompute:
    """Every figure from the definitions: capital accounts at the exact commitment share."""
    return Recompute(book, AS_OF)


def _same_money(theirs: str | None, ours: Decimal) -> bool:
    return theirs is not None and Decimal(theirs) == _cents(ours)


def _same_number(theirs: float | None, ours: float | None, tol: float) -> bool:
    if theirs is None or ours is None:
        return theirs is None and ours is None
    return abs(theirs - ours) <= tol * max(1.0, abs(ours))


def _differences(theirs: dict, ours: dict, keys) -> list[str]:
    wrong = []
    for k in keys:
        v = ours[k]
        if isinstance(v, Decimal):
            ok = _same_money(theirs[k], v)
        else:
            ok = _same_number(theirs[k], v, IRR_TOL if k.endswith("irr") else RATIO_TOL)
        if not ok:
            wrong.append(f"{k}: fundbook {theirs[k]} vs {v}")
    return wrong


FUNDS = (
    "itif",
    "itvf",
    "mplus",
    "sf-airobot",
    "sf-deeptech",
    "sf-digital",
    "sf-gba",
    "sf-green",
    "sf-lifesci",
    "sf-semis",
    "sf-smartmfg",
)
SUB_FUNDS = tuple(f for f in FUNDS if f.startswith("sf-"))
FUND_FIGURES = (
    "committed",
    "paid_in",
    "distributed",
    "nav",
    "nav_before_carry",
    "accrued_carry",
    "tvpi",
    "dpi",
    "rvpi",
    "net_irr",
    "gross_irr",
    "invested",
    "amplification",
    "social_leverage",
)
MORE_FUND_FIGURES = (
    "government_committed",
    "social_committed",
    "government_paid_in",
    "social_paid_in",
    "paid_in_leverage",
    "unfunded",
    "pic_multiple",
    "gross_moic",
    "cash",
    "holdings_value",
    "proceeds",
    "income",
    "fees",
    "expenses",
    "grants",
    "realised_gain",
    "unrealised_gain",
    "fx_translation",
)


# --- funds, investors, holdings ------------------------------------------------------------


@pytest.mark.parametrize(
    ("fund_id", "figure"),
    [(f, k) for f in FUNDS for k in FUND_FIGURES + MORE_FUND_FIGURES],
)
def test_fund_figure(fund_id: str, figure: str, mine: Recompute, out: dict) -> None:
    theirs = next(r for r in out["fund"] if r["fund_id"] == fund_id)
    assert not _differences(theirs, mine.fund_figures(fund_id), [figure])


@pytest.mark.parametrize("fund_id", FUNDS)
def test_investor_navs_sum_to_fund_nav(fund_id: str, mine: Recompute, out: dict) -> None:
    navs = [Decimal(r["nav"]) for r in out["investor"] if r["fund_id"] == fund_id]
    fund = next(r for r in out["fund"] if r["fund_id"] == fund_id)
    assert sum(navs, Decimal(0)) == Decimal(fund["nav"])
    assert {r["investor_id"] for r in out["investor"] if r["fund_id"] == fund_id} == set(
        mine.accounts(fund_id)
    )


INVESTOR_FIGURES = (
    "committed",
    "paid_in",
    "unfunded",
    "distributed",
    "dpi",
    "nav",
    "nav_before_carry",
    "accrued_carry",
    "net_irr",
    "tvpi",
    "rvpi",
)


@pytest.mark.parametrize("fund_id", FUNDS)
def test_investor_figures(fund_id: str, mine: Recompute, out: dict) -> None:
    """Money exactly: the capital account as stated (its share of the common P&L by largest
    remainder, the fund's invoices by computed fees) before and net of accrued carry; the
    ratios and net IRR on the NAV net of carry."""
    ours = mine.investor_figures(fund_id)
    wrong = []
    for r in (r for r in out["investor"] if r["fund_id"] == fund_id):
        o = ours[r["investor_id"]]
        wrong += [f"{r['investor_id']} {w}" for w in _differences(r, o, INVESTOR_FIGURES)]
    assert not wrong


# The capital account of DOMAIN.md / issue 3 is net contributed + own items + commitment share
# x the common P&L; a largest-remainder allocation keeps every account within a cent of it.
# (Fixed: fundbook used to floor every share and give the whole remainder to the largest
# commitment, several cents off, which flowed into the guidance fund's valuation of its
# sub-funds.) The own items include the partner's share of its fund's invoices (issue 12).
def test_capital_accounts_within_a_cent_of_the_exact_share(mine: Recompute, out: dict) -> None:
    off = {}
    for r in out["investor"]:
        exact = mine.accounts(r["fund_id"])[r["investor_id"]]["nav_exact"]
        stated = Decimal(r["nav_before_carry"] or r["nav"])
        if abs(stated - exact) >= CENT:
            off[(r["fund_id"], r["investor_id"])] = (stated, exact)
    assert not off


def _book_marks(book: Book, fund_id: str, at: dt.date) -> dict[str, Decimal]:
    return {
        v["holding_id"]: v["fair_value"]
        for v in book.valuations
        if v["fund_id"] == fund_id and v["date"] == at and v["holding_id"] in book.funds
    }


def test_exact_share_reproduces_the_books_own_marks_of_the_sub_fund_interests(
    book: Book, mine: Recompute
) -> None:
    """The demo's own 2026-09-30 marks of itif's sub-fund interests (its share of each
    sub-fund's NAV, in HKD at the quarter-end rate) are the exact share, to the cent."""
    marks = _book_marks(book, "itif", AS_OF)
    assert len(marks) == 8
    lp = book.lp_of["itif"]
    accounts = {h: mine.accounts(h)[lp] for h in marks}
    assert all(a["accrued"] == 0 for a in accounts.values())  # the sub-funds have no profit
    exact = {h: mine.convert(a["nav_exact"], h, "itif") for h, a in accounts.items()}
    assert exact == marks


def test_guidance_fund_values_its_sub_funds_at_the_stated_accounts(
    book: Book, mine: Recompute, out: dict
) -> None:
    """Issue 11, R6: itif values each sub-fund interest at its capital account as the
    sub-fund's statement gives it (rounded cents) x the rates, rounded once: a few cents from
    the GP's own marks of the exact share (at most half a cent of the held fund's currency
    times the rate, and the conversion's half cent)."""
    marks = _book_marks(book, "itif", AS_OF)
    theirs = {
        r["holding_id"]: Decimal(r["fair_value"])
        for r in out["holding"]
        if r["fund_id"] == "itif" and r["holding_id"] in marks
    }
    values = mine.holdings("itif")
    assert theirs == {h: values[h]["fair_value"] for h in marks}
    assert all(abs(theirs[h] - marks[h]) <= Decimal("0.05") for h in marks)
    itif = next(r for r in out["fund"] if r["fund_id"] == "itif")
    assert _same_money(itif["nav"], mine.nav("itif"))


HOLDING_FIGURES = (
    "invested",
    "proceeds",
    "income",
    "fair_value",
    "remaining_cost",
    "realised_gain",
    "fx_translation",
    "unrealised_gain",
    "gross_irr",
    "moic",
    "co_invested",
    "co_investment_leverage",
)


@pytest.mark.parametrize("fund_id", FUNDS)
def test_holding_figures(fund_id: str, mine: Recompute, out: dict) -> None:
    ours = mine.holdings(fund_id)
    rows = [r for r in out["holding"] if r["fund_id"] == fund_id]
    assert {r["holding_id"] for r in rows} == set(ours)
    wrong = []
    for r in rows:
        o = ours[r["holding_id"]]
        assert r["valued_by"] == o["valued_by"]
        # a sub-fund interest's value is checked in test_guidance_fund_values_its_sub_funds_...
        keys = (
            HOLDING_FIGURES
            if o["valued_by"] != "capital_account"
            else (
                "invested",
                "proceeds",
                "income",
                "remaining_cost",
                "realised_gain",
                "co_invested",
                "co_investment_leverage",
            )
        )
        wrong += [f"{r['holding_id']} {w}" for w in _differences(r, o, keys)]
    assert not wrong


# --- fees and carry ------------------------------------------------------------------------

# quarters of the fee check: a later closing with a side letter and an own invoice, the
# over-billed quarter after offsets, a first closing's partial quarter, and the co-investment
# fund in and after its investment period (net invested capital, offsets carried forward)
FEE_QUARTERS = (
    ("sf-digital", "2026Q3"),
    ("sf-green", "2026Q3"),
    ("sf-lifesci", "2026Q1"),
    ("itvf", "2019Q1"),
    ("itvf", "2024Q1"),
    ("itvf", "2026Q3"),
)


@pytest.mark.parametrize(("fund_id", "quarter"), FEE_QUARTERS)
def test_fees_computed_and_attributed(
    fund_id: str, quarter: str, mine: Recompute, out: dict
) -> None:
    """`fundbook fees`: each partner's computed fee (`fee_net`) and its share of the fund's
    invoices (`booked_fund_share`) are the recomputed ones, to the cent."""
    rows = _run("fees", "--fund", fund_id, "--quarter", quarter, *out["common"])
    year, n = quarter.split("Q")
    start = dt.date(int(year), 3 * int(n) - 2, 1)
    computed = mine.computed_fees(fund_id)[start]
    shares = mine.fee_shares(fund_id).get(start, {})
    partners = {r["investor_id"]: r for r in rows if r["line"] == "partner"}
    assert set(partners) == set(computed)
    theirs = {
        i: (Decimal(r["fee_net"]), Decimal(r["booked_fund_share"])) for i, r in partners.items()
    }
    ours = {i: (Decimal(fee) / 100, Decimal(shares.get(i, 0)) / 100) for i, fee in computed.items()}
    assert theirs == ours
    assert shares, "every quarter checked has a fund-level invoice to split"


def test_invoices_are_split_by_computed_fees_not_commitments(mine: Recompute) -> None:
    """The premise of issue 12 in the demo: in every quarter of sf-digital, the partner with a
    25 % side letter (600m committed) bears 75 % of the invoice's share per HK$ of another
    (hk-tech-ventures, 650m), not the same; the partner admitted later is billed on its own
    and gets no share of the fund's invoice of its quarter."""
    quarters = mine.fee_shares("sf-digital")
    assert len(quarters) == 3
    for shares in quarters.values():
        ratio = Fraction(shares["bauhinia-strategic"] * 650, shares["hk-tech-ventures"] * 600)
        assert abs(ratio - Fraction(3, 4)) < Fraction(1, 10**6)
        assert shares.get("shatin-endowment", 0) == 0


def test_carry_accrues_in_the_co_investment_fund_only(mine: Recompute) -> None:
    """ITVF's partners are past their hurdle and accrue carry (about HK$97m); no sub-fund has
    a profit, so none accrues any (for the American sf-deeptech that premise is asserted per
    partner where the carry is recomputed: contributions cover distributions and NAV)."""
    carry = {f: mine.fund_figures(f)["accrued_carry"] for f in FUNDS}
    assert carry["itvf"] is not None and carry["itvf"] > 90_000_000
    assert all(carry[f] == 0 for f in SUB_FUNDS)
    assert carry["itif"] is None and carry["mplus"] is None
    assert all(a["accrued"] > 0 for a in mine.accounts("itvf").values())


# --- themes, programmes, compliance --------------------------------------------------------


def _theme_differences(rows: list[dict], ours: dict[str, dict]) -> list[str]:
    assert {r["theme"] for r in rows} == set(ours)
    wrong = []
    for r in rows:
        o = ours[r["theme"]]
        wrong += [
            f"{r['theme']} {w}"
            for w in _differences(
                r, o, ("invested", "fair_value", "share_of_fair_value", "holdings")
            )
        ]
    return wrong


def test_themes_direct(mine: Recompute, out: dict) -> None:
    """Per programme (the guidance fund's and each separate scheme's rows apart)."""
    programmes = {r["programme"] for r in out["theme"]}
    assert len(programmes) >= 2
    for p in programmes:
        rows = [r for r in out["theme"] if r["programme"] == p]
        assert not _theme_differences(rows, mine.themes(programme=p)), p


def test_themes_look_through_within_the_rounding(mine: Recompute, out: dict) -> None:
    """Companies, shares of fair value and amounts of the look-through, the amounts within one
    cent of the sub-fund's currency (at the as-of rate) per contributing row."""
    ours = mine.themes(True)
    usd = mine.rate["USD"]
    for r in out["look_through"]:
        o = ours[r["theme"]]
        assert r["holdings"] == o["holdings"]
        assert _same_number(r["share_of_fair_value"], o["share_of_fair_value"], 1e-9)
        for k in ("invested", "fair_value"):
            assert abs(Decimal(r[k]) - o[k]) <= o["rows"] * CENT * usd, (r["theme"], k)


def test_themes_look_through_at_the_exact_share(mine: Recompute, out: dict) -> None:
    assert not _theme_differences(out["look_through"], mine.themes(True))


PROGRAMME_FIGURES = (
    "government_committed",
    "social_committed",
    "committed",
    "amplification",
    "social_leverage",
    "government_paid_in",
    "social_paid_in",
    "paid_in",
    "paid_in_historical",
    "paid_in_fx_translation",
    "paid_in_leverage",
    "member_funds",
)
GRANT_FIGURES = (
    "grants",
    "matching",
    "matching_ratio",
    "grant_companies",
    "companies_short",
    "short_companies",
    "companies_pending",
    "companies_over_cap",
    "budget",
    "budget_used",
)


@pytest.mark.parametrize(
    ("programme", "scope"),
    (("itif", "sub_funds"), ("itif", "direct"), ("itvf", "scheme"), ("mplus", "scheme")),
)
def test_programme(programme: str, scope: str, mine: Recompute, out: dict) -> None:
    theirs = next(r for r in out["programme"] if (r["programme"], r["scope"]) == (programme, scope))
    ours = mine.programmes()[programme, scope]
    keys = PROGRAMME_FIGURES + (GRANT_FIGURES if programme == "mplus" else ())
    wrong = [
        w
        for w in _differences(
            theirs, ours, [k for k in keys if not isinstance(ours[k], (int, str))]
        )
    ]
    wrong += [
        f"{k}: {theirs[k]} vs {ours[k]}"
        for k in keys
        if isinstance(ours[k], (int, str)) and theirs[k] != ours[k]
    ]
    assert not wrong
    if scope == "direct":  # no target of its own
        assert theirs["meets_target"] is None and theirs["target_status"] is None
    elif scope == "sub_funds":  # 4x met, but the HK$40bn is about half raised: behind, not met
        assert ours["amplification"] >= 4.0 and ours["committed"] < 40_000_000_000
        assert theirs["target_status"] == "watch" and theirs["meets_target"] is False
        assert _same_money(theirs["size_shortfall"], Decimal(40_000_000_000) - ours["committed"])
    else:
        assert theirs["meets_target"] == (
            ours["amplification"] >= (3.0 if programme == "mplus" else 4.0)
        )


@pytest.mark.parametrize("fund_id", SUB_FUNDS)
def test_compliance(fund_id: str, mine: Recompute, out: dict) -> None:
    ours = mine.compliance(fund_id)
    row = {r["rule"]: r for r in out["compliance"] if r["fund_id"] == fund_id}
    assert _same_money(row["size"]["amount"], ours["size"])
    assert _same_money(row["government_amount"]["amount"], ours["government"])
    assert _same_number(row["government_share"]["ratio"], ours["government_share"], RATIO_TOL)
    assert _same_number(
        row["hk_nexus_of_invested"]["ratio"], ours["hk_nexus_of_invested"], RATIO_TOL
    )
    assert _same_number(row["hk_nexus_of_size"]["ratio"], ours["hk_nexus_of_size"], RATIO_TOL)
    assert _same_number(row["hk_production"]["ratio"], ours["hk_production"], RATIO_TOL)
    assert _same_money(row["hk_production"]["amount"], ours["production"])
    assert _same_number(row["themes"]["ratio"], ours["themes_ratio"], RATIO_TOL)
    assert _same_money(row["themes"]["amount"], ours["outside"])
    # statuses from the figures: size, government and themes judged now; the ratios on size
    # at the end of the investment period (2031); the cost-based HK-nexus test at once
    expect = {
        "size": ours["size"] >= 2_000_000_000,
        "government_share": ours["government_share"] <= 0.25,
        "government_amount": ours["government"] <= 1_000_000_000,
        "themes": ours["outside"] == 0,
    }
    for rule, ok in expect.items():
        assert row[rule]["status"] == ("pass" if ok else "fail"), (rule, row[rule])
    # the cost-based HK-nexus test is the pace of the ratio on size: behind it is `watch`
    # before the end of the investment period (2031), not a breach
    pace = "pass" if ours["hk_nexus_of_invested"] >= 0.5 else "watch"
    assert row["hk_nexus_of_invested"]["status"] == pace
    # the ratios on size, before the end: `watch` behind pace (below the threshold x the share
    # of the investment period elapsed since the sub-fund's first commitment), else `pending`
    start = min(c["date"] for c in mine.commitments if c["fund_id"] == fund_id)
    end = _date(mine.book.funds[fund_id]["investment_period_end"])
    elapsed = min(max((AS_OF - start).days / (end - start).days, 0.0), 1.0)
    for rule, threshold in (("hk_nexus_of_size", 0.5), ("hk_production", 0.25)):
        paced = "watch" if float(ours[rule]) < threshold * elapsed else "pending"
        assert row[rule]["status"] == paced, (rule, ours[rule], threshold * elapsed)


def test_the_planted_breach_is_sf_gba_only(mine: Recompute, out: dict) -> None:
    failed = {(r["fund_id"], r["rule"]) for r in out["compliance"] if r["status"] == "fail"}
    sub_funds = {k for k in failed if k[0].startswith("sf-")}
    assert sub_funds == {("sf-gba", "themes")}
    watch = {(r["fund_id"], r["rule"]) for r in out["compliance"] if r["status"] == "watch"}
    assert ("sf-gba", "hk_nexus_of_invested") in watch
    assert mine.compliance("sf-gba")["outside_holdings"] == ["co-078"]

"""Money, dates and the in-memory book the demo generator fills: positions, marks, calls."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from fundbook.core.calendar import month_ends
from fundbook.core.errors import FundbookError
from fundbook.core.money import CENT, quantize
from fundbook.core.types import CASH_SIGN
from fundbook.synth.demo_cast import NAME_CORE, NAME_PREFIX, SUFFIX, ZH_CITY, ZH_CORE, ZH_MID

END = date(2026, 10, 31)  # the demo's last closed month is October 2026
MILLION = Decimal(1_000_000)
OUTCOMES = ("star", "steady", "steady", "steady", "flat", "flat", "down", "writedown")
CALL_STEP = Decimal("0.005")  # capital calls are whole half-percents of commitments
UNIT = Decimal("0.000001")  # the ledger's quantity precision


def cents(value: Decimal) -> Decimal:
    """Round money to cents (on the way into the ledger)."""
    return quantize(value)


def allocate(total: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """Split `total` pro rata to `weights` in cents, largest remainders first, summing exactly."""
    whole = sum(weights)
    raw = [total * w / whole for w in weights]
    shares = [r.quantize(CENT, rounding=ROUND_FLOOR) for r in raw]
    left = int((total - sum(shares)) / CENT)
    order = sorted(range(len(raw)), key=lambda i: (shares[i] - raw[i], i))
    for i in order[:left]:
        shares[i] += CENT
    return shares


def workday(d: date) -> date:
    """Move a weekend date to the next Monday (or back to Friday at the end of the book)."""
    while d.weekday() >= 5:
        d += timedelta(days=1)
    while d > END:
        d -= timedelta(days=1 if d.weekday() != 0 else 3)
    return d


def rand_date(rng: random.Random, start: date, end: date) -> date:
    """A working day between `start` and `end`."""
    return workday(start + timedelta(days=rng.randint(0, max(0, (end - start).days))))


def quarter_ends(start: date, end: date) -> list[date]:
    """Last days of the calendar quarters ending within [start, end]."""
    return [d for d in month_ends(start, end) if d.month in (3, 6, 9, 12)]


def pct(lo: int, hi: int, rng: random.Random) -> Decimal:
    """A random ratio between lo and hi basis points."""
    return Decimal(rng.randint(lo, hi)) / 10000


def rounded(value: Decimal, step: int) -> Decimal:
    """Round down to a whole multiple of `step` (tickets in round lots)."""
    return Decimal(int(value / step) * step)


@dataclass
class Book:
    """Rows of the demo book under construction, plus positions and marks to value them."""

    rng: random.Random
    funds: list[tuple[str, ...]] = field(default_factory=list)
    investors: list[tuple[str, ...]] = field(default_factory=list)
    companies: dict[str, tuple[str, str, bool, str]] = field(default_factory=dict)
    commitments: list[tuple[str, str, date, Decimal]] = field(default_factory=list)
    txns: list[tuple[date, str, str, str, str, Decimal, str]] = field(default_factory=list)
    valuations: list[tuple[date, str, str, Decimal]] = field(default_factory=list)
    usd: dict[date, Decimal] = field(default_factory=dict)
    currency: dict[str, str] = field(default_factory=dict)
    marks: dict[str, list[tuple[date, Decimal]]] = field(default_factory=dict)
    units: list[tuple[date, str, str, Decimal]] = field(default_factory=list)
    names: set[str] = field(default_factory=set)
    extra: dict[int, dict[str, str]] = field(default_factory=dict)  # optional columns per txn
    tracked: set[str] = field(default_factory=set)  # funds whose holdings carry quantities

    def fund(
        self,
        fund_id: str,
        name: str,
        kind: str,
        currency: str,
        vintage: int,
        manager: str,
        programme: str = "",
        period_end: date | None = None,
    ) -> None:
        self.currency[fund_id] = currency
        self.funds.append(
            (
                fund_id,
                name,
                kind,
                currency,
                str(vintage),
                manager,
                programme,
                period_end.isoformat() if period_end else "",
            )
        )

    def txn(
        self,
        d: date,
        fund_id: str,
        kind: str,
        amount: Decimal,
        investor: str = "",
        holding: str = "",
        memo: str = "",
        extra: dict[str, str] | None = None,
    ) -> None:
        positive = amount >= CENT or (kind == "write_off" and amount == 0)
        assert date(2019, 1, 1) <= d <= END and positive, (d, fund_id, kind, amount)
        if extra:
            self.extra[len(self.txns)] = extra
        self.txns.append((d, fund_id, kind, investor, holding, cents(amount), memo))

    def commit(self, fund_id: str, investor: str, d: date, amount: Decimal) -> None:
        self.commitments.append((fund_id, investor, d, cents(amount)))

    def fund_commitments(self, fund_id: str, on: date = END) -> list[tuple[str, Decimal]]:
        """(investor, commitment) of the fund's partners committed on or before `on`."""
        out: dict[str, Decimal] = {}
        for f, i, d, a in self.commitments:
            if f == fund_id and d <= on:
                out[i] = out.get(i, Decimal(0)) + a
        return list(out.items())

    def rate(self, currency: str, d: date) -> Decimal:
        if currency == "HKD":
            return Decimal(1)
        return self.usd[max(k for k in self.usd if k <= d)]

    def price(self, company: str, d: date) -> Decimal:
        """The company's latest mark on or before `d` (units bought at 1 before any mark)."""
        return [p for when, p in self.marks[company] if when <= d][-1]

    def quantity(self, fund_id: str, units: Decimal) -> dict[str, str] | None:
        """The `quantity` column of a row moving `units`, in the funds tracked by quantity."""
        return {"quantity": f"{units.normalize():f}"} if fund_id in self.tracked else None

    def invest(self, d: date, fund_id: str, company: str, amount: Decimal, memo: str) -> None:
        units = amount / self.price(company, d)
        if fund_id in self.tracked:
            units = units.quantize(UNIT)
        extra = self.quantity(fund_id, units)
        self.txn(d, fund_id, "investment", amount, holding=company, memo=memo, extra=extra)
        self.units.append((d, fund_id, company, units))

    def sell(
        self, d: date, fund_id: str, company: str, share: Decimal, premium: Decimal, memo: str
    ) -> Decimal:
        held = self.position(fund_id, company, d)
        sold = held * share
        if fund_id in self.tracked:
            sold = sold.quantize(UNIT)
        proceeds = cents(sold * self.price(company, d) * premium)
        extra = self.quantity(fund_id, sold)
        self.txn(d, fund_id, "proceeds", proceeds, holding=company, memo=memo, extra=extra)
        self.units.append((d, fund_id, company, -sold))
        if share == 1:  # the position is closed: its fair value from now on is nil
            self.valuations.append((d, fund_id, company, Decimal(0)))
        return proceeds

    def write_off(self, d: date, fund_id: str, company: str, memo: str) -> None:
        """Write the holding off on `d`: no cash, no units, no marks from then on."""
        self.txn(d, fund_id, "write_off", Decimal(0), holding=company, memo=memo)
        self.units.append((d, fund_id, company, -self.position(fund_id, company, d)))

    def position(self, fund_id: str, company: str, d: date) -> Decimal:
        """Units of the company the fund holds at the end of `d`."""
        return sum(
            (u for when, f, c, u in self.units if f == fund_id and c == company and when <= d),
            Decimal(0),
        )

    def cost(self, fund_id: str, company: str) -> Decimal:
        return sum(
            (
                a
                for _, f, k, _, h, a, _ in self.txns
                if f == fund_id and h == company and k == "investment"
            ),
            Decimal(0),
        )

    def last_buy(self, fund_id: str, company: str) -> date:
        return max(d for d, f, c, u in self.units if f == fund_id and c == company and u > 0)

    def holdings(self, fund_id: str) -> list[str]:
        return sorted({c for _, f, c, _ in self.units if f == fund_id})

    def cash(self, fund_id: str, d: date) -> Decimal:
        """The fund's cash at the end of `d`."""
        return sum(
            (
                CASH_SIGN[k] * a
                for when, f, k, _, _, a, _ in self.txns
                if f == fund_id and when <= d
            ),
            Decimal(0),
        )

    def new_name(self, make: Callable[[], str]) -> str:
        """A company name from `make` that no other company of the book has."""
        for _ in range(200):
            name = make()
            if name not in self.names:
                self.names.add(name)
                return name
        raise FundbookError("demo book: no fresh company name left")

    def company(self, company_id: str, theme: str, hk_nexus: bool, country: str) -> str:
        rng = self.rng
        if country == "CN" or (country == "HK" and rng.randint(1, 5) == 1):
            name = self.new_name(
                lambda: (
                    rng.choice(ZH_CITY)
                    + "".join(rng.sample(ZH_MID, 2))
                    + rng.choice(ZH_CORE[theme])
                    + "有限公司"
                )
            )
        else:
            name = self.new_name(
                lambda: (
                    f"{rng.choice(NAME_PREFIX)} {rng.choice(NAME_CORE[theme])} {SUFFIX[country]}"
                )
            )
        self.companies[company_id] = (name, theme, hk_nexus, country)
        return company_id

    def mark_path(self, company: str, start: date, outcome: str, calm: int = 1) -> None:
        """Quarter-end marks (price per unit, 1 at the first round) by the company's outcome.

        `calm` divides the quarterly moves, for funds marked over many years.
        """
        lo, hi = {
            "star": (600, 2500),
            "steady": (0, 900),
            "flat": (-500, 500),
            "down": (-2000, -300),
            "writedown": (-300, 600),
        }[outcome]
        marks, price = [(date(2000, 1, 1), Decimal(1))], Decimal(1)
        qs = quarter_ends(start, END)
        cut = self.rng.randint(max(1, len(qs) // 2), max(1, len(qs) - 1))
        for n, q in enumerate(qs):
            if n == 0 and (q - start).days < 60:
                step = Decimal(1)  # held at cost in its first quarter
            elif outcome == "writedown" and n == cut:
                step = pct(2500, 5000, self.rng)
            else:
                step = 1 + pct(lo // calm, hi // calm, self.rng)
            price = max((price * step).quantize(Decimal("0.0001")), Decimal("0.02"))
            marks.append((q, price))
        self.marks[company] = marks


def plan_calls(
    outflows: list[tuple[date, Decimal]], call_dates: list[date], size: Callable[[date], Decimal]
) -> list[tuple[date, Decimal]]:
    """Calls in whole half-percents of the commitments of the day (`size`) covering outflows
    up to the next call."""
    assert min(d for d, _ in outflows) >= call_dates[0], "an outflow precedes the first call"
    calls, called = [], Decimal(0)
    for i, d in enumerate(call_dates):
        until = call_dates[i + 1] if i + 1 < len(call_dates) else date.max
        need = sum((a for when, a in outflows if when < until), Decimal(0)) - called
        if need > 0:
            share = (need / size(d) / CALL_STEP).to_integral_value(ROUND_CEILING) * CALL_STEP
            calls.append((d, cents(size(d) * share)))
            called += cents(size(d) * share)
    return calls


def call_capital(
    book: Book, fund_id: str, call_dates: list[date]
) -> list[tuple[date, str, Decimal]]:
    """Book pro-rata contributions; returns (date, investor, amount) of every contribution."""
    # Distributions pay out proceeds already received, so calls never fund them.
    outflows = [
        (d, a)
        for d, f, k, _, _, a, _ in book.txns
        if f == fund_id and CASH_SIGN[k] < 0 and k != "distribution"
    ]

    def size(d: date) -> Decimal:
        return sum((a for _, a in book.fund_commitments(fund_id, d)), Decimal(0))

    paid = []
    for n, (d, amount) in enumerate(plan_calls(outflows, call_dates, size), start=1):
        lps = book.fund_commitments(fund_id, d)  # partners admitted at a later closing join then
        for (investor, _), share in zip(lps, allocate(amount, [a for _, a in lps]), strict=True):
            book.txn(
                d,
                fund_id,
                "contribution",
                share,
                investor=investor,
                memo=f"Capital call no. {n}, {amount / size(d):.1%} of commitments",
            )
            paid.append((d, investor, share))
    return paid


def value_holdings(book: Book, fund_id: str, quarters: list[date]) -> None:
    """A fair value at each quarter end for every company the fund holds units of."""
    for q in quarters:
        for c in book.holdings(fund_id):
            held = book.position(fund_id, c, q)
            if held > Decimal("0.000001"):
                book.valuations.append((q, fund_id, c, cents(held * book.price(c, q))))

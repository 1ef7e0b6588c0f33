"""The demo's management fees, computed from its terms on their own and booked per quarter.

The generator is the independent source the engine is checked against, so it does not use
fundbook.metrics: the rules of docs/methods.md (*Management fees*) are applied here in exact
fractions and rounded half-even once per partner and quarter, as the engine rounds. Every
quarter's invoice is the sum of the partners' fees less the offset applied, to the cent, but
the planted one (`demo_terms.OVERBILLED`).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from fundbook.core.errors import FundbookError
from fundbook.synth.demo_closing import LATER_FUND
from fundbook.synth.demo_ledger import END, Book, workday
from fundbook.synth.demo_terms import FEE_OFFSET, OVERBILLED, RATE_AFTER, TERMS

# A partner's side letter: the fraction taken off its management fees (investor_terms.csv).
SIDE_LETTERS = {(LATER_FUND, "bauhinia-strategic"): Decimal("0.25")}
DAY = timedelta(days=1)
UNIT = Decimal("0.000001")  # quantities: units of 10⁻⁶ are exact integers
RELIEF_ORDER = {"investment": 0, "proceeds": 1, "write_off": 2}  # same day: cost first
Fees = dict[tuple[date, str], Fraction]  # (quarter start, investor) -> exact fee in cents


def quarter_start(d: date) -> date:
    return date(d.year, 3 * ((d.month - 1) // 3) + 1, 1)


def quarter_end(start: date) -> date:
    return quarter_start(start + timedelta(days=92)) - DAY


def label(start: date) -> str:
    return f"{start.year}Q{(start.month - 1) // 3 + 1}"


def days(lo: date, hi: date) -> int:
    """Days from lo to hi, both included (0 when empty)."""
    return max((hi - lo).days + 1, 0)


def quarters(first: date) -> list[date]:
    """First days of the calendar quarters from the one holding `first` to the book's last."""
    out = [quarter_start(first)]
    while out[-1] < quarter_start(END):
        out.append(quarter_end(out[-1]) + DAY)
    return out


def cents(amount: Decimal) -> int:
    return int(amount * 100)


def by_largest_remainder(total: int, weights: dict[str, int]) -> dict[str, int]:
    """`total` cents pro rata to `weights`, floors first, the cents left to the largest
    remainders (ties to the smaller key)."""
    whole = sum(weights.values())
    floors = {k: total * w // whole for k, w in weights.items()}
    rests = sorted(weights, key=lambda k: (-(total * weights[k] - floors[k] * whole), k))
    for k in rests[: total - sum(floors.values())]:
        floors[k] += 1
    return floors


def commitment_fees(book: Book, fund_id: str, first: date, period_end: date) -> Fees:
    """The fees on commitments in the investment period. Every commitment row pays from the
    first closing as if made then: its days from its date are the quarter's fee, the days
    before it a catch-up fee charged in the quarter of its date."""
    rate = Fraction(TERMS[fund_id].rate)
    out: Fees = defaultdict(Fraction)
    for f, investor, when, amount in book.commitments:
        if f != fund_id:
            continue
        for start in quarters(first):
            end = quarter_end(start)
            lo, hi = max(start, first), min(end, period_end)
            share = cents(amount) * rate / 4 / days(start, end)
            out[start, investor] += share * days(max(lo, when), hi)
            out[quarter_start(when), investor] += share * days(lo, min(hi, when - DAY))
    return out


def net_invested_capital(book: Book, fund_id: str, at: date) -> int:
    """Cents of cost of the fund's unrealised investments at the end of `at`: a sale of q of
    the Q units held relieves the remaining cost x q / Q (half-even; all of it when q = Q), a
    write-off all that remains."""
    rows = sorted(
        (d, RELIEF_ORDER[k], n, h, a)
        for n, (d, f, k, _, h, a, _) in enumerate(book.txns)
        if f == fund_id and k in RELIEF_ORDER and d <= at
    )
    cost: dict[str, int] = defaultdict(int)
    held: dict[str, int] = defaultdict(int)
    for _, order, n, holding, amount in rows:
        if order == 2:
            cost[holding] = held[holding] = 0
            continue
        quantity = book.extra.get(n, {}).get("quantity")
        if quantity is None:
            raise FundbookError(f"demo book: {fund_id} needs quantities to relieve cost")
        units = int(Decimal(quantity) / UNIT)
        if order == 0:
            cost[holding] += cents(amount)
            held[holding] += units
            continue
        relieved = cost[holding]
        if units != held[holding]:
            relieved = round(Fraction(cost[holding] * units, held[holding]))
        cost[holding] -= relieved
        held[holding] -= units
    return sum(cost.values())


def after_period_fees(book: Book, fund_id: str, first: date, period_end: date) -> Fees:
    """The fees after the investment period: 1.5 % of the fund's net invested capital at the
    quarter's opening (the end of the day before), attributed by the commitments made by then,
    for the partner's days after the period (from its admission)."""
    out: Fees = defaultdict(Fraction)
    for start in quarters(first):
        end = quarter_end(start)
        if end <= period_end:
            continue
        weights: dict[str, int] = defaultdict(int)
        admitted: dict[str, date] = {}
        for f, investor, when, amount in book.commitments:
            if f == fund_id and when <= start:
                weights[investor] += cents(amount)
                admitted[investor] = min(admitted.get(investor, when), when)
        nic = net_invested_capital(book, fund_id, start - DAY)
        for investor, share in by_largest_remainder(nic, weights).items():
            lo = max(start, first, admitted[investor], period_end + DAY)
            fraction = Fraction(days(lo, end), days(start, end))
            out[start, investor] += share * Fraction(RATE_AFTER) / 4 * fraction
    return out


def offsets_applied(book: Book, fund_id: str, fees: dict[date, int]) -> dict[date, int]:
    """Per quarter, the offset taken off its fees: 80 % of the portfolio fees of the quarter
    before (rounded half-even) and what earlier quarters' fees could not absorb."""
    received: dict[date, int] = defaultdict(int)
    for d, f, k, _, _, a, _ in book.txns:
        if f == fund_id and k == "portfolio_fee":
            received[quarter_start(d)] += cents(a)
    applied, carried, earned = {}, 0, 0
    for start in sorted(fees):
        available = carried + earned
        applied[start] = min(available, fees[start])
        carried = available - applied[start]
        earned = round(received[start] * Fraction(FEE_OFFSET))
    return applied


def partner_fees(book: Book, fund_id: str) -> tuple[date, dict[date, dict[str, int]]]:
    """The fund's first closing, and per quarter each partner's fee after its side letter's
    discount, in cents (rounded half-even once from the exact sum)."""
    first = min(d for f, _, d, _ in book.commitments if f == fund_id)
    period_end = date.fromisoformat(next(r[7] for r in book.funds if r[0] == fund_id))
    exact = commitment_fees(book, fund_id, first, period_end)
    for key, fee in after_period_fees(book, fund_id, first, period_end).items():
        exact[key] += fee
    out: dict[date, dict[str, int]] = {start: {} for start in quarters(first)}
    for (start, investor), fee in sorted(exact.items()):
        kept = 1 - Fraction(SIDE_LETTERS.get((fund_id, investor), Decimal(0)))
        out[start][investor] = round(fee * kept)
    return first, out


def invoice_shares(book: Book, fund_id: str) -> dict[date, dict[str, int]]:
    """Per quarter, each partner's share in cents of the fund's invoices (fee rows without an
    investor) dated in it: by its fee after discount and its part of the offset applied (split
    by those fees) less its own invoices of the quarter, not below 0, by largest remainder
    (docs/methods.md, *Booked fees in the capital accounts*). A quarter with nothing to split
    by is left out (its invoices are shared by commitment)."""
    _, fees = partner_fees(book, fund_id)
    applied = offsets_applied(book, fund_id, {q: sum(p.values()) for q, p in fees.items()})
    invoiced: dict[date, int] = defaultdict(int)
    own: dict[tuple[date, str], int] = defaultdict(int)
    for d, f, k, investor, _, a, _ in book.txns:
        if f == fund_id and k == "fee":
            if investor:
                own[quarter_start(d), investor] += cents(a)
            else:
                invoiced[quarter_start(d)] += cents(a)
    out = {}
    for start, total in sorted(invoiced.items()):
        by_partner = fees.get(start, {})
        offsets = dict.fromkeys(by_partner, 0)
        if sum(by_partner.values()):
            offsets = by_largest_remainder(applied[start], by_partner)
        weights = {i: max(0, fee - offsets[i] - own[start, i]) for i, fee in by_partner.items()}
        if sum(weights.values()):
            out[start] = by_largest_remainder(total, weights)
    return out


def book_fees(book: Book, fund_id: str) -> None:
    """One invoice per quarter, due on its first day (the first closing for the first): the
    partners' fees less the offset applied. A partner admitted at a later closing pays its
    quarter (its catch-up fee included) on its own invoice, due on its admission."""
    first, fees = partner_fees(book, fund_id)
    applied = offsets_applied(book, fund_id, {q: sum(p.values()) for q, p in fees.items()})
    later = {i: d for f, i, d, _ in book.commitments if f == fund_id and d > first}
    period_end = date.fromisoformat(next(r[7] for r in book.funds if r[0] == fund_id))
    for start, by_partner in fees.items():
        own = {i: by_partner[i] for i, d in later.items() if quarter_start(d) == start}
        if own and applied[start]:
            raise FundbookError(f"demo book: {fund_id} offsets in a later closing's quarter")
        for investor, amount in sorted(own.items()):
            book_own_fee(book, fund_id, investor, later[investor], amount)
        offset = 0 if (fund_id, label(start)) == OVERBILLED else applied[start]
        invoiced = sum(by_partner.values()) - sum(own.values()) - offset
        end = quarter_end(start)
        basis = "on commitments" if end <= period_end else "on net invested capital"
        rate = TERMS[fund_id].rate if end <= period_end else RATE_AFTER
        due = max(start, first)
        if invoiced > 0:
            book.txn(workday(due), fund_id, "fee", Decimal(invoiced) / 100,
                     memo=f"Management fee {label(start)}, {rate * 100:.2f}% p.a. {basis}",
                     extra={"service_start": f"{due}", "service_end": f"{end}"})  # fmt: skip


def book_own_fee(book: Book, fund_id: str, investor: str, admitted: date, amount: int) -> None:
    """The fee of a partner admitted at a later closing for its first quarter, catch-up
    included, invoiced to it alone on its admission."""
    memo = (
        f"Management fee {label(quarter_start(admitted))} of the partner admitted on "
        f"{admitted}, with its catch-up fee since the first closing"
    )
    end = quarter_end(quarter_start(admitted))
    extra = {"service_start": f"{admitted}", "service_end": f"{end}"}
    book.txn(admitted, fund_id, "fee", Decimal(amount) / 100, investor, memo=memo, extra=extra)

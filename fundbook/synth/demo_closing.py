"""A later closing of one sub-fund and its equalisation rows, as `fundbook equalise` books them."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from fundbook.core.types import EQUALISATION_MEMO
from fundbook.synth.demo_ledger import Book, allocate

# The sub-fund, the investor it admits, its commitment (millions) and the closing's date.
LATER_FUND, NEWCOMER, NEWCOMER_M, LATER_CLOSING = (
    "sf-digital",
    "shatin-endowment",
    100,
    date(2026, 8, 14),
)
NEWCOMER_NAME = "Sha Tin University Endowment Fund"
EQUALISATION_RATE = Decimal("0.08")  # terms.csv: 8 % a year, simple, actual/365
# Each row's sign on a partner's paid-in (the calls it has met), as the metrics count it.
PAID_IN = {"contribution": 1, "equalisation_contribution": 1, "equalisation_distribution": -1}
KINDS = (
    "equalisation_contribution",
    "equalisation_distribution",
    "equalisation_interest_received",
    "equalisation_interest_paid",
)


def half_even(num: int, den: int) -> int:
    """num / den (den > 0) rounded half-even, in exact integers."""
    quotient, rest = divmod(num, den)
    return quotient + (2 * rest > den or (2 * rest == den and quotient % 2 == 1))


def owed(book: Book, fund_id: str, closing: date) -> dict[str, tuple[int, int]]:
    """Per partner at the closing: (due less paid for the calls before it, in cents rounded
    half-even; its exact differences per call x days to the closing, times the total weight)."""
    weight: dict[str, int] = defaultdict(int)
    for f, investor, d, amount in book.commitments:
        if f == fund_id and d <= closing:
            weight[investor] += int(amount * 100)
    total = sum(weight.values())
    paid: dict[tuple[str, date], int] = defaultdict(int)
    for d, f, k, investor, _, amount, _ in book.txns:
        if f == fund_id and d < closing and k in PAID_IN:
            paid[investor, d] += PAID_IN[k] * int(amount * 100)
    calls: dict[date, int] = defaultdict(int)
    for (_, d), cents_paid in paid.items():
        calls[d] += cents_paid
    out = {}
    for investor in sorted(weight):
        diffs = [
            (call * weight[investor] - paid[investor, d] * total, (closing - d).days)
            for d, call in calls.items()
        ]
        num = sum(n for n, _ in diffs)
        out[investor] = (half_even(num, total), sum(n * days for n, days in diffs))
    return out


def equalise(
    book: Book, fund_id: str, closing: date, admitted: set[str]
) -> dict[str, tuple[Decimal, Decimal]]:
    """Book the closing's equalisation rows; returns what each earlier partner receives:
    (equalisation distribution, equalisation interest)."""
    due = owed(book, fund_id, closing)
    total = sum(int(a * 100) for f, _, d, a in book.commitments if f == fund_id and d <= closing)
    rate_units = int(EQUALISATION_RATE * 10**8)
    payers = sorted(i for i in admitted if due[i][0] > 0)
    catch_up = {i: due[i][0] for i in payers}
    interest = {i: max(half_even(due[i][1] * rate_units, total * 365 * 10**8), 0) for i in payers}
    receivers = sorted(i for i, (o, _) in due.items() if i not in payers and o < 0)
    back = split(sum(catch_up.values()), {i: -due[i][0] for i in receivers})
    passed = split(sum(interest.values()), back)
    for kind, part in zip(KINDS, (catch_up, back, interest, passed), strict=True):
        memo = f"equalisation of the {closing} closing: " + EQUALISATION_MEMO[kind].format(
            rate=f"{EQUALISATION_RATE.normalize():f}"
        )
        for investor in sorted(part):
            if part[investor] > 0:
                book.txn(closing, fund_id, kind, Decimal(part[investor]) / 100, investor, "", memo)
    return {i: (Decimal(back[i]) / 100, Decimal(passed[i]) / 100) for i in receivers}


def split(amount: int, weights: dict[str, int]) -> dict[str, int]:
    """`amount` cents by largest remainder over `weights` (ties to the smaller investor_id)."""
    if not weights or amount == 0:
        return {i: 0 for i in weights}
    keys = sorted(weights)
    shares = allocate(Decimal(amount) / 100, [Decimal(weights[k]) for k in keys])
    return {k: int(s * 100) for k, s in zip(keys, shares, strict=True)}

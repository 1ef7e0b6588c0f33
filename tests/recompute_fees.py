"""The auditor's management fees: each partner's computed fee per quarter, from terms.csv.

Used by test_independent_recompute.py, and as independent: only `datetime` and `Fraction`,
no code of fundbook. It follows docs/methods.md (*Management fees*) as far as the demo book
needs: the fee rate x commitment during the investment period, by days of the calendar
quarter (a quarter of n days: rate / 4 / n a day); every commitment row paying from the
fund's first closing, its days before its own date a catch-up charged in the quarter of its
date; after the investment period the after-rate x the fund's net invested capital at the
quarter's opening, attributed by the commitments (largest remainder); a side letter's
discount off the whole fee; `fee_offset_pct` of the portfolio fees received in a quarter off
the next quarters' fees (what they cannot absorb carried on), split by fees. Each
partner-quarter rounded half-even once from its exact sum (gross, after discount); cents.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from fractions import Fraction

DAY = dt.timedelta(days=1)


def quarter_start(d: dt.date) -> dt.date:
    return dt.date(d.year, 3 * ((d.month - 1) // 3) + 1, 1)


def quarter_end(start: dt.date) -> dt.date:
    return quarter_start(start + dt.timedelta(days=92)) - DAY


def days(lo: dt.date, hi: dt.date) -> int:
    """Days from lo to hi, both included (0 when empty)."""
    return max((hi - lo).days + 1, 0)


def largest_remainder(total: int, weights: dict[str, int]) -> dict[str, int]:
    """`total` cents by `weights`: each its floor, the cents left one each to the largest
    remainders, ties to the smallest key; all 0 when the weights sum to 0."""
    whole = sum(weights.values())
    if whole == 0:
        return dict.fromkeys(weights, 0)
    floors = {k: total * w // whole for k, w in weights.items()}
    order = sorted(weights, key=lambda k: (-(total * weights[k] - floors[k] * whole), k))
    for k in order[: total - sum(floors.values())]:
        floors[k] += 1
    return floors


@dataclass(frozen=True)
class FeeTerms:
    """One fund's fee terms (terms.csv, funds.csv, investor_terms.csv)."""

    rate: Fraction  # in the investment period, on commitments
    rate_after: Fraction  # after it, on net invested capital
    offset: Fraction  # of the portfolio fees, off the next quarters' fees
    period_end: dt.date  # the investment period's last day
    discount: dict[str, Fraction]  # side letters: fraction taken off the partner's fee


Commitment = tuple[str, dt.date, int]  # investor, date, cents


def quarters(first: dt.date, through: dt.date) -> list[dt.date]:
    """First days of the quarters from the one holding `first` to the one holding `through`."""
    out = [quarter_start(first)]
    while out[-1] < quarter_start(through):
        out.append(quarter_end(out[-1]) + DAY)
    return out


def exact_fees(
    terms: FeeTerms,
    commitments: list[Commitment],
    nic_at: Callable[[dt.date], int],
    through: dt.date,
) -> dict[tuple[dt.date, str], Fraction]:
    """Per (quarter start, investor) the exact gross fee in cents through `through`."""
    first = min(d for _, d, _ in commitments)
    last = min(terms.period_end, through)
    out: dict[tuple[dt.date, str], Fraction] = defaultdict(Fraction)
    for investor, when, amount in commitments:
        for start in quarters(first, through):
            lo, hi = max(start, first), min(quarter_end(start), last)
            daily = amount * terms.rate / 4 / days(start, quarter_end(start))
            out[start, investor] += daily * days(max(lo, when), hi)
            out[quarter_start(when), investor] += daily * days(lo, min(hi, when - DAY))
    for start in quarters(first, through):
        end = min(quarter_end(start), through)
        if end <= terms.period_end:
            continue
        # the demo's funds past their period admitted no partner after it began
        assert all(d <= terms.period_end for _, d, _ in commitments)
        weights: dict[str, int] = defaultdict(int)
        for investor, when, amount in commitments:
            if when <= start:
                weights[investor] += amount
        n = days(start, quarter_end(start))
        share = Fraction(days(max(start, terms.period_end + DAY), end), n)
        for investor, nic in largest_remainder(nic_at(start - DAY), weights).items():
            out[start, investor] += nic * terms.rate_after / 4 * share
    return out


def net_fees(
    terms: FeeTerms,
    commitments: list[Commitment],
    portfolio_fees: Iterable[tuple[dt.date, int]],
    nic_at: Callable[[dt.date], int],
    through: dt.date,
) -> dict[dt.date, dict[str, int]]:
    """Per quarter start, each partner's computed fee after its discount and its share of the
    offset applied (`fee_net`), in cents."""
    after: dict[dt.date, dict[str, int]] = defaultdict(dict)
    for (start, investor), fee in sorted(exact_fees(terms, commitments, nic_at, through).items()):
        after[start][investor] = round(fee * (1 - terms.discount.get(investor, Fraction(0))))
    received: dict[dt.date, int] = defaultdict(int)
    for d, amount in portfolio_fees:
        if d <= through:
            received[quarter_start(d)] += amount
    out: dict[dt.date, dict[str, int]] = {}
    carried = earned = 0
    for start in sorted(after):
        fees = after[start]
        available = carried + earned
        applied = min(available, sum(fees.values()))
        carried, earned = available - applied, round(received[start] * terms.offset)
        offsets = largest_remainder(applied, fees)
        out[start] = {i: fee - offsets[i] for i, fee in fees.items()}
    return out

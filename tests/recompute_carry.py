"""The auditor's European waterfall, per partner: the GP's carry on a liquidation at NAV.

Used by test_independent_recompute.py, and as independent: only `datetime` and `Decimal`,
no code of fundbook. It follows docs/methods.md (*Carried interest*) and DOMAIN.md: each
distribution (and a last one, the partner's capital account before carry at the as-of date)
goes (1) to the partner up to its unreturned capital, (2) to the partner up to its hurdle
balance (every contribution grown at (1 + hurdle) ** (days / 365) from its date, less every
amount the partner received grown likewise; rounded half-even to the cent), (3)+(4) the rest:
the catch-up rate (or the carry rate, the larger) of it to the GP, but never past carry x the
profit distributed so far (distributions - contributions) less the carry so far, rounded
half-even. Amounts in cents.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from fractions import Fraction

Flow = tuple[dt.date, int]  # date, cents: contributions negative


def hurdle_balance(flows: list[Flow], at: dt.date, hurdle: Decimal) -> int:
    """Contributions less the partner's receipts, each grown to `at` at the hurdle
    (compounded annually, actual/365), rounded half-even to the cent."""
    with localcontext() as ctx:
        ctx.prec = 40
        total = sum(
            (-Decimal(a) * (1 + hurdle) ** (Decimal((at - d).days) / 365) for d, a in flows),
            Decimal(0),
        )
        return int(total.quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


def european_carry(
    flows: list[Flow],
    nav: int,
    as_of: dt.date,
    carry: Fraction,
    hurdle: Decimal,
    catch_up: Fraction,
) -> int:
    """The GP's carry out of the partner's distributions to date and a liquidation at `nav`
    on `as_of` (contributions first on their day)."""
    contributed = distributed = gp_total = 0
    received: list[Flow] = []  # what the partner put in (-) and kept (+), for the hurdle
    ordered = sorted(flows, key=lambda f: (f[0], f[1] > 0))
    for when, amount in [*ordered, (as_of, max(nav, 0))]:
        if amount < 0:
            contributed -= amount
            received.append((when, amount))
            continue
        kept = sum(a for _, a in received if a > 0)
        unreturned = max(0, contributed - kept)
        first = min(amount, max(unreturned, hurdle_balance(received, when, hurdle), 0))
        rest = amount - first
        distributed += amount
        room = round(carry * (distributed - contributed)) - gp_total
        gp = max(0, min(round(rest * max(carry, catch_up)), room))
        gp_total += gp
        received.append((when, amount - gp))
    return gp_total

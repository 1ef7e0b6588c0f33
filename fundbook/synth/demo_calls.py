"""The demo's calls.csv: every capital call and distribution of the demo book as a call.

The rows of one fund, date and kind (a later closing's equalisation rows apart) are one call;
its rows carry its call_id. A capital call is noticed 14 days before it falls due, a
distribution 7; a call's purposes are the fund's management fees and partnership expenses
booked since its previous call (as far as the call covers them), the rest for investments;
an equalisation call is all "other" (the catch-up or its return).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from fundbook.core.types import CALL_ROW_TYPES, EQUALISATION_TYPES

KIND_OF = {t: kind for kind, types in CALL_ROW_TYPES.items() for t in types}
NOTICE_DAYS = {"capital_call": 14, "distribution": 7}
PREFIX = {"capital_call": "call", "distribution": "dist"}
# transactions.csv columns of a demo row (demo.COLUMNS): where each value sits
TXN_ID, DATE, FUND, TYPE, AMOUNT, MEMO = 0, 1, 2, 3, 6, 8

Row = tuple[str, ...]


def demo_calls(txns: list[Row]) -> tuple[list[Row], dict[str, str]]:
    """calls.csv rows (sorted by call_id) and each call row's txn_id -> call_id."""
    groups: dict[tuple[str, str, str, bool], list[Row]] = defaultdict(list)
    costs: dict[tuple[str, str], list[tuple[str, Decimal]]] = defaultdict(list)
    for t in txns:
        if t[TYPE] in KIND_OF:
            key = (t[FUND], t[DATE], KIND_OF[t[TYPE]], t[TYPE] in EQUALISATION_TYPES)
            groups[key].append(t)
        elif t[TYPE] in ("fee", "expense"):
            costs[t[FUND], t[TYPE]].append((t[DATE], Decimal(t[AMOUNT])))
    calls: list[Row] = []
    ids: dict[str, str] = {}
    numbers: dict[tuple[str, str], int] = defaultdict(int)
    previous: dict[str, str] = {}
    for (fund, day, kind, equalisation), rows in sorted(groups.items()):
        numbers[fund, kind] += 1
        call_id = f"{fund}-{PREFIX[kind]}-{numbers[fund, kind]:03d}"
        total = sum((Decimal(r[AMOUNT]) for r in rows), Decimal(0))
        if equalisation:
            split = (Decimal(0), Decimal(0), Decimal(0), total)
        elif kind == "capital_call":
            since = previous.get(fund, "")
            fees = _booked(costs[fund, "fee"], since, day)
            expenses = _booked(costs[fund, "expense"], since, day)
            for_fees = min(fees, total)
            for_expenses = min(expenses, total - for_fees)
            split = (total - for_fees - for_expenses, for_fees, for_expenses, Decimal(0))
            previous[fund] = day
        else:
            split = (total, Decimal(0), Decimal(0), Decimal(0))
        due = date.fromisoformat(day)
        notice = due - timedelta(days=NOTICE_DAYS[kind])
        memos = {r[MEMO] for r in rows}
        calls.append(
            (
                call_id,
                fund,
                kind,
                notice.isoformat(),
                day,
                *(f"{a:.2f}" for a in split),
                memos.pop() if len(memos) == 1 else "",
            )
        )
        ids.update((r[TXN_ID], call_id) for r in rows)
    return sorted(calls), ids


def _booked(costs: list[tuple[str, Decimal]], after: str, through: str) -> Decimal:
    """The amounts dated after `after` (ISO, "" for the beginning) and through `through`."""
    return sum((a for d, a in costs if after < d <= through), Decimal(0))

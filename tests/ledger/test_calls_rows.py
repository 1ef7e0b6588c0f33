"""calls.csv and the transactions' call_id (issue 14): each rule's exact `file:line: message`."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from calls_kit import CALL_IDS, CALLS, DISTRIBUTIONS, calls_book

from fundbook.ledger import read_book


def problems(tmp_path: Path, **kw: object) -> list[str]:
    root = calls_book(tmp_path / "book", **kw)  # type: ignore[arg-type]
    _, errors = read_book(root)
    return [str(e).replace(f"{root}/", "") for e in errors]


def test_the_calls_book_reads_typed(tmp_path: Path) -> None:
    assert problems(tmp_path) == []
    book, _ = read_book(tmp_path / "book")
    row = book.rows["calls"].row(0, named=True)
    assert (row["call_id"], row["kind"], row["for_expenses"]) == (
        "sf1-c01",
        "capital_call",
        Decimal("33.34"),
    )
    ids = dict(book.rows["transactions"].select("txn_id", "call_id").iter_rows())
    assert (ids["t2"], ids["t1"]) == ("sf1-c01", None)


def test_the_file_and_the_column_are_optional(tmp_path: Path) -> None:
    root = calls_book(tmp_path / "book", calls=[], ids={}, extra=[])
    (root / "calls.csv").unlink()
    assert read_book(root)[1] == []


CASES = [
    (
        "due before notice",
        {
            "calls": [
                "sf1-c01,sf1,capital_call,2026-01-11,2026-01-10,133.33,33.33,33.34,0.00,",
                CALLS[1],
            ]
        },
        [
            "calls.csv:2: due_date '2026-01-10' is before notice_date '2026-01-11' (a call falls "
            "due on or after its notice)",
            "transactions.csv:3: dated 2026-01-10, before call 'sf1-c01' was noticed "
            "(2026-01-11): a call is paid on or after its notice",
            "transactions.csv:4: dated 2026-01-10, before call 'sf1-c01' was noticed "
            "(2026-01-11): a call is paid on or after its notice",
        ],
    ),
    (
        "unknown kind",
        {"calls": [CALLS[0], "sf1-d01,sf1,payout,2026-06-15,2026-06-30,40.00,0,0,0,"]},
        [
            "calls.csv:3: unknown kind 'payout' (expected capital_call | distribution)",
            "transactions.csv:11: a distribution row cannot belong to call 'sf1-d01' of kind "
            "payout",
            "transactions.csv:12: a distribution row cannot belong to call 'sf1-d01' of kind "
            "payout",
        ],
    ),
    (
        "negative amount",
        {"calls": [CALLS[0], "sf1-d01,sf1,distribution,2026-06-15,2026-06-30,50.00,-10.00,0,0,"]},
        [
            "calls.csv:3: for_fees '-10.00' is negative; a call's purpose amounts are zero or "
            "more (the kind gives the direction)"
        ],
    ),
    (
        "more than the currency's precision",
        {"calls": [CALLS[0], "sf1-d01,sf1,distribution,2026-06-15,2026-06-30,40.001,0,0,0,"]},
        ["calls.csv:3: for_investments '40.001' has more than 2 decimal places"],
    ),
    (
        "a zero call",
        {"calls": [CALLS[0], "sf1-d01,sf1,distribution,2026-06-15,2026-06-30,0,0,0,0.00,"]},
        [
            "calls.csv:3: call 'sf1-d01' has a total of 0.00 (for_investments + for_fees + "
            "for_expenses + for_other must add up to more than zero)"
        ],
    ),
    (
        "unknown fund",
        {"calls": [CALLS[0], "sf1-d01,zz,distribution,2026-06-15,2026-06-30,40.00,0,0,0,"]},
        [
            "calls.csv:3: unknown fund_id 'zz' (not in funds.csv)",
            "transactions.csv:11: call_id 'sf1-d01' is a call of fund 'zz', not of this row's "
            "fund 'sf1'",
            "transactions.csv:12: call_id 'sf1-d01' is a call of fund 'zz', not of this row's "
            "fund 'sf1'",
        ],
    ),
    (
        "duplicate call_id",
        {"calls": [*CALLS, "sf1-c01,sf1,capital_call,2026-01-01,2026-01-10,200.00,0,0,0,"]},
        ["calls.csv:4: duplicate call_id 'sf1-c01' (first at line 2)"],
    ),
    (
        "unknown call_id",
        {"ids": {**CALL_IDS, "t2": "sf1-c09"}},
        [
            "transactions.csv:3: unknown call_id 'sf1-c09' (not in calls.csv)",
            "calls.csv:2: call 'sf1-c01': its 1 row(s) in transactions.csv add up to 150.00, "
            "the call's total is 200.00 (difference -50.00)",
        ],
    ),
    (
        "the rows do not add up",
        {
            "calls": [
                "sf1-c01,sf1,capital_call,2025-12-27,2026-01-10,133.33,33.33,33.35,0,",
                CALLS[1],
            ]
        },
        [
            "calls.csv:2: call 'sf1-c01': its 2 row(s) in transactions.csv add up to 200.00, "
            "the call's total is 200.01 (difference -0.01)"
        ],
    ),
    (
        "a row of another fund",
        {"ids": {**CALL_IDS, "t1": "sf1-c01"}},
        [
            "transactions.csv:2: call_id 'sf1-c01' is a call of fund 'sf1', not of this row's "
            "fund 'gf'",
            "calls.csv:2: call 'sf1-c01': its 3 row(s) in transactions.csv add up to 300.00, "
            "the call's total is 200.00 (difference 100.00)",
        ],
    ),
    (
        "a type of the other kind",
        {
            "extra": [
                *DISTRIBUTIONS[:1],
                DISTRIBUTIONS[1].replace("sf1-d01", "sf1-c01"),
                DISTRIBUTIONS[2],
            ]
        },
        [
            "transactions.csv:12: a distribution row cannot belong to call 'sf1-c01' of kind "
            "capital_call",
            "calls.csv:2: call 'sf1-c01': its 3 row(s) in transactions.csv add up to 230.00, "
            "the call's total is 200.00 (difference 30.00)",
            "calls.csv:3: call 'sf1-d01': its 1 row(s) in transactions.csv add up to 10.00, "
            "the call's total is 40.00 (difference -30.00)",
        ],
    ),
    (
        "a type that belongs to no call",
        {"ids": {**CALL_IDS, "t5": "sf1-c01"}},
        [
            "transactions.csv:6: a investment row belongs to no call (call_id 'sf1-c01'): only "
            "contribution, equalisation_contribution, distribution, equalisation_distribution "
            "rows do",
            "calls.csv:2: call 'sf1-c01': its 3 row(s) in transactions.csv add up to 320.00, "
            "the call's total is 200.00 (difference 120.00)",
        ],
    ),
    (
        "a call overdue without rows",
        {
            "calls": [CALLS[0], "sf1-d01,sf1,distribution,2026-02-15,2026-03-01,40,0,0,0,"],
            "extra": [],
        },
        [
            "calls.csv:3: call 'sf1-d01' fell due on 2026-03-01 but no row of transactions.csv "
            "carries it (fund 'sf1' is booked to 2026-03-05): book its rows with call_id "
            "'sf1-d01', or remove the call"
        ],
    ),
]


@pytest.mark.parametrize(("case", "kw", "expected"), CASES, ids=[c[0] for c in CASES])
def test_each_rule_names_its_line(
    tmp_path: Path, case: str, kw: dict[str, object], expected: list[str]
) -> None:
    assert sorted(problems(tmp_path, **kw)) == sorted(expected)


def test_a_call_due_after_the_books_last_row_is_outstanding(tmp_path: Path) -> None:
    """A call without rows that falls due after the fund's last booked row is announced, not
    yet paid: no error (docs/ledger-format.md)."""
    late = "sf1-d01,sf1,distribution,2026-03-01,2026-03-31,40.00,0,0,0,"
    assert problems(tmp_path, calls=[CALLS[0], late], extra=[]) == []


def test_a_call_noticed_in_a_closed_period_is_refused(tmp_path: Path) -> None:
    from datetime import date

    root = calls_book(tmp_path / "book")
    _, errors = read_book(root, locked_through=date(2025, 12, 31))
    mine = [str(e).replace(f"{root}/", "") for e in errors if "calls.csv" in e.path]
    assert mine == [
        "calls.csv:2: call noticed 2025-12-27 falls in a closed period (the book is closed "
        "through 2025-12-31); closed periods never change: notice the call after 2025-12-31"
    ]

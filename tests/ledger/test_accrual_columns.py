"""The accrual columns of transactions.csv: service periods and expense categories, each rule
with its exact `file:line: message`, all problems at once, and the columns kept when booked."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from fundbook.core.types import EXPENSE_CATEGORIES
from fundbook.ledger import read_book
from ledger_kit import HEADERS, SMALL_BOOK, write_book

HEADER = HEADERS["transactions"] + ",service_start,service_end,category"
# The small book's rows with the three new columns left empty.
T = [f"{row},,," for row in SMALL_BOOK["transactions"]]


def problems(tmp_path: Path, *extra: str) -> list[str]:
    root = write_book(tmp_path / "book", transactions=[*T, *extra])
    text = (root / "transactions.csv").read_text(encoding="utf-8")
    lines = text.splitlines()
    (root / "transactions.csv").write_text("\n".join([HEADER, *lines[1:]]) + "\n")
    _, errors = read_book(root)
    return [str(e).replace(f"{root}/", "") for e in errors]


def test_old_header_and_empty_columns_are_valid(tmp_path: Path) -> None:
    assert problems(tmp_path) == []
    root = write_book(tmp_path / "old")  # the header without the three columns
    book, errors = read_book(root)
    assert errors == []
    assert book.rows["transactions"]["service_start"].null_count() == len(T)


def test_a_valid_service_period_and_category(tmp_path: Path) -> None:
    assert (
        problems(
            tmp_path,
            "t10,2026-03-01,sf1,fee,,,3.00,HKD,,2026-03-01,2026-05-31,",
            "t11,2026-03-01,sf1,expense,,,1.00,HKD,,2026-01-01,2026-01-31,audit_tax",
            "t12,2026-03-01,sf1,expense,,,1.00,HKD,,,,legal",
            "t13,2026-03-01,sf1,expense,,,1.00,HKD,,2026-03-01,2026-03-01,",
        )
        == []
    )


CASES = [
    (
        "start without end",
        "t10,2026-03-01,sf1,fee,,,3.00,HKD,,2026-03-01,,",
        ["transactions.csv:11: service_start without service_end (give both dates or neither)"],
    ),
    (
        "end without start",
        "t10,2026-03-01,sf1,expense,,,3.00,HKD,,,2026-03-31,",
        ["transactions.csv:11: service_end without service_start (give both dates or neither)"],
    ),
    (
        "start after end",
        "t10,2026-03-01,sf1,fee,,,3.00,HKD,,2026-04-01,2026-03-31,",
        ["transactions.csv:11: service_start '2026-04-01' is after service_end '2026-03-31'"],
    ),
    (
        "bad date",
        "t10,2026-03-01,sf1,fee,,,3.00,HKD,,2026-02-30,2026-03-31,",
        [
            "transactions.csv:11: bad date '2026-02-30' in column service_start (expected a "
            "real date YYYY-MM-DD)"
        ],
    ),
    (
        "period on a contribution",
        "t10,2026-03-01,sf1,contribution,pen,,3.00,HKD,,2026-03-01,2026-03-31,",
        [
            "transactions.csv:11: service_end is only for fee or expense rows (this row is a "
            "contribution)",
            "transactions.csv:11: service_start is only for fee or expense rows (this row is a "
            "contribution)",
        ],
    ),
    (
        "category on a fee",
        "t10,2026-03-01,sf1,fee,,,3.00,HKD,,,,legal",
        ["transactions.csv:11: category is only for expense rows (this row is a fee)"],
    ),
    (
        "unknown category",
        "t10,2026-03-01,sf1,expense,,,3.00,HKD,,,,lunch",
        [
            "transactions.csv:11: unknown category 'lunch' (expected "
            + " | ".join(EXPENSE_CATEGORIES)
            + ")"
        ],
    ),
]


@pytest.mark.parametrize(("name", "row", "expected"), CASES, ids=[c[0] for c in CASES])
def test_rule_reports_exact_message(
    tmp_path: Path, name: str, row: str, expected: list[str]
) -> None:
    assert sorted(problems(tmp_path, row)) == expected


def test_every_problem_at_once(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        "t10,2026-03-01,sf1,fee,,,3.00,HKD,,2026-03-01,,",
        "t11,2026-03-01,sf1,fee,,,3.00,HKD,,,,audit_tax",
        "t12,2026-03-01,sf1,expense,,,3.00,HKD,,2026-05-01,2026-04-01,nope",
    )
    assert [p.split(": ")[0] for p in sorted(found)] == [
        "transactions.csv:11",
        "transactions.csv:12",
        "transactions.csv:13",
        "transactions.csv:13",
    ]


def test_the_columns_are_typed(tmp_path: Path) -> None:
    root = write_book(
        tmp_path / "book",
        transactions=[*T, "t10,2026-03-01,sf1,expense,,,1.00,HKD,,2026-01-01,2026-01-31,legal"],
    )
    text = (root / "transactions.csv").read_text(encoding="utf-8").splitlines()
    (root / "transactions.csv").write_text("\n".join([HEADER, *text[1:]]) + "\n")
    book, errors = read_book(root)
    assert errors == []
    row = book.rows["transactions"].filter(txn_id="t10").row(0, named=True)
    assert (row["service_start"], row["service_end"], row["category"]) == (
        dt.date(2026, 1, 1),
        dt.date(2026, 1, 31),
        "legal",
    )

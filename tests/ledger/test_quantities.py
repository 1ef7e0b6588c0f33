"""Quantities and write-offs: each rule's failing case with its exact `file:line: message`."""

from __future__ import annotations

from pathlib import Path

import pytest

from fundbook.ledger import read_book
from ledger_kit import HEADERS, SMALL_BOOK, write_book

# The small book with a quantity column; c1 of sf1 bought as 100 units (line 6).
T = [row + "," for row in SMALL_BOOK["transactions"]]
T[4] = "t5,2026-02-01,sf1,investment,,c1,120.00,HKD,,100"


def problems(tmp_path: Path, rows: list[str], valuations: list[str] | None = None) -> list[str]:
    root = write_book(tmp_path / "book", valuations=valuations or [])
    header = HEADERS["transactions"] + ",quantity"
    (root / "transactions.csv").write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    _, errors = read_book(root)
    return [str(e).replace(f"{root}/", "") for e in errors]


def test_quantities_partial_sales_and_a_write_off_are_valid(tmp_path: Path) -> None:
    rows = [
        *T,
        "t10,2026-02-10,sf1,proceeds,,c1,70.00,HKD,,40",
        "t11,2026-02-11,sf1,investment,,c1,10.00,HKD,,5.5",
        "t12,2026-02-12,sf1,proceeds,,c1,70.00,HKD,,65.5",
        "t13,2026-02-13,sf1,income,,c1,1.00,HKD,,",
        "t14,2026-03-03,sf2,write_off,,c2,0.00,USD,,",
    ]
    assert problems(tmp_path, rows, ["2026-02-10,sf1,c1,150.00,HKD"]) == []


def test_a_book_without_the_column_stays_valid(tmp_path: Path) -> None:
    root = write_book(tmp_path / "book")
    assert read_book(root)[1] == []


AFTER = (
    "row of c1 by fund sf1 dated after its write-off on 2026-02-13 (transactions.csv line 11): "
    "a written-off holding takes no later investment, proceeds, write-off or valuation"
)
CASES = [
    (
        "missing quantity on a tracked holding",
        ["t10,2026-02-10,sf1,proceeds,,c1,70.00,HKD,,"],
        "transactions.csv:11: holding c1 of fund sf1 is tracked by quantity (quantity at line "
        "6): this proceeds row needs a quantity too",
    ),
    (
        "selling more than held",
        [
            "t10,2026-02-10,sf1,proceeds,,c1,70.00,HKD,,40",
            "t11,2026-02-12,sf1,proceeds,,c1,1,HKD,,60.5",
        ],
        "transactions.csv:12: proceeds selling 60.5 units of c1 but fund sf1 holds 60 on "
        "2026-02-12: a fund cannot sell more than it holds",
    ),
    (
        "quantity on a fee",
        ["t10,2026-02-10,sf1,fee,,,1.00,HKD,,3"],
        "transactions.csv:11: a fee takes no quantity (only investment and proceeds rows do)",
    ),
    (
        "quantity on a write-off",
        ["t10,2026-02-10,sf1,write_off,,c1,0.00,HKD,,3"],
        "transactions.csv:11: a write_off takes no quantity (only investment and proceeds rows do)",
    ),
    (
        "negative quantity",
        ["t10,2026-02-10,sf1,proceeds,,c1,1.00,HKD,,-3"],
        "transactions.csv:11: quantity '-3' is not a plain positive decimal (like 100 or 12.5: "
        "no signs, separators or exponents)",
    ),
    (
        "zero quantity",
        ["t10,2026-02-10,sf1,proceeds,,c1,1.00,HKD,,0.00"],
        "transactions.csv:11: quantity '0.00' must be greater than zero",
    ),
    (
        "seven decimals",
        ["t10,2026-02-10,sf1,proceeds,,c1,1.00,HKD,,1.1234567"],
        "transactions.csv:11: quantity '1.1234567' has more than 6 decimal places",
    ),
    (
        "too large",
        ["t10,2026-02-10,sf1,proceeds,,c1,1.00,HKD,,1234567890123"],
        "transactions.csv:11: quantity '1234567890123' is too large (at most 12 digits before "
        "the point)",
    ),
    (
        "write-off with an amount",
        ["t10,2026-02-10,sf1,write_off,,c1,5.00,HKD,,"],
        "transactions.csv:11: a write_off moves no cash: its amount must be 0.00, not '5.00'",
    ),
    (
        "write-off with an investor",
        ["t10,2026-02-10,sf1,write_off,pen,c1,0.00,HKD,,"],
        "transactions.csv:11: a write_off takes no investor_id",
    ),
    (
        "write-off without a holding",
        ["t10,2026-02-10,sf1,write_off,,,0.00,HKD,,"],
        "transactions.csv:11: a write_off needs a holding_id",
    ),
    (
        "write-off of a holding never invested in",
        ["t10,2026-02-10,sf1,write_off,,c2,0.00,HKD,,"],
        "transactions.csv:11: write_off of c2 by fund sf1 on 2026-02-10 but the fund has not "
        "invested in it by then",
    ),
    (
        "write-off of a fund of the book",
        ["t10,2026-02-10,gf,write_off,,sf1,0.00,HKD,,"],
        "transactions.csv:11: a write_off of sf1, a fund of the book: it is valued from fund gf's "
        "capital account in it, so write off what sf1 holds instead",
    ),
    (
        "zero amount elsewhere",
        ["t10,2026-02-10,sf1,fee,,,0.00,HKD,,"],
        "transactions.csv:11: amount '0.00' must be greater than zero",
    ),
    (
        "investment after a write-off",
        [
            "t10,2026-02-13,sf1,write_off,,c1,0.00,HKD,,",
            "t11,2026-02-14,sf1,investment,,c1,1,HKD,,1",
        ],
        f"transactions.csv:12: investment {AFTER}",
    ),
    (
        "proceeds after a write-off",
        ["t10,2026-02-13,sf1,write_off,,c1,0.00,HKD,,", "t11,2026-02-14,sf1,proceeds,,c1,1,HKD,,1"],
        f"transactions.csv:12: proceeds {AFTER}",
    ),
    (
        "a second write-off",
        ["t10,2026-02-13,sf1,write_off,,c1,0.00,HKD,,", "t11,2026-02-14,sf1,write_off,,c1,0,HKD,,"],
        f"transactions.csv:12: write_off {AFTER}",
    ),
]


@pytest.mark.parametrize(("extra", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_rule_reports_exact_message(tmp_path: Path, extra: list[str], expected: str) -> None:
    assert expected in problems(tmp_path, [*T, *extra])


def test_a_valuation_after_a_write_off(tmp_path: Path) -> None:
    rows = [*T, "t10,2026-02-13,sf1,write_off,,c1,0.00,HKD,,"]
    found = problems(tmp_path, rows, ["2026-02-13,sf1,c1,1.00,HKD", "2026-03-31,sf1,c1,2.00,HKD"])
    assert found == [f"valuations.csv:3: valuation {AFTER}"]


def test_every_problem_is_collected(tmp_path: Path) -> None:
    rows = [
        *T,
        "t10,2026-02-10,sf1,proceeds,,c1,70.00,HKD,,",
        "t11,2026-02-11,sf1,write_off,pen,c1,5.00,HKD,,",
        "t12,2026-02-12,sf1,fee,,,1.00,HKD,,2",
    ]
    lines = sorted(p.split(":")[1] for p in problems(tmp_path, rows))
    assert lines == ["11", "12", "12", "13"]

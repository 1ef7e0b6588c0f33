"""Strict input: unknown columns, the one CSV reader's rules (quoting, lines, blanks,
whitespace), overflow."""

from __future__ import annotations

from pathlib import Path

import pytest

from fundbook.ledger import read_book
from fundbook.ledger.csvfile import parse_csv
from ledger_kit import HEADERS, SMALL_BOOK, write_book

FUNDS = ("fund_id", "name", "kind", "currency", "vintage", "manager")
FUNDS_OPTIONAL = ("programme_id", "investment_period_end")


def problems(root: Path) -> list[str]:
    _, errors = read_book(root)
    return [str(e).replace(f"{root}/", "") for e in errors]


def test_unknown_column_is_an_error(tmp_path: Path) -> None:
    root = write_book(tmp_path / "book")
    misspelt = HEADERS["funds"].replace("investment_period_end", "investment_period_ends")
    (root / "funds.csv").write_text(
        "\n".join([misspelt, *SMALL_BOOK["funds"]]) + "\n", encoding="utf-8"
    )
    assert problems(root) == [
        "funds.csv:1: unknown column 'investment_period_ends' (expected one of fund_id, name, "
        "kind, currency, vintage, manager, programme_id, investment_period_end)"
    ]


def test_unknown_columns_all_reported() -> None:
    quoted = 'a,b,c,x\n"1",2,3,4\n\n"5\n",6,7,8\n'
    plain = "a,b,c,,y\n\n1,2,3,4,5\n"
    for text, unknown in ((quoted, ["'x'"]), (plain, ["''", "'y'"])):
        frame, errors = parse_csv(text, "f.csv", ("a", "b", "c"), ())
        assert frame is None
        assert [str(e) for e in errors] == [
            f"f.csv:1: unknown column {name} (expected one of a, b, c)" for name in unknown
        ]


# Texts of every shape (the reader once had a path per shape); each holds the same row:
# ' y ' must read as 'y', quoted or not, and an empty quoted value as empty (null).
PATHS = {
    "fast": "a,b,c,d\nx,y\u3000,z\u3000,\n",
    "fast, quoted": 'a,b,c,d\nx," y","z\u3000",""\n',
    "plain": "a,b,c,d\n\nx, y ,\u3000z ,\n",
    "quoted": 'a,b,c,d\n\nx," y ",z\u3000,""\n',
}


@pytest.mark.parametrize("path", PATHS)
def test_one_whitespace_rule_for_every_shape(path: str) -> None:
    text = PATHS[path]
    frame, errors = parse_csv(text, "f.csv", ("a", "b", "c", "d"), ())
    assert errors == []
    assert frame is not None
    assert frame.drop("source_line").rows() == [("x", "y", "z", None)]


def test_padded_value_imports_again_after_the_file_changes_path(tmp_path: Path) -> None:
    """Booked from a quote-free file, re-read after a row with a multi-line memo is added
    (another parser path): the booked rows read the same, so nothing conflicts."""
    companies = [
        'c1,"Alpha Robotics ",ai_robotics,true,HK',
        "c2,Beta Chips,semiconductors_smart_devices,false,SG",
    ]
    first = write_book(tmp_path / "book", companies=companies)
    book, errors = read_book(first)
    assert errors == []
    name = book.rows["companies"].filter(book.rows["companies"]["company_id"] == "c1")["name"]
    assert name.to_list() == ["Alpha Robotics"]
    memo = [*SMALL_BOOK["transactions"], 't10,2026-03-06,sf1,fee,,,1.00,HKD,"two\nlines"']
    again = write_book(tmp_path / "again", companies=companies, transactions=memo)
    book, errors = read_book(again)
    assert errors == []
    name = book.rows["companies"].filter(book.rows["companies"]["company_id"] == "c1")["name"]
    assert name.to_list() == ["Alpha Robotics"]


def test_conversion_that_overflows_is_an_error_at_its_line(tmp_path: Path) -> None:
    huge = "t10,2026-03-05,sf1,fee,,,9999999999999999.00,USD,"
    root = write_book(tmp_path / "book", transactions=[*SMALL_BOOK["transactions"], huge])
    assert problems(root) == [
        "transactions.csv:11: amount 9999999999999999.00 USD is more than 9999999999999999.99 "
        "in HKD, the currency of fund sf1 (at the rates of 2026-03-05): too large to book"
    ]


def test_largest_amount_that_converts_is_booked(tmp_path: Path) -> None:
    # 1280409731113956.46 USD at 7.81 is 9999999999999999.95 HKD: the largest that fits.
    fits = "t10,2026-03-05,sf1,fee,,,1280409731113956.46,USD,"
    root = write_book(tmp_path / "book", transactions=[*SMALL_BOOK["transactions"], fits])
    errors = problems(root)
    assert not any("too large" in e for e in errors), errors

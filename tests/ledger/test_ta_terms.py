"""terms.csv `ta_*` (the forecast's Takahashi–Alexander parameters, issue 15): read typed, and
every value out of its range refused with its file:line."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from fundbook.ledger import read_book
from ledger_kit import write_book

FRACTION = (
    "must be a plain decimal fraction from 0 to 1 with at most 8 places (0.02 for 2 %, 1 for 100 %)"
)
HEADER = "fund_id,ta_rc_1,ta_rc_2,ta_rc_3,ta_bow,ta_growth,ta_growth_sd,ta_life"


def test_the_parameters_are_read(tmp_path: Path) -> None:
    root = write_book(tmp_path / "book")
    (root / "terms.csv").write_text(f"{HEADER}\nsf1,0.25,0.333,0.5,2.5,-0.05,0.2,12\n", "utf-8")
    book, errors = read_book(root)
    assert errors == []
    row = book.rows["terms"].row(0, named=True)
    assert [row[c] for c in HEADER.split(",")] == [
        "sf1",
        Decimal("0.25"),
        Decimal("0.333"),
        Decimal("0.5"),
        Decimal("2.5"),
        Decimal("-0.05"),
        Decimal("0.2"),
        12,
    ]


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("ta_rc_1", "1.2", FRACTION),
        ("ta_rc_3", "-0.1", FRACTION),
        ("ta_growth_sd", "25%", FRACTION),
        (
            "ta_growth",
            "-1",
            "must be a yearly growth rate as a plain decimal fraction above -1 "
            "and at most 1 with at most 8 places (0.13 for 13 %)",
        ),
        (
            "ta_growth",
            "1.5",
            "must be a yearly growth rate as a plain decimal fraction above -1 "
            "and at most 1 with at most 8 places (0.13 for 13 %)",
        ),
        ("ta_bow", "0", "must be a positive plain decimal up to 10 with at most 8 places"),
        ("ta_bow", "10.5", "must be a positive plain decimal up to 10 with at most 8 places"),
        ("ta_life", "0", "must be a whole number of years from 1 to 30"),
        ("ta_life", "31", "must be a whole number of years from 1 to 30"),
        ("ta_life", "12.0", "must be a whole number of years from 1 to 30"),
    ],
)
def test_values_out_of_range_are_refused(
    tmp_path: Path, column: str, value: str, message: str
) -> None:
    root = write_book(tmp_path / "book")
    (root / "terms.csv").write_text(f"fund_id,{column}\nsf1,{value}\n", encoding="utf-8")
    _, errors = read_book(root)
    messages = [str(e).replace(f"{root}/", "") for e in errors]
    assert messages == [f"terms.csv:2: {column} '{value}' {message}"]

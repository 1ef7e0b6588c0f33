"""terms.csv `matching_deadline_months`: a whole number of months, for a grant programme only."""

from __future__ import annotations

from pathlib import Path

import pytest

from fundbook.ledger import read_book
from ledger_kit import SMALL_BOOK, write_book

HEADER = "fund_id,matching_deadline_months"
# the small book and a grant programme `mp` (kind programme)
FUNDS = [*SMALL_BOOK["funds"], "mp,Grants,programme,HKD,2026,ITC,,"]


def problems(tmp_path: Path, rows: list[str]) -> list[str]:
    root = write_book(tmp_path / "book", funds=FUNDS)
    (root / "terms.csv").write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    _, errors = read_book(root)
    return [str(e).replace(f"{root}/", "") for e in errors]


def test_a_deadline_of_a_grant_programme_is_read_as_months(tmp_path: Path) -> None:
    root = write_book(tmp_path / "book", funds=FUNDS)
    (root / "terms.csv").write_text(f"{HEADER}\nmp,6\n", encoding="utf-8")
    book, errors = read_book(root)
    assert errors == []
    assert book.rows["terms"].select("fund_id", "matching_deadline_months").rows() == [("mp", 6)]


MONTHS = "must be a whole number of months from 1 to 120"


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ("mp,6.5", f"terms.csv:2: matching_deadline_months '6.5' {MONTHS}"),
        ("mp,0", f"terms.csv:2: matching_deadline_months '0' {MONTHS}"),
        ("mp,121", f"terms.csv:2: matching_deadline_months '121' {MONTHS}"),
        ("mp,six", f"terms.csv:2: matching_deadline_months 'six' {MONTHS}"),
        (
            "sf1,6",
            "terms.csv:2: matching_deadline_months is set but fund sf1 is of kind sub_fund, "
            "not a grant programme (kind programme)",
        ),
    ],
)
def test_each_bad_deadline_names_its_line(tmp_path: Path, row: str, expected: str) -> None:
    assert problems(tmp_path, [row]) == [expected]

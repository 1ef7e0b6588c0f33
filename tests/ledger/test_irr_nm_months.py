"""terms.csv `irr_nm_months` (the IRR policy's age): a whole number of months, 1 to 120."""

from __future__ import annotations

from pathlib import Path

import pytest

from fundbook.ledger import read_book
from ledger_kit import write_book

HEADER = "fund_id,irr_nm_months"


def test_the_months_are_read(tmp_path: Path) -> None:
    root = write_book(tmp_path / "book")
    (root / "terms.csv").write_text(f"{HEADER}\nsf1,24\n", encoding="utf-8")
    book, errors = read_book(root)
    assert errors == []
    assert book.rows["terms"].select("fund_id", "irr_nm_months").rows() == [("sf1", 24)]


@pytest.mark.parametrize("value", ["0", "12.5", "121", "x"])
def test_months_outside_1_to_120_are_refused(tmp_path: Path, value: str) -> None:
    root = write_book(tmp_path / "book")
    (root / "terms.csv").write_text(f"{HEADER}\nsf1,{value}\n", encoding="utf-8")
    _, errors = read_book(root)
    messages = [str(e).replace(f"{root}/", "") for e in errors]
    assert messages == [
        f"terms.csv:2: irr_nm_months '{value}' must be a whole number of months from 1 to 120"
    ]

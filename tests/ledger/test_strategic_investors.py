"""investors.csv's optional `strategic` column: true | false, empty meaning false."""

from __future__ import annotations

from pathlib import Path

from fundbook.ledger import read_book
from ledger_kit import write_book

HEADER = "investor_id,name,kind,fund_id,strategic"


def problems(tmp_path: Path, rows: list[str]) -> tuple[list[str], Path]:
    root = write_book(tmp_path / "book")
    (root / "investors.csv").write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    _, errors = read_book(root)
    return [str(e).replace(f"{root}/", "") for e in errors], root


ROWS = [
    "gov,Government,government,,",
    "gf-lp,Guidance Fund as LP,government,gf,false",
    "pen,Pension Fund,social_capital,,true",
    'ins,"Insurer, Ltd",social_capital,,',
]


def test_the_strategic_flag_is_read_as_a_boolean(tmp_path: Path) -> None:
    found, root = problems(tmp_path, ROWS)
    assert found == []
    book, _ = read_book(root)
    flags = dict(book.rows["investors"].select("investor_id", "strategic").iter_rows())
    assert flags == {"gov": None, "gf-lp": False, "pen": True, "ins": None}


def test_a_strategic_flag_other_than_true_or_false_names_its_line(tmp_path: Path) -> None:
    rows = [*ROWS[:2], "pen,Pension Fund,social_capital,,yes", ROWS[3]]
    found, _ = problems(tmp_path, rows)
    assert found == ["investors.csv:4: unknown strategic 'yes' (expected true | false)"]


def test_a_book_without_the_column_reads_as_before(tmp_path: Path) -> None:
    root = write_book(tmp_path / "book")
    assert read_book(root)[1] == []

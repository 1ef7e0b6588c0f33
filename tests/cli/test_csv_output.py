"""`--format csv` is safe to open in a spreadsheet: formula-like text is quoted, numbers stay."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from fundbook.cli import cli
from fundbook.cli.output import render
from fundbook.core.spreadsheet import FORMULA_START, safe_cell, safe_text_columns
from ledger_kit import SMALL_BOOK, write_book

HOSTILE = ["=1+2", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)", "\tx", "\rx", "-", "--5"]


def rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_formula_like_text_is_quoted_and_numbers_stay_numbers():
    frame = pl.DataFrame(
        {
            "name": [*HOSTILE, "plain", "-1234.56"],
            "amount": [Decimal("-1234.56")] * (len(HOSTILE) + 2),
            "ratio": [-0.25] * (len(HOSTILE) + 2),
            "count": [-3] * (len(HOSTILE) + 2),
        },
        schema_overrides={"amount": pl.Decimal(18, 2)},
    )
    body = rows(render(frame, "csv"))[1:]
    assert [r[0] for r in body] == [*(f"'{h}" for h in HOSTILE), "plain", "-1234.56"]
    assert {tuple(r[1:]) for r in body} == {("-1234.56", "-0.25", "-3")}


@given(st.lists(st.text(alphabet="=+-@\t\r.0123456789aZ '\"", max_size=6), max_size=20))
def test_one_rule_for_cells_and_frames(texts: list[str]):
    """The vectorised rule (polars) and the cell rule agree; quoting is reversible; no cell
    starts a formula unless it is a plain decimal number."""
    frame = safe_text_columns(pl.DataFrame({"t": texts}, schema={"t": pl.String}))
    cells = [safe_cell(t) for t in texts]
    assert frame["t"].to_list() == cells
    for text, cell in zip(texts, cells, strict=True):
        assert cell in (text, "'" + text)
        if cell.startswith(FORMULA_START):
            assert cell == text and Decimal(cell).is_finite()


def test_frames_keep_their_types_and_nulls():
    frame = pl.DataFrame({"t": ["=x", None, "ok"], "n": [1, 2, 3]})
    safe = safe_text_columns(frame)
    assert safe.schema == frame.schema
    assert safe["t"].to_list() == ["'=x", None, "ok"]


@pytest.fixture
def hostile_book(tmp_path: Path) -> Path:
    """The small book with an investor whose id and name are formulas."""
    book = dict(SMALL_BOOK)
    book["investors"] = [*SMALL_BOOK["investors"], "=HYPERLINK(1),@evil,social_capital,"]
    book["commitments"] = [*SMALL_BOOK["commitments"], "sf1,=HYPERLINK(1),2026-01-01,5.00,HKD"]
    ledger = write_book(tmp_path / "ledger", book)
    db = tmp_path / "book.duckdb"
    result = CliRunner().invoke(cli, ["import", str(ledger), "--db", str(db)])
    assert result.exit_code == 0, result.output
    return db


def test_cli_csv_quotes_a_hostile_id_and_keeps_money_numbers(hostile_book: Path):
    args = ["metrics", "--by", "investor", "--as-of", "2026-12-31", "--format", "csv"]
    result = CliRunner().invoke(cli, [*args, "--db", str(hostile_book)])
    assert result.exit_code == 0, result.output
    table = rows(result.stdout)
    header, body = table[0], table[1:]
    ids = [r[header.index("investor_id")] for r in body]
    assert "'=HYPERLINK(1)" in ids and "=HYPERLINK(1)" not in ids
    for r in body:
        for column in ("committed", "paid_in", "nav"):
            Decimal(r[header.index(column)])  # a plain number, never quoted
    assert not any(c.startswith(FORMULA_START) and c[1:2].isalpha() for r in body for c in r)

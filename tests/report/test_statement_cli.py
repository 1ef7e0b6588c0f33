"""`fundbook statement`: the LP report's statement (lines, order, figures) in three formats."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from report_kit import closed_book

from fundbook.cli import cli
from fundbook.report.lp import build_lp_context
from fundbook.report.render import load
from fundbook.report.statement import COLUMNS


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> dict[bool, Path]:
    root = tmp_path_factory.mktemp("statement")
    return {closed: closed_book(root / str(closed), close=closed) for closed in (True, False)}


def statement(db: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["statement", "--db", str(db), *args], catch_exceptions=False)


def _money(value: str | None) -> Decimal | None:
    return None if value in (None, "") else Decimal(value)


@pytest.mark.parametrize("closed", [True, False])
def test_the_figures_are_the_lp_reports(books: dict[bool, Path], closed: bool) -> None:
    db = books[closed]
    args = ("--fund", "sf1", "--investor", "pen", "--quarter", "2026Q3")
    result = statement(db, *args, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data["fund_id"], data["investor_id"], data["quarter"]) == ("sf1", "pen", "2026Q3")
    assert data["closed"] is closed and data["currency"] == "HKD"
    report = build_lp_context(load(db, "2026Q3"), "sf1", "pen")
    assert [line["line"] for line in data["lines"]] == [s.key for s in report.statement]
    assert [line["label"] for line in data["lines"]] == [s.label for s in report.statement]
    for line, shown in zip(data["lines"], report.statement, strict=True):
        figs = (*shown.investor, *shown.fund)
        expected = [None if f.kind == "not_modelled" else f.value for f in figs]
        assert [_money(line[c]) for c in COLUMNS] == expected, line["line"]
    ending = next(line for line in data["lines"] if line["line"] == "ending_nav")
    assert Decimal(ending["investor_itd"]) > 0
    # fee offsets: the book has no fee terms, so the line is not modelled (null)
    offsets = next(line for line in data["lines"] if line["line"] == "fee_offsets")
    assert offsets["investor_qtd"] is None

    table = statement(db, *args)
    assert table.exit_code == 0, table.output
    first = table.output.splitlines()[0]
    assert "Alpha Pension Trust (pen)" in first and ("DRAFT" in first) is not closed
    assert "not modelled" in table.output and "Ending NAV" in table.output

    rows = list(csv.DictReader(io.StringIO(statement(db, *args, "--format", "csv").output)))
    assert [r["line"] for r in rows] == [line["line"] for line in data["lines"]]
    assert rows[-1]["fund_itd"] == data["lines"][-1]["fund_itd"]
    assert next(r for r in rows if r["line"] == "fee_offsets")["investor_qtd"] == ""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--fund", "nope", "--investor", "pen", "--quarter", "2026Q3"), "unknown fund 'nope'"),
        (("--fund", "sf1", "--investor", "nope", "--quarter", "2026Q3"), "unknown investor"),
        (("--fund", "sf2", "--investor", "pen", "--quarter", "2026Q3"), "is not a partner"),
        (("--fund", "sf1", "--investor", "pen", "--quarter", "2026Q5"), "is not a"),
        (("--fund", "sf1", "--investor", "pen", "--quarter", "2026-08"), "is not a quarter"),
    ],
)
def test_clear_errors(books: dict[bool, Path], args: tuple[str, ...], message: str) -> None:
    result = statement(books[True], *args)
    assert result.exit_code != 0
    assert message in result.output and "Traceback" not in result.output

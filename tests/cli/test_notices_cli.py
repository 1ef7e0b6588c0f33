"""`fundbook notices` on the small book with calls (tests/calls_kit.py): files, exit codes,
--call / --quarter, and a notice naming only its partner."""

from __future__ import annotations

from pathlib import Path

import pytest
from calls_kit import calls_book
from click.testing import CliRunner, Result

from fundbook.cli import cli


@pytest.fixture(scope="module")
def calls_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("calls")
    db = root / "book.duckdb"
    result = CliRunner().invoke(cli, ["import", str(calls_book(root / "ledger")), "--db", str(db)])
    assert result.exit_code == 0, result.output
    return db


def _notices(db: Path, out: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["notices", "--db", str(db), "--out", str(out), *args])


def test_one_call(calls_db: Path, tmp_path: Path) -> None:
    result = _notices(calls_db, tmp_path, "--fund", "sf1", "--call", "sf1-c01")
    assert result.exit_code == 0, result.output
    assert f"notices: 2 HTML, 0 PDF (2 files) in {tmp_path}" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "notice-sf1-c01-gf-lp.html",
        "notice-sf1-c01-pen.html",
    ]


def test_a_quarter(calls_db: Path, tmp_path: Path) -> None:
    result = _notices(calls_db, tmp_path, "--fund", "sf1", "--quarter", "2026Q2")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "notice-sf1-d01-gf-lp.html",
        "notice-sf1-d01-pen.html",
    ]


def test_a_notice_names_only_its_partner(calls_db: Path, tmp_path: Path) -> None:
    assert _notices(calls_db, tmp_path, "--fund", "sf1", "--call", "sf1-c01").exit_code == 0
    pen = (tmp_path / "notice-sf1-c01-pen.html").read_text(encoding="utf-8")
    gf = (tmp_path / "notice-sf1-c01-gf-lp.html").read_text(encoding="utf-8")
    assert "Pension Fund (pen)" in pen and "sf1-c01/pen" in pen
    assert "gf-lp" not in pen and "Guidance Fund as LP" not in pen
    assert "Guidance Fund as LP (gf-lp)" in gf
    assert "Pension Fund" not in gf and "pen)" not in gf
    # its own amount and purpose lines, the call's total, its account before and after
    for shown in ("50.00", "33.33", "8.33", "8.34", "200.00", "250.00", "2026-01-10"):
        assert shown in gf


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--fund", "sf1"], 1, "give either --call ID or --quarter YYYYQn"),
        (["--fund", "sf1", "--call", "x", "--quarter", "2026Q1"], 1, "give either"),
        (["--fund", "sf1", "--call", "sf1-c09"], 1, "no call sf1-c09 in the book"),
        (["--fund", "gf", "--call", "sf1-c01"], 1, "call sf1-c01 is a call of sf1, not gf"),
        (["--fund", "zz", "--call", "sf1-c01"], 1, "no fund zz in the book"),
        (["--fund", "sf1", "--quarter", "2026Q3"], 1, "no call of sf1 noticed in 2026Q3"),
        (["--fund", "sf1", "--quarter", "2026-07"], 1, "is not a quarter"),
        (["--fund", "sf1", "--call", "sf1-c01", "--lang", "xx"], 1, "no such report language"),
    ],
)
def test_errors_and_exit_codes(
    calls_db: Path, tmp_path: Path, args: list[str], code: int, message: str
) -> None:
    result = _notices(calls_db, tmp_path, *args)
    assert result.exit_code == code, result.output
    assert message in result.output
    assert not any(tmp_path.iterdir())

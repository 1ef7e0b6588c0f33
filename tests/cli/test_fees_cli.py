"""`fundbook fees` on docs/methods.md's worked example as a ledger (tests/fee_kit.py): the same
figures as the metrics, the over-billing shown, the JSON contract, clean errors; and the
close's warning."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from fee_kit import write_fee_book

from fundbook.cli import cli
from fundbook.close.closing import close_period

OVER_BILLING = (
    "fund F: management fees booked in 2025Q3 216875.00 differ from the fees computed from its "
    "terms 206875.00 by 10000.00 (more than its fee_tolerance 1.00); see `fundbook fees --fund "
    "F --quarter 2025Q3`"
)


def _fees(db: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["fees", *args, "--db", str(db)])


@pytest.fixture(scope="module")
def fee_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("fees")
    ledger = write_fee_book(root / "ledger")
    db = root / "book.duckdb"
    result = CliRunner().invoke(cli, ["import", str(ledger), "--db", str(db)])
    assert result.exit_code == 0, result.output
    return db


def test_the_json_contract_and_the_over_billing(fee_db: Path) -> None:
    result = _fees(fee_db, "--fund", "F", "--quarter", "2025Q3", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [(r["line"], r["investor_id"]) for r in rows] == [
        ("partner", "A"),
        ("partner", "B"),
        ("partner", "GP"),
        ("fund", None),
    ]
    a, fund = rows[0], rows[-1]
    assert a == {
        "line": "partner",
        "fund_id": "F",
        "quarter": "2025Q3",
        "investor_id": "A",
        "pays_fee": True,
        "fee_gross": "343750.00",
        "fee_discount": "0.00",
        "fee_offset": "184615.38",
        "fee_catch_up": "0.00",
        "fee_net": "159134.62",
        "booked_own": "0.00",
        "booked_fund_share": "166826.93",
        "booked": "166826.93",
        "difference": "7692.31",
        "fee_tolerance": None,
        "within_tolerance": None,
    }
    assert (fund["fee_net"], fund["booked"], fund["difference"]) == (
        "206875.00",
        "216875.00",
        "10000.00",
    )
    assert (fund["fee_tolerance"], fund["within_tolerance"]) == ("1.00", False)


def test_a_quarter_that_matches(fee_db: Path) -> None:
    result = _fees(fee_db, "--fund", "F", "--quarter", "2025Q2", "--format", "csv")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[-1] == (
        "fund,F,2025Q2,,,800000.00,75000.00,0.00,165934.07,725000.00,225000.00,500000.00,"
        "725000.00,0.00,1.00,True"
    )


def test_the_table_shows_the_difference(fee_db: Path) -> None:
    result = _fees(fee_db, "--fund", "F", "--quarter", "2025q3")
    assert result.exit_code == 0, result.output
    assert "10,000.00" in result.output and "7,692.31" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--fund", "zz", "--quarter", "2025Q3"), "Error: unknown fund 'zz'"),
        (("--fund", "F", "--quarter", "2025-09"), "Error: '2025-09' is not a quarter like 2026Q3"),
        (("--fund", "F", "--quarter", "2025Q5"), "Error: '2025Q5' is not a quarter like 2026Q3"),
        (
            ("--fund", "F", "--quarter", "2027Q1"),
            "Error: 2027Q1 starts after the book's last row (2025-09-10): no fee is booked for "
            "it yet, so there is nothing to check",
        ),
        (
            ("--fund", "F", "--quarter", "2024Q4"),
            "Error: fund F has no management fees in 2024Q4 (before its first closing)",
        ),
    ],
)
def test_clear_errors(fee_db: Path, args: tuple[str, ...], message: str) -> None:
    result = _fees(fee_db, *args)
    assert result.exit_code == 1
    assert result.output.strip() == message


def test_a_fund_without_fee_terms(tmp_path: Path) -> None:
    ledger = write_fee_book(tmp_path / "ledger", terms="F,,,,,,,,")
    db = tmp_path / "book.duckdb"
    assert CliRunner().invoke(cli, ["import", str(ledger), "--db", str(db)]).exit_code == 0
    result = _fees(db, "--fund", "F", "--quarter", "2025Q3")
    assert result.exit_code == 1
    assert result.output.strip() == (
        "Error: no fee terms for fund F (terms.csv gives it no fee_rate_investment_period or "
        "fee_rate_after)"
    )


def test_the_close_warns_of_the_over_billing(tmp_path: Path) -> None:
    ledger = write_fee_book(tmp_path / "ledger")
    db = tmp_path / "book.duckdb"
    first = close_period(db, "2025-09", ledger_dir=str(ledger))
    assert OVER_BILLING in first.warnings
    assert not [w for w in first.warnings if "2025Q2" in w or "2025Q1" in w]


def test_no_warning_within_the_tolerance(tmp_path: Path) -> None:
    terms = "F,0.02,commitment,0.015,net_invested_capital,quarterly_advance,0.8,GP,10000.00"
    ledger = write_fee_book(tmp_path / "ledger", terms=terms)
    result = close_period(tmp_path / "book.duckdb", "2025-09", ledger_dir=str(ledger))
    assert not [w for w in result.warnings if "management fees" in w]

"""The book-of-record commands on the demo book, as a user runs them."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from fundbook.cli import cli
from fundbook.store.db import connect
from fundbook.store.importer import table_counts

DEMO = Path(__file__).resolve().parents[2] / "ledgers" / "itif-demo"


def run(*args: str) -> object:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture
def demo_db(tmp_path: Path) -> Path:
    db = tmp_path / "demo.duckdb"
    result = run("import", str(DEMO), "--db", str(db), "--quiet")
    assert result.exit_code == 0, result.output
    return db


def counts(db: Path) -> dict[str, int]:
    con = connect(db)
    try:
        return table_counts(con)
    finally:
        con.close()


def test_version_and_help() -> None:
    assert run("--version").exit_code == 0
    for command in ("init", "import", "trial-balance", "demo"):
        result = run(command, "--help")
        assert result.exit_code == 0, result.output
        assert "Usage" in result.output


def test_import_twice_reports_nothing_new(demo_db: Path) -> None:
    before = counts(demo_db)
    result = run("import", str(DEMO), "--db", str(demo_db), "--quiet")
    assert result.exit_code == 0, result.output
    assert "nothing new" in result.output
    assert counts(demo_db) == before


def _broken_copy(tmp_path: Path) -> tuple[Path, dict[str, int]]:
    broken = tmp_path / "broken"
    shutil.copytree(DEMO, broken)
    path = broken / "transactions.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], rows[1:]
    col = {name: i for i, name in enumerate(header)}

    def row(n: int, **changes: str) -> list[str]:
        new = list(body[n])
        if "call_id" in col:  # a new row belongs to no call (the demo's first rows do)
            new[col["call_id"]] = ""
        for k, v in changes.items():
            new[col[k]] = v
        return new

    extra = [
        row(0, txn_id="bad-fund", fund_id="no-such-fund"),
        row(1, txn_id="bad-date", date="2026-13-01"),
        row(2, txn_id="bad-neg", amount="-5"),
        row(3, txn_id="bad-dec", amount="1.234"),
        row(4, amount="999.99"),  # a duplicate txn_id with a different amount
    ]
    with path.open("a", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(extra)
    first = len(rows) + 1
    return broken, {
        "bad-fund": first,
        "bad-date": first + 1,
        "bad-neg": first + 2,
        "bad-dec": first + 3,
        "dup": first + 4,
    }


def test_broken_demo_reports_each_problem_and_writes_nothing(tmp_path: Path, demo_db: Path) -> None:
    broken, lines = _broken_copy(tmp_path)
    before = counts(demo_db)
    result = CliRunner().invoke(cli, ["import", str(broken), "--db", str(demo_db), "--quiet"])
    assert result.exit_code == 1, result.output
    problems = [line for line in result.stderr.splitlines() if ".csv:" in line]
    where = f"{broken}/transactions.csv"
    assert len(problems) == 5, result.stderr
    assert problems[0].startswith(f"{where}:{lines['bad-fund']}: unknown fund_id 'no-such-fund'")
    assert problems[1].startswith(f"{where}:{lines['bad-date']}: bad date '2026-13-01'")
    assert problems[2].startswith(f"{where}:{lines['bad-neg']}: amount '-5' is negative")
    assert problems[3].startswith(f"{where}:{lines['bad-dec']}: amount '1.234' has more than 2")
    assert problems[4].startswith(f"{where}:{lines['dup']}: duplicate txn_id")
    assert "5 problems found; nothing was written." in result.stderr
    assert counts(demo_db) == before


def test_broken_demo_into_empty_book_writes_nothing(tmp_path: Path) -> None:
    broken, _ = _broken_copy(tmp_path)
    db = tmp_path / "empty.duckdb"
    result = CliRunner().invoke(cli, ["import", str(broken), "--db", str(db)])
    assert result.exit_code == 1
    assert sum(counts(db).values()) == 0


@pytest.mark.parametrize("as_of", ["2019-12-31", "2024-06-30", "2026-03-31", "2026-10-31"])
def test_trial_balance_of_demo_balances(demo_db: Path, as_of: str) -> None:
    result = run(
        "trial-balance", "--as-of", as_of, "--db", str(demo_db), "--totals", "--format", "json"
    )
    assert result.exit_code == 0, result.output
    totals = json.loads(result.output)
    assert totals and all(t["balanced"] for t in totals)
    assert all(t["debit"] == t["credit"] for t in totals)
    assert all(isinstance(t["debit"], str) for t in totals)  # money is a decimal string


def test_trial_balance_formats(demo_db: Path) -> None:
    for fmt in ("table", "csv"):
        result = run(
            "trial-balance",
            "--as-of",
            "2026-10-31",
            "--fund",
            "sf-semis",
            "--db",
            str(demo_db),
            "--format",
            fmt,
        )
        assert result.exit_code == 0, result.output
        assert "USD" in result.output


def test_unknown_fund_is_a_clean_error(demo_db: Path) -> None:
    result = CliRunner().invoke(
        cli, ["trial-balance", "--as-of", "2026-10-31", "--fund", "zz", "--db", str(demo_db)]
    )
    assert result.exit_code != 0
    assert "unknown fund 'zz'" in result.output
    assert "Traceback" not in result.output


def test_missing_database_is_a_clean_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["trial-balance", "--as-of", "2026-10-31", "--db", str(tmp_path / "none.duckdb")]
    )
    assert result.exit_code == 1
    assert "no book at" in result.output

"""Property test through the database: any generated book closes month by month (so every
roll-forward identity held), verifies, and reproduces with 0 differences."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from close_kit import run
from hypothesis import HealthCheck, given, settings
from test_close_identities import BOOKS, MONTHS

from fundbook.close.closing import close_period
from ledger_kit import write_book

COLUMNS = {
    "funds": ("fund_id", "name", "kind", "currency", "=2026", "=GP", "", ""),
    "investors": ("investor_id", "name", "kind", ""),
    "companies": ("company_id", "name", "theme", "hk_nexus", "country"),
    "commitments": ("fund_id", "investor_id", "date", "amount_fund", "=HKD"),
    "transactions": (
        "txn_id",
        "date",
        "fund_id",
        "type",
        "investor_id",
        "holding_id",
        "amount_fund",
        "=HKD",
        "",
    ),
    "valuations": ("date", "fund_id", "holding_id", "fair_value_fund", "=HKD"),
}


def _cell(row: dict[str, Any], column: str) -> str:
    if column.startswith("="):
        return column[1:]
    value = row.get(column) if column else None
    if value is None:
        return ""
    return str(value).lower() if isinstance(value, bool) else str(value)


def ledger_rows(rows: dict[str, list[dict[str, Any]]]) -> dict[str, list[str]]:
    """The generated book as ledger CSV lines (contract v1, HKD only)."""
    book = {
        name: [",".join(_cell(r, c) for c in cols) for r in rows.get(name, [])]
        for name, cols in COLUMNS.items()
    }
    book["fx_rates"] = []
    return book


@settings(
    max_examples=3,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(BOOKS)
def test_generated_books_close_verify_and_reproduce(tmp_path: Path, rows: dict[str, Any]) -> None:
    root = tmp_path / f"book-{abs(hash(repr(rows)))}"
    ledger = write_book(root / "ledger", ledger_rows(rows))
    db = root / "book.duckdb"
    for n, period in enumerate(MONTHS):
        result = close_period(
            db, str(period), ledger_dir=str(ledger) if n == 0 else None, carry_forward=True
        )
        assert result.close_id == n + 1
    assert run("audit", "verify", "--db", str(db)).exit_code == 0
    last = run("audit", "reproduce", str(MONTHS[-1]), "--db", str(db))
    assert last.exit_code == 0, last.output
    assert last.output.strip().endswith(" 0 differences")

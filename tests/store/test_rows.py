"""A query read as `Rows` (DuckDB alone) prints byte for byte as its polars frame does, and the
trial balance totals in SQL are the totals polars computes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from fundbook.cli.output import FORMATS, render
from fundbook.close.ledger import ledger_rows, trial_balance
from fundbook.core.table import MONEY, NUMBER, OTHER
from fundbook.store.db import frame, open_book, open_duckdb, rows
from ledger_kit import write_book

# Every type the commands print, with the values that format differently: nulls, NaN, negative
# and large money, text with separators, quotes, newlines and a leading formula character.
# (Not HUGEINT: polars reads it as Decimal(38, 0), printed as money; `rows` prints a number.
# No command prints one: DuckDB sums are cast to DECIMAL or BIGINT in sql/.)
TYPED = """
SELECT * FROM (VALUES
    ('a', 1.5::DECIMAL(38,2), -1234567.891::DECIMAL(18,3), 12::BIGINT, 7::INTEGER,
     0.123456789::DOUBLE, 2.5::FLOAT, DATE '2026-03-31', TIMESTAMP '2026-03-31 12:00:01.5',
     true, 3::UTINYINT),
    ('=b,"c"' || chr(10) || 'd', NULL, 0::DECIMAL(18,3), NULL, -7, 'NaN'::DOUBLE, NULL, NULL,
     NULL, false, NULL),
    (NULL, -0.01::DECIMAL(38,2), NULL, 9007199254740993::BIGINT, NULL,
     NULL, -1.0, DATE '1999-01-01', NULL, NULL, 255),
    ('x' || chr(13) || 'y', 9999999999999.99::DECIMAL(38,2), 1::DECIMAL(18,3), -1::BIGINT, 0,
     -1e300::DOUBLE, 0, DATE '2030-12-31', TIMESTAMP '2030-12-31 00:00:00', true, 0)
) t(text, money, money3, huge, int, ratio, float32, day, stamp, flag, tiny)
"""


def test_rows_print_as_the_frame_prints() -> None:
    con = open_duckdb()
    try:
        got, want = rows(con, TYPED), frame(con, TYPED)
        assert got.kinds == (OTHER, MONEY, MONEY, NUMBER, NUMBER, NUMBER, NUMBER) + (OTHER,) * 3 + (
            NUMBER,
        )
        for fmt in FORMATS:
            assert render(got, fmt) == render(want, fmt), fmt
        empty = "SELECT 1::INTEGER AS n WHERE false"
        for fmt in FORMATS:
            assert render(rows(con, empty), fmt) == render(frame(con, empty), fmt), fmt
    finally:
        con.close()


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from click.testing import CliRunner

    from fundbook.cli import cli

    root = tmp_path_factory.mktemp("tb")
    ledger = write_book(root / "ledger")
    result = CliRunner().invoke(cli, ["import", str(ledger), "--db", str(root / "b.duckdb")])
    assert result.exit_code == 0, result.output
    return root / "b.duckdb"


def _totals(accounts: pl.DataFrame) -> pl.DataFrame:
    """The test's own totals per fund and currency, to check the SQL ones against."""
    return (
        accounts.group_by("fund_id", "currency", maintain_order=True)
        .agg(pl.col("debit").sum(), pl.col("credit").sum())
        .with_columns((pl.col("debit") - pl.col("credit")).alias("difference"))
        .with_columns((pl.col("difference") == 0).alias("balanced"))
    )


@pytest.mark.parametrize("fund_id", [None, "sf1", "sf2"])
def test_trial_balance_totals_in_sql_are_the_accounts_summed(imported: Path, fund_id: str | None):
    printed = 0
    with open_book(imported, read_only=True) as con:
        for day in (dt.date(2026, 1, 31), dt.date(2026, 6, 30), dt.date(2030, 1, 1)):
            balance = trial_balance(ledger_rows(con, day, fund_id))
            rows = balance.accounts
            accounts = pl.DataFrame(rows.rows, schema=list(rows.columns), orient="row")
            printed += balance.accounts.height
            for fmt in FORMATS:
                assert render(balance.totals, fmt) == render(_totals(accounts), fmt)
            assert balance.unbalanced == 0
    assert printed > 0

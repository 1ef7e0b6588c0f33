"""The DuckDB book: atomic, idempotent import; balanced postings; locks; no float money."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from fundbook.cli import cli
from fundbook.close.ledger import ledger_rows, trial_balance
from fundbook.core.errors import LedgerErrors
from fundbook.store.db import connect, scalar
from fundbook.store.importer import import_book, table_counts
from ledger_kit import SMALL_BOOK, write_book

T = SMALL_BOOK["transactions"]


@pytest.fixture
def con(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    return connect(tmp_path / "book.duckdb")


def test_import_books_every_row_with_two_postings_each(tmp_path: Path, con) -> None:
    result = import_book(con, write_book(tmp_path / "b"))
    counts = table_counts(con)
    assert result.total_new == sum(len(v) for v in SMALL_BOOK.values())
    assert counts["transactions"] == len(T)
    assert counts["postings"] == 2 * len(T)
    assert result.postings == 2 * len(T)


def test_second_import_books_nothing(tmp_path: Path, con) -> None:
    root = write_book(tmp_path / "b")
    import_book(con, root)
    before = table_counts(con)
    again = import_book(con, root)
    assert again.total_new == 0 and again.import_id is None
    assert table_counts(con) == before


def test_new_rows_are_appended(tmp_path: Path, con) -> None:
    import_book(con, write_book(tmp_path / "b"))
    more = [*T, "t10,2026-04-01,sf1,income,,c1,3.50,HKD,dividend"]
    result = import_book(con, write_book(tmp_path / "b", transactions=more))
    assert result.new_rows["transactions"] == 1
    assert result.new_rows["funds"] == 0
    assert table_counts(con)["postings"] == 2 * len(more)


def test_errors_write_nothing(tmp_path: Path, con) -> None:
    import_book(con, write_book(tmp_path / "b"))
    before = table_counts(con)
    broken = [*T, "t10,2026-04-01,sf1,income,,c1,3.50,HKD,", "t11,2026-13-01,sf1,fee,,,1,HKD,"]
    with pytest.raises(LedgerErrors) as info:
        import_book(con, write_book(tmp_path / "b", transactions=broken))
    assert len(info.value.errors) == 1
    assert table_counts(con) == before


def test_changed_booked_row_is_refused(tmp_path: Path, con) -> None:
    root = write_book(tmp_path / "b")
    import_book(con, root)
    changed = [r.replace("150.00", "151.00") if r.startswith("t3,") else r for r in T]
    with pytest.raises(LedgerErrors) as info:
        import_book(con, write_book(tmp_path / "b", transactions=changed))
    assert [str(e) for e in info.value.errors] == [
        f"{root}/transactions.csv:4: txn_id 't3' is already booked with different content "
        "(booked from transactions.csv:4); booked rows never change: add a reversing or "
        "adjusting row instead"
    ]


def test_row_in_closed_period_is_refused(tmp_path: Path, con) -> None:
    root = write_book(tmp_path / "b")
    import_book(con, root)
    con.execute(
        "INSERT INTO period_locks VALUES ('2026-03', DATE '2026-03-01', "
        "DATE '2026-03-31', NULL, now()::TIMESTAMP)"
    )
    before = table_counts(con)
    late = [*T, "t10,2026-03-15,sf1,income,,c1,3.50,HKD,", "t11,2026-04-02,sf1,income,,c1,1,HKD,"]
    with pytest.raises(LedgerErrors) as info:
        import_book(con, write_book(tmp_path / "b", transactions=late))
    assert [str(e) for e in info.value.errors] == [
        f"{root}/transactions.csv:11: row dated 2026-03-15 falls in a closed period (the book "
        "is closed through 2026-03-31); closed periods never change: book a reversing or "
        "adjusting row dated after 2026-03-31 instead"
    ]
    assert table_counts(con) == before


def test_cross_currency_rows_are_converted(tmp_path: Path, con) -> None:
    rows = [*T, "t10,2026-03-03,sf2,expense,,,78.10,HKD,legal fees paid in HKD"]
    import_book(con, write_book(tmp_path / "b", transactions=rows))
    converted = scalar(con, "SELECT amount_fund FROM transactions WHERE txn_id = 't10'")
    assert str(converted) == "10.00"  # 78.10 HKD at 7.81 HKD per USD


def test_trial_balance_balances(tmp_path: Path, con) -> None:
    import_book(con, write_book(tmp_path / "b"))
    for day in (dt.date(2026, 1, 10), dt.date(2026, 2, 1), dt.date(2026, 12, 31)):
        balance = trial_balance(ledger_rows(con, day))
        assert balance.totals.height and balance.unbalanced == 0, balance.totals.records()


def test_no_money_column_is_float(tmp_path: Path, con) -> None:
    import_book(con, write_book(tmp_path / "b"))
    rows = con.execute(
        "SELECT table_name, column_name, data_type FROM information_schema.columns "
        "WHERE data_type IN ('FLOAT', 'DOUBLE', 'REAL') OR data_type LIKE 'DECIMAL%'"
    ).fetchall()
    floats = [(t, c) for t, c, d in rows if not d.startswith("DECIMAL")]
    money_like = ("amount", "fair_value", "debit", "credit", "value", "nav", "cash")
    # ratios of money (snapshot_*.share_of_fair_value, cumulative_share_of_fair_value) are floats
    shares = ("share_of_", "cumulative_share_of_")
    assert [
        f for f in floats if any(m in f[1] for m in money_like) and not f[1].startswith(shares)
    ] == []
    assert any(d.startswith("DECIMAL") for _, _, d in rows)


def test_the_import_message_counts_the_cash_journal_lines_it_wrote(tmp_path: Path) -> None:
    """A write-off (amount 0.00, no cash) posts no line to the cash journal (`postings`): the
    import says how many lines the journal gained, not two per transaction."""
    db = tmp_path / "book.duckdb"
    written_off = [*T, "t10,2026-04-01,sf1,write_off,,c1,0.00,HKD,liquidation"]
    counted = []
    marks = SMALL_BOOK["valuations"]
    for rows, valuations in ((T[:4], []), (written_off, marks)):
        ledger = write_book(tmp_path / "b", transactions=rows, valuations=valuations)
        result = CliRunner().invoke(cli, ["import", str(ledger), "--db", str(db)])
        assert result.exit_code == 0, result.output
        said = re.search(r"\(([\d,]+) postings to the cash journal\)", result.output)
        assert said, result.output
        counted.append(int(said.group(1).replace(",", "")))
    with connect(db) as con:
        lines = int(scalar(con, "SELECT count(*) FROM postings"))
    # the second import books 6 transactions: 2 lines each but the write-off's
    assert counted == [2 * 4, 2 * (len(written_off) - 4 - 1)]
    assert sum(counted) == lines == 2 * len(T)

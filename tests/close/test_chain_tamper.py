"""Every stored byte under the hash chain: one cell of every column of every table changed, and
one row of every table deleted, in a closed copy of the demo book; `audit verify` must fail
each time, without a traceback, naming the table and the row."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from close_kit import plain_sql, run

from fundbook.close import chain
from fundbook.close.closing import close_period
from fundbook.close.reopen import reopen_period
from fundbook.demo import DEMO_LEDGER
from fundbook.store.db import apply_schema


def _schema() -> list[chain.Table]:
    mem = duckdb.connect(":memory:")
    try:
        apply_schema(mem)
        return chain.tables(mem)
    finally:
        mem.close()


TABLES = _schema()
COLUMNS = [(t.name, c[0], c[1]) for t in TABLES for c in t.columns]
ALL_TABLES = [chain.CHAIN_TABLE, *(t.name for t in TABLES)]


def _changed(column: str, dtype: str) -> str:
    """SQL of a different value of the column's type (NULL becomes a value)."""
    c = f'"{column}"'
    if dtype.startswith(("DECIMAL", "NUMERIC")):
        return f"coalesce({c} + 0.01, 1)"
    if dtype in ("INTEGER", "BIGINT", "UBIGINT", "HUGEINT", "SMALLINT"):
        return f"coalesce({c} + 1000, 1000)"
    if dtype == "DOUBLE":
        return f"coalesce({c} + 1, 1)"
    if dtype == "DATE":
        return f"coalesce({c} + 1, DATE '2000-01-01')"
    if dtype.startswith("TIMESTAMP"):
        return f"coalesce({c} + INTERVAL 1 SECOND, TIMESTAMP '2000-01-01')"
    if dtype == "BOOLEAN":
        return f"coalesce(NOT {c}, true)"
    assert dtype == "VARCHAR", dtype
    return f"coalesce({c} || 'x', 'x')"


@pytest.fixture(scope="module")
def demo_closed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo book closed twice, the second close reopened and closed again, so that every
    table (reopenings included) holds rows."""
    db = tmp_path_factory.mktemp("tamper") / "demo.duckdb"
    close_period(db, "2025-12", ledger_dir=str(DEMO_LEDGER))
    close_period(db, "2026-01", carry_forward=True)
    reopen_period(db, "2026-01", "late invoice")
    close_period(db, "2026-01", carry_forward=True)
    con = duckdb.connect(str(db), read_only=True)
    try:
        for table in ALL_TABLES:
            assert con.execute(f'SELECT count(*) FROM "{table}"').fetchall()[0][0], table
    finally:
        con.close()
    assert run("audit", "verify", "--db", str(db)).exit_code == 0
    return db


@pytest.fixture
def demo(demo_closed: Path, tmp_path: Path) -> Path:
    db = tmp_path / "demo.duckdb"
    shutil.copyfile(demo_closed, db)
    return db


def _verify_fails(db: Path, table: str) -> str:
    result = run("audit", "verify", "--db", str(db))  # a traceback would raise here
    assert result.exit_code == 1, result.output
    message = result.stderr
    assert message.startswith("Error: ") and "Traceback" not in message, message
    if table == chain.CHAIN_TABLE:
        assert f"{chain.CHAIN_TABLE}, row seq=" in message, message
    else:
        assert f"table {table}" in message, message
    return message


@pytest.mark.parametrize(
    ("table", "column", "dtype"), COLUMNS, ids=[f"{t}.{c}" for t, c, _ in COLUMNS]
)
def test_one_changed_cell_is_caught(demo: Path, table: str, column: str, dtype: str) -> None:
    value = _changed(column, dtype)
    plain_sql(
        demo,
        f'UPDATE "{table}" SET "{column}" = {value} WHERE rowid = (SELECT coalesce('
        f'(SELECT min(rowid) FROM "{table}" WHERE "{column}" IS NOT NULL), '
        f'(SELECT min(rowid) FROM "{table}")))',
    )
    message = _verify_fails(demo, table)
    if table not in (chain.CHAIN_TABLE, chain.ROWS_TABLE):
        assert ", row " in message, message


@pytest.mark.parametrize(
    ("table", "column", "dtype"),
    [c for c in COLUMNS if c[0] in chain.KEYS and c[0] != chain.CHAIN_TABLE][:0]
    + [(t, "", "") for t in ALL_TABLES],
    ids=ALL_TABLES,
)
def test_one_deleted_row_is_caught(demo: Path, table: str, column: str, dtype: str) -> None:
    plain_sql(demo, f'DELETE FROM "{table}" WHERE rowid = (SELECT min(rowid) FROM "{table}")')
    message = _verify_fails(demo, table)
    if table not in (chain.CHAIN_TABLE,):
        assert ", row " in message or "recorded row of" in message, message


@pytest.mark.parametrize(("before", "after"), [("NULL", "''"), ("NULL", "'\\N'"), ("''", "'\\N'")])
def test_null_empty_and_backslash_n_differ(demo: Path, before: str, after: str) -> None:
    """The canonical encoding tells NULL, '' and the text \\N apart."""
    plain_sql(demo, f"UPDATE transactions SET memo = {before} WHERE txn_id = 'itif-00001'")
    # rewrite the chain as a forger would not be able to: instead, check the encodings differ
    con = duckdb.connect(str(demo), read_only=True)
    try:
        table = next(t for t in chain.tables(con) if t.name == "transactions")
        lines = [
            con.sql(
                f"SELECT {chain.line_expr(table)} FROM (SELECT * REPLACE ({v}::VARCHAR AS memo) "
                "FROM transactions WHERE txn_id = 'itif-00001') x"
            ).fetchall()[0][0]
            for v in (before, after)
        ]
    finally:
        con.close()
    assert lines[0] != lines[1]
    plain_sql(demo, f"UPDATE transactions SET memo = {after} WHERE txn_id = 'itif-00001'")
    _verify_fails(demo, "transactions")


def test_a_row_with_an_import_id_beyond_the_latest_import_is_caught(demo: Path) -> None:
    plain_sql(
        demo,
        "INSERT INTO funds SELECT * REPLACE ('forged' AS fund_id, "
        "(SELECT max(import_id) + 1 FROM imports) AS import_id) FROM funds LIMIT 1",
    )
    message = _verify_fails(demo, "funds")
    assert "fund_id=forged" in message and "import_id above the latest import" in message


def test_a_new_table_is_caught(demo: Path) -> None:
    plain_sql(demo, "CREATE TABLE side_notes (note VARCHAR); INSERT INTO side_notes VALUES ('x')")
    message = _verify_fails(demo, "side_notes")
    assert "not covered by the hash chain" in message


def test_a_changed_view_is_caught(demo: Path) -> None:
    plain_sql(
        demo,
        "CREATE OR REPLACE VIEW postings AS SELECT * FROM transactions WHERE false",
    )
    result = run("audit", "verify", "--db", str(demo))
    assert result.exit_code == 1 and "view" in result.stderr, result.output


def test_expect_head_catches_deleted_closes(demo: Path) -> None:
    ok = run("audit", "verify", "--db", str(demo))
    head = ok.stderr.strip().rsplit(" ", 1)[-1]
    assert len(head) == 64
    assert run("audit", "verify", "--db", str(demo), "--expect-head", head).exit_code == 0
    # delete the latest close with everything it wrote: the rest of the chain still verifies
    con = duckdb.connect(str(demo))
    try:
        seq, close_id = con.execute(
            "SELECT seq, close_id FROM audit_chain ORDER BY seq DESC LIMIT 1"
        ).fetchall()[0]
        con.execute(f"DELETE FROM audit_rows WHERE seq = {seq}")
        con.execute(f"DELETE FROM audit_chain WHERE seq = {seq}")
        for table in ("close_figures", "close_statements", "period_locks", "closes"):
            con.execute(f"DELETE FROM {table} WHERE close_id = {close_id}")
        con.execute("UPDATE period_locks SET period = period WHERE false")
    finally:
        con.close()
    result = run("audit", "verify", "--db", str(demo), "--expect-head", head)
    assert result.exit_code == 1
    assert f"the chain does not end at {head}" in result.stderr


def test_every_table_of_the_schema_is_covered(demo_closed: Path) -> None:
    """Coverage comes from the catalog: only the chain itself is outside it, and the head
    event of a closed book records every other table."""
    import json

    con = duckdb.connect(str(demo_closed), read_only=True)
    try:
        names = {t.name for t in chain.tables(con)}
        base = {
            r[0]
            for r in con.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_type = 'BASE TABLE' AND table_schema = 'main'"
            ).fetchall()
        }
        digests = json.loads(
            con.execute("SELECT digests FROM audit_chain ORDER BY seq DESC LIMIT 1").fetchall()[0][
                0
            ]
        )
    finally:
        con.close()
    assert base - names == set(chain.NOT_HASHED)
    assert names <= set(digests)

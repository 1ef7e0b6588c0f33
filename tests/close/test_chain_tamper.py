"""Every stored byte under the hash chain: one cell of every column of every table changed, and
one row of every table deleted, in a closed copy of the demo book; `audit verify` must fail
each time, without a traceback, naming the table and the row."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import duckdb
import pytest
from close_kit import plain_sql, run
from fee_kit import with_fee_terms

from fundbook.close.closing import close_period
from fundbook.close.reopen import reopen_period
from fundbook.demo import DEMO_LEDGER
from fundbook.store import chain
from fundbook.store.db import apply_schema, open_duckdb


def _schema() -> list[chain.Table]:
    mem = duckdb.connect(":memory:")
    try:
        apply_schema(mem)
        return chain.tables(mem)
    finally:
        mem.close()


def _checked_through_the_cli(tables: list[chain.Table]) -> list[tuple[str, str, str]]:
    """Every column, but of the snapshot tables (one per level, ~170 columns in all) only the
    first figure of each table and the first column of each type: the others are encoded alike
    (the way of their type), and each is checked in-process by
    `test_every_snapshot_column_is_in_its_digest`."""
    out, seen = [], set()
    for t in tables:
        snapshot = t.name.startswith(chain.SNAPSHOT_PREFIX)
        for i, (name, dtype, _) in enumerate(t.columns):
            if not snapshot or i == len(t.key) or dtype not in seen:
                out.append((t.name, name, dtype))
            seen.update([dtype] if snapshot else [])
    return out


TABLES = _schema()
COLUMNS = _checked_through_the_cli(TABLES)
ALL_TABLES = [chain.CHAIN_TABLE, *(t.name for t in TABLES)]
SNAPSHOT_TABLES = [t.name for t in TABLES if t.name.startswith(chain.SNAPSHOT_PREFIX)]


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


def _demo_ledger(ledger: Path) -> Path:
    """A copy of the demo ledger (its terms.csv gives the terms table rows; ITVF's fee terms
    the fee check's; one more GP statement the reconcile level's)."""
    shutil.copytree(DEMO_LEDGER, ledger)
    assert (ledger / "terms.csv").read_text(encoding="utf-8").count("\n") > 1
    # a GP statement received by February, so that the close's reconcile level holds rows
    with (ledger / "gp_statements.csv").open("a", encoding="utf-8") as fh:
        fh.write("2026-01-31,itif,sf-lifesci,6800000.00,HKD,2026-02-20,,,,\n")
    return with_fee_terms(ledger)


@pytest.fixture(scope="module")
def demo_closed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo book (with a terms.csv) closed three times, the second close reopened and
    closed again, so that every table (reopenings included; look-through exposure from
    2026-02) holds rows."""
    db = tmp_path_factory.mktemp("tamper") / "demo.duckdb"
    ledger = _demo_ledger(db.parent / "ledger")
    close_period(db, "2025-12", ledger_dir=str(ledger))
    close_period(db, "2026-01", carry_forward=True)
    reopen_period(db, "2026-01", "late invoice")
    close_period(db, "2026-01", carry_forward=True)
    close_period(db, "2026-02", carry_forward=True)
    con = duckdb.connect(str(db), read_only=True)
    try:
        for table in ALL_TABLES:
            assert con.execute(f'SELECT count(*) FROM "{table}"').fetchall()[0][0], table
    finally:
        con.close()
    assert run("audit", "verify", "--db", str(db)).exit_code == 0
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


def test_every_snapshot_column_is_in_its_digest(demo_closed: Path) -> None:
    """One cell of every column of every snapshot table changed (and rolled back): the digest
    of the rows of its close differs from the one its close event recorded."""
    con = duckdb.connect(str(demo_closed), read_only=True)
    events = {e.close_id: e for e in chain.read_events(con) if e.event == "close"}
    unchanged = []
    try:
        for table in TABLES:
            if not table.name.startswith(chain.SNAPSHOT_PREFIX):
                continue
            for name, dtype, _ in table.columns:
                if not _changes_its_digest(con, table, name, dtype, events):
                    unchanged.append(f"{table.name}.{name}")
    finally:
        con.close()
    assert not unchanged


def _changes_its_digest(
    con: duckdb.DuckDBPyConnection,
    table: chain.Table,
    column: str,
    dtype: str,
    events: dict[int | None, chain.Event],
) -> bool:
    rowid, close_id = con.execute(
        f'SELECT rowid, close_id FROM "{table.name}" ORDER BY "{column}" IS NULL, rowid LIMIT 1'
    ).fetchall()[0]
    recorded = json.loads(events[close_id].digests)[table.name][1]
    probe = chain.Table("probe", table.columns, table.coverage)  # a temporary copy of the rows

    def digest(value: str) -> str:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE probe AS SELECT * REPLACE (CASE WHEN rowid = {rowid} "
            f'THEN {value} ELSE "{column}" END AS "{column}") '
            f'FROM "{table.name}" WHERE close_id = {close_id}'
        )
        lines = chain.table_rows(con, probe, seq=1, locators=False).column("line")
        return chain.digest(table, lines).sha256

    assert digest(f'"{column}"') == recorded, f"{table.name}: the copy is not what was hashed"
    return digest(_changed(column, dtype)) != recorded


@pytest.mark.parametrize("table", ALL_TABLES)
def test_one_deleted_row_is_caught(demo: Path, table: str) -> None:
    first = f'(SELECT min(rowid) FROM "{table}")'
    if table == chain.ROWS_TABLE:  # the message names the row the deleted locator described
        con = duckdb.connect(str(demo), read_only=True)
        try:
            tbl, key = con.execute(
                f"SELECT tbl, row_key FROM audit_rows WHERE rowid = {first}"
            ).fetchall()[0]
        finally:
            con.close()
    plain_sql(demo, f'DELETE FROM "{table}" WHERE rowid = {first}')
    message = _verify_fails(demo, table)
    if table == chain.ROWS_TABLE:
        assert f"the recorded rows of {tbl} at event 1: " in message, message
    elif table != chain.CHAIN_TABLE:
        assert ", row " in message, message


def test_the_encoding_tells_null_empty_and_backslash_n_apart() -> None:
    mem = open_duckdb(":memory:")
    try:
        mem.execute("CREATE TABLE t (a VARCHAR, b VARCHAR)")
        values = [(None, "x"), ("", "x"), ("\\N", "x"), ("a", "b,c"), ("a,b", "c"), ("1:a", "")]
        mem.executemany("INSERT INTO t VALUES (?, ?)", values)
        (table,) = chain.tables(mem)
        lines = chain.table_rows(mem, table, seq=1).column("line").to_pylist()
    finally:
        mem.close()
    assert len(set(lines)) == len(values), lines
    assert {"-,1:x\n", "0:,1:x\n", "2:\\N,1:x\n"} <= set(lines), lines


@pytest.mark.parametrize("after", ["''", "'\\N'"])
def test_a_null_investor_set_to_empty_or_backslash_n_is_caught(demo: Path, after: str) -> None:
    plain_sql(
        demo,
        f"UPDATE transactions SET investor_id = {after} WHERE txn_id = "
        "(SELECT min(txn_id) FROM transactions WHERE investor_id IS NULL)",
    )
    assert ": changed" in _verify_fails(demo, "transactions")


def test_a_row_with_an_import_id_beyond_the_latest_import_is_caught(demo: Path) -> None:
    plain_sql(
        demo,
        "INSERT INTO funds SELECT * REPLACE ('forged' AS fund_id, "
        "(SELECT max(import_id) + 1 FROM imports) AS import_id) FROM funds LIMIT 1",
    )
    message = _verify_fails(demo, "funds")
    assert "fund_id=forged: not recorded by any event of the chain" in message


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
    head = re.search(r"head ([0-9a-f]{64})", ok.stderr).group(1)  # type: ignore[union-attr]
    assert run("audit", "verify", "--db", str(demo), "--expect-head", head).exit_code == 0
    # delete the latest close with everything it wrote: the rest of the chain still verifies
    con = duckdb.connect(str(demo))
    try:
        seq, close_id = con.execute(
            "SELECT seq, close_id FROM audit_chain ORDER BY seq DESC LIMIT 1"
        ).fetchall()[0]
        con.execute(f"DELETE FROM audit_rows WHERE seq = {seq}")
        con.execute(f"DELETE FROM audit_chain WHERE seq = {seq}")
        for table in (*SNAPSHOT_TABLES, "close_statements", "close_ledger", "period_locks"):
            con.execute(f"DELETE FROM {table} WHERE close_id = {close_id}")
        con.execute(f"DELETE FROM closes WHERE close_id = {close_id}")
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


def test_an_import_after_the_last_close_verifies_and_keeps_the_kept_head(
    demo: Path, tmp_path: Path
) -> None:
    head = re.search(  # type: ignore[union-attr]
        r"head ([0-9a-f]{64})", run("audit", "verify", "--db", str(demo)).stderr
    ).group(1)
    ledger = _demo_ledger(tmp_path / "ledger")
    with (ledger / "transactions.csv").open("a", encoding="utf-8") as f:
        f.write("late-income-1,2026-03-15,itvf,income,,vc-05,1000.00,HKD,dividend,,,,,\n")
    imported = run("import", str(ledger), "--db", str(demo))
    assert imported.exit_code == 0, imported.output
    assert "hash chain head" in imported.output
    result = run("audit", "verify", "--db", str(demo), "--expect-head", head)
    assert result.exit_code == 0, result.output
    assert "followed by 1 import(s) made since" in result.stderr
    plain_sql(demo, "UPDATE transactions SET amount = 1.00 WHERE txn_id = 'late-income-1'")
    changed = _verify_fails(demo, "transactions")
    assert "import 2 (event 7) no longer matches" in changed
    assert "row txn_id=late-income-1, date=2026-03-15: changed" in changed


def test_rows_written_behind_fundbooks_back_are_caught(demo: Path) -> None:
    plain_sql(
        demo,
        "INSERT INTO imports SELECT * REPLACE (import_id + 1 AS import_id) FROM imports "
        "ORDER BY import_id DESC LIMIT 1; "
        "INSERT INTO transactions SELECT * REPLACE ('forged-1' AS txn_id, "
        "(SELECT max(import_id) FROM imports) AS import_id) FROM transactions LIMIT 1",
    )
    message = _verify_fails(demo, "imports")
    assert "not recorded by any event of the chain" in message


@pytest.mark.parametrize(
    "statement",
    [
        "CREATE SEQUENCE extra_seq",
        "DROP SEQUENCE close_id_seq",
        "CREATE INDEX txn_idx ON transactions (txn_id)",
        "CREATE SCHEMA side; CREATE TABLE side.funds (fund_id VARCHAR)",
        "ALTER TABLE audit_chain ADD COLUMN note VARCHAR",
        "COMMENT ON TABLE transactions IS 'x'",
    ],
)
def test_catalog_changes_are_caught(demo: Path, statement: str) -> None:
    plain_sql(demo, statement)
    result = run("audit", "verify", "--db", str(demo))
    assert result.exit_code == 1, result.output
    assert "catalog changed" in result.stderr, result.stderr


def test_a_book_with_a_macro_is_refused(demo: Path) -> None:
    plain_sql(demo, "CREATE MACRO year(d) AS 1999")
    result = run("audit", "verify", "--db", str(demo))
    assert result.exit_code == 1
    assert "defines SQL macros (year)" in result.stderr


@pytest.mark.parametrize(
    "statement",
    [
        'UPDATE audit_chain SET digests = \'{"funds":[Infinity,"x"]}\' WHERE seq = 1',
        "UPDATE audit_chain SET digests = 'not json' WHERE seq = 2",
        "CREATE TABLE c2 AS SELECT * FROM audit_chain; DROP TABLE audit_chain; "
        "ALTER TABLE c2 RENAME TO audit_chain; UPDATE audit_chain SET import_watermark = NULL",
        "CREATE TABLE c2 AS SELECT * FROM audit_chain; DROP TABLE audit_chain; "
        "ALTER TABLE c2 RENAME TO audit_chain; INSERT INTO audit_chain SELECT * FROM audit_chain",
        "UPDATE audit_chain SET event = 'import', close_id = NULL WHERE seq = 2",
        'CREATE TABLE "a\'b" ("c\'d" INTEGER); INSERT INTO "a\'b" VALUES (1)',
    ],
)
def test_odd_tampering_is_reported_without_a_traceback(demo: Path, statement: str) -> None:
    plain_sql(demo, statement)
    result = run("audit", "verify", "--db", str(demo))  # a traceback would raise here
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("Error: "), result.stderr


def test_a_deleted_locator_of_a_ledger_row_is_named(demo: Path) -> None:
    con = duckdb.connect(str(demo), read_only=True)
    try:
        key = con.execute(
            "SELECT row_key FROM audit_rows WHERE tbl = 'transactions' ORDER BY row_key LIMIT 1"
        ).fetchall()[0][0]
    finally:
        con.close()
    plain_sql(demo, f"DELETE FROM audit_rows WHERE tbl = 'transactions' AND row_key = '{key}'")
    message = _verify_fails(demo, chain.ROWS_TABLE)
    assert f"the recorded row of transactions: {key}: missing" in message, message


def test_expect_head_takes_a_prefix_of_the_kept_hash(demo: Path) -> None:
    head = re.search(  # type: ignore[union-attr]
        r"head ([0-9a-f]{64})", run("audit", "verify", "--db", str(demo)).stderr
    ).group(1)
    assert run("audit", "verify", "--db", str(demo), "--expect-head", head[:16]).exit_code == 0
    short = run("audit", "verify", "--db", str(demo), "--expect-head", head[:6])
    assert short.exit_code == 1 and "at least 12 hex digits" in short.stderr


def test_rows_in_a_book_without_events_are_named() -> None:
    from fundbook.close.verify import verify_chain

    mem = duckdb.connect(":memory:")
    try:
        apply_schema(mem)
        assert verify_chain(mem) == []
        mem.execute(
            "INSERT INTO fx_rates VALUES (DATE '2026-01-31', 'USD', 7.8, 'fx_rates.csv', 2, 1)"
        )
        checks = verify_chain(mem)
    finally:
        mem.close()
    assert [c.problems for c in checks] == [
        ["the book holds fx_rates rows but its hash chain is empty"]
    ]

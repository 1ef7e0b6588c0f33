"""Tamper evidence, reproduction and audit packs of closes."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import duckdb
import pytest
from close_kit import book, plain_sql, run

from fundbook.close.closing import close_period


@pytest.fixture
def closed(tmp_path: Path) -> Path:
    db, ledger = book(tmp_path)
    close_period(db, "2026-03", ledger_dir=str(ledger))
    close_period(db, "2026-04", carry_forward=True)
    return db


def test_verify_passes_on_an_untouched_book(closed: Path) -> None:
    result = run("audit", "verify", "--db", str(closed))
    assert result.exit_code == 0, result.output
    assert "verified 3 event(s) (2 close(s)): the hash chain is intact" in result.stderr


def test_verify_names_the_first_close_after_a_booked_amount_changes(closed: Path) -> None:
    plain_sql(closed, "UPDATE transactions SET amount = 121.00 WHERE txn_id = 't5'")
    result = run("audit", "verify", "--db", str(closed))
    assert result.exit_code == 1
    # the row was recorded by the import that booked it (event 1, made by the first close)
    assert "import 1 (event 1) no longer matches" in result.stderr
    assert "table transactions, row txn_id=t5, date=2026-02-01: changed" in result.stderr


def test_verify_names_a_close_whose_figures_changed(closed: Path) -> None:
    plain_sql(
        closed,
        "UPDATE snapshot_fund SET nav = nav + 1 WHERE close_id = 2",
    )
    result = run("audit", "verify", "--db", str(closed))
    assert result.exit_code == 1
    assert "close 2 (2026-04) no longer matches" in result.stderr
    assert "table snapshot_fund, row close_id=2, fund_id=gf: changed" in result.stderr


def test_verify_detects_a_rewritten_close_hash(closed: Path) -> None:
    plain_sql(closed, "UPDATE audit_chain SET hash = repeat('0', 64) WHERE seq = 1")
    result = run("audit", "verify", "--db", str(closed))
    assert result.exit_code == 1
    assert "import 1 (event 1) no longer matches: audit_chain, row seq=1: its hash" in result.stderr
    assert "prev_hash differs" in result.output


def test_reproduce_reports_zero_differences(closed: Path) -> None:
    result = run("audit", "reproduce", "2026-04", "--db", str(closed))
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith("ledger balances, 0 differences")
    assert result.output.startswith("reproduced ")


def test_reproduce_counts_the_stored_ledger_balances(closed: Path) -> None:
    con = duckdb.connect(str(closed), read_only=True)
    try:
        rows = con.execute("SELECT count(*) FROM close_ledger WHERE close_id = 2").fetchall()
    finally:
        con.close()
    result = run("audit", "reproduce", "2026-04", "--db", str(closed))
    assert result.exit_code == 0, result.output
    # two balances per stored account: before and after the period's closing entry
    assert f" figures and {2 * rows[0][0]} ledger balances, 0 differences" in result.output
    assert rows[0][0] > 0


@pytest.mark.parametrize(
    ("change", "name", "stored"),
    [
        ("closed_balance = closed_balance + 0.01", "closed_balance", None),
        ("balance = -balance", "balance", None),
        ("section = 'liability'", "section", "liability"),
    ],
)
def test_reproduce_lists_a_tampered_ledger_row(
    closed: Path, change: str, name: str, stored: str | None
) -> None:
    """A stored GL balance changed behind fundbook's back is a difference, named by fund and
    account (every account alike: here a partner's capital)."""
    plain_sql(
        closed,
        f"UPDATE close_ledger SET {change} WHERE close_id = 2 AND fund_id = 'sf1' "
        "AND account = 'partners_capital:pen'",
    )
    result = run("audit", "reproduce", "2026-04", "--db", str(closed))
    assert result.exit_code == 1
    assert "ledger balances, 1 differences" in result.output
    line = next(x for x in result.output.splitlines() if "sf1/partners_capital:pen" in x)
    assert line.split()[:2] == ["ledger", "close_ledger"] and name in line
    if stored:
        assert stored in line


def test_reproduce_lists_a_deleted_ledger_row(closed: Path) -> None:
    plain_sql(closed, "DELETE FROM close_ledger WHERE close_id = 2 AND account = 'cash'")
    result = run("audit", "reproduce", "2026-04", "--db", str(closed))
    assert result.exit_code == 1
    cash = [x for x in result.output.splitlines() if "/cash" in x]
    # every column of each lacking row: currency, section and both balances
    assert cash and all(x.split()[:2] == ["ledger", "close_ledger"] for x in cash)
    assert {x.split()[3] for x in cash} == {"currency", "section", "balance", "closed_balance"}


def test_reproduce_lists_a_tampered_figure(closed: Path) -> None:
    plain_sql(
        closed,
        "UPDATE snapshot_investor SET nav = 1.00 WHERE close_id = 1 AND investor_id = 'pen'",
    )
    result = run("audit", "reproduce", "2026Q1", "--db", str(closed))
    assert result.exit_code == 1
    assert "ledger balances, 1 differences" in result.output
    assert "sf1/pen" in result.output and "1.00" in result.output


def _tree(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_audit_pack_is_byte_identical_and_complete(closed: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "pack1", tmp_path / "pack2"
    for out in (first, second):
        result = run("audit", "export", "2026-03", "--out", str(out), "--db", str(closed))
        assert result.exit_code == 0, result.output
    assert _tree(first) == _tree(second)
    files = _tree(first)
    for name in (
        "close.json",
        "ledger/transactions.csv",
        "ledger/transactions.parquet",
        "postings.csv",
        "trial_balance.csv",
        "general_ledger.csv",
        "general_ledger.parquet",
        "snapshot/fund.parquet",
        "snapshot/investor.csv",
        "statements.csv",
        "lineage/cash_flows.csv",
        "sql/chain_columns.sql",
        "versions.json",
        "MANIFEST.sha256",
    ):
        assert name in files, name
    manifest = (first / "MANIFEST.sha256").read_text().splitlines()
    listed = dict(reversed(line.split("  ", 1)) for line in manifest)
    assert listed == {k: v for k, v in files.items() if k != "MANIFEST.sha256"}
    lineage = (first / "lineage" / "cash_flows.csv").read_text()
    assert "net,investor,sf1,pen" in lineage and "gross,holding,sf1,,c1" in lineage


def test_audit_pack_alone_reproduces_the_ledger_digests(closed: Path, tmp_path: Path) -> None:
    import json

    import duckdb

    from fundbook.store import chain
    from fundbook.store.db import apply_schema

    out = tmp_path / "pack"
    assert run("audit", "export", "2026-04", "--out", str(out), "--db", str(closed)).exit_code == 0
    record = json.loads((out / "close.json").read_text())
    events = record["chain"]
    assert [e["event"] for e in events] == ["import", "close", "close"]
    assert events[-1]["hash"] == record["close_hash"]
    mem = duckdb.connect(":memory:")
    apply_schema(mem)
    for table in (
        "funds",
        "investors",
        "companies",
        "commitments",
        "transactions",
        "valuations",
        "fx_rates",
    ):
        mem.read_parquet(str(out / "ledger" / f"{table}.parquet")).insert_into(table)
    by_name = {t.name: t for t in chain.tables(mem)}
    lo, checked = 0, 0
    for event in events:
        hi = event["import_watermark"]
        chain.register_ranges(mem, [chain.Range(event["seq"], lo, hi, event["close_id"], True)])
        for table in ("transactions", "valuations", "funds", "fx_rates"):
            rows = chain.table_rows(
                mem,
                by_name[table],
                "x.import_id > $lo AND x.import_id <= $hi",
                {"lo": lo, "hi": hi},
            )
            got = chain.digest(by_name[table], rows.column("line"))
            assert [got.rows, got.sha256] == event["digests"][table], (event["seq"], table)
            checked += got.rows
        digests = json.dumps(event["digests"], separators=(",", ":"), sort_keys=True)
        assert chain.event_hash({**event, "digests": digests}) == event["hash"]
        chain.drop_ranges(mem)
        lo = hi
    assert checked > 0


def test_audit_pack_holds_the_stored_general_ledger_and_its_digest(
    closed: Path, tmp_path: Path
) -> None:
    """The pack's general_ledger.parquet is the close's close_ledger: its rows alone give the
    digest the close's chain event holds, and the README names the file."""
    import json

    import duckdb

    from fundbook.store import chain
    from fundbook.store.db import apply_schema

    out = tmp_path / "pack"
    assert run("audit", "export", "2026-04", "--out", str(out), "--db", str(closed)).exit_code == 0
    record = json.loads((out / "close.json").read_text())
    event = record["chain"][-1]
    assert event["event"] == "close" and event["close_id"] == record["close_id"]
    mem = duckdb.connect(":memory:")
    apply_schema(mem)
    mem.read_parquet(str(out / "general_ledger.parquet")).insert_into("close_ledger")
    table = next(t for t in chain.tables(mem) if t.name == "close_ledger")
    rng = chain.Range(event["seq"], 0, event["import_watermark"], record["close_id"], True)
    where, params = chain.own_rows(table, rng)
    lines = chain.table_rows(mem, table, where, params, seq=event["seq"]).column("line")
    got = chain.digest(table, lines)
    assert got.rows > 0
    assert [got.rows, got.sha256] == event["digests"]["close_ledger"]
    # the CSV beside it holds the same balances; the README documents the file and its hash
    csv = (out / "general_ledger.csv").read_text().splitlines()
    assert csv[0] == "close_id,fund_id,currency,account,section,balance,closed_balance"
    assert len(csv) == got.rows + 1
    readme = (out / "README.md").read_text()
    assert "`general_ledger.csv|.parquet`" in readme and "digests.close_ledger" in readme


def test_export_refuses_a_folder_holding_the_book(closed: Path) -> None:
    before = _tree(closed.parent)
    result = run("audit", "export", "2026-03", "--out", str(closed.parent), "--db", str(closed))
    assert result.exit_code == 1
    assert f"will not write the audit pack into {closed.parent}: it holds {closed}" in (
        result.stderr
    )
    assert _tree(closed.parent) == before


def test_export_refuses_the_ledger_folder_and_the_working_folder(
    closed: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ledger = tmp_path / "ledger"
    before = _tree(ledger)
    result = run("audit", "export", "2026-03", "--out", str(ledger), "--db", str(closed))
    assert result.exit_code == 1 and "it holds" in result.stderr
    assert _tree(ledger) == before
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    result = run("audit", "export", "2026-03", "--out", ".", "--db", str(closed))
    assert result.exit_code == 1 and "it holds" in result.stderr


def test_export_refuses_a_folder_with_other_files(closed: Path, tmp_path: Path) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    result = run("audit", "export", "2026-03", "--out", str(out), "--db", str(closed))
    assert result.exit_code == 1
    assert "already holds files that are not an audit pack (e.g. notes.txt)" in result.stderr
    assert (out / "notes.txt").read_text() == "keep me" and len(list(out.iterdir())) == 1


def test_export_replaces_an_earlier_pack_of_the_same_close_only(
    closed: Path, tmp_path: Path
) -> None:
    out = tmp_path / "pack"
    assert run("audit", "export", "2026-03", "--out", str(out), "--db", str(closed)).exit_code == 0
    first = _tree(out)
    assert run("audit", "export", "2026-03", "--out", str(out), "--db", str(closed)).exit_code == 0
    assert _tree(out) == first
    other = run("audit", "export", "2026-04", "--out", str(out), "--db", str(closed))
    assert other.exit_code == 1
    assert "holds the audit pack of another close (close 1, period 2026-03" in other.stderr
    (out / "extra.txt").write_text("added by hand")
    again = run("audit", "export", "2026-03", "--out", str(out), "--db", str(closed))
    assert again.exit_code == 1
    assert "files its manifest does not list (e.g. extra.txt)" in again.stderr
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".pack.")]
    assert leftovers == []


def test_export_leaves_nothing_when_it_fails(
    closed: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fundbook.close import export

    def fail(*_args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(export, "write_manifest", fail)
    out = tmp_path / "pack"
    result = run("audit", "export", "2026-03", "--out", str(out), "--db", str(closed))
    assert result.exit_code == 1 and "No space left on device" in result.stderr
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".pack.")] == []


def test_close_json_names_the_ledger_folder_not_its_path(closed: Path, tmp_path: Path) -> None:
    import json

    out = tmp_path / "pack"
    assert run("audit", "export", "2026-03", "--out", str(out), "--db", str(closed)).exit_code == 0
    record = json.loads((out / "close.json").read_text())
    assert record["ledger_dir"] == "ledger"
    assert str(tmp_path) not in (out / "close.json").read_text()


def test_a_period_that_has_not_ended_cannot_be_closed(tmp_path: Path) -> None:
    db, ledger = book(tmp_path)
    today = dt.date.today()
    result = run("close", f"{today:%Y-%m}", "--ledger", str(ledger), "--db", str(db))
    assert result.exit_code == 1
    assert f"period {today:%Y-%m} has not ended yet" in result.stderr
    future = run("close", "2099-12", "--ledger", str(ledger), "--db", str(db))
    assert future.exit_code == 1 and "period 2099-12 has not ended yet" in future.stderr


def test_pack_csv_quotes_formula_text_but_ledger_copies_stay_exact(tmp_path: Path) -> None:
    db, ledger = book(
        tmp_path,
        companies=[
            "c1,=HYPERLINK(x),ai_robotics,true,HK",
            "c2,Beta Chips,semiconductors_smart_devices,false,SG",
        ],
    )
    close_period(db, "2026-03", ledger_dir=str(ledger))
    out = tmp_path / "pack"
    assert run("audit", "export", "2026-03", "--out", str(out), "--db", str(db)).exit_code == 0
    companies = (out / "snapshot" / "company_info.csv").read_text()
    assert "'=HYPERLINK(x)" in companies and ",=HYPERLINK" not in companies
    assert "c1,=HYPERLINK(x),ai_robotics" in (out / "ledger" / "companies.csv").read_text()
    holdings = (out / "snapshot" / "holding.csv").read_text()
    assert ",-" in holdings  # negative money stays a plain number

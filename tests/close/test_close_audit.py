"""Tamper evidence, reproduction and audit packs of closes."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

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
    assert "verified 2 event(s) (2 close(s)): the hash chain is intact" in result.stderr


def test_verify_names_the_first_close_after_a_booked_amount_changes(closed: Path) -> None:
    plain_sql(closed, "UPDATE transactions SET amount = 121.00 WHERE txn_id = 't5'")
    result = run("audit", "verify", "--db", str(closed))
    assert result.exit_code == 1
    assert "close 1 (2026-03) no longer matches" in result.stderr
    assert "table transactions, row txn_id=t5, date=" in result.stderr


def test_verify_names_a_close_whose_figures_changed(closed: Path) -> None:
    plain_sql(
        closed,
        "UPDATE close_figures SET money = money + 1 "
        "WHERE close_id = 2 AND level = 'fund' AND figure = 'nav'",
    )
    result = run("audit", "verify", "--db", str(closed))
    assert result.exit_code == 1
    assert "close 2 (2026-04) no longer matches" in result.stderr
    assert "table close_figures, row close_id=2, level=fund, fund_id=gf," in result.stderr
    assert "figure=nav: changed" in result.stderr


def test_verify_detects_a_rewritten_close_hash(closed: Path) -> None:
    plain_sql(closed, "UPDATE audit_chain SET hash = repeat('0', 64) WHERE seq = 1")
    result = run("audit", "verify", "--db", str(closed))
    assert result.exit_code == 1
    assert "close 1 (2026-03) no longer matches: its hash does not match" in result.stderr
    assert "prev_hash differs" in result.output


def test_reproduce_reports_zero_differences(closed: Path) -> None:
    result = run("audit", "reproduce", "2026-04", "--db", str(closed))
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith("figures, 0 differences")
    assert result.output.startswith("reproduced ")


def test_reproduce_lists_a_tampered_figure(closed: Path) -> None:
    plain_sql(
        closed,
        "UPDATE close_figures SET money = 1.00 "
        "WHERE close_id = 1 AND level = 'investor' AND figure = 'nav' "
        "AND investor_id = 'pen'",
    )
    result = run("audit", "reproduce", "2026Q1", "--db", str(closed))
    assert result.exit_code == 1
    assert "figures, 1 differences" in result.output
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
        "figures.parquet",
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

    from fundbook.close import chain
    from fundbook.store.db import apply_schema

    out = tmp_path / "pack"
    assert run("audit", "export", "2026-04", "--out", str(out), "--db", str(closed)).exit_code == 0
    record = json.loads((out / "close.json").read_text())
    events = record["chain"]
    assert [e["seq"] for e in events] == [1, 2] and events[-1]["hash"] == record["close_hash"]
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
        mem.unregister("chain_ranges")
        lo = hi
    assert checked > 0

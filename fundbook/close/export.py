"""The audit pack of a close: every input, output, lineage, SQL file and a SHA-256 manifest."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from fundbook.close.audit import BOOKED_TABLES, booked_rows, fresh_book, record_of
from fundbook.close.lineage import lineage_flows
from fundbook.close.snapshot import find_close, read_stored
from fundbook.core.resources import resource_path
from fundbook.store.db import sql, sql_dir
from fundbook.store.frames import load_frames
from fundbook.store.trial_balance import trial_balance

MANIFEST = "MANIFEST.sha256"
README = """# Audit pack of close {close_id}: period {period}

Everything needed to re-perform the close without fundbook's database.

- `close.json`: the close record (period, options, warnings, hashes, versions, previous hash)
  and its reopenings.
- `ledger/<table>.csv|.parquet`: the booked rows as they were at the close (dated tables: rows
  dated on or before {period_end}; funds, investors, companies: rows imported up to import
  {watermark}). Money in `amount_fund` / `fair_value_fund` is in the fund's currency.
- `postings.csv|.parquet`: the double-entry postings up to {period_end};
  `trial_balance.csv`: debits and credits per fund, currency and account at {period_end}.
- `figures.csv|.parquet`: every snapshot figure (level, keys, figure, kind, money|ratio|text).
- `statements.csv|.parquet`: the ILPA capital account statements (period, QTD, YTD, ITD).
- `lineage/cash_flows.csv|.parquet`: the dated cash flows behind every IRR and multiple, with
  the as-of value as the final flow, as `fundbook explain` shows them.
- `sql/`: the SQL files of this fundbook version; `uv.lock` and `versions.json`: the exact
  versions of fundbook's dependencies.
- `MANIFEST.sha256`: SHA-256 of every other file (`sha256sum -c MANIFEST.sha256`).

Input hash: for each ledger table, each row as one line (fields in schema order without
source_file, source_line, import_id; NULL as \\N; joined by U+001F; decimals at their scale;
dates ISO), lines sorted bytewise and joined by newlines, SHA-256; dated tables take the rows
dated from `input_from` (close.json; null: all history) to the period end. Then SHA-256 of the
lines "<table> <rows> <sha256>" plus "previous_close 0 <input_after_hash, or none>",
sorted. See docs/ledger-format.md, "Closing, locks and corrections"
(sql/audit_input_canonical.sql is the exact recipe).
"""


def _write_frame(df: pl.DataFrame, base: Path) -> list[Path]:
    base.parent.mkdir(parents=True, exist_ok=True)
    csv_path, parquet_path = base.with_suffix(".csv"), base.with_suffix(".parquet")
    df.write_csv(csv_path, line_terminator="\n")
    df.write_parquet(parquet_path, compression="zstd", statistics=False)
    return [csv_path, parquet_path]


def _json_default(value: Any) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _close_json(con: duckdb.DuckDBPyConnection, rec: dict[str, Any]) -> str:
    record = dict(rec)
    for key in ("carried_forward", "warnings", "versions", "input_digests"):
        record[key] = json.loads(record[key])
    rows = con.execute(sql("audit_reopenings"), {"close_id": rec["close_id"]}).fetchall()
    record["reopenings"] = [{"reason": r, "reopened_at": a, "reopened_by": b} for r, a, b in rows]
    after = record_of(con, rec["input_after"]) if rec["input_after"] is not None else None
    record["input_after_hash"] = after["input_hash"] if after else None
    return (
        json.dumps(record, indent=2, sort_keys=True, default=_json_default, ensure_ascii=False)
        + "\n"
    )


def _lock_file() -> Path | None:
    return resource_path("uv.lock")


def export_pack(con: duckdb.DuckDBPyConnection, period: str, out: Path) -> Path:
    """Write the audit pack of the close of `period` into `out` (replacing what was there)."""
    info = find_close(con, period)
    rec = record_of(con, info.close_id)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    (out / "close.json").write_text(_close_json(con, rec), encoding="utf-8")
    (out / "versions.json").write_text(rec["versions"] + "\n", encoding="utf-8")
    for table in BOOKED_TABLES:
        _write_frame(booked_rows(con, table, rec), out / "ledger" / table)
    _write_frame(booked_rows(con, "postings", rec), out / "postings")
    trial_balance(con, rec["period_end"]).write_csv(out / "trial_balance.csv", line_terminator="\n")
    figures, statements = read_stored(con, info.close_id)
    _write_frame(figures, out / "figures")
    _write_frame(statements, out / "statements")
    mem = fresh_book(con, rec)
    try:
        frames = load_frames(mem, rec["period_end"])
    finally:
        mem.close()
    _write_frame(lineage_flows(frames, figures, rec["period_end"]), out / "lineage" / "cash_flows")
    shutil.copytree(sql_dir(), out / "sql", ignore=shutil.ignore_patterns("__pycache__"))
    lock = _lock_file()
    if lock:
        shutil.copyfile(lock, out / "uv.lock")
    (out / "README.md").write_text(
        README.format(
            close_id=rec["close_id"],
            period=rec["period"],
            period_end=rec["period_end"],
            watermark=rec["import_watermark"],
        ),
        encoding="utf-8",
    )
    write_manifest(out)
    return out


def write_manifest(out: Path) -> None:
    """`MANIFEST.sha256`: `<sha256>  <relative path>` for every file, sorted by path."""
    files = sorted(p for p in out.rglob("*") if p.is_file() and p.name != MANIFEST)
    lines = [
        f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.relative_to(out).as_posix()}"
        for p in files
    ]
    (out / MANIFEST).write_text("\n".join(lines) + "\n", encoding="utf-8")

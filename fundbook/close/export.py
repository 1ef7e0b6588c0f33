"""The audit pack of a close: every input, output, lineage, SQL file and a SHA-256 manifest."""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from fundbook.close.audit import BOOKED_TABLES, booked_rows, fresh_book, record_of
from fundbook.close.ledger import stored_ledger, trial_balance
from fundbook.close.snapshot import find_close, read_levels, read_statements
from fundbook.core.errors import FundbookError
from fundbook.core.resources import resource_path
from fundbook.core.spreadsheet import safe_text_columns
from fundbook.metrics.lineage import irr_flows
from fundbook.store.chain import read_events
from fundbook.store.db import frame, sql, sql_dir
from fundbook.store.frames import load_frames

MANIFEST = "MANIFEST.sha256"
README = """# Audit pack of close {close_id}: period {period}

Everything needed to re-perform the close without fundbook's database.

- `close.json`: the close record (period, options, warnings, versions, its hash in the chain)
  with its reopenings, and `chain`: every event of the hash chain up to this close, each with
  the digests of every table of the book it covered.
- `ledger/<table>.csv|.parquet`: the booked rows as the book held them at the close (every
  row of the imports up to import {watermark}, every column; the figures use the rows dated on
  or before {period_end}). Money in `amount_fund` / `fair_value_fund` is in the fund's currency.
- `general_ledger.csv|.parquet`: the general ledger the close stored (table `close_ledger`,
  every column as it holds it): per fund and account, debit minus credit in the fund's
  currency, `balance` before the period's closing entry (the trial balance) and
  `closed_balance` after it (the balance sheet). It is hashed with the close:
  `chain[-1].digests.close_ledger` of close.json is the digest of these rows (see Digests), and
  `fundbook audit reproduce {period}` recomputes every balance.
- `trial_balance.csv`: the same ledger's `balance` as debits and credits per fund, currency
  and account at {period_end}, before the period's closing entry.
- `postings.csv|.parquet`: the cash journal up to {period_end} (the book's `postings`: one
  debit and one credit line per transaction by `sql/posting_rules.sql`, a write-off none; what
  the close's SQL recomputation of NAV reads the cash from). The general ledger above is not
  built from it (docs/accounting.md).
- `snapshot/<level>.csv|.parquet`: every snapshot figure, one file per level (`fund`,
  `investor`, `holding`, ...) as its table `snapshot_<level>` holds it: the level's keys, then
  one column per figure (money to the cent, ratios, counts, dates, flags, text).
- `statements.csv|.parquet`: the ILPA capital account statements (period, QTD, YTD, ITD).
- `lineage/cash_flows.csv|.parquet`: the dated cash flows behind every IRR and multiple (with
  the ledger row's `file:line`), the as-of value as the final flow, as `fundbook explain`
  shows them and the XIRR solves them (one producer: `fundbook.metrics.returns.irr_inputs`).
- `sql/`: the SQL files of this fundbook version; `uv.lock` and `versions.json`: the exact
  versions of fundbook's dependencies.
- `MANIFEST.sha256`: SHA-256 of every other file (`sha256sum -c MANIFEST.sha256`).

CSV files other than `ledger/` quote text cells that a spreadsheet could take for a formula
(starting with `=`, `+`, `-`, `@`, tab or carriage return, numbers excepted) with a leading `'`;
`ledger/*.csv` and every `.parquet` file hold the values exactly as booked.

Digests (docs/architecture.md, "The hash chain"): a row is its columns in schema order joined by
`,` (text as `<bytes>:<text>`, numbers, dates and booleans as printed, NULL as `-`); a table's
digest is the SHA-256 of the line
`table(column TYPE [NOT NULL], ...)` and its rows' lines sorted bytewise, each followed by a
newline. A ledger table's digest at an event covers the rows of the imports made since the event
before it (`import_id` above the previous event's `import_watermark`, up to its own), so each
`chain[i].digests[table]` of close.json can be recomputed from `ledger/<table>.parquet`; a
close's own tables (`close_ledger`, the snapshot) are digested over the rows it wrote. Each
event's hash is the SHA-256 of its other fields as compact JSON with sorted keys
(fundbook/store/chain.py) and names the hash of the event before it.
"""


class PackRefused(FundbookError):
    """`audit export` will not write where it was asked (nothing was written)."""


def _write_frame(df: pl.DataFrame, base: Path, *, exact: bool = False) -> list[Path]:
    """`base`.csv and .parquet. CSV text cells that a spreadsheet could run as a formula are
    quoted (docs/reports.md), except in `exact` copies (booked ledger rows, kept as booked);
    the Parquet files are always exact."""
    base.parent.mkdir(parents=True, exist_ok=True)
    csv_path, parquet_path = base.with_suffix(".csv"), base.with_suffix(".parquet")
    (df if exact else safe_text_columns(df)).write_csv(csv_path, line_terminator="\n")
    df.write_parquet(parquet_path, compression="zstd", statistics=False)
    return [csv_path, parquet_path]


def _json_default(value: Any) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _close_json(con: duckdb.DuckDBPyConnection, rec: dict[str, Any]) -> str:
    record = dict(rec)
    for key in ("carried_forward", "warnings", "versions"):
        record[key] = json.loads(record[key])
    if record.get("ledger_dir"):  # the folder's name only: no path of this machine
        record["ledger_dir"] = Path(record["ledger_dir"]).name
    rows = con.execute(sql("audit_reopenings"), {"close_id": rec["close_id"]}).fetchall()
    record["reopenings"] = [{"reason": r, "reopened_at": a, "reopened_by": b} for r, a, b in rows]
    record["chain"] = [
        {**e.fields, "digests": json.loads(e.digests)}
        for e in read_events(con)
        if e.seq <= (rec["chain_seq"] or 0)
    ]
    return (
        json.dumps(record, indent=2, sort_keys=True, default=_json_default, ensure_ascii=False)
        + "\n"
    )


def export_pack(
    con: duckdb.DuckDBPyConnection,
    period: str,
    out: Path,
    protected: Sequence[Path] = (),
) -> Path:
    """Write the audit pack of the close of `period` to the folder `out`, atomically: into a
    new folder beside it, renamed into place once complete. `out` must be new, empty, or an
    earlier pack of the same close (its manifest says so); never a folder holding the book, the
    ledger or anything in `protected`."""
    info = find_close(con, period)
    rec = record_of(con, info.close_id)
    ledgers = [Path(row[0]) for row in con.execute(sql("audit_ledger_dirs")).fetchall() if row[0]]
    _check_target(out, [*protected, *ledgers], rec)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".partial", dir=out.parent))
    try:
        _write_pack(con, info.close_id, rec, staging)
        _swap_into_place(staging, out, rec)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return out


def _check_target(out: Path, protected: Sequence[Path], rec: dict[str, Any]) -> None:
    target = out.resolve()
    for path in protected:
        if path.resolve().is_relative_to(target):
            raise PackRefused(
                f"will not write the audit pack into {out}: it holds {path}; "
                "choose a new folder (e.g. --out build/audit-<period>)"
            )
    if not out.exists():
        return
    if not out.is_dir():
        raise PackRefused(f"{out} exists and is not a folder; choose a new folder")
    found = _files(out)
    if not found:
        return
    pack = read_pack(out)
    if pack is None:
        raise PackRefused(
            f"{out} already holds files that are not an audit pack (e.g. {found[0]}); "
            "nothing was written: choose a new or empty folder"
        )
    if pack.unlisted:
        raise PackRefused(
            f"{out} holds an audit pack with files its manifest does not list (e.g. "
            f"{pack.unlisted[0]}); nothing was written: choose a new or empty folder"
        )
    if (pack.close_id, pack.close_hash) != (rec["close_id"], rec["close_hash"]):
        raise PackRefused(
            f"{out} holds the audit pack of another close (close {pack.close_id}, period "
            f"{pack.period}, hash {str(pack.close_hash)[:16]}…), not of close {rec['close_id']} "
            f"({rec['period']}); nothing was written: choose a new folder"
        )


def _files(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if not p.is_dir())


@dataclass(frozen=True)
class PackInfo:
    """An audit pack found in a folder: whose it is, and any file its manifest does not list."""

    close_id: Any
    period: Any
    close_hash: Any
    unlisted: list[str]


def read_pack(folder: Path) -> PackInfo | None:
    """The audit pack in `folder` (its close.json and MANIFEST.sha256), None when it holds none."""
    manifest, record = folder / MANIFEST, folder / "close.json"
    if not manifest.is_file() or not record.is_file():
        return None
    try:
        earlier = json.loads(record.read_text(encoding="utf-8"))
        lines = manifest.read_text(encoding="utf-8").splitlines()
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(earlier, dict):
        return None
    listed = {line.split("  ", 1)[1] for line in lines if "  " in line} | {MANIFEST}
    unlisted = [name for name in _files(folder) if name not in listed]
    return PackInfo(
        earlier.get("close_id"), earlier.get("period"), earlier.get("close_hash"), unlisted
    )


def remove_pack(folder: Path) -> None:
    """Remove an audit pack that holds nothing but what its manifest lists (else refuse)."""
    pack = read_pack(folder)
    if pack is None or pack.unlisted:
        example = (pack.unlisted if pack else _files(folder) or ["?"])[0]
        raise PackRefused(
            f"{folder} holds files that are not part of an audit pack (e.g. {example}); "
            "nothing was removed: move them, or choose another folder"
        )
    shutil.rmtree(folder)


def _swap_into_place(staging: Path, out: Path, rec: dict[str, Any]) -> None:
    """Rename the finished pack to `out`; an earlier pack there is moved aside first, then
    removed, so a crash leaves either the old pack or the new one, never a mix."""
    if not out.exists():
        staging.rename(out)
        return
    aside = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".old", dir=out.parent))
    aside.rmdir()
    out.rename(aside)
    try:  # checked again once moved aside: files may have been added while the pack was made
        _check_target(aside, [], rec)
    except PackRefused:
        aside.rename(out)
        raise
    staging.rename(out)
    shutil.rmtree(aside, ignore_errors=True)


def _write_pack(
    con: duckdb.DuckDBPyConnection, close_id: int, rec: dict[str, Any], out: Path
) -> None:
    (out / "close.json").write_text(_close_json(con, rec), encoding="utf-8")
    (out / "versions.json").write_text(rec["versions"] + "\n", encoding="utf-8")
    for table in BOOKED_TABLES:
        rows = frame(con, sql(f"pack_rows_{table}"), {"watermark": rec["import_watermark"]})
        _write_frame(rows, out / "ledger" / table, exact=True)
    _write_frame(booked_rows(con, "postings", rec), out / "postings")
    accounts = trial_balance(stored_ledger(con, close_id)).accounts
    balances = safe_text_columns(
        pl.DataFrame(accounts.rows, schema=list(accounts.columns), orient="row")
    )
    balances.write_csv(out / "trial_balance.csv", line_terminator="\n")
    gl = frame(con, sql("pack_close_ledger"), {"close_id": close_id})
    _write_frame(gl, out / "general_ledger")
    levels = read_levels(con, close_id)
    for level, df in levels.items():
        _write_frame(df, out / "snapshot" / level)
    _write_frame(read_statements(con, close_id), out / "statements")
    mem = fresh_book(con, rec)
    try:
        frames = load_frames(mem, rec["period_end"])
    finally:
        mem.close()
    flows = irr_flows(frames.transactions, levels, rec["period_end"])
    _write_frame(flows, out / "lineage" / "cash_flows")
    shutil.copytree(sql_dir(), out / "sql", ignore=shutil.ignore_patterns("__pycache__"))
    lock = resource_path("uv.lock")
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


def write_manifest(out: Path) -> None:
    """`MANIFEST.sha256`: `<sha256>  <relative path>` for every file, sorted by path."""
    files = sorted(p for p in out.rglob("*") if p.is_file() and p.name != MANIFEST)
    lines = [
        f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.relative_to(out).as_posix()}"
        for p in files
    ]
    (out / MANIFEST).write_text("\n".join(lines) + "\n", encoding="utf-8")

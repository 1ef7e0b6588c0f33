"""`fundbook close` and `reopen`: import, validate, compute, check, snapshot and lock atomically."""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl

from fundbook.close.figures import Computed, compute
from fundbook.close.identities import check_all
from fundbook.close.periods import Period
from fundbook.close.snapshot import (
    CloseInfo,
    Snapshot,
    insert_frame,
    list_closes,
    read_statements,
    write_levels,
)
from fundbook.core.errors import FundbookError, PeriodLocked
from fundbook.core.login import login_name
from fundbook.store import chain as chain_events
from fundbook.store.db import open_book, scalar, sql
from fundbook.store.importer import import_book, ledger_hash

Progress = Callable[[str], None]
Checkpoint = Callable[[str], None]  # told each point a close reaches (tests pause there)


class CloseFailed(FundbookError):
    """The close could not be made (missing valuations, a broken identity); nothing was written."""

    def __init__(self, period: Period, problems: list[str]):
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(
            f"cannot close {period}: {len(problems)} problem(s); nothing was written\n{lines}"
        )


@dataclass
class CloseResult:
    """What a close did: its id and hash, what it imported, and the summary per fund."""

    period: str
    quarter: str | None
    period_start: dt.date
    period_end: dt.date
    dry_run: bool
    close_id: int
    close_hash: str
    figure_count: int
    new_rows: int
    warnings: list[str] = field(default_factory=list)
    summary: pl.DataFrame = field(default_factory=pl.DataFrame)


def _no_checkpoint(_point: str) -> None:
    """In production a close passes its checkpoints without doing anything."""


def close_period(
    db_path: str | os.PathLike[str],
    period: str,
    *,
    ledger_dir: str | None = None,
    carry_forward: bool = False,
    dry_run: bool = False,
    progress: Progress | None = None,
    checkpoint: Checkpoint = _no_checkpoint,
) -> CloseResult:
    """Close `period` (YYYY-MM): one DuckDB transaction under the book lock; all or nothing.

    `checkpoint` is told each point reached (`locked`, `after-import`, `after-figures`,
    `after-snapshot`, `before-commit`, `after-commit`): tests pass one that pauses there."""
    target = Period.parse(period)
    say = progress or (lambda _msg: None)
    with open_book(db_path) as con:
        checkpoint("locked")
        con.begin()
        try:
            result = _close_in_transaction(
                con, target, ledger_dir, carry_forward, dry_run, say, checkpoint
            )
            if dry_run:
                con.rollback()
                return result
            checkpoint("before-commit")
            con.commit()
        except BaseException:
            con.rollback()
            raise
        checkpoint("after-commit")
        return result


def _ledger_dir(con: duckdb.DuckDBPyConnection, given: str | None) -> str | None:
    if given:
        return given
    return scalar(con, sql("close_book_ledger_dir"))  # type: ignore[no-any-return]


def _import(con: duckdb.DuckDBPyConnection, ledger: str | None, say: Progress) -> int:
    if ledger is None:
        say("no ledger directory known: closing the rows already booked")
        return 0
    if not Path(ledger).is_dir():
        raise FundbookError(f"ledger directory {ledger} not found (use --ledger DIR)")
    if ledger_hash(Path(ledger)) == scalar(con, sql("close_latest_import_hash")):
        say(f"{ledger} is unchanged since the latest import: nothing new to import")
        return 0
    say(f"importing {ledger} (the ledger folder the book is kept from; --ledger DIR for another)")
    result = import_book(con, Path(ledger), progress=say, in_transaction=True)
    return result.total_new


def check_order(
    con: duckdb.DuckDBPyConnection, target: Period, today: dt.date | None = None
) -> None:
    """Periods close in order, one month at a time, after the first close, and only once they
    have ended (a close locks the month: locking one still running would refuse its rows)."""
    today = today or dt.date.today()
    if target.end >= today:
        raise FundbookError(
            f"period {target} has not ended yet (it ends {target.end}; today is {today}): "
            "a month can be closed from the day after its last day"
        )
    latest = con.execute(sql("close_latest_lock")).fetchall()
    if not latest:
        return
    locked = Period.parse(latest[0][0])
    if target <= locked:
        raise PeriodLocked(
            f"period {target} is already closed (latest closed period: {locked}); "
            f"to change it, `fundbook reopen {locked} --reason ...` first"
        )
    if target != locked.next():
        raise FundbookError(f"periods close in order: close {locked.next()} before {target}")


def period_start(con: duckdb.DuckDBPyConnection, target: Period) -> tuple[dt.date, dt.date]:
    """Where a close (or a draft) of `target` starts, and the book's first date: the month's
    first day when it follows the latest closed month, else all history (a first close)."""
    inception = scalar(con, sql("close_inception"), {"period_end": target.end})  # type: ignore[arg-type]
    if inception is None:
        raise FundbookError(f"nothing is booked on or before {target.end}: nothing to close")
    latest = con.execute(sql("close_latest_lock")).fetchall()
    follows = bool(latest) and Period.parse(latest[0][0]).next() == target
    return (target.start if follows else min(inception, target.start)), inception


def _valuations(
    con: duckdb.DuckDBPyConnection, target: Period, carry_forward: bool
) -> tuple[list[str], list[str]]:
    rows = con.execute(
        sql("close_missing_valuations"), {"period_end": target.end, "month_start": target.start}
    ).fetchall()
    missing = [f"{f}/{h}" for f, h, _ in rows]
    detail = [
        f"holding {h} of fund {f} has no valuation dated in {target} (latest: {d or 'none'})"
        for f, h, d in rows
    ]
    if missing and not carry_forward:
        raise CloseFailed(
            target,
            detail
            + ["book the valuations, or pass --carry-forward-valuations to carry the latest ones"],
        )
    warnings = (
        [
            f"{len(missing)} holding(s) carried forward at their latest valuation "
            f"(--carry-forward-valuations)"
        ]
        if missing
        else []
    )
    return missing, warnings


@dataclass(frozen=True)
class _Chain:
    """Where a new close joins the book's closes."""

    predecessor: CloseInfo | None  # the latest standing close: inputs and NAVs continue it
    previous_itd: pl.DataFrame | None  # the predecessor's ITD statements


def _chain(con: duckdb.DuckDBPyConnection) -> _Chain:
    everything = list_closes(con)
    standing = [c for c in everything if c.status == "closed"]
    if not standing:
        return _Chain(None, None)
    statements = read_statements(con, standing[-1].close_id)
    return _Chain(standing[-1], statements.filter(pl.col("basis") == "ITD"))


def _close_in_transaction(
    con: duckdb.DuckDBPyConnection,
    target: Period,
    ledger: str | None,
    carry_forward: bool,
    dry_run: bool,
    say: Progress,
    checkpoint: Checkpoint,
) -> CloseResult:
    check_order(con, target)
    before = int(scalar(con, sql("close_watermark")))
    ledger = _ledger_dir(con, ledger)
    new_rows = _import(con, ledger, say)
    checkpoint("after-import")
    start, inception = period_start(con, target)
    say(f"checking valuations dated in {target}")
    carried, warnings = _valuations(con, target, carry_forward)
    computed = compute(con, target, start, inception, say)
    checkpoint("after-figures")
    say("checking roll-forward identities")
    chain = _chain(con)
    problems = check_all(con, computed, chain.previous_itd)
    if problems:
        raise CloseFailed(target, problems)
    say("writing the snapshot and the lock")
    record = _Record(carry_forward, carried, warnings, ledger, before)
    close_id, digest = _write(con, computed, record)
    checkpoint("after-snapshot")
    return CloseResult(
        str(target),
        target.quarter,
        start,
        target.end,
        dry_run,
        close_id,
        digest,
        computed.figure_count,
        new_rows,
        warnings,
        summary(computed),
    )


@dataclass(frozen=True)
class _Record:
    """What a close records besides its figures and hashes."""

    carry_forward: bool
    carried: list[str]
    warnings: list[str]
    ledger: str | None
    imported_before: int  # the import watermark before the close's own import


def _write(con: duckdb.DuckDBPyConnection, computed: Computed, record: _Record) -> tuple[int, str]:
    """Store the snapshot, the close, the lock, and the close's event in the hash chain (which
    covers all of them and every other table); return the close id and the event's hash."""
    target = computed.period
    close_id = int(scalar(con, sql("close_next_id")))
    write_levels(con, close_id, computed.levels)
    insert_frame(
        con, "close_new_statements", computed.statements, sql("close_insert_statements"), close_id
    )
    watermark = int(scalar(con, sql("close_watermark")))
    con.execute(
        sql("close_insert_close"),
        {
            "close_id": close_id,
            "period": str(target),
            "quarter": target.quarter,
            "period_start": computed.period_start,
            "period_end": target.end,
            "closed_at": dt.datetime.now(dt.UTC).replace(tzinfo=None),
            "closed_by": login_name(),
            "ledger_dir": record.ledger,
            "import_id": watermark if watermark > record.imported_before else None,
            "import_watermark": watermark,
            "carry_forward": record.carry_forward,
            "carried_forward": json.dumps(record.carried),
            "warnings": json.dumps(record.warnings),
            "figure_count": computed.figure_count,
            "versions": json.dumps(chain_events.versions(), sort_keys=True),
        },
    )
    lock = {"period": str(target), "period_start": computed.period_start}
    con.execute(sql("close_insert_lock"), {**lock, "period_end": target.end, "close_id": close_id})
    return close_id, chain_events.record_event(con, "close", close_id, str(target), watermark)


def summary(computed: Computed) -> pl.DataFrame:
    """Per fund: NAV, the period's contributions and distributions, IRRs (the close's table)."""
    fund = computed.levels["fund"]
    flows = computed.statements.filter(
        (pl.col("basis") == "period") & pl.col("investor_id").is_null()
    ).select("fund_id", "contributions", "distributions")
    wanted = [
        c
        for c in ("fund_id", "currency", "nav", "net_irr", "gross_irr", "tvpi")
        if c in fund.columns
    ]
    out = fund.select(wanted).join(flows, on="fund_id", how="left")
    order = [
        c
        for c in (
            "fund_id",
            "currency",
            "nav",
            "contributions",
            "distributions",
            "net_irr",
            "gross_irr",
            "tvpi",
        )
        if c in out.columns
    ]
    return out.select(order).sort("fund_id")


def draft_snapshot(con: duckdb.DuckDBPyConnection, period: str) -> Snapshot:
    """The figures a close of `period` would store, computed now and written nowhere."""
    target = Period.parse(period)
    start, inception = period_start(con, target)
    computed = compute(con, target, start, inception)
    info = CloseInfo(
        0,
        str(target),
        target.quarter,
        start,
        target.end,
        "draft",
        dt.datetime.now(dt.UTC).replace(tzinfo=None),
        login_name(),
        False,
        [],
        [],
        computed.figure_count,
        "",
        None,
    )
    stored = {name: df for name, df in computed.levels.items() if df.height}
    return Snapshot(info, stored, computed.statements)

"""`fundbook close` and `reopen`: import, validate, compute, check, snapshot and lock atomically."""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from fundbook.close.equalise import equalisation_due
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
from fundbook.core.versions import versions
from fundbook.store import chain
from fundbook.store.db import open_book, rollback, scalar, sql
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
            rollback(con)  # a failed rollback must not hide the cause (a full disk)
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


def previous_itd(con: duckdb.DuckDBPyConnection) -> pl.DataFrame | None:
    """The ITD statements of the latest standing close, which a new close continues."""
    standing = [c for c in list_closes(con) if c.status == "closed"]
    if not standing:
        return None
    statements = read_statements(con, standing[-1].close_id)
    return statements.filter(pl.col("basis") == "ITD")


@dataclass
class CloseRun:
    """What the steps of one close read and fill in, in order (`CLOSE_STEPS`)."""

    con: duckdb.DuckDBPyConnection
    target: Period
    ledger: str | None
    carry_forward: bool
    say: Progress
    imported_before: int = 0  # the import watermark before the close's own import
    new_rows: int = 0
    start: dt.date | None = None
    inception: dt.date | None = None
    carried: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    computed: Computed | None = None
    close_id: int = 0
    watermark: int = 0
    close_hash: str = ""

    @property
    def figures(self) -> Computed:
        assert self.computed is not None, "the compute step has not run"
        return self.computed


def step_order(run: CloseRun) -> None:
    """Periods close in order, once ended."""
    check_order(run.con, run.target)
    run.imported_before = int(scalar(run.con, sql("close_watermark")))


def step_import(run: CloseRun) -> None:
    """Import (and validate) what is new in the ledger folder."""
    run.ledger = _ledger_dir(run.con, run.ledger)
    run.new_rows = _import(run.con, run.ledger, run.say)


def step_validate(run: CloseRun) -> None:
    """Where the close starts; every holding valued in the month (or carried forward)."""
    run.start, run.inception = period_start(run.con, run.target)
    run.say(f"checking valuations dated in {run.target}")
    run.carried, run.warnings = _valuations(run.con, run.target, run.carry_forward)


def step_equalisation(run: CloseRun) -> None:
    """Every later closing in the period with an equalisation rate has its equalisation
    booked (else the close fails, naming the command); one without a rate is a warning."""
    assert run.start is not None
    problems, warnings = equalisation_due(run.con, run.start, run.target.end, run.ledger)
    if problems:
        raise CloseFailed(run.target, problems)
    run.warnings += warnings


def step_compute(run: CloseRun) -> None:
    """Every figure and statement line, from metrics; booked fees beyond the tolerance of the
    computed ones are warnings."""
    assert run.start is not None and run.inception is not None
    run.computed = compute(run.con, run.target, run.start, run.inception, run.say)
    run.warnings += run.computed.fee_warnings
    run.warnings += run.computed.gp_warnings


def step_check(run: CloseRun) -> None:
    """The roll-forward identities and the ties to the ledger; any broken one fails the close."""
    run.say("checking roll-forward identities")
    problems = check_all(run.con, run.figures, previous_itd(run.con))
    if problems:
        raise CloseFailed(run.target, problems)


def step_write(run: CloseRun) -> None:
    """The snapshot (one table per level), the statements and the close's record."""
    run.say("writing the snapshot and the lock")
    run.close_id = int(scalar(run.con, sql("close_next_id")))
    write_levels(run.con, run.close_id, run.figures.levels)
    insert_frame(
        run.con,
        "close_new_statements",
        run.figures.statements,
        sql("close_insert_statements"),
        run.close_id,
    )
    insert_frame(
        run.con, "close_new_ledger", run.figures.ledger, sql("close_insert_ledger"), run.close_id
    )
    run.watermark = int(scalar(run.con, sql("close_watermark")))
    run.con.execute(sql("close_insert_close"), _close_record(run))


def step_lock(run: CloseRun) -> None:
    """Lock the period: rows dated in it are refused from now on."""
    lock = {"period": str(run.target), "period_start": run.figures.period_start}
    run.con.execute(
        sql("close_insert_lock"), {**lock, "period_end": run.target.end, "close_id": run.close_id}
    )


def step_hash(run: CloseRun) -> None:
    """The close's event in the hash chain, over everything written (and every other table)."""
    run.close_hash = chain.record_event(
        run.con, "close", run.close_id, str(run.target), run.watermark
    )


# The close, step by step, in one transaction (checkpoints after the steps that name one).
CLOSE_STEPS: tuple[Callable[[CloseRun], None], ...] = (
    step_order,
    step_import,
    step_validate,
    step_equalisation,
    step_compute,
    step_check,
    step_write,
    step_lock,
    step_hash,
)
CHECKPOINT_AFTER = {
    step_import: "after-import",
    step_compute: "after-figures",
    step_hash: "after-snapshot",
}


def _close_in_transaction(
    con: duckdb.DuckDBPyConnection,
    target: Period,
    ledger: str | None,
    carry_forward: bool,
    dry_run: bool,
    say: Progress,
    checkpoint: Checkpoint,
) -> CloseResult:
    run = CloseRun(con, target, ledger, carry_forward, say)
    for step in CLOSE_STEPS:
        step(run)
        if step in CHECKPOINT_AFTER:
            checkpoint(CHECKPOINT_AFTER[step])
    assert run.start is not None
    return CloseResult(
        str(target),
        target.quarter,
        run.start,
        target.end,
        dry_run,
        run.close_id,
        run.close_hash,
        run.figures.figure_count,
        run.new_rows,
        run.warnings,
        summary(run.figures),
    )


def _close_record(run: CloseRun) -> dict[str, Any]:
    """The `closes` row of a close: what it was asked, what it imported, what it computed."""
    computed = run.figures
    return {
        "close_id": run.close_id,
        "period": str(run.target),
        "quarter": run.target.quarter,
        "period_start": computed.period_start,
        "period_end": run.target.end,
        "closed_at": dt.datetime.now(dt.UTC).replace(tzinfo=None),
        "closed_by": login_name(),
        "ledger_dir": run.ledger,
        "import_id": run.watermark if run.watermark > run.imported_before else None,
        "import_watermark": run.watermark,
        "carry_forward": run.carry_forward,
        "carried_forward": json.dumps(run.carried),
        "warnings": json.dumps(run.warnings),
        "figure_count": computed.figure_count,
        "versions": json.dumps(versions(), sort_keys=True),
    }


def summary(computed: Computed) -> pl.DataFrame:
    """Per fund with its ledger in the book: NAV, the period's contributions and distributions,
    TVPI, IRRs and their IRR policy flags (the close's table; its text prints a flagged IRR
    "n.m.")."""
    fund = computed.levels["fund"].filter(pl.col("fund_id").is_in(list(computed.ledger_funds)))
    flows = computed.statements.filter(
        (pl.col("basis") == "period") & pl.col("investor_id").is_null()
    ).select("fund_id", "contributions", "distributions")
    wanted = [
        c
        for c in (
            "fund_id",
            "currency",
            "nav",
            "tvpi",
            "net_irr",
            "gross_irr",
            "net_irr_nm",  # the IRR policy: the table prints such an IRR "n.m."
            "gross_irr_nm",
        )
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
            "tvpi",
            "net_irr",
            "gross_irr",
            "net_irr_nm",
            "gross_irr_nm",
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
    return Snapshot(info, computed.levels, computed.statements)

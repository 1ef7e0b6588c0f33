"""Commands of the month-end close: close, reopen, audit verify|reproduce|export, history.

The read-only commands (`history`, `audit verify`) import neither polars nor Arrow: the
commands that compute (close, reopen, reproduce, export) import their modules when they run.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from fundbook.cli.options import db_option
from fundbook.cli.output import emit, format_option
from fundbook.close.history import history
from fundbook.close.verify import (
    AuditFailed,
    CloseCheck,
    check_head,
    first_broken,
    head_hash,
    verify_chain,
)
from fundbook.core.table import NUMBER, OTHER, Rows
from fundbook.store.db import open_book, resolve_db_path

if TYPE_CHECKING:
    from fundbook.close.closing import CloseResult


def _step(message: str) -> None:
    click.echo(f"… {message}", err=True)


def print_close(result: CloseResult, fmt: str = "table") -> None:
    """The summary of a close: what it did, the per-fund table, and its warnings.

    With --format csv/json only the table goes to standard output (the rest to stderr)."""
    narrative = fmt != "table"
    what = "dry run of the close" if result.dry_run else f"close {result.close_id}"
    quarter = f" (quarter {result.quarter})" if result.quarter else ""
    click.echo(
        f"{what} of {result.period}{quarter}: {result.period_start} .. "
        f"{result.period_end}, {result.new_rows:,} new rows imported, "
        f"{result.figure_count:,} figures",
        err=narrative,
    )
    emit(result.summary, fmt)
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    if result.dry_run:
        click.echo("dry run: nothing was written", err=narrative)
    else:
        click.echo(f"period {result.period} locked; close hash {result.close_hash}", err=narrative)


@click.command("close")
@click.argument("period")
@click.option(
    "--ledger",
    "ledger",
    type=click.Path(file_okay=False),
    default=None,
    help="Ledger directory to import first (default: the one the book was kept from).",
)
@click.option(
    "--carry-forward-valuations",
    "carry_forward",
    is_flag=True,
    help="Carry the latest valuation of holdings not valued in the period (recorded on the close).",
)
@click.option("--dry-run", is_flag=True, help="Do everything, write nothing.")
@click.option("--quiet", is_flag=True, help="No progress lines.")
@db_option
@format_option
def close_cmd(
    period: str,
    ledger: str | None,
    carry_forward: bool,
    dry_run: bool,
    quiet: bool,
    db: str | None,
    fmt: str,
) -> None:
    """Close PERIOD (YYYY-MM; a quarter-end month closes the quarter too), atomically.

    Imports what is new, validates, checks valuations, computes every figure and the QTD/YTD/ITD
    capital account statements, checks the roll-forward identities, stores the snapshot and
    locks the period.
    """
    from fundbook.close.closing import close_period

    result = close_period(
        resolve_db_path(db),
        period,
        ledger_dir=ledger,
        carry_forward=carry_forward,
        dry_run=dry_run,
        progress=None if quiet else _step,
    )
    print_close(result, fmt)


@click.command("reopen")
@click.argument("period")
@click.option("--reason", required=True, help="Why the period is reopened (recorded).")
@db_option
def reopen_cmd(period: str, reason: str, db: str | None) -> None:
    """Reopen the latest closed PERIOD; its old snapshot is kept for the record."""
    from fundbook.close.reopen import reopen_period

    info, head = reopen_period(resolve_db_path(db), period, reason)
    click.echo(
        f"period {info.period} reopened (close {info.close_id} kept as reopened); "
        f"correct it and run `fundbook close {info.period}` again"
    )
    click.echo(f"hash chain head {head}")


@click.group("audit")
def audit_group() -> None:
    """Audit closes: verify the hash chain, reproduce figures, export audit packs."""


@audit_group.command("verify")
@click.option(
    "--expect-head",
    "expect_head",
    default=None,
    metavar="HASH",
    help="Fail unless the chain ends at this hash (the last close hash you kept).",
)
@db_option
@format_option
def verify_cmd(expect_head: str | None, db: str | None, fmt: str) -> None:
    """Recompute the hash chain over every table of the book; exit 1 naming the first event,
    table and row that no longer match."""
    with open_book(resolve_db_path(db), read_only=True) as con:
        checks = verify_chain(con)
    emit(checks_table(checks), fmt)
    broken = first_broken(checks)
    if broken:
        raise AuditFailed(f"{broken.title} no longer matches: " + "; ".join(broken.problems))
    head = head_hash(checks)
    note = check_head(checks, expect_head) if expect_head is not None else None
    closes = sum(c.event == "close" for c in checks)
    click.echo(
        f"verified {len(checks)} event(s) ({closes} close(s)): the hash chain is intact; "
        f"head {head or 'none (nothing imported)'}",
        err=True,
    )
    if note:
        click.echo(note, err=True)
    elif expect_head is None and head:
        click.echo(
            "(anyone able to write the book can rebuild a chain: keep this head and check it "
            "later with --expect-head)",
            err=True,
        )


CHECK_COLUMNS = ("seq", "event", "close_id", "period", "ok", "hash", "problems")
CHECK_KINDS = (NUMBER, OTHER, NUMBER, OTHER, OTHER, OTHER, OTHER)


def checks_table(checks: list[CloseCheck]) -> Rows:
    rows = [
        (c.seq, c.event, c.close_id, c.period, c.ok, c.hash, "; ".join(c.problems)) for c in checks
    ]
    return Rows(CHECK_COLUMNS, CHECK_KINDS, rows)


@audit_group.command("reproduce")
@click.argument("period")
@db_option
def reproduce_cmd(period: str, db: str | None) -> None:
    """Recompute every figure and general-ledger balance of PERIOD's close from its booked rows
    in a fresh database; list each difference (exit 1)."""
    from fundbook.close.audit import reproduce

    with open_book(resolve_db_path(db), read_only=True) as con:
        result = reproduce(con, period)
    n = result.differences.height
    if not result.inputs_match:
        click.echo("the book no longer matches the hash chain up to this close", err=True)
    if n:
        emit(result.differences, "table")
    click.echo(
        f"reproduced {result.figures} figures and {result.ledger_balances} ledger balances, "
        f"{n} differences"
    )
    if n or not result.inputs_match:
        raise AuditFailed(f"close {result.close_id} ({result.period}) was not reproduced")


@audit_group.command("export")
@click.argument("period")
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False),
    required=True,
    help="New folder for the audit pack (or an earlier pack of the same close, replaced).",
)
@db_option
def export_cmd(period: str, out: str, db: str | None) -> None:
    """Write PERIOD's audit pack: ledger rows, postings, figures, lineage, SQL, manifest."""
    from fundbook.close.export import export_pack

    book = resolve_db_path(db)
    with open_book(book, read_only=True) as con:
        path = export_pack(con, period, Path(out), protected=[book, Path.cwd()])
    click.echo(f"audit pack of {period} written to {path} (see MANIFEST.sha256)")


@click.command("history")
@db_option
@format_option
def history_cmd(db: str | None, fmt: str) -> None:
    """List the imports, closes and reopenings of the book (who, when, what, hash)."""
    with open_book(resolve_db_path(db), read_only=True) as con:
        emit(history(con), fmt)


COMMANDS = [close_cmd, reopen_cmd, audit_group, history_cmd]

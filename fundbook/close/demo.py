"""The close step of `fundbook demo`: close every month of the demo book in order, then audit."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from fundbook.close.audit import reproduce
from fundbook.close.closing import CloseResult, close_period
from fundbook.close.export import export_pack
from fundbook.close.periods import Period
from fundbook.close.verify import AuditFailed, first_broken, head_hash, verify_chain
from fundbook.core.table import text_table
from fundbook.store.db import open_book

Echo = Callable[[str], None]
FIRST_CLOSE = Period(2025, 12)  # covers all history up to 2025-12-31
LAST_CLOSE = Period(2026, 10)
AUDITED = Period(2026, 9)  # the quarter the demo reports on


def demo_periods() -> list[Period]:
    """2025-12 (all history), then every month to 2026-10."""
    periods, current = [], FIRST_CLOSE
    while current <= LAST_CLOSE:
        periods.append(current)
        current = current.next()
    return periods


def _summary_text(result: CloseResult) -> str:
    """The per-fund summary as an aligned text table, indented under the close line."""
    return "\n".join("  " + line for line in text_table(result.summary).splitlines())


def step_close(db: Path, out: Path, echo: Echo) -> None:
    """Close every demo month (carrying valuations forward outside quarter ends), print each
    summary, verify the hash chain, reproduce the audited quarter and export its audit pack."""
    for period in demo_periods():
        result = close_period(
            db, str(period), carry_forward=not period.is_quarter_end, progress=None
        )
        quarter = f", quarter {result.quarter}" if result.quarter else ""
        echo(
            f"closed {result.period}{quarter} ({result.period_start} .. {result.period_end}): "
            f"{result.figure_count:,} figures, hash {result.close_hash[:16]}…"
        )
        for warning in result.warnings:
            echo(f"  warning: {warning}")
        echo(_summary_text(result))
    with open_book(db, read_only=True) as con:
        checks = verify_chain(con)
        broken = first_broken(checks)
        if broken:
            raise AuditFailed(f"{broken.title} does not verify: {'; '.join(broken.problems)}")
        echo(
            f"audit verify: the hash chain of {len(demo_periods())} closes is intact; "
            f"head {head_hash(checks)} (keep it: `fundbook audit verify --expect-head HASH`)"
        )
        reproduction = reproduce(con, str(AUDITED))
        echo(
            f"audit reproduce {AUDITED}: reproduced {reproduction.figures} figures and "
            f"{reproduction.ledger_balances} ledger balances, "
            f"{reproduction.differences.height} differences"
        )
        pack = export_pack(con, str(AUDITED), out / f"audit-{AUDITED}")
        echo(f"audit pack of {AUDITED} written to {pack}")

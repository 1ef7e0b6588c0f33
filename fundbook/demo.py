"""The demo job: build the demo book into a fresh database and run the main job end to end.

Each later stage (close, reports) adds its step to `STEPS`; `fundbook demo` runs them in order.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import click

from fundbook.close.demo import AUDITED, step_close
from fundbook.close.export import read_pack, remove_pack
from fundbook.close.ledger import ledger_rows, trial_balance
from fundbook.core.errors import FundbookError
from fundbook.report.demo import step_reports
from fundbook.store.db import open_book
from fundbook.store.importer import import_book, table_counts

Echo = Callable[[str], None]
DEMO_LEDGER = Path(__file__).resolve().parents[1] / "ledgers" / "itif-demo"
DEMO_AS_OF = dt.date(2026, 10, 31)


def demo_ledger_dir(out: Path, echo: Echo) -> Path:
    """The committed demo book; regenerated from its seeded generator into `out` when absent."""
    if (DEMO_LEDGER / "funds.csv").is_file():
        return DEMO_LEDGER
    from fundbook.synth import demo as demo_generator

    target = out / "itif-demo"
    echo(f"demo ledger not found next to the package; generating it into {target}")
    demo_generator.write_demo_book(target)
    return target


def fresh_database(db: Path, force: bool = False) -> None:
    """Start from nothing: refuse an existing book (and its WAL) unless `force`, then remove it.

    A book may hold closes that cannot be made again, so it is replaced only when asked.
    """
    existing = [p for p in (db, Path(f"{db}.wal")) if p.exists()]
    if existing and not force:
        raise FundbookError(
            f"{existing[0]} already exists; the demo builds a new book: give another --db, "
            "or --force to replace it (its closes are lost)"
        )
    for path in existing:
        if path.is_dir():
            raise FundbookError(f"{path} is a folder, not a book; give another --db")
        path.unlink()


def check_outputs(out: Path, force: bool) -> Path | None:
    """Before anything is replaced: the audit pack an earlier demo left in `out`, which only
    `force` replaces (returned, to be removed), and nothing else of the user's there."""
    pack = out / f"audit-{AUDITED}"
    if not pack.exists() or not any(pack.iterdir()):
        return None
    found = read_pack(pack)
    if found is None or found.unlisted:
        raise FundbookError(
            f"{pack} holds files that are not an earlier demo's audit pack: give another --out "
            "(nothing was touched)"
        )
    if not force:
        raise FundbookError(
            f"{pack} holds an earlier demo's audit pack: give another --out, or --force to "
            "replace the demo's book and outputs (nothing was touched)"
        )
    return pack


def step_import(db: Path, out: Path, echo: Echo) -> None:
    """Import the demo book and check that the trial balance balances."""
    ledger = demo_ledger_dir(out, echo)
    with open_book(db) as con:
        result = import_book(con, ledger, progress=lambda m: echo(f"  {m}"))
        echo(
            f"imported {result.total_new:,} rows from {ledger} "
            f"({result.postings:,} postings to the cash journal)"
        )
        counts = table_counts(con)
        echo("  " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
        balance = trial_balance(ledger_rows(con, DEMO_AS_OF))
        if balance.unbalanced:
            raise FundbookError(f"trial balance does not balance: {balance.totals.records()}")
        echo(
            f"trial balance at {DEMO_AS_OF}: {balance.totals.height} fund/currency books, "
            "all balanced"
        )


STEPS: list[Callable[[Path, Path, Echo], None]] = [step_import, step_close, step_reports]


def run_demo(
    db: Path, out: Path, echo: Echo = click.echo, force: bool = False, pdf: bool = True
) -> None:
    """Build the demo book into a fresh `db` and run every step, writing outputs into `out`.

    An existing `db` is refused, untouched, unless `force` (then it is replaced); without
    `pdf` the reports are rendered as HTML only (much faster).
    """
    earlier_pack = check_outputs(out, force)
    fresh_database(db, force)
    if earlier_pack is not None:
        remove_pack(earlier_pack)
    out.mkdir(parents=True, exist_ok=True)
    for step in STEPS:
        if step is step_reports:
            step_reports(db, out, echo, pdf=pdf)
        else:
            step(db, out, echo)
    echo(f"the demo book is {db}: try `fundbook history --db {db}`")
    for line in dashboard_hint(db):
        echo(line)


def dashboard_hint(db: Path) -> list[str]:
    """How to open the read-only dashboard on the book (the demo starts no server)."""
    return [
        "to see it in the browser (read-only dashboard; nothing is started now):",
        f"  fundbook token issue --staff --db {db}    # prints a token, once",
        f"  fundbook serve --db {db}                  # then sign in at http://127.0.0.1:8000/",
        "  (an investor's own pages: `fundbook token issue --investor ID`; Ctrl-C stops serve)",
    ]

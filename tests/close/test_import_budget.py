"""The read-only commands on a closed day import neither polars, nor pyarrow, nor numpy (nor the
web stack, starlette and uvicorn): their start-up is most of their time
(benchmarks/commands.py measures it; this test needs no clock)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from close_kit import book

from fundbook.close.closing import close_period

# the web stack too: only `fundbook serve` imports it
HEAVY = ("polars", "pyarrow", "numpy", "starlette", "uvicorn")
# Runs the command in a fresh interpreter, then prints the heavy modules it imported.
PROBE = """
import sys
from fundbook.cli import cli
try:
    cli(sys.argv[1:], prog_name="fundbook", standalone_mode=False)
finally:
    print("IMPORTED", *sorted(m for m in {heavy!r} if m in sys.modules))
"""


@pytest.fixture(scope="module")
def closed_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db, ledger = book(tmp_path_factory.mktemp("budget"))
    close_period(db, "2026-03", ledger_dir=str(ledger))
    return db


def heavy_imports(*args: str) -> list[str]:
    """The heavy modules `fundbook ARGS` imported (its exit code must be 0)."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(heavy=HEAVY), *args],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    last = done.stdout.strip().splitlines()[-1].split()
    assert last[0] == "IMPORTED", done.stdout
    return last[1:]


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["history", "--help"],
        ["metrics", "--help"],
        ["compliance", "--help"],
        ["trial-balance", "--help"],
        ["audit", "verify", "--help"],
        ["history"],
        ["metrics", "--as-of", "2026-03-31"],
        ["metrics", "--as-of", "2026-03-31", "--by", "investor", "--format", "json"],
        ["metrics", "--as-of", "2026-03-31", "--by", "holding", "--fund", "sf1"],
        ["metrics", "--as-of", "2026-03-31", "--by", "theme", "--format", "csv"],
        ["metrics", "--as-of", "2026-03-31", "--by", "theme", "--look-through"],
        ["metrics", "--as-of", "2026-03-31", "--by", "programme"],
        ["compliance", "--as-of", "2026-03-31"],
        ["trial-balance", "--as-of", "2026-03-31"],
        ["trial-balance", "--as-of", "2026-03-31", "--totals", "--format", "json"],
        ["balance-sheet", "--help"],
        ["balance-sheet", "--as-of", "2026-03-31"],
        ["balance-sheet", "--as-of", "2026-03-31", "--fund", "sf1", "--format", "json"],
        ["audit", "verify"],
        ["serve", "--help"],
        ["token", "--help"],
        ["token", "list"],
        ["token", "list", "--format", "json"],
    ],
    ids=" ".join,
)
def test_read_only_commands_import_no_heavy_library(closed_book: Path, args: list[str]) -> None:
    db = [] if "--help" in args else ["--db", str(closed_book)]
    assert heavy_imports(*args, *db) == []


def test_a_day_without_snapshot_is_computed_with_polars(closed_book: Path) -> None:
    """The probe sees polars when a command does compute (so the test above can fail)."""
    imported = heavy_imports("metrics", "--as-of", "2026-03-30", "--db", str(closed_book))
    assert "polars" in imported

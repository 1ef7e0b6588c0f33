"""Errors of the environment: one line each, exit 1, nothing half-written, never a traceback."""

from __future__ import annotations

import hashlib
import re
import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner, Result

from fundbook.cli import cli
from fundbook.core.errors import MoneyOverflow
from fundbook.metrics.money import CENTS, allocate
from fundbook.store.db import SCHEMA_VERSION, connect, open_duckdb
from ledger_kit import SMALL_BOOK, write_book

DEMO = Path(__file__).resolve().parents[2] / "ledgers" / "itif-demo"
AGAIN = "(nothing was written; fix the cause and run the command again)"


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def one_error(result: Result) -> str:
    """The one line a failed command printed (and that it failed cleanly)."""
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert "Traceback" not in result.output
    return lines[0]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Callable[[str], Path]]:
    """Mount a small tmpfs (root in CI); skipped, with the reason, where mounting is not allowed."""
    mounted: list[Path] = []

    def mount(options: str) -> Path:
        target = tmp_path / f"mnt{len(mounted)}"
        target.mkdir()
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(target)],
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here (needs root): {done.stderr.strip()}")
        mounted.append(target)
        return target

    yield mount
    for target in reversed(mounted):
        subprocess.run(["umount", "-l", str(target)], check=False)


def test_disk_full_shows_the_real_cause(tmpfs: Callable[[str], Path]) -> None:
    folder = tmpfs("size=300k")
    db = folder / "book.duckdb"
    line = one_error(run("import", str(DEMO), "--db", str(db), "--quiet"))
    assert line == f"Error: cannot use the book {db}: No space left on device {AGAIN}"
    assert not db.exists() and not Path(f"{db}.wal").exists()


def test_read_only_folder(tmpfs: Callable[[str], Path]) -> None:
    folder = tmpfs("size=16m")
    db = folder / "book.duckdb"
    assert run("import", str(DEMO), "--db", str(db), "--quiet").exit_code == 0
    before = digest(db)
    subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
    line = one_error(run("import", str(DEMO), "--db", str(db), "--quiet"))
    assert line == f"Error: cannot use the book {db}: Read-only file system {AGAIN}"
    new = folder / "new.duckdb"
    line = one_error(run("init", "--db", str(new)))
    assert line == f"Error: cannot use the book {new}: Read-only file system {AGAIN}"
    assert digest(db) == before
    read = run("trial-balance", "--as-of", "2026-12-31", "--totals", "--db", str(db))
    assert read.exit_code == 0, read.output


def test_file_names_too_long(tmp_path: Path) -> None:
    db = tmp_path / ("b" * 300 + ".duckdb")
    line = one_error(run("import", str(DEMO), "--db", str(db), "--quiet"))
    assert line == f"Error: cannot use the book {db}: File name too long {AGAIN}"
    ledger = tmp_path / ("l" * 300)
    result = run("import", str(ledger), "--db", str(tmp_path / "ok.duckdb"), "--quiet")
    assert result.exit_code == 1, result.output
    assert result.output.splitlines() == [
        f"{ledger}:0: cannot read: File name too long",
        "1 problem found; nothing was written.",
    ]


def _sqlite(path: Path) -> None:
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE t (a)")
    con.commit()
    con.close()


@pytest.mark.parametrize(
    "make",
    [
        lambda p: p.write_text("fund_id,name\n", encoding="utf-8"),
        lambda p: p.write_bytes(b""),
        _sqlite,  # DuckDB would fetch its sqlite extension over the network to read it
    ],
    ids=["text", "empty", "sqlite"],
)
def test_a_file_that_is_not_a_book(tmp_path: Path, make: Callable[[Path], object]) -> None:
    db = tmp_path / "book.duckdb"
    make(db)
    before = digest(db)
    expected = (
        f"Error: {db} is not a fundbook book (not a DuckDB database file): check --db or "
        "$FUNDBOOK_DB"
    )
    assert one_error(run("import", str(DEMO), "--db", str(db), "--quiet")) == expected
    assert one_error(run("trial-balance", "--as-of", "2026-12-31", "--db", str(db))) == expected
    assert digest(db) == before


def test_a_duckdb_database_that_is_not_a_book(tmp_path: Path) -> None:
    db = tmp_path / "other.duckdb"
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE t (a INTEGER)")
    con.close()
    before = digest(db)
    assert one_error(run("init", "--db", str(db))) == (
        f"Error: {db} is a DuckDB database but not a fundbook book (it has no book_meta "
        "table): check --db or $FUNDBOOK_DB"
    )
    assert digest(db) == before


def _marked(tmp_path: Path, version: str) -> Path:
    db = tmp_path / "book.duckdb"
    assert run("import", str(DEMO), "--db", str(db), "--quiet").exit_code == 0
    con = duckdb.connect(str(db))
    con.execute("UPDATE book_meta SET value = ? WHERE key = 'schema_version'", [version])
    con.close()
    return db


def test_a_book_of_a_newer_schema_is_not_written_to(tmp_path: Path) -> None:
    db = _marked(tmp_path, "99")
    before = digest(db)
    expected = (
        f"Error: the book {db} has schema version 99 (table book_meta, row key=schema_version); "
        "this fundbook reads schema version "
        f"{SCHEMA_VERSION}: it was written by a newer fundbook: use that version (the book "
        "was left unchanged)"
    )
    assert one_error(run("import", str(DEMO), "--db", str(db), "--quiet")) == expected
    assert one_error(run("trial-balance", "--as-of", "2026-12-31", "--db", str(db))) == expected
    assert digest(db) == before


def test_a_book_of_an_older_schema_says_what_to_do(tmp_path: Path) -> None:
    db = _marked(tmp_path, "0")
    assert one_error(run("init", "--db", str(db))) == (
        f"Error: the book {db} has schema version 0 (table book_meta, row key=schema_version); "
        "this fundbook reads schema version "
        f"{SCHEMA_VERSION}: use the fundbook that wrote it, or rebuild the book with this one "
        "from its ledger folder (`fundbook import LEDGER_DIR --db NEW_BOOK`) (the book was "
        "left unchanged)"
    )


SETTINGS = (
    "SELECT current_setting('autoinstall_known_extensions'), "
    "current_setting('autoload_known_extensions')"
)


def test_extension_autoinstall_and_autoload_are_off(tmp_path: Path) -> None:
    memory = open_duckdb()
    book = connect(tmp_path / "book.duckdb")
    try:
        for con in (memory, book):
            assert con.execute(SETTINGS).fetchall() == [(False, False)]
    finally:
        memory.close()
        book.close()


def _scaled(row: str) -> str:
    """Every amount of the row times 10^11 (HK$100bn for HK$1): still valid per row."""
    return re.sub(r"(?<=,)(\d+)\.(\d\d)(?=,)", r"\g<1>00000000000.\2", row)


def test_money_near_the_ledger_limit_values_a_held_fund_exactly(tmp_path: Path) -> None:
    """Amounts 10^11 times the small book's (the ledger's DECIMAL(18,2) allows little more):
    a fund held by a fund is valued at its LP's rounded capital account x the rates (issue 11,
    R6), cents times rates of 10⁻⁸, far inside 128 bits: nothing to refuse, nothing wraps.
    (Before R6 the exact share multiplied cents, commitments and rates, and was refused.)"""
    import json

    big = {
        n: rows if n == "fx_rates" else [_scaled(r) for r in rows] for n, rows in SMALL_BOOK.items()
    }
    ledger = write_book(tmp_path / "ledger", big)
    db = tmp_path / "book.duckdb"
    imported = run("import", str(ledger), "--db", str(db), "--quiet")
    assert imported.exit_code == 0, imported.output
    day = ["--as-of", "2026-03-31", "--db", str(db), "--format", "json"]
    holdings = json.loads(run("metrics", "--by", "holding", "--fund", "gf", *day).stdout)
    investors = json.loads(run("metrics", "--by", "investor", "--fund", "sf1", *day).stdout)
    held = next(h for h in holdings if h["holding_id"] == "sf1")
    lp = next(i for i in investors if i["investor_id"] == "gf-lp")
    assert held["fair_value"] == lp["nav"] == "5625000000000.00"


def test_allocation_that_would_wrap_is_refused() -> None:
    import polars as pl

    huge = 10**20
    df = pl.DataFrame(
        {"g": ["f", "f"], "k": ["a", "b"], "amount": [huge, huge], "weight": [huge, 1]},
        schema={"g": pl.String, "k": pl.String, "amount": CENTS, "weight": CENTS},
    )
    with pytest.raises(MoneyOverflow, match="^allocating amount: the amounts are too large"):
        allocate(df, "amount", "weight", "g", "k", "share")
    small = df.with_columns(pl.lit(10**12, CENTS).alias("amount"))
    shares = allocate(small, "amount", "weight", "g", "k", "share")["share"].to_list()
    assert sum(shares) == 10**12


def test_an_output_folder_that_cannot_be_written_is_one_line(
    tmpfs: Callable[[str], Path], tmp_path: Path
) -> None:
    """The output folder, not the book, is named; no traceback."""
    from fundbook.close.closing import close_period

    db, ledger = tmp_path / "book.duckdb", write_book(tmp_path / "ledger", SMALL_BOOK)
    close_period(db, "2026-03", ledger_dir=str(ledger))
    folder = tmpfs("size=1m")
    subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
    for args in (
        ["audit", "export", "2026-03", "--out", str(folder / "pack")],
        ["report", "lp", "--quarter", "2026Q1", "--out", str(folder / "lp")],
        ["report", "board", "--quarter", "2026Q1", "--out", str(folder / "board")],
        ["synth", "--transactions", "100", "--out", str(folder / "synth")],
    ):
        line = one_error(run(*args, "--db", str(db)) if args[0] != "synth" else run(*args))
        assert line.startswith(f"Error: cannot write {folder}"), (args, line)
        assert "Read-only file system" in line and "the book" not in line, line
    long = tmp_path / ("o" * 300)
    line = one_error(
        run("report", "board", "--quarter", "2026Q1", "--out", str(long), "--db", str(db))
    )
    assert "File name too long" in line and "the book" not in line, line

"""GP statements through a close (issue 13): stored and hashed, the `reconcile` level stored
and explained, its difference warned of once, `fundbook reconcile` in every format."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from close_kit import plain_sql, run
from gp_kit import gp_book

from fundbook.close.audit import reproduce
from fundbook.close.closing import close_period
from fundbook.close.explain import stored_of_close
from fundbook.close.snapshot import LEVEL_KEYS, read_snapshot
from fundbook.store.db import open_book
from fundbook.store.frames import load_frames
from tests.metrics.explain_check import failures, undetected

WARNED = (
    "fund gf: the GP statement of sf1 dated 2026-03-31 (received 2026-05-10; "
    "gp_statements.csv:4) gives nav 60.00, the book 56.25 for gf-lp: a difference of -3.75 HKD "
    "(more than its tolerance 1.00); see `fundbook reconcile --as-of 2026-05-10`"
)

# the levels explained: the reconciliation, the holdings (sf3 valued from its GP), and the
# accounts they read
WANTED = ("reconcile", "holding", "investor", "fund")


@pytest.fixture(scope="module")
def closed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[list[str]]]:
    """The GP book closed 2026-04, 2026-05 (sf1's Q1 statement received) and 2026-06."""
    root = tmp_path_factory.mktemp("reconcile")
    ledger = gp_book(root / "ledger")
    db = root / "book.duckdb"
    warnings = [close_period(db, "2026-04", ledger_dir=str(ledger), carry_forward=True).warnings]
    for month in ("2026-05", "2026-06"):
        warnings.append(close_period(db, month, carry_forward=True).warnings)
    return db, warnings


def test_the_difference_is_warned_of_once(closed: tuple[Path, list[list[str]]]) -> None:
    _, warnings = closed
    assert [[w for w in ws if "GP statement" in w] for ws in warnings] == [[], [WARNED], []]


def test_the_level_is_stored_and_explained(closed: tuple[Path, list[list[str]]]) -> None:
    db, _ = closed
    with open_book(db, read_only=True) as con:
        snap = read_snapshot(con, "2026-06")
        level = snap.level("reconcile")
        frames = load_frames(con, snap.close.period_end)
        stored = stored_of_close(con, snap.close, frames, WANTED)
        holding = snap.level("holding").filter(holding_id="sf3").row(0, named=True)
    assert level["figure"].to_list() == [
        "carry_accrued",
        "contributions",
        "distributions",
        "fees",
        "nav",
    ]
    assert level.filter(figure="nav")["status"].to_list() == ["differs"]
    assert level.select("source_file", "source_line").unique().rows() == [("gp_statements.csv", 4)]
    assert (holding["valued_by"], str(holding["fair_value"]), holding["lag_days"]) == (
        "gp_statement",
        "40.00",
        91,
    )
    levels = {level: LEVEL_KEYS[level] for level in WANTED}
    count, bad = failures(frames, stored, snap.close.period_end, levels)
    bad = [b for b in bad if b.startswith(("reconcile ", "holding "))]
    assert count > 0 and not bad, "\n".join(bad[:10])
    tried, accepted = undetected(frames, stored, snap.close.period_end, levels)
    assert {k for lv, k in tried if lv == "reconcile"} >= {
        "Decimal",
        "str",
        "date",
        "int",
        "NoneType",
    }
    accepted = [a for a in accepted if a.startswith(("reconcile ", "holding "))]
    assert not accepted, "\n".join(accepted)


def test_the_gp_rows_are_reproduced_and_hashed(closed: tuple[Path, list[list[str]]]) -> None:
    db, _ = closed
    with open_book(db, read_only=True) as con:
        assert reproduce(con, "2026-06").differences.height == 0
    copy = db.parent / "tampered.duckdb"
    copy.write_bytes(db.read_bytes())
    plain_sql(copy, "UPDATE gp_statements SET nav = 61 WHERE holding_id = 'sf1'")
    result = run("audit", "verify", "--db", str(copy))
    assert result.exit_code != 0
    assert "gp_statements" in result.output


def test_the_command_in_json(closed: tuple[Path, list[list[str]]]) -> None:
    db, _ = closed
    result = run("reconcile", "--as-of", "2026-06-30", "--format", "json", "--db", str(db))
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert list(rows[0]) == [
        "fund_id",
        "holding_id",
        "figure",
        "investor_id",
        "statement_date",
        "received_date",
        "currency",
        "gp",
        "book",
        "difference",
        "tolerance",
        "status",
        "source_file",
        "source_line",
    ]
    nav = next(r for r in rows if r["figure"] == "nav")
    assert (nav["gp"], nav["book"], nav["difference"], nav["status"]) == (
        "60.00",
        "56.25",
        "-3.75",
        "differs",
    )
    # the GP statement's row: sf1's is the third of gp_statements.csv (tests/gp_kit.py)
    assert {(r["source_file"], r["source_line"]) for r in rows} == {("gp_statements.csv", 4)}
    table = run("reconcile", "--as-of", "2026-06-30", "--db", str(db))
    assert table.exit_code == 0 and "differs" in table.output
    early = run("reconcile", "--as-of", "2026-05-09", "--format", "csv", "--db", str(db))
    assert early.exit_code == 0 and early.output.strip().splitlines() == [
        "fund_id,holding_id,figure,investor_id,statement_date,received_date,currency,gp,book,"
        "difference,tolerance,status,source_file,source_line"
    ]


def test_a_statement_received_in_a_closed_period_is_refused(
    closed: tuple[Path, list[list[str]]], tmp_path: Path
) -> None:
    db, _ = closed
    copy = tmp_path / "book.duckdb"
    copy.write_bytes(db.read_bytes())
    ledger = Path(shutil.copytree(db.parent / "ledger", tmp_path / "ledger"))
    with (ledger / "gp_statements.csv").open("a", encoding="utf-8") as fh:
        fh.write("2026-03-31,gf,sf2,28.00,USD,2026-05-30,,,,\n")  # line 5; closed to June
    result = run("import", str(ledger), "--db", str(copy))
    assert result.exit_code != 0
    assert (
        f"{ledger}/gp_statements.csv:5: GP statement received 2026-05-30 falls in a closed "
        "period (the book is closed through 2026-06-30)"
    ) in result.output


def test_a_reconcile_line_is_explained_from_the_command_line(
    closed: tuple[Path, list[list[str]]],
) -> None:
    db, _ = closed
    args = ["--level", "reconcile", "--fund", "gf", "--holding", "sf1", "--gp-figure", "nav"]
    result = run(
        "explain", "difference", *args, "--period", "2026-06", "--format", "json", "--db", str(db)
    )
    assert result.exit_code == 0, result.output
    lines = json.loads(result.output)
    assert [(line["item"], line["amount"]) for line in lines] == [
        ("book", "56.25"),
        ("gp", "-60.00"),
        ("difference = the sum of the term lines", "-3.75"),
    ]


def test_the_close_summary_lists_only_funds_with_their_ledger(tmp_path: Path) -> None:
    """sf3 is held from its GP's statements: it has no fund figures, so no 0.00 row."""
    ledger = gp_book(tmp_path / "ledger")
    result = close_period(
        tmp_path / "book.duckdb", "2026-04", ledger_dir=str(ledger), carry_forward=True
    )
    funds = result.summary.get_column("fund_id").to_list()
    assert "sf3" not in funds
    assert {"gf", "sf1"} <= set(funds)

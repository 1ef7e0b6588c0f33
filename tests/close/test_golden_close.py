"""Golden closes: a ledger directory closed, reopened with a reason, corrected and closed
again; the figures of both closes (as the JSON output renders them) are worked by hand in the
case's README.md, and the hash chain still verifies."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from close_kit import run

from fundbook.cli.output import to_records
from fundbook.close.snapshot import Snapshot, list_closes, read_snapshot_by_id
from fundbook.store.db import open_book

GOLDEN = Path(__file__).parent / "golden"
CASES = sorted(p.name for p in GOLDEN.iterdir() if (p / "expected.json").is_file())


def _records(snap: Snapshot, level: str) -> list[dict[str, Any]]:
    return to_records(snap.statements if level == "statement" else snap.level(level))


def _assert_close(snap: Snapshot, spec: dict[str, Any]) -> None:
    assert snap.close.status == spec["status"]
    for check in spec["checks"]:
        where = check["where"]
        rows = [
            r
            for r in _records(snap, check["level"])
            if all(r.get(k) == v for k, v in where.items())
        ]
        assert len(rows) == 1, check
        for figure, expected in check["expect"].items():
            got = rows[0][figure]
            if isinstance(expected, float) and isinstance(got, float):
                assert got == pytest.approx(expected, abs=1e-12), (where, figure)
            else:
                assert got == expected, (snap.close.close_id, where, figure, got)


@pytest.mark.parametrize("case", CASES)
def test_golden_close(case: str, tmp_path: Path) -> None:
    spec = json.loads((GOLDEN / case / "expected.json").read_text(encoding="utf-8"))
    ledger = shutil.copytree(GOLDEN / case / "ledger", tmp_path / "ledger")
    db = str(tmp_path / "book.duckdb")
    period = spec["period"]
    first = run("close", period, "--db", db, "--ledger", str(ledger), "--quiet")
    assert first.exit_code == 0, first.output
    reopened = run("reopen", period, "--db", db, "--reason", spec["reason"])
    assert reopened.exit_code == 0, reopened.output
    correction = (GOLDEN / case / "correction.csv").read_text(encoding="utf-8")
    with (ledger / "transactions.csv").open("a", encoding="utf-8") as out:
        out.write(correction)
    second = run("close", period, "--db", db, "--quiet")
    assert second.exit_code == 0, second.output
    with open_book(Path(db), read_only=True) as con:
        closes = list_closes(con)
        assert [c.period for c in closes] == [period, period]
        snaps = [read_snapshot_by_id(con, c) for c in closes]
    _assert_close(snaps[0], spec["closes"]["first"])
    _assert_close(snaps[1], spec["closes"]["second"])
    history = run("history", "--db", db, "--format", "csv")
    assert history.exit_code == 0 and spec["reason"] in history.output
    verify = run("audit", "verify", "--db", db)
    assert verify.exit_code == 0, verify.output

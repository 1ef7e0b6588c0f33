"""A close killed with SIGKILL at any point leaves the book before or after it; two closes at
once: the second fails at once. The close pauses at a checkpoint injected by paused_close.py."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from close_kit import book, counts, run

from fundbook.close.closing import close_period

PAUSED = Path(__file__).with_name("paused_close.py")


def start_paused(args: list[str], point: str, timeout: float = 90.0) -> subprocess.Popen[str]:
    """Start `fundbook ARGS` in a subprocess and return once it is paused at `point`."""
    proc = subprocess.Popen(
        [sys.executable, str(PAUSED), point, "300", *args],
        text=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    reached = threading.Event()

    def watch() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            if f"fundbook-test-hook: paused at {point}" in line:
                reached.set()

    threading.Thread(target=watch, daemon=True).start()
    deadline = time.monotonic() + timeout
    while not reached.is_set():
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"the close never reached {point} (exit {proc.returncode})")
        time.sleep(0.05)
    return proc


def kill9(proc: subprocess.Popen[str]) -> None:
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL


@pytest.mark.parametrize("point", ["after-import", "after-snapshot", "before-commit"])
def test_kill_before_commit_leaves_the_book_as_before(tmp_path: Path, point: str) -> None:
    db, ledger = book(tmp_path)
    run("init", "--db", str(db))
    before = counts(db)
    proc = start_paused(["close", "2026-03", "--db", str(db), "--ledger", str(ledger)], point)
    kill9(proc)
    assert counts(db) == before
    result = close_period(db, "2026-03", ledger_dir=str(ledger))
    assert result.close_id == 1
    after = counts(db)
    assert after["closes"] == 1 and after["period_locks"] == 1 and after["transactions"] == 9
    assert run("audit", "verify", "--db", str(db)).exit_code == 0


def test_kill_after_commit_leaves_the_book_as_after(tmp_path: Path) -> None:
    db, ledger = book(tmp_path)
    proc = start_paused(
        ["close", "2026-03", "--db", str(db), "--ledger", str(ledger)], "after-commit"
    )
    kill9(proc)
    after = counts(db)
    assert after["closes"] == 1 and after["period_locks"] == 1 and after["transactions"] == 9
    assert run("audit", "verify", "--db", str(db)).exit_code == 0
    again = run("close", "2026-03", "--db", str(db))
    assert again.exit_code == 1 and "already closed" in again.stderr


def test_second_close_at_once_fails_with_book_in_use(tmp_path: Path) -> None:
    db, ledger = book(tmp_path)
    run("init", "--db", str(db))
    before = counts(db)
    proc = start_paused(["close", "2026-03", "--db", str(db), "--ledger", str(ledger)], "locked")
    try:
        started = time.monotonic()
        second = run("close", "2026-03", "--db", str(db), "--ledger", str(ledger))
        assert time.monotonic() - started < 5
        assert second.exit_code == 1
        assert "is in use by another fundbook process" in second.stderr
    finally:
        kill9(proc)
    assert counts(db) == before
    assert close_period(db, "2026-03", ledger_dir=str(ledger)).close_id == 1

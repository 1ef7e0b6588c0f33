"""`fundbook demo` never replaces a book unless --force, and writes only where it is told."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

import fundbook.demo
from fundbook.cli import cli


@pytest.fixture
def steps(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Path, Path]]:
    """The demo's steps replaced by one that records its call (the real ones take a minute)."""
    calls: list[tuple[Path, Path]] = []

    def step(db: Path, out: Path, echo: object) -> None:
        calls.append((db, out))

    monkeypatch.setattr(fundbook.demo, "STEPS", [step])
    return calls


@pytest.fixture
def book(tmp_path: Path) -> Path:
    """A real book (an empty one, with its schema), as `fundbook init` makes it."""
    db = tmp_path / "mine.duckdb"
    result = CliRunner().invoke(cli, ["init", "--db", str(db)])
    assert result.exit_code == 0, result.output
    return db


def test_demo_refuses_an_existing_book_and_touches_nothing(tmp_path: Path, book: Path, steps):
    before = book.read_bytes()
    out = tmp_path / "demo-out"
    result = CliRunner().invoke(cli, ["demo", "--db", str(book), "--out", str(out)])
    assert result.exit_code != 0
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "already exists" in lines[0] and "--force" in lines[0], lines
    assert "Traceback" not in result.output
    assert book.read_bytes() == before
    assert not out.exists()
    assert steps == []


def test_demo_refuses_a_book_whose_wal_is_left(tmp_path: Path, steps):
    wal = tmp_path / "demo.duckdb.wal"
    wal.write_bytes(b"left by a crash")
    args = ["demo", "--db", str(tmp_path / "demo.duckdb"), "--out", str(tmp_path / "out")]
    result = CliRunner().invoke(cli, args)  # --out: not the current folder's build/demo-reports
    assert result.exit_code != 0 and "already exists" in result.output
    assert wal.read_bytes() == b"left by a crash" and steps == []


def test_demo_force_replaces_the_book(tmp_path: Path, book: Path, steps):
    out = tmp_path / "demo-out"
    args = ["demo", "--db", str(book), "--out", str(out), "--force"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert not book.exists()  # removed; the (recording) steps would build the new one
    assert steps == [(book, out)] and out.is_dir()


def test_demo_ledger_is_generated_under_the_output_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """Without the committed demo ledger (an installed package), it is written under --out."""
    monkeypatch.setattr(fundbook.demo, "DEMO_LEDGER", tmp_path / "not-here")
    cwd, out = tmp_path / "cwd", tmp_path / "out"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    ledger = fundbook.demo.demo_ledger_dir(out, lambda _message: None)
    assert ledger.resolve().is_relative_to(out.resolve())
    assert (ledger / "funds.csv").is_file()
    assert list(cwd.iterdir()) == []


def _earlier_pack(out: Path) -> Path:
    """A folder that looks like the audit pack an earlier demo left (manifest lists all)."""
    from fundbook.close.export import write_manifest

    pack = out / "audit-2026-09"
    pack.mkdir(parents=True)
    (pack / "close.json").write_text('{"close_id": 10, "period": "2026-09"}\n')
    write_manifest(pack)
    return pack


def test_demo_checks_its_outputs_before_replacing_anything(tmp_path: Path, book: Path, steps):
    out = tmp_path / "out"
    pack = _earlier_pack(out)
    before = book.read_bytes()
    result = CliRunner().invoke(
        cli, ["demo", "--db", str(tmp_path / "new.duckdb"), "--out", str(out)]
    )
    assert result.exit_code == 1 and "holds an earlier demo's audit pack" in result.output
    (pack / "mine.txt").write_text("keep me")
    forced = CliRunner().invoke(cli, ["demo", "--db", str(book), "--out", str(out), "--force"])
    assert forced.exit_code == 1 and "not an earlier demo's audit pack" in forced.output
    assert book.read_bytes() == before and (pack / "mine.txt").read_text() == "keep me"
    assert steps == []


def test_demo_force_replaces_an_earlier_demos_pack(tmp_path: Path, book: Path, steps):
    out = tmp_path / "out"
    pack = _earlier_pack(out)
    result = CliRunner().invoke(cli, ["demo", "--db", str(book), "--out", str(out), "--force"])
    assert result.exit_code == 0, result.output
    assert not pack.exists() and steps == [(book, out)]


def test_demo_says_how_to_open_the_dashboard_and_starts_none(tmp_path: Path, book: Path, steps):
    out = tmp_path / "demo-out"
    args = ["demo", "--db", str(book), "--out", str(out), "--force"]
    result = CliRunner().invoke(cli, args)  # returns: no server left running
    assert result.exit_code == 0, result.output
    assert f"fundbook token issue --staff --db {book}" in result.output
    assert f"fundbook serve --db {book}" in result.output

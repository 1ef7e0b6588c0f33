"""The ledger's commentary: read and checked, booked by version, hashed, packed, in reports."""

from __future__ import annotations

from pathlib import Path

import duckdb
from close_kit import book, plain_sql, run

from fundbook.ledger.commentary import read_commentary


def _write(ledger: Path, name: str, data: bytes | str) -> None:
    folder = ledger / "commentary"
    folder.mkdir(exist_ok=True)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    (folder / name).write_bytes(raw)


def _rows(db: Path) -> list[tuple[str, str, str, int]]:
    con = duckdb.connect(str(db), read_only=True)
    try:  # test-only SQL
        return con.execute(
            "SELECT quarter, lang, text, import_id FROM commentary ORDER BY import_id, lang"
        ).fetchall()
    finally:
        con.close()


def test_bad_files_are_reported_as_path_line(tmp_path: Path) -> None:
    _, ledger = book(tmp_path)
    _write(ledger, "2026Q5.md", "x")
    _write(ledger, "2026Q1.fr.md", "x")
    _write(ledger, "notes.txt", "x")
    _write(ledger, "2026Q1.zh-Hant.md", b"line one\n\xff bad")
    _write(ledger, "2026Q2.md", "fine")
    rows, errors = read_commentary(ledger)
    where = f"{ledger}/commentary/"
    assert sorted(str(e).replace(where, "") for e in errors) == [
        "2026Q1.fr.md:0: unknown language 'fr' (known: en, zh-Hant)",
        "2026Q1.zh-Hant.md:2: not UTF-8 (byte 0xff)",
        "2026Q5.md:0: '2026Q5' is not a quarter like 2026Q3",
        "notes.txt:0: not a commentary file (expected <quarter>.md or <quarter>.<lang>.md, "
        "e.g. 2026Q3.md, 2026Q3.zh-Hant.md)",
    ]
    assert rows.select("quarter", "lang", "text").rows() == [("2026Q2", "en", "fine")]
    db = tmp_path / "book.duckdb"
    result = run("import", str(ledger), "--db", str(db))
    assert result.exit_code != 0 and "not UTF-8" in result.output


def test_booked_by_version_hashed_and_frozen_once_closed(tmp_path: Path) -> None:
    db, ledger = book(tmp_path)
    _write(ledger, "2026Q1.md", "First **draft**")
    assert run("import", str(ledger), "--db", str(db)).exit_code == 0
    assert run("import", str(ledger), "--db", str(db)).exit_code == 0  # nothing new
    _write(ledger, "2026Q1.md", "Final text")
    _write(ledger, "2026Q1.zh-Hant.md", "定稿")
    assert run("import", str(ledger), "--db", str(db)).exit_code == 0
    assert [r[:3] for r in _rows(db)] == [
        ("2026Q1", "en", "First **draft**"),
        ("2026Q1", "en", "Final text"),
        ("2026Q1", "zh-Hant", "定稿"),
    ]
    closed = run("close", "2026-03", "--db", str(db), "--ledger", str(ledger))
    assert closed.exit_code == 0, closed.output
    _write(ledger, "2026Q1.md", "Changed after the close")
    refused = run("import", str(ledger), "--db", str(db))
    assert refused.exit_code != 0
    assert "2026Q1.md:0: 2026Q1 is closed (locked through 2026-03-31)" in refused.output
    assert run("audit", "verify", "--db", str(db)).exit_code == 0
    plain_sql(db, "UPDATE commentary SET text = 'forged' WHERE lang = 'zh-Hant'")
    tampered = run("audit", "verify", "--db", str(db))
    assert tampered.exit_code != 0 and "commentary" in tampered.output


def test_the_audit_pack_holds_the_commentary(tmp_path: Path) -> None:
    db, ledger = book(tmp_path)
    _write(ledger, "2026Q1.md", "Said at the close")
    assert run("close", "2026-03", "--db", str(db), "--ledger", str(ledger)).exit_code == 0
    out = tmp_path / "pack"
    assert run("audit", "export", "2026-03", "--out", str(out), "--db", str(db)).exit_code == 0
    packed = out / "ledger" / "commentary.csv"
    assert "Said at the close" in packed.read_text(encoding="utf-8")
    assert "ledger/commentary.parquet" in (out / "MANIFEST.sha256").read_text(encoding="utf-8")


def test_reports_start_with_the_commentary(tmp_path: Path) -> None:
    db, ledger = book(tmp_path)
    _write(ledger, "2026Q1.md", "The quarter <script>x</script> in **brief**")
    assert run("close", "2026-03", "--db", str(db), "--ledger", str(ledger)).exit_code == 0
    out = tmp_path / "out"
    for kind in ("lp", "board"):
        result = run("report", kind, "--db", str(db), "--quarter", "2026Q1", "--out", str(out))
        assert result.exit_code == 0, result.output
    pages = [p.read_text(encoding="utf-8") for p in out.glob("*.html")]
    shown = "The quarter &lt;script&gt;x&lt;/script&gt; in <strong>brief</strong>"
    assert len(pages) >= 2 and all(shown in page for page in pages)
    assert not any("<script>x" in page for page in pages)

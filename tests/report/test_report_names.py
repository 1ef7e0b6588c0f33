"""Report file names: one per (fund, investor) for certain, bounded, and only under --out."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner
from report_kit import REPORT_BOOK

from fundbook.cli import cli
from fundbook.close.closing import close_period
from fundbook.close.snapshot import Snapshot
from fundbook.report.names import SLUG_MAX, lp_stem, output_stem, slug
from fundbook.report.render import lp_reports
from fundbook.report.source import ReportSource
from ledger_kit import write_book

LONG_ID = "x" * 250
# Ids that once shared a file: `a/b` and `a_b`, two Chinese ids, a case pair, a dotted pair.
HOSTILE_IDS = ["a/b", "a_b", "投資者甲", "投資者乙", "Ab", "ab", "v1.2", "v1_2", "../up", LONG_ID]


def _renamed(source: ReportSource, mapping: dict[str, str]) -> ReportSource:
    """The source with investor ids replaced (in every level, the names and the statements)."""
    snap = source.snapshot
    levels = {}
    for name, frame in snap.levels.items():
        for column in ("investor_id", "entity_id"):
            if column in frame.columns:
                frame = frame.with_columns(pl.col(column).replace(mapping))
        levels[name] = frame
    statements = snap.statements.with_columns(pl.col("investor_id").replace(mapping))
    return dataclasses.replace(source, snapshot=Snapshot(snap.close, levels, statements))


def _files_under(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()}


PAIRS = [("a/b", "a_b"), ("投資者甲", "投資者乙"), ("Ab", "ab")]


@pytest.mark.parametrize(("first", "second"), PAIRS)
def test_two_investors_never_share_a_report_file(tmp_path: Path, tiny_source, first, second):
    source = _renamed(tiny_source(), {"lp-a": first, "lp-b": second})
    result = lp_reports(source, tmp_path, xlsx=True)
    assert len({p.name.lower() for p in result.html}) == 2  # even on a case-insensitive disk
    assert len(_files_under(tmp_path) - {tmp_path / "methods.md"}) == 4
    texts = [p.read_text(encoding="utf-8") for p in result.html]
    for name in ("Alpha Pension Trust", "香港科技創投有限公司"):  # each LP's own report survives
        assert sum(name in text for text in texts) == 1, name


def test_a_250_character_id_gets_a_bounded_name(tmp_path: Path, tiny_source):
    source = _renamed(tiny_source(), {"lp-a": LONG_ID, "lp-b": LONG_ID + "y"})
    result = lp_reports(source, tmp_path / "out", xlsx=True)
    assert len(result.files) == 4
    assert all(len(p.name.encode()) <= 160 for p in result.files)


def test_names_are_readable_slugs_plus_a_digest_of_the_exact_ids():
    stem = lp_stem("2026Q3", "sf1", "a/b")
    assert re.fullmatch(r"lp-2026Q3-sf1-a_b-[0-9a-f]{12}", stem)
    assert stem != lp_stem("2026Q3", "sf1", "a_b")
    # the parts are encoded without ambiguity: moving a '-' between ids changes the digest
    assert lp_stem("Q", "a-b", "c") != lp_stem("Q", "a", "b-c")
    assert output_stem("board", "2026Q3") == "board-2026Q3"
    assert slug("../etc/passwd") == "_etc_passwd"
    assert len(slug(LONG_ID)) == SLUG_MAX


def test_ids_with_dots_and_slashes_write_only_under_the_folder(tmp_path: Path, tiny_source):
    source = _renamed(tiny_source(), {"lp-a": "../../escape", "lp-b": "v1.2"})
    out = tmp_path / "deep" / "out"
    result = lp_reports(source, out, xlsx=True)
    written = _files_under(tmp_path)
    assert written == {out / "methods.md", *result.files}
    assert all(p.parent == out for p in written)
    assert {p.suffix for p in result.files} == {".html", ".xlsx"}
    assert any("-v1_2-" in p.name for p in result.html)  # the '.' did not cut the name short


@pytest.fixture(scope="module")
def hostile_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The report book with ten more social investors of sub-fund sf1, with hostile ids."""
    root = tmp_path_factory.mktemp("hostile-book")
    book = dict(REPORT_BOOK)
    book["investors"] = [
        *REPORT_BOOK["investors"],
        *(f'"{i}",Investor {n},social_capital,' for n, i in enumerate(HOSTILE_IDS)),
    ]
    book["commitments"] = [
        *REPORT_BOOK["commitments"],
        *(f'sf1,"{i}",2026-01-01,10.00,HKD' for i in HOSTILE_IDS),
    ]
    ledger = write_book(root / "ledger", book)
    db = root / "book.duckdb"
    close_period(db, "2026-09", ledger_dir=str(ledger))
    return db


def test_cli_summary_counts_the_files_actually_written(hostile_book: Path, tmp_path: Path):
    out = tmp_path / "out"
    args = ["report", "lp", "--db", str(hostile_book), "--quarter", "2026Q3", "--fund", "sf1"]
    result = CliRunner().invoke(cli, [*args, "--out", str(out), "--xlsx"])
    assert result.exit_code == 0, result.output
    html = sorted(out.glob("*.html"))
    xlsx = sorted(out.glob("*.xlsx"))
    assert len(html) == len(xlsx) == 3 + len(HOSTILE_IDS)  # gf-lp, pen, hk and the hostile ten
    assert f"LP reports: {len(html)} HTML, 0 PDF, {len(xlsx)} XLSX" in result.output
    assert _files_under(tmp_path) == {out / "methods.md", *html, *xlsx}

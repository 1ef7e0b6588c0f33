"""No output a user receives (HTML, PDF, XLSX, CSV) holds a path of the machine that made it."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from report_kit import closed_book

from fundbook.cli import cli

REPO = Path(__file__).resolve().parents[2]
QUARTER = ["--quarter", "2026Q3"]
AS_OF = ["--as-of", "2026-09-30", "--format", "csv"]
CSV_COMMANDS = {
    "metrics-fund.csv": ["metrics", "--by", "fund", *AS_OF],
    "metrics-investor.csv": ["metrics", "--by", "investor", *AS_OF],
    "metrics-holding.csv": ["metrics", "--by", "holding", *AS_OF],
    "metrics-theme.csv": ["metrics", "--by", "theme", "--look-through", *AS_OF],
    "compliance.csv": ["compliance", *AS_OF],
    "trial-balance.csv": ["trial-balance", *AS_OF],
    "history.csv": ["history", "--format", "csv"],
}


def needles(*paths: Path) -> list[bytes]:
    """Each path as written, resolved and as a file URL; in UTF-8 and in UTF-16 (PDF text)."""
    texts = set()
    for path in paths:
        for p in (path, path.resolve()):
            texts |= {str(p), p.as_uri().removeprefix("file://")}
    found = []
    for text in sorted(texts):
        found += [text.encode("utf-8"), text.encode("utf-16-be"), text.encode("utf-16-le")]
    return found


def pdf_views(data: bytes) -> Iterator[bytes]:
    """The bytes of a PDF, each (Flate) stream decompressed, its hex strings and its text."""
    yield data
    streams = [m.group(1) for m in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.S)]
    for raw in streams:
        try:
            yield zlib.decompressobj().decompress(raw)
        except zlib.error:
            continue
    for view in [data, *(zlib.decompressobj().decompress(s) for s in streams if _flate(s))]:
        for hexed in re.findall(rb"<([0-9A-Fa-f\s]{4,})>", view):
            yield bytes.fromhex(re.sub(rb"\s", b"", hexed).decode())


def _flate(raw: bytes) -> bool:
    try:
        zlib.decompressobj().decompress(raw)
    except zlib.error:
        return False
    return True


def pdf_text(pdf: Path) -> bytes:
    """The PDF's text and metadata as pdftotext and pdfinfo read them (empty without poppler)."""
    out = b""
    for tool, args in (("pdftotext", [str(pdf), "-"]), ("pdfinfo", ["-meta", str(pdf)])):
        if shutil.which(tool):
            out += subprocess.run([tool, *args], check=True, capture_output=True).stdout
    return out


def views(path: Path) -> Iterator[tuple[str, bytes]]:
    """(where, bytes) of everything a reader could see in an output file."""
    data = path.read_bytes()
    yield path.name, data
    if path.suffix == ".pdf":
        for i, view in enumerate(pdf_views(data)):
            yield f"{path.name} (view {i})", view
        yield f"{path.name} (text)", pdf_text(path)
    if path.suffix == ".xlsx":
        with zipfile.ZipFile(path) as zf:
            for member in zf.namelist():
                yield f"{path.name}:{member}", zf.read(member)


def leaks(folder: Path, paths: list[bytes]) -> list[str]:
    return [
        f"{where}: {needle!r}"
        for file in sorted(p for p in folder.rglob("*") if p.is_file())
        for where, view in views(file)
        for needle in paths
        if needle in view
    ]


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The report book closed, its LP reports (HTML, PDF, XLSX), board report and CSVs."""
    root = tmp_path_factory.mktemp("no-paths")
    db = closed_book(root)
    out = root / "out"
    runner = CliRunner()
    for args in (  # one LP report as PDF (each takes seconds): they are all built alike
        ["report", "lp", *QUARTER, "--out", str(out), "--xlsx"],
        ["report", "lp", *QUARTER, "--out", str(out), "--investor", "hk", "--pdf"],
        ["report", "board", *QUARTER, "--out", str(out), "--pdf"],
    ):
        result = runner.invoke(cli, [*args, "--db", str(db)])
        assert result.exit_code == 0, result.output
    for name, args in CSV_COMMANDS.items():
        result = CliRunner().invoke(cli, [*args, "--db", str(db)])
        assert result.exit_code == 0, result.output
        (out / name).write_text(result.stdout, encoding="utf-8")
    return root, out


def test_every_kind_of_output_is_searched(outputs: tuple[Path, Path]):
    _, out = outputs
    assert {p.suffix for p in out.iterdir()} >= {".html", ".pdf", ".xlsx", ".csv"}


def test_no_output_holds_the_repository_or_the_build_folder(outputs: tuple[Path, Path]):
    root, out = outputs
    assert leaks(out, needles(REPO, root)) == []


def test_the_search_finds_a_planted_path(outputs: tuple[Path, Path], tmp_path: Path):
    """The search itself works: a path hidden in a compressed PDF stream is found."""
    _, out = outputs
    pdf = next(out.glob("lp-*.pdf"))
    planted = tmp_path / "planted"
    planted.mkdir()
    stream = zlib.compress(b"/URI (" + str(REPO).encode() + b"/x.md)")
    (planted / "x.pdf").write_bytes(pdf.read_bytes() + b"stream\n" + stream + b"endstream")
    assert leaks(planted, needles(REPO)) != []

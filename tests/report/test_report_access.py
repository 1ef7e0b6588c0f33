"""Accessible, printable reports: tagged PDFs, status in words as well as colour, chart axes."""

from __future__ import annotations

import re
import subprocess
import xml.etree.ElementTree as ET
import zlib
from html.parser import HTMLParser
from pathlib import Path

import pytest
from report_kit import need

from fundbook.close.closing import close_period
from fundbook.demo import DEMO_LEDGER
from fundbook.report.charts import Series, bar_chart, jcurve_chart
from fundbook.report.formatting import multiple
from fundbook.report.render import board_report, load, lp_reports

SVG = "{http://www.w3.org/2000/svg}"
STATUS_CLASSES = {"status", "cell"}


def pdf_objects_text(pdf: Path) -> str:
    """The PDF's objects as text: its bytes plus every Flate stream inflated (WeasyPrint packs
    the catalogue into compressed object streams)."""
    raw = pdf.read_bytes()
    parts = [raw.decode("latin-1")]
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", raw, re.S):
        try:
            parts.append(zlib.decompress(match.group(1)).decode("latin-1"))
        except zlib.error:
            continue  # a stream that is not Flate-encoded (none of the catalogue's)
    return "\n".join(parts)


def accessibility_faults(pdf: Path, title: str, lang: str = "en") -> list[str]:
    """What a tagged PDF (PDF/UA) lacks: structure tree, marked content, language, title."""
    text = pdf_objects_text(pdf)
    wanted = {
        "/StructTreeRoot": r"/StructTreeRoot\s+\d+\s+0\s+R",
        "/MarkInfo Marked true": r"/MarkInfo\s*<<\s*/Marked\s+true",
        f"/Lang ({lang})": rf"/Lang\s*\({re.escape(lang)}\)",
        "PDF/UA identification": r"pdfuaid:part",
    }
    faults = [name for name, pattern in wanted.items() if not re.search(pattern, text)]
    info = subprocess.run([need("pdfinfo"), str(pdf)], check=True, capture_output=True, text=True)
    fields = dict(line.split(":", 1) for line in info.stdout.splitlines() if ":" in line)
    if fields.get("Tagged", "").strip() != "yes":
        faults.append("pdfinfo: not tagged")
    if fields.get("Title", "").strip() != title:
        faults.append(f"title {fields.get('Title', '').strip()!r}, not {title!r}")
    return faults


class StatusParser(HTMLParser):
    """Each element with a status class, and the words a reader gets from it (the symbol is
    aria-hidden: it is not a word)."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, bool, list[str] | None]] = []
        self.found: list[tuple[str, list[str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        classes = set((a.get("class") or "").split())
        hidden = a.get("aria-hidden") == "true" or any(h for _, h, _ in self.stack)
        words: list[str] | None = None
        if classes & STATUS_CLASSES:
            words = []
            self.found.append((" ".join(sorted(classes)), words))
        self.stack.append((tag, hidden, words))

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        if any(hidden for _, hidden, _ in self.stack):
            return
        for _, _, words in self.stack:
            if words is not None:
                words.append(data)


def status_by_colour_alone(html: str) -> list[str]:
    """Every status element whose readable text has no word (a figure or a symbol alone)."""
    parser = StatusParser()
    parser.feed(html)
    return [
        f"{classes}: {''.join(words).strip()!r}"
        for classes, words in parser.found
        if not any(c.isalpha() for c in "".join(words))
    ]


def status_count(html: str) -> int:
    parser = StatusParser()
    parser.feed(html)
    return len(parser.found)


def test_a_figure_coloured_by_status_alone_is_caught():
    html = '<td><span class="cell fail">9.9%</span></td><span class="status pass">met</span>'
    assert status_by_colour_alone(html) == ["cell fail: '9.9%'"]
    hidden = '<span class="status fail"><span aria-hidden="true">✗</span></span>'
    assert status_by_colour_alone(hidden) == ["fail status: ''"]


@pytest.fixture(scope="module")
def demo_reports(tmp_path_factory: pytest.TempPathFactory):
    """The demo's board report, an LP report and the grant programme report (HTML)."""
    if not (DEMO_LEDGER / "funds.csv").is_file():
        pytest.skip("the demo ledger is not in this checkout")
    root = tmp_path_factory.mktemp("access")
    db = root / "demo.duckdb"
    close_period(db, "2026-09", ledger_dir=str(DEMO_LEDGER))
    source = load(db, "2026Q3")
    board = board_report(source, root / "out").html
    lp = lp_reports(source, root / "out", fund_id="sf-airobot").html[:1]
    grant = lp_reports(source, root / "out", fund_id="mplus").html
    return {"board": board, "lp": lp, "grant": grant}


def test_no_status_in_the_demo_reports_is_shown_by_colour_alone(demo_reports):
    counts = {}
    for kind, paths in demo_reports.items():
        assert paths, kind
        for path in paths:
            html = path.read_text(encoding="utf-8")
            assert status_by_colour_alone(html) == [], path.name
            counts[kind] = counts.get(kind, 0) + status_count(html)
    # the board shows the compliance matrix, rules, fees and grants by status; the grant
    # programme report its companies' matching status
    assert counts["board"] >= 50 and counts["grant"] >= 4, counts


def test_board_and_lp_pdfs_are_tagged_with_title_and_language(tmp_path, tiny_source):
    board = board_report(tiny_source(closed=True), tmp_path, pdf=True).pdf[0]
    lp = lp_reports(tiny_source(closed=True), tmp_path, investor_id="lp-b", pdf=True).pdf[0]
    assert accessibility_faults(board, "Harbour Deep Tech Fund I: board report 2026Q3") == []
    title = "Harbour Deep Tech Fund I: quarterly report 2026Q3 for 香港科技創投有限公司"
    assert accessibility_faults(lp, title) == []


def test_an_untagged_pdf_is_caught(tmp_path):
    import weasyprint

    pdf = tmp_path / "plain.pdf"
    weasyprint.HTML(string="<html><title>T</title><p>x</p></html>").write_pdf(pdf)
    faults = accessibility_faults(pdf, "T")
    assert "/StructTreeRoot" in faults and "pdfinfo: not tagged" in faults


def _ticks(svg: str) -> tuple[list[ET.Element], list[str]]:
    root = ET.fromstring(svg)
    marks = [line for line in root.iter(f"{SVG}line")]
    labels = [t.text or "" for t in root.iter(f"{SVG}text") if t.get("class") == "tick"]
    return marks, labels


def test_leverage_style_bar_chart_has_axes_ticks_values_title_and_desc():
    svg = str(
        bar_chart(
            "Leverage",
            ["Fund A", "Fund B"],
            [Series("Commitment basis", [3.2, 2.5]), Series("Paid-in basis", [3.1, None])],
            lambda v: multiple(v),
            target=3.0,
            target_label="Target",
            gettext=lambda s: {"Commitment basis": "承諾基礎"}.get(s, s),
        )
    )
    marks, labels = _ticks(svg)
    assert labels[:4] == ["0.00x", "1.00x", "2.00x", "3.00x"]
    root = ET.fromstring(svg)
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert {"3.20x", "2.50x", "3.10x", "—"} <= set(texts)
    assert "承諾基礎" in texts  # the legend in the caller's language
    assert root.findtext(f"{SVG}title") == "Leverage"
    desc = root.findtext(f"{SVG}desc")
    assert (
        desc
        == "Fund A: 承諾基礎 3.20x, Paid-in basis 3.10x; Fund B: 承諾基礎 2.50x, Paid-in basis —"
    )
    assert len(marks) >= 2 + len(labels)  # two axis lines and a mark per tick


def test_jcurve_has_axes_ticks_and_a_value_on_each_bar():
    svg = str(
        jcurve_chart(
            "J",
            ["2026Q1", "2026Q2", "2026Q3"],
            [-100.0, -50.0, 30.0],
            [-100.0, -150.0, -120.0],
            lambda v: f"{v:.0f}",
        )
    )
    root = ET.fromstring(svg)
    values = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "value"]
    assert values == ["-100", "-50", "30"]
    _, labels = _ticks(svg)
    assert "0" in labels and "2026Q1" in labels and "2026Q3" in labels
    assert root.findtext(f"{SVG}desc").startswith("2026Q1: Net cash flow in the quarter -100")

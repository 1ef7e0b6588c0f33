"""Reports: an IRR the IRR policy flags reads "n.m." with its footnote, TVPI comes first, and
--irr-nm-months overrides the age of a closed quarter without recomputing it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from report_kit import closed_book

from fundbook.cli import cli
from fundbook.report.lp import build_lp_context
from fundbook.report.render import load


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return closed_book(tmp_path_factory.mktemp("irr"))  # first calls 2026-01-10, closed 2026Q3


def _render(db: Path, out: Path, *more: str) -> dict[str, str]:
    for kind in ("lp", "board"):
        args = ["report", kind, "--db", str(db), "--quarter", "2026Q3", "--out", str(out), *more]
        if kind == "lp":
            args += ["--fund", "sf1", "--investor", "pen"]
        result = CliRunner().invoke(cli, args, catch_exceptions=False)
        assert result.exit_code == 0, result.output
    return {p.name.split("-")[0]: p.read_text(encoding="utf-8") for p in out.glob("*.html")}


def _performance_rows(html: str) -> list[tuple[str, list[str]]]:
    table = html.split("<h2>Performance</h2>", 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr><td>(.*?)</td>(.*?)</tr>", table)
    return [(label, re.findall(r'<td class="num">(.*?)</td>', cells)) for label, cells in rows]


def test_young_irrs_are_nm_with_a_footnote_and_tvpi_leads(db: Path, tmp_path: Path) -> None:
    pages = _render(db, tmp_path / "default")
    rows = _performance_rows(pages["lp"])
    assert [label.split(" ")[0] for label, _ in rows] == ["TVPI", "DPI", "RVPI", "Net", "Gross"]
    assert rows[3][1] == ["n.m.", "n.m."] and rows[4][1] == ["—", "n.m."]
    assert "An IRR is not shown until 12 months after the first contribution" in pages["lp"]
    board = pages["board"]
    assert board.index('"label">TVPI<') < board.index('"label">Net IRR<')  # the cards
    assert board.index("<td>TVPI</td>") < board.index("<td>Net IRR</td>")  # programme totals
    assert "Not meaningful: the fund is too young" in board
    # the number is kept behind the n.m.: the context's figure still holds it
    ctx = build_lp_context(load(db, "2026Q3"), "sf1", "pen")
    assert ctx.performance["net_irr"].kind == "nm"
    assert isinstance(ctx.performance["net_irr"].value, float)


def test_the_command_line_age_overrides_the_closed_quarter(db: Path, tmp_path: Path) -> None:
    pages = _render(db, tmp_path / "six", "--irr-nm-months", "6")
    rows = _performance_rows(pages["lp"])
    assert "n.m." not in rows[3][1] and rows[3][1][0].endswith("%")
    assert "Not meaningful: the fund is too young" not in pages["board"]

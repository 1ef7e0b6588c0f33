"""The public market equivalents of a close (issue 15): stored with the demo's close, read back
by `metrics --pme` as computed on another day, explained on a closed period and an open date."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from fundbook.cli import cli
from fundbook.close.asof import metrics_at
from fundbook.close.closing import close_period
from fundbook.core.errors import NotFound
from fundbook.demo import DEMO_LEDGER
from fundbook.report.board import build_board_context
from fundbook.report.render import board_report, load
from fundbook.store.db import open_book
from tests.report.report_kit import closed_book

CLOSED = dt.date(2026, 9, 30)


@pytest.fixture(scope="module")
def closed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("pme") / "demo.duckdb"
    close_period(db, "2026-09", ledger_dir=str(DEMO_LEDGER))
    return db


def _cli(db: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, [*args, "--db", str(db)])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("by", ["fund", "investor", "programme"])
def test_the_stored_pme_are_those_computed(closed: Path, by: str) -> None:
    with open_book(closed, read_only=True) as con:
        for index in ("HSI", "HSTECH"):
            stored = metrics_at(con, CLOSED, by, pme=index).records()
            # the IRR policy's default months given again: the computed path, same figures
            computed = metrics_at(con, CLOSED, by, irr_nm_months=12, pme=index).records()
            pme = ("ks_pme", "direct_alpha", "ln_pme_irr", "pme_nm", "pme_undefined")
            assert [{k: r[k] for k in pme} for r in stored] == [
                {k: r[k] for k in pme} for r in computed
            ]
            assert any(r["ks_pme"] is not None for r in stored)


def test_metrics_prints_the_pme_and_nm(closed: Path) -> None:
    out = _cli(closed, "metrics", "--as-of", "2026-09-30", "--by", "fund", "--pme", "HSI")
    header, _, *rows = out.splitlines()
    assert header.split()[-4:] == ["ks_pme", "direct_alpha", "ln_pme_irr", "pme_undefined"]
    itvf = next(r for r in rows if r.startswith("itvf"))
    itif = next(r for r in rows if r.startswith("itif"))
    assert "n.m." not in itvf and itif.count("n.m.") >= 3  # itif began in 2026
    data = json.loads(
        _cli(closed, "metrics", "--as-of", "2026-09-30", "--pme", "HSI", "--format", "json")
    )
    row = next(r for r in data if r["fund_id"] == "itvf")
    assert row["ks_pme"] > 1 and row["pme_nm"] is False and row["pme_undefined"] is None


def test_pme_errors_name_the_choices(closed: Path) -> None:
    runner = CliRunner()
    bad = runner.invoke(
        cli, ["metrics", "--as-of", "2026-09-30", "--pme", "MSCI", "--db", str(closed)]
    )
    assert bad.exit_code != 0 and "the book's indices: HSI, HSTECH" in bad.output
    usage = runner.invoke(
        cli,
        [
            "metrics",
            "--as-of",
            "2026-09-30",
            "--by",
            "holding",
            "--pme",
            "HSI",
            "--db",
            str(closed),
        ],
    )
    assert (
        usage.exit_code == 2 and "--pme goes with --by fund | investor | programme" in usage.output
    )


@pytest.mark.parametrize("when", [["--period", "2026-09"], ["--as-of", "2026-08-31"]])
def test_explain_ks_pme_on_a_close_and_an_open_date(closed: Path, when: list[str]) -> None:
    out = _cli(
        closed, "explain", "ks_pme", "--level", "pme_fund", "--fund", "itvf", "--index", "HSI",
        *when, "--format", "json",
    )  # fmt: skip
    lines = json.loads(out)
    roles = {line["role"] for line in lines}
    assert {"numerator", "denominator", "result"} <= roles
    assert lines[-1]["ratio"] > 1
    assert any("(index HSI)" in line["item"] for line in lines if line["role"] == "denominator")


def test_the_board_compares_with_the_guidance_funds_benchmark(closed: Path) -> None:
    ctx = build_board_context(load(closed, "2026Q3"))
    (table,) = ctx.pme  # itif's terms name HSI
    assert (table.index_id, table.index_name) == ("HSI", "Hang Seng Index (illustrative)")
    names = [r.name for r in table.rows]
    assert names[0].startswith("I&T Industry-Oriented Fund") and table.rows[-1].programme
    # every ITIF fund began in 2026: n.m. under the default 12 months, numbers kept
    assert {r.ks_pme.kind for r in table.rows} == {"nm"}
    young = build_board_context(load(closed, "2026Q3", irr_nm_months=1)).pme[0]
    with open_book(closed, read_only=True) as con:
        stored = metrics_at(con, CLOSED, "fund", "itif", pme="HSI").records()[0]
    assert young.rows[0].ks_pme.kind == "multiple"
    assert young.rows[0].ks_pme.value == stored["ks_pme"]
    assert young.rows[0].ln_pme_irr.value == stored["ln_pme_irr"]


def test_the_board_index_is_chosen_or_refused(closed: Path) -> None:
    assert [t.index_id for t in build_board_context(load(closed, "2026Q3", pme="HSTECH")).pme] == [
        "HSTECH"
    ]
    with pytest.raises(NotFound, match="the book's indices: HSI, HSTECH"):
        build_board_context(load(closed, "2026Q3", pme="MSCI"))


def test_a_board_without_index_levels_says_so(tmp_path: Path) -> None:
    source = load(closed_book(tmp_path), "2026Q3")
    assert build_board_context(source).pme == []
    html = board_report(source, tmp_path / "out", xlsx=True).html[0].read_text(encoding="utf-8")
    assert "The book holds no market index levels (index_levels.csv)" in html


def test_a_close_stores_partners_against_their_funds_benchmark_only(closed: Path) -> None:
    # itif's terms name HSI, its sub-funds inherit it through programme_id; itvf and mplus
    # name none: their partners' PMEs are not stored, and are computed when asked for
    with open_book(closed, read_only=True) as con:
        stored = con.execute(
            "SELECT DISTINCT p.fund_id, p.index_id FROM snapshot_pme_investor p"
        ).fetchall()
        funds = {f for f, _ in stored}
        assert {i for _, i in stored} == {"HSI"}
        assert "itif" in funds and "sf-airobot" in funds and not funds & {"itvf", "mplus"}
        asked = metrics_at(con, CLOSED, "investor", pme="HSTECH").records()
    itvf = [r for r in asked if r["fund_id"] == "itvf"]
    assert itvf and all(r["ks_pme"] is not None for r in itvf)  # computed: itvf is old enough
    out = _cli(
        closed, "explain", "ks_pme", "--level", "pme_investor", "--fund", "itvf",
        "--investor", itvf[0]["investor_id"], "--index", "HSTECH", "--period", "2026-09",
    )  # fmt: skip
    assert "computed: 2026-09-30 (a partner's PME against an index other than its fund's" in out
    assert "denominator" in out


def test_a_funds_benchmark_is_its_own_else_its_programmes() -> None:
    import polars as pl

    from fundbook.metrics.pme import benchmarks
    from fundbook.store.frames import frames_from_rows

    frames = frames_from_rows(
        CLOSED,
        {
            "funds": [
                {"fund_id": "gf", "name": "G", "kind": "guidance_fund", "currency": "HKD"},
                {"fund_id": "a", "name": "A", "kind": "sub_fund", "currency": "HKD",
                 "programme_id": "gf"},
                {"fund_id": "b", "name": "B", "kind": "sub_fund", "currency": "HKD",
                 "programme_id": "gf"},
                {"fund_id": "c", "name": "C", "kind": "sub_fund", "currency": "HKD"},
            ],
            "terms": [{"fund_id": "gf", "pme_index": "HSI"}, {"fund_id": "b", "pme_index": "X"}],
        },
    )  # fmt: skip
    assert benchmarks(frames).rows() == [("a", "HSI"), ("b", "X"), ("gf", "HSI")]
    assert benchmarks(frames).schema == pl.Schema({"fund_id": pl.String, "index_id": pl.String})

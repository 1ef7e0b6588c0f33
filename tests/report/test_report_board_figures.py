"""Every figure of the board report equals the `fundbook metrics` figure of the same close."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from report_kit import Metrics, check_board_figures, closed_book, same, shown_figures

from fundbook.close.periods import Period
from fundbook.report.board import build_board_context
from fundbook.report.formatting import figure as shown
from fundbook.report.render import board_report, load


@pytest.fixture(scope="module")
def board(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    db = closed_book(tmp_path_factory.mktemp("board-book"))
    return db, load(db, "2026Q3")


def test_every_board_figure_equals_the_metrics_figure(board: tuple[Path, Any]):
    db, source = board
    checked = check_board_figures(db, build_board_context(source), source.period_end)
    assert set(checked) >= {
        "fund",
        "theme",
        "theme_look_through",
        "programme",
        "compliance",
        "look_through_company",
        "look_through_nav",
    }
    assert sum(checked.values()) > 100


def test_derived_figures_follow_from_metrics_figures(board: tuple[Path, Any]):
    db, source = board
    ctx = build_board_context(source)
    metrics = Metrics(db)
    changes = [mv for fund in ctx.movements for mv in fund.figures.values()]
    assert len(changes) == 5 * len(ctx.movements) > 0
    before = Period.parse("2026-06").end  # the end of the quarter before
    for mv in changes:
        if mv.current.value is not None and mv.previous.value is not None:
            assert mv.change.value == mv.current.value - mv.previous.value
        keys = dict(mv.previous.source.keys)
        name = mv.previous.source.field.removeprefix("previous_")
        assert same(mv.previous, metrics.row("fund", before, keys).get(name)), mv
    fails = [f for f in ctx.findings if f.status == "fail"]
    # size of sf1 and sf2; sf2's HK nexus of invested cost is behind before the end of its
    # investment period: watch, not a failure (issue 13)
    assert ctx.failed_rules.value == len(fails) == 2
    for j in ctx.jcurves:
        fund_id = dict(j.points[-1].cumulative.source.keys)["fund_id"]
        fund = metrics.row("fund", source.period_end, {"fund_id": fund_id})
        paid, distributed = Decimal(fund["paid_in"]), Decimal(fund["distributed"])
        assert j.points[-1].cumulative.value == distributed - paid
    top = ctx.top_holdings
    assert top and top[-1].cumulative_share.value == pytest.approx(1.0)
    # the theme table's total: its direct rows' sum (the guidance fund's programme only), and
    # the look-through companies, which its themes add up to
    total = ctx.theme_total
    assert total.fair_value.source.field == "sum of the rows shown"
    assert total.fair_value.value == sum(t.fair_value.value for t in ctx.themes) > 0
    assert total.look_through_value.value == sum(t.look_through_value.value for t in ctx.themes)


def test_grant_rows_equal_the_metrics_grant_matching(board: tuple[Path, Any]):
    from fundbook import metrics
    from fundbook.store.db import open_book
    from fundbook.store.frames import load_frames

    db, source = board
    with open_book(db, read_only=True) as con:
        frames = load_frames(con, source.period_end)
    expected = {
        (r["programme"], r["company_id"]): r
        for r in metrics.grant_matching(frames, source.period_end).to_dicts()
    }
    rows = build_board_context(source).grants
    assert len(rows) == len(expected) == 2
    for g in rows:
        keys = dict(g.grant.source.keys)
        want = expected[(keys["fund_id"], keys["company_id"])]
        assert g.grant.value == want["grants_hkd"] and g.matching.value == want["matching_hkd"]
        assert g.ratio.value == pytest.approx(want["matching_ratio"])
        assert g.compliant == want["compliant"]


def test_every_board_figure_is_shown_in_the_html(board: tuple[Path, Any], tmp_path: Path):
    _, source = board
    html = board_report(source, tmp_path).html[0].read_text(encoding="utf-8")
    for fig in shown_figures(build_board_context(source)):
        assert shown(fig) in html, fig

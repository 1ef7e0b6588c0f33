"""Every figure of the board report equals the `fundbook metrics` figure of the same close."""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from report_kit import closed_book

from fundbook.cli import cli
from fundbook.report.board import build_board_context
from fundbook.report.context import Figure
from fundbook.report.formatting import figure as shown
from fundbook.report.render import board_report, load

# level -> the CLI that prints it and the keys of its rows
CLI_LEVELS = {
    "fund": (["metrics", "--by", "fund"], ("fund_id",)),
    "investor": (["metrics", "--by", "investor"], ("fund_id", "investor_id")),
    "holding": (["metrics", "--by", "holding"], ("fund_id", "holding_id")),
    "theme": (["metrics", "--by", "theme"], ("theme",)),
    "theme_look_through": (["metrics", "--by", "theme", "--look-through"], ("theme",)),
    "programme": (["metrics", "--by", "programme"], ("programme",)),
    "compliance": (["compliance"], ("fund_id", "rule")),
}


def figures(value: Any) -> Iterator[Figure]:
    """Every Figure inside a context (dataclasses, lists, tuples, dicts)."""
    if isinstance(value, Figure):
        yield value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            yield from figures(getattr(value, f.name))
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from figures(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from figures(item)


class Metrics:
    """`fundbook metrics` / `fundbook compliance` JSON of a book, by level and as-of date."""

    def __init__(self, db: Path):
        self.db = db
        self.cache: dict[tuple[str, date], dict[tuple[Any, ...], dict[str, Any]]] = {}

    def row(self, level: str, as_of: date, keys: dict[str, Any]) -> dict[str, Any]:
        if (level, as_of) not in self.cache:
            args, key_names = CLI_LEVELS[level]
            result = CliRunner().invoke(
                cli, [*args, "--db", str(self.db), "--as-of", as_of.isoformat(), "--format", "json"]
            )
            assert result.exit_code == 0, result.output
            self.cache[(level, as_of)] = {
                tuple(r.get(k) for k in key_names): r for r in json.loads(result.output)
            }
        key_names = CLI_LEVELS[level][1]
        return self.cache[(level, as_of)].get(tuple(keys.get(k) for k in key_names), {})


def same(fig: Figure, expected: Any) -> bool:
    if fig.value is None or expected is None:
        return fig.value is None and expected is None
    if isinstance(fig.value, Decimal):
        return fig.value == Decimal(str(expected))
    return math.isclose(float(fig.value), float(expected), rel_tol=1e-12, abs_tol=1e-12)


@pytest.fixture(scope="module")
def board(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    db = closed_book(tmp_path_factory.mktemp("board-book"))
    return db, load(db, "2026Q3")


def test_every_board_figure_equals_the_metrics_figure(board: tuple[Path, Any]):
    db, source = board
    ctx = build_board_context(source)
    metrics = Metrics(db)
    checked: dict[str, int] = {}
    for fig in figures(ctx):
        assert fig.source is not None, f"figure {fig} has no source"
        level = fig.source.level
        if level not in CLI_LEVELS:
            continue
        as_of = fig.source.period_end or source.period_end
        row = metrics.row(level, as_of, dict(fig.source.keys))
        assert row, f"no metrics row for {fig.source}"
        assert same(fig, row.get(fig.source.field)), (fig, row.get(fig.source.field))
        checked[level] = checked.get(level, 0) + 1
    assert set(checked) >= {"fund", "theme", "theme_look_through", "programme", "compliance"}
    assert sum(checked.values()) > 100


def test_derived_figures_follow_from_metrics_figures(board: tuple[Path, Any]):
    db, source = board
    ctx = build_board_context(source)
    metrics = Metrics(db)
    changes = [mv for fund in ctx.movements for mv in fund.figures.values()]
    assert len(changes) == 5 * len(ctx.movements) > 0
    for mv in changes:
        if mv.current.value is not None and mv.previous.value is not None:
            assert mv.change.value == mv.current.value - mv.previous.value
    fails = [f for f in ctx.findings if f.status == "fail"]
    headline = {label: fig for label, fig, _ in ctx.headline}
    assert headline["Mandate findings"].value == len(fails) == 3
    for j in ctx.jcurves:
        fund_id = dict(j.points[-1].cumulative.source.keys)["fund_id"]
        fund = metrics.row("fund", source.period_end, {"fund_id": fund_id})
        paid, distributed = Decimal(fund["paid_in"]), Decimal(fund["distributed"])
        assert j.points[-1].cumulative.value == distributed - paid
    top = ctx.top_holdings
    assert top and top[-1].cumulative_share.value == pytest.approx(1.0)


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
        assert g.grant.value == want["grants"] and g.matching.value == want["matching"]
        assert g.ratio.value == pytest.approx(want["matching_ratio"])
        assert g.compliant == want["compliant"]


def test_every_board_figure_is_shown_in_the_html(board: tuple[Path, Any], tmp_path: Path):
    _, source = board
    html = board_report(source, tmp_path).html[0].read_text(encoding="utf-8")
    for fig in figures(build_board_context(source)):
        assert shown(fig) in html, fig

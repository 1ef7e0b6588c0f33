"""`fundbook metrics`, `compliance` and `explain` on the demo book, as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from fundbook.cli import cli
from fundbook.metrics.performance import FUND_FIGURES

AS_OF = "2026-09-30"
MONEY = {
    "committed",
    "government_committed",
    "social_committed",
    "paid_in",
    "government_paid_in",
    "social_paid_in",
    "unfunded",
    "distributed",
    "nav",
    "invested",
}


def run(db: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, [*args, "--db", str(db)], catch_exceptions=False)


def test_metrics_by_fund_json_has_every_figure(demo_db: Path) -> None:
    result = run(demo_db, "metrics", "--as-of", AS_OF, "--by", "fund", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert {r["fund_id"] for r in rows} >= {"itif", "itvf", "mplus", "sf-semis"}
    for row in rows:
        assert set(FUND_FIGURES) <= set(row) and row["currency"]
        for figure in MONEY:
            assert isinstance(row[figure], str) and "." in row[figure], (figure, row)
    itvf = next(r for r in rows if r["fund_id"] == "itvf")
    assert isinstance(itvf["net_irr"], float) and itvf["amplification"] == 4.0


@pytest.mark.parametrize("by", ["investor", "holding", "theme", "programme", "grant"])
def test_metrics_by_each_grouping(demo_db: Path, by: str) -> None:
    result = run(demo_db, "metrics", "--as-of", AS_OF, "--by", by, "--format", "csv")
    assert result.exit_code == 0, result.output
    assert len(result.output.splitlines()) > 2


def test_look_through_and_one_fund(demo_db: Path) -> None:
    result = run(
        demo_db,
        "metrics",
        "--as-of",
        AS_OF,
        "--by",
        "theme",
        "--look-through",
        "--fund",
        "itif",
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.output
    themes = {r["theme"] for r in json.loads(result.output)}
    assert "sub_fund" not in themes and "ai_robotics" in themes


def statuses_in_order(rows: list[dict]) -> bool:
    order = ["fail", "watch", "pending", "pass"]
    ranks = [order.index(r["status"]) for r in rows]
    return ranks == sorted(ranks)


def test_compliance_shows_the_planted_breach_first(demo_db: Path) -> None:
    result = run(demo_db, "compliance", "--as-of", AS_OF, "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    failing = [(r["fund_id"], r["rule"]) for r in rows if r["status"] == "fail"]
    assert ("sf-gba", "themes") in failing
    # the HK-nexus pace test is behind before the end of the investment period: watch, not fail
    watch = [(r["fund_id"], r["rule"]) for r in rows if r["status"] == "watch"]
    assert ("sf-gba", "hk_nexus_of_invested") in watch and ("itif", "programme_size") in watch
    assert statuses_in_order(rows)
    statuses = [r["status"] for r in rows]
    assert statuses[: len(failing)] == ["fail"] * len(failing)
    table = run(demo_db, "compliance", "--as-of", AS_OF)
    assert table.exit_code == 0 and "fail" in table.output


def test_explain_a_fund_an_investor_and_a_holding(demo_db: Path) -> None:
    for extra in ([], ["--investor", "itif-lp"], ["--holding", "co-001"]):
        fund = "sf-gba" if extra[:1] == ["--investor"] else "itif"
        figure = "moic" if extra[:1] == ["--holding"] else "net_irr"
        result = run(
            demo_db, "explain", figure, "--as-of", AS_OF, "--fund", fund, *extra, "--format", "json"
        )
        assert result.exit_code == 0, result.output
        lines = json.loads(result.output)
        assert lines[-1]["kind"] == "result" and lines[-1]["item"].split(" ")[0] == figure
        assert "metrics as of 2026-09-30 (not a closed period)" in lines[-1]["source"]


def test_explain_unknown_figure_and_fund_are_clean_errors(demo_db: Path) -> None:
    bad = run(demo_db, "explain", "sharpe", "--as-of", AS_OF, "--fund", "itif")
    assert bad.exit_code == 1 and "no figure 'sharpe' at level fund; figures: " in bad.output
    assert "net_irr" in bad.output
    missing = run(demo_db, "metrics", "--as-of", AS_OF, "--fund", "nope")
    assert missing.exit_code == 1 and "unknown fund" in missing.output


def test_compliance_history_shows_the_sf_gba_breach_since_its_first_quarter(
    demo_db: Path,
) -> None:
    """The demo book has no close: every quarter-end is computed by metrics.compliance (the
    same figures `compliance --as-of` gives that day)."""
    result = run(demo_db, "compliance", "--history", "--as-of", AS_OF, "--format", "json")
    assert result.exit_code == 0, result.output
    rows = {(r["fund_id"], r["rule"]): r for r in json.loads(result.output)}
    nexus = rows["sf-gba", "hk_nexus_of_invested"]
    assert nexus["first_breach"] == "2026-06-30"
    assert nexus["quarters_in_breach"] == "2026Q2 watch, 2026Q3 watch"
    assert nexus["trend"] == "36.7 % -> 30.2 %" and nexus["direction"] == "worsening"
    assert nexus["breaches"] == 2 and nexus["status"] == "watch"
    themes = rows["sf-gba", "themes"]  # an at-most rule: its share outside falls, improving
    assert themes["status"] == "fail" and themes["direction"] == "improving"
    assert rows["itif", "programme_size"]["status"] == "watch"
    assert nexus["read_from"] == "0 closed quarter-ends, 4 computed"
    # a rule never at fail or watch is not listed
    assert ("sf-airobot", "hk_nexus_of_invested") not in rows
    q2 = json.loads(run(demo_db, "compliance", "--as-of", "2026-06-30", "--format", "json").output)
    same = next(r for r in q2 if (r["fund_id"], r["rule"]) == ("sf-gba", "hk_nexus_of_invested"))
    assert f"{same['ratio'] * 100:.1f} %" == "36.7 %"

"""The forecast as a figure of the close (issue 15): `fundbook close` on the demo stores its three
levels; `fundbook forecast` reads them for a closed period and computes any other date or seed;
`explain` gives the lines of a forecast figure of a close and of a computed date."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from close_kit import run

from fundbook.close.closing import close_period
from fundbook.close.snapshot import find_close, read_level
from fundbook.demo import DEMO_LEDGER
from fundbook.store.db import open_book


@pytest.fixture(scope="module")
def closed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("forecast") / "demo.duckdb"
    close_period(db, "2026-09", ledger_dir=str(DEMO_LEDGER))
    return db


def _json(*args: str) -> list[dict[str, object]]:
    result = run(*args, "--format", "json")
    assert result.exit_code == 0, result.output
    rows: list[dict[str, object]] = json.loads(result.output)
    return rows


def test_the_close_stores_the_three_levels(closed: Path) -> None:
    with open_book(closed, read_only=True) as con:
        close_id = find_close(con, "2026-09").close_id
        levels = {
            lv: read_level(con, close_id, lv)
            for lv in ("forecast", "forecast_parameters", "forecast_programme")
        }
    assert all(df.height for df in levels.values())
    params = levels["forecast_parameters"]
    assert set(params["fund_id"]) >= {"itif", "itvf", "sf-semis"}
    assert "mplus" not in set(params["fund_id"])  # a grant programme: nothing is called
    assert params.filter(params["fund_id"] == "itvf")["growth_source"].item() == "history"
    assert set(levels["forecast_programme"]["programme"]) == {"itif", "itvf"}


def test_forecast_reads_a_closed_period_and_computes_another_date(closed: Path) -> None:
    asked = ("forecast", "--programme", "itif", "--years", "5", "--period", "2026-09")
    table = run(*asked, "--db", str(closed))
    assert table.exit_code == 0, table.output
    assert table.output.splitlines()[0] == "forecast read from close 1 (period end 2026-09-30)"
    stored = _json(*asked, "--db", str(closed))
    assert [r["year"] for r in stored] == [1, 2, 3, 4, 5]
    assert {r["currency"] for r in stored} == {"HKD"}
    # the same figures computed (the close's seed and paths, a date a close ended on, forced by
    # another number of paths giving other bands but the same expected path)
    other = _json(
        "forecast",
        "--programme",
        "itif",
        "--years",
        "5",
        "--as-of",
        "2026-09-30",
        "--paths",
        "999",
        "--db",
        str(closed),
    )
    for s, o in zip(stored, other, strict=True):
        assert s["government_contributions"] == o["government_contributions"]
        assert s["government_nav"] == o["government_nav"]
    fund = _json("forecast", "--fund", "sf-semis", "--as-of", "2026-10-31", "--db", str(closed))
    assert fund[0]["currency"] == "USD" and fund[0]["period_end"] == "2027-10-31"
    every = _json("forecast", "--period", "2026-09", "--db", str(closed))
    assert {r["programme"] for r in every} == {"itif", "itvf"}
    unknown = run("forecast", "--fund", "nope", "--period", "2026-09", "--db", str(closed))
    assert unknown.exit_code != 0 and "no forecast of fund 'nope'" in unknown.output


@pytest.mark.parametrize("where", [["--period", "2026-09"], ["--as-of", "2026-10-31"]])
def test_explain_a_forecast_figure(closed: Path, where: list[str]) -> None:
    lines = _json(
        "explain",
        "contributions",
        "--level",
        "forecast",
        "--fund",
        "sf-semis",
        "--year",
        "2",
        *where,
        "--db",
        str(closed),
    )
    items = [str(line["item"]) for line in lines]
    assert items[0] == "committed" and "unfunded at the start of year 2" in items
    assert lines[-2]["role"] == "derived" and lines[-2]["amount"] == lines[-1]["amount"]
    nav = _json("explain", "nav", "--fund", "sf-semis", "--year", "2", *where, "--db", str(closed))
    terms = [line for line in nav if line["role"] == "term"]
    total = sum(float(str(t["amount"])) for t in terms)
    assert round(total, 2) == float(str(nav[-1]["amount"]))
    band = _json(
        "explain",
        "government_distributions_p95",
        "--programme",
        "itif",
        "--year",
        "3",
        *where,
        "--db",
        str(closed),
    )
    assert band[-2]["amount"] == band[-1]["amount"]

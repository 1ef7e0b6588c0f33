"""`fundbook explain` on closed periods: every stored figure, read from its snapshot, with lines
that reproduce it; a closed quarter; every level addressable; clean errors naming the choices."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from close_kit import run
from fee_kit import with_fee_terms

from fundbook.close.closing import close_period
from fundbook.close.explain import stored_of_close
from fundbook.close.snapshot import LEVEL_KEYS, read_snapshot
from fundbook.demo import DEMO_LEDGER
from fundbook.store.db import open_book
from fundbook.store.frames import load_frames
from tests.metrics.explain_check import failures, undetected


@pytest.fixture(scope="module")
def closed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo book closed to 2026-02 (look-through exposure from 2026-02; ITVF's fees checked
    against terms, `fee_check`)."""
    db = tmp_path_factory.mktemp("explain") / "demo.duckdb"
    ledger = with_fee_terms(Path(shutil.copytree(DEMO_LEDGER, db.parent / "ledger")))
    close_period(db, "2025-12", ledger_dir=str(ledger))
    close_period(db, "2026-01", carry_forward=True)
    close_period(db, "2026-02", carry_forward=True)
    return db


@pytest.mark.parametrize("period", ["2025-12", "2026-02"])
def test_every_stored_figure_is_reproduced_by_its_lines(closed: Path, period: str) -> None:
    with open_book(closed, read_only=True) as con:
        snap = read_snapshot(con, period)
        frames = load_frames(con, snap.close.period_end)
        stored = stored_of_close(con, snap.close, frames)
    empty = set(LEVEL_KEYS) - {lv for lv, df in stored.levels.items() if df.height}
    # no look-through before 2026-02 (the guidance fund's NAV is there, with no company); no GP
    # statement received before May (reconcile)
    before = {"theme_look_through", "look_through_company", "reconcile"}
    assert empty == (before if period == "2025-12" else {"reconcile"})
    # the movements of 2026-02 start from the close of 2025-12; of 2025-12, from metrics
    assert stored.previous_where.startswith("close " if period == "2026-02" else "metrics as of")
    count, bad = failures(frames, stored, snap.close.period_end, LEVEL_KEYS)
    assert not bad, "\n".join(bad[:20])
    assert count == snap.close.figure_count


def test_a_tampered_stored_figure_is_not_reproduced(closed: Path) -> None:
    """Every level and kind of figure tampered in the stored frames `explain` reads: its lines
    (derived from the ledger, the rules and other figures) no longer give it."""
    with open_book(closed, read_only=True) as con:
        snap = read_snapshot(con, "2026-02")
        frames = load_frames(con, snap.close.period_end)
        stored = stored_of_close(con, snap.close, frames)
    tried, accepted = undetected(frames, stored, snap.close.period_end, LEVEL_KEYS)
    assert {lv for lv, _ in tried} == {*LEVEL_KEYS, "statement"} - {"reconcile"}  # none yet
    assert {k for _, k in tried} == {"Decimal", "float", "int", "str", "bool", "date", "NoneType"}
    # none: not even a balancing residual (the roll-forward's are explained from the other
    # stored lines, so tampering one is caught)
    assert not accepted, "\n".join(accepted)


def _explain(db: Path, *args: str) -> list[dict[str, object]]:
    result = run("explain", *args, "--db", str(db), "--format", "json")
    assert result.exit_code == 0, result.output
    lines: list[dict[str, object]] = json.loads(result.output)
    return lines


def test_a_closed_period_reads_the_snapshot_and_names_the_close(closed: Path) -> None:
    with open_book(closed, read_only=True) as con:
        info = read_snapshot(con, "2026-02").close
    by_period = _explain(closed, "nav", "--fund", "itif", "--period", "2026-02")
    by_date = _explain(closed, "nav", "--fund", "itif", "--as-of", "2026-02-28")
    assert by_period == by_date
    last = by_period[-1]
    assert last["role"] == "result" and str(last["item"]).startswith("nav = ")
    assert f"close {info.close_id} of 2026-02 (hash {info.close_hash[:16]})" in str(last["source"])
    table = run("explain", "nav", "--fund", "itif", "--period", "2026-02", "--db", str(closed))
    assert table.exit_code == 0, table.output
    heading = table.output.splitlines()[0]
    assert f"close {info.close_id}, period 2026-02 (2026-02-01 to 2026-02-28)" in heading
    assert heading.endswith(f"close hash {info.close_hash}")
    csv = run(
        "explain",
        "nav",
        "--fund",
        "itif",
        "--period",
        "2026-02",
        "--db",
        str(closed),
        "--format",
        "csv",
    )
    assert csv.exit_code == 0 and csv.output.startswith("step,date,kind,role,item,source,amount")


def test_a_closed_quarter_is_its_last_months_close(closed: Path) -> None:
    quarter = _explain(closed, "committed", "--fund", "itif", "--period", "2025Q4")
    month = _explain(closed, "committed", "--fund", "itif", "--period", "2025-12")
    assert quarter == month and quarter[-1]["amount"] is not None


@pytest.mark.parametrize(
    ("args", "figure", "role"),
    [
        (["--programme", "itif", "--scope", "sub_funds"], "amplification", "numerator"),
        (
            [
                "--level",
                "programme_fund",
                "--programme",
                "itif",
                "--scope",
                "sub_funds",
                "--fund",
                "sf-semis",
            ],
            "government_committed",
            "term",
        ),
        (["--fund", "itif", "--rule", "programme_size"], "status", "derived"),
        (["--fund", "mplus", "--company", "pl-01"], "matching_ratio", "numerator"),
        (["--fund", "sf-semis", "--rule", "size"], "amount", "term"),
        (["--programme", "itif", "--theme", "ai_robotics"], "holdings", "counted"),
        (
            ["--level", "theme_look_through", "--fund", "itif", "--theme", "ai_robotics"],
            "fair_value",
            "term",
        ),
        (["--fund", "itif", "--theme", "sub_fund"], "fair_value", "term"),
        (["--fund", "itif", "--quarter", "2026Q1"], "contributions", "term"),
        (["--basis", "QTD", "--fund", "itif", "--investor", "gov-hksar"], "ending_nav", "term"),
        (["--level", "fund_info", "--fund", "sf-semis"], "currency", "shown"),
        (["--level", "fund_info", "--fund", "sf-digital"], "equalisation_rate", "shown"),
        (["--fund", "itif", "--investor", "gov-hksar"], "net_irr", "flow"),
        (["--fund", "itif", "--investor", "gov-hksar"], "pic_multiple", "numerator"),
        (["--fund", "itif"], "meets_target", "constant"),
        (["--fund", "itif", "--holding", "sf-airobot"], "rank", "counted"),
        (["--fund", "itif", "--holding", "sf-airobot"], "share_of_fair_value", "denominator"),
        (["--fund", "itif", "--holding", "sf-airobot"], "realisation", "shown"),
        (
            ["--level", "holding_look_through", "--fund", "itif"]
            + ["--investor", "gov-hksar", "--holding", "sf-airobot"],
            "fair_value",
            "term",
        ),
        (
            ["--fund", "itif", "--investor", "gov-hksar", "--theme", "sub_fund"],
            "fair_value",
            "term",
        ),
        (["--status", "pass"], "rules", "counted"),
        (["--level", "fund_movement", "--fund", "itif"], "nav_change", "term"),
        (["--level", "fund_movement", "--fund", "itif"], "previous_tvpi", "term"),
        (["--level", "forecast", "--fund", "sf-semis", "--year", "2"], "contributions", "derived"),
        (["--fund", "sf-semis", "--year", "2"], "nav", "term"),
        (["--programme", "itif", "--year", "1"], "government_distributions", "term"),
        (["--programme", "itif", "--year", "3"], "government_nav_p95", "derived"),
        (["--level", "forecast_parameters", "--fund", "itvf"], "bow", "derived"),
        (["--level", "forecast_parameters", "--fund", "itvf"], "unfunded_at_end_of_life", "term"),
        (["--level", "pme_fund", "--fund", "itvf", "--index", "HSI"], "ks_pme", "denominator"),
        (["--fund", "itvf", "--index", "HSI"], "ln_pme_irr", "flow"),
        (["--fund", "itvf", "--index", "HSTECH"], "direct_alpha", "derived"),
        (["--fund", "itif", "--investor", "gov-hksar", "--index", "HSI"], "pme_nm", "derived"),
        (["--programme", "itif", "--index", "HSI"], "ks_pme", "numerator"),
        (["--fund", "sf-cyberport", "--index", "HSI"], "ks_pme", "shown"),
    ],
)
def test_every_level_is_addressable(closed: Path, args: list[str], figure: str, role: str) -> None:
    lines = _explain(closed, figure, *args, "--period", "2026-02")
    assert lines[-1]["role"] == "result"
    assert role in {line["role"] for line in lines[:-1]}, lines


def test_unknown_figures_levels_and_keys_name_the_choices(closed: Path) -> None:
    def error(*args: str) -> str:
        result = run("explain", *args, "--period", "2026-02", "--db", str(closed))
        assert result.exit_code != 0
        return result.output

    assert "no figure 'sharpe' at level fund; figures: " in error("sharpe", "--fund", "itif")
    assert "no holding with --holding nope; one of: " in error(
        "nav", "--fund", "itif", "--holding", "nope"
    )
    assert "level compliance needs --fund; one of: " in error("status", "--rule", "size")
    assert "'fonds' is not one of" in error("nav", "--level", "fonds", "--fund", "itif")
    late = run("explain", "nav", "--fund", "itif", "--period", "2027-01", "--db", str(closed))
    assert late.exit_code == 1 and "period 2027-01 is not closed" in late.output


def test_an_investor_with_a_holding_or_a_theme_addresses_its_share(closed: Path) -> None:
    common = ("--fund", "itif", "--investor", "gov-hksar", "--period", "2026-02", "--db")
    for extra, level in (
        (("--holding", "sf-airobot"), "holding_look_through"),
        (("--theme", "sub_fund"), "theme_by_investor"),
    ):
        table = run("explain", "fair_value", *extra, *common, str(closed))
        assert table.exit_code == 0, table.output
        assert table.output.startswith(f"fair_value ({level}) read from the snapshot")

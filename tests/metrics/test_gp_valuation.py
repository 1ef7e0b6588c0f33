"""A sub-fund valued from its GP statements (issue 13): the latest statement received by the
date, rolled forward for the holder's calls and distributions since, with its lag; the
reconciliation against a ledger in the book; look-through by the GP's holdings."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import polars as pl
from gp_kit import GP_BOOK, gp_book, gp_frames

from fundbook.close.explain import stored_at
from fundbook.close.snapshot import LEVEL_KEYS
from fundbook.core.ledgers import ledgers_in_book
from fundbook.demo import DEMO_LEDGER
from fundbook.ledger import read_book
from fundbook.metrics.compliance import fund_facts
from fundbook.metrics.explain import explain
from fundbook.metrics.exposure import theme_exposure
from fundbook.metrics.levels import holding_level
from fundbook.metrics.look_through import look_through_company
from fundbook.metrics.reconcile import reconcile
from fundbook.metrics.state import book_state
from fundbook.store.frames import frames_from_tables
from tests.metrics.explain_check import failures, undetected

D = Decimal
AS_OF = date(2026, 9, 30)


def _sf3(root: Path, at: date, **overrides: list[str]) -> dict[str, object]:
    holdings = book_state(gp_frames(root, AS_OF, **overrides), at).holdings
    row = holdings.filter(holding_id="sf3").row(0, named=True)
    return {k: row[k] for k in ("valued_by", "fair_value", "valuation_date", "lag_days")}


def test_rolled_forward_for_calls_and_distributions_since_with_its_lag(tmp_path: Path) -> None:
    # Q1 NAV 38.00 (statement 2026-03-31, received 2026-05-20), + call 5.00 on 06-10,
    # - distribution 3.00 on 06-20 = 40.00 at 06-30, 91 days after the statement
    assert _sf3(tmp_path, date(2026, 6, 30)) == {
        "valued_by": "gp_statement",
        "fair_value": 4000,
        "valuation_date": date(2026, 3, 31),
        "lag_days": 91,
    }


def test_a_distribution_booked_as_income_rolls_forward_too(tmp_path: Path) -> None:
    # the holder books sf3's 3.00 distribution as income (a mirror the ledger accepts)
    rows = [r.replace(",proceeds,", ",income,") for r in GP_BOOK["transactions"]]
    assert rows != GP_BOOK["transactions"]
    assert _sf3(tmp_path, date(2026, 6, 30), transactions=rows)["fair_value"] == 4000


def test_a_statement_not_yet_received_is_ignored(tmp_path: Path) -> None:
    # the day before the Q1 statement arrives: at cost (40.00 called), no lag
    assert _sf3(tmp_path / "a", date(2026, 5, 19)) == {
        "valued_by": "cost",
        "fair_value": 4000,
        "valuation_date": None,
        "lag_days": None,
    }
    # the Q2 statement (NAV 44.00 at 06-30) is received 08-14: until then Q1 rolled forward
    assert _sf3(tmp_path / "b", date(2026, 8, 13))["fair_value"] == 4000
    assert _sf3(tmp_path / "c", date(2026, 8, 14)) == {
        "valued_by": "gp_statement",
        "fair_value": 4400,
        "valuation_date": date(2026, 6, 30),
        "lag_days": 45,
    }


def test_received_after_the_frames_date_is_not_known(tmp_path: Path) -> None:
    frames = gp_frames(tmp_path, date(2026, 8, 13))
    assert frames.gp_statements["received_date"].max() == date(2026, 5, 20)


def test_the_terms_make_a_ledger_fund_valued_by_its_gp(tmp_path: Path) -> None:
    def sf1(root: Path, terms: str | None) -> tuple[str, int, int | None]:
        ledger = gp_book(root)
        if terms is not None:
            (ledger / "terms.csv").write_text(f"fund_id,valuation_source\n{terms}\n")
        book, errors = read_book(ledger)
        assert errors == []
        state = book_state(frames_from_tables(AS_OF, book.rows), date(2026, 6, 30))
        row = state.holdings.filter(holding_id="sf1").row(0, named=True)
        return row["valued_by"], row["fair_value"], row["lag_days"]

    assert sf1(tmp_path / "a", None) == ("capital_account", 5625, None)
    assert sf1(tmp_path / "b", "sf1,ledger") == ("capital_account", 5625, None)
    # its GP's Q1 NAV 60.00, no call or distribution since
    assert sf1(tmp_path / "c", "sf1,gp_statement") == ("gp_statement", 6000, 91)


def test_reconcile_lists_each_figure_the_gp_gives(tmp_path: Path) -> None:
    out = reconcile(gp_frames(tmp_path, AS_OF), AS_OF)
    rows = out.select("holding_id", "figure", "gp", "book", "difference", "status").rows()
    # sf1 only: sf3 has no ledger in the book; gf-lp's account in sf1 at 2026-03-31 is
    # 50.00 paid in + its quarter of the P&L (unrealised 30.00 - fee 5.00 = 25.00) = 56.25
    assert rows == [
        ("sf1", "nav", D("60.00"), D("56.25"), D("-3.75"), "differs"),
        ("sf1", "contributions", D("50.00"), D("50.00"), D("0.00"), "agrees"),
        ("sf1", "distributions", D("0.00"), D("0.00"), D("0.00"), "agrees"),
        ("sf1", "fees", D("1.25"), D("1.25"), D("0.00"), "agrees"),
        ("sf1", "carry_accrued", D("0.00"), None, None, "not_modelled"),
    ]
    assert set(out["tolerance"]) == {D("1.00")}
    assert set(out["investor_id"]) == {"gf-lp"}


def test_reconcile_before_any_statement_is_received_is_empty(tmp_path: Path) -> None:
    assert reconcile(gp_frames(tmp_path, AS_OF), date(2026, 5, 9)).height == 0


def test_look_through_by_the_gp_holdings(tmp_path: Path) -> None:
    frames = gp_frames(tmp_path, AS_OF)
    at = date(2026, 6, 30)
    companies = look_through_company(frames, at).select("company_id", "through_fair_value")
    # sf3's 40.00 spread by reported fair value (120 : 40); c1 also through sf1 (gf-lp's
    # quarter of 150.00 = 37.50)
    assert companies.rows() == [("c1", D("67.50")), ("c2", D("10.00"))]
    themes = theme_exposure(frames, at, look_through=True)
    # sf3's 45.00 cost spread by reported cost (100 : 50): 30.00 and 15.00; c1's 30.00
    # through sf1 (gf-lp's quarter of 120.00)
    assert themes.select("theme", "invested", "fair_value").rows() == [
        ("ai_robotics", D("60.00"), D("67.50")),
        ("semiconductors_smart_devices", D("15.00"), D("10.00")),
    ]


def test_a_ledger_fund_valued_by_its_gp_is_looked_through_once(tmp_path: Path) -> None:
    # sf1's terms say gp_statement: its Q1 NAV 60.00 all in c2 by its GP's schedule; the
    # ledger route through gf-lp's quarter of sf1's holdings is not added to it
    holdings = [*GP_BOOK["gp_holdings"], "2026-03-31,gf,sf1,c2,10.00,60.00,HKD"]
    ledger = gp_book(tmp_path, gp_holdings=holdings)
    (ledger / "terms.csv").write_text("fund_id,valuation_source\nsf1,gp_statement\n")
    book, errors = read_book(ledger)
    assert errors == []
    at = date(2026, 6, 30)
    frames = frames_from_tables(AS_OF, book.rows)
    themes = theme_exposure(frames, at, look_through=True).select("theme", "fair_value").rows()
    # c1 (ai_robotics) through sf3 only (30.00); c2 through sf3 (10.00) and sf1 (60.00)
    assert themes == [
        ("ai_robotics", D("30.00")),
        ("semiconductors_smart_devices", D("70.00")),
    ]


def test_the_demo_shows_its_planted_difference_and_its_lagged_sub_fund() -> None:
    """The demo book: sf-airobot's Q2 GP statement is HK$500,000.00 above the book's NAV (the
    one difference `fundbook reconcile` shows); sf-cyberport, held without its ledger, is
    valued at its Q2 GP NAV plus the September call, 92 days after the statement."""
    book, errors = read_book(DEMO_LEDGER)
    assert errors == []
    frames = frames_from_tables(date(2026, 10, 31), book.rows)
    at = date(2026, 9, 30)
    out = reconcile(frames, at)
    assert out.filter(pl.col("status") != "agrees").select(
        "holding_id", "statement_date", "figure", "gp", "book", "difference"
    ).rows() == [
        (
            "sf-airobot",
            date(2026, 6, 30),
            "nav",
            D("181549451.92"),
            D("181049451.92"),
            D("-500000.00"),
        )
    ]
    held = book_state(frames, at).holdings.filter(holding_id="sf-cyberport").row(0, named=True)
    assert (held["valued_by"], held["fair_value"], held["lag_days"]) == (
        "gp_statement",
        1691250000 + 600000000,
        92,
    )


def _gp_costs(frames: object, at: date) -> list[tuple[object, ...]]:
    level = holding_level(frames, at)  # type: ignore[arg-type]
    return level.select("holding_id", "gp_fees_itd", "gp_carry_accrued").rows()


def test_the_costs_its_gp_reports_are_on_the_holding_level(tmp_path: Path) -> None:
    """sf3, valued from its GP's statement, carries the fees to date and the accrued carry of
    that statement (null when it leaves one empty), the level's last columns; sf1 (valued from
    gf-lp's capital account, though its GP's statement gives fees 1.25) and the companies
    carry none."""
    frames = gp_frames(tmp_path, AS_OF)
    # the Q1 statement: fees 1.50, carry empty; the Q2 one (received 08-14): fees 3.00
    assert _gp_costs(frames, date(2026, 6, 30)) == [
        ("sf1", None, None),
        ("sf3", D("1.50"), None),
        ("c1", None, None),
        ("c2", None, None),
    ]
    assert _gp_costs(frames, date(2026, 8, 14))[1] == ("sf3", D("3.00"), None)
    # before any statement is received sf3 is at cost: no GP costs
    assert _gp_costs(frames, date(2026, 5, 19))[1] == ("sf3", None, None)
    columns = holding_level(frames, AS_OF).columns
    assert columns[-2:] == ["gp_fees_itd", "gp_carry_accrued"]


def test_the_demo_cyberports_fees_and_carry_per_its_gp() -> None:
    """sf-cyberport (no ledger): its Q2 statement (received 2026-08-28) reports fees to date
    of 270,000.00 and no accrued carry; its Q3 one (received 2026-12-04) 405,000.00 and
    150,000.00."""
    book, errors = read_book(DEMO_LEDGER)
    assert errors == []
    frames = frames_from_tables(date(2026, 12, 31), book.rows)
    got = [
        holding_level(frames, at)
        .filter(holding_id="sf-cyberport")
        .select("valuation_date", "gp_fees_itd", "gp_carry_accrued")
        .row(0)
        for at in (date(2026, 9, 30), date(2026, 12, 31))
    ]
    assert got == [
        (date(2026, 6, 30), D("270000.00"), D("0.00")),
        (date(2026, 9, 30), D("405000.00"), D("150000.00")),
    ]


def test_the_gp_costs_are_explained(tmp_path: Path) -> None:
    """The holding level's GP costs are given by their lines (the GP statement's row,
    path:line; none for a holding not valued from one); a tampered one is not."""
    at = date(2026, 8, 14)
    frames = gp_frames(tmp_path, AS_OF)
    stored = stored_at(frames, at, ("fund", "investor", "holding"))
    keys = {lv: LEVEL_KEYS[lv] for lv in ("fund", "investor", "holding")}
    wanted = ("gp_fees_itd", "gp_carry_accrued")
    count, bad = failures(frames, stored, at, keys)
    assert count > 0 and not [b for b in bad if b.startswith("holding ")], "\n".join(bad)
    _, accepted = undetected(frames, stored, at, keys)
    assert not [a for a in accepted if a.startswith(tuple(f"holding.{w}" for w in wanted))]
    sf3 = stored.levels["holding"].filter(holding_id="sf3").row(0, named=True)
    lines = explain(frames, stored, at, "holding", sf3, "gp_fees_itd")
    term = lines.filter(pl.col("role") == "term").row(0, named=True)
    assert term["amount"] == D("3.00") and "gp_statements.csv:3" in term["item"], term


LOOKED_THROUGH = ("look_through_company", "look_through_nav", "theme_look_through")


def test_the_gp_route_is_explained(tmp_path: Path) -> None:
    """Every look-through figure of a book holding sf3 from its GP's statements is given by
    its lines: the gp_holdings rows (path:line) spreading the holder's GP value of sf3 (the
    holding level's) by reported fair value and cost, beside the ledger route through sf1;
    a tampered one is not."""
    at = date(2026, 6, 30)
    frames = gp_frames(tmp_path, at)
    wanted = ("fund", "investor", "holding", *LOOKED_THROUGH)
    stored = stored_at(frames, at, wanted)
    keys = {lv: LEVEL_KEYS[lv] for lv in wanted}
    count, bad = failures(frames, stored, at, keys)
    bad = [b for b in bad if b.startswith(LOOKED_THROUGH)]
    assert count > 0 and not bad, "\n".join(bad)
    _, accepted = undetected(frames, stored, at, keys)
    accepted = [a for a in accepted if a.startswith(LOOKED_THROUGH)]
    assert not accepted, "\n".join(accepted)
    c1 = stored.levels["look_through_company"].filter(company_id="c1").row(0, named=True)
    lines = explain(frames, stored, at, "look_through_company", c1, "through_fair_value")
    items = lines.filter(pl.col("role") == "term")["item"].to_list()
    # gf-lp's quarter of sf1's 150.00 of c1, and sf3's 40.00 x 120.00 / 160.00 from its GP
    assert lines.filter(pl.col("role") == "term")["amount"].to_list() == [D("37.50"), D("30.00")]
    assert "gp_holdings.csv:2" in items[1], items


def test_one_definition_of_a_fund_whose_ledger_is_not_in_the_book(tmp_path: Path) -> None:
    """sf3 (no commitment, no transaction of its own) is not in the book: the compliance facts
    leave it out though no terms say gp_statement, and its holder values it by its GP."""
    frames = gp_frames(tmp_path, AS_OF)
    kept = ledgers_in_book(frames.commitments, frames.transactions).to_list()
    assert kept == ["gf", "sf1", "sf2"]
    assert sorted(fund_facts(frames, AS_OF)["fund_id"].to_list()) == ["sf1", "sf2"]
    assert _sf3(tmp_path / "b", AS_OF)["valued_by"] == "gp_statement"

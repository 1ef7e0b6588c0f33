"""The demo's later closing of sf-digital and ITVF's write-off, as the LP reports show them."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal as D
from pathlib import Path

import polars as pl
import pytest

from fundbook.close.closing import close_period
from fundbook.close.snapshot import Snapshot
from fundbook.demo import DEMO_LEDGER
from fundbook.metrics.statement import ROLL_FORWARD
from fundbook.report.formatting import money
from fundbook.report.lp import build_lp_context
from fundbook.report.render import load, lp_reports
from fundbook.report.source import ReportSource

FUND, ADMITTED, EARLIER = "sf-digital", "shatin-endowment", "bauhinia-strategic"
CLOSING = dt.date(2026, 8, 14)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> ReportSource:
    if not (DEMO_LEDGER / "funds.csv").is_file():
        pytest.skip("the demo ledger is not in this checkout")
    db = tmp_path_factory.mktemp("demo-eq") / "demo.duckdb"
    close_period(db, "2026-09", ledger_dir=str(DEMO_LEDGER))
    return load(db, "2026Q3")


def _html(source: ReportSource, out: Path, fund_id: str, investor_id: str) -> str:
    result = lp_reports(source, out, fund_id=fund_id, investor_id=investor_id)
    return result.html[0].read_text(encoding="utf-8")


def _lines(ctx, side: str = "investor") -> dict[str, tuple]:
    return {line.key: tuple(f.value for f in getattr(line, side)) for line in ctx.statement}


def _rolls_forward(lines: dict[str, tuple], col: int) -> bool:
    """beginning + flows + lines = ending, on the lines as shown (already signed as they move
    NAV, metrics' ROLL_FORWARD)."""
    moved = sum(lines[key][col] for key, _ in ROLL_FORWARD if lines[key][col] is not None)
    return lines["beginning_nav"][col] + moved == lines["ending_nav"][col]


def test_the_admitted_partner_sees_its_catch_up_interest_and_the_rebalancing(demo, tmp_path):
    ctx = build_lp_context(demo, FUND, ADMITTED)
    flows = {f.type: f for f in ctx.flows}
    catch_up = flows["equalisation_contribution"]
    assert (catch_up.kind, catch_up.amount.value) == (
        "Equalisation catch-up contribution",
        D("19645833.33"),
    )
    interest = flows["equalisation_interest_received"]
    assert (interest.kind, interest.amount.value) == (
        "Equalisation interest paid by you (not capital)",
        D("372621.00"),
    )
    [note] = ctx.equalisation
    assert note.closing == CLOSING and note.admitted
    # the rate as the fund's terms book it (ledgers/itif-demo/terms.csv: 0.08), from fund_info
    assert note.rate.value == D("0.08000000") and note.rate.kind == "rate"
    assert (note.rate.source.level, note.rate.source.field) == ("fund_info", "equalisation_rate")
    assert note.rate.value == demo.find("fund_info", fund_id=FUND)[0]["equalisation_rate"]
    assert [r.amount for r in note.catch_up] == [catch_up.amount]
    assert note.distributions == [] and note.interest_received == []
    assert note.recallable.value == D("0.00")
    assert note.fund_recallable.value == D("19645833.33")
    lines = _lines(ctx)
    # The re-balancing of the P&L earned before 1 July is the quarter's other income; the
    # year began before the fund had any P&L, so in the YTD column it sits in the lines. Its
    # fees are each partner's own (split by computed fees), so only the fund's common P&L
    # (gains, expenses) is re-balanced: a small gain for the newcomer.
    assert lines["other_income_expense"][:2] == (D("14450.83"), D("0.00"))
    assert [f.value for f in note.rebalancing] == [D("14450.83"), D("0.00")]
    assert _rolls_forward(lines, 0) and _rolls_forward(lines, 1)
    in_lines = ("management_fees", "partnership_expenses", "income", "unrealised_gain_change")
    earlier = sum(lines[k][1] - lines[k][0] for k in in_lines)
    assert earlier == lines["other_income_expense"][0]
    html = _html(demo, tmp_path, FUND, ADMITTED)
    for text in (
        "Note: the later closing of 2026-08-14 and its equalisation",
        "Equalisation catch-up contribution</strong> of 19,645,833.33",
        "Equalisation interest</strong> of 372,621.00 paid by you",
        "at the fund's equalisation rate of 8.00 % a year, simple, actual/365, as set in its "
        "partnership agreement. The fund passed it on",
        "it is in neither Interest and dividend income nor Other income / (expense)",
        "14,450.83 in the quarter column",
        "its Other income / (expense), 0.00, re-balances only what was earned before 1 January",
    ):
        assert text in html, text


def test_an_earlier_partner_sees_its_recallable_distribution_and_interest(demo, tmp_path):
    ctx = build_lp_context(demo, FUND, EARLIER)
    [note] = ctx.equalisation
    assert note.closing == CLOSING and not note.admitted
    assert [r.amount.value for r in note.distributions] == [D("5125000.00")]
    assert [r.kind for r in note.distributions] == ["Equalisation distribution (recallable)"]
    assert [r.amount.value for r in note.interest_received] == [D("97205.48")]
    lines = _lines(ctx)
    assert lines["recallable_distributions"][0] == D("5125000.00") == note.recallable.value
    assert lines["other_income_expense"][:2] == (D("-3769.78"), D("0.00"))
    assert _rolls_forward(lines, 0) and _rolls_forward(lines, 1)
    html = _html(demo, tmp_path, FUND, EARLIER)
    for text in (
        "Equalisation distribution (recallable)</strong> of 5,125,000.00",
        "Plus recallable distributions this quarter: 5,125,000.00; the fund's: 19,645,833.33",
        "Equalisation interest</strong> of 97,205.48 paid to you",
        "(3,769.78) in the quarter column",
        "equalisation interest on it, at the fund's equalisation rate of 8.00 % a year, simple, "
        "actual/365, as set in its partnership agreement.</li>",
    ):
        assert text in html, text
    assert "Sha Tin" not in html and ADMITTED not in html


def test_a_fund_whose_terms_give_no_rate_says_so(demo, tmp_path):
    info = demo.snapshot.levels["fund_info"].with_columns(
        pl.lit(None, pl.Decimal(18, 8)).alias("equalisation_rate")
    )
    snapshot = Snapshot(
        demo.snapshot.close, {**demo.snapshot.levels, "fund_info": info}, demo.snapshot.statements
    )
    html = _html(ReportSource(snapshot, demo.closed), tmp_path, FUND, ADMITTED)
    no_rate = "the fund's equalisation rate (simple, actual/365; the fund's terms on record give"
    assert f"from each earlier call to the closing, at {no_rate} no rate). The fund" in html
    assert "equalisation rate of 8.00 %" not in html


def test_every_sf_digital_partner_flows_add_up_to_its_statement(demo):
    """Contributions include the catch-ups, distributions the equalisation distributions, the
    recallable line is those distributions; the interest rows are on no line."""
    interest_types = {"equalisation_interest_received", "equalisation_interest_paid"}
    seen_interest = False
    for investor_id in sorted({r["investor_id"] for r in demo.find("investor", fund_id=FUND)}):
        ctx = build_lp_context(demo, FUND, investor_id)
        lines = _lines(ctx)
        by_type: dict[str, D] = {}
        for f in ctx.flows:
            by_type[f.type] = by_type.get(f.type, D(0)) + f.amount.value
        calls = by_type.get("contribution", D(0)) + by_type.get("equalisation_contribution", D(0))
        paid = by_type.get("distribution", D(0)) + by_type.get("equalisation_distribution", D(0))
        assert lines["contributions"][0] == calls, investor_id
        assert lines["distributions"][0] == -paid, investor_id
        assert lines["recallable_distributions"][0] == by_type.get(
            "equalisation_distribution", D(0)
        )
        assert len(ctx.equalisation) == 1, investor_id
        seen_interest |= bool(interest_types & set(by_type))
    assert seen_interest
    # the fund's income line is the ledger's income rows of the quarter: no interest in it
    with (DEMO_LEDGER / "transactions.csv").open(encoding="utf-8") as fh:
        income = sum(
            D(r["amount"])
            for r in csv.DictReader(fh)
            if r["fund_id"] == FUND and r["type"] == "income" and r["date"] >= "2026-07-01"
        )
    fund = _lines(build_lp_context(demo, FUND, ADMITTED), "fund")
    assert fund["income"][0] == income == D("507000.00")
    assert fund["other_income_expense"][0] == D("0.00")


def test_the_itvf_write_off_shows_its_realisation_and_realised_loss(demo, tmp_path):
    holding = next(iter(demo.find("holding", fund_id="itvf", holding_id="vc-01")))
    assert holding["valued_by"] == "written_off"
    investor_id = demo.find("investor", fund_id="itvf")[0]["investor_id"]
    ctx = build_lp_context(demo, "itvf", investor_id)
    [row] = [h for h in ctx.holdings if h.realised_gain.source.keys[1][1] == "vc-01"]
    assert row.realised_gain.value == holding["realised_gain"] == D("-21000000.00")
    assert row.fair_value.value == D("0.00") and row.status == holding["realisation"]
    html = _html(demo, tmp_path, "itvf", investor_id)
    cells = f'<td class="num">{money(holding["realised_gain"])}</td>'
    assert cells == '<td class="num">(21,000,000.00)</td>' and cells in html
    assert f"<td>{holding['realisation']}</td>" in html


def test_a_written_off_holding_reads_as_its_realisation_figure_says(tmp_path, tiny_source):
    base = tiny_source()
    holding = base.snapshot.levels["holding"].with_columns(
        pl.when(pl.col("holding_id") == "c2")
        .then(pl.lit("written off"))
        .otherwise(pl.col("realisation"))
        .alias("realisation"),
        pl.Series("realised_gain", [D("0.00"), D("-550000.00")], pl.Decimal(38, 2)),
    )
    levels = {**base.snapshot.levels, "holding": holding}
    snapshot = Snapshot(base.snapshot.close, levels, base.snapshot.statements)
    source = ReportSource(snapshot, base.closed)
    html = _html(source, tmp_path, "f1", "lp-a")
    row = html[html.index("Kowloon Bio Ltd") :].split("</tr>")[0]
    assert '<td class="num">(550,000.00)</td>' in row and "<td>written off</td>" in row
    # no later closing in this book: no equalisation note
    assert build_lp_context(source, "f1", "lp-a").equalisation == []
    assert "Note: the later closing" not in html


def test_an_itvf_partner_reads_its_nav_net_of_accrued_carry(demo, tmp_path):
    """ITVF has carry terms: the statement's carry lines are figures, the ending NAV is net of
    the accrued carry (and says so), the methods note gives the terms; ITIF has none: plain
    "Ending NAV" and the carry lines not modelled."""
    ctx = build_lp_context(demo, "itvf", "gov-hksar")
    lines = _lines(ctx)
    balance = lines["carry_accrued_balance"][2]
    assert balance > D("20000000")  # 20 % of its profit on a liquidation at NAV
    # shown as they move NAV: the ITD change in accrued carry (all of it) subtracted
    assert lines["carry_accrued_change"][2] == -balance and lines["carry_paid"][2] == 0
    assert _rolls_forward(lines, 0) and _rolls_forward(lines, 2)
    [inv] = demo.find("investor", fund_id="itvf", investor_id="gov-hksar")
    assert lines["ending_nav"][2] == inv["nav"] == inv["nav_before_carry"] - balance
    html = _html(demo, tmp_path / "itvf", "itvf", "gov-hksar")
    for text in (
        "Ending NAV (net of accrued incentive allocation)",
        "net of accrued carried interest",
        "20.00 % of the profit above a hurdle of 8.00 % a year (compounded yearly), 100.00 % "
        "catch-up, European (whole-fund) waterfall",
    ):
        assert text in html, text
    itif = _html(demo, tmp_path / "itif", "itif", "gov-hksar")
    # (its look-through names the sub-funds' net assets net of their carry: not its own NAV)
    assert "Ending NAV (net of" not in itif and "European (whole-fund) waterfall" not in itif
    assert "<td>Ending NAV</td>" in itif or ">Ending NAV<" in itif

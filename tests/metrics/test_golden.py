"""Figures of small books computed by hand, and by pyxirr's own functions on the same flows."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest
import pyxirr
import pyxirr.pe as pe

from fundbook import metrics as m
from tests.metrics.book import D, fund_of_funds_book, small_book

AS_OF = date(2021, 12, 31)


def one(df, **keys):  # type: ignore[no-untyped-def]
    for col, value in keys.items():
        df = df.filter(df[col] == value)
    assert df.height == 1, keys
    return df.row(0, named=True)


def test_fund_figures_by_hand() -> None:
    f = one(m.fund_metrics(small_book(), AS_OF), fund_id="sf")
    assert (f["committed"], f["government_committed"], f["social_committed"]) == (
        D("1000.00"),
        D("250.00"),
        D("750.00"),
    )
    assert f["amplification"] == 4.0 and f["social_leverage"] == 3.0
    assert (f["paid_in"], f["distributed"], f["unfunded"]) == (D("400"), D("200"), D("600"))
    assert f["paid_in_leverage"] == 3.0
    # cash 400 - 300 - 10 + 200 - 200 + 20 = 110; c1 marked at 300
    assert (f["cash"], f["holdings_value"], f["nav"]) == (D("110"), D("300"), D("410"))
    assert f["tvpi"] == pytest.approx(610 / 400) and f["dpi"] == pytest.approx(0.5)
    assert f["rvpi"] == pytest.approx(410 / 400) and f["pic_multiple"] == pytest.approx(0.4)
    assert f["invested"] == D("300") and f["gross_moic"] == pytest.approx(520 / 300)
    # proceeds 200 relieve 200 of the 300 cost: no realised gain, 300 - 100 unrealised
    assert (f["realised_gain"], f["unrealised_gain"]) == (D("0"), D("200"))
    assert f["currency"] == "HKD"


def test_fund_figures_match_pyxirr() -> None:
    f = one(m.fund_metrics(small_book(), AS_OF), fund_id="sf")
    net = pyxirr.xirr([date(2020, 1, 15), date(2021, 7, 15), AS_OF], [-400, 200, 410])
    gross = pyxirr.xirr(
        [date(2020, 2, 1), date(2021, 6, 30), date(2021, 9, 30), AS_OF], [-300, 200, 20, 300]
    )
    assert f["net_irr"] == pytest.approx(net, abs=1e-9)
    assert f["gross_irr"] == pytest.approx(gross, abs=1e-9)
    assert f["tvpi"] == pytest.approx(pe.tvpi([-400, 200], 410))
    assert f["dpi"] == pytest.approx(pe.dpi([-400, 200]))
    assert f["rvpi"] == pytest.approx(pe.rvpi([-400], 410))
    assert f["gross_moic"] == pytest.approx(pe.moic([-300, 200, 20], 300))


def test_investor_capital_accounts() -> None:
    inv = m.investor_metrics(small_book(), AS_OF)
    gov, soc = one(inv, investor_id="gov"), one(inv, investor_id="s1")
    # P&L 210 split 25 / 75 by commitment
    assert (gov["nav"], soc["nav"]) == (D("102.50"), D("307.50"))
    assert gov["commitment_share"] == 0.25
    assert gov["net_irr"] == pytest.approx(
        pyxirr.xirr([date(2020, 1, 15), date(2021, 7, 15), AS_OF], [-100, 50, 102.5]), abs=1e-9
    )
    assert gov["tvpi"] == pytest.approx((50 + 102.5) / 100)


def test_holding_figures_and_undefined_irr() -> None:
    h = one(m.holding_metrics(small_book(), AS_OF), holding_id="c1")
    assert (h["invested"], h["proceeds"], h["income"], h["fair_value"]) == (
        D("300"),
        D("200"),
        D("20"),
        D("300"),
    )
    assert h["moic"] == pytest.approx(520 / 300) and h["valued_by"] == "valuation"
    early = one(m.fund_metrics(small_book(), date(2020, 1, 20)), fund_id="sf")
    assert early["net_irr"] == pytest.approx(0.0, abs=1e-12)  # -400 in, NAV 400 out
    assert early["gross_irr"] is None and early["gross_moic"] is None  # nothing invested
    before = one(m.fund_metrics(small_book(), date(2020, 1, 10)), fund_id="sf")
    assert before["net_irr"] is None and before["tvpi"] is None  # no flows, no paid-in


def test_cost_recovery_and_later_investment() -> None:
    book = small_book(date(2023, 12, 31))
    rows = {k: getattr(book, k) for k in ("transactions",)}
    import polars as pl

    from tests.metrics.book import txn

    extra = pl.DataFrame(
        [
            txn(20, "2022-03-01", "sf", "proceeds", "250.00", holding="c1"),
            txn(21, "2022-06-01", "sf", "investment", "40.00", holding="c1"),
            txn(22, "2022-09-01", "sf", "proceeds", "10.00", holding="c1"),
        ],
        schema=book.transactions.schema,
    )
    from dataclasses import replace

    book = replace(book, transactions=pl.concat([rows["transactions"], extra]))
    h = one(m.holding_metrics(book, date(2023, 12, 31)), holding_id="c1")
    # cost 300; 200 relieves 200; 250 relieves the last 100 (+150 gain); +40 cost; 10 relieves 10
    assert (h["remaining_cost"], h["realised_gain"]) == (D("30"), D("150"))
    # the 2021-12-31 mark (300) plus the later investment (40)
    assert h["fair_value"] == D("340") and h["unrealised_gain"] == D("310")


def test_statement_lines_by_hand() -> None:
    st = m.capital_account_statement(small_book(), date(2021, 1, 1), AS_OF)
    fund = one(st.filter(st["investor_id"].is_null()), fund_id="sf")
    assert fund["beginning_nav"] == D("540")  # cash 90 + c1 marked 450
    assert (fund["distributions"], fund["income"], fund["unrealised_gain_change"]) == (
        D("200"),
        D("20"),
        D("50"),
    )
    assert fund["ending_nav"] == D("410") and fund["other_income_expense"] == D("0")
    gov = one(st, investor_id="gov")
    assert (gov["beginning_nav"], gov["income"], gov["ending_nav"]) == (
        D("135"),
        D("5"),
        D("102.50"),
    )
    assert (gov["commitment"], gov["beginning_unfunded"], gov["ending_unfunded"]) == (
        D("250"),
        D("150"),
        D("150"),
    )
    # no fee or carry terms: not modelled, never a made-up 0.00
    assert gov["fee_offsets"] is None and gov["carry_paid"] is None


def test_sub_fund_valued_from_capital_account_in_holder_currency() -> None:
    book = fund_of_funds_book()
    h = one(m.holding_metrics(book, book.as_of), fund_id="gf", holding_id="sfu")
    # sfu: nav 48 USD, P&L 8 USD, gf-lp's 25 % -> 2; account 12 USD at 7.85
    assert h["valued_by"] == "capital_account" and h["fair_value"] == D("94.20")
    f = one(m.fund_metrics(book, book.as_of), fund_id="gf")
    assert f["nav"] == D("2.00") + D("94.20") + D("20.00")


def test_programme_counts_government_once() -> None:
    book = fund_of_funds_book()
    progs = m.programme_metrics(book, book.as_of)
    p = one(progs, programme="gf", scope="sub_funds")
    # gf-lp 25 USD at 7.85; never gov's 1000 to gf itself, nor gf's direct deals
    assert p["government_committed"] == D("196.25")
    assert p["social_committed"] == D("588.75")  # soc
    assert p["amplification"] == pytest.approx(4.0)
    assert p["currency"] == "HKD"
    # 4x met, but the sub-funds are HK$40bn short of the programme size: behind, not met
    assert p["target_status"] == "watch" and p["meets_target"] is False
    direct = one(progs, programme="gf", scope="direct")  # gf's 20 HKD, angel's 30 alongside
    assert (direct["government_committed"], direct["social_committed"]) == (D("20"), D("30"))
    assert direct["target_amplification"] is None and direct["meets_target"] is None


def test_grant_matching_and_programme() -> None:
    book = fund_of_funds_book()
    g = m.grant_matching(book, book.as_of)
    p1, p2 = one(g, company_id="p1"), one(g, company_id="p2")
    assert p1["compliant"] and p1["matching_ratio"] == 2.5
    assert not p2["compliant"] and p2["shortfall"] == D("50")
    p = one(m.programme_metrics(book, book.as_of), programme="gp", scope="scheme")
    assert (p["grants"], p["matching"], p["companies_short"]) == (D("200"), D("400"), 1)
    assert p["short_companies"] == "p2" and p["matching_ratio"] == 2.0


def test_compliance_flags_breaches_first() -> None:
    book = fund_of_funds_book()
    c = m.compliance(book, book.as_of)
    assert c["status"].to_list()[0] == "fail"
    status = {r: s for r, s in zip(c["rule"], c["status"], strict=True)}
    assert status["size"] == "fail"  # 100 USD
    assert status["hk_nexus_of_invested"] == "pass"  # 24 of 40 invested
    assert one(c, rule="hk_nexus_of_invested")["ratio"] == pytest.approx(0.6)
    assert status["hk_nexus_of_size"] == "fail"  # 24 of 100, judged: the period has ended
    assert status["themes"] == "fail" and status["government_share"] == "pass"
    # investment period ended 2026-03-31: production 30 of 100 USD is judged and passes
    assert status["hk_production"] == "pass"
    themes = one(c, rule="themes")
    assert "c2" in themes["detail"] and themes["amount"] == D("125.60")  # 16 USD at 7.85


def test_look_through_exposure() -> None:
    book = fund_of_funds_book()
    t = m.theme_exposure(book, book.as_of, look_through=True, fund_id="gf")
    ai = one(t, theme="ai_robotics")
    # direct c1 cost 20 + 25 % of sfu's 24 USD at 7.85 = 47.10; one company, counted once
    assert ai["holdings"] == 1 and ai["invested"] == D("20") + D("47.10")
    assert ai["fair_value"] == D("20") + D("70.65")  # 25 % of 36 USD
    direct = m.theme_exposure(book, book.as_of, fund_id="gf")
    assert set(direct["theme"]) == {"ai_robotics", "sub_fund"}


def test_explain_ends_with_the_figure() -> None:
    from fundbook.close.explain import stored_at

    book = small_book()
    stored = stored_at(book, AS_OF, ("fund", "holding"))
    row = stored.levels["fund"].filter(pl.col("fund_id") == "sf").row(0, named=True)
    lineage = m.explain(book, stored, AS_OF, "fund", row, "nav")
    last = lineage.row(-1, named=True)
    assert last["kind"] == "result" and last["amount"] == D("410")
    rows = lineage.filter(lineage["kind"] == "row")
    assert rows["source"].to_list()[0] == "transactions.csv:2"
    assert sum(rows["amount"].to_list()) == D("110")  # the cash


def test_dates_outside_the_frames_are_refused() -> None:
    from fundbook.core.errors import FundbookError

    with pytest.raises(FundbookError, match="frames loaded as of"):
        m.fund_metrics(small_book(), date(2022, 1, 1))
    with pytest.raises(FundbookError, match="starts"):
        m.capital_account_statement(small_book(), AS_OF, date(2021, 1, 1))


def test_programme_fund_with_the_guidance_fund_as_member() -> None:
    # The synthetic books' layout: a fund of kind programme; the guidance fund and the
    # sub-funds name it as programme_id. Same money, counted once, target 4x.
    import polars as pl

    book = fund_of_funds_book()
    funds = pl.concat(
        [
            book.funds.with_columns(
                pl.when(pl.col("fund_id").is_in(["gf", "sfu"]))
                .then(pl.lit("prg"))
                .otherwise(pl.col("programme_id"))
                .alias("programme_id")
            ),
            pl.DataFrame(
                [{"fund_id": "prg", "name": "Programme", "kind": "programme", "currency": "HKD"}],
                schema=book.funds.schema,
            ),
        ]
    )
    from dataclasses import replace

    progs = m.programme_metrics(replace(book, funds=funds), book.as_of)
    assert set(progs["programme"]) == {"prg", "gp"}
    p = one(progs, programme="prg", scope="sub_funds")
    assert (p["government_committed"], p["social_committed"]) == (D("196.25"), D("588.75"))
    assert p["member_funds"] == 2 and p["target_amplification"] == 4.0
    direct = one(progs, programme="prg", scope="direct")  # gf's own deal, angel's beside it
    assert (direct["government_committed"], direct["social_committed"]) == (D("20"), D("30"))


def test_two_levels_of_funds_are_valued_bottom_up() -> None:
    from tests.metrics.book import commit, frames_from_rows, mark, txn

    as_of = date(2024, 12, 31)
    book = frames_from_rows(
        as_of,
        {
            "funds": [
                {"fund_id": f, "name": f, "kind": k, "currency": "HKD"}
                for f, k in (("top", "guidance_fund"), ("mid", "sub_fund"), ("leaf", "sub_fund"))
            ],
            "investors": [
                {"investor_id": "gov", "name": "Gov", "kind": "government"},
                {"investor_id": "top-lp", "name": "top", "kind": "government", "fund_id": "top"},
                {"investor_id": "mid-lp", "name": "mid", "kind": "government", "fund_id": "mid"},
                {"investor_id": "soc", "name": "Social", "kind": "social_capital"},
            ],
            "commitments": [
                commit(1, "2024-01-01", "top", "gov", "100.00"),
                commit(2, "2024-01-01", "mid", "top-lp", "100.00"),
                commit(3, "2024-01-01", "leaf", "mid-lp", "50.00"),
                commit(4, "2024-01-01", "leaf", "soc", "50.00"),
            ],
            "transactions": [
                txn(1, "2024-01-02", "top", "contribution", "100.00", investor="gov"),
                txn(2, "2024-01-03", "mid", "contribution", "100.00", investor="top-lp"),
                txn(3, "2024-01-03", "top", "investment", "100.00", holding="mid"),
                txn(4, "2024-01-04", "leaf", "contribution", "80.00", investor="mid-lp"),
                txn(5, "2024-01-04", "leaf", "contribution", "80.00", investor="soc"),
                txn(6, "2024-01-04", "mid", "investment", "80.00", holding="leaf"),
                txn(7, "2024-01-05", "leaf", "investment", "160.00", holding="c1"),
            ],
            "valuations": [mark(1, "2024-12-31", "leaf", "c1", "200.00")],
        },
    )
    funds = {r["fund_id"]: r for r in m.fund_metrics(book, as_of).iter_rows(named=True)}
    # leaf: NAV 200, P&L 40 split 50/50; mid's account 80 + 20 = 100; mid NAV 20 cash + 100;
    # top's account in mid is all of it (120); top NAV 0 cash + 120.
    assert funds["leaf"]["nav"] == D("200")
    assert funds["mid"]["nav"] == D("120")
    assert funds["top"]["nav"] == D("120")

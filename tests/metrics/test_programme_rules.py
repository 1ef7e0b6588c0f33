"""The ITIF programme rules and the statuses of issue 13, on the fund-of-funds book by hand.

gf (HKD) is the guidance fund; its one sub-fund sfu (USD, 100 committed: gf-lp 25, soc 75;
7.85 at the as-of date 2026-06-30) is 785.00 HKD; gf's direct deal in c1 (20, government)
with angel's 30 beside it is its own scope; the grant programme gp pays p1 and p2 100 each.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal as D

import polars as pl
import pytest

from fundbook import metrics as m
from fundbook.metrics.programme_rules import programme_rules
from tests.metrics.book import fund_of_funds_book, txn

AS_OF = date(2026, 6, 30)


def rules(book) -> dict[tuple[str, str], dict]:  # type: ignore[no-untyped-def]
    return {(r["fund_id"], r["rule"]): r for r in m.compliance(book, book.as_of).to_dicts()}


def flag(book, *investors: str):  # type: ignore[no-untyped-def]
    strategic = pl.col("investor_id").is_in(list(investors))
    return replace(book, investors=book.investors.with_columns(strategic.alias("strategic")))


def test_programme_size_is_behind_with_its_shortfall_before_the_period_end() -> None:
    row = rules(fund_of_funds_book())["gf", "programme_size"]
    # the sub-funds only: 100 USD x 7.85 = 785.00 (never gf's direct 20 + angel's 30)
    assert row["amount"] == D("785.00") and row["ratio"] == pytest.approx(785 / 40e9)
    assert row["status"] == "watch"  # gf has no investment period end in the book: not judged
    assert "shortfall 39999999215.00 HKD" in row["detail"]


def test_programme_size_fails_once_the_guidance_fund_period_has_ended() -> None:
    book = fund_of_funds_book()
    ended = pl.when(pl.col("fund_id") == "gf").then(date(2026, 6, 1))
    funds = book.funds.with_columns(
        ended.otherwise(pl.col("investment_period_end")).alias("investment_period_end")
    )
    assert rules(replace(book, funds=funds))["gf", "programme_size"]["status"] == "fail"


def test_government_cap_adds_the_two_scopes_and_says_so() -> None:
    row = rules(fund_of_funds_book())["gf", "government_cap"]
    # gf-lp 25 USD = 196.25 in the sub-funds + gf's own 20 in its direct deal
    assert row["amount"] == D("216.25") and row["status"] == "pass"
    assert "sub-funds 196.25 + direct co-investments 20.00" in row["detail"]


def _gf_ends(book, day: date):  # type: ignore[no-untyped-def]
    """The book with gf's investment period (the programme's fund-raising) ending on `day`."""
    ends = pl.when(pl.col("fund_id") == "gf").then(day).otherwise(pl.col("investment_period_end"))
    return replace(book, funds=book.funds.with_columns(ends.alias("investment_period_end")))


def test_a_strategic_investor_under_three_billion_fails_once_committed() -> None:
    """A strategic investor's commitment is made when it is admitted: below HK$3bn is a breach
    (issue 13), whatever the programme's fund-raising date; before its first commitment there
    is nothing to judge."""
    book = flag(fund_of_funds_book(), "soc")
    row = rules(book)["gf", "strategic_investor"]
    assert row["status"] == "fail" and row["amount"] == D("588.75")  # 75 USD x 7.85
    assert row["detail"] == "below: soc 588.75 HKD"
    assert rules(_gf_ends(book, date(2027, 12, 31)))["gf", "strategic_investor"]["status"] == (
        "fail"
    )
    not_soc = pl.col("investor_id").fill_null("") != "soc"
    early = replace(
        book,
        commitments=book.commitments.filter(not_soc),
        transactions=book.transactions.filter(not_soc),
    )
    before = rules(early)["gf", "strategic_investor"]
    assert (before["status"], before["detail"]) == (
        "pending",
        "no strategic investor has committed yet",
    )
    # nobody flagged: nothing to judge
    assert rules(fund_of_funds_book())["gf", "strategic_investor"]["status"] == "pending"


def test_a_strategic_investor_is_counted_across_the_sub_funds_only() -> None:
    # angel's 30 beside gf's direct deal is not a commitment to a sub-fund: 0 counted
    row = rules(flag(fund_of_funds_book(), "angel"))["gf", "strategic_investor"]
    assert row["amount"] == D("0.00") and row["detail"] == "below: angel 0.00 HKD"
    assert row["status"] == "fail"


def test_grant_cap_flags_a_company_over_250k() -> None:
    book = fund_of_funds_book()
    assert rules(book)["gp", "grant_cap"]["status"] == "pass"
    more = txn(99, "2026-04-01", "gp", "grant", "250000.00", holding="p1")
    extra = pl.DataFrame([more], schema=book.transactions.schema)
    over = replace(book, transactions=pl.concat([book.transactions, extra]))
    row = rules(over)["gp", "grant_cap"]
    assert row["status"] == "fail" and row["amount"] == D("250100.00")
    assert row["detail"] == "over the cap: p1 250100.00 HKD"
    assert [r["fund_id"] for r in programme_rules(over, AS_OF).to_dicts()].count("gp") == 1


def test_hk_nexus_pace_is_watch_before_the_period_end_and_fail_after() -> None:
    book = fund_of_funds_book()
    companies = book.companies.with_columns(pl.lit(False).alias("hk_nexus"))
    no_nexus = replace(book, companies=companies)
    # sfu's investment period ended 2026-03-31: judged, 0 of 40 invested: fail
    assert rules(no_nexus)["sfu", "hk_nexus_of_invested"]["status"] == "fail"
    later = no_nexus.funds.with_columns(
        pl.when(pl.col("fund_id") == "sfu")
        .then(date(2030, 12, 31))
        .otherwise(pl.col("investment_period_end"))
        .alias("investment_period_end")
    )
    open_period = rules(replace(no_nexus, funds=later))
    assert open_period["sfu", "hk_nexus_of_invested"]["status"] == "watch"
    # sfu's period 2026-01-01 (its first commitment) to 2030-12-31: 180 of 1825 days elapsed
    # at 2026-06-30 (9.86 %); HK nexus of size 0 % < 50 % x 9.86 % = 4.9 %: behind pace
    nexus = open_period["sfu", "hk_nexus_of_size"]
    assert nexus["status"] == "watch"
    assert "pace: 4.9 % expected by now (9.9 % of the period elapsed)" in nexus["detail"]
    # HK production 30 of 100 USD = 30 % >= 25 % x 9.86 % = 2.5 %: on pace, not judged yet
    assert open_period["sfu", "hk_production"]["status"] == "pending"


def test_the_pace_rule_on_hk_production_before_the_period_end() -> None:
    """HK production spend against 25 % x the elapsed share of the investment period: below
    it `watch`, at or above it `pending` (judged only at the end: `pass` or `fail` then)."""
    book = fund_of_funds_book()

    def status(spend: str, end: date) -> str:
        txns = book.transactions.with_columns(
            pl.when(pl.col("type") == "hk_production_spend")
            .then(pl.lit(D(spend)).cast(book.transactions.schema["amount_fund"]))
            .otherwise(pl.col("amount_fund"))
            .alias("amount_fund")
        )
        ends = (
            pl.when(pl.col("fund_id") == "sfu").then(end).otherwise(pl.col("investment_period_end"))
        )
        funds = book.funds.with_columns(ends.alias("investment_period_end"))
        return rules(replace(book, transactions=txns, funds=funds))["sfu", "hk_production"][
            "status"
        ]

    # 2026-01-01 to 2026-12-31: 180 of 364 days at 2026-06-30, pace 25 % x 49.45 % = 12.36 %
    assert status("12.00", date(2026, 12, 31)) == "watch"  # 12 % of 100 USD: behind
    assert status("12.50", date(2026, 12, 31)) == "pending"  # 12.5 %: on pace
    assert status("12.00", date(2026, 3, 31)) == "fail"  # the period has ended: judged
    assert status("25.00", date(2026, 3, 31)) == "pass"


def test_statuses_come_failures_first() -> None:
    order = {"fail": 0, "watch": 1, "pending": 2, "pass": 3}
    statuses = m.compliance(fund_of_funds_book(), AS_OF)["status"].to_list()
    assert [order[s] for s in statuses] == sorted(order[s] for s in statuses)
    assert set(statuses) <= set(order)

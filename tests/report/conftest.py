"""Fixtures of the report tests: a small hand-made snapshot (two LPs, two holdings), no database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import polars as pl
import pytest
from report_kit import XSS_NAME

from fundbook.close.snapshot import STATEMENT_LINES, CloseInfo, Snapshot
from fundbook.report.source import ReportSource

MONEY = pl.Decimal(38, 2)


def _statement_rows() -> list[dict]:
    out = []
    for basis, start in (
        ("QTD", dt.date(2026, 7, 1)),
        ("YTD", dt.date(2026, 1, 1)),
        ("ITD", dt.date(2025, 1, 1)),
    ):
        for inv, scale in (("lp-a", D("0.6")), ("lp-b", D("0.4")), (None, D(1))):
            base = {
                "beginning_nav": D("1000000.00"),
                "contributions": D("500000.00"),
                "distributions": D("100000.00"),
                "management_fees": D("20000.00"),
                "fee_offsets": D(0),
                "partnership_expenses": D("5000.00"),
                "income": D("3000.00"),
                "other_income_expense": D(0),
                "realised_gain": D("7000.00"),
                "unrealised_gain_change": D("14000.00"),
                "fx_translation": D("1000.00"),
                "carry_paid": D(0),
                "carry_accrued_change": D(0),
                "carry_accrued_balance": D(0),
                "commitment": D("5000000.00"),
                "beginning_unfunded": D("4500000.00"),
                "unfunded_contributions": D("500000.00"),
                "recallable_distributions": D(0),
            }
            base["ending_nav"] = D("1400000.00")
            base["ending_unfunded"] = D("4000000.00")
            row = {k: (v * scale).quantize(D("0.01")) for k, v in base.items()}
            out.append(
                {
                    "basis": basis,
                    "start_date": start,
                    "end_date": dt.date(2026, 9, 30),
                    "fund_id": "f1",
                    "investor_id": inv,
                    **{k: row[k] for k in STATEMENT_LINES},
                }
            )
    return out


def make_source(closed: bool = True) -> ReportSource:
    info = CloseInfo(
        7,
        "2026-09",
        "2026Q3",
        dt.date(2026, 9, 1),
        dt.date(2026, 9, 30),
        "closed",
        dt.datetime(2026, 10, 5, 9, 30),
        "tester",
        False,
        [],
        [],
        100,
        "c" * 64,
        None,
    )
    money = {
        "committed": MONEY,
        "paid_in": MONEY,
        "unfunded": MONEY,
        "distributed": MONEY,
        "nav": MONEY,
    }
    fund = pl.DataFrame(
        {
            "fund_id": ["f1"],
            "committed": [D("5000000")],
            "paid_in": [D("2000000")],
            "unfunded": [D("3000000")],
            "distributed": [D("250000")],
            "nav": [D("1400000")],
            "net_irr": [0.0812],
            "gross_irr": [0.1023],
            "tvpi": [0.825],
            "dpi": [0.125],
            "rvpi": [0.7],
        },
        schema_overrides=money,
    )
    investor = pl.DataFrame(
        {
            "fund_id": ["f1", "f1"],
            "investor_id": ["lp-a", "lp-b"],
            "committed": [D("3000000"), D("2000000")],
            "paid_in": [D("1200000"), D("800000")],
            "unfunded": [D("1800000"), D("1200000")],
            "distributed": [D("150000"), D("100000")],
            "nav": [D("840000"), D("560000")],
            "net_irr": [0.0812, None],
            "tvpi": [0.825, 0.825],
            "dpi": [0.125, 0.125],
            "rvpi": [0.7, 0.7],
            "pic_multiple": [0.4, 0.4],
        },
        schema_overrides=money,
    )
    holding = pl.DataFrame(
        {
            "fund_id": ["f1", "f1"],
            "holding_id": ["c1", "c2"],
            "invested": [D("900000"), D("600000")],
            "proceeds": [D(0), D("50000")],
            "income": [D(0), D("3000")],
            "fair_value": [D("950000.55"), D("420000")],
            "moic": [1.0561, 0.7883],
            "gross_irr": [0.03, -0.2],
            "rank": [1, 2],
            "share_of_fair_value": [950000.55 / 1370000.55, 420000 / 1370000.55],
            "cumulative_share_of_fair_value": [950000.55 / 1370000.55, 1.0],
            "realisation": ["unrealised", "partially realised"],
        },
        schema_overrides={k: MONEY for k in ("invested", "proceeds", "income", "fair_value")},
    )
    entity = pl.DataFrame(
        {
            "entity_id": ["f1", "lp-a", "lp-b", "c1", "c2"],
            "name": [
                "Harbour Deep Tech Fund I",
                "Alpha Pension Trust",
                "香港科技創投有限公司",
                XSS_NAME,
                "Kowloon Bio Ltd",
            ],
            "kind": ["sub_fund", "social_capital", "social_capital", "company", "company"],
            "currency": ["HKD", None, None, None, None],
            "theme": [None, None, None, "ai_robotics", "life_health"],
        }
    )
    flow = pl.DataFrame(
        {
            "fund_id": ["f1", "f1"],
            "investor_id": ["lp-a", "lp-b"],
            "txn_id": ["t1", "t2"],
            "date": [dt.date(2026, 8, 3)] * 2,
            "type": ["contribution"] * 2,
            "amount": [D("300000"), D("200000")],
        },
        schema_overrides={"amount": MONEY},
    )
    statements = pl.DataFrame(_statement_rows()).with_columns(
        [pl.col(c).cast(MONEY) for c in STATEMENT_LINES]
    )
    levels = {
        "fund": fund,
        "investor": investor,
        "holding": holding,
        "entity": entity,
        "flow": flow,
    }
    return ReportSource(Snapshot(info, levels, statements), closed)


@pytest.fixture
def tiny_source():
    """A factory: tiny_source(closed=True) -> ReportSource."""
    return make_source

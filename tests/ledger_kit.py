"""A small valid book written inline, for tests of every layer."""

from __future__ import annotations

from pathlib import Path

HEADERS = {
    "funds": "fund_id,name,kind,currency,vintage,manager,programme_id,investment_period_end",
    "investors": "investor_id,name,kind,fund_id",
    "companies": "company_id,name,theme,hk_nexus,country",
    "commitments": "fund_id,investor_id,date,amount,currency",
    "transactions": "txn_id,date,fund_id,type,investor_id,holding_id,amount,currency,memo",
    "valuations": "date,fund_id,holding_id,fair_value,currency",
    "fx_rates": "date,currency,hkd_per_unit",
    "terms": "fund_id,equalisation_rate",
    "investor_terms": "fund_id,investor_id,fee_discount_pct,carry_exempt",
    "gp_statements": (
        "statement_date,fund_id,holding_id,nav,currency,received_date,contributions_itd,"
        "distributions_itd,fees_itd,carry_accrued"
    ),
    "gp_holdings": "statement_date,fund_id,holding_id,company_id,cost,fair_value,currency",
}

SMALL_BOOK = {
    "funds": [
        "gf,Guidance Fund,guidance_fund,HKD,2026,ITC,,",
        "sf1,Sub-fund One,sub_fund,HKD,2026,Alpha GP,gf,2031-03-31",
        "sf2,Sub-fund Two,sub_fund,USD,2026,Beta GP,gf,2031-06-30",
    ],
    "investors": [
        "gov,Government,government,",
        "gf-lp,Guidance Fund as LP,government,gf",
        "pen,Pension Fund,social_capital,",
        'ins,"Insurer, Ltd",social_capital,',
    ],
    "companies": [
        "c1,Alpha Robotics,ai_robotics,true,HK",
        "c2,Beta Chips,semiconductors_smart_devices,false,SG",
    ],
    "commitments": [
        "gf,gov,2026-01-01,1000.00,HKD",
        "sf1,gf-lp,2026-01-01,250.00,HKD",
        "sf1,pen,2026-01-01,750.00,HKD",
        "sf2,ins,2026-01-01,100.00,USD",
    ],
    "transactions": [
        "t1,2026-01-10,gf,contribution,gov,,100.00,HKD,first call",
        "t2,2026-01-10,sf1,contribution,gf-lp,,50.00,HKD,",
        "t3,2026-01-10,sf1,contribution,pen,,150.00,HKD,",
        "t4,2026-01-10,gf,investment,,sf1,50.00,HKD,",
        "t5,2026-02-01,sf1,investment,,c1,120.00,HKD,",
        't6,2026-02-01,sf1,fee,,,5.00,HKD,"fee, Q1"',
        "t7,2026-03-01,sf2,contribution,ins,,40.00,USD,",
        "t8,2026-03-02,sf2,investment,,c2,30.00,USD,",
        "t9,2026-03-05,sf1,co_investment,pen,c1,60.00,HKD,alongside",
    ],
    "valuations": [
        "2026-03-31,sf1,c1,150.00,HKD",
        "2026-03-31,sf2,c2,28.00,USD",
    ],
    "fx_rates": [
        "2025-12-31,USD,7.80",
        "2026-03-01,USD,7.81",
    ],
}


def write_book(
    root: Path, book: dict[str, list[str]] | None = None, **overrides: list[str]
) -> Path:
    """Write a ledger directory: the small book, with some files replaced by `overrides`."""
    root.mkdir(parents=True, exist_ok=True)
    files = dict(book or SMALL_BOOK)
    files.update(overrides)
    for name, rows in files.items():
        text = "\n".join([HEADERS[name], *rows]) + "\n"
        (root / f"{name}.csv").write_text(text, encoding="utf-8")
    return root

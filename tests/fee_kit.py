"""docs/methods.md's worked fee schedule as a ledger: fund F with its terms, a later closing, a
side letter, portfolio fees, its net invested capital from an investment, and booked fees
that match the schedule but for one over-billing of 10,000.00 in 2025Q3."""

from __future__ import annotations

from pathlib import Path

from ledger_kit import write_book

TERMS_HEADER = (
    "fund_id,fee_rate_investment_period,fee_basis_investment_period,fee_rate_after,"
    "fee_basis_after,fee_timing,fee_offset_pct,gp_investor_id,fee_tolerance"
)
TERMS = "F,0.02,commitment,0.015,net_invested_capital,quarterly_advance,0.8,GP,"
OVER_BILLED = "10000.00"  # 2025Q3: 216,875.00 booked for 206,875.00 computed

FEE_BOOK = {
    "funds": ["F,Fund F,sub_fund,HKD,2025,F GP Ltd,,2025-08-15"],
    "investors": [
        "A,Partner A,social_capital,",
        "B,Partner B,social_capital,",
        "GP,F GP,social_capital,",
    ],
    "companies": ["c1,Alpha Robotics,ai_robotics,true,HK"],
    "commitments": [
        "F,A,2025-02-15,100000000.00,HKD",
        "F,GP,2025-02-15,2000000.00,HKD",
        "F,B,2025-05-01,40000000.00,HKD",
    ],
    "transactions": [
        "t1,2025-02-15,F,contribution,A,,1000000.00,HKD,",
        "t2,2025-02-15,F,fee,,,250000.00,HKD,2025Q1 fee",
        "t3,2025-04-01,F,fee,,,500000.00,HKD,2025Q2 fee",
        "t4,2025-05-01,F,fee,B,,225000.00,HKD,B's fee from the first closing",
        "t5,2025-05-10,F,contribution,A,,75000000.00,HKD,",
        "t6,2025-05-10,F,contribution,B,,30000000.00,HKD,",
        "t7,2025-05-10,F,contribution,GP,,1500000.00,HKD,",
        "t8,2025-05-15,F,investment,,c1,71000000.00,HKD,",
        "t9,2025-05-20,F,portfolio_fee,,c1,300000.00,HKD,transaction fee to the GP",
        "t10,2025-07-01,F,fee,,,216875.00,HKD,2025Q3 fee (over-billed)",
        "t11,2025-09-10,F,portfolio_fee,,c1,1000000.00,HKD,directors' fees to the GP",
    ],
    "valuations": [
        "2025-06-30,F,c1,71000000.00,HKD",
        "2025-09-30,F,c1,71000000.00,HKD",
        "2025-12-31,F,c1,80000000.00,HKD",
    ],
    "fx_rates": [],
    "investor_terms": ["F,B,0.25,"],
}


def write_fee_book(root: Path, terms: str = TERMS) -> Path:
    """The ledger directory of fund F (terms.csv with its fee columns)."""
    write_book(root, FEE_BOOK)
    (root / "terms.csv").write_text(f"{TERMS_HEADER}\n{terms}\n", encoding="utf-8")
    return root

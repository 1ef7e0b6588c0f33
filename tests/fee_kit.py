"""docs/methods.md's worked fee schedule as a ledger: fund F with its terms, a later closing, a
side letter, portfolio fees, its net invested capital from an investment, and booked fees
that match the schedule but for one over-billing of 10,000.00 in 2025Q3."""

from __future__ import annotations

import csv
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


def write_fee_book(root: Path, terms: str = TERMS, **overrides: list[str]) -> Path:
    """The ledger directory of fund F (terms.csv with its fee columns), with some files
    replaced by `overrides`."""
    write_book(root, FEE_BOOK, **overrides)
    (root / "terms.csv").write_text(f"{TERMS_HEADER}\n{terms}\n", encoding="utf-8")
    return root


def with_fee_terms(ledger: Path, fund_id: str = "itvf") -> Path:
    """`ledger` (a copy of the demo's) with a management fee of 2 % on commitment for
    `fund_id` in its terms.csv, unless the fund already has fee terms there: so that a close
    of the demo stores a fee check (its `fee_check` level) whatever terms the demo books."""
    path = ledger / "terms.csv"
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        columns = list(reader.fieldnames or ["fund_id"])
        rows = list(reader)
    fee = {
        "fee_rate_investment_period": "0.02",
        "fee_basis_investment_period": "commitment",
        "fee_timing": "quarterly_advance",
    }
    mine = [r for r in rows if r["fund_id"] == fund_id]
    if mine and (mine[0].get("fee_rate_investment_period") or mine[0].get("fee_rate_after")):
        return ledger
    columns += [c for c in fee if c not in columns]
    if not mine:
        rows.append({"fund_id": fund_id})
        mine = rows[-1:]
    mine[0].update(fee)
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, columns, restval="", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return ledger

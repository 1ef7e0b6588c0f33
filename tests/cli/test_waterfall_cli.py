"""`fundbook waterfall` on docs/methods.md's worked waterfalls booked as ledgers: the same
figures to the cent as the pure tests (tests/metrics/test_waterfall.py)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from fundbook.cli import cli
from ledger_kit import write_book

TERMS = "fund_id,carry_pct,hurdle_rate,catch_up_pct,waterfall,gp_investor_id"
START, SALE = "2021-01-04", "2024-01-04"  # 1,095 days: three years exactly
FUND = "F,Fund F,sub_fund,HKD,2021,F GP,,2026-01-04"
# European: LP1 60m, LP2 30m, the GP 10m called for one deal d
EUROPEAN = {
    "funds": [FUND],
    "investors": [f"{i},{i},social_capital," for i in ("LP1", "LP2", "GP")],
    "companies": ["d,Deal d,ai_robotics,true,HK"],
    "commitments": [
        f"F,{i},{START},{a}0000000.00,HKD" for i, a in (("LP1", 6), ("LP2", 3), ("GP", 1))
    ],
    "transactions": [
        f"c1,{START},F,contribution,LP1,,60000000.00,HKD,",
        f"c2,{START},F,contribution,LP2,,30000000.00,HKD,",
        f"c3,{START},F,contribution,GP,,10000000.00,HKD,",
        f"i1,{START},F,investment,,d,100000000.00,HKD,",
    ],
    "valuations": [],
    "fx_rates": [],
}  # fmt: skip
# the 200m distributed: 120, 60 and 20 million before carry, the GP's carry paid out of the
# LPs' shares (`carry` rows naming the LP it comes out of)
SOLD = [
    f"p1,{SALE},F,proceeds,,d,200000000.00,HKD,sold at 2x",
    f"x1,{SALE},F,distribution,LP1,,108000000.00,HKD,after carry",
    f"k1,{SALE},F,carry,LP1,,12000000.00,HKD,carried interest out of LP1's 120m",
    f"x2,{SALE},F,distribution,LP2,,54000000.00,HKD,after carry",
    f"k2,{SALE},F,carry,LP2,,6000000.00,HKD,carried interest out of LP2's 60m",
    f"x3,{SALE},F,distribution,GP,,20000000.00,HKD,no carry",
]
# American: L puts 50m in each of deals A and B (the calls name their deal); A sold at 2x.
# The GP's own commitment (terms need one) invests beside L, a quarter of L's amounts, so that
# L's share of the fund's P&L is 80 % and its flows and NAV are those of docs/methods.md.
AMERICAN = {
    "funds": [FUND],
    "investors": ["L,Partner L,social_capital,", "GP,F GP,social_capital,"],
    "companies": ["A,Deal A,ai_robotics,true,HK", "B,Deal B,life_health,true,HK"],
    "commitments": [f"F,L,{START},100000000.00,HKD", f"F,GP,{START},25000000.00,HKD"],
    "transactions": [
        f"c1,{START},F,contribution,L,A,50000000.00,HKD,for deal A",
        f"c2,{START},F,contribution,L,B,50000000.00,HKD,for deal B",
        f"c3,{START},F,contribution,GP,A,12500000.00,HKD,for deal A",
        f"c4,{START},F,contribution,GP,B,12500000.00,HKD,for deal B",
        f"i1,{START},F,investment,,A,62500000.00,HKD,",
        f"i2,{START},F,investment,,B,62500000.00,HKD,",
        "p1,2022-01-04,F,proceeds,,A,125000000.00,HKD,",
        "x1,2022-01-04,F,distribution,L,A,90000000.00,HKD,proceeds of A after carry",
        "k1,2022-01-04,F,carry,L,A,10000000.00,HKD,carried interest on deal A",
        "x2,2022-01-04,F,distribution,GP,A,25000000.00,HKD,proceeds of A",
    ],
    "valuations": ["2022-01-04,F,A,0.00,HKD", f"{SALE},F,B,12500000.00,HKD"],
    "fx_rates": [],
}  # fmt: skip


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def book(tmp_path: Path, files: dict[str, list[str]], terms: str) -> Path:
    root = write_book(tmp_path / "ledger", files)
    (root / "terms.csv").write_text(f"{TERMS}\n{terms}\n", encoding="utf-8")
    db = tmp_path / "book.duckdb"
    result = run("import", str(root), "--db", str(db), "--quiet")
    assert result.exit_code == 0, result.output
    return db


def records(db: Path, as_of: str = SALE) -> dict[str | None, dict[str, Any]]:
    result = run("waterfall", "--fund", "F", "--as-of", as_of, "--db", str(db), "--format", "json")
    assert result.exit_code == 0, result.output
    return {r["investor_id"]: r for r in json.loads(result.output)}


@pytest.fixture
def european_sold(tmp_path: Path) -> Path:
    files = {**EUROPEAN, "transactions": [*EUROPEAN["transactions"], *SOLD]}
    files["valuations"] = [f"{SALE},F,d,0.00,HKD"]
    return book(tmp_path, files, "F,0.2,0.08,1,european,GP")


def test_european_sold_at_2x_gives_the_gp_20_percent_of_the_lps_profit(european_sold: Path) -> None:
    r = records(european_sold)
    lp1, lp2, gp, total = r["LP1"], r["LP2"], r["GP"], r[None]
    assert (lp1["return_of_capital"], lp1["preferred_return"]) == ("60000000.00", "15582720.00")
    assert (lp1["catch_up"], lp1["catch_up_to_gp"]) == ("3895680.00", "3895680.00")
    assert (lp1["split"], lp1["split_to_gp"]) == ("40521600.00", "8104320.00")
    assert lp1["carry_paid"] == "12000000.00"
    assert (lp2["preferred_return"], lp2["catch_up"]) == ("7791360.00", "1947840.00")
    assert (lp2["split"], lp2["split_to_gp"], lp2["carry_paid"]) == (
        "20260800.00",
        "4052160.00",
        "6000000.00",
    )
    assert (gp["bears_carry"], gp["preferred_return"], gp["split"], gp["carry_paid"]) == (
        False,
        "2597120.00",
        "7402880.00",
        "0.00",
    )
    assert (total["carry_paid"], total["accrued_carry"], total["nav"]) == (
        "18000000.00",
        "0.00",
        "0.00",
    )
    assert (total["waterfall"], total["carry_pct"], total["hurdle_rate"]) == ("european", 0.2, 0.08)


def test_european_valued_at_2x_accrues_the_same_carry(tmp_path: Path) -> None:
    files = {**EUROPEAN, "valuations": [f"{SALE},F,d,200000000.00,HKD"]}
    r = records(book(tmp_path, files, "F,0.2,0.08,1,european,GP"))
    assert {i: (x["nav"], x["accrued_carry"], x["nav_net"]) for i, x in r.items()} == {
        "LP1": ("120000000.00", "12000000.00", "108000000.00"),
        "LP2": ("60000000.00", "6000000.00", "54000000.00"),
        "GP": ("20000000.00", "0.00", "20000000.00"),
        None: ("200000000.00", "18000000.00", "182000000.00"),
    }
    assert (r["LP1"]["liquidation_preferred_return"], r["LP1"]["liquidation_split_to_gp"]) == (
        "15582720.00",
        "8104320.00",
    )
    assert r["LP1"]["carry_paid"] == "0.00"


def test_american_with_a_clawback(tmp_path: Path) -> None:
    r = records(book(tmp_path, AMERICAN, "F,0.2,0.08,1,american,GP"))
    lp = r["L"]
    assert (lp["carry_paid"], lp["whole_fund_carry"], lp["carry_entitlement"]) == (
        "10000000.00",
        "668800.00",
        "668800.00",
    )
    assert (lp["clawback_exposure"], lp["accrued_carry"], lp["nav_net"]) == (
        "9331200.00",
        "-9331200.00",
        "19331200.00",
    )
    assert (lp["catch_up"], lp["split"], lp["split_to_gp"]) == (
        "1000000.00",
        "45000000.00",
        "9000000.00",
    )
    assert lp["liquidation_return_of_capital"] == "10000000.00"


def test_table_has_the_terms_line_and_a_column_per_partner(european_sold: Path) -> None:
    result = run("waterfall", "--fund", "F", "--as-of", SALE, "--db", str(european_sold))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == (
        "F as of 2024-01-04: european waterfall, carry 20.00% over a 8.00% hurdle, "
        "catch-up 100.00%, carry to GP"
    )
    assert lines[1].split() == ["figure", "GP", "LP1", "LP2", "total"]
    carry = next(line for line in lines if line.startswith("carry_paid "))
    assert carry.split() == ["carry_paid", "0.00", "12,000,000.00", "6,000,000.00", "18,000,000.00"]


def test_csv_has_one_record_per_partner_and_the_total(european_sold: Path) -> None:
    args = ("waterfall", "--fund", "F", "--as-of", SALE, "--db", str(european_sold))
    result = run(*args, "--format", "csv")
    assert result.exit_code == 0, result.output
    header, *rows = result.output.splitlines()
    assert header.startswith("fund_id,as_of,waterfall,carry_pct,hurdle_rate,catch_up_pct,")
    assert [r.split(",")[7] for r in rows] == ["GP", "LP1", "LP2", ""]
    assert Decimal(rows[-1].split(",")[header.split(",").index("carry_paid")]) == Decimal(18000000)


def test_unknown_fund_and_fund_without_carry_terms(tmp_path: Path) -> None:
    db = book(tmp_path, EUROPEAN, "F,,,,,")
    for fund, message in (
        ("Z", "Error: unknown fund 'Z'"),
        ("F", "Error: no carry terms for fund F"),
    ):
        result = run("waterfall", "--fund", fund, "--as-of", SALE, "--db", str(db))
        assert result.exit_code != 0
        assert message in result.output

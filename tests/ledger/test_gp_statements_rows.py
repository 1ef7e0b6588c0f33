"""gp_statements.csv and gp_holdings.csv (issue 13): each rule's exact `file:line: message`."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from gp_kit import GP_BOOK, gp_book

from fundbook.ledger import read_book

STATEMENTS = GP_BOOK["gp_statements"]
HOLDINGS = GP_BOOK["gp_holdings"]


def problems(tmp_path: Path, **overrides: list[str]) -> list[str]:
    root = gp_book(tmp_path / "book", **overrides)
    _, errors = read_book(root)
    return [str(e).replace(f"{root}/", "") for e in errors]


def test_the_gp_book_reads_typed(tmp_path: Path) -> None:
    assert problems(tmp_path) == []
    book, _ = read_book(tmp_path / "book")
    row = book.rows["gp_statements"].row(0, named=True)
    assert (row["nav"], row["fees_itd"], row["carry_accrued"]) == (
        Decimal("38.00"),
        Decimal("1.50"),
        None,
    )
    assert str(row["received_date"]) == "2026-05-20"
    assert book.rows["gp_holdings"].height == 2


def test_the_files_are_optional(tmp_path: Path) -> None:
    root = gp_book(tmp_path / "book")
    (root / "gp_statements.csv").unlink()
    (root / "gp_holdings.csv").unlink()
    assert read_book(root)[1] == []


CASES = [
    (
        "received before made up",
        {"gp_statements": ["2026-03-31,gf,sf3,38.00,HKD,2026-03-30,,,,"]},
        "gp_statements.csv:2: received_date '2026-03-30' is before statement_date '2026-03-31' "
        "(a statement is received after the date it is made up to)",
    ),
    (
        "bad date",
        {"gp_statements": ["2026-02-30,gf,sf3,38.00,HKD,2026-05-20,,,,"]},
        "gp_statements.csv:2: bad date '2026-02-30' in column statement_date (expected a real "
        "date YYYY-MM-DD)",
    ),
    (
        "negative nav",
        {"gp_statements": ["2026-03-31,gf,sf3,-38.00,HKD,2026-05-20,,,,"]},
        "gp_statements.csv:2: nav '-38.00' is negative; a GP statement's amounts are zero or more",
    ),
    (
        "unknown holder",
        {"gp_statements": ["2026-03-31,zz,sf3,38.00,HKD,2026-05-20,,,,"]},
        "gp_statements.csv:2: unknown fund_id 'zz' (not in funds.csv)",
    ),
    (
        "a company is no sub-fund",
        {"gp_statements": ["2026-03-31,gf,c1,38.00,HKD,2026-05-20,,,,"], "gp_holdings": []},
        "gp_statements.csv:2: unknown sub-fund holding_id 'c1' (not in funds.csv)",
    ),
    (
        "not the sub-fund's currency",
        {"gp_statements": [*STATEMENTS, "2026-03-31,gf,sf2,38.00,HKD,2026-05-20,,,,"]},
        "gp_statements.csv:5: currency 'HKD' is not the currency of sub-fund sf2 (USD): a GP "
        "reports in its fund's currency",
    ),
    (
        "duplicate",
        {"gp_statements": [*STATEMENTS, "2026-03-31,gf,sf3,39.00,HKD,2026-05-21,,,,"]},
        "gp_statements.csv:5: duplicate statement_date, fund_id, holding_id "
        "'2026-03-31, gf, sf3' (first at line 2)",
    ),
    (
        "holding without its statement",
        {"gp_holdings": [*HOLDINGS, "2026-06-30,gf,sf1,c1,10.00,12.00,HKD"]},
        "gp_holdings.csv:4: no GP statement of sub-fund sf1 for gf dated 2026-06-30 in "
        "gp_statements.csv (a schedule of investments belongs to a statement)",
    ),
    (
        "unknown company",
        {"gp_holdings": [*HOLDINGS, "2026-03-31,gf,sf3,c9,10.00,12.00,HKD"]},
        "gp_holdings.csv:4: unknown company_id 'c9' (not in companies.csv)",
    ),
    (
        "three places",
        {"gp_holdings": ["2026-03-31,gf,sf3,c1,100.001,120.00,HKD"]},
        "gp_holdings.csv:2: cost '100.001' has more than 2 decimal places",
    ),
    (
        "a holder that does not hold the sub-fund",
        # gf holds sf3 (investments) and sf1 (gf-lp's commitment); sf2 neither
        {"gp_statements": [*STATEMENTS, "2026-03-31,gf,sf2,38.00,USD,2026-05-20,,,,"]},
        "gp_statements.csv:5: fund gf does not hold sub-fund sf2 (no investment of gf in it "
        "in transactions.csv, no commitment to it by gf's LP investor in commitments.csv)",
    ),
    (
        "a held fund that is no sub-fund",
        {"gp_statements": [*STATEMENTS, "2026-03-31,sf1,gf,38.00,HKD,2026-05-20,,,,"]},
        "gp_statements.csv:5: holding_id gf is a fund of kind guidance_fund: a GP statement is "
        "of a sub-fund (kind sub_fund)",
    ),
    (
        "a grant programme holds no sub-fund",
        {
            "funds": [*GP_BOOK["funds"], "gp1,Grant Programme,programme,HKD,2026,ITC,,"],
            "gp_statements": [*STATEMENTS, "2026-03-31,gp1,sf3,38.00,HKD,2026-05-20,,,,"],
        },
        "gp_statements.csv:5: fund_id gp1 is a grant programme (kind programme): it holds no "
        "sub-fund",
    ),
    (
        "dated before the vintage",
        {"gp_statements": [*STATEMENTS, "2025-12-31,gf,sf3,38.00,HKD,2026-02-20,,,,"]},
        "gp_statements.csv:5: statement_date 2025-12-31 is before sub-fund sf3's vintage year 2026",
    ),
    (
        "a sub-fund's valuation source",
        {"terms": ["sf3,gp"]},
        "terms.csv:2: unknown valuation_source 'gp' (expected ledger | gp_statement)",
    ),
]


@pytest.mark.parametrize(
    ("overrides", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_each_rule_names_its_line(
    tmp_path: Path, overrides: dict[str, list[str]], message: str
) -> None:
    if "terms" in overrides:  # a terms file with the issue-13 columns
        root = gp_book(tmp_path / "book")
        (root / "terms.csv").write_text(
            "fund_id,valuation_source\n" + "\n".join(overrides["terms"]) + "\n", encoding="utf-8"
        )
        _, errors = read_book(root)
        found = [str(e).replace(f"{root}/", "") for e in errors]
    else:
        found = problems(tmp_path, **overrides)
    assert message in found, found

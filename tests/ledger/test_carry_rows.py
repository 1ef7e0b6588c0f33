"""`carry` rows (carried interest paid to the GP out of a partner's distributions): each
rule's exact `file:line: message`, and well-formed rows accepted."""

from __future__ import annotations

from pathlib import Path

from fundbook.ledger import read_book
from ledger_kit import SMALL_BOOK, write_book

TERMS = (
    "fund_id,equalisation_rate,fee_rate_investment_period,fee_basis_investment_period,"
    "fee_rate_after,fee_basis_after,fee_timing,fee_offset_pct,carry_pct,hurdle_rate,"
    "catch_up_pct,waterfall,gp_investor_id,fee_tolerance"
)
SF1_CARRY = "sf1,,,,,,,,0.2,0.08,1,european,pen,"
SIDE = "fund_id,investor_id,fee_discount_pct,carry_exempt"


def problems(tmp_path: Path, *rows: str, side: str | None = None) -> list[str]:
    root = write_book(tmp_path / "book", transactions=[*SMALL_BOOK["transactions"], *rows])
    (root / "terms.csv").write_text(f"{TERMS}\n{SF1_CARRY}\n", encoding="utf-8")
    if side is not None:
        (root / "investor_terms.csv").write_text(f"{SIDE}\n{side}\n", encoding="utf-8")
    _, errors = read_book(root)
    return [str(e).replace(f"{root}/", "") for e in errors]


def test_a_book_without_carry_rows_is_valid(tmp_path: Path) -> None:
    assert problems(tmp_path) == []


def test_a_carry_row_naming_the_partner_that_bears_it_is_accepted(tmp_path: Path) -> None:
    # out of gf-lp's distributions; the second names the deal it was earned on (American)
    assert (
        problems(
            tmp_path,
            "t10,2026-03-10,sf1,carry,gf-lp,,1.00,HKD,carry out of gf-lp's distribution",
            "t11,2026-03-10,sf1,carry,gf-lp,c1,1.00,HKD,carry on deal c1",
        )
        == []
    )


def test_carry_row_rules(tmp_path: Path) -> None:
    assert problems(
        tmp_path,
        "t10,2026-03-10,sf1,carry,pen,,1.00,HKD,the GP's own commitment",
        "t11,2026-03-10,sf2,carry,ins,,1.00,USD,no carry terms",
        "t12,2026-03-10,sf1,carry,,,1.00,HKD,no partner named",
        "t13,2026-03-10,sf1,carry,ins,,1.00,HKD,not a partner of sf1",
        "t14,2026-03-10,sf1,carry,gf-lp,c2,1.00,HKD,a deal of sf2",
    ) == [
        "transactions.csv:13: a carry needs an investor_id",
        "transactions.csv:12: no carry terms for fund sf2 (carry_pct in terms.csv)",
        "transactions.csv:14: ins is not a partner of sf1: a carry row names the partner whose "
        "distributions it comes out of (a commitment in commitments.csv)",
        "transactions.csv:11: pen is the GP's own commitment (gp_investor_id in terms.csv): "
        "it bears no carry; name the partner whose distributions the carry comes out of",
        "transactions.csv:15: sf1 never invested in c2: a carry row's holding_id is the deal "
        "it was earned on",
    ]


def test_a_carry_exempt_partner_bears_no_carry_row(tmp_path: Path) -> None:
    got = problems(tmp_path, "t10,2026-03-10,sf1,carry,gf-lp,,1.00,HKD,", side="sf1,gf-lp,,true")
    assert got == [
        "transactions.csv:11: gf-lp is carry_exempt in sf1 (investor_terms.csv): it bears no carry"
    ]

"""`carry` rows (carried interest paid to the GP): validated, then refused until the close
allocates them (issue 12): each rule's exact `file:line: message`."""

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
NOT_YET = (
    "carry rows are not supported yet: the close does not allocate carried interest paid to "
    "the partners' capital accounts (issue 12); remove the row"
)


def problems(tmp_path: Path, *rows: str) -> list[str]:
    root = write_book(tmp_path / "book", transactions=[*SMALL_BOOK["transactions"], *rows])
    (root / "terms.csv").write_text(f"{TERMS}\n{SF1_CARRY}\n", encoding="utf-8")
    _, errors = read_book(root)
    return [str(e).replace(f"{root}/", "") for e in errors]


def test_a_book_without_carry_rows_is_valid(tmp_path: Path) -> None:
    assert problems(tmp_path) == []


def test_a_well_formed_carry_row_is_refused_as_not_supported_yet(tmp_path: Path) -> None:
    # to the GP by name and with investor_id empty: both well formed, both refused
    assert problems(
        tmp_path,
        "t10,2026-03-10,sf1,carry,pen,,1.00,HKD,carry to the GP",
        "t11,2026-03-10,sf1,carry,,,1.00,HKD,",
    ) == [f"transactions.csv:11: {NOT_YET}", f"transactions.csv:12: {NOT_YET}"]


def test_carry_row_rules_are_reported_with_the_refusal(tmp_path: Path) -> None:
    assert problems(
        tmp_path,
        "t10,2026-03-10,sf1,carry,gf-lp,,1.00,HKD,not the GP",
        "t11,2026-03-10,sf2,carry,,,1.00,USD,no carry terms",
        "t12,2026-03-10,sf1,carry,,c1,1.00,HKD,names a holding",
    ) == [
        "transactions.csv:13: a carry names no holding (holding_id must be empty)",
        "transactions.csv:12: no carry terms for fund sf2 (carry_pct in terms.csv)",
        "transactions.csv:11: a carry is paid to the fund's GP: investor_id must be empty or "
        "pen (gp_investor_id in terms.csv), not gf-lp",
        f"transactions.csv:11: {NOT_YET}",
        f"transactions.csv:12: {NOT_YET}",
        f"transactions.csv:13: {NOT_YET}",
    ]

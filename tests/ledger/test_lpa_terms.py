"""terms.csv (fees, carry) and investor_terms.csv: each rule's exact `file:line: message`."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from fundbook.ledger import read_book
from ledger_kit import write_book

HEADER = (
    "fund_id,equalisation_rate,fee_rate_investment_period,fee_basis_investment_period,"
    "fee_rate_after,fee_basis_after,fee_timing,fee_offset_pct,carry_pct,hurdle_rate,"
    "catch_up_pct,waterfall,gp_investor_id,fee_tolerance"
)
SIDE = "fund_id,investor_id,fee_discount_pct,carry_exempt"
# sf1 (investment period to 2031-03-31): gf-lp and pen committed; a full set of terms, pen as GP
FULL = (
    "sf1,0.08,0.02,commitment,0.015,net_invested_capital,quarterly_advance,0.8,0.2,0.08,1,"
    "european,pen,5.00"
)


def problems(tmp_path: Path, terms: list[str], side: list[str] | None = None) -> list[str]:
    root = write_book(tmp_path / "book")
    (root / "terms.csv").write_text("\n".join([HEADER, *terms]) + "\n", encoding="utf-8")
    if side is not None:
        (root / "investor_terms.csv").write_text("\n".join([SIDE, *side]) + "\n", encoding="utf-8")
    _, errors = read_book(root)
    return [str(e).replace(f"{root}/", "") for e in errors]


def test_full_terms_and_a_side_letter_are_read_typed(tmp_path: Path) -> None:
    assert problems(tmp_path, [FULL], ["sf1,gf-lp,0.25,true"]) == []
    book, _ = read_book(tmp_path / "book")
    row = book.rows["terms"].row(0, named=True)
    assert (row["fee_rate_after"], row["catch_up_pct"], row["fee_tolerance"]) == (
        Decimal("0.015"),
        Decimal("1"),
        Decimal("5.00"),
    )
    assert (row["fee_basis_after"], row["waterfall"], row["gp_investor_id"]) == (
        "net_invested_capital",
        "european",
        "pen",
    )
    side = book.rows["investor_terms"].row(0, named=True)
    assert (side["fee_discount_pct"], side["carry_exempt"]) == (Decimal("0.25"), True)


def test_carry_terms_need_no_gp_commitment(tmp_path: Path) -> None:
    assert problems(tmp_path, [_with(gp_investor_id="")]) == []
    book, _ = read_book(tmp_path / "book")
    row = book.rows["terms"].row(0, named=True)
    assert (row["carry_pct"], row["gp_investor_id"]) == (Decimal("0.2"), None)


def test_the_old_two_column_terms_file_still_reads(tmp_path: Path) -> None:
    root = write_book(tmp_path / "book", terms=["sf1,0.08"])
    assert read_book(root)[1] == []


def _with(**values: str) -> str:
    cells = dict(zip(HEADER.split(","), FULL.split(","), strict=True))
    cells.update(values)
    return ",".join(cells.values())


FRACTION = (
    "must be a plain decimal fraction from 0 to 1 with at most 8 places (0.02 for 2 %, 1 for 100 %)"
)
CASES = [
    ("rate in percent", [_with(fee_rate_investment_period="2")], None,
     f"terms.csv:2: fee_rate_investment_period '2' {FRACTION}"),
    ("carry above 1", [_with(carry_pct="1.2")], None, f"terms.csv:2: carry_pct '1.2' {FRACTION}"),
    ("negative hurdle", [_with(hurdle_rate="-0.08")], None,
     f"terms.csv:2: hurdle_rate '-0.08' {FRACTION}"),
    ("nine places", [_with(fee_offset_pct="0.123456789")], None,
     f"terms.csv:2: fee_offset_pct '0.123456789' {FRACTION}"),
    ("unknown basis", [_with(fee_basis_after="cost")], None,
     "terms.csv:2: unknown fee_basis_after 'cost' (expected net_invested_capital | nav | "
     "commitment)"),
    ("unknown basis in the period", [_with(fee_basis_investment_period="nav")], None,
     "terms.csv:2: unknown fee_basis_investment_period 'nav' (expected commitment)"),
    ("unknown timing", [_with(fee_timing="monthly")], None,
     "terms.csv:2: unknown fee_timing 'monthly' (expected quarterly_advance | "
     "quarterly_arrears)"),
    ("unknown waterfall", [_with(waterfall="whole_fund")], None,
     "terms.csv:2: unknown waterfall 'whole_fund' (expected european | american)"),
    ("unknown GP", [_with(gp_investor_id="nobody")], None,
     "terms.csv:2: unknown gp_investor_id 'nobody' (not in investors.csv)"),
    ("GP not committed", [_with(gp_investor_id="ins")], None,
     "terms.csv:2: gp_investor_id 'ins' has no commitment to fund sf1 in commitments.csv (the "
     "GP's own commitment)"),
    ("carry without waterfall", [_with(waterfall="")], None,
     "terms.csv:2: carry_pct is set but waterfall is empty (terms need both)"),
    ("fee without timing", [_with(fee_timing="")], None,
     "terms.csv:2: fee_rate_investment_period is set but fee_timing is empty (terms need both)"),
    ("after rate without basis", [_with(fee_basis_after="")], None,
     "terms.csv:2: fee_rate_after is set but fee_basis_after is empty (terms need both)"),
    ("hurdle without carry",
     [_with(carry_pct="", catch_up_pct="", waterfall="", gp_investor_id="")], None,
     "terms.csv:2: hurdle_rate is set but carry_pct is empty"),
    ("offset without a fee",
     [_with(fee_rate_investment_period="", fee_basis_investment_period="", fee_rate_after="",
            fee_basis_after="")], None,
     "terms.csv:2: fee_offset_pct is set but the terms give no fee rate"),
    ("catch-up below carry", [_with(catch_up_pct="0.15")], None,
     "terms.csv:2: catch_up_pct '0.15' must be 0 (no catch-up) or above carry_pct '0.2' (else "
     "the GP never catches up)"),
    ("after fee without the period's end",
     [_with(fund_id="gf", gp_investor_id="gov")], None,
     "terms.csv:2: fee_rate_after is set but fund gf has no investment_period_end in funds.csv "
     "(the fee basis switches after it)"),
    ("negative tolerance", [_with(fee_tolerance="-1")], None,
     "terms.csv:2: fee_tolerance '-1' is negative; amounts are positive and the type gives the "
     "direction"),
    ("tolerance in mils", [_with(fee_tolerance="1.005")], None,
     "terms.csv:2: fee_tolerance '1.005' has more than 2 decimal places"),
    ("side letter: unknown investor", [FULL], ["sf1,nobody,0.1,false"],
     "investor_terms.csv:2: unknown investor_id 'nobody' (not in investors.csv)"),
    ("side letter: unknown fund", [FULL], ["zz,pen,0.1,false"],
     "investor_terms.csv:2: unknown fund_id 'zz' (not in funds.csv)"),
    ("side letter: not committed", [FULL], ["sf1,ins,0.1,false"],
     "investor_terms.csv:2: investor ins has no commitment to fund sf1 in commitments.csv"),
    ("side letter: discount in percent", [FULL], ["sf1,pen,25,false"],
     f"investor_terms.csv:2: fee_discount_pct '25' {FRACTION}"),
    ("side letter: exempt as yes", [FULL], ["sf1,pen,,yes"],
     "investor_terms.csv:2: unknown carry_exempt 'yes' (expected true | false)"),
    ("side letter: no investor", [FULL], ["sf1,,0.1,"],
     "investor_terms.csv:2: investor_id is empty"),
    ("side letter: twice", [FULL], ["sf1,pen,0.1,", "sf1,pen,0.2,"],
     "investor_terms.csv:3: duplicate fund_id, investor_id 'sf1, pen' (first at line 2)"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("terms", "side", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_rule_reports_exact_message(
    tmp_path: Path, terms: list[str], side: list[str] | None, expected: str
) -> None:
    assert expected in problems(tmp_path, terms, side)

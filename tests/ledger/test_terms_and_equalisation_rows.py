"""terms.csv and the equalisation transaction types: each rule's exact `file:line: message`."""

from __future__ import annotations

from pathlib import Path

import pytest

from fundbook.ledger import read_book
from ledger_kit import SMALL_BOOK, write_book

T = SMALL_BOOK["transactions"]


def problems(tmp_path: Path, **overrides: list[str]) -> list[str]:
    root = write_book(tmp_path / "book", **overrides)
    _, errors = read_book(root)
    return [str(e).replace(f"{root}/", "") for e in errors]


def test_terms_file_is_optional_and_read_when_present(tmp_path: Path) -> None:
    assert problems(tmp_path) == []
    root = write_book(tmp_path / "with", terms=["sf1,0.08", "sf2,"])
    book, errors = read_book(root)
    assert errors == []
    terms = book.rows["terms"]
    assert terms["fund_id"].to_list() == ["sf1", "sf2"]
    assert [str(r) if r is not None else None for r in terms["equalisation_rate"]] == [
        "0.08000000",
        None,
    ]


CASES = [
    (
        "terms: unknown fund",
        {"terms": ["nope,0.08"]},
        "terms.csv:2: unknown fund_id 'nope' (not in funds.csv)",
    ),
    (
        "terms: empty fund",
        {"terms": [",0.08"]},
        "terms.csv:2: fund_id is empty",
    ),
    (
        "terms: rate in percent",
        {"terms": ["sf1,8"]},
        "terms.csv:2: equalisation_rate '8' must be a yearly rate as a plain decimal fraction "
        "below 1 with at most 8 places (0.08 for 8 %)",
    ),
    (
        "terms: negative rate",
        {"terms": ["sf1,-0.01"]},
        "terms.csv:2: equalisation_rate '-0.01' must be a yearly rate as a plain decimal "
        "fraction below 1 with at most 8 places (0.08 for 8 %)",
    ),
    (
        "terms: two rows of a fund",
        {"terms": ["sf1,0.08", "sf1,0.07"]},
        "terms.csv:3: duplicate fund_id 'sf1' (first at line 2)",
    ),
    (
        "equalisation without investor",
        {"transactions": [*T, "t10,2026-03-10,sf1,equalisation_contribution,,,10.00,HKD,"]},
        "transactions.csv:11: a equalisation_contribution needs an investor_id",
    ),
    (
        "equalisation interest with a holding",
        {
            "transactions": [
                *T,
                "t10,2026-03-10,sf1,equalisation_interest_received,pen,c1,1.00,HKD,",
            ]
        },
        "transactions.csv:11: a equalisation_interest_received names no holding "
        "(holding_id must be empty)",
    ),
    (
        "catch-up above the commitment",
        {
            "transactions": [
                *T,
                "t10,2026-03-10,sf1,equalisation_contribution,gf-lp,,201.00,HKD,",
            ]
        },
        "transactions.csv:11: equalisation_contribution takes investor gf-lp's paid-in to fund "
        "sf1 to 251.00, above its commitment of 250.00 dated on or before 2026-03-10",
    ),
]


@pytest.mark.parametrize(
    ("overrides", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_rule_reports_exact_message(
    tmp_path: Path, overrides: dict[str, list[str]], expected: str
) -> None:
    assert expected in problems(tmp_path, **overrides)


def test_a_recallable_distribution_frees_the_commitment(tmp_path: Path) -> None:
    """gf-lp paid 50 of 250; 30 returned as an equalisation distribution can be called again:
    paid-in 50 - 30 + 230 = 250, within the commitment (gf books the mirror of each)."""
    rows = [
        *T,
        "t10,2026-03-10,sf1,equalisation_distribution,gf-lp,,30.00,HKD,",
        "t11,2026-03-11,sf1,contribution,gf-lp,,230.00,HKD,",
        "t12,2026-03-10,gf,proceeds,,sf1,30.00,HKD,",
        "t13,2026-03-11,gf,contribution,gov,,200.00,HKD,",
        "t14,2026-03-11,gf,investment,,sf1,230.00,HKD,",
    ]
    assert problems(tmp_path, transactions=rows) == []

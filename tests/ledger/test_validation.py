"""Every validation rule has a failing case asserting its exact `file:line: message`."""

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


def test_small_book_is_valid(tmp_path: Path) -> None:
    assert problems(tmp_path) == []


CASES = [
    (
        "unknown fund",
        {"transactions": [*T, "t10,2026-02-01,nope,fee,,,1.00,HKD,"]},
        "transactions.csv:11: unknown fund_id 'nope' (not in funds.csv)",
    ),
    (
        "unknown investor",
        {"transactions": [*T, "t10,2026-02-01,sf1,distribution,ghost,,1.00,HKD,"]},
        "transactions.csv:11: unknown investor_id 'ghost' (not in investors.csv)",
    ),
    (
        "unknown holding",
        {"transactions": [*T, "t10,2026-02-01,sf1,income,,zz,1.00,HKD,"]},
        "transactions.csv:11: unknown holding_id 'zz' (not in companies.csv or funds.csv)",
    ),
    (
        "bad date",
        {"transactions": [*T, "t10,2026-13-01,sf1,fee,,,1.00,HKD,"]},
        "transactions.csv:11: bad date '2026-13-01' in column date (expected a real date "
        "YYYY-MM-DD)",
    ),
    (
        "not iso date",
        {"transactions": [*T, "t10,01/02/2026,sf1,fee,,,1.00,HKD,"]},
        "transactions.csv:11: bad date '01/02/2026' in column date (expected a real date "
        "YYYY-MM-DD)",
    ),
    (
        "negative",
        {"transactions": [*T, "t10,2026-02-01,sf1,fee,,,-5,HKD,"]},
        "transactions.csv:11: amount '-5' is negative; amounts are positive and the type gives "
        "the direction",
    ),
    (
        "three decimals",
        {"transactions": [*T, "t10,2026-02-01,sf1,fee,,,1.234,HKD,"]},
        "transactions.csv:11: amount '1.234' has more than 2 decimal places",
    ),
    (
        "exponent",
        {"transactions": [*T, "t10,2026-02-01,sf1,fee,,,1e3,HKD,"]},
        "transactions.csv:11: amount '1e3' is not a plain decimal (like 1500000.00: no "
        "separators, symbols or exponents)",
    ),
    (
        "symbol",
        {"transactions": [*T, "t10,2026-02-01,sf1,fee,,,$100,HKD,"]},
        "transactions.csv:11: amount '$100' is not a plain decimal (like 1500000.00: no "
        "separators, symbols or exponents)",
    ),
    (
        "zero",
        {"transactions": [*T, "t10,2026-02-01,sf1,fee,,,0.00,HKD,"]},
        "transactions.csv:11: amount '0.00' must be greater than zero",
    ),
    (
        "empty amount",
        {"transactions": [*T, "t10,2026-02-01,sf1,fee,,,,HKD,"]},
        "transactions.csv:11: amount is empty",
    ),
    (
        "unknown type",
        {"transactions": [*T, "t10,2026-02-01,sf1,bribe,,,1.00,HKD,"]},
        "transactions.csv:11: unknown type 'bribe' (expected contribution | distribution | "
        "investment | proceeds | income | fee | expense | co_investment | grant | matching | "
        "hk_production_spend | write_off | equalisation_contribution | equalisation_distribution | "
        "equalisation_interest_received | equalisation_interest_paid | portfolio_fee | carry)",
    ),
    (
        "upper-case type",
        {"transactions": [*T, "t10,2026-02-01,sf1,Fee,,,1.00,HKD,"]},
        "transactions.csv:11: unknown type 'Fee' (expected contribution | distribution | "
        "investment | proceeds | income | fee | expense | co_investment | grant | matching | "
        "hk_production_spend | write_off | equalisation_contribution | equalisation_distribution | "
        "equalisation_interest_received | equalisation_interest_paid | portfolio_fee | carry)",
    ),
    (
        "missing investor",
        {"transactions": [*T, "t10,2026-02-01,sf1,contribution,,,1.00,HKD,"]},
        "transactions.csv:11: a contribution needs an investor_id",
    ),
    (
        "missing holding",
        {"transactions": [*T, "t10,2026-02-01,sf1,investment,,,1.00,HKD,"]},
        "transactions.csv:11: a investment needs a holding_id",
    ),
    (
        "portfolio fee without holding",
        {"transactions": [*T, "t10,2026-02-01,sf1,portfolio_fee,,,1.00,HKD,"]},
        "transactions.csv:11: a portfolio_fee needs a holding_id",
    ),
    (
        "portfolio fee with investor",
        {"transactions": [*T, "t10,2026-02-01,sf1,portfolio_fee,pen,c1,1.00,HKD,"]},
        "transactions.csv:11: a portfolio_fee takes no investor_id (the GP received it from the "
        "holding)",
    ),
    (
        "portfolio fee from a holding the fund never held",
        {"transactions": [*T, "t10,2026-03-15,sf1,portfolio_fee,,c2,1.00,HKD,"]},
        "transactions.csv:11: portfolio_fee from c2 to fund sf1 on 2026-03-15 but the fund has "
        "not invested in it by then (fees for offsets come from a holding of the fund)",
    ),
    (
        "portfolio fee before the fund invested",
        {"transactions": [*T, "t10,2026-01-20,sf1,portfolio_fee,,c1,1.00,HKD,"]},
        "transactions.csv:11: portfolio_fee from c1 to fund sf1 on 2026-01-20 but the fund has "
        "not invested in it by then (fees for offsets come from a holding of the fund)",
    ),
    (
        "portfolio fee after the write-off",
        {
            "transactions": [
                *T,
                "t10,2026-02-10,sf1,write_off,,c1,0.00,HKD,",
                "t11,2026-02-20,sf1,portfolio_fee,,c1,1.00,HKD,",
            ]
        },
        "transactions.csv:12: portfolio_fee from c1 to fund sf1 on 2026-02-20 but the fund wrote "
        "it off on 2026-02-10: it no longer holds it",
    ),
    (
        "no fx rate",
        {"transactions": [*T, "t10,2026-02-01,sf1,expense,,,1.00,EUR,"]},
        "transactions.csv:11: no FX rate for EUR on or before 2026-02-01 in fx_rates.csv",
    ),
    (
        "fx too late",
        {"fx_rates": ["2026-02-15,USD,7.80"]},
        "commitments.csv:5: no FX rate for USD on or before 2026-01-01 in fx_rates.csv",
    ),
    (
        "bad currency",
        {"transactions": [*T, "t10,2026-02-01,sf1,expense,,,1.00,hkd,"]},
        "transactions.csv:11: currency 'hkd' is not an ISO code of 3 capital letters",
    ),
    (
        "beyond commitment",
        {"transactions": [*T, "t10,2026-03-10,sf1,contribution,pen,,700.00,HKD,"]},
        "transactions.csv:11: contribution takes investor pen's paid-in to fund sf1 to 850.00, "
        "above its commitment of 750.00 dated on or before 2026-03-10",
    ),
    (
        "negative cash",
        {"transactions": [*T, "t10,2026-02-01,sf1,expense,,,100.00,HKD,"]},
        "transactions.csv:11: fund sf1's cash would be -25.00 at the end of 2026-02-01 (outflows "
        "before the money to pay them); book the contribution first or date it no later",
    ),
    (
        "duplicate txn_id",
        {"transactions": [*T, "t3,2026-01-10,sf1,contribution,pen,,151.00,HKD,"]},
        "transactions.csv:11: duplicate txn_id 't3' (first at line 4)",
    ),
    (
        "duplicate fund",
        {"funds": [*SMALL_BOOK["funds"], "sf1,Again,sub_fund,HKD,2026,X,gf,"]},
        "funds.csv:5: duplicate fund_id 'sf1' (first at line 3)",
    ),
    (
        "unknown theme",
        {"companies": [*SMALL_BOOK["companies"], "c3,Gamma,space,true,HK"]},
        "companies.csv:4: unknown theme 'space' (expected life_health | ai_robotics | "
        "semiconductors_smart_devices | digitalisation | future_sustainable | other)",
    ),
    (
        "bad hk_nexus",
        {"companies": [*SMALL_BOOK["companies"], "c3,Gamma,other,yes,HK"]},
        "companies.csv:4: unknown hk_nexus 'yes' (expected true | false)",
    ),
    (
        "unknown fund kind",
        {"funds": [*SMALL_BOOK["funds"], "x,X,hedge_fund,HKD,2026,M,,"]},
        "funds.csv:5: unknown kind 'hedge_fund' (expected guidance_fund | sub_fund | "
        "co_investment | programme)",
    ),
    (
        "unknown investor kind",
        {"investors": [*SMALL_BOOK["investors"], "x,X,angel,"]},
        "investors.csv:6: unknown kind 'angel' (expected government | social_capital)",
    ),
    (
        "bad vintage",
        {"funds": [*SMALL_BOOK["funds"], "x,X,sub_fund,HKD,20x6,M,,"]},
        "funds.csv:5: vintage '20x6' is not a year",
    ),
    (
        "valuation without investment",
        {"valuations": [*SMALL_BOOK["valuations"], "2026-03-31,sf1,c2,10.00,HKD"]},
        "valuations.csv:4: valuation of c2 by fund sf1 on 2026-03-31 but the fund has not "
        "invested in it by then",
    ),
    (
        "malformed row",
        {"transactions": [*T, "t10,2026-02-01,sf1,fee,,,1.00,HKD"]},
        "transactions.csv:11: malformed row: 8 fields, the header has 9",
    ),
    (
        "malformed quoted row",
        {"transactions": [*T, 't10,2026-02-01,sf1,fee,,,1.00,HKD,"a",b']},
        "transactions.csv:11: malformed row: 10 fields, the header has 9",
    ),
    (
        "bad fx rate",
        {"fx_rates": [*SMALL_BOOK["fx_rates"], "2026-04-01,USD,-7.8"]},
        "fx_rates.csv:4: hkd_per_unit '-7.8' must be a positive plain decimal with at most 8 "
        "places",
    ),
]


@pytest.mark.parametrize(
    ("overrides", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_rule_reports_exact_message(
    tmp_path: Path, overrides: dict[str, list[str]], expected: str
) -> None:
    assert expected in problems(tmp_path, **overrides)


def test_missing_file(tmp_path: Path) -> None:
    root = write_book(tmp_path / "book")
    (root / "valuations.csv").unlink()
    _, errors = read_book(root)
    assert [str(e) for e in errors] == [f"{root}/valuations.csv:0: missing file"]


def test_missing_column(tmp_path: Path) -> None:
    root = write_book(tmp_path / "book")
    (root / "companies.csv").write_text("company_id,name,theme,country\nc1,A,other,HK\n")
    _, errors = read_book(root)
    assert f"{root}/companies.csv:1: missing column 'hk_nexus'" in [str(e) for e in errors]


def test_not_utf8(tmp_path: Path) -> None:
    root = write_book(tmp_path / "book")
    data = (root / "investors.csv").read_bytes() + "x,Caf\u00e9,government,\n".encode("latin-1")
    (root / "investors.csv").write_bytes(data)
    _, errors = read_book(root)
    assert [str(e) for e in errors] == [
        f"{root}/investors.csv:6: text is not UTF-8 (re-save the file as UTF-8)"
    ]


def test_all_problems_reported_at_once(tmp_path: Path) -> None:
    rows = [
        *T,
        "t10,2026-13-01,sf1,fee,,,1.00,HKD,",
        "t11,2026-02-01,sf1,fee,,,-5,HKD,",
        "t12,2026-02-01,nope,fee,,,1.00,HKD,",
    ]
    found = problems(tmp_path, transactions=rows)
    assert [p.split(":")[1] for p in found] == ["11", "12", "13"]


def test_bom_crlf_quotes_and_chinese(tmp_path: Path) -> None:
    root = write_book(tmp_path / "book")
    text = (root / "investors.csv").read_text(encoding="utf-8")
    text += '"hk-1","香港科技創投有限公司, ""HK""\nsecond line",social_capital,\n'
    (root / "investors.csv").write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
    book, errors = read_book(root)
    assert errors == []
    names = book.rows["investors"].filter(book.rows["investors"]["investor_id"] == "hk-1")
    assert names["name"][0] == '香港科技創投有限公司, "HK"\r\nsecond line'
    assert names["source_line"][0] == 6


def test_rows_in_any_order_net_per_day(tmp_path: Path) -> None:
    # The investment is listed before the contribution that funds it, on the same day.
    rows = list(reversed(T))
    assert problems(tmp_path, transactions=rows) == []


def test_legacy_theme_is_mapped(tmp_path: Path) -> None:
    root = write_book(
        tmp_path / "book",
        companies=[*SMALL_BOOK["companies"], "c3,Gamma,advanced_materials_new_energy,true,HK"],
    )
    book, errors = read_book(root)
    assert errors == []
    themes = dict(book.rows["companies"].select("company_id", "theme").iter_rows())
    assert themes["c3"] == "future_sustainable"

"""Mirror checks: a flow between a sub-fund and its partner that is a fund of the book is
booked in both ledgers, the same day and the same amount in the sub-fund's currency."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from fundbook.core.errors import LedgerErrors
from fundbook.ledger import read_book
from fundbook.ledger.mirror import mirror_errors
from fundbook.store.db import connect
from fundbook.store.importer import import_book
from ledger_kit import SMALL_BOOK, write_book

T = SMALL_BOOK["transactions"]  # t2 (line 3): gf-lp pays 50 into sf1; t4 (line 5): gf's mirror
WITHOUT_T4 = [r for r in T if not r.startswith("t4,")]
BOTH = "(a flow between two funds of the book is booked in both ledgers)"
# gf-lp joins sf2 (USD) too.
COMMITMENTS = [*SMALL_BOOK["commitments"], "sf2,gf-lp,2026-01-01,50.00,USD"]
FUNDING = "t99,2026-03-01,gf,contribution,gov,,300.00,HKD,gf's call on the government"


def problems(tmp_path: Path, **overrides: list[str]) -> list[str]:
    root = write_book(tmp_path / "book", **overrides)
    _, errors = read_book(root)
    return [str(e).replace(f"{root}/", "") for e in errors]


def test_the_small_book_mirrors(tmp_path: Path) -> None:
    assert problems(tmp_path) == []


def test_a_contribution_without_the_holders_investment(tmp_path: Path) -> None:
    assert problems(tmp_path, transactions=WITHOUT_T4) == [
        "transactions.csv:3: contribution of HKD 50.00 on 2026-01-10 by gf-lp has no mirror: "
        "gf-lp is fund gf (investors.csv), which books no investment in sf1 of HKD 50.00 on "
        f"2026-01-10 {BOTH}"
    ]


def test_an_investment_without_the_sub_funds_contribution(tmp_path: Path) -> None:
    rows = [*T, "t10,2026-02-10,gf,investment,,sf1,20.00,HKD,"]
    assert problems(tmp_path, transactions=rows) == [
        "transactions.csv:11: investment of HKD 20.00 on 2026-02-10 in sf1 has no mirror: sf1 "
        "books no contribution with its partner gf-lp (fund gf) of HKD 20.00 on 2026-02-10 "
        f"{BOTH}"
    ]


def test_a_different_amount_names_both_lines(tmp_path: Path) -> None:
    rows = [r.replace(",sf1,50.00", ",sf1,55.00") if r.startswith("t4,") else r for r in T]
    assert problems(tmp_path, transactions=rows) == [
        "transactions.csv:3: contribution of HKD 50.00 on 2026-01-10 by gf-lp (fund gf): its "
        "mirror, fund gf's investment of HKD 55.00 on 2026-01-10 in sf1 at "
        "transactions.csv:5, has another amount: it should be HKD 50.00"
    ]


def test_a_different_date_names_both_lines(tmp_path: Path) -> None:
    rows = [r.replace("t4,2026-01-10", "t4,2026-01-11") for r in T]
    assert problems(tmp_path, transactions=rows) == [
        "transactions.csv:3: contribution of HKD 50.00 on 2026-01-10 by gf-lp (fund gf): its "
        "mirror, fund gf's investment of HKD 50.00 on 2026-01-11 in sf1 at "
        "transactions.csv:5, has another date: both ledgers book a flow on the day it was paid"
    ]


@pytest.mark.parametrize(
    ("mirror", "expected"),
    [
        # USD 12.50 x 7.81 = HKD 97.625: the ledger converts it to 97.62 (half-even)
        ("97.62,HKD", []),
        # a bank rounding half up: either cent around the exact product is the same amount
        ("97.63,HKD", []),
        # or the row in the sub-fund's currency, which the ledger converts for it
        ("12.50,USD", []),
        (
            "97.64,HKD",
            [
                "transactions.csv:11: contribution of USD 12.50 on 2026-03-01 by gf-lp (fund "
                "gf): its mirror, fund gf's investment of HKD 97.64 on 2026-03-01 in sf2 at "
                "transactions.csv:12, has another amount: it should be HKD 97.62, USD 12.50 "
                "at the rates of 2026-03-01 (fx_rates.csv)"
            ],
        ),
        (
            "12.51,USD",
            [
                "transactions.csv:11: contribution of USD 12.50 on 2026-03-01 by gf-lp (fund "
                "gf): its mirror, fund gf's investment of USD 12.51 on 2026-03-01 in sf2 at "
                "transactions.csv:12, has another amount: it should be USD 12.50"
            ],
        ),
    ],
    ids=["hkd-half-even", "hkd-half-up", "usd-row", "hkd-two-cents-off", "usd-a-cent-off"],
)
def test_a_sub_fund_in_another_currency(tmp_path: Path, mirror: str, expected: list[str]) -> None:
    rows = [
        *T,
        "t10,2026-03-01,sf2,contribution,gf-lp,,12.50,USD,",
        f"t11,2026-03-01,gf,investment,,sf2,{mirror},",
        FUNDING,
    ]
    assert problems(tmp_path, commitments=COMMITMENTS, transactions=rows) == expected


def test_the_holders_row_in_a_third_currency(tmp_path: Path) -> None:
    """USD 10.00 at 7.81 HKD is EUR 9.30 at 8.40 (78.10 / 8.40 = 9.2976...)."""
    fx = [*SMALL_BOOK["fx_rates"], "2026-01-01,EUR,8.40"]
    rows = [
        *T,
        "t10,2026-03-01,sf2,contribution,gf-lp,,10.00,USD,",
        "t11,2026-03-01,gf,investment,,sf2,9.31,EUR,",
        FUNDING,
    ]
    assert problems(tmp_path, commitments=COMMITMENTS, transactions=rows, fx_rates=fx) == [
        "transactions.csv:11: contribution of USD 10.00 on 2026-03-01 by gf-lp (fund gf): its "
        "mirror, fund gf's investment of EUR 9.31 on 2026-03-01 in sf2 at transactions.csv:12, "
        "has another amount: it should be EUR 9.30, USD 10.00 at the rates of 2026-03-01 "
        "(fx_rates.csv)"
    ]
    rows[-2] = "t11,2026-03-01,gf,investment,,sf2,9.30,EUR,"
    assert problems(tmp_path, commitments=COMMITMENTS, transactions=rows, fx_rates=fx) == []


def test_two_calls_on_one_day_pair_one_to_one(tmp_path: Path) -> None:
    calls = [
        "t10,2026-02-10,sf1,contribution,gf-lp,,10.00,HKD,",
        "t11,2026-02-10,sf1,contribution,gf-lp,,30.00,HKD,",
    ]
    paired = [
        "t12,2026-02-10,gf,investment,,sf1,30.00,HKD,",
        "t13,2026-02-10,gf,investment,,sf1,10.00,HKD,",
    ]
    assert problems(tmp_path, transactions=[*T, *calls, *paired]) == []
    one_wrong = [paired[0], "t13,2026-02-10,gf,investment,,sf1,15.00,HKD,"]
    assert problems(tmp_path, transactions=[*T, *calls, *one_wrong]) == [
        "transactions.csv:11: contribution of HKD 10.00 on 2026-02-10 by gf-lp (fund gf): its "
        "mirror, fund gf's investment of HKD 15.00 on 2026-02-10 in sf1 at "
        "transactions.csv:14, has another amount: it should be HKD 10.00"
    ]
    # one investment for both calls is no mirror of either
    one_for_two = ["t12,2026-02-10,gf,investment,,sf1,40.00,HKD,"]
    assert len(problems(tmp_path, transactions=[*T, *calls, *one_for_two])) == 2


def test_distributions_and_equalisation_mirror_proceeds_and_income(tmp_path: Path) -> None:
    """Money from sf1 to gf-lp (a distribution, an equalisation distribution, equalisation
    interest) is gf's proceeds or income from sf1; gf-lp's catch-up and the interest it pays
    are gf's investments. The partner's own fee and income stay inside sf1: no mirror."""
    sub = [
        "t10,2026-03-10,sf1,distribution,gf-lp,,5.00,HKD,",
        "t11,2026-03-10,sf1,equalisation_distribution,gf-lp,,4.00,HKD,",
        "t12,2026-03-10,sf1,equalisation_interest_paid,gf-lp,,0.20,HKD,",
        "t13,2026-03-12,sf1,equalisation_contribution,gf-lp,,3.00,HKD,",
        "t14,2026-03-12,sf1,equalisation_interest_received,gf-lp,,0.10,HKD,",
        "t15,2026-03-12,sf1,fee,gf-lp,,1.00,HKD,the partner's own fee",
        "t16,2026-03-12,sf1,income,gf-lp,c1,1.50,HKD,the partner's own income",
    ]
    holder = [
        "t20,2026-03-10,gf,proceeds,,sf1,4.00,HKD,",
        "t21,2026-03-10,gf,income,,sf1,5.00,HKD,",
        "t22,2026-03-10,gf,income,,sf1,0.20,HKD,",
        "t23,2026-03-12,gf,investment,,sf1,3.00,HKD,",
        "t24,2026-03-12,gf,investment,,sf1,0.10,HKD,",
    ]
    assert problems(tmp_path, transactions=[*T, *sub, *holder]) == []
    assert problems(tmp_path, transactions=[*T, *sub, *holder[1:]]) == [
        "transactions.csv:12: equalisation_distribution of HKD 4.00 on 2026-03-10 by gf-lp has "
        "no mirror: gf-lp is fund gf (investors.csv), which books no proceeds or income in sf1 "
        f"of HKD 4.00 on 2026-03-10 {BOTH}"
    ]


def test_no_check_where_a_ledger_is_not_in_the_book(tmp_path: Path) -> None:
    """gf keeps no rows, neither commitments nor transactions (only sf1's books are kept:
    `ledgers_in_book`): gf-lp's call is not checked. And gf's investment in sf3, a fund
    without rows (valued from its GP), has nothing to mirror."""
    no_gf = [r for r in T if ",gf," not in r]
    commitments = [r for r in SMALL_BOOK["commitments"] if not r.startswith("gf,")]
    assert problems(tmp_path / "a", transactions=no_gf, commitments=commitments) == []
    funds = [*SMALL_BOOK["funds"], "sf3,Sub-fund Three,sub_fund,HKD,2026,Gamma GP,gf,"]
    rows = [*T, "t10,2026-02-10,gf,investment,,sf3,20.00,HKD,"]
    assert problems(tmp_path / "b", funds=funds, transactions=rows) == []


# The first finding: sf1 calls 50,000,000.00 of which gf-lp's share is 12,500,000.00;
# the call is booked in sf1 without gf's own rows (its call on the government, its investment).
CALL = [
    "t10,2026-04-15,sf1,contribution,gf-lp,,12500000.00,HKD,capital call no. 2",
    "t11,2026-04-15,sf1,contribution,pen,,37500000.00,HKD,capital call no. 2",
]
BIG = [
    "gf,gov,2026-01-01,1000000000.00,HKD",
    "sf1,gf-lp,2026-01-01,250000000.00,HKD",
    "sf1,pen,2026-01-01,750000000.00,HKD",
    "sf2,ins,2026-01-01,100.00,USD",
]


def test_a_call_booked_without_the_guidance_funds_rows_is_refused(tmp_path: Path) -> None:
    assert problems(tmp_path, commitments=BIG, transactions=[*T, *CALL]) == [
        "transactions.csv:11: contribution of HKD 12500000.00 on 2026-04-15 by gf-lp has no "
        "mirror: gf-lp is fund gf (investors.csv), which books no investment in sf1 of HKD "
        f"12500000.00 on 2026-04-15 {BOTH}"
    ]
    gf_rows = [
        "t12,2026-04-15,gf,contribution,gov,,12500000.00,HKD,call on the government",
        "t13,2026-04-15,gf,investment,,sf1,12500000.00,HKD,capital call no. 2 of sf1",
    ]
    assert problems(tmp_path, commitments=BIG, transactions=[*T, *CALL, *gf_rows]) == []


@pytest.fixture
def con(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    return connect(tmp_path / "book.duckdb")


def test_booked_pairs_stay_paired_and_the_new_row_is_the_one_reported(
    tmp_path: Path, con: duckdb.DuckDBPyConnection
) -> None:
    """Booked rows (checked then) come first: a second investment of the same day and amount
    added later is the one without a mirror, whatever its line."""
    import_book(con, write_book(tmp_path / "b"))
    again = ["t0,2026-01-10,gf,investment,,sf1,50.00,HKD,booked twice", *T]
    with pytest.raises(LedgerErrors) as caught:
        import_book(con, write_book(tmp_path / "b", transactions=again))
    assert [str(e).replace(f"{tmp_path}/b/", "") for e in caught.value.errors] == [
        "transactions.csv:2: investment of HKD 50.00 on 2026-01-10 in sf1 has no mirror: sf1 "
        "books no contribution with its partner gf-lp (fund gf) of HKD 50.00 on 2026-01-10 "
        f"{BOTH}"
    ]


def test_the_demo_book_mirrors_and_the_check_bites_on_it() -> None:
    demo = Path(__file__).resolve().parents[2] / "ledgers" / "itif-demo"
    book, errors = read_book(demo)
    assert errors == []
    rows = book.rows
    assert mirror_errors(rows) == []
    t = rows["transactions"]
    links = t.filter(t["investor_id"] == "itif-lp")
    assert links.height > 60  # every call, distribution and equalisation row of itif-lp
    # drop ITIF's investment in sf-semis of 2026-02-06 (HKD for USD 1,440,000.00 at 7.8284)
    dropped = t.filter(t["txn_id"] != "itif-00006")
    [error] = mirror_errors({**rows, "transactions": dropped})
    assert error.message.startswith(
        "contribution of USD 1440000.00 on 2026-02-06 by itif-lp has no mirror: itif-lp is "
        "fund itif (investors.csv), which books no investment in sf-semis of USD 1440000.00"
    )

"""A fund's terms (terms.csv) in its close's `fund_info` level: every column as booked, typed,
null without terms; each explained by its terms.csv row, and a tampered one is not."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from close_kit import book, run

from fundbook.close.closing import close_period
from fundbook.close.explain import stored_of_close
from fundbook.close.snapshot import LEVEL_KEYS, read_snapshot
from fundbook.ledger.spec import TERMS_OPTIONAL
from fundbook.store.db import open_book
from fundbook.store.frames import load_frames
from ledger_kit import SMALL_BOOK
from tests.metrics.explain_check import failures, undetected

HEADER = "fund_id," + ",".join(TERMS_OPTIONAL)
# sf1: every term set (pen is committed to sf1: its GP); gf and sf2 have no row.
SF1_TERMS = "0.075,0.02,commitment,0.015,nav,quarterly_advance,0.8,0.2,0.08,1,european,pen,2.50"


def _row(fund_id: str, **given: str) -> str:
    """A terms.csv row of `fund_id` with the columns `given`, the others empty."""
    return ",".join([fund_id, *(given.get(c, "") for c in TERMS_OPTIONAL)])


SF1 = _row(
    "sf1",
    **dict(zip(TERMS_OPTIONAL, SF1_TERMS.split(","), strict=False)),
    valuation_source="ledger",
    gp_tolerance="3.00",
    irr_nm_months="24",
    ta_rc_1="0.3",
    ta_rc_2="0.35",
    ta_rc_3="0.4",
    ta_bow="2.25",
    ta_growth="0.1",
    ta_growth_sd="0.15",
    ta_life="10",
    pme_index="HSI",
)
# a grant programme `mp`: only its matching deadline (a term of grant programmes alone)
MP = _row("mp", matching_deadline_months="6")
GRANTS = "matching_deadline_months"
BOOKED = {
    "equalisation_rate": Decimal("0.07500000"),
    "fee_rate_investment_period": Decimal("0.02000000"),
    "fee_basis_investment_period": "commitment",
    "fee_rate_after": Decimal("0.01500000"),
    "fee_basis_after": "nav",
    "fee_timing": "quarterly_advance",
    "fee_offset_pct": Decimal("0.80000000"),
    "carry_pct": Decimal("0.20000000"),
    "hurdle_rate": Decimal("0.08000000"),
    "catch_up_pct": Decimal("1.00000000"),
    "waterfall": "european",
    "gp_investor_id": "pen",
    "fee_tolerance": Decimal("2.50"),
    "valuation_source": "ledger",
    "gp_tolerance": Decimal("3.00"),
    "irr_nm_months": 24,
    "ta_rc_1": Decimal("0.30000000"),
    "ta_rc_2": Decimal("0.35000000"),
    "ta_rc_3": Decimal("0.40000000"),
    "ta_bow": Decimal("2.25000000"),
    "ta_growth": Decimal("0.10000000"),
    "ta_growth_sd": Decimal("0.15000000"),
    "ta_life": 10,
    "pme_index": "HSI",  # an index of index_levels.csv (issue 15)
}
LEVEL = {"fund_info": LEVEL_KEYS["fund_info"]}


@pytest.fixture(scope="module")
def closed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    funds = [*SMALL_BOOK["funds"], "mp,Grants,programme,HKD,2026,ITC,,"]
    db, ledger = book(tmp_path_factory.mktemp("terms"), funds=funds)
    (ledger / "terms.csv").write_text(f"{HEADER}\n{SF1}\n{MP}\n", encoding="utf-8")
    (ledger / "index_levels.csv").write_text("date,index_id,level\n2025-12-31,HSI,100\n")
    close_period(db, "2026-03", ledger_dir=str(ledger))
    return db


def _stored(db: Path):  # type: ignore[no-untyped-def]
    with open_book(db, read_only=True) as con:
        info = read_snapshot(con, "2026-03").close
        frames = load_frames(con, info.period_end)
        stored = stored_of_close(con, info, frames, ("fund_info",))
    return frames, stored, info


def test_every_term_is_stored_as_booked_and_null_without_terms(closed: Path) -> None:
    assert set(BOOKED) | {GRANTS} == set(TERMS_OPTIONAL)
    with open_book(closed, read_only=True) as con:
        info = read_snapshot(con, "2026-03").level("fund_info")
    by_fund = {r["fund_id"]: r for r in info.to_dicts()}
    assert {k: by_fund["sf1"][k] for k in BOOKED} == BOOKED
    assert str(by_fund["sf1"]["equalisation_rate"]) == "0.07500000"  # 8 places, as booked
    for fund in ("gf", "sf2"):
        assert {k: by_fund[fund][k] for k in BOOKED} == dict.fromkeys(BOOKED), fund
    assert by_fund["mp"][GRANTS] == 6 and by_fund["sf1"][GRANTS] is None
    assert by_fund["sf1"]["name"] == "Sub-fund One"  # the fund's own reference row still


def test_every_term_is_given_by_its_terms_row(closed: Path) -> None:
    frames, stored, info = _stored(closed)
    count, bad = failures(frames, stored, info.period_end, LEVEL)
    assert not bad, "\n".join(bad)
    rows = stored.levels["fund_info"]
    assert count == rows.height * (rows.width - 1) and set(BOOKED) <= set(rows.columns)


def test_a_tampered_term_is_not_given_by_its_terms_row(closed: Path) -> None:
    frames, stored, info = _stored(closed)
    tried, accepted = undetected(frames, stored, info.period_end, LEVEL)
    assert {k for _, k in tried} >= {"Decimal", "str", "NoneType"}
    assert not accepted, "\n".join(accepted)


def test_explain_names_the_terms_row(closed: Path) -> None:
    result = run(
        "explain",
        "equalisation_rate",
        "--level",
        "fund_info",
        "--fund",
        "sf1",
        "--period",
        "2026-03",
        "--db",
        str(closed),
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.output
    lines = json.loads(result.output)
    [shown] = [x for x in lines if x["role"] == "shown"]
    assert (shown["text"], shown["source"]) == (
        "0.07500000",
        "terms row fund_id=sf1 (the book's reference data)",
    )
    assert lines[-1]["role"] == "result" and lines[-1]["text"] == "0.07500000"

"""`trial-balance` and `balance-sheet`: a closed day read from the close's stored ledger equals
the ledger computed for that day; the balance sheet's JSON contract; the demo-sized book ties."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from close_kit import book, run

from fundbook.close.closing import close_period
from fundbook.close.ledger import _computed, ledger_rows, stored_ledger
from fundbook.store.db import open_book

DAY = "2026-03-31"


@pytest.fixture(scope="module")
def closed_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db, ledger = book(tmp_path_factory.mktemp("ledger"))
    close_period(db, "2026-03", ledger_dir=str(ledger))
    return db


def test_a_closed_day_reads_the_stored_ledger_which_is_the_computed_one(
    closed_book: Path,
) -> None:
    import datetime as dt

    day = dt.date.fromisoformat(DAY)
    with open_book(closed_book, read_only=True) as con:
        stored = stored_ledger(con, 1)
        assert stored and ledger_rows(con, day) == stored
        assert _computed(con, day, None) == stored
        assert ledger_rows(con, day, "sf1") == [r for r in stored if r["fund_id"] == "sf1"]


def test_the_balance_sheet_json_contract(closed_book: Path) -> None:
    result = run("balance-sheet", "--as-of", DAY, "--format", "json", "--db", str(closed_book))
    assert result.exit_code == 0, result.output
    sheets = json.loads(result.output)
    assert [s["fund_id"] for s in sheets] == ["gf", "sf1", "sf2"]
    for s in sheets:
        required = {"fund_id", "currency", "total_assets", "total_liabilities", "net_assets"}
        assert required | {"partners_capital"} <= set(s)
        for key in ("total_assets", "total_liabilities", "net_assets"):
            assert isinstance(s[key], str) and Decimal(s[key]).as_tuple().exponent == -2
        partners = s["partners_capital"]
        assert all(set(p) == {"investor_id", "amount"} for p in partners)
        total = sum(Decimal(p["amount"]) for p in partners)
        assert total == Decimal(s["net_assets"])
        assert Decimal(s["total_assets"]) - Decimal(s["total_liabilities"]) == total
    sf1 = next(s for s in sheets if s["fund_id"] == "sf1")
    assert sf1["currency"] == "HKD"
    assert [p["investor_id"] for p in sf1["partners_capital"]] == ["gf-lp", "pen"]


def test_the_net_assets_are_the_closed_nav(closed_book: Path) -> None:
    """The balance sheet's net assets are the NAV the close stored, for every fund."""
    sheet = run("balance-sheet", "--as-of", DAY, "--format", "json", "--db", str(closed_book))
    metrics = run("metrics", "--as-of", DAY, "--format", "json", "--db", str(closed_book))
    nav = {r["fund_id"]: r["nav"] for r in json.loads(metrics.output)}
    assert {s["fund_id"]: s["net_assets"] for s in json.loads(sheet.output)} == nav


@pytest.mark.parametrize("fmt", ["table", "csv"])
def test_trial_balance_and_balance_sheet_print(closed_book: Path, fmt: str) -> None:
    tb = run("trial-balance", "--as-of", DAY, "--format", fmt, "--db", str(closed_book))
    assert tb.exit_code == 0, tb.output
    assert "investments_at_cost" in tb.output and "partners_capital:pen" in tb.output
    bs = run("balance-sheet", "--as-of", DAY, "--format", fmt, "--db", str(closed_book))
    assert bs.exit_code == 0, bs.output
    assert "net_assets" in bs.output and "total_liabilities" in bs.output


def test_an_unknown_fund_is_refused(closed_book: Path) -> None:
    result = run("balance-sheet", "--as-of", DAY, "--fund", "nope", "--db", str(closed_book))
    assert result.exit_code != 0 and "unknown fund 'nope'" in result.output


def test_a_close_whose_ledger_does_not_tie_fails_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A GL a cent off (here: sf1's cash) fails the close, naming the fund, both values and
    the difference; the book is left as it was."""
    import polars as pl
    from close_kit import counts

    from fundbook import metrics
    from fundbook.close.closing import CloseFailed

    db, ledger = book(tmp_path)
    real = metrics.general_ledger

    def a_cent_off(frames, at):  # type: ignore[no-untyped-def]
        gl = real(frames, at)
        cash = (pl.col("account") == "cash") & (pl.col("fund_id") == "sf1")
        closed = pl.col("closed_balance")
        return gl.with_columns(pl.when(cash).then(closed + Decimal("0.01")).otherwise(closed))

    monkeypatch.setattr(metrics, "general_ledger", a_cent_off)
    with pytest.raises(CloseFailed) as failed:
        close_period(db, "2026-03", ledger_dir=str(ledger))
    message = str(failed.value)
    assert "fund sf1: GL net assets 225.01 but NAV 225.00 (difference 0.01)" in message
    assert "nothing was written" in message
    assert counts(db)["closes"] == 0 and counts(db)["transactions"] == 0

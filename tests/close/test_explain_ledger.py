"""`fundbook explain` of a general-ledger balance (level `ledger`): its lines are the postings,
each with its source, they give every stored balance of every account, and a tampered stored
balance (or currency, or section) is not given by them."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from close_kit import book, plain_sql, run

from fundbook.close.closing import close_period
from fundbook.close.explain import explain_figure, stored_of_close
from fundbook.close.snapshot import read_snapshot
from fundbook.metrics.explain_ledger import KEYS, LEVEL
from fundbook.store.db import open_book
from fundbook.store.frames import load_frames
from tests.metrics.explain_check import failures, matches, undetected


@pytest.fixture(scope="module")
def closed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small book (a fund holding a fund of the book, USD, a fee, a memo row) closed to
    2026-04."""
    db, ledger = book(tmp_path_factory.mktemp("gl"))
    close_period(db, "2026-03", ledger_dir=str(ledger))
    close_period(db, "2026-04", carry_forward=True)
    return db


def _stored(db: Path, period: str):  # type: ignore[no-untyped-def]
    with open_book(db, read_only=True) as con:
        info = read_snapshot(con, period).close
        frames = load_frames(con, info.period_end)
        stored = stored_of_close(con, info, frames, (LEVEL,))
    return frames, stored, info


@pytest.mark.parametrize("period", ["2026-03", "2026-04"])
def test_every_stored_balance_is_given_by_its_postings(closed: Path, period: str) -> None:
    frames, stored, info = _stored(closed, period)
    ledger = stored.levels[LEVEL]
    assert ledger.height > 10 and set(ledger["fund_id"]) == {"gf", "sf1", "sf2"}
    count, bad = failures(frames, stored, info.period_end, {LEVEL: KEYS})
    assert not bad, "\n".join(bad[:20])
    assert count == ledger.height * 4  # currency, section, balance, closed_balance


def test_a_tampered_stored_balance_is_not_given_by_its_postings(closed: Path) -> None:
    frames, stored, info = _stored(closed, "2026-04")
    tried, accepted = undetected(frames, stored, info.period_end, {LEVEL: KEYS})
    assert {lv for lv, _ in tried} == {LEVEL}
    assert {k for _, k in tried} == {"Decimal", "str", "NoneType"}
    assert not accepted, "\n".join(accepted)


def _explain(db: Path, *args: str) -> list[dict[str, object]]:
    result = run("explain", *args, "--db", str(db), "--format", "json")
    assert result.exit_code == 0, result.output
    lines: list[dict[str, object]] = json.loads(result.output)
    return lines


def _terms(lines: list[dict[str, object]]) -> Decimal:
    return sum((Decimal(str(x["amount"])) for x in lines if x["role"] == "term"), Decimal(0))


def test_cash_lists_every_cash_row_with_its_file_and_line(closed: Path) -> None:
    lines = _explain(
        closed, "closed_balance", "--fund", "sf1", "--account", "cash", "--period", "2026-04"
    )
    terms = [x for x in lines if x["role"] == "term"]
    # t2, t3 contributions; t5 investment; t6 fee (the memo row t9 moves no cash)
    assert [x["source"] for x in terms] == [f"transactions.csv:{n}" for n in (3, 4, 6, 7)]
    assert _terms(lines) == Decimal("75.00") == Decimal(str(lines[-1]["amount"]))
    assert lines[-1]["role"] == "result"
    assert str(lines[-1]["source"]).endswith(": ledger.closed_balance")


def test_a_partners_capital_by_investor_ends_with_its_closing_entries(closed: Path) -> None:
    by_investor = _explain(
        closed,
        "closed_balance",
        "--level",
        "ledger",
        "--fund",
        "sf1",
        "--investor",
        "pen",
        "--period",
        "2026-04",
    )
    by_account = _explain(
        closed,
        "closed_balance",
        "--fund",
        "sf1",
        "--account",
        "partners_capital:pen",
        "--period",
        "2026-04",
    )
    assert by_investor == by_account
    sources = [str(x["source"]) for x in by_investor if x["role"] == "term"]
    assert sources[0] == "transactions.csv:4"  # t3, its contribution
    closing = [s for s in sources if s.startswith("closing entry ")]
    assert closing and all("R5" in s for s in closing)
    assert _terms(by_investor) == Decimal(str(by_investor[-1]["amount"]))
    # the trial balance: before the closing entry of 2026-04
    before = _explain(
        closed,
        "balance",
        "--fund",
        "sf1",
        "--account",
        "partners_capital:pen",
        "--period",
        "2026-04",
    )
    assert not any("2026-04-30" in str(x["source"]) for x in before if x["role"] == "term")


def test_unrealised_appreciation_names_the_mark_and_the_capital_it_is_read_from(
    closed: Path,
) -> None:
    marked = _explain(
        closed,
        "closed_balance",
        "--fund",
        "sf1",
        "--account",
        "unrealised_appreciation",
        "--period",
        "2026-03",
    )
    assert [x["source"] for x in marked if x["role"] == "term"] == ["valuations.csv:2"]
    held = _explain(
        closed,
        "closed_balance",
        "--fund",
        "gf",
        "--account",
        "unrealised_appreciation",
        "--period",
        "2026-03",
    )
    terms = [x for x in held if x["role"] == "term"]
    assert terms and str(terms[0]["source"]).startswith("partners_capital:gf-lp of fund sf1")


def test_income_and_expense_close_into_capital(closed: Path) -> None:
    trial = _explain(
        closed,
        "balance",
        "--fund",
        "sf1",
        "--account",
        "change_in_unrealised",
        "--period",
        "2026-03",
    )
    after = _explain(
        closed,
        "closed_balance",
        "--fund",
        "sf1",
        "--account",
        "change_in_unrealised",
        "--period",
        "2026-03",
    )
    assert _terms(trial) == Decimal("-30.00")  # the March mark: 150 on a cost of 120
    assert after[-2]["item"].startswith("closing entry at 2026-03-31")  # type: ignore[union-attr]
    assert _terms(after) == 0 == Decimal(str(after[-1]["amount"]))


def test_a_balance_tampered_in_close_ledger_is_not_given_by_the_lines(
    closed: Path, tmp_path: Path
) -> None:
    import shutil

    db = tmp_path / "tampered.duckdb"
    shutil.copyfile(closed, db)
    plain_sql(
        db,
        "UPDATE close_ledger SET closed_balance = closed_balance + 1 "
        "WHERE close_id = 2 AND fund_id = 'sf1' AND account = 'cash'",
    )
    with open_book(db, read_only=True) as con:
        done = explain_figure(
            con, LEVEL, {"fund_id": "sf1", "account": "cash"}, "closed_balance", "2026-04"
        )
    assert done.lines["amount"][-1] == Decimal("76.00")  # the result line: as stored
    assert not matches(done.lines, Decimal("76.00"), LEVEL)[0]


def test_unknown_accounts_and_figures_name_the_choices(closed: Path) -> None:
    result = run(
        "explain",
        "closed_balance",
        "--fund",
        "sf1",
        "--account",
        "nope",
        "--period",
        "2026-04",
        "--db",
        str(closed),
    )
    assert result.exit_code != 0 and "no ledger with --account nope; one of: " in result.output
    assert "partners_capital:pen" in result.output
    result = run(
        "explain",
        "nav",
        "--fund",
        "sf1",
        "--account",
        "cash",
        "--period",
        "2026-04",
        "--db",
        str(closed),
    )
    assert result.exit_code != 0 and "no figure 'nav' at level ledger" in result.output


def test_an_open_date_computes_the_ledger(closed: Path) -> None:
    lines = _explain(
        closed, "closed_balance", "--fund", "sf1", "--account", "cash", "--as-of", "2026-04-15"
    )
    assert "not a closed period" in str(lines[-1]["source"])
    assert _terms(lines) == Decimal(str(lines[-1]["amount"]))

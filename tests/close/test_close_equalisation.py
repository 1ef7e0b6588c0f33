"""The close and later closings: unequalised with a rate fails and writes nothing, naming the
command; without a rate it closes with a warning; equalised, it closes and the ties hold."""

from __future__ import annotations

from pathlib import Path

from close_kit import counts, run

from fundbook.store.db import open_book
from fundbook.store.frames import load_frames
from ledger_kit import write_book
from tests.metrics.test_equalisation import CLOSING, EXPECTED_ROWS, TWO_LPS


def _close(db: Path, ledger: Path, period: str = "2025-07") -> object:
    return run(
        "close", period, "--db", str(db), "--ledger", str(ledger), "--carry-forward-valuations"
    )


def test_unequalised_later_closing_fails_the_close_naming_the_command(tmp_path: Path) -> None:
    ledger = write_book(tmp_path / "ledger", TWO_LPS)
    db = tmp_path / "book.duckdb"
    result = _close(db, ledger)
    assert result.exit_code == 1
    expected = (
        "fund lc: investor lpb was admitted at the later closing of 2025-07-01 but its "
        "equalisation is not booked (no equalisation_contribution dated 2025-07-01 .. "
        f"2025-07-31); run `fundbook equalise --fund lc --closing 2025-07-01 --out "
        f"{ledger}/transactions.csv`, then close again"
    )
    assert expected in result.stderr
    assert "nothing was written" in result.stderr
    assert counts(db)["closes"] == 0 and counts(db)["transactions"] == 0


def test_without_a_rate_the_close_warns(tmp_path: Path) -> None:
    ledger = write_book(tmp_path / "ledger", {**TWO_LPS, "terms": ["lc,"]})
    db = tmp_path / "book.duckdb"
    result = _close(db, ledger)
    assert result.exit_code == 0, result.output
    assert (
        "warning: fund lc: the later closing of 2025-07-01 (investor lpb) was re-balanced "
        "without equalisation interest (terms.csv gives the fund no equalisation_rate)"
    ) in result.stderr
    assert counts(db)["closes"] == 1


def test_a_fund_without_terms_closes_with_the_warning(tmp_path: Path) -> None:
    book = {k: v for k, v in TWO_LPS.items() if k != "terms"}
    ledger = write_book(tmp_path / "ledger", book)
    result = _close(tmp_path / "book.duckdb", ledger)
    assert result.exit_code == 0, result.output
    assert "re-balanced without equalisation interest" in result.stderr


def test_the_command_named_fixes_the_close(tmp_path: Path) -> None:
    ledger = write_book(tmp_path / "ledger", TWO_LPS)
    db = tmp_path / "book.duckdb"
    assert _close(db, ledger).exit_code == 1
    out = ledger / "transactions.csv"
    fix = run("equalise", "--fund", "lc", "--closing", str(CLOSING), "--db", str(db))
    # the book names no ledger until an import or close is made: the close wrote nothing
    assert fix.exit_code != 0
    fix = run(
        "equalise",
        *("--fund", "lc", "--closing", str(CLOSING), "--ledger", str(ledger), "--out", str(out)),
    )
    assert fix.exit_code == 0, fix.output
    result = _close(db, ledger)
    assert result.exit_code == 0, result.output
    assert "warning: fund lc" not in result.stderr
    with open_book(db, read_only=True) as con:
        txns = load_frames(con, CLOSING).transactions
        booked = txns.filter(txns["txn_id"].str.contains("-eq-"))["txn_id"].to_list()
        assert booked == [r[0] for r in EXPECTED_ROWS]
    assert run("audit", "verify", "--db", str(db)).exit_code == 0
    reproduced = run("audit", "reproduce", "2025-07", "--db", str(db))
    assert reproduced.exit_code == 0, reproduced.output
    for figure, expected in (
        ("recallable_distributions", "25.00"),
        ("ending_unfunded", "50.00"),
        ("distributions", "25.00"),
    ):
        explained = run(
            "explain", figure, "--basis", "ITD", "--fund", "lc", "--investor", "lpa",
            "--period", "2025-07", "--db", str(db),
        )  # fmt: skip
        assert explained.exit_code == 0, explained.output
        assert expected in explained.stdout, (figure, explained.stdout)
    pack = tmp_path / "pack"
    exported = run("audit", "export", "2025-07", "--out", str(pack), "--db", str(db))
    assert exported.exit_code == 0, exported.output
    terms = (pack / "ledger" / "terms.csv").read_text(encoding="utf-8").splitlines()
    assert terms[1].startswith("lc,0.08")


def test_a_partner_specific_fee_closes_and_ties(tmp_path: Path) -> None:
    """pen's own fee of 3.00 (a side letter): the close's recomputation of each capital account
    from the booked rows leaves it out of the common P&L and gives it to pen alone."""
    from close_kit import book

    from fundbook.close.snapshot import read_snapshot
    from ledger_kit import SMALL_BOOK

    rows = [*SMALL_BOOK["transactions"], "t10,2026-02-15,sf1,fee,pen,,3.00,HKD,side letter"]
    db, ledger = book(tmp_path, transactions=rows)
    result = run("close", "2026-03", "--db", str(db), "--ledger", str(ledger))
    assert result.exit_code == 0, result.output
    with open_book(db, read_only=True) as con:
        st = read_snapshot(con, "2026-03").statements
    itd = st.filter((st["basis"] == "ITD") & (st["fund_id"] == "sf1"))
    fees = dict(zip(itd["investor_id"], itd["management_fees"], strict=True))
    # the common fee of 5.00 split 250 : 750 (1.25 / 3.75), pen's own 3.00 on top
    assert (str(fees["gf-lp"]), str(fees["pen"]), str(fees[None])) == ("1.25", "6.75", "8.00")

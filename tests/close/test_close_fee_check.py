"""The close stores the fee check (level `fee_check`: computed vs booked management fees per
fund and quarter), explains every figure of it, catches a tampered one, and warns of a fund
and quarter beyond its tolerance once: at the close that first checks it."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import polars.selectors as cs
import pytest
from close_kit import run
from fee_kit import write_fee_book

from fundbook.close.closing import CloseFailed, close_period
from fundbook.close.explain import stored_of_close
from fundbook.close.snapshot import LEVEL_KEYS, read_snapshot
from fundbook.store.db import open_book
from fundbook.store.frames import load_frames
from tests.metrics.explain_check import failures, undetected

D = Decimal
LEVEL = {"fee_check": LEVEL_KEYS["fee_check"]}
WARNED = "fund F: management fees booked in 2025Q3 216875.00 differ"


@pytest.fixture(scope="module")
def closed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[list[str]]]:
    """The worked fee book closed 2025-09 (all history: 2025Q1 to Q3), 2025-10 and 2025-11;
    the warnings of each close."""
    root = tmp_path_factory.mktemp("fee_check")
    ledger = write_fee_book(root / "ledger")
    db = root / "book.duckdb"
    warnings = [close_period(db, "2025-09", ledger_dir=str(ledger)).warnings]
    for month in ("2025-10", "2025-11"):
        warnings.append(close_period(db, month, carry_forward=True).warnings)
    return db, warnings


def test_the_check_is_stored_per_fund_and_quarter(closed: tuple[Path, list[list[str]]]) -> None:
    db, _ = closed
    with open_book(db, read_only=True) as con:
        check = read_snapshot(con, "2025-10").level("fee_check")
    assert check.columns == [
        "fund_id",
        "quarter",
        "booked",
        "booked_hkd",
        "difference",
        "difference_hkd",
        "fee_net",
        "fee_net_hkd",
        "fee_tolerance",
        "within_tolerance",
    ]
    assert check.drop(cs.ends_with("_hkd")).rows() == [
        ("F", "2025Q1", D("250000.00"), D("0.00"), D("250000.00"), D("1.00"), True),
        ("F", "2025Q2", D("725000.00"), D("0.00"), D("725000.00"), D("1.00"), True),
        ("F", "2025Q3", D("216875.00"), D("10000.00"), D("206875.00"), D("1.00"), False),
    ]
    for name in ("booked", "difference", "fee_net"):  # fund F is in HKD: the same amounts
        assert check[f"{name}_hkd"].to_list() == check[name].to_list()


def test_the_over_billing_is_warned_of_once(closed: tuple[Path, list[list[str]]]) -> None:
    _, (september, october, november) = closed
    assert [w for w in september if "management fees" in w] == [
        w for w in september if w.startswith(WARNED)
    ]
    assert len([w for w in september if w.startswith(WARNED)]) == 1
    # the later closes store the same check but do not repeat the warning
    assert not [w for w in october + november if "management fees" in w]


def test_every_figure_of_the_check_is_explained(closed: tuple[Path, list[list[str]]]) -> None:
    db, _ = closed
    with open_book(db, read_only=True) as con:
        info = read_snapshot(con, "2025-11").close
        frames = load_frames(con, info.period_end)
        stored = stored_of_close(con, info, frames, ("fee_check",))
    count, bad = failures(frames, stored, info.period_end, LEVEL)
    assert not bad, "\n".join(bad)
    assert count == 3 * 8  # 3 fund-quarters, 5 figures and 3 of them in HKD
    tried, accepted = undetected(frames, stored, info.period_end, LEVEL)
    assert {k for _, k in tried} >= {"Decimal", "bool", "NoneType"}
    assert not accepted, "\n".join(accepted)


def test_explain_gives_the_partners_fees_and_the_invoice(
    closed: tuple[Path, list[list[str]]],
) -> None:
    db, _ = closed
    args = ["--level", "fee_check", "--fund", "F", "--quarter", "2025Q3", "--period", "2025-09"]
    computed = json.loads(
        run("explain", "fee_net", *args, "--db", str(db), "--format", "json").output
    )
    assert [(x["item"], x["amount"]) for x in computed if x["role"] == "term"] == [
        ("fee_gross of partner A", "343750.00"),
        ("fee_discount of partner A", "0.00"),
        ("fee_offset of partner A", "-184615.38"),
        ("fee_gross of partner B", "137500.00"),
        ("fee_discount of partner B", "-34375.00"),
        ("fee_offset of partner B", "-55384.62"),
    ]
    booked = json.loads(run("explain", "booked", *args, "--db", str(db), "--format", "json").output)
    [row] = [x for x in booked if x["role"] == "term"]
    assert (row["amount"], row["source"]) == ("216875.00", "transactions.csv:11")
    assert booked[-1]["amount"] == "216875.00"


def test_fee_terms_arriving_after_a_close_that_restate_it_are_refused(tmp_path: Path) -> None:
    """F's fee terms arrive after its 2025-09 close: its fund-level fee rows of the closed
    quarters would be re-split by computed fees (not commitment shares), so the partners'
    closed capital accounts would change; the 2025-10 close refuses (closed periods never
    change: reopen them to restate) rather than warn of 2025Q3 after the fact."""
    ledger = write_fee_book(tmp_path / "ledger")
    terms = (ledger / "terms.csv").read_text(encoding="utf-8")
    (ledger / "terms.csv").write_text(terms.splitlines()[0] + "\n", encoding="utf-8")
    db = tmp_path / "book.duckdb"
    september = close_period(db, "2025-09", ledger_dir=str(ledger)).warnings
    assert not [w for w in september if "management fees" in w]
    (ledger / "terms.csv").write_text(terms, encoding="utf-8")
    with pytest.raises(CloseFailed, match="differs from the previous close's ending NAV"):
        close_period(db, "2025-10", carry_forward=True)


def test_audit_reproduce_recomputes_the_check(closed: tuple[Path, list[list[str]]]) -> None:
    db, _ = closed
    result = run("audit", "reproduce", "2025-10", "--db", str(db))
    assert result.exit_code == 0, result.output
    assert "0 differences" in result.output

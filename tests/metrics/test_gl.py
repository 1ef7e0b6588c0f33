"""The general ledger (metrics/gl_*.py): hand-checked postings of a small book with every event
of issue 11 (partial sale at average cost, write-off, prepaid and accrued fees and expenses, a
partner-specific fee, equalisation rows), and the close's identity on every golden book."""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from fundbook import metrics as m
from fundbook.core.calendar import month_ends
from fundbook.metrics.gl_ledger import general_ledger
from fundbook.store.db import open_book
from fundbook.store.frames import Frames, frames_from_rows, load_frames
from fundbook.store.importer import import_book
from tests.metrics.book import commit, mark

D = Decimal
AS_OF = date(2025, 2, 28)
GOLDEN = Path(__file__).parent / "golden"
TXN_SCHEMA = {
    "txn_id": pl.String,
    "date": pl.Date,
    "fund_id": pl.String,
    "type": pl.String,
    "investor_id": pl.String,
    "holding_id": pl.String,
    "amount_fund": pl.Decimal(38, 2),
    "source_file": pl.String,
    "source_line": pl.Int64,
    "quantity": pl.Decimal(38, 6),
    "service_start": pl.Date,
    "service_end": pl.Date,
    "category": pl.String,
}


def _row(n: int, day: str, kind: str, amount: str, **extra: Any) -> dict[str, Any]:
    row = dict.fromkeys(TXN_SCHEMA)
    row |= {
        "txn_id": f"t{n}",
        "date": date.fromisoformat(day),
        "fund_id": "hf",
        "type": kind,
        "amount_fund": D(amount),
        "source_file": "transactions.csv",
        "source_line": n + 1,
    }
    for key in ("service_start", "service_end"):
        if key in extra:
            extra[key] = date.fromisoformat(extra[key])
    if "quantity" in extra:
        extra["quantity"] = D(extra["quantity"])
    return row | extra


# Fund hf: A and B commit 600 and 400; C is admitted on 1 February (250) and equalised.
ROWS = [
    _row(1, "2025-01-10", "contribution", "300.00", investor_id="A"),
    _row(2, "2025-01-10", "contribution", "200.00", investor_id="B"),
    _row(3, "2025-01-15", "investment", "300.00", holding_id="h1", quantity="100"),
    _row(4, "2025-01-15", "investment", "100.00", holding_id="h2"),
    _row(5, "2025-01-05", "fee", "12.00", service_start="2025-01-01", service_end="2025-03-31"),
    _row(6, "2025-02-01", "equalisation_contribution", "125.00", investor_id="C"),
    _row(7, "2025-02-01", "equalisation_distribution", "75.00", investor_id="A"),
    _row(8, "2025-02-01", "equalisation_distribution", "50.00", investor_id="B"),
    _row(9, "2025-02-01", "equalisation_interest_received", "2.00", investor_id="C"),
    _row(10, "2025-02-05", "equalisation_interest_paid", "1.20", investor_id="A"),
    _row(11, "2025-02-10", "proceeds", "150.00", holding_id="h1", quantity="30"),
    _row(12, "2025-02-12", "income", "5.00", holding_id="h1"),
    _row(13, "2025-02-15", "fee", "2.00", investor_id="B"),
    _row(14, "2025-02-20", "write_off", "0.00", holding_id="h2"),
    # paid after its service period: accrued at the end of February
    _row(
        15,
        "2025-03-10",
        "expense",
        "9.00",
        service_start="2025-02-01",
        service_end="2025-02-28",
        category="legal",
    ),
]


def hand_book() -> Frames:
    frames = frames_from_rows(
        AS_OF,
        {
            "funds": [{"fund_id": "hf", "name": "Hand", "kind": "sub_fund", "currency": "HKD"}],
            "investors": [
                {"investor_id": i, "name": i, "kind": "social_capital"} for i in ("A", "B", "C")
            ],
            "commitments": [
                commit(1, "2025-01-01", "hf", "A", "600.00"),
                commit(2, "2025-01-01", "hf", "B", "400.00"),
                commit(3, "2025-02-01", "hf", "C", "250.00"),
            ],
            "valuations": [mark(1, "2025-01-31", "hf", "h1", "330.00")],
        },
    )
    txns = pl.DataFrame(ROWS, schema=TXN_SCHEMA, orient="row")
    return dataclasses.replace(frames, transactions=txns)


def _balances(gl: pl.DataFrame, column: str) -> dict[str, Decimal]:
    return {r["account"]: r[column] for r in gl.iter_rows(named=True)}


def test_hand_checked_balances_before_and_after_the_closing_entry() -> None:
    """docs/accounting.md works this book by hand: h1 sells 30 of 100 at average cost
    (relief 90.00, gain 60.00), its January mark 330 values the 70 left at 231.00; h2 is
    written off (loss 100.00); the quarter's fee 12.00 is 59/90 recognised (7.87, prepaid
    4.13); February's legal expense is accrued (9.00); C's interest 2.00 less the 1.20 paid
    is payable (0.80); the common P&L -30.87 splits 600:400:250 by largest remainder."""
    gl = general_ledger(hand_book(), AS_OF)
    closed = _balances(gl, "closed_balance")
    assert closed == {
        "cash": D("241.80"),
        "investments_at_cost": D("210.00"),
        "unrealised_appreciation": D("21.00"),
        "prepaid_expenses": D("4.13"),
        "accrued_expenses": D("-9.00"),
        "equalisation_interest_payable": D("-0.80"),
        "partners_capital:A": D("-210.18"),
        "partners_capital:B": D("-138.12"),
        "partners_capital:C": D("-118.83"),
        # the period's income and expense, closed into capital after the closing entry
        "investment_income": D("0.00"),
        "realised_gain": D("0.00"),
        "change_in_unrealised": D("0.00"),
        "management_fees": D("0.00"),
        "partnership_expenses:legal": D("0.00"),
    }
    trial = _balances(gl, "balance")
    assert trial == {
        **{k: v for k, v in closed.items() if not k.startswith("partners_capital:")},
        # capital as closed on 31 January (A 15.52 and B 10.35 of the P&L 25.87) plus flows
        "partners_capital:A": D("-240.52"),
        "partners_capital:B": D("-160.35"),
        "partners_capital:C": D("-125.00"),
        # February's movements: income 5, realised -40, unrealised 21 - 30, fees 7.87 - 4.13
        # + B's own 2.00, legal 9.00
        "investment_income": D("-5.00"),
        "realised_gain": D("40.00"),
        "change_in_unrealised": D("9.00"),
        "management_fees": D("5.74"),
        "partnership_expenses:legal": D("9.00"),
    }
    assert sum(trial.values()) == 0 and sum(closed.values()) == 0


def test_a_later_period_end_relieves_nothing_twice() -> None:
    """At the end of March the fee is fully recognised (no prepaid left) and the expense paid
    (no accrual left); cost, realised gain and the write-off are where February left them."""
    frames = dataclasses.replace(hand_book(), as_of=date(2025, 3, 31))
    closed = _balances(general_ledger(frames, date(2025, 3, 31)), "closed_balance")
    assert closed["investments_at_cost"] == D("210.00")
    assert "prepaid_expenses" not in closed and "accrued_expenses" not in closed
    assert closed["cash"] == D("232.80")  # the expense 9.00 paid on 10 March
    assert sum(closed.values()) == 0


def gl_differences(frames: Frames, at: date) -> list[str]:
    """Where the GL and the metrics disagree at `at`: net assets vs NAV per fund, and each
    partner's capital vs its capital account (empty when they tie to the cent)."""
    gl = general_ledger(frames, at)
    net = (
        gl.filter(pl.col("section").is_in(["asset", "liability"]))
        .group_by("fund_id")
        .agg(pl.col("closed_balance").sum().alias("gl"))
    )
    funds = m.fund_metrics(frames, at).select("fund_id", "nav").join(net, on="fund_id", how="full")
    out = [
        f"{at} {r['fund_id']}: GL {r['gl']} NAV {r['nav']}"
        for r in funds.iter_rows(named=True)
        if (r["gl"] or 0) != (r["nav"] or 0)
    ]
    capital = gl.filter(pl.col("account").str.starts_with("partners_capital:")).select(
        "fund_id",
        pl.col("account").str.strip_prefix("partners_capital:").alias("investor_id"),
        (-pl.col("closed_balance")).alias("gl"),
    )
    accounts = m.investor_metrics(frames, at).select("fund_id", "investor_id", "nav")
    both = accounts.join(capital, on=["fund_id", "investor_id"], how="full", coalesce=True)
    out += [
        f"{at} {r['fund_id']}/{r['investor_id']}: GL {r['gl']} statement {r['nav']}"
        for r in both.iter_rows(named=True)
        if (r["gl"] or 0) != (r["nav"] or 0)
    ]
    totals = gl.group_by("fund_id").agg(pl.col("balance").sum(), pl.col("closed_balance").sum())
    out += [f"{at} {r}: does not balance" for r in totals.iter_rows() if r[1] != 0 or r[2] != 0]
    return out


def _golden_frames(case: str, tmp_path: Path) -> tuple[Frames, date]:
    spec = json.loads((GOLDEN / case / "expected.json").read_text(encoding="utf-8"))
    as_of = date.fromisoformat(spec["as_of"])
    with open_book(tmp_path / "b.duckdb") as con:
        import_book(con, GOLDEN / case / "ledger")
        return load_frames(con, as_of), as_of


@pytest.mark.parametrize("case", sorted(p.name for p in GOLDEN.iterdir() if p.is_dir()))
def test_the_gl_ties_on_every_golden_book_at_every_month_end(case: str, tmp_path: Path) -> None:
    frames, as_of = _golden_frames(case, tmp_path)
    first = frames.transactions["date"].min()
    assert isinstance(first, date)
    days = [*month_ends(first, as_of), as_of]
    problems = [p for day in days for p in gl_differences(frames, day)]
    assert problems == []


DEMO = Path(__file__).resolve().parents[2] / "ledgers" / "itif-demo"


def test_the_gl_ties_on_the_demo_book_at_its_period_ends(tmp_path: Path) -> None:
    """Every quarter end of the demo book's history (ITVF's, from 2019), every month end of
    the guidance fund's (from its first row: its sub-funds, fees, carry, equalisation, GP
    statements, grants) and a day inside the last month. The generated books of
    test_gl_properties tie at every month end of theirs."""
    end = date(2026, 10, 31)
    with open_book(tmp_path / "demo.duckdb") as con:
        import_book(con, DEMO)
        frames = load_frames(con, end)
    first = frames.transactions["date"].min()
    itif = frames.transactions.filter(fund_id="itif")["date"].min()
    assert isinstance(first, date) and isinstance(itif, date)
    quarters = [d for d in month_ends(first, itif) if d.month % 3 == 0]
    days = [*quarters, *month_ends(itif, end), date(2026, 10, 15)]
    assert len(days) > 30
    problems = [p for day in days for p in gl_differences(frames, day)]
    assert problems == []


def paid_in_book() -> Frames:
    """A fund without commitments: A pays in 100 in January (P&L +10, all A's); B pays in 100
    on 1 February (P&L +20 in February, shared 100:100)."""
    from tests.metrics.book import txn

    return frames_from_rows(
        AS_OF,
        {
            "funds": [{"fund_id": "pf", "name": "Paid-in", "kind": "programme", "currency": "HKD"}],
            "investors": [{"investor_id": i, "name": i, "kind": "government"} for i in "AB"],
            "transactions": [
                txn(1, "2025-01-02", "pf", "contribution", "100.00", investor="A"),
                txn(2, "2025-01-03", "pf", "investment", "100.00", holding="h"),
                txn(3, "2025-02-01", "pf", "contribution", "100.00", investor="B"),
                txn(4, "2025-02-02", "pf", "investment", "100.00", holding="h"),
            ],
            "valuations": [
                mark(1, "2025-01-31", "pf", "h", "110.00"),
                mark(2, "2025-02-28", "pf", "h", "230.00"),
            ],
        },
    )


def test_a_fund_without_commitments_allocates_month_by_month() -> None:
    """R5: January's 10 is A's (the only partner then); February's 20 is split by the
    paid-in shares at its end (50:50): A 100 + 10 + 10, B 100 + 10 (not 115 each, which the
    whole-to-date split by today's shares would give)."""
    closed = _balances(general_ledger(paid_in_book(), AS_OF), "closed_balance")
    assert closed["partners_capital:A"] == D("-120.00")
    assert closed["partners_capital:B"] == D("-110.00")
    assert closed["unrealised_appreciation"] == D("30.00")


@pytest.mark.parametrize("make", [hand_book, paid_in_book], ids=["hand_book", "paid_in_book"])
def test_the_gl_ties_to_the_metrics_with_the_issue_11_rules(make: Any) -> None:
    assert gl_differences(make(), AS_OF) == []


def test_the_gl_path_imports_none_of_the_metrics_state_code() -> None:
    """The close compares two computations: the GL modules may not import the metrics'
    state (state, positions, statement, performance), directly or through each other."""
    import ast

    package = Path(__file__).resolve().parents[2] / "fundbook" / "metrics"
    banned = {
        f"fundbook.metrics.{name}" for name in ("state", "positions", "statement", "performance")
    }
    for path in sorted(package.glob("gl_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                names |= {node.module, *(f"{node.module}.{a.name}" for a in node.names)}
            elif isinstance(node, ast.Import):
                names |= {a.name for a in node.names}
        assert not names & banned, (path.name, names & banned)

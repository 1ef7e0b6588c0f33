"""A small book with calls.csv and the call_id of its contributions and distributions."""

from __future__ import annotations

from pathlib import Path

from ledger_kit import HEADERS, SMALL_BOOK, write_book

CALLS_HEADER = (
    "call_id,fund_id,kind,notice_date,due_date,for_investments,for_fees,for_expenses,for_other,memo"
)
# sf1's first call (200.00: gf-lp 50.00, pen 150.00) and a distribution (40.00) in June.
CALLS = [
    "sf1-c01,sf1,capital_call,2025-12-27,2026-01-10,133.33,33.33,33.34,0.00,Call 1",
    "sf1-d01,sf1,distribution,2026-06-15,2026-06-30,40.00,0.00,0.00,0.00,",
]
CALL_IDS = {"t2": "sf1-c01", "t3": "sf1-c01"}
DISTRIBUTIONS = [
    "t20,2026-06-30,sf1,distribution,gf-lp,,10.00,HKD,,sf1-d01",
    "t21,2026-06-30,sf1,distribution,pen,,30.00,HKD,,sf1-d01",
    "t22,2026-06-30,gf,proceeds,,sf1,10.00,HKD,,",  # the mirror of gf-lp's distribution
]


def transactions(rows: list[str], ids: dict[str, str]) -> list[str]:
    """The small book's rows with a call_id column (`ids`: txn_id -> call_id)."""
    return [f"{r},{ids.get(r.split(',', 1)[0], '')}" for r in rows]


def calls_book(
    root: Path,
    calls: list[str] | None = None,
    ids: dict[str, str] | None = None,
    extra: list[str] | None = None,
) -> Path:
    """The small book with calls.csv (`calls`, default CALLS) and call_ids (`ids`)."""
    rows = transactions(SMALL_BOOK["transactions"], CALL_IDS if ids is None else ids)
    rows += DISTRIBUTIONS if extra is None else extra
    root = write_book(root, SMALL_BOOK)
    header = HEADERS["transactions"] + ",call_id"
    (root / "transactions.csv").write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    body = CALLS if calls is None else calls
    (root / "calls.csv").write_text("\n".join([CALLS_HEADER, *body]) + "\n", encoding="utf-8")
    return root

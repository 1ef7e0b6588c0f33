"""The seeded demo book: ITIF and its sub-funds, an ITVF-style fund and a grant programme.

Run `python -m fundbook.synth.demo OUT_DIR [--seed N]`; the same seed writes the same bytes.
"""

from __future__ import annotations

import argparse
import csv
import random
from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path

from fundbook.core.errors import FundbookError
from fundbook.core.types import CASH_SIGN
from fundbook.synth.demo_calls import demo_calls
from fundbook.synth.demo_cast import STRATEGIC_FLAGGED
from fundbook.synth.demo_commentary import COMMENTARY
from fundbook.synth.demo_fees import SIDE_LETTERS
from fundbook.synth.demo_gp import build_gp_fund, gp_rows
from fundbook.synth.demo_index import index_rows
from fundbook.synth.demo_itif import (
    build_direct_co_investments,
    build_fx,
    build_parties,
    build_sub_fund_calls,
    build_sub_fund_deals,
    build_sub_fund_running,
    build_valuations,
)
from fundbook.synth.demo_ledger import Book
from fundbook.synth.demo_programmes import build_itvf, build_mplus
from fundbook.synth.demo_terms import TERMS_COLUMNS, terms_rows

DEFAULT_SEED = 2026
# transactions.csv, in order
OPTIONAL = ("quantity", "service_start", "service_end", "category", "call_id")
# fmt: off
COLUMNS = {
    "funds": ("fund_id", "name", "kind", "currency", "vintage", "manager", "programme_id",
              "investment_period_end"),
    "investors": ("investor_id", "name", "kind", "fund_id", "strategic"),
    "companies": ("company_id", "name", "theme", "hk_nexus", "country"),
    "commitments": ("fund_id", "investor_id", "date", "amount", "currency"),
    "transactions": ("txn_id", "date", "fund_id", "type", "investor_id", "holding_id", "amount",
                     "currency", "memo", *OPTIONAL),
    "valuations": ("date", "fund_id", "holding_id", "fair_value", "currency"),
    "fx_rates": ("date", "currency", "hkd_per_unit"),
    "terms": TERMS_COLUMNS,
    "investor_terms": ("fund_id", "investor_id", "fee_discount_pct", "carry_exempt"),
    "gp_statements": ("statement_date", "fund_id", "holding_id", "nav", "currency",
                      "received_date", "contributions_itd", "distributions_itd", "fees_itd",
                      "carry_accrued"),
    "gp_holdings": ("statement_date", "fund_id", "holding_id", "company_id", "cost",
                    "fair_value", "currency"),
    "calls": ("call_id", "fund_id", "kind", "notice_date", "due_date", "for_investments",
              "for_fees", "for_expenses", "for_other", "memo"),
    "index_levels": ("date", "index_id", "level", "name"),
}
# fmt: on
TYPE_ORDER = {t: i for i, t in enumerate(CASH_SIGN)}


def check(book: Book) -> None:
    """The book's own invariants: no fund's cash below zero, no call beyond a commitment."""
    flows: dict[tuple[str, date], Decimal] = defaultdict(Decimal)
    paid: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for d, f, k, investor, _, a, _ in book.txns:
        flows[f, d] += CASH_SIGN[k] * a
        if k == "contribution":
            paid[f, investor] += a
    balance: dict[str, Decimal] = defaultdict(Decimal)
    for (f, d), net in sorted(flows.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        balance[f] += net
        if balance[f] < 0:
            raise FundbookError(f"demo book: {f} cash negative on {d}")
    committed: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for f, investor, _, a in book.commitments:
        committed[f, investor] += a
    for key, amount in paid.items():
        if amount > committed[key]:
            raise FundbookError(f"demo book: {key} contributed beyond its commitment")


def build_demo_book(seed: int = DEFAULT_SEED) -> dict[str, list[tuple[str, ...]]]:
    """Every file of the demo book as rows of strings (header excluded), sorted."""
    book = Book(random.Random(seed))
    build_fx(book)
    build_parties(book)
    portfolio = build_sub_fund_deals(book)
    build_direct_co_investments(book, portfolio)
    build_sub_fund_running(book)
    build_gp_fund(book)
    build_sub_fund_calls(book)
    build_valuations(book)
    build_itvf(book)
    build_mplus(book)
    check(book)
    return {**rows(book), "index_levels": index_rows(seed)}


def txn_order(t: tuple[date, str, str, str, str, Decimal, str]) -> tuple[object, ...]:
    """Date, fund, then the type's place in the contract, then the rest of the row."""
    return (t[0], t[1], TYPE_ORDER[t[2]], *t[3:])


def rows(book: Book) -> dict[str, list[tuple[str, ...]]]:
    cur = book.currency
    ordered = sorted(enumerate(book.txns), key=lambda it: txn_order(it[1]))
    seq: dict[str, int] = defaultdict(int)
    txns: list[tuple[str, ...]] = []
    for n, (d, f, k, investor, holding, a, memo) in ordered:
        seq[f] += 1
        more = book.extra.get(n, {})
        txns.append(
            (f"{f}-{seq[f]:05d}", d.isoformat(), f, k, investor, holding, f"{a:.2f}", cur[f], memo,
             *(more.get(column, "") for column in OPTIONAL[:-1]))
        )  # fmt: skip
    calls, call_of = demo_calls(txns)
    txns = [(*t, call_of.get(t[0], "")) for t in txns]
    return {
        "funds": sorted(book.funds),
        "investors": sorted(
            (*i, "true" if i[0] in STRATEGIC_FLAGGED else "false") for i in book.investors
        ),
        "companies": sorted(
            (c, n, t, "true" if hk else "false", country)
            for c, (n, t, hk, country) in book.companies.items()
        ),
        "commitments": sorted(
            (f, i, d.isoformat(), f"{a:.2f}", cur[f]) for f, i, d, a in book.commitments
        ),
        "transactions": txns,
        "valuations": sorted(
            (d.isoformat(), f, h, f"{v:.2f}", cur[f]) for d, f, h, v in book.valuations
        ),
        "fx_rates": [(d.isoformat(), "USD", f"{r:.4f}") for d, r in sorted(book.usd.items())],
        "terms": terms_rows(),
        "investor_terms": sorted(
            (f, i, f"{discount}", "false") for (f, i), discount in SIDE_LETTERS.items()
        ),
        **gp_rows(),
        "calls": calls,
    }


def write_demo_book(out_dir: Path | str, seed: int = DEFAULT_SEED) -> dict[str, int]:
    """Write the demo book's CSV files (and its commentary) into `out_dir`; returns the row
    count per CSV file."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    counts = {}
    for name, body in build_demo_book(seed).items():
        with open(out / f"{name}.csv", "w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
            writer.writerow(COLUMNS[name])
            writer.writerows(body)
        counts[name] = len(body)
    notes = out / "commentary"
    notes.mkdir(exist_ok=True)
    for filename, text in COMMENTARY.items():
        (notes / filename).write_text(text, encoding="utf-8", newline="\n")
    return counts


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m fundbook.synth.demo",
        description="Write the seeded demo book as ledger CSVs.",
    )
    parser.add_argument("out_dir", help="directory to write the CSV files into")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    counts = write_demo_book(args.out_dir, args.seed)
    print(", ".join(f"{name}: {n}" for name, n in counts.items()))


if __name__ == "__main__":
    main()

"""Which funds of a book keep their ledger in it (the rest are held from GP statements)."""

from __future__ import annotations

import polars as pl


def ledgers_in_book(commitments: pl.DataFrame, transactions: pl.DataFrame) -> pl.Series:
    """The funds whose ledger is in the book: those with rows of their own in commitments.csv
    or transactions.csv (their partners or their flows). Any other fund of funds.csv (a
    sub-fund held from its GP's statements) has no fund-level figures in the book: the one
    definition of the mirror rule, the compliance facts and the GP valuation."""
    own = [commitments.get_column("fund_id"), transactions.get_column("fund_id")]
    return pl.concat(own).unique().drop_nulls().sort()

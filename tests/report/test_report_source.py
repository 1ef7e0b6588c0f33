"""The report source: keyed lookups equal the plain filter; the previous quarter on demand."""

from __future__ import annotations

import polars as pl
from conftest import make_source

from fundbook.report.source import level, rows


def test_find_returns_the_rows_of_the_filter_in_order():
    source = make_source()
    snap = source.snapshot
    for name, keys in (
        ("holding", {"fund_id": "f1"}),
        ("investor", {"fund_id": "f1", "investor_id": "lp-a"}),
        ("flow", {"fund_id": "f1", "investor_id": "lp-b"}),
        ("flow", {"fund_id": "f1", "investor_id": "nobody"}),
        ("grant", {"fund_id": "f1"}),  # a level the snapshot lacks
    ):
        assert source.find(name, **keys) == rows(level(snap, name), **keys), (name, keys)


def test_find_matches_null_keys_and_copies_rows():
    frame = pl.DataFrame({"fund_id": ["F", "F", "F"], "investor_id": [None, "a", None]})
    source = make_source()
    source.snapshot.levels["toy"] = frame.with_columns(n=pl.Series([1, 2, 3]))
    found = source.find("toy", fund_id="F", investor_id=None)
    assert [r["n"] for r in found] == [1, 3]
    found[0]["n"] = 99  # callers may change what they get
    assert [r["n"] for r in source.find("toy", fund_id="F", investor_id=None)] == [1, 3]


def test_statement_row_is_the_row_of_its_basis_fund_and_investor():
    source = make_source()
    table = source.snapshot.statements
    for basis, investor in (("QTD", "lp-a"), ("ITD", None), ("YTD", "lp-b")):
        expected = table.filter(
            (pl.col("basis") == basis)
            & (pl.col("fund_id") == "f1")
            & (
                pl.col("investor_id").is_null()
                if investor is None
                else pl.col("investor_id") == investor
            )
        ).to_dicts()
        assert source.statement_row(basis, "f1", investor) == expected[-1]
    assert source.statement_row("QTD", "f1", "nobody") == {}

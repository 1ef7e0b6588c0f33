"""The dated, signed flows of every net and gross IRR: one producer for the XIRR (performance)
and for the lineage (explain, the audit pack)."""

from __future__ import annotations

from datetime import date

import polars as pl

from fundbook.core.types import GROSS_FLOW_SIGN, NET_FLOW_SIGN
from fundbook.metrics.money import CENTS, cents

SIGNS = {"net": NET_FLOW_SIGN, "gross": GROSS_FLOW_SIGN}
# The figure that closes each IRR as a final inflow at the date: (basis, level) -> figure.
TERMINALS = {
    ("net", "investor"): "nav",
    ("net", "fund"): "nav",
    ("gross", "holding"): "fair_value",
    ("gross", "fund"): "holdings_value",
}
KEYS = {
    "fund": ("fund_id",),
    "investor": ("fund_id", "investor_id"),
    "holding": ("fund_id", "holding_id"),
}


def irr_inputs(
    txns: pl.DataFrame,
    basis: str,
    level: str,
    values: pl.DataFrame,
    as_of: date,
    detail: bool = False,
) -> pl.DataFrame:
    """The flows of the `basis` IRR of every row of `level`: the transactions of the basis'
    types (`txns`, already as of `as_of`), signed as the payer sees them, then the level's
    terminal figure (TERMINALS, a column of `values`: cents or Decimal money) at `as_of`.

    Columns: the level's keys, date, amount (cents); with `detail`, also flow (the type, or
    the figure), txn_id and source (file:line, or level.figure)."""
    keys = KEYS[level]
    signs, figure = SIGNS[basis], TERMINALS[(basis, level)]
    sign = pl.col("type").replace_strict(signs, default=0, return_dtype=pl.Int8).cast(CENTS)
    row_detail = [
        pl.col("type").alias("flow"),
        pl.col("txn_id"),
        pl.format("{}:{}", "source_file", "source_line").alias("source"),
    ]
    rows = txns.filter(pl.col("type").is_in(list(signs))).select(
        *keys,
        "date",
        (cents(pl.col("amount_fund")) * sign).alias("amount"),
        *(row_detail if detail else []),
    )
    value = pl.col(figure)
    value = cents(value) if isinstance(values.schema[figure], pl.Decimal) else value.cast(CENTS)
    value_detail = [
        pl.lit(figure).alias("flow"),
        pl.lit(None, pl.String).alias("txn_id"),
        pl.lit(f"{level}.{figure}").alias("source"),
    ]
    final = values.select(
        *keys,
        pl.lit(as_of).alias("date"),
        value.alias("amount"),
        *(value_detail if detail else []),
    )
    return pl.concat([rows, final])

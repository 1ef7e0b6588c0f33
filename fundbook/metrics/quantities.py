"""Average cost of holdings tracked by quantity: each row's cost relieved and units held after.

A holding is tracked by quantity when one of its investment or proceeds rows has a quantity
(the ledger then requires it on all of them). Selling q of the Q units held relieves
round_half_even(remaining cost x q / Q), all of it when q = Q; a write-off relieves what
remains. The remaining cost after a sale depends on the rounding of every sale before it, a
recursion with no exact closed form, so it is run row by row in exact integers, but only over
the rows of tracked holdings (few); a book without quantities skips it.
"""

from __future__ import annotations

from decimal import Decimal

import polars as pl

from fundbook.core.types import QUANTITY_TYPES
from fundbook.metrics.money import CENTS, cents

UNIT = 10**6  # quantities have at most 6 decimals: units of 10⁻⁶ are exact integers
QUANTITY_HELD = pl.Decimal(38, 6)
RELIEF = "_relief"  # cents of cost a row relieves (tracked holdings, and write-offs)
HELD = "_held_units"  # units held after the row (tracked holdings)
UNITS = "_units"  # the row's own quantity in units
TRACKED = "_tracked"  # the row's holding is tracked by quantity
_KEYS = ["fund_id", "holding_id"]


def units(expr: pl.Expr) -> pl.Expr:
    """A quantity (Decimal, 6 places) as an exact integer of 10⁻⁶ units."""
    return (expr.cast(QUANTITY_HELD) * UNIT).cast(CENTS)


def quantity(units_expr: pl.Expr) -> pl.Expr:
    """Integer units of 10⁻⁶ as a quantity (Decimal, 6 places), exact."""
    return (units_expr.cast(pl.Decimal(38, 0)) * pl.lit(Decimal("0.000001"))).cast(QUANTITY_HELD)


def average_cost(rows: pl.DataFrame) -> pl.DataFrame:
    """Rows in relief order (`positions.holding_rows`), with RELIEF, HELD, UNITS and TRACKED
    when the book has a quantity or a write-off; unchanged otherwise."""
    has_quantity = "quantity" in rows.columns and rows["quantity"].null_count() < rows.height
    if not has_quantity and not (rows["type"] == "write_off").any():
        return rows
    if "quantity" not in rows.columns:
        rows = rows.with_columns(pl.lit(None, QUANTITY_HELD).alias("quantity"))
    traded = pl.col("type").is_in(QUANTITY_TYPES) & pl.col("quantity").is_not_null()
    rows = rows.with_row_index("_i").with_columns(
        units(pl.col("quantity")).alias(UNITS), traded.any().over(_KEYS).alias(TRACKED)
    )
    mine = rows.filter(pl.col(TRACKED) | (pl.col("type") == "write_off"))
    starts = pl.any_horizontal(pl.col(k).ne_missing(pl.col(k).shift()) for k in _KEYS)
    mine = mine.select(
        "_i",
        starts.fill_null(True).alias("_start"),
        "type",
        cents(pl.col("amount_fund")).alias("_cents"),
        UNITS,
        TRACKED,
    )
    relief, held = _recursion(*(mine[c].to_list() for c in mine.columns[1:]))
    patch = mine.select("_i").with_columns(
        pl.Series(RELIEF, relief, dtype=CENTS), pl.Series(HELD, held, dtype=CENTS)
    )
    return rows.join(patch, on="_i", how="left", maintain_order="left").drop("_i")


def _recursion(
    start: list[bool],
    types: list[str],
    amounts: list[int],
    quantities: list[int | None],
    tracked: list[bool],
) -> tuple[list[int | None], list[int | None]]:
    """Per row: the cents relieved (proceeds and write-offs) and units held after it."""
    relief: list[int | None] = []
    held: list[int | None] = []
    cost = units_held = 0
    rows = zip(start, types, amounts, quantities, tracked, strict=True)
    for new, kind, amount, q, is_tracked in rows:
        if new:
            cost = units_held = 0
        r: int | None = None
        if kind == "investment":
            cost += amount
            units_held += q or 0
        elif kind == "proceeds" and q:
            r = cost if q >= units_held else _half_even(cost * q, units_held)
            cost, units_held = cost - r, units_held - q
        elif kind == "write_off" and is_tracked:  # untracked: all of the cost (relieve)
            r, cost, units_held = cost, 0, 0
        relief.append(r)
        held.append(units_held if is_tracked else None)
    return relief, held


def _half_even(num: int, den: int) -> int:
    """num / den rounded half-even (den > 0), exact."""
    quotient, rest = divmod(num, den)
    twice = 2 * rest
    return quotient + (1 if twice > den or (twice == den and quotient % 2) else 0)

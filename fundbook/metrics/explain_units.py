"""Explain lines of a holding tracked by quantity: the units, each sale's average-cost relief,
and a mark scaled to the units still held."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_EVEN, Decimal

import polars as pl

from fundbook.metrics import lineage as ln
from fundbook.metrics.positions import holding_rows
from fundbook.metrics.quantities import HELD, RELIEF, TRACKED, UNIT, UNITS

_HUNDRED = Decimal(100)


def tracked_rows(mine: pl.DataFrame) -> pl.DataFrame | None:
    """The holding's rows in relief order with their reliefs and units held, when it is
    tracked by quantity (None otherwise)."""
    rows = holding_rows(mine)
    if TRACKED not in rows.columns or not rows[TRACKED].any():
        return None
    return rows


def _units(value: int) -> str:
    text = f"{Decimal(value) / UNIT:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _money(cents: int) -> str:
    return f"{Decimal(cents) / _HUNDRED:,.2f}"


def relief_lines(rows: pl.DataFrame, sign: int = -1) -> pl.DataFrame:
    """One line per proceeds or write-off row: the cost it relieves at average cost (remaining
    cost x units sold / units held, rounded half-even; all of it on selling out or writing
    off), signed by `sign`, with the row's file:line."""
    parts, cost, held = [], 0, 0
    for r in rows.iter_rows(named=True):
        amount = int(r["amount_fund"] * 100)
        if r["type"] == "investment":
            cost, held = cost + amount, held + (r[UNITS] or 0)
        if r[RELIEF] is None:
            continue
        if r["type"] == "write_off":
            how = f"all of the remaining cost {_money(cost)} ({_units(held)} units)"
        elif r[UNITS] >= held:
            how = f"all of the remaining cost {_money(cost)}: all {_units(held)} units sold"
        else:
            how = f"{_money(cost)} x {_units(r[UNITS])} / {_units(held)} units, rounded half-even"
        parts.append(
            ln.value_line(
                f"cost relieved by {r['type']} ({r['txn_id']}) at average cost: {how}",
                Decimal(sign * r[RELIEF]) / _HUNDRED,
                date=r["date"],
                kind="row",
                source=f"{r['source_file']}:{r['source_line']}",
            )
        )
        cost, held = cost - r[RELIEF], r[HELD]
    return ln.concat(parts)


def scaled_mark_lines(rows: pl.DataFrame, mark: pl.DataFrame, mark_date: dt.date) -> pl.DataFrame:
    """The latest mark plus later investments, and the change that scales them to the units
    held now over those held at the end of the mark's date plus bought after it, the scaled
    value rounded half-even once (computed here, never read from the stored figure)."""
    later = rows.filter((pl.col("type") == "investment") & (pl.col("date") > mark_date))
    at_mark = rows.filter(pl.col("date") <= mark_date)[HELD].drop_nulls()
    held_then = int(at_mark[-1]) if at_mark.len() else 0
    bought = int(later[UNITS].sum() or 0)
    now = int(rows[HELD].drop_nulls()[-1])
    base = ln.concat([mark, ln.txn_lines(later, {"investment": 1})])
    unscaled = sum(base["amount"].drop_nulls().to_list(), Decimal(0))
    den = held_then + bought
    scaled = (unscaled * now / den if den else Decimal(0)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_EVEN
    )
    label = (
        f"x {_units(now)} units held / ({_units(held_then)} held at the end of {mark_date} + "
        f"{_units(bought)} bought since), rounded half-even once: the units sold since are "
        "no longer valued"
    )
    return ln.concat([base, ln.value_line(label, scaled - unscaled)])

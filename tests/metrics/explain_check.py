"""Reproduce a figure from the lines `explain` gives, by the arithmetic of their roles."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import numpy as np
import polars as pl
import pyxirr

from fundbook.core.types import INFO_LEVELS
from fundbook.metrics import explain
from fundbook.metrics.explain import Stored, derived_text
from fundbook.metrics.protocol import BookFrames
from fundbook.metrics.xirr import xirr_grouped

STATEMENT_KEYS = ("basis", "start_date", "end_date", "fund_id", "investor_id")


def _total(lines: pl.DataFrame, role: str) -> Decimal:
    return sum(lines.filter(pl.col("role") == role)["amount"].drop_nulls().to_list(), Decimal(0))


def reproduced(lines: pl.DataFrame, value: Any, level: str) -> Any:
    """The figure as the lines give it: a sum (of money, or of ratios: a change), a quotient,
    a count, the text; an IRR when the NPV of the flow lines at it is zero (an XIRR may have
    several roots), else the XIRR of the flow lines by the metrics' solver (a rate near -100 %,
    where the NPV is ill-conditioned)."""
    body = lines.filter(pl.col("role") != "result")
    roles = set(body["role"].to_list())
    if level in INFO_LEVELS or isinstance(value, (bool, str, dt.date)):
        # from the body (the source row or the rule's derived line), never the result line
        return derived_text(body)
    if "derived" in roles:  # the value a metrics' rule gives from the lines above it
        line = body.filter(pl.col("role") == "derived").row(-1, named=True)
        return next((line[c] for c in ("amount", "ratio", "count") if line[c] is not None), None)
    if "flow" in roles:  # a zero of the NPV of the flow lines, else the rate found from them
        flows = body.filter(pl.col("role") == "flow")
        dates, amounts = flows["date"].to_list(), [float(a) for a in flows["amount"]]
        npv = pyxirr.xnpv(value, dates, amounts)
        if npv is not None and abs(npv) <= 1e-7 * sum(abs(a) for a in amounts):
            return value
        rate = xirr_grouped(np.zeros(len(dates), dtype=np.int64), dates, amounts)[0]
        return float(rate)
    if "numerator" in roles:
        num, den = _total(body, "numerator"), _total(body, "denominator")
        if body.filter(pl.col("role") == "numerator")["amount"].is_null().all():
            num = Decimal(int(body.filter(pl.col("role") == "numerator")["count"].sum()))
            den = Decimal(int(body.filter(pl.col("role") == "denominator")["count"].sum()))
        return float(num) / float(den) if den else None
    if "counted" in roles or (isinstance(value, int) and not isinstance(value, bool)):
        return int(body.filter(pl.col("role") == "counted")["count"].sum())
    if "constant" in roles:
        line = body.filter(pl.col("role") == "constant").row(0, named=True)
        return line["ratio"] if line["ratio"] is not None else line["text"]
    if isinstance(value, float):  # a ratio's change: the difference of its stated values
        return sum(body.filter(pl.col("role") == "term")["ratio"].drop_nulls().to_list(), 0.0)
    return _total(body, "term")


def matches(lines: pl.DataFrame, value: Any, level: str) -> tuple[bool, Any]:
    """Whether the lines reproduce `value`: money to the cent, counts exactly, ratios and IRRs
    to float precision, text as its source holds it."""
    if value is None:  # undefined: the result says so, and nothing claims a value
        last = lines.row(-1, named=True)
        return all(last[c] is None for c in ("amount", "ratio", "count", "text")), None
    got = reproduced(lines, value, level)
    if level in INFO_LEVELS or isinstance(value, (str, dt.date)):
        return got == str(value), got
    if isinstance(value, bool):
        return got == str(value).lower(), got
    if isinstance(value, float):
        return isinstance(got, float) and abs(got - value) <= 1e-9 * max(1.0, abs(value)), got
    return got == value and type(got) is type(value), got


def every_figure(
    stored: Stored, keys: dict[str, tuple[str, ...]]
) -> Iterator[tuple[str, dict[str, Any], str]]:
    """(level, row, figure) for every figure of every row of every level and statement."""
    tables = [(lv, df, keys[lv]) for lv, df in stored.levels.items()]
    tables.append(("statement", stored.statements, STATEMENT_KEYS))
    for level, df, key in tables:
        figures = [c for c in df.columns if c not in key]
        for row in df.iter_rows(named=True):
            for figure in figures:
                yield level, row, figure


def failures(
    frames: BookFrames, stored: Stored, as_of: dt.date, keys: dict[str, tuple[str, ...]]
) -> tuple[int, list[str]]:
    """How many figures were explained, and each one whose lines do not reproduce it."""
    count, bad = 0, []
    for level, row, figure in every_figure(stored, keys):
        lines = explain(frames, stored, as_of, level, row, figure)
        assert lines["role"][-1] == "result", (level, figure)
        ok, got = matches(lines, row[figure], level)
        count += 1
        if not ok:
            bad.append(f"{level} {row} {figure}: stored {row[figure]!r}, lines give {got!r}")
    return count, bad


def tampered(value: Any) -> Any:
    """Another value of the same kind: money a cent more, a ratio, count or date moved, a flag
    flipped, a text changed."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, Decimal):
        return value + Decimal("0.01")
    if isinstance(value, int):
        return value + 1
    if isinstance(value, float):
        return value + 0.125
    if isinstance(value, dt.date):
        return value + dt.timedelta(days=1)
    return f"{value}-tampered"


def undetected(
    frames: BookFrames, stored: Stored, as_of: dt.date, keys: dict[str, tuple[str, ...]]
) -> tuple[set[tuple[str, str]], list[str]]:
    """Each figure (level, figure) tampered in its first, middle and last non-null row of the
    stored frames `explain` reads: the (level, kind) tried, and each tamper the checker
    accepted."""
    tables = {lv: (df, keys[lv]) for lv, df in stored.levels.items()}
    tables["statement"] = (stored.statements, STATEMENT_KEYS)
    tried, accepted = set(), []
    for level, (df, key) in tables.items():
        for figure in (c for c in df.columns if c not in key):
            rows = df.with_row_index("_i").filter(pl.col(figure).is_not_null())
            picks = [rows["_i"][j] for j in (0, rows.height // 2, -1)] if rows.height else []
            for i in sorted(set(picks)):
                row = df.row(i, named=True)
                new = tampered(row[figure])
                cell = pl.int_range(pl.len()) == i
                changed = df.with_columns(
                    pl.when(cell)
                    .then(pl.lit(new, df.schema[figure]))
                    .otherwise(pl.col(figure))
                    .alias(figure)
                )
                if level == "statement":
                    st = dataclasses.replace(stored, statements=changed)
                else:
                    st = dataclasses.replace(stored, levels={**stored.levels, level: changed})
                lines = explain(frames, st, as_of, level, {**row, figure: new}, figure)
                tried.add((level, type(row[figure]).__name__))
                if matches(lines, new, level)[0]:
                    accepted.append(f"{level}.{figure} {row_key(row, key)}: {new!r}")
    return tried, accepted


def row_key(row: dict[str, Any], key: tuple[str, ...]) -> dict[str, Any]:
    return {k: row[k] for k in key}

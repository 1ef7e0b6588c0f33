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


def reproduced(lines: pl.DataFrame, value: Any, level: str, kind: Any = None) -> Any:
    """The figure as the lines give it: a sum (of money, or of ratios: a change), a quotient,
    a count, the text; an IRR when the NPV of the flow lines at it is zero (an XIRR may have
    several roots), else the XIRR of the flow lines by the metrics' solver (a rate near -100 %,
    where the NPV is ill-conditioned). None when the lines give no value; `kind`: a value of
    the figure's kind, when `value` is None (undefined)."""
    body = lines.filter(pl.col("role") != "result")
    roles = set(body["role"].to_list())
    value, given = (kind if value is None else value), value
    if level in INFO_LEVELS or isinstance(value, (bool, str, dt.date)):
        # from the body (the source row or the rule's derived line), never the result line
        return derived_text(body)
    if "derived" in roles:  # the value a metrics' rule gives from the lines above it
        line = body.filter(pl.col("role") == "derived").row(-1, named=True)
        return next(
            (line[c] for c in ("amount", "ratio", "count", "text") if line[c] is not None), None
        )
    if "flow" in roles:  # a zero of the NPV of the flow lines, else the rate found from them
        return _irr(body.filter(pl.col("role") == "flow"), given)
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
    terms = body.filter(pl.col("role") == "term")
    if terms.select(pl.all_horizontal(pl.col(_VALUES).is_null()).any()).item():
        return None  # a term without a value (undefined): the sum is undefined
    if isinstance(value, float):  # a ratio's change: the difference of its stated values
        return sum(terms["ratio"].to_list(), 0.0) if terms.height else None
    return _total(body, "term")


_VALUES = ("amount", "ratio", "count", "text")


def _irr(flows: pl.DataFrame, value: Any) -> float | None:
    dates, amounts = flows["date"].to_list(), [float(a) for a in flows["amount"]]
    if not (any(a > 0 for a in amounts) and any(a < 0 for a in amounts)):
        return None  # no flows of both signs: no rate gives an NPV of zero, no IRR
    if value is not None:
        npv = pyxirr.xnpv(value, dates, amounts)
        if npv is not None and abs(npv) <= 1e-7 * sum(abs(a) for a in amounts):
            return float(value)
    rate = xirr_grouped(np.zeros(len(dates), dtype=np.int64), dates, amounts)[0]
    return None if rate is None or np.isnan(rate) else float(rate)


def matches(
    lines: pl.DataFrame, value: Any, level: str, dtype: pl.DataType | None = None
) -> tuple[bool, Any]:
    """Whether the lines reproduce `value` (of the stored column's `dtype`): money to the cent,
    counts exactly, ratios and IRRs to float precision, text as its source holds it; and
    undefined (None) only when they give no value."""
    kind = _OF_TYPE.get(type(dtype)) if dtype is not None else None
    got = reproduced(lines, value, level, kind)
    if value is None:
        return got is None, got
    if level in INFO_LEVELS or isinstance(value, (str, dt.date)):
        return got == str(value), got
    if isinstance(value, bool):
        return got == str(value).lower(), got
    if isinstance(value, float):
        return isinstance(got, float) and abs(got - value) <= 1e-9 * max(1.0, abs(value)), got
    return got == value and type(got) is type(value), got


def every_figure(
    stored: Stored, keys: dict[str, tuple[str, ...]]
) -> Iterator[tuple[str, dict[str, Any], str, pl.DataType]]:
    """(level, row, figure, its dtype) for every figure of every row of every level and
    statement."""
    tables = [(lv, df, keys[lv]) for lv, df in stored.levels.items()]
    tables.append(("statement", stored.statements, STATEMENT_KEYS))
    for level, df, key in tables:
        figures = [c for c in df.columns if c not in key]
        for row in df.iter_rows(named=True):
            for figure in figures:
                yield level, row, figure, df.schema[figure]


def failures(
    frames: BookFrames, stored: Stored, as_of: dt.date, keys: dict[str, tuple[str, ...]]
) -> tuple[int, list[str]]:
    """How many figures were explained, and each one whose lines do not reproduce it."""
    count, bad = 0, []
    for level, row, figure, dtype in every_figure(stored, keys):
        lines = explain(frames, stored, as_of, level, row, figure)
        assert lines["role"][-1] == "result", (level, figure)
        ok, got = matches(lines, row[figure], level, dtype)
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
    if isinstance(value, float):  # relative past 1: matches() compares to 1e-9 of the value
        return value + 0.125 * max(1.0, abs(value))
    if isinstance(value, dt.date):
        return value + dt.timedelta(days=1)
    return f"{value}-tampered"


def undetected(
    frames: BookFrames, stored: Stored, as_of: dt.date, keys: dict[str, tuple[str, ...]]
) -> tuple[set[tuple[str, str]], list[str]]:
    """Each figure (level, figure) tampered in the stored frames `explain` reads: in its
    first, middle and last non-null row (another value of its kind), in its first non-null
    row to null, and in its first null row to a value; the (level, kind of the tampered
    value) tried, and each tamper the checker accepted."""
    tables = {lv: (df, keys[lv]) for lv, df in stored.levels.items()}
    tables["statement"] = (stored.statements, STATEMENT_KEYS)
    tried, accepted = set(), []
    for level, (df, key) in tables.items():
        for figure in (c for c in df.columns if c not in key):
            for i, new in _tampers(df, figure):
                row = df.row(i, named=True)
                lines = explain(
                    frames,
                    _stored_with(stored, level, df, i, figure, new),
                    as_of,
                    level,
                    {**row, figure: new},
                    figure,
                )
                tried.add((level, type(new).__name__))
                if matches(lines, new, level, df.schema[figure])[0]:
                    accepted.append(f"{level}.{figure} {row_key(row, key)}: {new!r}")
    return tried, accepted


def _tampers(df: pl.DataFrame, figure: str) -> list[tuple[int, Any]]:
    """(row, tampered value) of a figure: its first, middle and last non-null values changed,
    its first non-null set to null, its first null set to a value of its kind (another row's,
    else one of its type)."""
    indexed = df.with_row_index("_i")
    values = indexed.filter(pl.col(figure).is_not_null())
    nulls = indexed.filter(pl.col(figure).is_null())["_i"].to_list()
    picks = sorted(
        {values["_i"][j] for j in (0, values.height // 2, -1)} if values.height else set()
    )
    out = [(i, tampered(df[figure][i])) for i in picks]
    if values.height:
        out.append((values["_i"][0], None))
    if nulls:
        out.append(
            (nulls[0], values[figure][0] if values.height else _OF_TYPE[type(df.schema[figure])])
        )
    return out


_OF_TYPE: dict[type, Any] = {
    pl.Decimal: Decimal("0.01"),
    pl.Float64: 0.125,
    pl.Int64: 1,
    pl.String: "tampered",
    pl.Boolean: True,
    pl.Date: dt.date(2000, 1, 1),
}


def _stored_with(
    stored: Stored, level: str, df: pl.DataFrame, i: int, figure: str, new: Any
) -> Stored:
    """`stored` with the figure of row `i` of `level` set to `new`."""
    cell = pl.int_range(pl.len()) == i
    changed = df.with_columns(
        pl.when(cell).then(pl.lit(new, df.schema[figure])).otherwise(pl.col(figure)).alias(figure)
    )
    if level == "statement":
        return dataclasses.replace(stored, statements=changed)
    return dataclasses.replace(stored, levels={**stored.levels, level: changed})


def row_key(row: dict[str, Any], key: tuple[str, ...]) -> dict[str, Any]:
    return {k: row[k] for k in key}

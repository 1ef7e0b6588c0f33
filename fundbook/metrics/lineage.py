"""Lineage lines: the ledger rows and stored figures a figure is built from, and the dated
flows behind every IRR (one producer for `explain` and the audit pack)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

import polars as pl

from fundbook.metrics.money import MONEY, RATE, cents, convert, from_cents
from fundbook.metrics.returns import KEYS, TERMINALS, irr_inputs

# One line of an explanation. `role` says how the line enters the figure's arithmetic:
# term (added), numerator / denominator (each added, then divided), flow (a dated flow of an
# IRR), counted (one counted item), shown (context, outside the arithmetic), result (the
# figure, read where it is stored). `amount` is money, `ratio` a ratio / rate / IRR, `count`
# a count, `text` a text, date or flag figure as its source holds it.
LINES = pl.Schema(
    {
        "step": pl.Int64(),
        "date": pl.Date(),
        "kind": pl.String(),
        "role": pl.String(),
        "item": pl.String(),
        "source": pl.String(),
        "amount": MONEY,
        "ratio": pl.Float64(),
        "count": pl.Int64(),
        "text": pl.String(),
    }
)
# `derived`: a text, flag or date the rule gives from the lines above it (its source or the
# metrics' rule evaluated on them), never the figure explained.
ROLES = ("term", "numerator", "denominator", "flow", "counted", "shown", "derived", "result")


def empty() -> pl.DataFrame:
    return pl.DataFrame(schema=LINES)


def value_line(item: str, value: Any, role: str = "term", **extra: Any) -> pl.DataFrame:
    """One line of a named value: money (Decimal), ratio (float), count (int) or text."""
    line: dict[str, Any] = {"kind": "value", "role": role, "item": item, **extra}
    if isinstance(value, bool) or isinstance(value, (str, dt.date)):
        line["text"] = str(value).lower() if isinstance(value, bool) else str(value)
    elif isinstance(value, Decimal):
        line["amount"] = value
    elif isinstance(value, int):
        line["count"] = value
    elif isinstance(value, float):
        line["ratio"] = value
    return pl.DataFrame([{c: line.get(c) for c in LINES}], schema=LINES)


def rule_line(item: str, rule: pl.Expr, inputs: Mapping[str, Any], source: str) -> pl.DataFrame:
    """The value a metrics rule (`rule`, an expression) gives on `inputs` (the values of the
    lines above it), as a `derived` line."""
    frame = pl.DataFrame([dict(inputs)], infer_schema_length=None)
    value = frame.select(rule.alias("_v"))["_v"][0]
    return value_line(item, value, "derived", source=source)


def frame_lines(df: pl.DataFrame, role: str, **exprs: pl.Expr) -> pl.DataFrame:
    """Lines from the rows of `df`: each column of LINES from `exprs` (null when not given)."""
    defaults: dict[str, pl.Expr] = {"kind": pl.lit("value"), "role": pl.lit(role)}
    defaults.update(exprs)
    return df.select(
        *[
            defaults[c].cast(t).alias(c) if c in defaults else pl.lit(None, t).alias(c)
            for c, t in LINES.items()
        ]
    )


def _who() -> pl.Expr:
    return pl.coalesce("investor_id", "holding_id", pl.lit("-"))


def txn_lines(
    txns: pl.DataFrame,
    signs: Mapping[str, int],
    role: str = "term",
    rate: tuple[Any, Any] | None = None,
) -> pl.DataFrame:
    """Transaction rows of the given types, signed, in date and file order; converted at
    `rate` (HKD per unit: from, to) and rounded half-even per row when given."""
    rows = txns.filter(pl.col("type").is_in(list(signs)))
    sign = pl.col("type").replace_strict(dict(signs), return_dtype=pl.Int8).cast(pl.Int128)
    item = pl.format("{} {} ({})", "type", _who(), "txn_id")
    return _ledger_row_lines(
        rows, role, item, _converted(cents(pl.col("amount_fund")) * sign, rate)
    )


def commitment_lines(
    commitments: pl.DataFrame,
    sign: int = 1,
    role: str = "term",
    rate: tuple[Any, Any] | None = None,
) -> pl.DataFrame:
    """Commitment rows (signed), in date and file order."""
    item = pl.format("commitment {}", "investor_id")
    amount = _converted(cents(pl.col("amount_fund")) * sign, rate)
    return _ledger_row_lines(commitments, role, item, amount)


def _ledger_row_lines(
    rows: pl.DataFrame, role: str, item: pl.Expr, amount: pl.Expr
) -> pl.DataFrame:
    """Ledger rows as lines of `role`, in date and file order, each naming its file:line."""
    return frame_lines(
        rows.sort("date", "source_file", "source_line"),
        role,
        date=pl.col("date"),
        kind=pl.lit("row"),
        item=item,
        source=pl.format("{}:{}", "source_file", "source_line"),
        amount=amount,
    )


def _converted(amount_cents: pl.Expr, rate: tuple[Any, Any] | None) -> pl.Expr:
    if rate is None or rate[0] == rate[1]:
        return from_cents(amount_cents)
    rate_from, rate_to = (pl.lit(r).cast(RATE) for r in rate)
    return from_cents(convert(amount_cents, rate_from, rate_to))


def stored_lines(
    df: pl.DataFrame, column: str, label: pl.Expr, source: str, role: str = "term", sign: int = 1
) -> pl.DataFrame:
    """One line per row of a stored level: its figure `column` (money, ratio or count)."""
    dtype = df.schema[column]
    value = pl.col(column) * sign if sign != 1 else pl.col(column)
    slot = "amount" if isinstance(dtype, pl.Decimal) else "count" if dtype.is_integer() else "ratio"
    return frame_lines(df, role, item=label, source=pl.lit(source), **{slot: value})


def rounding_line(lines: pl.DataFrame, value: Decimal | None, role: str = "term") -> pl.DataFrame:
    """The difference between a figure rounded once and the sum of its lines rounded each."""
    total = sum(lines.filter(pl.col("role") == role)["amount"].drop_nulls().to_list(), Decimal(0))
    if value is None or total == value:
        return empty()
    return value_line(
        "rounding: the figure is the exact sum converted or shared, rounded half-even once",
        value - total,
        role,
        kind="rounding",
    )


def concat(parts: Iterable[pl.DataFrame]) -> pl.DataFrame:
    frames = [p for p in parts if p.height]
    return pl.concat(frames) if frames else empty()


_IDS = ("investor_id", "holding_id")
IRR_COLUMNS = (
    "basis",
    "level",
    "fund_id",
    "investor_id",
    "holding_id",
    "date",
    "flow",
    "txn_id",
    "source",
    "amount",
)


def irr_flows(
    transactions: pl.DataFrame, levels: Mapping[str, pl.DataFrame], as_of: dt.date
) -> pl.DataFrame:
    """Every dated flow behind the IRRs and multiples of a set of figures, in a fixed order.

    `net` rows are the investor ↔ fund flows plus the capital account (`nav`) at `as_of`, per
    investor and per fund; `gross` rows are the fund ↔ holding flows plus the holding's fair
    value, or the fund's holdings' value, per holding and per fund: the flows the XIRR solves
    (`returns.irr_inputs`), closed by the figures' own values (`levels`: fund, investor,
    holding), so they give back every stored IRR.
    """
    txns = transactions.filter(pl.col("date") <= as_of)
    parts = []
    for (basis, level), figure in TERMINALS.items():
        keys = {k: pl.String() for k in KEYS[level]}
        values = levels.get(level, pl.DataFrame(schema={**keys, figure: MONEY}))
        flows = irr_inputs(txns, basis, level, values, as_of, detail=True)
        parts.append(
            flows.with_columns(
                pl.lit(basis).alias("basis"),
                pl.lit(level).alias("level"),
                *(pl.lit(None, pl.String).alias(k) for k in _IDS if k not in keys),
                from_cents(pl.col("amount")).cast(MONEY).alias("amount"),
            )
        )
    out = pl.concat([p.select(*IRR_COLUMNS) for p in parts], how="vertical")
    order = ["basis", "level", "fund_id", "investor_id", "holding_id", "date", "flow", "txn_id"]
    return out.sort(order, nulls_last=False)


def irr_lines(flows: pl.DataFrame) -> pl.DataFrame:
    """The flows of one IRR (rows of `irr_flows` for one key) as lines, role `flow`."""
    is_row = pl.col("txn_id").is_not_null()
    item = pl.when(is_row).then(pl.format("{} ({})", "flow", "txn_id"))
    return frame_lines(
        flows,
        "flow",
        date=pl.col("date"),
        kind=pl.when(is_row).then(pl.lit("row")).otherwise(pl.lit("value")),
        item=item.otherwise(pl.format("{} at the date, as a final inflow", "flow")),
        source=pl.col("source"),
        amount=pl.col("amount"),
    )

"""Audit of closes: verify the hash chain, and reproduce a close's figures in a fresh database."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

import duckdb
import polars as pl

from fundbook.close import canonical
from fundbook.close.figures import compute
from fundbook.close.periods import Period
from fundbook.close.snapshot import LONG_SCHEMA, STATEMENT_LINES, find_close, read_stored
from fundbook.core.errors import FundbookError
from fundbook.store.db import apply_schema, frame, scalar, sql

BOOKED_TABLES = (
    "funds",
    "investors",
    "companies",
    "commitments",
    "transactions",
    "valuations",
    "fx_rates",
)
UNDATED = frozenset({"funds", "investors", "companies"})
FIGURE_KEYS = ["level", "fund_id", "investor_id", "holding_id", "item", "figure"]
LINE_KEYS = ["basis", "fund_id", "investor_id", "line"]
RATIO_TOLERANCE = 1e-12


class AuditFailed(FundbookError):
    """`audit verify` or `audit reproduce` found a difference (exit code 1)."""


def close_records(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Every stored close as a dict of its columns, oldest first."""
    cur = con.execute(sql("audit_close_record"))
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def record_of(con: duckdb.DuckDBPyConnection, close_id: int) -> dict[str, Any]:
    return next(r for r in close_records(con) if r["close_id"] == close_id)


@dataclass
class CloseCheck:
    """The verification of one close."""

    close_id: int
    period: str
    status: str
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _recomputed_hash(rec: dict[str, Any], output_hash: str, input_hash: str) -> str:
    return canonical.close_hash(
        canonical.chain_fields(
            period=rec["period"],
            quarter=rec["quarter"],
            period_start=rec["period_start"],
            period_end=rec["period_end"],
            carry_forward=rec["carry_forward"],
            carried_forward=rec["carried_forward"],
            figure_count=rec["figure_count"],
            input_hash=input_hash,
            output_hash=output_hash,
            versions_json=rec["versions"],
            prev_hash=rec["prev_hash"],
            input_from=rec["input_from"],
            input_after=rec["input_after"],
        )
    )


def _changed_tables(stored_json: str, now: list[canonical.PartDigest]) -> list[str]:
    stored = json.loads(stored_json)
    return [
        f"{p.name} ({stored.get(p.name, [0])[0]} rows then, {p.rows} now)"
        for p in now
        if stored.get(p.name, [None, None])[1] != p.digest
    ]


def recomputed_inputs(
    con: duckdb.DuckDBPyConnection, rec: dict[str, Any], records: dict[int, dict[str, Any]]
) -> tuple[str, list[canonical.PartDigest]]:
    """A close's input hash recomputed from the rows in `con`, chained to the recorded input
    hash of the close it continues (whose own rows are checked at that close)."""
    parts = canonical.input_digests(
        con, rec["input_from"], rec["period_end"], rec["import_watermark"]
    )
    after = records.get(rec["input_after"]) if rec["input_after"] is not None else None
    return canonical.input_hash(parts, after["input_hash"] if after else None), parts


def check_close(
    con: duckdb.DuckDBPyConnection,
    rec: dict[str, Any],
    prev_hash: str | None,
    records: dict[int, dict[str, Any]],
) -> CloseCheck:
    """Recompute one close's input and output hashes and its link in the chain."""
    check = CloseCheck(rec["close_id"], rec["period"], rec["status"])
    outputs = canonical.combine(canonical.output_digests(con, rec["close_id"]))
    if outputs != rec["output_hash"]:
        check.problems.append("its snapshot figures no longer match their hash (outputs changed)")
    if rec["status"] == "closed":
        digest, parts = recomputed_inputs(con, rec, records)
        if digest != rec["input_hash"]:
            changed = ", ".join(_changed_tables(rec["input_digests"], parts))
            check.problems.append(f"its booked inputs no longer match their hash: {changed}")
    if rec["prev_hash"] != prev_hash:
        check.problems.append("its link to the previous close is broken (prev_hash differs)")
    if _recomputed_hash(rec, rec["output_hash"], rec["input_hash"]) != rec["close_hash"]:
        check.problems.append("its close hash does not match its recorded fields")
    return check


def verify_chain(con: duckdb.DuckDBPyConnection) -> list[CloseCheck]:
    """Check every close in chain order; the first with problems is the one to report."""
    checks, prev = [], None
    records = close_records(con)
    by_id = {r["close_id"]: r for r in records}
    for rec in records:
        checks.append(check_close(con, rec, prev, by_id))
        prev = rec["close_hash"]
    return checks


def first_broken(checks: list[CloseCheck]) -> CloseCheck | None:
    return next((c for c in checks if not c.ok), None)


def booked_rows(con: duckdb.DuckDBPyConnection, table: str, rec: dict[str, Any]) -> pl.DataFrame:
    """The rows of `table` as they were at the close `rec`, every column, fixed order."""
    params = (
        {"watermark": rec["import_watermark"]}
        if table in UNDATED
        else {"period_end": rec["period_end"]}
    )
    return frame(con, sql(f"audit_rows_{table}"), params)


def fresh_book(con: duckdb.DuckDBPyConnection, rec: dict[str, Any]) -> duckdb.DuckDBPyConnection:
    """A new in-memory DuckDB holding only the booked rows as they were at the close."""
    mem = duckdb.connect(":memory:")
    apply_schema(mem)
    for table in BOOKED_TABLES:
        rows = booked_rows(con, table, rec)
        if rows.height:
            mem.from_arrow(rows.to_arrow()).insert_into(table)
    return mem


@dataclass
class Reproduction:
    """A close recomputed: how many figures, and every difference from its snapshot."""

    close_id: int
    period: str
    figures: int
    differences: pl.DataFrame
    inputs_match: bool


def reproduce(con: duckdb.DuckDBPyConnection, period: str) -> Reproduction:
    """Recompute every figure of the close of `period` from its booked rows, in memory."""
    info = find_close(con, period)
    rec = record_of(con, info.close_id)
    mem = fresh_book(con, rec)
    try:
        by_id = {r["close_id"]: r for r in close_records(con)}
        inputs, _ = recomputed_inputs(mem, rec, by_id)
        inception = scalar(mem, sql("close_inception"), {"period_end": rec["period_end"]})
        computed = compute(
            mem,
            Period.parse(rec["period"]),
            rec["period_start"],
            _as_date(inception, rec["period_start"]),
        )
    finally:
        mem.close()
    stored_figures, stored_statements = read_stored(con, info.close_id)
    diffs = pl.concat(
        [
            compare_figures(stored_figures, computed.figures_long.cast(LONG_SCHEMA)),  # type: ignore[arg-type]
            compare_statements(stored_statements, computed.statements),
        ],
        how="vertical",
    )
    return Reproduction(
        info.close_id, info.period, computed.figure_count, diffs, inputs == rec["input_hash"]
    )


def _as_date(value: Any, fallback: dt.date) -> dt.date:
    return value if isinstance(value, dt.date) else fallback


def _value_text(prefix: str) -> pl.Expr:
    return pl.coalesce(
        pl.col(f"money{prefix}").cast(pl.String),
        pl.col(f"ratio{prefix}").cast(pl.String),
        pl.col(f"text{prefix}"),
        pl.lit("null"),
    )


def compare_figures(stored: pl.DataFrame, fresh: pl.DataFrame) -> pl.DataFrame:
    """One row per figure whose stored and recomputed values differ (or that one side lacks)."""
    joined = stored.join(
        fresh, on=FIGURE_KEYS, how="full", coalesce=True, nulls_equal=True, suffix="_new"
    )
    ratio_a, ratio_b = pl.col("ratio"), pl.col("ratio_new")
    ratio_differs = (
        pl.when(ratio_a.is_null() & ratio_b.is_null())
        .then(False)
        .when(ratio_a.is_null() | ratio_b.is_null())
        .then(True)
        .otherwise(
            (ratio_a - ratio_b).abs() > RATIO_TOLERANCE * pl.max_horizontal(ratio_a.abs(), 1.0)
        )
    )
    differs = (
        pl.col("kind").is_null()
        | pl.col("kind_new").is_null()
        | ~pl.col("money").eq_missing(pl.col("money_new"))
        | ~pl.col("text").eq_missing(pl.col("text_new"))
        | ratio_differs
    )
    key = pl.concat_str([pl.col(c).fill_null("") for c in FIGURE_KEYS[1:5]], separator="/")
    return joined.filter(differs).select(
        pl.lit("figure").alias("what"),
        pl.col("level").alias("where"),
        key.alias("key"),
        pl.col("figure").alias("name"),
        _value_text("").alias("stored"),
        _value_text("_new").alias("recomputed"),
    )


def _lines(statements: pl.DataFrame) -> pl.DataFrame:
    return statements.unpivot(
        index=["basis", "fund_id", "investor_id"],
        on=list(STATEMENT_LINES),
        variable_name="line",
        value_name="amount",
    )


def compare_statements(stored: pl.DataFrame, fresh: pl.DataFrame) -> pl.DataFrame:
    """One row per statement line whose stored and recomputed amounts differ."""
    joined = _lines(stored).join(
        _lines(fresh), on=LINE_KEYS, how="full", coalesce=True, nulls_equal=True, suffix="_new"
    )
    return joined.filter(~pl.col("amount").eq_missing(pl.col("amount_new"))).select(
        pl.lit("statement").alias("what"),
        pl.col("basis").alias("where"),
        pl.concat_str(
            [pl.col("fund_id"), pl.col("investor_id").fill_null("(fund)")], separator="/"
        ).alias("key"),
        pl.col("line").alias("name"),
        pl.col("amount").cast(pl.String).fill_null("missing").alias("stored"),
        pl.col("amount_new").cast(pl.String).fill_null("missing").alias("recomputed"),
    )

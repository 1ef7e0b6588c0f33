"""The one loader for metrics: the book's rows dated on or before a date, as polars frames
(and the fees and expenses paid later whose service period has begun)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any

import duckdb
import polars as pl

from fundbook.core.dtypes import INDEX_LEVEL, MONEY, QUANTITY, RATE
from fundbook.ledger.spec import CALL_PURPOSES, FILES, GP_STATEMENT_FIGURES, typed_schema
from fundbook.store.db import frame, sql

# The columns metrics reads, per frame; money is pl.Decimal(38, 2) in the fund's currency.
SCHEMAS: dict[str, dict[str, pl.DataType]] = {
    "funds": {
        "fund_id": pl.String(),
        "name": pl.String(),
        "kind": pl.String(),
        "currency": pl.String(),
        "programme_id": pl.String(),
        "investment_period_end": pl.Date(),
        "manager": pl.String(),  # the GP, named on notices
    },
    "investors": {
        "investor_id": pl.String(),
        "name": pl.String(),
        "kind": pl.String(),
        "fund_id": pl.String(),
        "strategic": pl.Boolean(),
    },
    "companies": {
        "company_id": pl.String(),
        "name": pl.String(),
        "theme": pl.String(),
        "hk_nexus": pl.Boolean(),
        "country": pl.String(),
    },
    "commitments": {
        "fund_id": pl.String(),
        "investor_id": pl.String(),
        "date": pl.Date(),
        "amount_fund": MONEY,
        "source_file": pl.String(),
        "source_line": pl.Int64(),
    },
    "transactions": {
        "txn_id": pl.String(),
        "date": pl.Date(),
        "fund_id": pl.String(),
        "type": pl.String(),
        "investor_id": pl.String(),
        "holding_id": pl.String(),
        "amount_fund": MONEY,
        "service_start": pl.Date(),
        "service_end": pl.Date(),
        "category": pl.String(),
        "source_file": pl.String(),
        "source_line": pl.Int64(),
        "quantity": QUANTITY,
        "call_id": pl.String(),
    },
    "valuations": {
        "date": pl.Date(),
        "fund_id": pl.String(),
        "holding_id": pl.String(),
        "fair_value_fund": MONEY,
        "source_file": pl.String(),
        "source_line": pl.Int64(),
    },
    "fx_rates": {"date": pl.Date(), "currency": pl.String(), "hkd_per_unit": RATE},
    # every column of terms.csv and investor_terms.csv (ledger/spec.py): a column added there
    # is read here too
    "terms": {
        c: t
        for c, t in typed_schema(FILES["terms"]).items()
        if c not in ("source_file", "source_line")
    },
    "investor_terms": {
        c: t
        for c, t in typed_schema(FILES["investor_terms"]).items()
        if c not in ("source_file", "source_line")
    },
    # GP statements and their schedules of investments (issue 13), in the sub-fund's currency:
    # known from their received_date.
    "gp_statements": {
        "statement_date": pl.Date(),
        "fund_id": pl.String(),
        "holding_id": pl.String(),
        "received_date": pl.Date(),
        "currency": pl.String(),
        "nav": MONEY,
        **dict.fromkeys(GP_STATEMENT_FIGURES, MONEY),
        "source_file": pl.String(),
        "source_line": pl.Int64(),
    },
    "gp_holdings": {
        "statement_date": pl.Date(),
        "fund_id": pl.String(),
        "holding_id": pl.String(),
        "company_id": pl.String(),
        "currency": pl.String(),
        "cost": MONEY,
        "fair_value": MONEY,
        "received_date": pl.Date(),
        "source_file": pl.String(),
        "source_line": pl.Int64(),
    },
    # Calls and distributions noticed to the partners (issue 14): known from their notice.
    "calls": {
        "call_id": pl.String(),
        "fund_id": pl.String(),
        "kind": pl.String(),
        "notice_date": pl.Date(),
        "due_date": pl.Date(),
        **dict.fromkeys(CALL_PURPOSES, MONEY),
        "memo": pl.String(),
        "source_file": pl.String(),
        "source_line": pl.Int64(),
    },
    # Levels of public market indices (issue 15): dated like the FX rates.
    "index_levels": {
        "date": pl.Date(),
        "index_id": pl.String(),
        "level": INDEX_LEVEL,
        "name": pl.String(),
        "source_file": pl.String(),
        "source_line": pl.Int64(),
    },
}
_DATED = frozenset({"commitments", "transactions", "valuations", "fx_rates", "index_levels"})
# Frames known from the date they were received (on or before as_of), not the date they bear.
_RECEIVED = frozenset({"gp_statements", "gp_holdings"})
# Frames known from their notice_date (on or before as_of).
_NOTICED = frozenset({"calls"})


@dataclass(frozen=True)
class Frames:
    """The book as of `as_of`: one polars frame per table, with the columns of `SCHEMAS`.

    Dated frames (commitments, transactions, valuations, fx_rates) hold only rows dated on or
    before `as_of`, so any metric can be computed at `as_of` or any earlier date. `accruing`
    (the columns of `transactions`) holds the fee and expense rows dated after `as_of` whose
    service period starts on or before it: accrued before they are paid, they count in the
    expenses recognised by `as_of` but never in its cash or flows (docs/methods.md).
    """

    as_of: date
    funds: pl.DataFrame
    investors: pl.DataFrame
    companies: pl.DataFrame
    commitments: pl.DataFrame
    transactions: pl.DataFrame
    valuations: pl.DataFrame
    fx_rates: pl.DataFrame
    terms: pl.DataFrame
    investor_terms: pl.DataFrame
    accruing: pl.DataFrame = field(
        default_factory=lambda: pl.DataFrame(schema=SCHEMAS["transactions"])
    )
    gp_statements: pl.DataFrame = field(
        default_factory=lambda: pl.DataFrame(schema=SCHEMAS["gp_statements"])
    )
    gp_holdings: pl.DataFrame = field(
        default_factory=lambda: pl.DataFrame(schema=SCHEMAS["gp_holdings"])
    )
    calls: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=SCHEMAS["calls"]))
    index_levels: pl.DataFrame = field(
        default_factory=lambda: pl.DataFrame(schema=SCHEMAS["index_levels"])
    )


def _split_accruing(txns: pl.DataFrame, as_of: date) -> dict[str, pl.DataFrame]:
    """Transactions dated on or before `as_of`, and the later ones accruing by then."""
    if txns.height == 0 or txns.select(pl.col("date").max()).item() <= as_of:
        return {"transactions": txns, "accruing": txns.clear()}  # no copy of a large frame
    later = pl.col("date") > as_of
    return {
        "transactions": txns.filter(~later),
        "accruing": txns.filter(later & (pl.col("service_start") <= as_of)),
    }


def _conform(name: str, df: pl.DataFrame) -> pl.DataFrame:
    schema = SCHEMAS[name]
    return df.select(
        [
            pl.col(col).cast(dtype) if col in df.columns else pl.lit(None, dtype).alias(col)
            for col, dtype in schema.items()
        ]
    )


def load_frames(con: duckdb.DuckDBPyConnection, as_of: date) -> Frames:
    """Read the columns metrics needs, rows dated on or before `as_of` (and `accruing`), from
    the book."""
    tables: dict[str, pl.DataFrame] = {}
    for name in SCHEMAS:
        params = {"as_of": as_of} if name in _DATED | _RECEIVED | _NOTICED else None
        tables[name] = _conform(name, frame(con, sql(f"frames_{name}"), params))
    tables.update(_split_accruing(tables["transactions"], as_of))
    return Frames(as_of=as_of, **tables)


def frames_from_rows(as_of: date, rows: Mapping[str, Sequence[Mapping[str, Any]]]) -> Frames:
    """Frames built from plain rows (dicts), for tests and synthetic books; missing tables are
    empty, missing columns null, and dated rows after `as_of` are dropped (or kept as
    `accruing`) as the loader does."""
    tables: dict[str, pl.DataFrame] = {}
    for name, schema in SCHEMAS.items():
        records = [dict(r) for r in rows.get(name, ())]
        df = (
            pl.DataFrame(
                [{col: rec.get(col) for col in schema} for rec in records],
                schema=schema,
                orient="row",
            )
            if records
            else pl.DataFrame(schema=schema)
        )
        if name in _DATED and name != "transactions":
            df = df.filter(pl.col("date") <= as_of)
        if name in _RECEIVED:
            df = df.filter(pl.col("received_date") <= as_of)
        if name in _NOTICED:
            df = df.filter(pl.col("notice_date") <= as_of)
        tables[name] = df
    tables.update(_split_accruing(tables["transactions"], as_of))
    return Frames(as_of=as_of, **tables)


def frames_from_tables(as_of: date, tables: Mapping[str, pl.DataFrame]) -> Frames:
    """Frames from typed tables (a validated ledger's rows: `ledger.Book.rows`), as the loader
    reads them from the book: the columns of `SCHEMAS`, dated rows on or before `as_of`."""
    out: dict[str, pl.DataFrame] = {}
    tables = {**tables, **_with_received(tables)}
    for name in SCHEMAS:
        df = _conform(name, tables[name]) if name in tables else pl.DataFrame(schema=SCHEMAS[name])
        if name in _DATED:
            df = df.filter(pl.col("date") <= as_of)
        if name in _RECEIVED:
            df = df.filter(pl.col("received_date") <= as_of)
        if name in _NOTICED:
            df = df.filter(pl.col("notice_date") <= as_of)
        out[name] = df
    return Frames(as_of=as_of, **out)


def _with_received(tables: Mapping[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    """gp_holdings rows with the received_date of their statement (as frames_gp_holdings.sql
    joins them), when the table does not carry it."""
    held, stated = tables.get("gp_holdings"), tables.get("gp_statements")
    if held is None or stated is None or "received_date" in held.columns:
        return {}
    key = ["statement_date", "fund_id", "holding_id"]
    return {"gp_holdings": held.join(stated.select(*key, "received_date"), on=key, how="inner")}


def restrict(frames: Frames, as_of: date) -> Frames:
    """The same book seen at an earlier date: dated rows after `as_of` dropped, or accruing."""
    out: dict[str, Any] = {f.name: getattr(frames, f.name) for f in fields(frames)}
    for name in _DATED - {"transactions"}:
        out[name] = out[name].filter(pl.col("date") <= as_of)
    for name in _RECEIVED:
        out[name] = out[name].filter(pl.col("received_date") <= as_of)
    for name in _NOTICED:
        out[name] = out[name].filter(pl.col("notice_date") <= as_of)
    every = frames.transactions
    if frames.accruing.height:
        every = pl.concat([every, frames.accruing])
    out.update(_split_accruing(every, as_of))
    out["as_of"] = as_of
    return Frames(**out)

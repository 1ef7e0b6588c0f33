"""Audit of closes: verify the hash chain, and reproduce a close's figures in a fresh database."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import duckdb
import polars as pl
import pyarrow as pa

from fundbook.close.figures import compute
from fundbook.close.periods import Period
from fundbook.close.snapshot import (
    LEVEL_KEYS,
    STATEMENT_LINES,
    find_close,
    read_levels,
    read_statements,
)
from fundbook.core.errors import FundbookError
from fundbook.store import chain
from fundbook.store.db import apply_schema, frame, open_duckdb, scalar, sql

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
# The key of a figure in messages: fund/investor/holding/<the level's other key>.
KEY_SLOTS = ("fund_id", "investor_id", "holding_id")
LINE_KEYS = ["basis", "fund_id", "investor_id", "line"]
RATIO_TOLERANCE = 1e-12


class AuditFailed(FundbookError):
    """`audit verify` or `audit reproduce` found a difference (exit code 1)."""


def close_records(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Every stored close as a dict of its columns (and its chain hash), oldest first."""
    cur = con.execute(sql("audit_close_record"))
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def record_of(con: duckdb.DuckDBPyConnection, close_id: int) -> dict[str, Any]:
    return next(r for r in close_records(con) if r["close_id"] == close_id)


@dataclass
class CloseCheck:
    """The verification of one event of the chain (a close or a reopening)."""

    seq: int
    event: str
    close_id: int | None
    period: str | None
    hash: str
    import_id: int | None = None  # an import event's import
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def title(self) -> str:
        if self.event == "import":
            return f"import {self.import_id} (event {self.seq})"
        what = "close" if self.event == "close" else "reopening of close"
        return f"{what} {self.close_id} ({self.period})"


def verify_chain(con: duckdb.DuckDBPyConnection) -> list[CloseCheck]:
    """Check every event in chain order: its hash and link, then every table of the book
    against what the events recorded; the first check with problems is the one to report."""
    events = chain.read_events(con)
    checks = [
        CloseCheck(e.seq, e.event, e.close_id, e.period, e.hash, e.import_watermark) for e in events
    ]
    if not events:
        return _unchained(con)
    broken = chain.malformed(events)
    if broken:  # nothing below can be trusted: say what is wrong with the chain table itself
        checks[-1].problems.extend(broken)
        return checks
    prev = None
    for e, check in zip(events, checks, strict=True):
        if e.prev_hash != prev:
            check.problems.append(
                f"audit_chain, row seq={e.seq}: its link to the event before is broken "
                "(prev_hash differs)"
            )
        if chain.event_hash(e.fields) != e.hash:
            check.problems.append(
                f"audit_chain, row seq={e.seq}: its hash does not match its recorded fields"
            )
        prev = e.hash
    _check_tables(con, events, {c.seq: c for c in checks})
    return checks


def _unchained(con: duckdb.DuckDBPyConnection) -> list[CloseCheck]:
    """A book without events (never imported into) must hold no rows but its set-up ones."""
    setup = {"book_meta", "posting_rules"}
    stray = [
        t.name
        for t in chain.tables(con)
        if t.name not in setup
        and scalar(con, f"SELECT count(*) FROM {chain.quote(t.name)}")  # names from the catalog
    ]
    if not stray:
        return []
    return [
        CloseCheck(
            0,
            "close",
            0,
            "none",
            "",
            problems=[f"the book holds {', '.join(stray)} rows but its hash chain is empty"],
        )
    ]


def _check_tables(
    con: duckdb.DuckDBPyConnection, events: list[chain.Event], checks: dict[int, CloseCheck]
) -> None:
    """Recompute every table's digests per event and compare them with the recorded ones."""
    recorded: dict[int, dict[str, chain.Digest]] = {}
    for e in events:
        parsed = chain.parse_digests(e.digests)
        if parsed is None:
            checks[e.seq].problems.append("its recorded digests are unreadable (audit_chain)")
        recorded[e.seq] = parsed or {}
    head = events[-1]
    current = chain.tables(con)
    names = {t.name for t in current}
    chain.register_ranges(con, chain.ranges(events))
    try:
        for table in current:
            if table.name not in recorded[head.seq]:
                checks[head.seq].problems.append(
                    f"table {table.name} is not covered by the hash chain "
                    f"(not in the record of event {head.seq})"
                )
            _check_table(con, table, events, recorded, checks)
    finally:
        chain.drop_ranges(con)
    for e in events:
        for name in sorted(set(recorded[e.seq]) - names - {chain.CATALOG}):
            if recorded[e.seq][name].rows or e.seq == head.seq:
                checks[e.seq].problems.append(f"table {name} is gone from the book")
    if chain.catalog_digest(con) != recorded[head.seq].get(chain.CATALOG):
        checks[head.seq].problems.append(
            "the book's catalog changed: a view, macro, sequence, index, constraint, schema or "
            "a table outside main was added, dropped or redefined (sql/chain_catalog.sql)"
        )


def _applies(table: chain.Table, seq: int, head: int) -> bool:
    """Whether an event's recorded digest of the table can be compared with the book now."""
    return table.coverage != "full" or table.name == chain.ROWS_TABLE or seq == head


def _check_table(
    con: duckdb.DuckDBPyConnection,
    table: chain.Table,
    events: list[chain.Event],
    recorded: dict[int, dict[str, chain.Digest]],
    checks: dict[int, CloseCheck],
) -> None:
    head = events[-1].seq
    seen: set[int] = set()
    # digests first (no keys, no MD5s): the locators are computed only where a digest differs
    for seq, lines in chain.by_segment(chain.table_rows(con, table, locators=False)):
        if seq is None:
            _uncovered(table, _segment(con, table, None), checks[head])
            continue
        seen.add(seq)
        part = lines
        if seq not in recorded:
            part = _segment(con, table, seq)
            checks[head].problems.append(
                f"table {table.name}: {part.num_rows} row(s) of event {seq}, "
                f"which the chain does not hold; first: {part.column('row_key')[0]}"
            )
            continue
        expected = recorded[seq].get(table.name)
        if expected is None and not _applies(table, seq, head):
            continue
        if chain.digest(table, part.column("line")) != expected:
            if table.name == chain.ROWS_TABLE:
                found = _locate_locators(con, seq, events, recorded[seq])
            else:
                found = _locate(con, table, seq, _segment(con, table, seq), expected)
            if table.coverage == "full" and table.name != chain.ROWS_TABLE:
                found += " (a table hashed whole at every event: the latest event reports it)"
            checks[seq].problems.append(found)
    for e in events:
        expected = recorded[e.seq].get(table.name)
        if e.seq not in seen and expected and expected.rows and _applies(table, e.seq, head):
            checks[e.seq].problems.append(_locate(con, table, e.seq, None, expected))


def _segment(con: duckdb.DuckDBPyConnection, table: chain.Table, seq: int | None) -> pa.Table:
    """The rows of a table an event covers (None: no event), with their keys and MD5s."""
    where = f"({chain.segment_expr(table)}) IS NOT DISTINCT FROM $seq"
    return chain.table_rows(con, table, where, {"seq": seq})


def _uncovered(table: chain.Table, part: pa.Table, check: CloseCheck) -> None:
    """Rows no event covers: every import, close and reopening records its rows, so these were
    written behind fundbook's back."""
    check.problems.append(
        f"table {table.name}, row {part.column('row_key')[0]}: not recorded by any event of "
        f"the chain ({part.num_rows} such row(s)); it was not written by fundbook"
    )


ROW_LABELS = {
    "changed": "changed",
    "gone": "missing (deleted, or its key changed)",
    "added": "not recorded (added, or its key changed)",
}
LOCATOR_LABELS = {
    "changed": "altered",
    "gone": "recorded for a row that is not there",
    "added": "missing",
}


_NO_ROWS = {"row_key": pa.string(), "row_md5": pa.uint64()}


def _differing(
    con: duckdb.DuckDBPyConnection,
    seq: int,
    table: str,
    current: pa.Table | None,
    labels: dict[str, str],
) -> list[tuple[str, str]]:
    """(key, what) of each row of `table` at event `seq` whose recorded locator (audit_rows)
    and the row now (`current`: row_key, row_md5) disagree, in key order."""
    if current is None:
        current = pa.Table.from_batches([], schema=pa.schema(_NO_ROWS))
    con.register("chain_current", current.select(list(_NO_ROWS)))
    try:
        found = con.execute(sql("chain_locate"), {**labels, "seq": seq, "tbl": table})
        return [(str(key), str(what)) for key, what in found.fetchall()]
    finally:
        con.unregister("chain_current")


def _locate(
    con: duckdb.DuckDBPyConnection,
    table: chain.Table,
    seq: int,
    part: pa.Table | None,
    expected: chain.Digest | None,
) -> str:
    """The message for a table whose rows at an event differ: the first differing row."""
    rows_now = part.num_rows if part is not None else 0
    rows_then = expected.rows if expected else 0
    found = _differing(con, seq, table.name, part, ROW_LABELS)
    counts = f"{rows_then} row(s) recorded, {rows_now} now"
    if not found:
        return f"table {table.name}: its rows no longer match their hash ({counts})"
    key, what = found[0]
    more = f"; {len(found) - 1} more row(s) differ" if len(found) > 1 else ""
    return f"table {table.name}, row {key}: {what} ({counts}{more})"


def _locators_count_differs(
    con: duckdb.DuckDBPyConnection, seq: int, recorded: dict[str, chain.Digest]
) -> str:
    """Name the table whose number of locators at an event differs from its recorded rows."""
    counts = dict(con.execute(sql("chain_locator_counts"), {"seq": seq}).fetchall())
    for name in sorted(set(recorded) | set(counts)):
        if name in (chain.ROWS_TABLE, chain.CATALOG):
            continue
        then = recorded[name].rows if name in recorded else 0
        if counts.get(name, 0) != then:
            return (
                f"table {chain.ROWS_TABLE}, the recorded rows of {name} at event {seq}: "
                f"{then} recorded, {counts.get(name, 0)} now"
            )
    return f"table {chain.ROWS_TABLE}: its rows of event {seq} no longer match their hash"


def _locate_locators(
    con: duckdb.DuckDBPyConnection,
    seq: int,
    events: list[chain.Event],
    recorded: dict[str, chain.Digest],
) -> str:
    """The message for an event whose recorded row keys and MD5s (audit_rows) were altered:
    recompute them, table by table, from the rows they describe and name the first that
    differs."""
    rng = next(r for r in chain.ranges(events) if r.seq == seq)
    head = events[-1].seq
    for table in chain.tables(con):
        if table.name == chain.ROWS_TABLE or not _applies(table, seq, head):
            continue
        where, params = chain.own_rows(table, rng)
        found = _differing(
            con, seq, table.name, chain.table_rows(con, table, where, params), LOCATOR_LABELS
        )
        if found:
            (key, what), more = found[0], len(found) - 1
            extra = f"; {more} more row(s) of {table.name} differ" if more else ""
            return (
                f"table {chain.ROWS_TABLE}, the recorded row of {table.name}: {key}: {what}{extra}"
            )
    return _locators_count_differs(con, seq, recorded)


def first_broken(checks: list[CloseCheck]) -> CloseCheck | None:
    return next((c for c in checks if not c.ok), None)


PREFIX_MIN = 12  # hex digits of a kept hash that identify an event


def check_head(checks: list[CloseCheck], expected: str) -> str | None:
    """Raise AuditFailed unless the chain ends at `expected` (a hash an auditor kept): its
    latest event, or the latest close or reopening followed only by imports (then say so)."""
    wanted = expected.strip().lower().rstrip("…").rstrip(".")
    if len(wanted) < PREFIX_MIN or any(ch not in "0123456789abcdef" for ch in wanted):
        raise AuditFailed(
            f"--expect-head {expected!r}: give the hash (at least {PREFIX_MIN} hex digits)"
        )
    head = head_hash(checks)
    if head is not None and head.startswith(wanted):
        return None
    earlier = next((c for c in checks if c.hash.startswith(wanted)), None)
    if earlier is not None and earlier.event != "import":
        later = checks[checks.index(earlier) + 1 :]
        if all(c.event == "import" for c in later):
            return (
                f"the chain ends at {wanted} ({earlier.title}) followed by {len(later)} "
                f"import(s) made since"
            )
    if earlier is not None:
        after = len(checks) - checks.index(earlier) - 1
        raise AuditFailed(
            f"the chain does not end at {wanted}: that is the hash of {earlier.title}, "
            f"and {after} event(s) follow it (head {head})"
        )
    raise AuditFailed(
        f"the chain does not end at {wanted}: no event has that hash (head {head or 'none'}); "
        "closes may have been deleted, or the hash was mistyped"
    )


def head_hash(checks: list[CloseCheck]) -> str | None:
    """The hash the chain ends at (None for a book never closed)."""
    return checks[-1].hash if checks and checks[-1].seq else None


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
    mem = open_duckdb(":memory:")
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
        inception = scalar(mem, sql("close_inception"), {"period_end": rec["period_end"]})
        computed = compute(
            mem,
            Period.parse(rec["period"]),
            rec["period_start"],
            _as_date(inception, rec["period_start"]),
        )
    finally:
        mem.close()
    diffs = pl.concat(
        [
            compare_figures(read_levels(con, info.close_id), computed.levels),
            compare_statements(read_statements(con, info.close_id), computed.statements),
        ],
        how="vertical",
    )
    upto = rec["chain_seq"] or 0
    intact = all(c.ok for c in verify_chain(con) if 0 < c.seq <= upto)
    return Reproduction(info.close_id, info.period, computed.figure_count, diffs, intact)


def _as_date(value: Any, fallback: dt.date) -> dt.date:
    return value if isinstance(value, dt.date) else fallback


DIFFERENCES = {
    "what": pl.String(),
    "where": pl.String(),
    "key": pl.String(),
    "name": pl.String(),
    "stored": pl.String(),
    "recomputed": pl.String(),
}


def compare_figures(
    stored: dict[str, pl.DataFrame], fresh: dict[str, pl.DataFrame]
) -> pl.DataFrame:
    """One row per figure whose stored and recomputed values differ (or that one side lacks),
    level by level (levels in `snapshot.stored_form`)."""
    parts = [pl.DataFrame(schema=DIFFERENCES)]
    for level in LEVEL_KEYS:
        sides = [side for side in (stored.get(level), fresh.get(level)) if side is not None]
        if not sides:
            continue
        none = sides[0].clear()  # a side without rows: each figure of the other one is lacking
        parts += _level_differences(level, stored.get(level, none), fresh.get(level, none))
    return pl.concat(parts, how="vertical")


def _level_differences(level: str, stored: pl.DataFrame, fresh: pl.DataFrame) -> list[pl.DataFrame]:
    keys = list(LEVEL_KEYS[level])
    names = [c for c in dict.fromkeys([*stored.columns, *fresh.columns]) if c not in keys]
    # a figure on one side only is a difference of every row, not a crash
    stored = stored.with_columns(
        pl.lit(None, fresh.schema[c]).alias(c) for c in names if c not in stored.columns
    )
    fresh = fresh.with_columns(
        pl.lit(None, stored.schema[c]).alias(c) for c in names if c not in fresh.columns
    )
    twice = stored.filter(stored.select(keys).is_duplicated())
    joined = stored.with_columns(pl.lit(True).alias("_row")).join(
        fresh.with_columns(pl.lit(True).alias("_row")),
        on=keys,
        how="full",
        coalesce=True,
        nulls_equal=True,
        suffix="_new",
    )
    slots = [k if k in keys else None for k in KEY_SLOTS] + [
        next((k for k in keys if k not in KEY_SLOTS), None)
    ]
    key = pl.concat_str(
        [pl.col(k).fill_null("") if k else pl.lit("") for k in slots], separator="/"
    )
    lacking = pl.col("_row").is_null() | pl.col("_row_new").is_null()
    duplicated = twice.select(
        pl.lit("figure").alias("what"),
        pl.lit(level).alias("where"),
        key.alias("key"),
        pl.lit("(row)").alias("name"),
        pl.lit("stored more than once").alias("stored"),
        pl.lit("once").alias("recomputed"),
    ).unique()
    return [
        duplicated,
        *(
            joined.filter(lacking | _differs(name, stored.schema.get(name))).select(
                pl.lit("figure").alias("what"),
                pl.lit(level).alias("where"),
                key.alias("key"),
                pl.lit(name).alias("name"),
                pl.col(name).cast(pl.String).fill_null("null").alias("stored"),
                pl.col(f"{name}_new").cast(pl.String).fill_null("null").alias("recomputed"),
            )
            for name in names
        ),
    ]


def _differs(name: str, dtype: pl.DataType | None) -> pl.Expr:
    a, b = pl.col(name), pl.col(f"{name}_new")
    if dtype is None or not dtype.is_float():
        return ~a.eq_missing(b)
    return (
        pl.when(a.is_null() & b.is_null())
        .then(False)
        .when(a.is_null() | b.is_null())
        .then(True)
        .otherwise((a - b).abs() > RATIO_TOLERANCE * pl.max_horizontal(a.abs(), 1.0))
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

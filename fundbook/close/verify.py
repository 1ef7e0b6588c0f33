"""`audit verify`: recompute the hash chain over every table of the book, with DuckDB and
hashlib alone (no polars, no Arrow); rows are located by key and MD5 only where a digest
differs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import duckdb

from fundbook.core.errors import FundbookError
from fundbook.store import chain
from fundbook.store.db import scalar, sql

if TYPE_CHECKING:
    import pyarrow as pa


class AuditFailed(FundbookError):
    """`audit verify` or `audit reproduce` found a difference (exit code 1)."""


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
        if t.name not in setup and scalar(con, sql("table_row_count"), {"table": t.name})
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
    for seq, found_digest in chain.segment_digests(con, table).items():
        if seq is None:
            _uncovered(table, _segment(con, table, None), checks[head])
            continue
        seen.add(seq)
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
        if found_digest != expected:
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


def _differing(
    con: duckdb.DuckDBPyConnection,
    seq: int,
    table: str,
    current: pa.Table | None,
    labels: dict[str, str],
) -> list[tuple[str, str]]:
    """(key, what) of each row of `table` at event `seq` whose recorded locator (audit_rows)
    and the row now (`current`: row_key, row_md5) disagree, in key order."""
    import pyarrow as pa  # only where a digest differs: an intact book is verified without it

    no_rows = {"row_key": pa.string(), "row_md5": pa.uint64()}
    if current is None:
        current = pa.Table.from_batches([], schema=pa.schema(no_rows))
    con.register("chain_current", current.select(list(no_rows)))
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

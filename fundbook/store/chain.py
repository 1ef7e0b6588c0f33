"""The hash chain: every base table of the book, every column and row, hashed at each event.

What is covered is read from the database catalog, so a table or column added later is covered
without anyone listing it. Tables are hashed in one of three ways (`coverage`):

- `import`: tables with a NOT NULL `import_id` (ledger rows, imports): rows are never changed,
  so an event hashes the rows of the imports made since the event before it;
- `close`: the snapshot tables (`snapshot_*` and `close_statements`): a close hashes the rows
  it wrote;
- `full`: everything else (closes, locks, reopenings, posting rules, book metadata, ...): the
  whole table at every event; `audit verify` compares the latest event with the book as it is.

A row's canonical line is its columns in schema order joined by `,`: text (and any type whose
text could hold a comma) as `<bytes>:<text>`, numbers, dates and booleans as DuckDB prints them,
NULL as `-`: unambiguous (NULL, '' and the text `\\N` differ), no escaping needed. A table's
digest is the SHA-256 of its header `table(col type, ...)` and its lines, sorted bytewise, each
followed by `\\n`.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter
from typing import TYPE_CHECKING, Any, Literal

import duckdb

from fundbook.store.db import sql

if TYPE_CHECKING:  # Arrow is used when an event is recorded, never by `audit verify` of a book
    import pyarrow as pa

Coverage = Literal["import", "close", "full"]
CHAIN_TABLE = "audit_chain"
ROWS_TABLE = "audit_rows"
NOT_HASHED = {
    CHAIN_TABLE: "the chain itself: each event's hash and link are recomputed",
    # who may read the book, not what it holds: a token issued or revoked between closes must
    # not make `audit verify` report the figures changed (sql/schema_access.sql)
    "access_tokens": "the web dashboard's access tokens: not ledger data or figures",
}
# Tables written once by their close (sql/schema_snapshot.sql: one per level; the statements).
SNAPSHOT_PREFIX = "snapshot_"
SEGMENT_BY_CLOSE = ("close_statements", "close_ledger")
CATALOG = "catalog"  # the part holding views, macros, sequences, constraints, other schemas
EVENTS = ("import", "close", "reopen")
# Columns that name a row in messages; a table not listed is named by its first three columns.
KEYS: dict[str, tuple[str, ...]] = {
    "book_meta": ("key",),
    "imports": ("import_id",),
    "funds": ("fund_id",),
    "investors": ("investor_id",),
    "companies": ("company_id",),
    "commitments": ("fund_id", "investor_id", "date"),
    "transactions": ("txn_id", "date"),
    "valuations": ("date", "fund_id", "holding_id"),
    "fx_rates": ("date", "currency"),
    "terms": ("fund_id",),
    "investor_terms": ("fund_id", "investor_id"),
    "gp_statements": ("statement_date", "fund_id", "holding_id"),
    "gp_holdings": ("statement_date", "fund_id", "holding_id", "company_id"),
    "calls": ("call_id",),
    "index_levels": ("date", "index_id"),
    "commentary": ("quarter", "lang", "import_id"),
    "posting_rules": ("type",),
    "period_locks": ("period",),
    "closes": ("close_id",),
    "close_reopenings": ("close_id", "reopened_at"),
    # One per level of a snapshot (fundbook.close.snapshot reads its levels and keys here).
    "snapshot_fund": ("close_id", "fund_id"),
    "snapshot_investor": ("close_id", "fund_id", "investor_id"),
    "snapshot_holding": ("close_id", "fund_id", "holding_id"),
    "snapshot_holding_look_through": ("close_id", "fund_id", "investor_id", "holding_id"),
    "snapshot_theme": ("close_id", "programme", "theme"),
    "snapshot_theme_look_through": ("close_id", "fund_id", "theme"),
    "snapshot_theme_by_fund": ("close_id", "fund_id", "theme"),
    "snapshot_theme_by_investor": ("close_id", "fund_id", "investor_id", "theme"),
    "snapshot_look_through_company": ("close_id", "fund_id", "company_id"),
    "snapshot_look_through_nav": ("close_id", "fund_id"),
    "snapshot_programme": ("close_id", "programme", "scope"),
    "snapshot_programme_fund": ("close_id", "programme", "scope", "fund_id"),
    "snapshot_grant": ("close_id", "fund_id", "company_id"),
    "snapshot_compliance": ("close_id", "fund_id", "rule"),
    "snapshot_compliance_status": ("close_id", "status"),
    "snapshot_cash_flow": ("close_id", "fund_id", "quarter"),
    "snapshot_fund_movement": ("close_id", "fund_id"),
    "snapshot_expense_by_category": ("close_id", "fund_id", "category"),
    "snapshot_fee_check": ("close_id", "fund_id", "quarter"),
    "snapshot_reconcile": ("close_id", "fund_id", "holding_id", "figure"),
    "snapshot_forecast": ("close_id", "fund_id", "year"),
    "snapshot_forecast_parameters": ("close_id", "fund_id"),
    "snapshot_forecast_programme": ("close_id", "programme", "year"),
    "snapshot_flow": ("close_id", "fund_id", "investor_id", "txn_id"),
    "snapshot_pme_fund": ("close_id", "fund_id", "index_id"),
    "snapshot_pme_investor": ("close_id", "fund_id", "investor_id", "index_id"),
    "snapshot_pme_programme": ("close_id", "programme", "index_id"),
    "snapshot_fund_info": ("close_id", "fund_id"),
    "snapshot_investor_info": ("close_id", "investor_id"),
    "snapshot_company_info": ("close_id", "company_id"),
    "close_statements": ("close_id", "basis", "fund_id", "investor_id"),
    "close_ledger": ("close_id", "fund_id", "account"),
    ROWS_TABLE: ("seq", "tbl", "row_key"),
}


@dataclass(frozen=True)
class Table:
    """A base table as the catalog describes it, and how the chain covers it."""

    name: str
    columns: tuple[tuple[str, str, bool], ...]  # (name, type, nullable)
    coverage: Coverage

    @property
    def header(self) -> str:
        cols = ", ".join(f"{n} {t}{'' if null else ' NOT NULL'}" for n, t, null in self.columns)
        return f"{self.name}({cols})"

    @property
    def key(self) -> tuple[str, ...]:
        names = [c[0] for c in self.columns]
        wanted = KEYS.get(self.name, tuple(names[:3]))
        return tuple(k for k in wanted if k in names) or tuple(names[:1])


@dataclass(frozen=True)
class Digest:
    """Row count and SHA-256 of one part (a table's rows at an event)."""

    rows: int
    sha256: str


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def tables(con: duckdb.DuckDBPyConnection) -> list[Table]:
    """Every base table of the book but the chain itself, from the catalog, by name."""
    found: dict[str, list[tuple[str, str, bool]]] = {}
    for table, column, dtype, nullable in con.execute(sql("chain_columns")).fetchall():
        found.setdefault(table, []).append((column, dtype, bool(nullable)))
    return [
        Table(name, tuple(cols), _coverage(name, cols))
        for name, cols in sorted(found.items())
        if name not in NOT_HASHED
    ]


def _coverage(name: str, columns: list[tuple[str, str, bool]]) -> Coverage:
    if name.startswith(SNAPSHOT_PREFIX) or name in SEGMENT_BY_CLOSE:
        return "close"
    if name != ROWS_TABLE and any(c == "import_id" and not null for c, _, null in columns):
        return "import"
    return "full"


# Types whose DuckDB text never holds a comma or newline and is never `-` alone: written as is.
_PLAIN_TYPES = frozenset(
    "BOOLEAN TINYINT SMALLINT INTEGER BIGINT HUGEINT UTINYINT USMALLINT UINTEGER UBIGINT "
    "UHUGEINT FLOAT DOUBLE DATE TIME TIMESTAMP".split()
)


def line_expr(table: Table) -> str:
    """SQL of a row's canonical line (identifiers from the catalog, quoted; no user data):
    text and other types `<bytes>:<text>`, numbers, dates and booleans their text, NULL `-`,
    joined by `,`."""
    fields = []
    for name, dtype, _null in table.columns:
        col = quote(name)
        if dtype.startswith("DECIMAL("):
            fields.append(f"coalesce({_decimal_text(col, dtype)}, '-')")
        elif dtype in _PLAIN_TYPES:
            fields.append(f"coalesce({col}::VARCHAR, '-')")
        else:  # one concat (no intermediate strings); concat skips NULLs, hence the CASE
            text = col if dtype == "VARCHAR" else f"{col}::VARCHAR"
            fields.append(
                f"CASE WHEN {col} IS NULL THEN '-' ELSE concat(strlen({text}), ':', {text}) END"
            )
    return f"concat_ws(',', {', '.join(fields)})"


def _decimal_text(col: str, dtype: str) -> str:
    """SQL of a DECIMAL's text. A wide decimal (128-bit) that fits 18 digits is printed from
    the 64-bit decimal of the same scale: the same text, three times faster in DuckDB."""
    width, scale = (int(x) for x in dtype.removeprefix("DECIMAL(").rstrip(")").split(","))
    if width <= 18:
        return f"{col}::VARCHAR"
    narrow = f"DECIMAL(18,{scale})"
    return (
        f"CASE WHEN abs({col}) < {10 ** (18 - scale)} THEN {col}::{narrow}::VARCHAR "
        f"ELSE {col}::VARCHAR END"
    )


def key_expr(table: Table) -> str:
    """SQL of the text naming a row: `col=value, ...` (NULL shown as null)."""
    parts = [
        "'" + k.replace("'", "''") + f"=' || coalesce({quote(k)}::VARCHAR, 'null')"
        for k in table.key
    ]
    return " || ', ' || ".join(parts)


def segment_expr(table: Table) -> str:
    """SQL of the event (seq) a row belongs to, joined from the registered `chain_ranges`."""
    if table.coverage == "import":
        return (
            "(SELECT r.seq FROM chain_ranges r WHERE x.import_id > r.lo "
            "AND x.import_id <= r.hi AND r.hi > r.lo)"
        )
    if table.coverage == "close":
        return "(SELECT r.seq FROM chain_ranges r WHERE r.close_id = x.close_id AND r.closes)"
    if table.name == ROWS_TABLE:
        return "x.seq"
    return "(SELECT max(seq) FROM chain_ranges)"


@dataclass(frozen=True)
class Range:
    """What an event covers: imports in (lo, hi]; the snapshot of close_id when it closes."""

    seq: int
    lo: int
    hi: int
    close_id: int
    closes: bool


def register_ranges(con: duckdb.DuckDBPyConnection, ranges: list[Range]) -> None:
    """The events' ranges as the temporary table `chain_ranges` (read-only books allow it)."""
    con.execute(sql("chain_ranges_create"))
    if ranges:
        con.executemany(
            sql("chain_ranges_insert"),
            [[r.seq, r.lo, r.hi, r.close_id, r.closes] for r in ranges],
        )


def drop_ranges(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(sql("chain_ranges_drop"))


def table_rows(
    con: duckdb.DuckDBPyConnection,
    table: Table,
    where: str = "TRUE",
    params: dict[str, Any] | None = None,
    *,
    seq: int | None = None,
    locators: bool = True,
) -> pa.Table:
    """`(seq, row_key, line, row_md5)` of the table's rows (each line ending in a newline),
    sorted by seq then line (without its newline); `seq` is
    the given event, else the registered event covering the row (null: none). `where` is a
    fixed SQL condition on `x`; without `locators`, row_key and row_md5 are null."""
    segment = str(int(seq)) if seq is not None else segment_expr(table)
    key = key_expr(table) if locators else "NULL::VARCHAR"
    md5 = "md5_number_lower(line)" if locators else "NULL::UBIGINT"
    query = (
        f"SELECT seq, row_key, line || chr(10) AS line, {md5} AS row_md5 FROM ("
        f"SELECT {segment}::INTEGER AS seq, {key} AS row_key, "
        f"{line_expr(table)} AS line FROM {quote(table.name)} x WHERE {where}) "
        f"ORDER BY seq NULLS LAST, line"
    )
    return con.sql(query, params=params).to_arrow_table()


def digest(table: Table, lines: pa.ChunkedArray) -> Digest:
    """SHA-256 of the header line and the (already sorted) lines, each ending in `\\n`,
    hashed from the Arrow buffers without building Python strings."""
    import numpy as np  # only when hashing: commands that do not hash do not pay its import
    import pyarrow as pa

    sha = hashlib.sha256((table.header + "\n").encode("utf-8"))
    count = 0
    for chunk in lines.chunks:
        if len(chunk) == 0:
            continue
        count += len(chunk)
        chunk = chunk.cast(pa.large_string())
        ends = np.frombuffer(chunk.buffers()[1], dtype=np.int64)
        ends = ends[chunk.offset : chunk.offset + len(chunk) + 1]
        sha.update(memoryview(chunk.buffers()[2])[ends[0] : ends[-1]])
    return Digest(count, sha.hexdigest())


DIGEST_BATCH_ROWS = 65_536  # lines fetched from DuckDB at a time (bounded memory)


def segment_digests(con: duckdb.DuckDBPyConnection, table: Table) -> dict[int | None, Digest]:
    """The digest of the table's rows per event covering them (None: no event), in seq order
    (None last): `digest` of `table_rows`, computed with DuckDB and hashlib alone. DuckDB sorts
    the lines; each run of one event's lines in a fetched batch is joined and hashed, so every
    byte is hashed without Arrow or numpy (which `audit verify` would spend longer importing)."""
    query = sql("chain_digest_lines").format(
        segment=segment_expr(table), line=line_expr(table), table=quote(table.name)
    )
    cur = con.execute(query)
    shas: dict[int | None, Any] = {}
    counts: dict[int | None, int] = {}
    while batch := cur.fetchmany(DIGEST_BATCH_ROWS):
        for seq, run in groupby(batch, key=itemgetter(0)):
            lines = [line for _, line in run]
            if seq not in shas:
                shas[seq] = hashlib.sha256((table.header + "\n").encode("utf-8"))
                counts[seq] = 0
            shas[seq].update("".join(lines).encode("utf-8"))
            counts[seq] += len(lines)
    return {seq: Digest(counts[seq], sha.hexdigest()) for seq, sha in shas.items()}


def catalog_digest(con: duckdb.DuckDBPyConnection) -> Digest:
    """Everything of the book besides its main tables' rows (sql/chain_catalog.sql), sorted:
    a changed view, an added macro, sequence, index, constraint or schema is caught."""
    texts = sorted(str(r[0]) for r in con.execute(sql("chain_catalog")).fetchall())
    body = "".join(f"{t}\n" for t in texts)
    return Digest(len(texts), hashlib.sha256(f"{CATALOG}\n{body}".encode()).hexdigest())


def digests_json(digests: dict[str, Digest]) -> str:
    return json.dumps(
        {k: [d.rows, d.sha256] for k, d in sorted(digests.items())}, separators=(",", ":")
    )


def parse_digests(text: str) -> dict[str, Digest] | None:
    """The recorded digests of an event; None when the text is not what `digests_json` wrote."""
    try:
        return {k: Digest(int(v[0]), str(v[1])) for k, v in json.loads(text).items()}
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, OverflowError):
        return None


def event_payload(fields: dict[str, Any]) -> str:
    """Canonical JSON of an event's columns but its hash (sorted keys, no spaces)."""
    wanted = ("seq", "event", "close_id", "period", "import_watermark", "digests", "prev_hash")
    return json.dumps({k: fields[k] for k in wanted}, sort_keys=True, separators=(",", ":"))


def event_hash(fields: dict[str, Any]) -> str:
    """SHA-256 of an event: what it covers (its digests) and the hash of the event before."""
    return hashlib.sha256(event_payload(fields).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Event:
    """One row of `audit_chain`."""

    seq: int
    event: str
    close_id: int | None
    period: str | None
    import_watermark: int
    digests: str
    prev_hash: str | None
    hash: str

    @property
    def fields(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in Event.__dataclass_fields__}


def read_events(con: duckdb.DuckDBPyConnection) -> list[Event]:
    """The chain's events, oldest first."""
    return [Event(*row) for row in con.execute(sql("chain_events")).fetchall()]


def malformed(events: list[Event]) -> list[str]:
    """What is wrong with the events themselves (a chain table rebuilt without its
    constraints can hold anything): numbering, kinds, missing fields."""
    problems = []
    for i, e in enumerate(events, 1):
        where = f"audit_chain, row seq={e.seq}"
        if e.seq != i:
            problems.append(f"{where}: events are not numbered 1, 2, ... (expected seq={i})")
        if e.event not in EVENTS:
            problems.append(f"{where}: unknown event {e.event!r}")
        if not isinstance(e.import_watermark, int) or not isinstance(e.hash, str):
            problems.append(f"{where}: its import_watermark or hash is missing")
        if e.event != "import" and not isinstance(e.close_id, int):
            problems.append(f"{where}: a {e.event} event without a close_id")
    return problems


def ranges(events: list[Event]) -> list[Range]:
    """What each event covers: the imports after the event before it, its own snapshot."""
    out, lo = [], 0
    for e in events:
        close_id = e.close_id if e.close_id is not None else -1
        out.append(Range(e.seq, lo, e.import_watermark, close_id, e.event == "close"))
        lo = max(lo, e.import_watermark)
    return out


def own_rows(table: Table, rng: Range) -> tuple[str, dict[str, Any]]:
    """The condition selecting the rows an event adds to a table."""
    if table.coverage == "import":
        return "x.import_id > $lo AND x.import_id <= $hi", {"lo": rng.lo, "hi": rng.hi}
    if table.coverage == "close":
        return "x.close_id = $close_id AND $closes", {
            "close_id": rng.close_id,
            "closes": rng.closes,
        }
    if table.name == ROWS_TABLE:
        return "x.seq = $seq", {"seq": rng.seq}
    return "TRUE", {}


def record_event(
    con: duckdb.DuckDBPyConnection,
    event: str,
    close_id: int | None,
    period: str | None,
    watermark: int,
) -> str:
    """Append an import, close or reopen event: hash every table (the rows it adds, or all of
    it), keep each row's key and MD5, and chain the event to the one before. Returns its hash."""
    events = read_events(con)
    last = events[-1] if events else None
    rng = Range(
        (last.seq if last else 0) + 1,
        last.import_watermark if last else 0,
        watermark,
        close_id if close_id is not None else -1,
        event == "close",
    )
    digests: dict[str, Digest] = {}
    rows_table = None
    for table in tables(con):
        if table.name == ROWS_TABLE:
            rows_table = table
            continue
        where, params = own_rows(table, rng)
        rows = table_rows(con, table, where, params, seq=rng.seq)
        digests[table.name] = digest(table, rows.column("line"))
        _keep_locators(con, table, rows)
    if rows_table is not None:
        where, params = own_rows(rows_table, rng)
        rows = table_rows(con, rows_table, where, params, seq=rng.seq, locators=False)
        digests[ROWS_TABLE] = digest(rows_table, rows.column("line"))
    digests[CATALOG] = catalog_digest(con)
    fields = {
        "seq": rng.seq,
        "event": event,
        "close_id": close_id,
        "period": period,
        "import_watermark": watermark,
        "digests": digests_json(digests),
        "prev_hash": last.hash if last else None,
    }
    fields["hash"] = event_hash(fields)
    con.execute(sql("chain_insert_event"), fields)
    return str(fields["hash"])


def _keep_locators(con: duckdb.DuckDBPyConnection, table: Table, rows: pa.Table) -> None:
    """Insert the rows' locators. (No `pa.array` from Python lists here: with pandas
    installed, pyarrow imports it on first use, a second of a close.)"""
    if rows.num_rows == 0:
        return
    con.register("chain_new_rows", rows)
    try:
        con.execute(sql("chain_insert_rows"), {"tbl": table.name})
    finally:
        con.unregister("chain_new_rows")

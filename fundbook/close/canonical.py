"""Canonical serialisation and SHA-256 hashes of a close: inputs, outputs, versions, the chain."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass
from importlib import metadata
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from fundbook.store.db import sql

INPUT_TABLES = (
    "commitments",
    "companies",
    "funds",
    "fx_rates",
    "investors",
    "transactions",
    "valuations",
)
OUTPUT_PARTS = ("figures", "statements")
_EMPTY = hashlib.sha256(b"").hexdigest()
_REQUIREMENT_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*")


@dataclass(frozen=True)
class PartDigest:
    """Row count and SHA-256 of one table (or snapshot part) in canonical form."""

    name: str
    rows: int
    digest: str


def combine(parts: list[PartDigest]) -> str:
    """One SHA-256 over the part digests: lines `name rows digest`, sorted by name."""
    text = "\n".join(f"{p.name} {p.rows} {p.digest}" for p in sorted(parts, key=lambda p: p.name))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def digests_json(parts: list[PartDigest]) -> str:
    """`{name: [rows, sha256]}` as canonical JSON, stored beside the combined hash."""
    return json.dumps({p.name: [p.rows, p.digest] for p in parts}, sort_keys=True)


def _digests(
    con: duckdb.DuckDBPyConnection, query: str, params: dict[str, Any], names: tuple[str, ...]
) -> list[PartDigest]:
    """Per part: its rows and the SHA-256 of its canonical lines joined by `\n`. The query
    returns `(part, line)` sorted by part, then line (bytewise); DuckDB sorts in parallel and
    hashlib hashes the Arrow buffers, several times faster than DuckDB's own `sha256`."""
    table = con.sql(query, params=params).to_arrow_table()
    counts = {
        row["values"]: row["counts"] for row in pc.value_counts(table.column("part")).to_pylist()
    }
    found, start = {}, 0
    for name in sorted(counts):  # the query's order: part names sort the same bytewise
        lines = table.column("line").slice(start, counts[name])
        found[name] = PartDigest(name, counts[name], _lines_sha256(lines))
        start += counts[name]
    return [found.get(name, PartDigest(name, 0, _EMPTY)) for name in names]


def _lines_sha256(lines: pa.ChunkedArray) -> str:
    """SHA-256 of the strings joined by `\n`, without building one Python string."""
    digest, first = hashlib.sha256(), True
    for chunk in lines.chunks:
        if len(chunk) == 0:
            continue
        chunk = chunk.cast(pa.large_string())
        ends = np.frombuffer(chunk.buffers()[1], dtype=np.int64)
        ends = ends[chunk.offset : chunk.offset + len(chunk) + 1]
        data = np.frombuffer(chunk.buffers()[2], dtype=np.uint8)[ends[0] : ends[-1]]
        if not first:
            digest.update(b"\n")
        digest.update(np.insert(data, ends[1:-1] - ends[0], ord("\n")).data)
        first = False
    return digest.hexdigest()


def input_digests(
    con: duckdb.DuckDBPyConnection,
    input_from: dt.date | None,
    period_end: dt.date,
    watermark: int,
) -> list[PartDigest]:
    """Per-table digests of a close's inputs: dated rows from `input_from` (None: all history)
    to `period_end`; reference rows imported up to `watermark`."""
    params = {"input_from": input_from, "period_end": period_end, "watermark": watermark}
    return _digests(con, sql("audit_input_canonical"), params, INPUT_TABLES)


def input_hash(parts: list[PartDigest], previous: str | None) -> str:
    """The input hash of a close: its table digests chained to the previous close's input hash
    (`previous_close 0 <hash>`, or `none` for a first close), so each close hashes only its own
    period yet covers every booked row up to its end."""
    return combine([*parts, PartDigest("previous_close", 0, previous or "none")])


def output_digests(con: duckdb.DuckDBPyConnection, close_id: int) -> list[PartDigest]:
    """Digests of the stored snapshot (figures and statement lines) of a close."""
    return _digests(con, sql("audit_output_canonical"), {"close_id": close_id}, OUTPUT_PARTS)


def versions() -> dict[str, str]:
    """Versions of fundbook and every dependency it declares, from the installed metadata."""
    found = {"fundbook": metadata.version("fundbook")}
    for requirement in metadata.requires("fundbook") or []:
        if "extra ==" in requirement:
            continue
        match = _REQUIREMENT_NAME.match(requirement.strip())
        if not match:
            continue
        name = match.group(0).lower()
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    return dict(sorted(found.items()))


def chain_payload(fields: dict[str, Any]) -> str:
    """The canonical JSON of a close's hashed fields (sorted keys, no spaces, no timestamps)."""
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), default=str)


def close_hash(fields: dict[str, Any]) -> str:
    """SHA-256 of a close: its period, options, input/output hashes, versions, previous hash."""
    return hashlib.sha256(chain_payload(fields).encode("utf-8")).hexdigest()


def chain_fields(
    *,
    period: str,
    quarter: str | None,
    period_start: dt.date,
    period_end: dt.date,
    carry_forward: bool,
    carried_forward: str,
    figure_count: int,
    input_hash: str,
    output_hash: str,
    versions_json: str,
    prev_hash: str | None,
    input_from: dt.date | None,
    input_after: int | None,
) -> dict[str, Any]:
    """The fields a close hash covers, in the form stored in `closes`."""
    return {
        "period": period,
        "quarter": quarter,
        "period_start": period_start.isoformat(),
        "period_end": period_end.isoformat(),
        "carry_forward": carry_forward,
        "carried_forward": carried_forward,
        "figure_count": figure_count,
        "input_hash": input_hash,
        "output_hash": output_hash,
        "versions": versions_json,
        "prev_hash": prev_hash,
        "input_from": input_from.isoformat() if input_from else None,
        "input_after": input_after,
    }

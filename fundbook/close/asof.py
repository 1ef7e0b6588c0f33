"""Figures as of a date for `metrics` and `compliance`: a closed day from its snapshot.

A day a standing close ended is read from that close's snapshot with DuckDB alone (no polars):
the same columns, rows and values `metrics` computes (sql/stored_*.sql; the tests compare both
on every close of the demo-like books). Any other day, and `--by theme --fund F
--look-through`, is computed by the metrics layer, which imports polars: slower to start
(about a second).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import duckdb

from fundbook.core.errors import NotFound
from fundbook.core.table import Rows, frame_rows
from fundbook.core.types import (
    ITIF_RULES,
    METRIC_GROUPINGS,
    PME_COLUMNS,
    PME_GROUPINGS,
    PROGRAMME_SCOPES,
    STATUS_ORDER,
)
from fundbook.store.db import rows, scalar, sql

# The stored query of each grouping but theme (`_stored_query`).
_STORED = {
    "fund": "stored_fund",
    "investor": "stored_investor",
    "holding": "stored_holding",
    "programme": "stored_programme",
    "grant": "stored_grant",
    "look_through_company": "stored_look_through_company",
    "look_through_nav": "stored_look_through_nav",
    "programme_fund": "stored_programme_fund",
}


def close_for_date(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> int | None:
    """The standing close whose snapshot holds the figures as of `as_of` (None: compute)."""
    found = scalar(con, sql("close_for_date"), {"as_of": as_of})
    return int(found) if found is not None else None


def _stored_query(by: str, fund_id: str | None, look_through: bool) -> str | None:
    """The sql/ file reading a grouping from a snapshot (None: not stored, computed)."""
    if by != "theme":
        return _STORED[by]
    if fund_id is not None:  # one fund's look-through is not stored (the guidance fund's is)
        return None if look_through else "stored_theme_by_fund"
    return "stored_theme_look_through" if look_through else "stored_theme"


def metrics_at(
    con: duckdb.DuckDBPyConnection,
    as_of: dt.date,
    by: str,
    fund_id: str | None = None,
    look_through: bool = False,
    irr_nm_months: int | None = None,
    pme: str | None = None,
) -> Rows:
    """The figures grouped `by` fund, investor, holding, theme or programme as of `as_of`
    (`metrics.tables.metrics_table`), read from a snapshot when one holds them; computed
    with every fund's `irr_nm_months` replaced (`irr_policy.reflag`) when it is given; with
    the public market equivalents against the index `pme` (by fund, investor or programme)."""
    if by not in METRIC_GROUPINGS:
        raise NotFound(f"unknown grouping {by!r}; choose from {', '.join(METRIC_GROUPINGS)}")
    if pme is not None:
        _check_index(con, by, pme)
    close_id = close_for_date(con, as_of)
    query = _stored_query(by, fund_id, look_through)
    if close_id is None or query is None or irr_nm_months is not None:
        return _computed_metrics(con, as_of, by, fund_id, look_through, irr_nm_months, pme)
    if fund_id is not None and not scalar(con, sql("fund_exists"), {"fund_id": fund_id}):
        raise NotFound(f"unknown fund {fund_id!r}")
    params: dict[str, object] = {"close_id": close_id, "fund_id": fund_id}
    if by.startswith("programme"):
        params["scopes"] = list(PROGRAMME_SCOPES)
    out = rows(con, sql(query), params)
    if pme is None:
        return out
    stored = rows(con, sql(f"stored_pme_{by}"), {"close_id": close_id, "index_id": pme})
    keys = PME_GROUPINGS[by]
    if by == "investor" and _rows_without(out, stored, keys):
        # a close stores partners' PMEs against their fund's benchmark only: others computed
        from fundbook.metrics.tables import pme_table
        from fundbook.store.frames import load_frames

        stored = frame_rows(pme_table(load_frames(con, as_of), as_of, by, pme))
    return with_pme(out, stored, keys)


def _rows_without(table: Rows, pme: Rows, keys: tuple[str, ...]) -> bool:
    """Whether a row of `table` has no row in `pme` (matched on `keys`)."""
    mine = [table.columns.index(k) for k in keys]
    theirs = [pme.columns.index(k) for k in keys]
    found = {tuple(r[i] for i in theirs) for r in pme.rows}
    return any(tuple(r[i] for i in mine) not in found for r in table.rows)


def _check_index(con: duckdb.DuckDBPyConnection, by: str, index_id: str) -> None:
    """`--pme` names an index of the book, with a grouping that has public market equivalents."""
    if by not in PME_GROUPINGS:
        raise NotFound(f"--pme goes with --by {' | '.join(PME_GROUPINGS)}, not --by {by}")
    known = [r[0] for r in rows(con, sql("index_ids")).rows]
    if index_id not in known:
        given = ", ".join(known) if known else "none (the book has no index_levels.csv rows)"
        raise NotFound(f"unknown index {index_id!r} for --pme; the book's indices: {given}")


def with_pme(table: Rows, pme: Rows, keys: tuple[str, ...]) -> Rows:
    """`table` with the PME columns (PME_COLUMNS) of its row in `pme` (matched on `keys`;
    null where it has none: another scope of a programme, a fund of no row)."""
    at = [pme.columns.index(c) for c in PME_COLUMNS]
    found = {
        tuple(r[pme.columns.index(k)] for k in keys): tuple(r[i] for i in at) for r in pme.rows
    }
    mine = [table.columns.index(k) for k in keys]
    blank = (None,) * len(PME_COLUMNS)
    return Rows(
        (*table.columns, *PME_COLUMNS),
        (*table.kinds, *(pme.kinds[i] for i in at)),
        [(*r, *found.get(tuple(r[i] for i in mine), blank)) for r in table.rows],
    )


def compliance_at(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> Rows:
    """The ITIF rules per sub-fund as of `as_of` (`metrics.compliance`), failures first, read
    from a snapshot when one holds them."""
    return compliance_on(con, [as_of])[as_of]


def compliance_on(con: duckdb.DuckDBPyConnection, days: Sequence[dt.date]) -> dict[dt.date, Rows]:
    """`compliance_at` of each of `days`: a closed day read from its snapshot, the others
    computed from one read of the book (as of the latest of them), not one per day."""
    closes = {day: close_for_date(con, day) for day in days}
    out = {day: _stored_compliance(con, c) for day, c in closes.items() if c is not None}
    computed = [day for day, c in closes.items() if c is None]
    return out | _computed_compliance(con, computed) if computed else out


def _stored_compliance(con: duckdb.DuckDBPyConnection, close_id: int) -> Rows:
    params = {"close_id": close_id, "statuses": list(STATUS_ORDER), "rules": list(ITIF_RULES)}
    return rows(con, sql("stored_compliance"), params)


# The computed path: polars and the metrics layer are imported only here, when a day has no
# snapshot, so that reading a closed day starts fast.


def _computed_metrics(
    con: duckdb.DuckDBPyConnection,
    as_of: dt.date,
    by: str,
    fund_id: str | None,
    look_through: bool,
    irr_nm_months: int | None = None,
    pme: str | None = None,
) -> Rows:
    from fundbook.metrics.irr_policy import reflag
    from fundbook.metrics.tables import metrics_table, pme_table
    from fundbook.store.frames import load_frames

    frames = load_frames(con, as_of)
    table = metrics_table(frames, as_of, by, fund_id, look_through)
    if irr_nm_months is not None and "irr_since" in table.columns:
        table = reflag(table, as_of, irr_nm_months)
    if pme is None:
        return frame_rows(table)
    computed = pme_table(frames, as_of, by, pme, irr_nm_months)
    return with_pme(frame_rows(table), frame_rows(computed), PME_GROUPINGS[by])


def _computed_compliance(
    con: duckdb.DuckDBPyConnection, days: Sequence[dt.date]
) -> dict[dt.date, Rows]:
    """`metrics.compliance` at each of `days` from the book read once, as of the latest, and
    seen at each earlier day as its own load would give it (`frames.restrict`: the rows
    known by then, so a fund with no row yet is not judged)."""
    from fundbook.metrics.compliance import compliance
    from fundbook.store.frames import load_frames, restrict

    frames = load_frames(con, max(days))
    return {day: frame_rows(compliance(restrict(frames, day), day)) for day in days}

"""`explain` over the book: a closed period's figure read from its snapshot, an open date's
computed by metrics the same way, with the lines (metrics.explain) that give it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace

import duckdb
import polars as pl

from fundbook import metrics
from fundbook.close.figures import book_levels
from fundbook.close.periods import Period
from fundbook.close.snapshot import (
    LEVEL_KEYS,
    CloseInfo,
    conform_statements,
    find_close,
    list_closes,
    read_ledger,
    read_level,
    read_statements,
    stored_form,
)
from fundbook.core.errors import NotFound
from fundbook.metrics.explain import RECIPES, Stored
from fundbook.metrics.explain_ledger import KEYS as LEDGER_KEYS
from fundbook.metrics.explain_ledger import LEVEL as LEDGER
from fundbook.metrics.gl_chart import CAPITAL_PREFIX
from fundbook.store.db import frame, sql
from fundbook.store.frames import Frames, load_frames

STATEMENT = "statement"
# A statement row's key: the basis, the fund, the investor (none: the fund's total row).
STATEMENT_KEYS = ("basis", "fund_id", "investor_id")
# The levels each level's lines read besides itself (statements: the `statement` entry).
_READS: dict[str, tuple[str, ...]] = {
    "fund": ("holding",),
    "investor": (STATEMENT,),
    "holding": ("fund", "investor"),
    "theme": ("holding",),
    "theme_by_fund": ("holding",),
    "theme_look_through": ("holding", "investor"),
    "programme": ("grant",),
    "programme_fund": (),
    "compliance": ("holding", "programme", "grant"),
    "holding_look_through": ("holding", "investor"),
    "theme_by_investor": ("theme_by_fund", "investor"),
    "look_through_company": ("holding", "investor", "fund"),
    "look_through_nav": ("look_through_company", "holding", "fund"),
    "compliance_status": ("compliance",),
    "fund_movement": ("fund",),
    "forecast": ("forecast_parameters", "fund"),
    "forecast_parameters": ("fund", "forecast"),
    "forecast_programme": ("forecast", "forecast_parameters", "programme_fund", "fund"),
    "pme_fund": ("fund",),
    "pme_investor": ("investor",),
    "pme_programme": ("fund",),
    STATEMENT: (STATEMENT, "fund", "investor"),
}
MOVEMENT = "fund_movement"


@dataclass(frozen=True)
class Explained:
    """The lines of one figure, and where its value was read (`where`: the close, or the
    date the figures were computed at when it is not closed)."""

    lines: pl.DataFrame
    where: str
    close: CloseInfo | None

    def heading(self) -> str:
        """Where the figure was read, in full: the close (id, period, dates, hash), or the
        date it was computed at."""
        c = self.close
        if c is None:
            return f"computed: {self.where}"
        return (
            f"read from the snapshot of close {c.close_id}, period {c.period} "
            f"({c.period_start} to {c.period_end}), closed {c.closed_at:%Y-%m-%d %H:%M} by "
            f"{c.closed_by}; close hash {c.close_hash}"
        )


def level_keys(level: str) -> tuple[str, ...]:
    """The key columns that address a row of `level`."""
    if level == STATEMENT:
        return STATEMENT_KEYS
    if level == LEDGER:
        return LEDGER_KEYS
    if level not in LEVEL_KEYS:
        raise NotFound(f"no level {level!r}; levels: {', '.join(RECIPES)}")
    return LEVEL_KEYS[level]


def explain_figure(
    con: duckdb.DuckDBPyConnection,
    level: str,
    key: Mapping[str, str | None],
    figure: str,
    period: str | None = None,
    as_of: dt.date | None = None,
) -> Explained:
    """Explain `figure` of the row of `level` with `key`: of the standing close of `period`
    (or of the close ending on `as_of`), read from its snapshot (the ledger: its close_ledger);
    else computed at `as_of`. A ledger row is addressed by fund and account, or by fund and
    investor (that partner's capital account)."""
    keys = level_keys(level)
    if level == LEDGER and key.get("account") is None and key.get("investor_id") is not None:
        key = {**key, "account": CAPITAL_PREFIX + str(key["investor_id"])}
    close = _close(con, period, as_of)
    at = close.period_end if close else as_of
    if at is None:
        raise NotFound("give --period (a closed period) or --as-of (a date)")
    wanted = (level, *_READS.get(level, ()))
    frames = load_frames(con, at)
    if close is not None:
        stored = stored_of_close(con, close, frames, wanted)
    else:
        stored = _compute(con, frames, at, wanted)
    rows = stored.statements if level == STATEMENT else stored.levels[level]
    if level == "pme_investor" and key.get("index_id") and not _has(rows, keys, key):
        # partners' PMEs are stored (and a close computes them) against their fund's benchmark
        # only: against another index, computed at the date as `metrics --pme` computes them
        stored, close = _partners_against(frames, stored, at, str(key["index_id"])), None
        rows = stored.levels[level]
    row = _row(rows, level, keys, key)
    lines = metrics.explain(frames, stored, at, level, row, figure)
    return Explained(lines, stored.where, close)


def _has(rows: pl.DataFrame, keys: tuple[str, ...], key: Mapping[str, str | None]) -> bool:
    """Whether `rows` has the row whose key columns are `key`."""
    return rows.filter(pl.all_horizontal(pl.col(k).eq_missing(key.get(k)) for k in keys)).height > 0


def _partners_against(frames: Frames, stored: Stored, at: dt.date, index_id: str) -> Stored:
    """`stored` with every partner's PME against `index_id` computed at `at`."""
    from fundbook.metrics.tables import pme_against

    pme = pme_against(frames, at, "pme_investor", index_id)
    levels = {**stored.levels, "pme_investor": stored_form(pme, "pme_investor")}
    where = f"{at} (a partner's PME against an index other than its fund's benchmark is not stored)"
    return replace(stored, levels=levels, where=where)


def stored_of_close(
    con: duckdb.DuckDBPyConnection,
    close: CloseInfo,
    frames: Frames,
    wanted: tuple[str, ...] | None = None,
) -> Stored:
    """The figures of `close` as its snapshot holds them (the levels `wanted`, else all), and
    the fund figures its movements start from (`fund_movement`)."""
    wanted = (*LEVEL_KEYS, STATEMENT) if wanted is None else wanted
    where = f"close {close.close_id} of {close.period} (hash {close.close_hash[:16]})"
    stored = Stored(
        _read_levels(con, close.close_id, wanted),
        _statements(con, close, wanted),
        where,
        reference=_reference(con, close.period_end, wanted),
    )
    return _with_previous(con, stored, frames, close.period_end, wanted)


def quarter_before(at: dt.date) -> dt.date:
    """The end of the quarter before `at`'s: the date a close's movements are measured from."""
    return Period(at.year, at.month).previous_quarter_end


def _with_previous(
    con: duckdb.DuckDBPyConnection,
    stored: Stored,
    frames: Frames,
    at: dt.date,
    wanted: tuple[str, ...],
) -> Stored:
    """`stored` with the fund figures at the quarter before: read from its standing close when
    there is one, else computed by the producer's `fund_metrics` (as the close did)."""
    if MOVEMENT not in wanted:
        return stored
    since = quarter_before(at)
    before = _close(con, None, since)
    if before is None:
        return _previous_computed(stored, frames, since)
    where = f"close {before.close_id} of {before.period} (hash {before.close_hash[:16]})"
    fund = _read_levels(con, before.close_id, ("fund",))["fund"]
    return replace(stored, previous=fund, previous_where=where)


def _previous_computed(stored: Stored, frames: Frames, since: dt.date) -> Stored:
    """`stored` with the fund figures at `since` computed as the close computes them."""
    fund = stored_form(metrics.fund_metrics(frames, since), "fund")
    return replace(
        stored, previous=fund, previous_where=f"metrics as of {since} (not a closed period)"
    )


def _close(
    con: duckdb.DuckDBPyConnection, period: str | None, as_of: dt.date | None
) -> CloseInfo | None:
    if period is not None:
        info = find_close(con, period)
        if as_of is not None and as_of != info.period_end:
            raise NotFound(f"--as-of {as_of} is not the end of period {info.period}")
        return info
    standing = [c for c in list_closes(con) if c.status == "closed" and c.period_end == as_of]
    return standing[-1] if standing else None


def _read_levels(
    con: duckdb.DuckDBPyConnection, close_id: int, wanted: tuple[str, ...]
) -> dict[str, pl.DataFrame]:
    out = {}
    for level in wanted:
        if level == STATEMENT:
            continue
        if level == LEDGER:
            out[level] = read_ledger(con, close_id)
            continue
        out[level] = read_level(con, close_id, level)
    return out


def _statements(
    con: duckdb.DuckDBPyConnection, close: CloseInfo, wanted: tuple[str, ...]
) -> pl.DataFrame:
    if STATEMENT not in wanted:
        return conform_statements(pl.DataFrame())
    return read_statements(con, close.close_id)


def _compute(
    con: duckdb.DuckDBPyConnection, frames: Frames, at: dt.date, wanted: tuple[str, ...]
) -> Stored:
    """The levels `wanted` computed at an open date as a close computes them."""
    computed = stored_at(frames, at, wanted)
    levels = {**computed.levels, **book_levels(con, at, wanted)}
    computed = replace(computed, levels=levels, reference=_reference(con, at, wanted))
    return _with_previous(con, computed, frames, at, wanted)


def _reference(
    con: duckdb.DuckDBPyConnection, at: dt.date, wanted: tuple[str, ...]
) -> dict[str, pl.DataFrame]:
    """The book's columns the frames do not carry: the funds' vintage and manager; for the
    flow level, the quarter's flows in their own currency (`flows`)."""
    out = {"funds": frame(con, sql("explain_funds"))}
    if "flow" in wanted:
        bound = {"period_end": at, "quarter_start": Period(at.year, at.month).quarter_start}
        out["flows"] = frame(con, sql("explain_flow_rows"), bound)
    return out


def stored_at(frames: Frames, at: dt.date, wanted: tuple[str, ...]) -> Stored:
    """The metric levels `wanted` (and `statement`: inception-to-date statements) computed at
    `at` from `frames` by the producer of every snapshot (`metrics.figures`), as a close
    stores them; with the fund figures at the quarter before when `fund_movement` is wanted."""
    since = quarter_before(at)
    metric_levels = set(wanted) - {LEDGER, STATEMENT}
    produced = metrics.figures(frames, at, since) if metric_levels else {}
    levels = {lv: stored_form(produced[lv], lv) for lv in wanted if lv in produced}
    if LEDGER in wanted:  # as the close stores it (close_ledger)
        levels[LEDGER] = metrics.general_ledger(frames, at)
    statements = conform_statements(pl.DataFrame())
    if STATEMENT in wanted:
        statements = conform_statements(_inception_to_date(frames, at))
    stored = Stored(levels, statements, f"metrics as of {at} (not a closed period)")
    return _previous_computed(stored, frames, since) if MOVEMENT in wanted else stored


def _inception_to_date(frames: Frames, at: dt.date) -> pl.DataFrame:
    dates = [
        getattr(frames, t)["date"].min() for t in ("transactions", "commitments", "valuations")
    ]
    inception = min([d for d in dates if isinstance(d, dt.date)], default=at)
    return metrics.capital_account_statement(frames, inception, at).with_columns(
        pl.lit("ITD").alias("basis"),
        pl.lit(inception).alias("start_date"),
        pl.lit(at).alias("end_date"),
    )


def _row(
    rows: pl.DataFrame, level: str, keys: tuple[str, ...], key: Mapping[str, str | None]
) -> dict[str, object]:
    """The row of `rows` whose key columns are `key` (a key not given matches a null one)."""
    for k in keys:
        value = key.get(k)
        if value is None and rows[k].null_count() == 0:
            raise NotFound(f"level {level} needs {_option(k)}; one of: {_choices(rows, k)}")
        if value is not None and not (rows[k] == value).any():
            raise NotFound(f"no {level} with {_option(k)} {value}; one of: {_choices(rows, k)}")
        rows = rows.filter(pl.col(k).eq_missing(value))
        if rows.height == 0:
            raise NotFound(f"no {level} row with {_shown(key, keys)}")
    return rows.row(0, named=True)


def _choices(rows: pl.DataFrame, column: str, most: int = 40) -> str:
    values = [v for v in rows[column].unique().sort().to_list() if v is not None]
    more = f" … ({len(values)} in all)" if len(values) > most else ""
    return ", ".join(str(v) for v in values[:most]) + more


def _shown(key: Mapping[str, str | None], keys: tuple[str, ...]) -> str:
    return ", ".join(f"{k}={key.get(k)}" for k in keys)


def _option(column: str) -> str:
    return "--" + column.removesuffix("_id").replace("_", "-")

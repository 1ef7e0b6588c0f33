"""Every figure of a close, computed from the book as of the period end (metrics + booked rows)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import duckdb
import polars as pl

from fundbook import metrics
from fundbook.close.fees import fee_warnings
from fundbook.close.periods import Period, basis_starts
from fundbook.close.reconcile import reconcile_warnings
from fundbook.close.snapshot import (
    LEVEL_KEYS,
    STATEMENT_LINES,
    conform_statements,
    figure_count,
    list_closes,
    read_level,
    stored_form,
)
from fundbook.core.errors import FundbookError
from fundbook.core.ledgers import ledgers_in_book
from fundbook.core.types import INFO_LEVELS
from fundbook.metrics.fee_allocation import attributed_fees
from fundbook.metrics.money import from_cents
from fundbook.store.db import frame, sql
from fundbook.store.frames import Frames, load_frames

# Levels read straight from the booked rows: (level, SQL file, the parameters it binds); the
# reference levels each from `close_<level>`.
BOOK_LEVELS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("flow", "close_flows", ("quarter_start", "period_end")),
    *((level, f"close_{level}", ()) for level in INFO_LEVELS),
)


def book_levels(
    con: duckdb.DuckDBPyConnection, at: dt.date, wanted: Iterable[str] | None = None
) -> dict[str, pl.DataFrame]:
    """The levels read from the booked rows (BOOK_LEVELS; those `wanted`, else all) as of
    `at` (a period end, or an open date: its flows since its quarter's start)."""
    params = {"period_end": at, "quarter_start": Period(at.year, at.month).quarter_start}
    chosen = set(LEVEL_KEYS if wanted is None else wanted)
    return {
        level: frame(con, sql(query), {k: params[k] for k in names})
        for level, query, names in BOOK_LEVELS
        if level in chosen
    }


@dataclass
class Computed:
    """The figures of a close, as they are stored (`snapshot.stored_form` of every level)."""

    period: Period
    period_start: dt.date
    inception: dt.date
    levels: dict[str, pl.DataFrame]  # every level of snapshot.LEVEL_KEYS, in that order
    statements: pl.DataFrame  # basis, start_date, end_date, fund_id, investor_id, ILPA lines
    # the general ledger at the period end (metrics.general_ledger), stored in close_ledger
    ledger: pl.DataFrame = field(default_factory=pl.DataFrame)
    # booked management fees beyond the fund's tolerance of the computed ones, in quarters new
    # to this close (close.fees)
    fee_warnings: list[str] = field(default_factory=list)
    # GP statement figures beyond the sub-fund's tolerance of the book's, for statements new to
    # this close (close.reconcile)
    gp_warnings: list[str] = field(default_factory=list)
    # per (fund_id, investor_id): its share of the fund-level fees of a fund with fee terms,
    # split by computed fees (`own_fees`, money), as the capital accounts take it
    fee_shares: pl.DataFrame = field(default_factory=pl.DataFrame)
    # the funds whose ledger is in the book (core.ledgers.ledgers_in_book): the close's summary
    # lists these; a sub-fund held from its GP's statements has no fund figures of its own
    ledger_funds: tuple[str, ...] = ()

    @property
    def figure_count(self) -> int:
        """Figures plus statement lines (each row of a statement holds one per ILPA line)."""
        return figure_count(self.levels) + self.statements.height * len(STATEMENT_LINES)


def compute(
    con: duckdb.DuckDBPyConnection,
    period: Period,
    period_start: dt.date,
    inception: dt.date,
    progress: Callable[[str], None] | None = None,
) -> Computed:
    """Compute every level and the QTD/YTD/ITD statements of a close from the book in `con`."""
    say = progress or (lambda _msg: None)
    end = period.end
    say("loading the book")
    frames = load_frames(con, end)
    say("computing the figures of every level")
    produced = metrics.figures(frames, end, period.previous_quarter_end)
    produced.update(book_levels(con, end))
    say("computing capital account statements")
    statements = statement_lines(frames, period, period_start, inception)
    say("computing the general ledger")
    ledger = metrics.general_ledger(frames, end)
    undeclared = sorted(set(produced) ^ set(LEVEL_KEYS))
    if undeclared:  # a level computed but not stored, or declared but never computed: a bug
        raise FundbookError(f"snapshot levels not both computed and declared: {undeclared}")
    levels = {level: stored_form(produced[level], level) for level in LEVEL_KEYS}
    warnings = fee_warnings(
        levels["fee_check"], period_start, end, _checked_before(con, end, "fee_check")
    )
    gp = reconcile_warnings(levels["reconcile"], _checked_before(con, end, "reconcile"))
    shares = fee_shares(frames, end)
    return Computed(
        period,
        period_start,
        inception,
        levels,
        statements,
        ledger,
        fee_warnings=warnings,
        gp_warnings=gp,
        fee_shares=shares,
        ledger_funds=tuple(ledgers_in_book(frames.commitments, frames.transactions).to_list()),
    )


def fee_shares(frames: Frames, end: dt.date) -> pl.DataFrame:
    """Per (fund_id, investor_id): its share of the fund-level fees of a fund with fee terms
    recognised by `end` (`fee_allocation.attributed_fees`, the capital accounts' own), money."""
    shares = attributed_fees(frames, end)
    return shares.group_by("fund_id", "investor_id").agg(
        from_cents(pl.col("attributed_fees").sum()).alias("own_fees")
    )


def _checked_before(
    con: duckdb.DuckDBPyConnection, end: dt.date, level: str
) -> pl.DataFrame | None:
    """A level (the fee check, the reconciliation) of the latest standing close before `end`,
    if any."""
    before = [c for c in list_closes(con) if c.status == "closed" and c.period_end < end]
    return read_level(con, before[-1].close_id, level) if before else None


def statement_lines(
    frames: Frames, period: Period, period_start: dt.date, inception: dt.date
) -> pl.DataFrame:
    """The ILPA statements of every investor and fund for each basis (period, QTD, YTD, ITD):
    one row per (basis, fund, investor), the lines as columns in their order."""
    parts, by_start = [], {}
    for basis, start in basis_starts(period, period_start, inception).items():
        if start not in by_start:  # e.g. a January close: period, QTD and YTD share a start
            by_start[start] = metrics.capital_account_statement(frames, start, period.end)
        parts.append(
            by_start[start].with_columns(
                pl.lit(basis).alias("basis"),
                pl.lit(start).alias("start_date"),
                pl.lit(period.end).alias("end_date"),
            )
        )
    return conform_statements(pl.concat(parts, how="diagonal_relaxed"))

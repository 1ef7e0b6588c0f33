"""The forecast of a closed period read from its snapshot, or computed at any date (`fundbook
forecast`): per fund, per programme (the government's share), or every programme."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import polars as pl

from fundbook.close.asof import close_for_date
from fundbook.close.snapshot import find_close, read_level
from fundbook.core.errors import NotFound
from fundbook.core.table import Rows, frame_rows
from fundbook.metrics.forecast import DEFAULT_PATHS, DEFAULT_SEED, forecast
from fundbook.metrics.levels import fund_level
from fundbook.metrics.programme import programme_fund_metrics
from fundbook.store.frames import load_frames


@dataclass(frozen=True)
class Found:
    """The rows of a forecast and where they come from (a close, or computed at a date)."""

    rows: Rows
    where: str


def forecast_at(
    con: duckdb.DuckDBPyConnection,
    as_of: dt.date | None = None,
    period: str | None = None,
    fund_id: str | None = None,
    programme: str | None = None,
    years: int | None = None,
    seed: int = DEFAULT_SEED,
    paths: int = DEFAULT_PATHS,
) -> Found:
    """The forecast years of `fund_id` (level forecast), of `programme`, or of every programme
    (level forecast_programme), the first `years` of them: read from the standing close of
    `period` (or the close ending on `as_of`) when the seed and paths are the close's, else
    computed at `as_of` (or the period's end)."""
    close_id, at = _close(con, as_of, period)
    default = seed == DEFAULT_SEED and paths == DEFAULT_PATHS
    level = "forecast" if fund_id is not None else "forecast_programme"
    if close_id is not None and default:
        table = read_level(con, close_id, level)
        where = f"read from close {close_id} (period end {at})"
    else:
        frames = load_frames(con, at)
        fund = fund_level(frames, at)
        done = forecast(frames, at, fund, programme_fund_metrics(frames, at), seed, paths)
        table = done.funds if fund_id is not None else done.programmes
        where = f"computed as of {at} (seed {seed}, {paths} paths; not a closed period's figures)"
    return Found(frame_rows(_select(table, fund_id, programme, years)), where)


def _close(
    con: duckdb.DuckDBPyConnection, as_of: dt.date | None, period: str | None
) -> tuple[int | None, dt.date]:
    if period is not None:
        info = find_close(con, period)
        if as_of is not None and as_of != info.period_end:
            raise NotFound(f"--as-of {as_of} is not the end of period {info.period}")
        return info.close_id, info.period_end
    if as_of is None:
        raise NotFound("give --period (a closed period) or --as-of (a date)")
    return close_for_date(con, as_of), as_of


def _select(
    table: pl.DataFrame, fund_id: str | None, programme: str | None, years: int | None
) -> pl.DataFrame:
    """The rows asked for, years in order (a level's keys are stored as text)."""
    key, value = ("fund_id", fund_id) if fund_id is not None else ("programme", programme)
    out = table.with_columns(pl.col("year").cast(pl.Int64))
    if value is not None:
        if not (out[key] == value).any():
            known = ", ".join(sorted(out[key].unique().to_list())) or "none"
            raise NotFound(f"no forecast of {key.removesuffix('_id')} {value!r}; forecast: {known}")
        out = out.filter(pl.col(key) == value)
    if years is not None:
        out = out.filter(pl.col("year") <= years)
    first = [key, "year", "period_end"]
    if "fund_age" in out.columns:
        first.append("fund_age")
    rest = [c for c in out.columns if c not in first]
    return out.select(*first, *rest).sort(key, "year")

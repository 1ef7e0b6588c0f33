"""The forecast command: the Takahashi–Alexander commitment pacing forecast (issue 15)."""

from __future__ import annotations

import datetime as dt

import click

from fundbook.cli.options import DATE, db_option
from fundbook.cli.output import emit, format_option
from fundbook.close.forecast import forecast_at
from fundbook.metrics.forecast import DEFAULT_PATHS, DEFAULT_SEED
from fundbook.store.db import open_book, resolve_db_path


@click.command("forecast")
@click.option("--fund", "fund_id", default=None, help="One fund: its own figures, its currency.")
@click.option(
    "--programme", "programme", default=None, help="One programme: the government's share (HKD)."
)
@click.option(
    "--years", "years", type=click.IntRange(1, 40), default=None, help="The first N years only."
)
@click.option("--as-of", "as_of", type=DATE, default=None, help="The date the forecast starts.")
@click.option("--period", "period", default=None, help="A closed period (2026-09 or 2026Q3).")
@click.option(
    "--seed",
    "seed",
    type=int,
    default=DEFAULT_SEED,
    show_default=True,
    help="Seed of the simulated growth paths (the same seed gives the same bands).",
)
@click.option(
    "--paths",
    "paths",
    type=click.IntRange(20, 100_000),
    default=DEFAULT_PATHS,
    show_default=True,
    help="How many growth paths the bands are drawn from.",
)
@db_option
@format_option
def forecast_cmd(
    fund_id: str | None,
    programme: str | None,
    years: int | None,
    as_of: dt.date | None,
    period: str | None,
    seed: int,
    paths: int,
    db: str | None,
    fmt: str,
) -> None:
    """Expected contributions, distributions and NAV by forecast year (the 12 months after the
    as-of date, then the next 12, ...) to the end of each fund's life, with the 5th-95th
    percentile band of simulated growth: per fund (--fund, its currency), per programme
    (--programme: the government's share of its sub-funds, HKD), or every programme.

    Takahashi–Alexander model, each fund's parameters from its history where it has three
    full years, else its terms (ta_* in terms.csv), else the defaults (docs/methods.md,
    *Commitment pacing forecast*; `fundbook explain ... --level forecast_parameters`). A
    closed period with the default seed and paths is read from its close; otherwise computed.

    \b
    fundbook forecast --programme itif --years 5 --period 2026-09
    fundbook forecast --fund sf-semis --as-of 2026-10-31 --format csv
    fundbook forecast --as-of 2026-10-31 --seed 7 --paths 5000
    """
    if fund_id is not None and programme is not None:
        raise click.UsageError("give --fund or --programme, not both")
    if period is None and as_of is None:
        raise click.UsageError("give --period (a closed period) or --as-of (a date)")
    with open_book(resolve_db_path(db), read_only=True) as con:
        found = forecast_at(con, as_of, period, fund_id, programme, years, seed, paths)
    if fmt == "table":
        click.echo(f"forecast {found.where}")
    emit(found.rows, fmt)


COMMANDS = [forecast_cmd]

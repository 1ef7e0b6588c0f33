"""Commands printing figures as of a date: metrics, compliance (a closed day from its snapshot)."""

from __future__ import annotations

import datetime as dt

import click

from fundbook.cli.options import DATE, db_option, irr_nm_option
from fundbook.cli.output import emit, format_option
from fundbook.close.asof import compliance_at, metrics_at
from fundbook.close.compliance_history import compliance_history
from fundbook.core.types import METRIC_GROUPINGS, PME_GROUPINGS
from fundbook.store.db import open_book, resolve_db_path

as_of_option = click.option(
    "--as-of",
    "as_of",
    type=DATE,
    required=True,
    help="Figures as of this date (rows dated on or before).",
)


@click.command("metrics")
@as_of_option
@click.option(
    "--by",
    "by",
    type=click.Choice(METRIC_GROUPINGS),
    default="fund",
    show_default=True,
    help="Grouping of the figures.",
)
@click.option("--fund", "fund_id", default=None, help="One fund (or programme) only.")
@click.option(
    "--look-through",
    is_flag=True,
    help="--by theme: the guidance fund's exposure through its sub-funds "
    "(--by look_through_company / look_through_nav always look through).",
)
@irr_nm_option
@click.option(
    "--pme",
    "pme",
    default=None,
    metavar="INDEX_ID",
    help="--by fund | investor | programme: the public market equivalents against this index "
    "of index_levels.csv (ks_pme, direct_alpha, ln_pme_irr, pme_nm, pme_undefined).",
)
@db_option
@format_option
def metrics_cmd(
    as_of: dt.date,
    by: str,
    fund_id: str | None,
    look_through: bool,
    irr_nm_months: int | None,
    pme: str | None,
    db: str | None,
    fmt: str,
) -> None:
    """Figures per fund, investor, holding, theme, programme (per scope), programme_fund (each
    fund's part of its programme's scope) or grant, or the guidance fund's look-through by
    company (look_through_company) and its NAV (look_through_nav); see docs/methods.md.

    --by theme without --fund: per programme (column programme), the companies held by the
    programme's own fund and its member funds, in full, in HKD (never another scheme's).

    --by grant: per company of a grant programme, grants (government) and matching (the
    company's own), the ratio against 1:2, the matching deadline and the status ok | pending
    | short | over_cap.

    Money is in the currency of the `currency` column; ratios are numbers; undefined is null.
    The last day of a closed month is read from its close's snapshot (fast); another day (or
    --irr-nm-months) is computed from the book (slower).

    IRR policy: an IRR whose flag (net_irr_nm, gross_irr_nm) is true is not meaningful (the
    fund or partner is younger than irr_nm_months since irr_since, its first contribution):
    JSON and CSV keep the number and the flag, the table prints "n.m.".

    --pme INDEX_ID (with --by fund, investor or programme): Kaplan-Schoar PME, direct alpha
    and the Long-Nickels PME IRR against the index, on the flows of the net IRR (a programme:
    its member funds' pooled in HKD, on its sub_funds or scheme row); pme_nm flags all three
    n.m. as the IRR policy does; pme_undefined says why one is null (docs/methods.md).
    """
    if pme is not None and by not in PME_GROUPINGS:
        raise click.UsageError(f"--pme goes with --by {' | '.join(PME_GROUPINGS)}, not --by {by}")
    with open_book(resolve_db_path(db), read_only=True) as con:
        emit(metrics_at(con, as_of, by, fund_id, look_through, irr_nm_months, pme), fmt)


@click.command("compliance")
@as_of_option
@click.option(
    "--history",
    is_flag=True,
    help="Per rule and fund ever at fail or watch at a quarter-end up to --as-of: the first "
    "quarter-end in breach, the quarters in breach, the trend and its direction.",
)
@db_option
@format_option
def compliance_cmd(as_of: dt.date, history: bool, db: str | None, fmt: str) -> None:
    """ITIF rules per sub-fund and programme: figure, threshold, status; failures first.

    Statuses: fail, watch (behind pace before the end of the investment period the rule is
    judged at), pending (not judged yet), pass. A report: the exit code is 0 even when a rule
    fails. The last day of a closed month is read from its close's snapshot (fast); another
    day is computed from the book (slower). --history reads each quarter-end the same way.
    """
    with open_book(resolve_db_path(db), read_only=True) as con:
        emit(compliance_history(con, as_of) if history else compliance_at(con, as_of), fmt)


COMMANDS = [metrics_cmd, compliance_cmd]

"""The explain command: the lines behind any figure (metrics and compliance: `cli.figures`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import click

from fundbook.cli.options import DATE, db_option
from fundbook.cli.output import emit, format_option
from fundbook.close.explain import explain_figure
from fundbook.metrics.explain import RECIPES
from fundbook.store.db import open_book, resolve_db_path

# The options that address a row, and the key column each gives.
_KEY_OPTIONS = (
    ("fund", "fund_id", "A fund (or the programme paying a grant: --level grant)."),
    ("investor", "investor_id", "An investor in the fund (with --holding or --theme: its share)."),
    ("holding", "holding_id", "A holding of the fund."),
    (
        "theme",
        "theme",
        "A theme (levels theme, theme_by_fund, theme_look_through, theme_by_investor).",
    ),
    ("programme", "programme", "A programme (level programme)."),
    ("company", "company_id", "A company receiving grants (level grant)."),
    ("rule", "rule", "An ITIF rule (level compliance)."),
    ("status", "status", "A rule status: fail, watch, pending or pass (level compliance_status)."),
    (
        "scope",
        "scope",
        "A programme's scope: sub_funds, direct or scheme (levels programme, programme_fund).",
    ),
    ("quarter", "quarter", "A quarter like 2026Q3 (levels cash_flow, fee_check)."),
    (
        "gp_figure",
        "figure",
        "A figure of a GP statement: nav, contributions, distributions, fees or carry_accrued "
        "(level reconcile, with --fund and --holding).",
    ),
    ("txn", "txn_id", "A transaction id (level flow)."),
    (
        "index",
        "index_id",
        "A market index of index_levels.csv (levels pme_fund, pme_investor, pme_programme).",
    ),
    ("basis", "basis", "A statement basis: period, QTD, YTD or ITD (level statement)."),
    ("category", "category", "An expense category (level expense_by_category)."),
    (
        "year",
        "year",
        "A forecast year: 1 ends a year after the as-of date (levels forecast, with --fund; "
        "forecast_programme, with --programme).",
    ),
    (
        "account",
        "account",
        "A general-ledger account (level ledger): cash, investments_at_cost, "
        "partners_capital:<investor>, ... (with --level ledger, --investor names its capital).",
    ),
)
# Without --level: the level the given options point to, first match.
_LEVEL_OF = (
    ("account", "ledger"),
    ("basis", "statement"),
    ("category", "expense_by_category"),
    ("txn", "flow"),
    ("quarter", "cash_flow"),
    ("rule", "compliance"),
    ("status", "compliance_status"),
    ("company", "grant"),
    ("programme", "programme"),
    ("holding", "holding"),
    ("investor", "investor"),
)


def _key_options(fn: Any) -> Any:
    for name, _column, help_text in reversed(_KEY_OPTIONS):
        flag = f"--{name.replace('_', '-')}"
        fn = click.option(flag, name, default=None, help=help_text)(fn)
    return fn


def _level(level: str | None, given: dict[str, str | None]) -> str:
    if level is not None:
        return level
    if given.get("theme") is not None:
        if given.get("investor") is not None:
            return "theme_by_investor"
        return "theme_by_fund" if given.get("fund") is not None else "theme"
    if given.get("year") is not None:
        return "forecast_programme" if given.get("programme") is not None else "forecast"
    if given.get("investor") is not None and given.get("holding") is not None:
        return "holding_look_through"
    if given.get("index") is not None:
        if given.get("programme") is not None:
            return "pme_programme"
        return "pme_investor" if given.get("investor") is not None else "pme_fund"
    return next((lv for opt, lv in _LEVEL_OF if given.get(opt) is not None), "fund")


@click.command("explain")
@click.argument("figure")
@click.option(
    "--level",
    "level",
    type=click.Choice(list(RECIPES)),
    default=None,
    help="The level of the figure (default: the one the key options point to, else fund).",
)
@_key_options
@click.option(
    "--period",
    "period",
    default=None,
    help="A closed period (2026-09, or a quarter 2026Q3: its last month's close).",
)
@click.option(
    "--as-of",
    "as_of",
    type=DATE,
    default=None,
    help="A date: a closed period's end reads its snapshot, any other date computes.",
)
@db_option
@format_option
def explain_cmd(
    figure: str,
    level: str | None,
    period: str | None,
    as_of: dt.date | None,
    db: str | None,
    fmt: str,
    **given: str | None,
) -> None:
    """The lines behind FIGURE, the figure last, as stored.

    A closed period (--period, or --as-of its last day) reads the figure from the close's
    snapshot (close id, period and hash are printed); another --as-of date computes it. Each
    line has a role: term lines add up to the figure; a ratio is the sum of its numerator
    lines over the sum of its denominator lines; an IRR is the XIRR of its flow lines; a count
    counts its counted lines; text, dates and flags are shown as their source holds them.
    A general-ledger balance (--account, level ledger) is `balance` (the trial balance, before
    the period's closing entry) or `closed_balance` (the balance sheet, after it): its lines
    are the postings, each with its source.

    \b
    fundbook explain nav --fund itif --period 2026-09
    fundbook explain fair_value --fund itif --holding sf-airobot --as-of 2026-09-30
    fundbook explain amplification --programme itif --period 2026Q3
    fundbook explain ratio --fund sf-semis --rule government_share --period 2026-09
    fundbook explain ending_nav --basis QTD --fund itif --investor gov-hksar --period 2026-09
    fundbook explain holdings --level theme_look_through --fund itif --theme other --period 2026-09
    fundbook explain fair_value --fund itif --investor gov-hksar --holding sf-semis --period 2026-09
    fundbook explain nav_change --level fund_movement --fund itif --period 2026Q3
    fundbook explain rules --status fail --period 2026-09
    fundbook explain ks_pme --level pme_fund --fund itif --index HSI --period 2026-09
    fundbook explain expenses_qtd --fund itif --category audit_tax --period 2026-09
    fundbook explain closed_balance --fund itvf --account cash --period 2026-09
    fundbook explain contributions --level forecast --fund sf-semis --year 2 --period 2026-09
    fundbook explain government_distributions --programme itif --year 3 --as-of 2026-10-31
    fundbook explain bow --level forecast_parameters --fund itvf --period 2026-09
    fundbook explain closed_balance --level ledger --fund sf-digital --investor itif-lp \
        --period 2026-09
    """
    if period is None and as_of is None:
        raise click.UsageError("give --period (a closed period) or --as-of (a date)")
    lv = _level(level, given)
    key = {column: given.get(name) for name, column, _ in _KEY_OPTIONS}
    with open_book(resolve_db_path(db), read_only=True) as con:
        done = explain_figure(con, lv, key, figure, period, as_of)
    if fmt == "table":  # csv and json stay data: the result line's source names the close
        click.echo(f"{figure} ({lv}) {done.heading()}")
    emit(done.lines, fmt)


COMMANDS = [explain_cmd]

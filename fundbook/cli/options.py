"""Options shared by the commands."""

from __future__ import annotations

import datetime as dt

import click

from fundbook.report.i18n import DEFAULT_LANGUAGE, LANGUAGES

db_option = click.option(
    "--db",
    "db",
    type=click.Path(dir_okay=False),
    default=None,
    help="DuckDB book file (default: $FUNDBOOK_DB, else ./fundbook.duckdb).",
)

irr_nm_option = click.option(
    "--irr-nm-months",
    "irr_nm_months",
    type=click.IntRange(1, 120),
    default=None,
    help="IRR policy: show an IRR as n.m. while its fund or partner is younger than this many "
    "months (default: each fund's irr_nm_months in terms.csv, else 12).",
)


lang_option = click.option(
    "--lang",
    "lang",
    default=DEFAULT_LANGUAGE,
    show_default=True,
    metavar="|".join(LANGUAGES),
    # checked where the reports are made (report.i18n.check_language): an unknown language is
    # a clean error naming the languages there are, exit code 1, as every FundbookError
    help="Language of the report (file names of a language other than English end in it).",
)


class DateParam(click.ParamType):
    """An ISO date YYYY-MM-DD."""

    name = "DATE"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> dt.date:
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            self.fail(f"{value!r} is not a date in the form YYYY-MM-DD", param, ctx)


DATE = DateParam()

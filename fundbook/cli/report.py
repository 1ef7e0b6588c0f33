"""`fundbook report lp|board`: render quarterly LP reports and the board report from a close."""

from __future__ import annotations

from pathlib import Path

import click

from fundbook.cli.options import db_option, irr_nm_option, lang_option
from fundbook.report.render import Rendered, render_board_report, render_lp_reports
from fundbook.store.db import resolve_db_path

quarter_option = click.option(
    "--quarter",
    required=True,
    metavar="YYYYQn",
    help="The quarter, e.g. 2026Q3 (its close's snapshot).",
)
out_option = click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(file_okay=False),
    help="Folder to write the reports into.",
)
templates_option = click.option(
    "--templates",
    type=click.Path(exists=True, file_okay=False),
    default=None,
    help="Folder of your own templates; they override the built-in ones of the same name.",
)


def _progress(done: int, total: int, name: str) -> None:
    click.echo(f"[{done}/{total}] {name}", err=True)


def _summary(result: Rendered, what: str) -> None:
    if not result.closed:
        click.echo("warning: the quarter is not closed; every page is marked DRAFT", err=True)
    click.echo(
        f"{what}: {len(result.html)} HTML, {len(result.pdf)} PDF, {len(result.xlsx)} XLSX "
        f"({len(result.files)} files, and methods.md they link to) in {result.out_dir}"
    )


@click.group("report")
def report() -> None:
    """Quarterly reports (HTML, PDF, XLSX) from a close's snapshot."""


@report.command("lp")
@db_option
@quarter_option
@click.option("--fund", "fund_id", default=None, help="Only this fund's investors.")
@click.option("--investor", "investor_id", default=None, help="Only this investor.")
@out_option
@click.option("--pdf", is_flag=True, help="Also write a PDF of each report.")
@click.option("--xlsx", is_flag=True, help="Also write an Excel workbook of each report.")
@templates_option
@lang_option
@irr_nm_option
def lp(
    db: str | None,
    quarter: str,
    fund_id: str | None,
    investor_id: str | None,
    out: str,
    pdf: bool,
    xlsx: bool,
    templates: str | None,
    lang: str,
    irr_nm_months: int | None,
) -> None:
    """One report per investor per fund (every investor unless --fund/--investor narrow it)."""
    result = render_lp_reports(
        resolve_db_path(db),
        quarter,
        Path(out),
        fund_id=fund_id,
        investor_id=investor_id,
        pdf=pdf,
        xlsx=xlsx,
        templates=templates,
        progress=_progress,
        lang=lang,
        irr_nm_months=irr_nm_months,
    )
    _summary(result, "LP reports")


@report.command("board")
@db_option
@quarter_option
@out_option
@click.option("--pdf", is_flag=True, help="Also write a PDF.")
@click.option("--xlsx", is_flag=True, help="Also write the report's tables as an Excel workbook.")
@templates_option
@lang_option
@irr_nm_option
@click.option(
    "--pme",
    "pme",
    default=None,
    metavar="INDEX_ID",
    help="The index of index_levels.csv the public market equivalents compare with "
    "(default: the guidance fund's pme_index in terms.csv, else every index).",
)
def board(
    db: str | None,
    quarter: str,
    out: str,
    pdf: bool,
    xlsx: bool,
    templates: str | None,
    lang: str,
    irr_nm_months: int | None,
    pme: str | None,
) -> None:
    """The board report of the guidance fund for the quarter."""
    result = render_board_report(
        resolve_db_path(db),
        quarter,
        Path(out),
        pdf=pdf,
        xlsx=xlsx,
        templates=templates,
        progress=_progress,
        lang=lang,
        irr_nm_months=irr_nm_months,
        pme=pme,
    )
    _summary(result, "board report")


COMMANDS = [report]

"""`fundbook notices`: capital call and distribution notices, one per partner per call."""

from __future__ import annotations

from pathlib import Path

import click

from fundbook.cli.options import db_option
from fundbook.cli.report import out_option, templates_option
from fundbook.report.notices import render_notices
from fundbook.store.db import resolve_db_path


def _progress(done: int, total: int, name: str) -> None:
    click.echo(f"[{done}/{total}] {name}", err=True)


@click.command("notices")
@db_option
@click.option("--fund", "fund_id", required=True, help="The fund whose calls are noticed.")
@click.option("--call", "call_id", default=None, help="One call (its call_id in calls.csv).")
@click.option(
    "--quarter", default=None, metavar="YYYYQn", help="Every call of the fund noticed in it."
)
@out_option
@click.option("--pdf", is_flag=True, help="Also write a PDF of each notice.")
@click.option("--lang", default="en", show_default=True, help="The notices' language.")
@templates_option
def notices(
    db: str | None,
    fund_id: str,
    call_id: str | None,
    quarter: str | None,
    out: str,
    pdf: bool,
    lang: str,
    templates: str | None,
) -> None:
    """One notice per partner per call (ILPA Capital Call & Distribution Notice Template):
    --call ID, or every call of --fund noticed in --quarter."""
    result = render_notices(
        resolve_db_path(db),
        fund_id,
        Path(out),
        call_id=call_id,
        quarter=quarter,
        pdf=pdf,
        lang=lang,
        templates=templates,
        progress=_progress,
    )
    click.echo(
        f"notices: {len(result.html)} HTML, {len(result.pdf)} PDF ({len(result.files)} files) "
        f"in {result.out_dir}"
    )


COMMANDS = [notices]

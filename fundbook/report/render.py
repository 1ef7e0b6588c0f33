"""Rendering reports to files: HTML for each context, then PDF (in parallel) and XLSX."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from fundbook.core.errors import NotFound
from fundbook.core.resources import resource_path
from fundbook.report.board import build_board_context
from fundbook.report.board_xlsx import write_board_xlsx
from fundbook.report.environment import make_environment, render
from fundbook.report.grant import build_grant_context, grant_funds
from fundbook.report.i18n import DEFAULT_LANGUAGE, translations
from fundbook.report.lp import build_lp_context, lp_pairs
from fundbook.report.names import (
    distinct_stems,
    grant_stem,
    in_language,
    inside,
    lp_stem,
    output_stem,
)
from fundbook.report.pdf import pdfs_after_html, write_pdfs
from fundbook.report.source import ReportSource, load_source
from fundbook.report.xlsx import write_lp_xlsx
from fundbook.store.db import open_book

Progress = Callable[[int, int, str], None]


@dataclass
class Rendered:
    """The files a report command wrote, and whether the quarter was closed."""

    out_dir: Path
    closed: bool
    html: list[Path] = field(default_factory=list)
    pdf: list[Path] = field(default_factory=list)
    xlsx: list[Path] = field(default_factory=list)

    @property
    def files(self) -> list[Path]:
        """Every file written, once each (the summary counts these)."""
        return sorted({*self.html, *self.pdf, *self.xlsx})


def copy_methods(out_dir: Path) -> None:
    """Put fundbook's docs/methods.md next to the reports, which link to it."""
    methods = resource_path("docs/methods.md")
    if methods is not None:
        shutil.copyfile(methods, out_dir / "methods.md")


def load(
    db_path: str | os.PathLike[str],
    quarter: str,
    irr_nm_months: int | None = None,
    lang: str = DEFAULT_LANGUAGE,
    history: bool = True,
    pme: str | None = None,
) -> ReportSource:
    """The snapshot of `quarter` from the book at `db_path` (read-only); `irr_nm_months`
    overrides every fund's age of the IRR policy; `lang` picks the commentary; `history`
    reads the compliance history (the board's; LP reports go without); `pme` is the index the
    board's public market equivalents compare with."""
    with open_book(db_path, read_only=True) as con:
        return load_source(con, quarter, irr_nm_months, lang, history, pme)


def lp_reports(
    source: ReportSource,
    out_dir: Path,
    fund_id: str | None = None,
    investor_id: str | None = None,
    pdf: bool = False,
    xlsx: bool = False,
    templates: str | os.PathLike[str] | None = None,
    progress: Progress | None = None,
    lang: str = DEFAULT_LANGUAGE,
) -> Rendered:
    """One LP report per (fund, investor) of the quarter, filtered by fund and investor; a
    grant programme's investor gets the grant programme report (grant.html) instead. In
    `lang`: its file names end in the language's tag unless English."""
    source = replace(source, lang=lang)  # the reports' language picks the commentary
    pairs = lp_pairs(source, fund_id, investor_id)
    if not pairs:
        wanted = " ".join(
            f"{k} {v}" for k, v in (("fund", fund_id), ("investor", investor_id)) if v
        )
        raise NotFound(f"no investor to report on for {wanted or 'this book'}")
    out_dir.mkdir(parents=True, exist_ok=True)
    copy_methods(out_dir)
    env = make_environment(templates, lang)
    translate = translations(lang).gettext
    result = Rendered(out_dir, source.closed)
    quarter = source.snapshot.close.quarter or source.snapshot.close.period
    total = len(pairs) * (2 if pdf else 1)
    grants = grant_funds(source)
    stems = {
        pair: in_language((grant_stem if pair[0] in grants else lp_stem)(quarter, *pair), lang)
        for pair in pairs
    }
    distinct_stems(stems.items())
    for i, (fund, investor) in enumerate(pairs, 1):
        stem = stems[(fund, investor)]
        html = inside(out_dir, out_dir / f"{stem}.html")
        if fund in grants:  # a grant programme: its own report (no capital account, no XLSX)
            grant = build_grant_context(source, fund, investor)
            html.write_text(render(env, "grant.html", grant), encoding="utf-8")
            result.html.append(html)
            if progress:
                progress(i, total, html.name)
            continue
        ctx = build_lp_context(source, fund, investor, translate)
        html.write_text(render(env, "lp.html", ctx), encoding="utf-8")
        result.html.append(html)
        if xlsx:
            xlsx_path = inside(out_dir, out_dir / f"{stem}.xlsx")
            result.xlsx.append(write_lp_xlsx(ctx, xlsx_path, translate))
        if progress:
            progress(i, total, html.name)
    if pdf:
        result.pdf = pdfs_after_html(result.html, total, progress)
    return result


def board_report(
    source: ReportSource,
    out_dir: Path,
    pdf: bool = False,
    templates: str | os.PathLike[str] | None = None,
    progress: Progress | None = None,
    xlsx: bool = False,
    lang: str = DEFAULT_LANGUAGE,
) -> Rendered:
    """The board report of the quarter in `lang` (and its tables as a workbook with `xlsx`)."""
    source = replace(source, lang=lang)  # the report's language picks the commentary
    out_dir.mkdir(parents=True, exist_ok=True)
    copy_methods(out_dir)
    env = make_environment(templates, lang)
    ctx = build_board_context(source, env.filters["translate"], env.filters)
    quarter = source.snapshot.close.quarter or source.snapshot.close.period
    html = inside(out_dir, out_dir / f"{in_language(output_stem('board', quarter), lang)}.html")
    html.write_text(render(env, "board.html", ctx), encoding="utf-8")
    result = Rendered(out_dir, source.closed, html=[html])
    if xlsx:
        xlsx_path = html.with_suffix(".xlsx")
        result.xlsx.append(write_board_xlsx(ctx, xlsx_path, env.filters["translate"]))
    if progress:
        progress(1, 2 if pdf else 1, html.name)
    if pdf:
        result.pdf = write_pdfs([(html, html.with_suffix(".pdf"))])
        if progress:
            progress(2, 2, result.pdf[0].name)
    return result


def render_lp_reports(
    db_path: str | os.PathLike[str],
    quarter: str,
    out_dir: Path,
    irr_nm_months: int | None = None,
    **options: object,
) -> Rendered:
    """`fundbook report lp`: load the quarter's snapshot and render the LP reports."""
    lang = str(options.get("lang", DEFAULT_LANGUAGE))
    source = load(db_path, quarter, irr_nm_months, lang, history=False)
    return lp_reports(source, out_dir, **options)  # type: ignore[arg-type]


def render_board_report(
    db_path: str | os.PathLike[str],
    quarter: str,
    out_dir: Path,
    irr_nm_months: int | None = None,
    pme: str | None = None,
    **options: object,
) -> Rendered:
    """`fundbook report board`: load the quarter's snapshot and render the board report
    (its public market equivalents against `pme`, else the guidance fund's benchmark)."""
    lang = str(options.get("lang", DEFAULT_LANGUAGE))
    source = load(db_path, quarter, irr_nm_months, lang, pme=pme)
    return board_report(source, out_dir, **options)  # type: ignore[arg-type]

"""PDF from the report HTML via WeasyPrint, in a process pool so that both cores work."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

Progress = Callable[[int, int, str], None]
# A report is self-contained (inline CSS and SVG); anything else it names is not fetched, so
# that no file of the machine, and no network, ends up in (or behind) a PDF.
FETCHABLE = ("data",)
# Tagged PDF for assistive technology (PDF/UA-1, PDF 1.7): a structure tree with headings, tables
# and figures (a chart's SVG <title> is its alternate text), the title from the HTML <title>, the
# language from <html lang>.
PDF_VARIANT = "pdf/ua-1"


def write_pdf(html_path: str, pdf_path: str) -> str:
    """Render one HTML file to a tagged PDF (A4 and page furniture come from the report's CSS).

    No `base_url`: relative links (`methods.md`, next to the report) stay relative in the PDF,
    instead of becoming `file://` links into the machine's folders.
    """
    import weasyprint  # imported in the worker: it is slow to import

    html = Path(html_path).read_text(encoding="utf-8")
    fetcher = weasyprint.URLFetcher(allowed_protocols=FETCHABLE)
    weasyprint.HTML(string=html, base_url=None, url_fetcher=fetcher).write_pdf(
        pdf_path, pdf_variant=PDF_VARIANT
    )
    return pdf_path


def write_pdfs(
    jobs: Sequence[tuple[Path, Path]], workers: int | None = None, progress: Progress | None = None
) -> list[Path]:
    """Render every (html, pdf) pair; in parallel over the machine's cores when more than one."""
    workers = workers or min(len(jobs), os.cpu_count() or 1)
    done: list[Path] = []
    if workers <= 1 or len(jobs) <= 1:
        for i, (html, pdf) in enumerate(jobs, 1):
            write_pdf(str(html), str(pdf))
            done.append(pdf)
            if progress:
                progress(i, len(jobs), pdf.name)
        return done
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(write_pdf, str(html), str(pdf)) for html, pdf in jobs]
        for i, future in enumerate(as_completed(futures), 1):
            pdf = Path(future.result())
            done.append(pdf)
            if progress:
                progress(i, len(jobs), pdf.name)
    return sorted(done)


def pdfs_after_html(htmls: Sequence[Path], total: int, progress: Progress | None) -> list[Path]:
    """The PDF of each HTML written before it (beside it, same stem), counting on from the
    HTML files in a progress of `total` steps."""
    done = len(htmls)
    return write_pdfs(
        [(h, h.with_suffix(".pdf")) for h in htmls],
        progress=(lambda i, _n, name: progress(done + i, total, name)) if progress else None,
    )

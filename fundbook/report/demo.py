"""The report step of `fundbook demo`: the 2026Q3 LP reports, the board report and notices."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from fundbook.report.i18n import DEFAULT_LANGUAGE, LANGUAGES
from fundbook.report.notices import render_notices
from fundbook.report.render import board_report, load, lp_reports

Echo = Callable[[str], None]
DEMO_QUARTER = "2026Q3"
# The funds whose calls of the quarter get their notices: the guidance fund's calls on the
# government, and a sub-fund's calls on its partners (the guidance fund among them).
NOTICE_FUNDS = ("itif", "sf-airobot")


def _progress(echo: Echo, what: str) -> Callable[[int, int, str], None]:
    """Echo about ten progress lines however many files there are."""

    def report(done: int, total: int, name: str) -> None:
        step = max(total // 10, 1)
        if done == total or done % step == 0:
            echo(f"  {what}: {done}/{total} files ({name})")

    return report


def step_reports(db: Path, out: Path, echo: Echo, pdf: bool = True) -> None:
    """Render the demo quarter's LP reports and board report into `out/reports-<quarter>/`
    (HTML, and PDF unless `pdf` is false), in English and in every other report language
    beside them (their file names end in the language)."""
    folder = out / f"reports-{DEMO_QUARTER}"
    started = time.perf_counter()
    source = load(db, DEMO_QUARTER)
    boards = []
    for lang in LANGUAGES:
        what = "" if lang == DEFAULT_LANGUAGE else f" ({lang})"
        lp = lp_reports(
            source, folder, pdf=pdf, progress=_progress(echo, f"LP reports{what}"), lang=lang
        )
        board = board_report(
            source, folder, pdf=pdf, progress=_progress(echo, f"board report{what}"), lang=lang
        )
        boards.append(board.pdf[0] if board.pdf else board.html[0])
    seconds = time.perf_counter() - started
    status = "closed" if source.closed else "NOT closed: every page is marked DRAFT"
    echo(
        f"rendered {len(lp.html)} LP reports and the board report of {DEMO_QUARTER} "
        f"in {', '.join(LANGUAGES)} ({status}) as HTML{' and PDF' if pdf else ''} "
        f"in {seconds:.0f}s"
    )
    echo(f"board report: {', '.join(str(b) for b in boards)}")
    echo(f"reports written to {folder}")
    step_notices(db, out, echo, pdf=pdf)


def step_notices(db: Path, out: Path, echo: Echo, pdf: bool = True) -> None:
    """The capital call and distribution notices of the demo quarter of `NOTICE_FUNDS`, one
    per partner per call, into `out/notices-<quarter>/`."""
    folder = out / f"notices-{DEMO_QUARTER}"
    started = time.perf_counter()
    html = pdfs = 0
    for fund in NOTICE_FUNDS:
        done = render_notices(
            db, fund, folder, quarter=DEMO_QUARTER, pdf=pdf, progress=_progress(echo, fund)
        )
        html, pdfs = html + len(done.html), pdfs + len(done.pdf)
    seconds = time.perf_counter() - started
    echo(
        f"wrote {html} notices of {DEMO_QUARTER}'s calls of {', '.join(NOTICE_FUNDS)} "
        f"({pdfs} PDF) in {seconds:.0f}s"
    )
    echo(f"notices written to {folder}")

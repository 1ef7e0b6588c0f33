"""One benchmark case in this process: set up (untimed), run the timed part, print a JSON line.

Run by benchmarks/run.py, one subprocess per run so that each has its own peak memory:
    python benchmarks/cases.py CASE --work DIR --size N [--shape many-small] [--profile]
The work directory holds the book (`book/`), the imported database (`imported.duckdb`) and the
closed one (`closed.duckdb`) that later cases start from; run.py orders the cases so they exist.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

AS_OF = dt.date(2025, 12, 31)
PERIOD = "2025-12"
QUARTER = "2025Q4"
SEED = 20_260_101
HTML_REPORTS = 100
PDF_REPORTS = 10

Timed = Callable[[], dict[str, Any] | None]


SHAPE = "default"  # the book shape of `fundbook synth --shape` (set by --shape)


def case_synth(work: Path, size: int) -> Timed:
    from fundbook.synth.generator import generate_book

    out = work / "book"

    def run() -> dict[str, Any]:
        return {"rows": generate_book(out, transactions=size, seed=SEED, shape=SHAPE)}

    return run


def case_import(work: Path, size: int) -> Timed:
    from fundbook.store.db import open_book
    from fundbook.store.importer import import_book

    db = work / "import-run.duckdb"
    db.unlink(missing_ok=True)

    def run() -> dict[str, Any]:
        with open_book(db) as con:
            result = import_book(con, work / "book")
        keep = (db, work / "imported.duckdb")
        return {"new_rows": result.total_new, "postings": result.postings, "after": keep}

    return run


def case_metrics(work: Path, size: int) -> Timed:
    """Every metric at every level, from the imported book (what a close computes first)."""
    from fundbook import metrics
    from fundbook.store.db import open_book
    from fundbook.store.frames import load_frames

    def run() -> dict[str, Any]:
        with open_book(work / "imported.duckdb", read_only=True) as con:
            frames = load_frames(con, AS_OF)
        out = [
            metrics.fund_metrics(frames, AS_OF),
            metrics.investor_metrics(frames, AS_OF),
            metrics.holding_metrics(frames, AS_OF),
            metrics.theme_exposure(frames, AS_OF, look_through=True),
            metrics.programme_metrics(frames, AS_OF),
            metrics.compliance(frames, AS_OF),
        ]
        return {"rows": sum(df.height for df in out)}

    return run


def case_close(work: Path, size: int) -> Timed:
    """Close one month on the imported book (the ledger re-check is the import case)."""
    from fundbook.close.closing import close_period
    from fundbook.store.db import open_book

    db = work / "close-run.duckdb"
    shutil.copyfile(work / "imported.duckdb", db)
    with open_book(db) as con:  # close the booked rows; do not re-read the unchanged ledger
        con.execute("DELETE FROM book_meta WHERE key = ?", ["ledger_dir"])

    def run() -> dict[str, Any]:
        result = close_period(db, PERIOD)
        return {"figures": result.figure_count, "after": (db, work / "closed.duckdb")}

    return run


def case_close_without_analytics(work: Path, size: int) -> Timed:
    """The close case with PME and the forecast replaced by their empty levels (set up untimed):
    what they add to the close is `close` less this (issue 15: at most 10 %)."""
    import dataclasses

    import fundbook.metrics.levels as levels
    from fundbook.store.db import open_book
    from fundbook.store.frames import load_frames

    with open_book(work / "imported.duckdb", read_only=True) as con:
        frames = load_frames(con, AS_OF)
    fund = levels.fund_level(frames, AS_OF)
    investor = levels.investor_level(frames, AS_OF)
    pme = {k: v.clear() for k, v in levels.pme_levels(frames, AS_OF, fund, investor).items()}
    pacing = levels.forecast(frames, AS_OF, fund, levels.programme_fund_metrics(frames, AS_OF))
    empty = dataclasses.replace(
        pacing,
        funds=pacing.funds.clear(),
        parameters=pacing.parameters.clear(),
        programmes=pacing.programmes.clear(),
    )
    del frames, fund, investor, pacing
    levels.pme_levels = lambda *_a, **_k: pme  # type: ignore[assignment]
    levels.forecast = lambda *_a, **_k: empty  # type: ignore[assignment]
    run = case_close(work, size)

    def without() -> dict[str, Any]:
        info = run() or {}
        info.pop("after", None)  # the closed book kept is the full close's
        return info

    return without


def _holding_flows(work: Path) -> Any:
    """Gross flows of every company holding, sorted by holding (the XIRR cases' input)."""
    import baseline_pandas as bp

    txns, vals, funds = bp.read_ledger(work / "book")
    pos = bp.holding_positions(txns, vals, funds, AS_OF)
    return bp.holding_flows(txns, pos, AS_OF).sort_values([*bp.KEYS, "date"], kind="stable")


def _group_arrays(flows: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    keys = flows["fund_id"] + "\x00" + flows["holding_id"]
    group = np.unique(keys.to_numpy(dtype=str), return_inverse=True)[1]
    days = flows["date"].to_numpy().astype("datetime64[D]")
    return group.astype(np.int64), days, flows["amount"].to_numpy(dtype=float)


def _save_rates(work: Path, engine: str, rates: np.ndarray) -> dict[str, Any]:
    np.save(work / f"xirr-{engine}.npy", rates)
    return {"holdings": int(rates.size), "defined": int(np.isfinite(rates).sum())}


def case_xirr_fundbook(work: Path, size: int) -> Timed:
    from fundbook.metrics.xirr import xirr_grouped

    group, days, amounts = _group_arrays(_holding_flows(work))

    def run() -> dict[str, Any]:
        return _save_rates(work, "fundbook", xirr_grouped(group, days, amounts))

    return run


def case_xirr_pyxirr(work: Path, size: int) -> Timed:
    """The lower bound: pyxirr.xirr in a loop over pre-split, pre-scaled numpy arrays."""
    import pyxirr

    group, days, amounts = _group_arrays(_holding_flows(work))
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    pieces = []
    for d, a in zip(np.split(days, starts[1:]), np.split(amounts, starts[1:]), strict=True):
        pieces.append((d, a * (1e4 / max(np.abs(a).max(), 1e-300))))  # its tolerance is absolute

    def run() -> dict[str, Any]:
        rates = np.full(len(pieces), np.nan)
        for i, (d, a) in enumerate(pieces):
            try:
                rate = pyxirr.xirr(d, a)
            except Exception:  # pyxirr raises on flows it cannot solve: undefined
                rate = None
            if rate is not None:
                rates[i] = rate
        return _save_rates(work, "pyxirr", rates)

    return run


def case_xirr_pandas(work: Path, size: int) -> Timed:
    import baseline_pandas as bp

    flows = _holding_flows(work)

    def run() -> dict[str, Any]:
        return _save_rates(work, "pandas", bp.holding_xirr(flows).to_numpy(dtype=float))

    return run


def case_figures_fundbook(work: Path, size: int) -> Timed:
    """Holding figures from the book: load the frames, value, multiples, IRRs."""
    from fundbook.metrics import holding_metrics
    from fundbook.store.db import open_book
    from fundbook.store.frames import load_frames

    def run() -> dict[str, Any]:
        with open_book(work / "imported.duckdb", read_only=True) as con:
            frames = load_frames(con, AS_OF)
        return {"holdings": holding_metrics(frames, AS_OF).height}

    return run


def case_figures_pandas(work: Path, size: int) -> Timed:
    """The same figures the analyst's way: read the CSVs, value, multiples, IRRs in pandas."""
    import baseline_pandas as bp

    def run() -> dict[str, Any]:
        return {"holdings": len(bp.holding_figures(work / "book", AS_OF))}

    return run


def case_reports_html(work: Path, size: int) -> Timed:
    """100 LP reports of the closed quarter to HTML (load the snapshot, build, render)."""
    from fundbook.report.environment import make_environment, render
    from fundbook.report.lp import build_lp_context, lp_pairs
    from fundbook.report.render import load

    out = work / "reports"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()

    def run() -> dict[str, Any]:
        source = load(work / "closed.duckdb", QUARTER, history=False)  # as `report lp` does
        env = make_environment(None)
        pairs = lp_pairs(source)[:HTML_REPORTS]
        for i, (fund, investor) in enumerate(pairs):
            html = render(env, "lp.html", build_lp_context(source, fund, investor))
            (out / f"lp-{i:03d}.html").write_text(html, encoding="utf-8")
        return {"reports": len(pairs)}

    return run


def case_reports_pdf(work: Path, size: int) -> Timed:
    """10 of those HTML reports to PDF on one core (WeasyPrint)."""
    from fundbook.report.pdf import write_pdfs

    html = sorted((work / "reports").glob("lp-*.html"))[:PDF_REPORTS]
    jobs = [(h, h.with_suffix(".pdf")) for h in html]
    if not jobs:
        raise SystemExit("no HTML reports to convert: the reports_html case failed")

    def run() -> dict[str, Any]:
        return {"reports": len(write_pdfs(jobs, workers=1))}

    return run


CASES: dict[str, Callable[[Path, int], Timed]] = {
    name.removeprefix("case_"): fn for name, fn in globals().items() if name.startswith("case_")
}


def peak_rss_mib() -> float:
    """Peak resident memory of this process (and any it waited for), MiB (Linux: KiB units)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    scale = 1 if sys.platform == "darwin" else 1024
    return max(own, children) * scale / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("case", choices=sorted(CASES))
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--size", type=int, required=True)
    parser.add_argument(
        "--profile",
        type=Path,
        default=None,
        help="write a pyinstrument profile of the timed part to this file",
    )
    parser.add_argument("--shape", default="default", help="book shape of the synth case")
    args = parser.parse_args()
    global SHAPE
    SHAPE = args.shape
    timed = CASES[args.case](args.work, args.size)
    profiler = None
    if args.profile:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.002)
        profiler.start()
    start = time.perf_counter()
    info = timed() or {}
    seconds = time.perf_counter() - start
    if "after" in info:  # keep the database for the cases that follow (untimed)
        shutil.copyfile(*info.pop("after"))
    if profiler:
        profiler.stop()
        args.profile.write_text(profiler.output_text(unicode=True, color=False, show_all=False))
    print(json.dumps({"seconds": seconds, "peak_rss_mib": peak_rss_mib(), "info": info}))


if __name__ == "__main__":
    main()

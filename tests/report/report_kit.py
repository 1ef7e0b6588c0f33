"""A small book of our own for report tests: two sub-funds, a grant programme, a hostile name."""

from __future__ import annotations

import dataclasses
import json
import math
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal
from html import escape, unescape
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from click.testing import CliRunner

from fundbook.cli import cli
from fundbook.close.closing import close_period
from fundbook.report.context import Figure
from ledger_kit import write_book

XSS_NAME = "<script>alert(1)</script> & Co"
REPORT_BOOK = {
    "funds": [
        "gf,Guidance Fund,guidance_fund,HKD,2026,ITC,,",
        "sf1,Harbour Deep Tech Fund I,sub_fund,HKD,2026,Alpha GP,gf,2031-03-31",
        "sf2,Lion Rock Semiconductor Fund,sub_fund,USD,2026,Beta GP,gf,2031-06-30",
        "mp,Production Line Upgrade Programme,programme,HKD,2025,ITC,,",
    ],
    "investors": [
        "gov,Government of the HKSAR,government,",
        "gf-lp,Guidance Fund as LP,government,gf",
        "pen,Alpha Pension Trust,social_capital,",
        "hk,香港科技創投有限公司,social_capital,",
        'ins,"Insurer, Ltd",social_capital,',
    ],
    "companies": [
        f"c1,{XSS_NAME},ai_robotics,true,HK",
        "c2,Beta Chips,semiconductors_smart_devices,false,SG",
        "c3,Kowloon Bio,life_health,true,HK",
        "c4,Green Harbour Energy,future_sustainable,true,HK",
    ],
    "commitments": [
        "gf,gov,2026-01-01,1000.00,HKD",
        "sf1,gf-lp,2026-01-01,250.00,HKD",
        "sf1,pen,2026-01-01,500.00,HKD",
        "sf1,hk,2026-01-01,250.00,HKD",
        "sf2,ins,2026-01-01,100.00,USD",
        "mp,gov,2025-06-01,500.00,HKD",
    ],
    "transactions": [
        "m1,2025-07-01,mp,contribution,gov,,100.00,HKD,",
        "m2,2025-08-01,mp,grant,,c4,20.00,HKD,",
        "m3,2025-08-01,mp,matching,,c4,40.00,HKD,",
        "m4,2025-09-01,mp,grant,,c3,10.00,HKD,",
        "m5,2025-09-01,mp,matching,,c3,15.00,HKD,",
        "t1,2026-01-10,gf,contribution,gov,,100.00,HKD,first call",
        "t2,2026-01-10,sf1,contribution,gf-lp,,50.00,HKD,",
        "t3,2026-01-10,sf1,contribution,pen,,100.00,HKD,",
        "t4,2026-01-10,sf1,contribution,hk,,50.00,HKD,",
        "t5,2026-01-10,gf,investment,,sf1,50.00,HKD,",
        "t6,2026-02-01,sf1,investment,,c1,120.00,HKD,",
        "t7,2026-02-15,sf1,investment,,c3,60.00,HKD,",
        't8,2026-02-01,sf1,fee,,,5.00,HKD,"fee, Q1"',
        "t9,2026-03-01,sf2,contribution,ins,,40.00,USD,",
        "t10,2026-03-02,sf2,investment,,c2,30.00,USD,",
        "t11,2026-03-05,sf1,co_investment,pen,c1,60.00,HKD,alongside",
        "t12,2026-08-03,sf1,contribution,gf-lp,,25.00,HKD,second call",
        "t13,2026-08-03,sf1,contribution,pen,,50.00,HKD,second call",
        "t14,2026-08-03,sf1,contribution,hk,,25.00,HKD,second call",
        "t15,2026-08-03,gf,investment,,sf1,25.00,HKD,",
        "t16,2026-09-10,sf1,proceeds,,c3,30.00,HKD,partial sale",
        "t17,2026-09-15,sf1,distribution,gf-lp,,5.00,HKD,",
        "t18,2026-09-15,sf1,distribution,pen,,10.00,HKD,",
        "t19,2026-09-15,sf1,distribution,hk,,5.00,HKD,",
        "t20,2026-09-15,gf,proceeds,,sf1,5.00,HKD,",
    ],
    "valuations": [
        "2026-06-30,sf1,c1,130.00,HKD",
        "2026-06-30,sf1,c3,55.00,HKD",
        "2026-06-30,sf2,c2,29.00,USD",
        "2026-09-30,sf1,c1,150.00,HKD",
        "2026-09-30,sf1,c3,35.00,HKD",
        "2026-09-30,sf2,c2,28.00,USD",
    ],
    "fx_rates": [
        "2025-12-31,USD,7.80",
        "2026-03-01,USD,7.81",
        "2026-09-01,USD,7.82",
    ],
}


def closed_book(root: Path, close: bool = True) -> Path:
    """Write the book under `root`, import it and (unless `close` is False) close 2026-09."""
    ledger = write_book(root / "ledger", REPORT_BOOK)
    db = root / "book.duckdb"
    if close:
        close_period(db, "2026-09", ledger_dir=str(ledger))
    else:
        from fundbook.store.db import open_book
        from fundbook.store.importer import import_book

        with open_book(db) as con:
            import_book(con, ledger)
    return db


# Screenshots and page images for a person to look at: outside the repository (tests write
# nothing into it), in $FUNDBOOK_TEST_ARTIFACTS when set, else the temporary folder.
ARTIFACTS = Path(os.environ.get("FUNDBOOK_TEST_ARTIFACTS") or tempfile.gettempdir()) / (
    "fundbook-test-artifacts"
)


def need(tool: str) -> str:
    """The path of a system tool, or skip (install with `make sysdeps`)."""
    path = shutil.which(tool)
    if path is None:
        pytest.skip(f"{tool} is not installed (run `make sysdeps`)")
    return path


def pdf_pages_text(pdf: Path) -> list[str]:
    """The text of each page of a PDF (pdftotext, form feeds split the pages)."""
    out = subprocess.run(
        [need("pdftotext"), str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    return [p for p in out.split("\f") if p.strip() or p]


def png_pages(pdf: Path, out_dir: Path, dpi: int = 40) -> list[Path]:
    """Every page of a PDF as a PNG (pdftoppm)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [need("pdftoppm"), "-r", str(dpi), "-png", str(pdf), str(out_dir / pdf.stem)], check=True
    )
    return sorted(out_dir.glob(f"{pdf.stem}*.png"))


def ink_fraction(png: Path) -> float:
    """Share of the page's pixels that are not white (0 for a blank page)."""
    from PIL import Image

    with Image.open(png) as img:
        grey = img.convert("L")
        hist = grey.histogram()
    return 1 - sum(hist[245:]) / max(sum(hist), 1)


def chromium_console(html: Path, screenshot: Path) -> list[str]:
    """Open `html` in headless Chromium; the console messages it logged (none expected)."""
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    if binary is None:
        pytest.skip("chromium is not installed (run `make sysdeps`)")
    screenshot.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as profile:
        proc = subprocess.run(
            [
                binary,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                f"--user-data-dir={profile}",
                "--enable-logging=stderr",
                "--v=0",
                "--hide-scrollbars",
                "--window-size=1000,1414",
                f"--screenshot={screenshot}",
                html.resolve().as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
    return [line for line in proc.stderr.splitlines() if ":CONSOLE" in line]


def other_investor_leaks(source: Any, html_path: Path, fund_id: str, investor_id: str) -> list[str]:
    """Names and ids of investors other than the report's own that appear in its HTML."""
    from fundbook.report.source import entities

    # names are shown through the `name` filter: its spans (a CJK run kept on one line) would
    # hide a mixed name such as "Fund (基金)" from the search, so they are taken out first
    html = re.sub(r'<span class="nobr">([^<]*)</span>', r"\1", html_path.read_text("utf-8"))
    names = entities(source.snapshot)
    leaks = []
    others = source.snapshot.level("investor").select("investor_id").unique().to_series()
    for other in sorted(set(others) - {investor_id}):
        name = str(names.get(other, {}).get("name") or "")
        for token in (other, name, escape(name)):
            if token and re.search(rf"(?<![\w-]){re.escape(token)}(?![\w-])", html):
                leaks.append(f"{other}: {token}")
    return leaks


def redacted(source: Any, investor_id: str, fund_id: str | None = None) -> Any:
    """The source with every row of every other investor removed (fund-level rows kept).
    The reported fund's own LP investor in other funds (a guidance fund's `itif-lp`: the
    fund itself, whose costs in its sub-funds its report shows) is not another investor."""
    import polars as pl

    from fundbook.close.snapshot import Snapshot

    snap = source.snapshot
    levels = dict(snap.levels)
    info = levels.get("investor_info")
    own = (
        info.filter(pl.col("lp_fund_id") == fund_id)["investor_id"].to_list()
        if info is not None and fund_id is not None
        else []
    )
    kept = [investor_id, *own]
    for name in ("investor", "flow", "investor_info"):
        if name in levels:
            levels[name] = levels[name].filter(pl.col("investor_id").is_in(kept))
    statements = snap.statements.filter(
        pl.col("investor_id").is_null() | pl.col("investor_id").is_in(kept)
    )
    # every other field of the source (breach history, IRR policy, commentary, language) kept
    return dataclasses.replace(source, snapshot=Snapshot(snap.close, levels, statements))


# level -> the CLI that prints it and the keys of its rows
CLI_LEVELS = {
    "fund": (["metrics", "--by", "fund"], ("fund_id",)),
    "investor": (["metrics", "--by", "investor"], ("fund_id", "investor_id")),
    "holding": (["metrics", "--by", "holding"], ("fund_id", "holding_id")),
    "theme": (["metrics", "--by", "theme"], ("programme", "theme")),
    "theme_look_through": (["metrics", "--by", "theme", "--look-through"], ("theme",)),
    "programme": (["metrics", "--by", "programme"], ("programme", "scope")),
    "programme_fund": (["metrics", "--by", "programme_fund"], ("programme", "scope", "fund_id")),
    "grant": (["metrics", "--by", "grant"], ("fund_id", "company_id")),
    "compliance": (["compliance"], ("fund_id", "rule")),
    "look_through_company": (
        ["metrics", "--by", "look_through_company"],
        ("fund_id", "company_id"),
    ),
    "look_through_nav": (["metrics", "--by", "look_through_nav"], ("fund_id",)),
}


def figures(value: Any) -> Iterator[Figure]:
    """Every Figure inside a context (dataclasses, lists, tuples, dicts)."""
    if isinstance(value, Figure):
        yield value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            yield from figures(getattr(value, f.name))
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from figures(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from figures(item)


class Metrics:
    """`fundbook metrics` / `fundbook compliance` JSON of a book, by level and as-of date."""

    def __init__(self, db: Path):
        self.db = db
        self.cache: dict[tuple[str, date], dict[tuple[Any, ...], dict[str, Any]]] = {}

    def row(self, level: str, as_of: date, keys: dict[str, Any]) -> dict[str, Any]:
        if (level, as_of) not in self.cache:
            args, key_names = CLI_LEVELS[level]
            result = CliRunner().invoke(
                cli, [*args, "--db", str(self.db), "--as-of", as_of.isoformat(), "--format", "json"]
            )
            assert result.exit_code == 0, result.output
            self.cache[(level, as_of)] = {
                tuple(r.get(k) for k in key_names): r for r in json.loads(result.output)
            }
        key_names = CLI_LEVELS[level][1]
        return self.cache[(level, as_of)].get(tuple(keys.get(k) for k in key_names), {})


def same(fig: Figure, expected: Any) -> bool:
    if fig.value is None or expected is None:
        return fig.value is None and expected is None
    if isinstance(fig.value, Decimal):
        return fig.value == Decimal(str(expected))
    return math.isclose(float(fig.value), float(expected), rel_tol=1e-12, abs_tol=1e-12)


def check_board_figures(db: Path, ctx: Any, period_end: date) -> dict[str, int]:
    """Compare every board figure read from a metrics level with `fundbook metrics` JSON.

    Returns the number of figures checked per level; fails on the first difference.
    """
    metrics = Metrics(db)
    checked: dict[str, int] = {}
    for fig in figures(ctx):
        assert fig.source is not None, f"figure {fig} has no source"
        level = fig.source.level
        if level not in CLI_LEVELS:
            continue
        row = metrics.row(level, fig.source.period_end or period_end, dict(fig.source.keys))
        assert row, f"no metrics row for {fig.source}"
        assert same(fig, row.get(fig.source.field)), (fig, row.get(fig.source.field))
        checked[level] = checked.get(level, 0) + 1
    return checked


def shown_figures(ctx: Any) -> Iterator[Figure]:
    """The figures the board HTML prints as text (J-curve tables show the recent quarters;
    older quarters are drawn in the chart only)."""
    jcurves = [dataclasses.replace(j, points=j.recent) for j in ctx.jcurves]
    yield from figures(dataclasses.replace(ctx, jcurves=jcurves))


# Codes a Chinese report keeps in Latin letters (currencies, measures, parties, the scheme's
# abbreviations, the hash), beside the book's own names, ids and memos.
LATIN_CODES = (
    "HK$", "HKD", "USD", "CNY", "RMB", "EUR", "IRR", "XIRR", "TVPI", "DPI", "RVPI", "MOIC",
    "KS-PME", "PME", "PIC", "NAV", "GP", "LP", "LPA", "ILPA", "ITIF", "ITVF", "UTC", "SHA-256",
    "QTD", "YTD", "ITD",
)  # fmt: skip
_ENGLISH_RUN = re.compile(r"[A-Za-z]+(?:[^A-Za-z\u2e80-\uffff\u0001]+[A-Za-z]+){2,}")
_BLOCK_TAGS = re.compile(r"<(?!/?(?:span|b|strong|em|i|a|small|sup|sub|abbr)\b)[^>]*>")


def book_words(source: Any, ledger: Path | None = None) -> list[str]:
    """What a report shows as the book holds it, in any language: every id and text of the
    names (fund, investor, company, GP), the memos of the ledger's calls and transactions, and
    the names of its market indices (index_levels.csv)."""
    words = set()
    for key, entity in source.names.items():
        words.add(str(key))
        words.update(v for v in entity.values() if isinstance(v, str))
    if ledger is not None:
        for csv in ("calls.csv", "transactions.csv"):
            if (ledger / csv).is_file():
                frame = pl.read_csv(ledger / csv, infer_schema=False)
                if "memo" in frame.columns:
                    words.update(frame["memo"].drop_nulls().to_list())
        if (ledger / "index_levels.csv").is_file():
            frame = pl.read_csv(ledger / "index_levels.csv", infer_schema=False)
            words.update(frame["name"].drop_nulls().to_list())
    # a name ending a sentence loses its full stop to the sentence's
    words |= {w.rstrip(".") for w in words}
    return sorted((w for w in words if w), key=len, reverse=True)


def english_runs(texts: Iterable[str], allowed: Iterable[str]) -> list[str]:
    """Runs of three or more Latin words in `texts` once the `allowed` words (book_words) and
    LATIN_CODES are taken out (each becomes a break): the English left in a translated text."""
    needles = sorted({*allowed, *LATIN_CODES}, key=len, reverse=True)
    allowed_re = re.compile("|".join(re.escape(n) for n in needles))
    runs = []
    for text in texts:
        text = allowed_re.sub("\u0001", text)
        text = re.sub(r"\b[0-9a-f]{40,64}\b", "\u0001", text)  # a close hash
        text = re.sub(r"\b\d{4}Q[1-4]\b", "\u0001", text)  # a close's quarter, as the book names it
        runs += [m.group(0) for m in _ENGLISH_RUN.finditer(text)]
    return runs


def visible_text(html: str) -> list[str]:
    """An HTML page's text as a reader meets it, block by block (tags between cells and
    paragraphs break a run; inline ones do not), alt and title texts included, CSS left out."""
    html = re.sub(r"(?s)<style.*?</style>|<script.*?</script>", "", html)
    alts = re.findall(r'(?:aria-label|alt|title)="([^"]*)"', html)
    blocks = _BLOCK_TAGS.sub("\u0001", html)
    blocks = re.sub(r"<[^>]*>", "", blocks)
    return [unescape(t) for t in (*blocks.split("\u0001"), *alts) if t.strip()]

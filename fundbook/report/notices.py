"""Capital call and distribution notices: one per partner per call, from the booked rows."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from fundbook.core.errors import FundbookError, NotFound
from fundbook.metrics.notices import PURPOSES, call_notices, calls_noticed
from fundbook.report.context import Figure, Party, Source
from fundbook.report.environment import make_environment, render
from fundbook.report.i18n import DEFAULT_LANGUAGE, N_
from fundbook.report.names import distinct_stems, in_language, inside, slug
from fundbook.report.pdf import pdfs_after_html
from fundbook.report.render import Rendered
from fundbook.report.source import parse_quarter
from fundbook.store.db import open_book, scalar, sql
from fundbook.store.frames import Frames, load_frames

Progress = Callable[[int, int, str], None]
# What each purpose amount of a call is for, or of a distribution comes from (calls.csv).
PURPOSE_LABELS = {
    "capital_call": {
        "for_investments": N_("Investments"),
        "for_fees": N_("Management fees"),
        "for_expenses": N_("Partnership expenses"),
        "for_other": N_("Other"),
    },
    "distribution": {
        "for_investments": N_("Proceeds and income of investments"),
        "for_fees": N_("Management fees returned"),
        "for_expenses": N_("Partnership expenses returned"),
        "for_other": N_("Other"),
    },
}
KIND_LABELS = {"capital_call": N_("Capital call notice"), "distribution": N_("Distribution notice")}


@dataclass(frozen=True)
class NoticeStatus:
    """What base.html asks of a report: a notice is never a DRAFT (its figures are booked
    rows, which never change, whether or not their quarter is closed)."""

    closed: bool = True


@dataclass(frozen=True)
class PurposeLine:
    """One purpose of the call: the call's amount and the partner's share of it."""

    label: str
    call: Figure
    partner: Figure


@dataclass(frozen=True)
class NoticeContext:
    """The context of notice.html: one call, one partner (no other partner's name or id)."""

    close: NoticeStatus
    kind: str  # capital_call | distribution
    title: str  # KIND_LABELS, translated in the template
    fund: Party
    manager: str
    investor: Party
    call_id: str
    notice_number: int
    notice_date: dt.date
    due_date: dt.date
    memo: str
    call_total: Figure
    amount: Figure
    share_of_call: Figure
    purposes: list[PurposeLine]
    recallable: Figure
    commitment: Figure
    contributions_before: Figure
    contributions_after: Figure
    unfunded_before: Figure
    unfunded_after: Figure
    wire_reference: str


def notice_stem(call_id: str, investor_id: str) -> str:
    """`notice-<call_id>-<investor_id>` (ids as portable slugs)."""
    return f"notice-{slug(call_id)}-{slug(investor_id)}"


def _fig(row: dict[str, Any], column: str, kind: str = "money") -> Figure:
    keys = (("call_id", row["call_id"]), ("investor_id", row["investor_id"]))
    return Figure(row[column], kind, Source("notice", keys, column))


def notice_context(row: dict[str, Any], frames: Frames) -> NoticeContext:
    """The context of one row of `metrics.notices.call_notices`."""
    fund = frames.funds.filter(pl.col("fund_id") == row["fund_id"]).row(0, named=True)
    found = frames.investors.filter(pl.col("investor_id") == row["investor_id"])
    investor = found.row(0, named=True) if found.height else {}
    labels = PURPOSE_LABELS[row["kind"]]
    return NoticeContext(
        close=NoticeStatus(),
        kind=row["kind"],
        title=KIND_LABELS[row["kind"]],
        fund=Party(fund["fund_id"], fund["name"], fund["kind"], row["currency"]),
        manager=fund.get("manager") or "",
        investor=Party(
            row["investor_id"],
            investor.get("name") or row["investor_id"],
            investor.get("kind") or "",
            row["currency"],
        ),
        call_id=row["call_id"],
        notice_number=row["notice_number"],
        notice_date=row["notice_date"],
        due_date=row["due_date"],
        memo=row["memo"] or "",
        call_total=_fig(row, "call_total"),
        amount=_fig(row, "amount"),
        share_of_call=_fig(row, "share_of_call", "pct"),
        purposes=[PurposeLine(labels[p], _fig(row, f"call_{p}"), _fig(row, p)) for p in PURPOSES],
        recallable=_fig(row, "recallable"),
        commitment=_fig(row, "commitment"),
        contributions_before=_fig(row, "contributions_before"),
        contributions_after=_fig(row, "contributions_after"),
        unfunded_before=_fig(row, "unfunded_before"),
        unfunded_after=_fig(row, "unfunded_after"),
        wire_reference=row["wire_reference"],
    )


def chosen_calls(
    frames: Frames, fund_id: str, call_id: str | None, quarter: str | None
) -> list[str]:
    """The calls of `fund_id` asked for: `call_id`, or those noticed in `quarter`."""
    if (call_id is None) == (quarter is None):
        raise FundbookError("give either --call ID or --quarter YYYYQn")
    if frames.funds.filter(pl.col("fund_id") == fund_id).height == 0:
        raise NotFound(f"no fund {fund_id} in the book")
    if call_id is not None:
        found = frames.calls.filter(pl.col("call_id") == call_id)
        if found.height == 0:
            raise NotFound(f"no call {call_id} in the book (calls.csv)")
        if found["fund_id"][0] != fund_id:
            raise FundbookError(f"call {call_id} is a call of {found['fund_id'][0]}, not {fund_id}")
        return [call_id]
    period = parse_quarter(str(quarter))
    calls = calls_noticed(frames, fund_id, period.quarter_start, period.end)
    if not calls:
        raise NotFound(f"no call of {fund_id} noticed in {quarter}")
    return calls


def write_notices(
    frames: Frames,
    fund_id: str,
    out_dir: Path,
    call_id: str | None = None,
    quarter: str | None = None,
    pdf: bool = False,
    lang: str = DEFAULT_LANGUAGE,
    templates: str | os.PathLike[str] | None = None,
    progress: Progress | None = None,
) -> Rendered:
    """One notice per partner per call (`call_id`, or the fund's calls noticed in `quarter`)
    into `out_dir`: notice-<call>-<investor>.html (and .pdf), in `lang` (its tag at the end of
    the name unless English)."""
    env = make_environment(templates, lang=lang)
    rows = call_notices(frames, chosen_calls(frames, fund_id, call_id, quarter)).to_dicts()
    stems = {
        (r["call_id"], r["investor_id"]): in_language(
            notice_stem(r["call_id"], r["investor_id"]), lang
        )
        for r in rows
    }
    distinct_stems(stems.items())
    out_dir.mkdir(parents=True, exist_ok=True)
    result = Rendered(out_dir, closed=True)
    total = len(rows) * (2 if pdf else 1)
    for i, row in enumerate(rows, 1):
        html = inside(out_dir, out_dir / f"{stems[(row['call_id'], row['investor_id'])]}.html")
        html.write_text(render(env, "notice.html", notice_context(row, frames)), encoding="utf-8")
        result.html.append(html)
        if progress:
            progress(i, total, html.name)
    if pdf:
        result.pdf = pdfs_after_html(result.html, total, progress)
    return result


def book_frames(con: duckdb.DuckDBPyConnection) -> Frames:
    """The whole book (to its last booked row or notice), as metrics reads it."""
    last = scalar(con, sql("notices_as_of"))
    if last is None:
        raise NotFound("the book holds no transactions")
    return load_frames(con, last)


def render_notices(
    db_path: str | os.PathLike[str], fund_id: str, out_dir: Path, **options: Any
) -> Rendered:
    """`fundbook notices`: read the book and write the notices asked for."""
    with open_book(db_path, read_only=True) as con:
        frames = book_frames(con)
    return write_notices(frames, fund_id, out_dir, **options)

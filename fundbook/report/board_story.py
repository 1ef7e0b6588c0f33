"""Page 1 of the board report: the quarter's story (flows, budget, obligations, breaches)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from fundbook.core.errors import FundbookError
from fundbook.report.compliance import PROGRAMME_RULES, RULES
from fundbook.report.context import Figure
from fundbook.report.i18n import N_
from fundbook.report.source import ReportSource, figure, level, name_of, one
from fundbook.report.totals import sum_of

# The unit of every money table of page 1 (figures of kind "mn").
UNIT_MILLIONS = N_("HK$ million")


@dataclass(frozen=True)
class StoryRow:
    """A row of a page-1 table: its label (for the catalogue), figure and a note."""

    label: str
    figure: Figure
    note: str = ""


@dataclass(frozen=True)
class StoryTable:
    """A page-1 table in one unit, stated; its total row is the sum of its rows."""

    caption: str
    unit: str
    rows: list[StoryRow]
    total_label: str
    total: Figure
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Breach:
    """A rule of a fund at fail or watch at the quarter end, from the compliance history."""

    fund: str
    rule: str
    status: str
    first_breach: Any
    new: bool  # first at fail or watch at this quarter end
    quarters: int
    trend: str
    direction: str


def _mn(fig: Figure) -> Figure:
    return Figure(fig.value, "mn", fig.source)


def _neg(fig: Figure) -> Figure:
    value = None if fig.value is None else Decimal(0) - Decimal(str(fig.value))  # no "-0"
    return Figure(value, "mn", fig.source)


def _total(rows: list[StoryRow], keys: dict[str, str | None]) -> Figure:
    return _mn(sum_of((r.figure for r in rows), tuple(keys.items())))


def quarter_flows(source: ReportSource, gf: str, quarter: str) -> StoryTable:
    """The guidance fund's cash in the quarter (`cash_flow`): called from government, paid into
    sub-funds and direct deals, received back, distributed; outflows negative, the total the
    net."""
    row = one(level(source.snapshot, "cash_flow"), fund_id=gf, quarter=quarter)
    keys: dict[str, str | None] = {"fund_id": gf, "quarter": quarter}

    def fig(name: str) -> Figure:
        return figure(row, name, "mn", "cash_flow", keys)

    rows = [
        StoryRow(N_("Called from government"), _mn(fig("contributions"))),
        StoryRow(N_("Paid into sub-funds and direct deals"), _neg(fig("invested"))),
        StoryRow(N_("Received back from sub-funds and deals"), _mn(fig("received"))),
        StoryRow(N_("Distributed to government"), _neg(fig("distributions"))),
    ]
    return StoryTable(
        N_("Cash of the quarter"),
        UNIT_MILLIONS,
        rows,
        N_("Net cash flow of the guidance fund"),
        _total(rows, keys),
    )


def budget(source: ReportSource, gf: str) -> StoryTable:
    """The government's budget (the guidance fund's commitment from government) split into
    what it committed to sub-funds (`programme` sub_funds), to direct deals (`programme`
    direct) and what it has not committed yet (the headroom: the sub_funds row's
    `government_not_committed`); the total, their sum, is the commitment from government."""
    programme = level(source.snapshot, "programme")
    rows = []
    for scope, column, label in (
        ("sub_funds", "government_committed", N_("Committed to sub-funds")),
        ("direct", "government_committed", N_("Committed to direct co-investments")),
        ("sub_funds", "government_not_committed", N_("Not yet committed (headroom)")),
    ):
        keys: dict[str, str | None] = {"programme": gf, "scope": scope}
        row = one(programme, **keys)
        rows.append(StoryRow(label, figure(row, column, "mn", "programme", keys)))
    return StoryTable(
        N_("Government budget and commitments"),
        UNIT_MILLIONS,
        rows,
        N_("Commitment from government"),
        _total(rows, {"fund_id": gf}),
    )


def obligations(source: ReportSource, gf: str, funds: list[str]) -> StoryTable:
    """The government's commitments to each sub-fund not yet called (`programme_fund`
    government_unfunded): the guidance fund's outstanding obligations to them."""
    parts = level(source.snapshot, "programme_fund")
    rows = []
    for f in funds:
        keys: dict[str, str | None] = {"programme": gf, "scope": "sub_funds", "fund_id": f}
        row = one(parts, **keys)
        if row:
            fig = figure(row, "government_unfunded", "mn", "programme_fund", keys)
            rows.append(StoryRow(name_of(source.names, f), fig))
    return StoryTable(
        N_("Outstanding obligations to sub-funds"),
        UNIT_MILLIONS,
        rows,
        N_("Total committed to sub-funds, not yet called"),
        _total(rows, {"programme": gf, "scope": "sub_funds"}),
    )


def breaches(source: ReportSource) -> list[Breach]:
    """The rules at fail or watch at the quarter end, new first, each with its first date and
    trend (`close.compliance_history`, read when the source was loaded)."""
    names, end = source.names, source.period_end
    labels = {code: label for code, (_, label, _) in {**RULES, **PROGRAMME_RULES}.items()}
    out = [
        Breach(
            name_of(names, r["fund_id"]),
            labels.get(r["rule"], r["rule"]),
            r["status"],
            r["first_breach"],
            r["first_breach"] == end,
            int(r["breaches"]),
            str(r["trend"]),
            str(r["direction"]),
        )
        for r in _history(source)
        if r["status"] in ("fail", "watch")
    ]
    return sorted(out, key=lambda b: (not b.new, b.status != "fail", b.fund, b.rule))


def _history(source: ReportSource) -> tuple[dict[str, Any], ...]:
    """The compliance history of the source; one loaded without it cannot make a board."""
    if source.breach_history is None:
        raise FundbookError("the board report needs the compliance history (load_source history)")
    return source.breach_history

"""The LP report as an Excel workbook: one sheet per section, real numbers with number formats."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import xlsxwriter

from fundbook.report.context import Figure, LpContext, StatementLine
from fundbook.report.formatting import NOT_MEANINGFUL, NOT_MODELLED, NOT_REPORTED, theme_label

# Figures shown as a word, not a number: a line the book does not compute, a cost the GP
# statement does not give.
_TEXT_KINDS = {"not_modelled": NOT_MODELLED, "not_reported": NOT_REPORTED, "nm": NOT_MEANINGFUL}

NUMBER_FORMATS = {
    "money": "#,##0.00;(#,##0.00);0.00",
    "millions": "#,##0.00;(#,##0.00);0.00",
    "mn": "#,##0.00;(#,##0.00);0.00",
    "pct": "0.0%",
    "ratio": "0.0%",
    "multiple": '0.00"x"',
    "count": "#,##0",
}


class _Book:
    """A workbook with the formats every sheet shares."""

    def __init__(self, path: Path):
        self.wb = xlsxwriter.Workbook(
            str(path),
            {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False},
        )
        self.fmt = {k: self.wb.add_format({"num_format": v}) for k, v in NUMBER_FORMATS.items()}
        self.bold = {
            k: self.wb.add_format({"num_format": v, "bold": True, "top": 1})
            for k, v in NUMBER_FORMATS.items()
        }
        self.head = self.wb.add_format(
            {"bold": True, "bottom": 1, "text_wrap": True, "valign": "bottom"}
        )
        self.title = self.wb.add_format({"bold": True, "font_size": 14})
        self.date = self.wb.add_format({"num_format": "yyyy-mm-dd"})
        self.label_bold = self.wb.add_format({"bold": True, "top": 1})

    def sheet(self, name: str, title: str, widths: Sequence[int]) -> Any:
        ws = self.wb.add_worksheet(name)
        ws.write_string(0, 0, title, self.title)
        for i, w in enumerate(widths):
            ws.set_column(i, i, w)
        return ws

    def figure(self, ws: Any, row: int, col: int, fig: Figure | None, bold: bool = False) -> None:
        if fig is not None and fig.kind in _TEXT_KINDS:
            ws.write_string(row, col, _TEXT_KINDS[fig.kind])
            return
        if fig is None or fig.value is None:
            ws.write_blank(row, col, None)
            return
        # Excel stores numbers as doubles; money is exact up to the cent below 10^13.
        value = float(fig.value) if isinstance(fig.value, Decimal) else fig.value
        fmt = (self.bold if bold else self.fmt).get(fig.kind, self.fmt["money"])
        ws.write_number(row, col, value, fmt)

    def header(self, ws: Any, row: int, labels: Sequence[str]) -> None:
        for col, text in enumerate(labels):
            ws.write_string(row, col, text, self.head)


def _title(ctx: LpContext, section: str) -> str:
    return f"{ctx.fund.name}: {section}, {ctx.close.quarter} ({ctx.investor.name})"


def _summary(book: _Book, ctx: LpContext) -> None:
    ws = book.sheet("Summary", _title(ctx, "commitment summary"), [34, 22])
    facts = [
        ("Fund", f"{ctx.fund.name} ({ctx.fund.id})"),
        ("Investor", f"{ctx.investor.name} ({ctx.investor.id})"),
        ("Quarter", ctx.close.quarter),
        ("Currency", ctx.fund.currency),
        ("Status", "closed" if ctx.close.closed else "DRAFT (quarter not closed)"),
        ("Close hash", ctx.close.close_hash or ""),
    ]
    for i, (label, text) in enumerate(facts, 2):
        ws.write_string(i, 0, label)
        ws.write_string(i, 1, text)
    row = len(facts) + 3
    labels = {
        "committed": "Commitment",
        "paid_in": "Paid-in capital",
        "called": "% of commitment called",
        "unfunded": "Unfunded commitment",
        "distributed": "Distributions",
        "nav": "Capital account (NAV)",
    }
    for key, label in labels.items():
        ws.write_string(row, 0, label)
        book.figure(ws, row, 1, ctx.summary.get(key))
        row += 1


def _statement(
    book: _Book, ctx: LpContext, lines: list[StatementLine], name: str, title: str
) -> None:
    ws = book.sheet(name, _title(ctx, title), [40, 16, 16, 16, 16, 16, 16])
    ws.write_string(2, 1, f"{ctx.investor.name}: investor's share", book.head)
    ws.write_string(2, 4, "Fund total", book.head)
    book.header(ws, 3, ["", "QTD", "YTD", "ITD", "QTD", "YTD", "ITD"])
    for i, line in enumerate(lines, 4):
        ws.write_string(i, 0, line.label, book.label_bold if line.total else None)
        for j, fig in enumerate((*line.investor, *line.fund), 1):
            book.figure(ws, i, j, fig, bold=line.total)
    ws.freeze_panes(4, 1)


def _performance(book: _Book, ctx: LpContext) -> None:
    ws = book.sheet("Performance", _title(ctx, "performance"), [34, 16, 16])
    book.header(ws, 2, ["Measure", "Investor", "Fund"])
    p = ctx.performance
    rows = [
        ("TVPI", p["tvpi"], p["fund_tvpi"]),
        ("DPI", p["dpi"], p["fund_dpi"]),
        ("RVPI", p["rvpi"], p["fund_rvpi"]),
        ("Net IRR", p["net_irr"], p["fund_net_irr"]),
        ("Gross IRR", None, p["fund_gross_irr"]),
    ]
    for i, (label, mine, fund) in enumerate(rows, 3):
        ws.write_string(i, 0, label)
        book.figure(ws, i, 1, mine)
        book.figure(ws, i, 2, fund)


def _flows(book: _Book, ctx: LpContext) -> None:
    ws = book.sheet("Cash flows", _title(ctx, "capital calls and distributions"), [12, 16, 24, 18])
    book.header(ws, 2, ["Date", "Type", "Reference", f"Amount ({ctx.fund.currency})"])
    for i, f in enumerate(ctx.flows, 3):
        ws.write_datetime(i, 0, _dt(f.date), book.date)
        ws.write_string(i, 1, f.kind)
        ws.write_string(i, 2, f.memo)
        book.figure(ws, i, 3, f.amount)


def _dt(day: Any) -> Any:
    import datetime as dt

    return dt.datetime(day.year, day.month, day.day)


def _portfolio(book: _Book, ctx: LpContext) -> None:
    ws = book.sheet("Portfolio", _title(ctx, "portfolio"), [36, 30, 12, 16, 16, 18, 9, 18, 16])
    book.header(
        ws,
        2,
        [
            "Company",
            "Theme",
            "Valued at",
            "Cost",
            "Fair value",
            "Realised gain / (loss)",
            "MOIC",
            "Status",
            "Investor's look-through share",
        ],
    )
    for i, h in enumerate(ctx.holdings, 3):
        ws.write_string(i, 0, h.name)
        ws.write_string(i, 1, theme_label(h.theme))
        if h.first_date is not None:
            ws.write_datetime(i, 2, _dt(h.first_date), book.date)
        for j, fig in enumerate((h.cost, h.fair_value, h.realised_gain, h.moic), 3):
            book.figure(ws, i, j, fig)
        ws.write_string(i, 7, h.status)
        book.figure(ws, i, 8, h.look_through)


def _themes(book: _Book, ctx: LpContext) -> None:
    ws = book.sheet("Sector exposure", _title(ctx, "sector exposure"), [44, 16, 10, 18, 10])
    book.header(ws, 2, ["Theme", "Fair value", "Share", "Look-through value", "Look-through share"])
    for i, t in enumerate(ctx.themes, 3):
        ws.write_string(i, 0, t.label)
        for j, fig in enumerate(
            (t.fair_value, t.share, t.look_through_value, t.look_through_share), 1
        ):
            book.figure(ws, i, j, fig)


def _look_through(book: _Book, ctx: LpContext) -> None:
    """A guidance fund's look-through (themes, the NAV, companies) and the costs it bears."""
    lt = ctx.look_through
    if lt is None:
        return
    ws = book.sheet("Look-through", _title(ctx, "look-through exposure"), [52, 18, 18, 18, 10])
    book.header(ws, 2, ["Theme", f"Fair value ({lt.currency})", "Share of the companies"])
    row = 3
    for t in lt.themes:
        ws.write_string(row, 0, t.label)
        book.figure(ws, row, 1, t.fair_value)
        book.figure(ws, row, 2, t.share)
        row += 1
    for k, (label, fig) in enumerate(lt.reconciliation):
        total = k in (0, len(lt.reconciliation) - 1)
        ws.write_string(row, 0, label, book.label_bold if total else None)
        book.figure(ws, row, 1, fig, bold=total)
        row += 1
    row += 1
    book.header(
        ws, row, ["Company", "Held directly", "Through the sub-funds", "Combined", "Share of NAV"]
    )
    for t in lt.themes:
        for c in t.companies:
            row += 1
            ws.write_string(row, 0, c.name)
            for j, fig in enumerate((c.direct, c.through, c.fair_value, c.share_of_nav), 1):
                book.figure(ws, row, j, fig)
    ws = book.sheet(
        "Costs in sub-funds", _title(ctx, "costs borne in the sub-funds"), [40, 6, *[16] * 7]
    )
    labels = ["Sub-fund", "Ccy", "Management fees QTD", "Management fees ITD", "Fee offsets ITD"]
    labels += ["Partnership expenses QTD", "Partnership expenses ITD", "Carry paid ITD"]
    book.header(ws, 2, [*labels, "Accrued carry"])
    for i, cost in enumerate(lt.costs, 3):
        ws.write_string(i, 0, f"{cost.fund} ({cost.basis})" if cost.basis else cost.fund)
        ws.write_string(i, 1, cost.currency)
        for j, fig in enumerate(cost.figures, 2):
            book.figure(ws, i, j, fig)


def write_lp_xlsx(ctx: LpContext, path: Path) -> Path:
    """Write the LP report's workbook to `path`."""
    book = _Book(path)
    _summary(book, ctx)
    _statement(book, ctx, ctx.statement, "Capital account", "capital account statement")
    _performance(book, ctx)
    _flows(book, ctx)
    _portfolio(book, ctx)
    _themes(book, ctx)
    _look_through(book, ctx)
    _statement(book, ctx, ctx.fees, "Fees and expenses", "fees and expenses")
    book.wb.close()
    return path

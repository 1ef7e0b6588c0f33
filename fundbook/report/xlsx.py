"""The LP report as an Excel workbook: one sheet per section, real numbers with number formats.

Every sheet of every workbook fundbook writes (this one and the board's) is marked confidential
in its header, numbers its pages in its footer, prints on A4 landscape fit to the page width with
its header row repeated, and keeps its header row frozen. Text is written as text: a name that
looks like a formula is stored with a quote prefix, so that no later edit in Excel makes it one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import xlsxwriter

from fundbook.core.spreadsheet import FORMULA_START
from fundbook.report.context import CashFlowRow, Figure, LpContext, StatementLine
from fundbook.report.formatting import (
    NOT_MEANINGFUL,
    NOT_MODELLED,
    NOT_REPORTED,
    iso_date,
    theme_label,
)
from fundbook.report.i18n import N_
from fundbook.report.look_through import LookThrough

# Figures shown as a word, not a number: a line the book does not compute, a cost the GP
# statement does not give.
_TEXT_KINDS = {"not_modelled": NOT_MODELLED, "not_reported": NOT_REPORTED, "nm": NOT_MEANINGFUL}

NUMBER_FORMATS = {
    "money": "#,##0.00;(#,##0.00);0.00",
    # the exact amount in the cell, shown in millions as the report shows it ("1,533.8m")
    "millions": '#,##0.0,,"m";(#,##0.0,,"m");0.0"m"',
    "mn": "#,##0.0,,;(#,##0.0,,);0.0",
    "pct": "0.0%",
    "ratio": "0.0%",
    "multiple": '0.00"x"',
    "count": "#,##0",
}


CONFIDENTIAL = N_("Confidential — %(name)s — %(quarter)s")
PAGE_X_OF_Y = N_("Page %(page)s of %(pages)s")
A4 = 9  # Excel's paper size code
Gettext = Callable[[str], str]


def _identity(message: str) -> str:
    return message


def _header_text(text: str) -> str:
    """`text` inside an Excel header or footer, where "&" starts a code."""
    return text.replace("&", "&&")


class Book:
    """A workbook with the formats and the print set-up every sheet shares; `name` and
    `quarter` go into the confidentiality header of each sheet."""

    def __init__(self, path: Path, name: str, quarter: str, gettext: Gettext = _identity):
        self.wb = xlsxwriter.Workbook(
            str(path),
            {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False},
        )
        self._props: dict[int, dict[str, Any]] = {}
        self._quoted: dict[int | None, Any] = {}
        self.fmt = {k: self._format({"num_format": v}) for k, v in NUMBER_FORMATS.items()}
        self.bold = {
            k: self._format({"num_format": v, "bold": True, "top": 1})
            for k, v in NUMBER_FORMATS.items()
        }
        self.head = self._format({"bold": True, "bottom": 1, "text_wrap": True, "valign": "bottom"})
        self.title = self._format({"bold": True, "font_size": 14})
        self.date = self._format({"num_format": "yyyy-mm-dd"})
        self.label_bold = self._format({"bold": True, "top": 1})
        confidential = gettext(CONFIDENTIAL) % {"name": name, "quarter": quarter}
        self.page_header = '&C&"-,Bold"' + _header_text(confidential)[:200]
        pages = gettext(PAGE_X_OF_Y) % {"page": "\x00P", "pages": "\x00N"}
        self.page_footer = "&C" + _header_text(pages).replace("\x00", "&")
        self._frozen: set[str] = set()

    def _format(self, props: dict[str, Any]) -> Any:
        fmt = self.wb.add_format(props)
        self._props[id(fmt)] = props
        return fmt

    def sheet(self, name: str, title: str, widths: Sequence[int]) -> Any:
        """A new sheet with its title, column widths and print set-up (title row frozen until
        the sheet writes its header row)."""
        ws = self.wb.add_worksheet(name)
        self.text(ws, 0, 0, title, self.title)
        for i, w in enumerate(widths):
            ws.set_column(i, i, w)
        ws.set_header(self.page_header)
        ws.set_footer(self.page_footer)
        ws.set_paper(A4)
        ws.set_landscape()
        ws.fit_to_pages(1, 0)  # the width of one page, as many pages down as it takes
        ws.set_margins(left=0.5, right=0.5, top=0.75, bottom=0.75)
        ws.freeze_panes(1, 0)
        ws.repeat_rows(0)
        return ws

    def text(self, ws: Any, row: int, col: int, value: str, fmt: Any = None) -> None:
        """A string as a string: one that starts like a formula gets the quote prefix, so that
        editing the cell in Excel keeps it text."""
        if value.startswith(FORMULA_START):
            fmt = self._quote(fmt)
        ws.write_string(row, col, value, fmt)

    def _quote(self, fmt: Any) -> Any:
        key = None if fmt is None else id(fmt)
        if key not in self._quoted:
            props = {} if fmt is None else self._props[id(fmt)]
            self._quoted[key] = self.wb.add_format({**props, "quote_prefix": True})
        return self._quoted[key]

    def figure(self, ws: Any, row: int, col: int, fig: Figure | None, bold: bool = False) -> None:
        if fig is not None and fig.kind in _TEXT_KINDS:
            self.text(ws, row, col, _TEXT_KINDS[fig.kind])
            return
        if fig is None or fig.value is None:
            ws.write_blank(row, col, None)
            return
        # Excel stores numbers as doubles; money is exact up to the cent below 10^13.
        value = float(fig.value) if isinstance(fig.value, Decimal) else fig.value
        fmt = (self.bold if bold else self.fmt).get(fig.kind, self.fmt["money"])
        ws.write_number(row, col, value, fmt)

    def header(self, ws: Any, row: int, labels: Sequence[str]) -> None:
        """A header row; the sheet's first one is frozen and repeated on every printed page."""
        for col, text in enumerate(labels):
            self.text(ws, row, col, text, self.head)
        if ws.name not in self._frozen:
            self._frozen.add(ws.name)
            ws.freeze_panes(row + 1, 0)
            ws.repeat_rows(0, row)


def _title(ctx: LpContext, section: str) -> str:
    return f"{ctx.fund.name}: {section}, {ctx.close.quarter} ({ctx.investor.name})"


def _summary(book: Book, ctx: LpContext) -> None:
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
        book.text(ws, i, 0, label)
        book.text(ws, i, 1, text)
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
        book.text(ws, row, 0, label)
        book.figure(ws, row, 1, ctx.summary.get(key))
        row += 1


def _statement(
    book: Book, ctx: LpContext, lines: list[StatementLine], name: str, title: str
) -> None:
    ws = book.sheet(name, _title(ctx, title), [40, 16, 16, 16, 16, 16, 16])
    book.text(ws, 2, 1, f"{ctx.investor.name}: investor's share", book.head)
    book.text(ws, 2, 4, "Fund total", book.head)
    book.header(ws, 3, ["", "QTD", "YTD", "ITD", "QTD", "YTD", "ITD"])
    for i, line in enumerate(lines, 4):
        book.text(ws, i, 0, line.label, book.label_bold if line.total else None)
        for j, fig in enumerate((*line.investor, *line.fund), 1):
            book.figure(ws, i, j, fig, bold=line.total)
    ws.freeze_panes(4, 1)


def _performance(book: Book, ctx: LpContext) -> None:
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
        book.text(ws, i, 0, label)
        book.figure(ws, i, 1, mine)
        book.figure(ws, i, 2, fund)


def _flows(book: Book, ctx: LpContext) -> None:
    ws = book.sheet("Cash flows", _title(ctx, "capital calls and distributions"), [12, 16, 24, 18])
    book.header(ws, 2, ["Date", "Type", "Reference", f"Amount ({ctx.fund.currency})"])
    for i, f in enumerate(ctx.flows, 3):
        ws.write_datetime(i, 0, _dt(f.date), book.date)
        book.text(ws, i, 1, f.kind)
        book.text(ws, i, 2, flow_reference(f))
        book.figure(ws, i, 3, f.amount)


def flow_reference(flow: CashFlowRow) -> str:
    """The Reference cell of a flow: its call and the call's notice date ("—" without one)."""
    if not flow.call_id:
        return "—"
    return f"{flow.call_id}, noticed {iso_date(flow.call_notice_date)}"


def _dt(day: Any) -> Any:
    import datetime as dt

    return dt.datetime(day.year, day.month, day.day)


def _portfolio(book: Book, ctx: LpContext) -> None:
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
        book.text(ws, i, 0, h.name)
        book.text(ws, i, 1, theme_label(h.theme))
        if h.first_date is not None:
            ws.write_datetime(i, 2, _dt(h.first_date), book.date)
        for j, fig in enumerate((h.cost, h.fair_value, h.realised_gain, h.moic), 3):
            book.figure(ws, i, j, fig)
        book.text(ws, i, 7, h.status)
        book.figure(ws, i, 8, h.look_through)


def _themes(book: Book, ctx: LpContext) -> None:
    ws = book.sheet("Sector exposure", _title(ctx, "sector exposure"), [44, 16, 10, 18, 10])
    book.header(ws, 2, ["Theme", "Fair value", "Share", "Look-through value", "Look-through share"])
    for i, t in enumerate(ctx.themes, 3):
        book.text(ws, i, 0, t.label)
        for j, fig in enumerate(
            (t.fair_value, t.share, t.look_through_value, t.look_through_share), 1
        ):
            book.figure(ws, i, j, fig)


def _look_through(book: Book, ctx: LpContext) -> None:
    """A guidance fund's look-through (themes, the NAV, companies) and the costs it bears."""
    if ctx.look_through is not None:
        look_through_sheets(book, ctx.look_through, lambda section: _title(ctx, section))


def look_through_sheets(book: Book, lt: LookThrough, title: Callable[[str], str]) -> None:
    """The look-through sheet and the costs borne in the sub-funds (LP and board workbooks)."""
    ws = book.sheet("Look-through", title("look-through exposure"), [52, 18, 18, 18, 10])
    book.header(ws, 2, ["Theme", f"Fair value ({lt.currency})", "Share of the companies"])
    row = 3
    for t in lt.themes:
        book.text(ws, row, 0, t.label)
        book.figure(ws, row, 1, t.fair_value)
        book.figure(ws, row, 2, t.share)
        row += 1
    for k, (label, fig) in enumerate(lt.reconciliation):
        total = k in (0, len(lt.reconciliation) - 1)
        book.text(ws, row, 0, label, book.label_bold if total else None)
        book.figure(ws, row, 1, fig, bold=total)
        row += 1
    row += 1
    book.header(
        ws, row, ["Company", "Held directly", "Through the sub-funds", "Combined", "Share of NAV"]
    )
    for t in lt.themes:
        for c in t.companies:
            row += 1
            book.text(ws, row, 0, c.name)
            for j, fig in enumerate((c.direct, c.through, c.fair_value, c.share_of_nav), 1):
                book.figure(ws, row, j, fig)
    ws = book.sheet("Costs in sub-funds", title("costs borne in the sub-funds"), [40, 6, *[16] * 7])
    labels = ["Sub-fund", "Ccy", "Management fees QTD", "Management fees ITD", "Fee offsets ITD"]
    labels += ["Partnership expenses QTD", "Partnership expenses ITD", "Carry paid ITD"]
    book.header(ws, 2, [*labels, "Accrued carry"])
    for i, cost in enumerate(lt.costs, 3):
        book.text(ws, i, 0, f"{cost.fund} ({cost.basis})" if cost.basis else cost.fund)
        book.text(ws, i, 1, cost.currency)
        for j, fig in enumerate(cost.figures, 2):
            book.figure(ws, i, j, fig)


def write_lp_xlsx(ctx: LpContext, path: Path) -> Path:
    """Write the LP report's workbook to `path`."""
    book = Book(path, ctx.fund.name, ctx.close.quarter)
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

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
from fundbook.report.localise import MILLIONS, MULTIPLE
from fundbook.report.look_through import LookThrough

# Figures shown as a word, not a number: a line the book does not compute, a cost the GP
# statement does not give.
_TEXT_KINDS = {"not_modelled": NOT_MODELLED, "not_reported": NOT_REPORTED, "nm": NOT_MEANINGFUL}

NUMBER_FORMATS = {
    "money": "#,##0.00;(#,##0.00);0.00",
    # the exact amount in the cell, shown in millions as the report shows it ("1,533.8m"; the
    # unit is the language's, {m})
    "millions": '#,##0.0,,"{m}";(#,##0.0,,"{m}");0.0"{m}"',
    "mn": "#,##0.0,,;(#,##0.0,,);0.0",
    "pct": "0.0%",
    "ratio": "0.0%",
    "multiple": '0.00"{x}"',
    "count": "#,##0",
}
# Excel's limit on a sheet name, and the characters it refuses in one.
SHEET_NAME_MAX = 31
_SHEET_NAME_BAD = str.maketrans({c: "_" for c in "[]:*?/\\"})


CONFIDENTIAL = N_("Confidential — %(name)s — %(quarter)s")
PAGE_X_OF_Y = N_("Page %(page)s of %(pages)s")
A4 = 9  # Excel's paper size code
Gettext = Callable[[str], str]


def _identity(message: str) -> str:
    return message


def _header_text(text: str) -> str:
    """`text` inside an Excel header or footer, where "&" starts a code."""
    return text.replace("&", "&&")


def number_formats(gettext: Gettext = _identity) -> dict[str, str]:
    """NUMBER_FORMATS with the units of the language (English: "m", "x")."""
    units = {
        "m": gettext(MILLIONS) % {"number": ""},
        "x": gettext(MULTIPLE) % {"number": ""},
    }
    return {k: v.format(**units) for k, v in NUMBER_FORMATS.items()}


def sheet_name(label: str, taken: set[str]) -> str:
    """A sheet name Excel accepts: no []:*?/\\, at most 31 characters, unique in the book
    (case-insensitive, as Excel compares them; a repeat gets " (2)", " (3)", ...)."""
    base = label.translate(_SHEET_NAME_BAD).strip("'") or "Sheet"
    name, n = base[:SHEET_NAME_MAX], 1
    while name.casefold() in taken:
        n += 1
        suffix = f" ({n})"
        name = base[: SHEET_NAME_MAX - len(suffix)] + suffix
    taken.add(name.casefold())
    return name


class Book:
    """A workbook with the formats and the print set-up every sheet shares; `name` and
    `quarter` go into the confidentiality header of each sheet. `gettext` is the report
    language's: sheet names, header rows and labels (`label`) are written through it."""

    def __init__(self, path: Path, name: str, quarter: str, gettext: Gettext = _identity):
        self.gettext = gettext
        self._sheet_names: set[str] = set()
        self.wb = xlsxwriter.Workbook(
            str(path),
            {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False},
        )
        self._props: dict[int, dict[str, Any]] = {}
        self._quoted: dict[int | None, Any] = {}
        formats = number_formats(gettext)
        self.fmt = {k: self._format({"num_format": v}) for k, v in formats.items()}
        self.bold = {
            k: self._format({"num_format": v, "bold": True, "top": 1}) for k, v in formats.items()
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
        """A new sheet named `name` (a label, translated) with its title, column widths and
        print set-up (title row frozen until the sheet writes its header row)."""
        ws = self.wb.add_worksheet(sheet_name(self.gettext(name), self._sheet_names))
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

    def label(self, ws: Any, row: int, col: int, label: str, fmt: Any = None) -> None:
        """A label (marked N_) in the report's language."""
        self.text(ws, row, col, self.gettext(label) if label else label, fmt)

    def _quote(self, fmt: Any) -> Any:
        key = None if fmt is None else id(fmt)
        if key not in self._quoted:
            props = {} if fmt is None else self._props[id(fmt)]
            self._quoted[key] = self.wb.add_format({**props, "quote_prefix": True})
        return self._quoted[key]

    def figure(self, ws: Any, row: int, col: int, fig: Figure | None, bold: bool = False) -> None:
        if fig is not None and fig.kind in _TEXT_KINDS:
            self.label(ws, row, col, _TEXT_KINDS[fig.kind])
            return
        if fig is None or fig.value is None:
            ws.write_blank(row, col, None)
            return
        # Excel stores numbers as doubles; money is exact up to the cent below 10^13.
        value = float(fig.value) if isinstance(fig.value, Decimal) else fig.value
        fmt = (self.bold if bold else self.fmt).get(fig.kind, self.fmt["money"])
        ws.write_number(row, col, value, fmt)

    def header(self, ws: Any, row: int, labels: Sequence[str]) -> None:
        """A header row of labels (marked N_, translated; a label already in the language, such
        as one with a name in it, is left as it is); the sheet's first one is frozen and
        repeated on every printed page."""
        for col, text in enumerate(labels):
            self.label(ws, row, col, text, self.head)
        if ws.name not in self._frozen:
            self._frozen.add(ws.name)
            ws.freeze_panes(row + 1, 0)
            ws.repeat_rows(0, row)


# The title of an LP workbook's sheet: fund, section, quarter and investor.
LP_TITLE = N_("%(fund)s: %(section)s, %(quarter)s (%(investor)s)")
NOTICED = N_("%(call)s, noticed %(date)s")


def _title(book: Book, ctx: LpContext, section: str) -> str:
    return book.gettext(LP_TITLE) % {
        "fund": ctx.fund.name,
        "section": book.gettext(section),
        "quarter": ctx.close.quarter,
        "investor": ctx.investor.name,
    }


def _summary(book: Book, ctx: LpContext) -> None:
    ws = book.sheet(N_("Summary"), _title(book, ctx, N_("commitment summary")), [34, 22])
    status = N_("closed") if ctx.close.closed else N_("DRAFT (quarter not closed)")
    facts = [
        (N_("Fund"), f"{ctx.fund.name} ({ctx.fund.id})"),
        (N_("Investor"), f"{ctx.investor.name} ({ctx.investor.id})"),
        (N_("Quarter"), ctx.close.quarter),
        (N_("Currency"), ctx.fund.currency),
        (N_("Status"), book.gettext(status)),
        (N_("Close hash"), ctx.close.close_hash or ""),
    ]
    for i, (label, text) in enumerate(facts, 2):
        book.label(ws, i, 0, label)
        book.text(ws, i, 1, text)
    row = len(facts) + 3
    labels = {
        "committed": N_("Commitment"),
        "paid_in": N_("Paid-in capital"),
        "called": N_("% of commitment called"),
        "unfunded": N_("Unfunded commitment"),
        "distributed": N_("Distributions"),
        "nav": N_("Capital account (NAV)"),
    }
    for key, label in labels.items():
        book.label(ws, row, 0, label)
        book.figure(ws, row, 1, ctx.summary.get(key))
        row += 1


def _statement(
    book: Book, ctx: LpContext, lines: list[StatementLine], name: str, title: str
) -> None:
    ws = book.sheet(name, _title(book, ctx, title), [40, 16, 16, 16, 16, 16, 16])
    share = book.gettext(N_("%(investor)s: investor's share")) % {"investor": ctx.investor.name}
    book.text(ws, 2, 1, share, book.head)
    book.label(ws, 2, 4, N_("Fund total"), book.head)
    book.header(ws, 3, ["", "QTD", "YTD", "ITD", "QTD", "YTD", "ITD"])
    for i, line in enumerate(lines, 4):
        book.label(ws, i, 0, line.label, book.label_bold if line.total else None)
        for j, fig in enumerate((*line.investor, *line.fund), 1):
            book.figure(ws, i, j, fig, bold=line.total)
    ws.freeze_panes(4, 1)


def _performance(book: Book, ctx: LpContext) -> None:
    ws = book.sheet(N_("Performance"), _title(book, ctx, N_("performance")), [34, 16, 16])
    book.header(ws, 2, [N_("Measure"), N_("Investor"), N_("Fund")])
    p = ctx.performance
    rows = [
        ("TVPI", p["tvpi"], p["fund_tvpi"]),
        ("DPI", p["dpi"], p["fund_dpi"]),
        ("RVPI", p["rvpi"], p["fund_rvpi"]),
        (N_("Net IRR"), p["net_irr"], p["fund_net_irr"]),
        (N_("Gross IRR"), None, p["fund_gross_irr"]),
    ]
    for i, (label, mine, fund) in enumerate(rows, 3):
        book.label(ws, i, 0, label)
        book.figure(ws, i, 1, mine)
        book.figure(ws, i, 2, fund)


def _flows(book: Book, ctx: LpContext) -> None:
    title = _title(book, ctx, N_("capital calls and distributions"))
    ws = book.sheet(N_("Cash flows"), title, [12, 16, 24, 18])
    amount = book.gettext(N_("Amount (%(currency)s)")) % {"currency": ctx.fund.currency}
    book.header(ws, 2, [N_("Date"), N_("Type"), N_("Reference"), amount])
    for i, f in enumerate(ctx.flows, 3):
        ws.write_datetime(i, 0, _dt(f.date), book.date)
        book.label(ws, i, 1, f.kind)
        book.text(ws, i, 2, flow_reference(f, book.gettext))
        book.figure(ws, i, 3, f.amount)


def flow_reference(flow: CashFlowRow, gettext: Gettext = _identity) -> str:
    """The Reference cell of a flow: its call and the call's notice date ("—" without one)."""
    if not flow.call_id:
        return "—"
    return gettext(NOTICED) % {"call": flow.call_id, "date": iso_date(flow.call_notice_date)}


def _dt(day: Any) -> Any:
    import datetime as dt

    return dt.datetime(day.year, day.month, day.day)


def _portfolio(book: Book, ctx: LpContext) -> None:
    title = _title(book, ctx, N_("portfolio"))
    ws = book.sheet(N_("Portfolio"), title, [36, 30, 12, 16, 16, 18, 9, 18, 16])
    book.header(
        ws,
        2,
        [
            N_("Company"),
            N_("Theme"),
            N_("Valued at"),
            N_("Cost"),
            N_("Fair value"),
            N_("Realised gain / (loss)"),
            "MOIC",
            N_("Status"),
            N_("Investor's look-through share"),
        ],
    )
    for i, h in enumerate(ctx.holdings, 3):
        book.text(ws, i, 0, h.name)
        book.label(ws, i, 1, theme_label(h.theme))
        if h.first_date is not None:
            ws.write_datetime(i, 2, _dt(h.first_date), book.date)
        for j, fig in enumerate((h.cost, h.fair_value, h.realised_gain, h.moic), 3):
            book.figure(ws, i, j, fig)
        book.label(ws, i, 7, h.status)
        book.figure(ws, i, 8, h.look_through)


THEME_HEADER = (
    N_("Theme"),
    N_("Fair value"),
    N_("Share"),
    N_("Look-through value"),
    N_("Look-through share"),
)


def _themes(book: Book, ctx: LpContext) -> None:
    title = _title(book, ctx, N_("sector exposure"))
    ws = book.sheet(N_("Sector exposure"), title, [44, 16, 10, 18, 10])
    book.header(ws, 2, THEME_HEADER)
    for i, t in enumerate(ctx.themes, 3):
        book.label(ws, i, 0, t.label)
        for j, fig in enumerate(
            (t.fair_value, t.share, t.look_through_value, t.look_through_share), 1
        ):
            book.figure(ws, i, j, fig)


def _look_through(book: Book, ctx: LpContext) -> None:
    """A guidance fund's look-through (themes, the NAV, companies) and the costs it bears."""
    if ctx.look_through is not None:
        look_through_sheets(book, ctx.look_through, lambda section: _title(book, ctx, section))


# A sub-fund whose costs the guidance fund reads from its GP's statement of a date.
PER_GP_STATEMENT = N_("%(fund)s (per the GP statement of %(date)s)")


def look_through_sheets(book: Book, lt: LookThrough, title: Callable[[str], str]) -> None:
    """The look-through sheet and the costs borne in the sub-funds (LP and board workbooks)."""
    ws = book.sheet(N_("Look-through"), title(N_("look-through exposure")), [52, 18, 18, 18, 10])
    value = book.gettext(N_("Fair value (%(currency)s)")) % {"currency": lt.currency}
    book.header(ws, 2, [N_("Theme"), value, N_("Share of the companies")])
    row = 3
    for t in lt.themes:
        book.label(ws, row, 0, t.label)
        book.figure(ws, row, 1, t.fair_value)
        book.figure(ws, row, 2, t.share)
        row += 1
    for k, (label, fig) in enumerate(lt.reconciliation):
        total = k in (0, len(lt.reconciliation) - 1)
        book.label(ws, row, 0, label, book.label_bold if total else None)
        book.figure(ws, row, 1, fig, bold=total)
        row += 1
    row += 1
    companies = [N_("Company"), N_("Held directly"), N_("Through the sub-funds")]
    book.header(ws, row, [*companies, N_("Combined"), N_("Share of NAV")])
    for t in lt.themes:
        for c in t.companies:
            row += 1
            book.text(ws, row, 0, c.name)
            for j, fig in enumerate((c.direct, c.through, c.fair_value, c.share_of_nav), 1):
                book.figure(ws, row, j, fig)
    costs = title(N_("costs borne in the sub-funds"))
    ws = book.sheet(N_("Costs in sub-funds"), costs, [40, 6, *[16] * 7])
    labels = [N_("Sub-fund"), N_("Ccy"), N_("Management fees QTD"), N_("Management fees ITD")]
    labels += [N_("Fee offsets ITD"), N_("Partnership expenses QTD")]
    labels += [N_("Partnership expenses ITD"), N_("Carry paid ITD"), N_("Accrued carry")]
    book.header(ws, 2, labels)
    for i, cost in enumerate(lt.costs, 3):
        book.text(ws, i, 0, _cost_fund(book, cost.fund, cost.basis, cost.basis_date))
        book.text(ws, i, 1, cost.currency)
        for j, fig in enumerate(cost.figures, 2):
            book.figure(ws, i, j, fig)


def _cost_fund(book: Book, fund: str, basis: str, day: Any) -> str:
    """A sub-fund of the costs sheet, with the GP statement its costs are read from."""
    if not basis:
        return fund
    if day is None:  # a basis without its date: as the look-through words it
        return f"{fund} ({basis})"
    return book.gettext(PER_GP_STATEMENT) % {"fund": fund, "date": iso_date(day)}


def write_lp_xlsx(ctx: LpContext, path: Path, gettext: Gettext = _identity) -> Path:
    """Write the LP report's workbook to `path`, in the language of `gettext`."""
    book = Book(path, ctx.fund.name, ctx.close.quarter, gettext)
    _summary(book, ctx)
    title = N_("capital account statement")
    _statement(book, ctx, ctx.statement, N_("Capital account"), title)
    _performance(book, ctx)
    _flows(book, ctx)
    _portfolio(book, ctx)
    _themes(book, ctx)
    _look_through(book, ctx)
    _statement(book, ctx, ctx.fees, N_("Fees and expenses"), N_("fees and expenses"))
    book.wb.close()
    return path

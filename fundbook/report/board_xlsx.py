"""The board report as an Excel workbook: its tables, one sheet each, from the board's context.

Every figure is the context's (the one the HTML shows), written as a number with the format of
its kind; nothing is computed here. Money in millions keeps its exact amount in the cell and is
shown in millions by its number format, as the report shows it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fundbook.report.board_story import StoryTable
from fundbook.report.context import BoardContext, Finding
from fundbook.report.formatting import theme_label
from fundbook.report.i18n import N_
from fundbook.report.xlsx import Book, look_through_sheets

# the board's words for a status, as its HTML writes them (never colour only)
STATUS_WORDS = {
    "pass": N_("met"),
    "fail": N_("failed"),
    "watch": N_("watch"),
    "pending": N_("pending"),
}
GRANT_WORDS = {
    "ok": N_("meets 1:2"),
    "pending": N_("pending"),
    "short": N_("short"),
    "over_cap": N_("over the cap"),
}
TARGET_WORDS = {"watch": N_("behind"), "fail": N_("below"), "pass": N_("met")}
TOTALS = (
    ("committed", "Commitment from government"),
    ("paid_in", "Paid-in"),
    ("unfunded", "Unfunded"),
    ("distributed", "Distributions"),
    ("nav", "Net asset value"),
    ("net_irr", "Net IRR"),
    ("gross_irr", "Gross IRR"),
    ("tvpi", "TVPI"),
    ("dpi", "DPI"),
    ("rvpi", "RVPI"),
)
MOVEMENT_KEYS = ("nav", "paid_in", "distributed", "net_irr", "tvpi")


def _title(ctx: BoardContext, section: str) -> str:
    return f"{ctx.guidance_fund.name}: {section}, board report {ctx.close.quarter}"


def _headline(book: Book, ctx: BoardContext) -> None:
    ws = book.sheet("Headline", _title(ctx, "headline figures"), [44, 18, 60, 18])
    book.header(ws, 2, ["Figure", "Value", "Note", "Change on the previous quarter"])
    for i, (label, fig, note, change) in enumerate(ctx.headline, 3):
        book.text(ws, i, 0, label)
        book.figure(ws, i, 1, fig)
        book.text(ws, i, 2, note)
        if change is not None:
            book.figure(ws, i, 3, change)
    row = len(ctx.headline) + 4
    unit = f"Guidance fund ({ctx.guidance_fund.currency}, shown in millions)"
    book.header(ws, row, ["Programme totals", unit])
    for i, (key, label) in enumerate(TOTALS, row + 1):
        book.text(ws, i, 0, label)
        book.figure(ws, i, 1, ctx.totals.get(key))


def _story(book: Book, ctx: BoardContext, name: str, table: StoryTable) -> None:
    """A table of page 1 (cash of the quarter, budget, obligations): its rows and total, in
    its unit (HK$ million, shown in millions by the number format; the cells hold HKD)."""
    ws = book.sheet(name, _title(ctx, f"{table.caption} ({table.unit})"), [52, 18])
    book.header(ws, 2, [table.caption, table.unit])
    for i, r in enumerate(table.rows, 3):
        book.text(ws, i, 0, r.label)
        book.figure(ws, i, 1, r.figure)
    total = len(table.rows) + 3
    book.text(ws, total, 0, table.total_label, book.label_bold)
    book.figure(ws, total, 1, table.total, bold=True)


def _breaches(book: Book, ctx: BoardContext) -> None:
    """Page 1's rules breached or behind: new first, with their first date and trend."""
    ws = book.sheet("Breaches", _title(ctx, "rules breached or behind"), [40, 36, 10, 12, 22, 40])
    labels = ["Fund", "Rule", "Status", "Since", "New or recurring", "Trend since the first breach"]
    book.header(ws, 2, labels)
    for i, b in enumerate(ctx.breaches, 3):
        book.text(ws, i, 0, b.fund)
        book.text(ws, i, 1, b.rule)
        book.text(ws, i, 2, STATUS_WORDS.get(b.status, b.status))
        book.text(ws, i, 3, b.first_breach.isoformat() if b.first_breach else "—")
        book.text(ws, i, 4, "New" if b.new else f"Recurring ({b.quarters} quarters)")
        book.text(ws, i, 5, f"{b.trend} ({b.direction})")


def _leverage(book: Book, ctx: BoardContext) -> None:
    ws = book.sheet("Leverage", _title(ctx, "leverage of social capital"), [48, 6, *[14] * 10])
    labels = ["Sub-fund", "Ccy", "Committed (millions)", "Government (millions)"]
    labels += ["Social capital (millions)", "Amplification", "Social leverage", "Target"]
    labels += ["Paid-in (millions)", "Government paid-in (millions)"]
    book.header(ws, 2, [*labels, "Social paid-in (millions)", "Paid-in social leverage"])
    row = 3
    for r in ctx.leverage:
        bold = r.total
        book.text(ws, row, 0, r.name, book.label_bold if bold else None)
        book.text(ws, row, 1, r.currency)
        figs = (r.committed, r.government_committed, r.social_committed, r.amplification)
        for j, fig in enumerate((*figs, r.social_leverage), 2):
            book.figure(ws, row, j, fig, bold=bold)
        book.text(ws, row, 7, _target_word(r.target_status, r.meets_target))
        figs = (r.paid_in, r.government_paid_in, r.social_paid_in, r.paid_in_leverage)
        for j, fig in enumerate(figs, 8):
            book.figure(ws, row, j, fig, bold=bold)
        row += 1
    for label, fig in ctx.paid_in_fx:
        book.text(ws, row, 0, label)
        book.text(ws, row, 1, "HKD")
        book.figure(ws, row, 8, fig)
        row += 1


def _target_word(status: str | None, meets: bool | None) -> str:
    """The leverage target's result in the board's words (watch: behind, not yet judged)."""
    if status is None:
        status = None if meets is None else ("pass" if meets else "fail")
    return TARGET_WORDS.get(status or "", "—")


def _compliance(book: Book, ctx: BoardContext) -> None:
    ws = book.sheet("Compliance", _title(ctx, "mandate compliance"), [40, *[14, 10] * 8])
    labels = ["Sub-fund"]
    for label, threshold in ctx.compliance_rules:
        labels += [f"{label} ({threshold})", "Result"]
    book.header(ws, 2, labels)
    for i, row in enumerate(ctx.compliance, 3):
        book.text(ws, i, 0, row.fund)
        for k, cell in enumerate(row.cells):
            if cell is None:
                book.text(ws, i, 1 + 2 * k, "—")
                continue
            book.figure(ws, i, 1 + 2 * k, cell.value)
            book.text(ws, i, 2 + 2 * k, STATUS_WORDS.get(cell.status, cell.status))


def _findings(book: Book, ctx: BoardContext, name: str, rows: list[Finding], what: str) -> None:
    ws = book.sheet(name, _title(ctx, what), [40, 36, 14, 40, 10, 80])
    book.header(ws, 2, ["Fund", "Rule", "Figure", "Threshold", "Result", "Explanation"])
    for i, f in enumerate(rows, 3):
        book.text(ws, i, 0, f.fund)
        book.text(ws, i, 1, f.rule)
        book.figure(ws, i, 2, f.value)
        book.text(ws, i, 3, f.threshold)
        book.text(ws, i, 4, STATUS_WORDS.get(f.status, f.status))
        book.text(ws, i, 5, f.explanation)


def _fees(book: Book, ctx: BoardContext) -> None:
    ws = book.sheet("Management fees", _title(ctx, "management fees vs LPA terms"), [40, 6])
    labels = ["Fund", "Ccy", "Computed from LPA", "Booked", "Difference", "Tolerance", "Result"]
    book.header(ws, 2, [*labels, "Booked, HKD at the as-of rate"])
    ws.set_column(2, 5, 16)
    ws.set_column(6, 6, 22)
    ws.set_column(7, 7, 18)
    for i, r in enumerate(ctx.fees, 3):
        book.text(ws, i, 0, r.fund)
        book.text(ws, i, 1, r.currency)
        for j, fig in enumerate((r.fee_net, r.booked, r.difference, r.fee_tolerance), 2):
            book.figure(ws, i, j, fig)
        book.text(ws, i, 6, r.result)
        book.figure(ws, i, 7, r.booked_hkd)
    if ctx.fees:  # the funds' own currencies are not added: the HKD column alone
        total = len(ctx.fees) + 3
        book.text(ws, total, 0, "Total (HKD at the as-of rate)", book.label_bold)
        book.figure(ws, total, 7, ctx.fees_total_hkd, bold=True)


def _themes(book: Book, ctx: BoardContext) -> None:
    ws = book.sheet("Themes", _title(ctx, "sector exposure"), [44, 18, 10, 18, 10])
    book.header(ws, 2, ["Theme", "Fair value", "Share", "Look-through value", "Look-through share"])
    for i, t in enumerate(ctx.themes, 3):
        book.text(ws, i, 0, t.label)
        figs = (t.fair_value, t.share, t.look_through_value, t.look_through_share)
        for j, fig in enumerate(figs, 1):
            book.figure(ws, i, j, fig)
    total = len(ctx.themes) + 3
    book.text(ws, total, 0, "Total", book.label_bold)
    book.figure(ws, total, 1, ctx.theme_total.fair_value, bold=True)
    book.figure(ws, total, 3, ctx.theme_total.look_through_value, bold=True)


def _jcurve(book: Book, ctx: BoardContext) -> None:
    ws = book.sheet("J-curve", _title(ctx, "capital deployment"), [40, 6, 10, 18, 18, 18, 18])
    labels = ["Fund", "Ccy", "Quarter", "Contributions", "Distributions", "Net cash flow"]
    book.header(ws, 2, [*labels, "Cumulative"])
    row = 3
    for j in ctx.jcurves:
        for p in j.points:
            book.text(ws, row, 0, j.fund)
            book.text(ws, row, 1, j.currency)
            book.text(ws, row, 2, p.quarter)
            for k, fig in enumerate((p.contributions, p.distributions, p.net, p.cumulative), 3):
                book.figure(ws, row, k, fig)
            row += 1


def _top_holdings(book: Book, ctx: BoardContext) -> None:
    ws = book.sheet("Top holdings", _title(ctx, "top holdings"), [6, 44, 36, 18, 10, 12])
    book.header(ws, 2, ["#", "Holding", "Theme", "Fair value", "Share", "Cumulative"])
    for i, h in enumerate(ctx.top_holdings, 3):
        ws.write_number(i, 0, h.rank)
        book.text(ws, i, 1, h.name)
        book.text(ws, i, 2, theme_label(h.theme))
        for j, fig in enumerate((h.fair_value, h.share, h.cumulative_share), 3):
            book.figure(ws, i, j, fig)
    row = len(ctx.top_holdings) + 4
    for key, fig in ctx.concentration.items():
        book.text(ws, row, 1, key.replace("_", " ").capitalize())
        book.figure(ws, row, 4, fig)
        row += 1


def _grants(book: Book, ctx: BoardContext) -> None:
    ws = book.sheet("Grants", _title(ctx, "grant programme"), [52, 16, 18, 10, 16])
    book.header(ws, 2, ["Company", "Grant (HKD)", "Own matching (HKD)", "Ratio", "Result"])
    for i, g in enumerate(ctx.grants, 3):
        book.text(ws, i, 0, g.company)
        for j, fig in enumerate((g.grant, g.matching, g.ratio), 1):
            book.figure(ws, i, j, fig)
        book.text(ws, i, 4, GRANT_WORDS.get(g.status or "", "—"))
    if ctx.grant_totals:
        row = len(ctx.grants) + 3
        t = ctx.grant_totals
        book.text(ws, row, 0, "Total", book.label_bold)
        for j, key in enumerate(("grants", "matching", "matching_ratio"), 1):
            book.figure(ws, row, j, t.get(key), bold=True)


def _movements(book: Book, ctx: BoardContext) -> None:
    ws = book.sheet("Movements", _title(ctx, "quarter-on-quarter movements"), [44, 6])
    labels: list[str] = ["Fund", "Ccy"]
    for key in MOVEMENT_KEYS:
        name = next((m.figures[key].label for m in ctx.movements if key in m.figures), key)
        labels += [f"{name}: previous", f"{name}: {ctx.close.quarter}", f"{name}: change"]
    book.header(ws, 2, labels)
    ws.set_column(2, len(labels), 14)
    for i, mv in enumerate(ctx.movements, 3):
        book.text(ws, i, 0, mv.fund)
        book.text(ws, i, 1, mv.currency)
        for k, key in enumerate(MOVEMENT_KEYS):
            m: Any = mv.figures.get(key)
            for j, fig in enumerate((m.previous, m.current, m.change) if m else (None,) * 3):
                book.figure(ws, i, 2 + 3 * k + j, fig)


def write_board_xlsx(ctx: BoardContext, path: Path) -> Path:
    """Write the board report's workbook to `path`: a sheet per table of the report."""
    book = Book(path, ctx.guidance_fund.name, ctx.close.quarter)
    _headline(book, ctx)
    _story(book, ctx, "Quarter cash", ctx.quarter_flows)
    _story(book, ctx, "Budget", ctx.budget)
    _story(book, ctx, "Obligations", ctx.obligations)
    _breaches(book, ctx)
    _leverage(book, ctx)
    _compliance(book, ctx)
    _findings(book, ctx, "Programme rules", ctx.programme_findings, "programme rules")
    _findings(book, ctx, "Findings", ctx.findings, "mandate rules of each sub-fund")
    _fees(book, ctx)
    _themes(book, ctx)
    if ctx.look_through is not None:
        look_through_sheets(book, ctx.look_through, lambda section: _title(ctx, section))
    _jcurve(book, ctx)
    _top_holdings(book, ctx)
    _grants(book, ctx)
    _movements(book, ctx)
    book.wb.close()
    return path

"""The board report as an Excel workbook: its tables, one sheet each, from the board's context.

Every figure is the context's (the one the HTML shows), written as a number with the format of
its kind; nothing is computed here. Money in millions keeps its exact amount in the cell and is
shown in millions by its number format, as the report shows it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fundbook.report.board import DIRECT_ROW
from fundbook.report.board_story import StoryTable
from fundbook.report.context import BoardContext, Finding
from fundbook.report.formatting import theme_label
from fundbook.report.i18n import N_
from fundbook.report.xlsx import Book, Gettext, look_through_sheets

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
    ("committed", N_("Commitment from government")),
    ("paid_in", N_("Paid-in")),
    ("unfunded", N_("Unfunded")),
    ("distributed", N_("Distributions")),
    ("nav", N_("Net asset value")),
    ("net_irr", N_("Net IRR")),
    ("gross_irr", N_("Gross IRR")),
    ("tvpi", "TVPI"),
    ("dpi", "DPI"),
    ("rvpi", "RVPI"),
)
MOVEMENT_KEYS = ("nav", "paid_in", "distributed", "net_irr", "tvpi")


# The title of a board workbook's sheet: the guidance fund, the section and the quarter.
BOARD_TITLE = N_("%(fund)s: %(section)s, board report %(quarter)s")
MOVEMENT_COLUMNS = (
    N_("%(figure)s: previous"),
    N_("%(figure)s: %(quarter)s"),
    N_("%(figure)s: change"),
)
# The concentration figures of the top holdings (`concentration` keys).
CONCENTRATION = {"top_1": N_("Top 1"), "top_5": N_("Top 5"), "top_10": N_("Top 10")}


def _title(book: Book, ctx: BoardContext, section: str) -> str:
    return book.gettext(BOARD_TITLE) % {
        "fund": ctx.guidance_fund.name,
        "section": book.gettext(section),
        "quarter": ctx.close.quarter,
    }


def _headline(book: Book, ctx: BoardContext) -> None:
    ws = book.sheet(N_("Headline"), _title(book, ctx, N_("headline figures")), [44, 18, 60, 18])
    book.header(
        ws, 2, [N_("Figure"), N_("Value"), N_("Note"), N_("Change on the previous quarter")]
    )
    for i, (label, fig, note, change) in enumerate(ctx.headline, 3):
        book.label(ws, i, 0, label)
        book.figure(ws, i, 1, fig)
        book.label(ws, i, 2, note)
        if change is not None:
            book.figure(ws, i, 3, change)
    row = len(ctx.headline) + 4
    currency = {"currency": ctx.guidance_fund.currency}
    guidance_fund = book.gettext(N_("Guidance fund (%(currency)s, shown in millions)")) % currency
    book.header(ws, row, [N_("Programme totals"), guidance_fund])
    for i, (key, label) in enumerate(TOTALS, row + 1):
        book.label(ws, i, 0, label)
        book.figure(ws, i, 1, ctx.totals.get(key))


def _story(book: Book, ctx: BoardContext, name: str, table: StoryTable) -> None:
    """A table of page 1 (cash of the quarter, budget, obligations): its rows and total, in
    its unit (HK$ million, shown in millions by the number format; the cells hold HKD)."""
    caption = book.gettext(table.caption)
    section = f"{caption} ({book.gettext(table.unit)})"
    ws = book.sheet(name, _title(book, ctx, section), [52, 18])
    book.header(ws, 2, [caption, table.unit])
    for i, r in enumerate(table.rows, 3):
        book.label(ws, i, 0, r.label)
        book.figure(ws, i, 1, r.figure)
    total = len(table.rows) + 3
    book.label(ws, total, 0, table.total_label, book.label_bold)
    book.figure(ws, total, 1, table.total, bold=True)


def _breaches(book: Book, ctx: BoardContext) -> None:
    """Page 1's rules breached or behind: new first, with their first date and trend."""
    ws = book.sheet(
        N_("Breaches"),
        _title(book, ctx, N_("rules breached or behind")),
        [40, 36, 10, 12, 22, 40],
    )
    labels = [N_("Fund"), N_("Rule"), N_("Status"), N_("Since")]
    book.header(ws, 2, [*labels, N_("New or recurring"), N_("Trend since the first breach")])
    recurring = book.gettext(N_("Recurring (%(n)s quarters)"))
    for i, b in enumerate(ctx.breaches, 3):
        book.text(ws, i, 0, b.fund)
        book.label(ws, i, 1, b.rule)
        book.label(ws, i, 2, STATUS_WORDS.get(b.status, b.status))
        book.text(ws, i, 3, b.first_breach.isoformat() if b.first_breach else "—")
        if b.new:
            book.label(ws, i, 4, N_("New"))
        else:
            book.text(ws, i, 4, recurring % {"n": b.quarters})
        book.text(ws, i, 5, f"{b.trend} ({book.gettext(b.direction)})")


def _leverage(book: Book, ctx: BoardContext) -> None:
    ws = book.sheet(
        N_("Leverage"), _title(book, ctx, N_("leverage of social capital")), [48, 6, *[14] * 10]
    )
    labels = [N_("Sub-fund"), N_("Ccy"), N_("Committed (millions)"), N_("Government (millions)")]
    labels += [
        N_("Social capital (millions)"),
        N_("Amplification"),
        N_("Social leverage"),
        N_("Target"),
    ]
    labels += [N_("Paid-in (millions)"), N_("Government paid-in (millions)")]
    book.header(ws, 2, [*labels, N_("Social paid-in (millions)"), N_("Paid-in social leverage")])
    row = 3
    for r in ctx.leverage:
        bold = r.total
        # a total row is named by a label (Programme, Direct co-investments), a fund by its name
        name = book.gettext(r.name) if r.total or r.name == DIRECT_ROW else r.name
        book.text(ws, row, 0, name, book.label_bold if bold else None)
        book.text(ws, row, 1, r.currency)
        figs = (r.committed, r.government_committed, r.social_committed, r.amplification)
        for j, fig in enumerate((*figs, r.social_leverage), 2):
            book.figure(ws, row, j, fig, bold=bold)
        book.label(ws, row, 7, _target_word(r.target_status, r.meets_target))
        figs = (r.paid_in, r.government_paid_in, r.social_paid_in, r.paid_in_leverage)
        for j, fig in enumerate(figs, 8):
            book.figure(ws, row, j, fig, bold=bold)
        row += 1
    for label, fig in ctx.paid_in_fx:
        book.label(ws, row, 0, label)
        book.text(ws, row, 1, "HKD")
        book.figure(ws, row, 8, fig)
        row += 1


def _target_word(status: str | None, meets: bool | None) -> str:
    """The leverage target's result in the board's words (watch: behind, not yet judged)."""
    if status is None:
        status = None if meets is None else ("pass" if meets else "fail")
    return TARGET_WORDS.get(status or "", "—")


def _compliance(book: Book, ctx: BoardContext) -> None:
    ws = book.sheet(
        N_("Compliance"), _title(book, ctx, N_("mandate compliance")), [40, *[14, 10] * 8]
    )
    labels = [N_("Sub-fund")]
    for label, threshold in ctx.compliance_rules:
        labels += [f"{book.gettext(label)} ({threshold})", N_("Result")]
    book.header(ws, 2, labels)
    for i, row in enumerate(ctx.compliance, 3):
        book.text(ws, i, 0, row.fund)
        for k, cell in enumerate(row.cells):
            if cell is None:
                book.text(ws, i, 1 + 2 * k, "—")
                continue
            book.figure(ws, i, 1 + 2 * k, cell.value)
            book.label(ws, i, 2 + 2 * k, STATUS_WORDS.get(cell.status, cell.status))


def _findings(book: Book, ctx: BoardContext, name: str, rows: list[Finding], what: str) -> None:
    ws = book.sheet(name, _title(book, ctx, what), [40, 36, 14, 40, 10, 80])
    book.header(
        ws,
        2,
        [N_("Fund"), N_("Rule"), N_("Figure"), N_("Threshold"), N_("Result"), N_("Explanation")],
    )
    for i, f in enumerate(rows, 3):
        book.text(ws, i, 0, f.fund)
        book.label(ws, i, 1, f.rule)
        book.figure(ws, i, 2, f.value)
        book.text(ws, i, 3, f.threshold)
        book.label(ws, i, 4, STATUS_WORDS.get(f.status, f.status))
        book.text(ws, i, 5, f.explanation)


def _fees(book: Book, ctx: BoardContext) -> None:
    ws = book.sheet(
        N_("Management fees"), _title(book, ctx, N_("management fees vs LPA terms")), [40, 6]
    )
    labels = [
        N_("Fund"),
        N_("Ccy"),
        N_("Computed from LPA"),
        N_("Booked"),
        N_("Difference"),
        N_("Tolerance"),
        N_("Result"),
    ]
    book.header(ws, 2, [*labels, N_("Booked, HKD at the as-of rate")])
    ws.set_column(2, 5, 16)
    ws.set_column(6, 6, 22)
    ws.set_column(7, 7, 18)
    for i, r in enumerate(ctx.fees, 3):
        book.text(ws, i, 0, r.fund)
        book.text(ws, i, 1, r.currency)
        for j, fig in enumerate((r.fee_net, r.booked, r.difference, r.fee_tolerance), 2):
            book.figure(ws, i, j, fig)
        book.label(ws, i, 6, r.result)
        book.figure(ws, i, 7, r.booked_hkd)
    if ctx.fees:  # the funds' own currencies are not added: the HKD column alone
        total = len(ctx.fees) + 3
        book.label(ws, total, 0, N_("Total (HKD at the as-of rate)"), book.label_bold)
        book.figure(ws, total, 7, ctx.fees_total_hkd, bold=True)


def _themes(book: Book, ctx: BoardContext) -> None:
    ws = book.sheet(N_("Themes"), _title(book, ctx, N_("sector exposure")), [44, 18, 10, 18, 10])
    book.header(
        ws,
        2,
        [
            N_("Theme"),
            N_("Fair value"),
            N_("Share"),
            N_("Look-through value"),
            N_("Look-through share"),
        ],
    )
    for i, t in enumerate(ctx.themes, 3):
        book.label(ws, i, 0, t.label)
        figs = (t.fair_value, t.share, t.look_through_value, t.look_through_share)
        for j, fig in enumerate(figs, 1):
            book.figure(ws, i, j, fig)
    total = len(ctx.themes) + 3
    book.label(ws, total, 0, N_("Total"), book.label_bold)
    book.figure(ws, total, 1, ctx.theme_total.fair_value, bold=True)
    book.figure(ws, total, 3, ctx.theme_total.look_through_value, bold=True)


def _jcurve(book: Book, ctx: BoardContext) -> None:
    ws = book.sheet(
        N_("J-curve"), _title(book, ctx, N_("capital deployment")), [40, 6, 10, 18, 18, 18, 18]
    )
    labels = [
        N_("Fund"),
        N_("Ccy"),
        N_("Quarter"),
        N_("Contributions"),
        N_("Distributions"),
        N_("Net cash flow"),
    ]
    book.header(ws, 2, [*labels, N_("Cumulative")])
    row = 3
    for j in ctx.jcurves:
        for p in j.points:
            book.text(ws, row, 0, j.fund)
            book.text(ws, row, 1, j.currency)
            book.text(ws, row, 2, p.quarter)
            for k, fig in enumerate((p.contributions, p.distributions, p.net, p.cumulative), 3):
                book.figure(ws, row, k, fig)
            row += 1


def _forecast(book: Book, ctx: BoardContext) -> None:
    f = ctx.forecast
    if f is None:
        return
    ws = book.sheet(
        N_("Forecast"),
        _title(book, ctx, N_("commitment pacing forecast")),
        [8, 14, 18, 18, 18, 18, 18],
    )
    book.header(
        ws,
        2,
        [
            N_("Year"),
            N_("Year ending"),
            N_("Expected calls"),
            N_("Expected distributions"),
            N_("Distributions, 5th percentile"),
            N_("Distributions, 95th percentile"),
            N_("NAV at the year's end"),
        ],
    )
    for i, y in enumerate(f.years, 3):
        ws.write_number(i, 0, y.year)
        book.text(ws, i, 1, y.period_end.isoformat())
        figs = (y.contributions, y.distributions, y.distributions_low, y.distributions_high, y.nav)
        for j, fig in enumerate(figs, 2):
            book.figure(ws, i, j, fig)
    total = len(f.years) + 3
    book.label(ws, total, 0, N_("Total"), book.label_bold)
    book.figure(ws, total, 2, f.total["contributions"], bold=True)
    book.figure(ws, total, 3, f.total["distributions"], bold=True)


def _top_holdings(book: Book, ctx: BoardContext) -> None:
    ws = book.sheet(
        N_("Top holdings"), _title(book, ctx, N_("top holdings")), [6, 44, 36, 18, 10, 12]
    )
    book.header(
        ws, 2, ["#", N_("Holding"), N_("Theme"), N_("Fair value"), N_("Share"), N_("Cumulative")]
    )
    for i, h in enumerate(ctx.top_holdings, 3):
        ws.write_number(i, 0, h.rank)
        book.text(ws, i, 1, h.name)
        book.label(ws, i, 2, theme_label(h.theme))
        for j, fig in enumerate((h.fair_value, h.share, h.cumulative_share), 3):
            book.figure(ws, i, j, fig)
    row = len(ctx.top_holdings) + 4
    for key, fig in ctx.concentration.items():
        book.label(ws, row, 1, CONCENTRATION.get(key, key.replace("_", " ").capitalize()))
        book.figure(ws, row, 4, fig)
        row += 1


def _grants(book: Book, ctx: BoardContext) -> None:
    ws = book.sheet(N_("Grants"), _title(book, ctx, N_("grant programme")), [52, 16, 18, 10, 16])
    book.header(
        ws,
        2,
        [N_("Company"), N_("Grant (HKD)"), N_("Own matching (HKD)"), N_("Ratio"), N_("Result")],
    )
    for i, g in enumerate(ctx.grants, 3):
        book.text(ws, i, 0, g.company)
        for j, fig in enumerate((g.grant, g.matching, g.ratio), 1):
            book.figure(ws, i, j, fig)
        book.label(ws, i, 4, GRANT_WORDS.get(g.status or "", "—"))
    if ctx.grant_totals:
        row = len(ctx.grants) + 3
        t = ctx.grant_totals
        book.label(ws, row, 0, N_("Total"), book.label_bold)
        for j, key in enumerate(("grants", "matching", "matching_ratio"), 1):
            book.figure(ws, row, j, t.get(key), bold=True)


def _movements(book: Book, ctx: BoardContext) -> None:
    ws = book.sheet(N_("Movements"), _title(book, ctx, N_("quarter-on-quarter movements")), [44, 6])
    labels: list[str] = [N_("Fund"), N_("Ccy")]
    for key in MOVEMENT_KEYS:
        name = next((m.figures[key].label for m in ctx.movements if key in m.figures), key)
        values = {"figure": book.gettext(name), "quarter": ctx.close.quarter}
        labels += [book.gettext(column) % values for column in MOVEMENT_COLUMNS]
    book.header(ws, 2, labels)
    ws.set_column(2, len(labels), 14)
    for i, mv in enumerate(ctx.movements, 3):
        book.text(ws, i, 0, mv.fund)
        book.text(ws, i, 1, mv.currency)
        for k, key in enumerate(MOVEMENT_KEYS):
            m: Any = mv.figures.get(key)
            for j, fig in enumerate((m.previous, m.current, m.change) if m else (None,) * 3):
                book.figure(ws, i, 2 + 3 * k + j, fig)


def _pme(book: Book, ctx: BoardContext) -> None:
    """The public market equivalents: a block per chosen index, its reasons beside."""
    ws = book.sheet(
        N_("PME"), _title(book, ctx, N_("public market equivalents")), [44, 14, 14, 14, 14, 60]
    )
    columns = [N_("Fund"), N_("KS-PME"), N_("Direct alpha"), N_("LN-PME IRR"), N_("Net IRR")]
    row = 2
    if not ctx.pme:
        book.label(ws, row, 0, NO_INDEX_LEVELS)
    for table in ctx.pme:
        book.text(ws, row, 0, f"{table.index_name} ({table.index_id})")
        book.header(ws, row + 1, [*columns, N_("Why undefined")])
        for i, r in enumerate(table.rows, row + 2):
            if r.programme:
                book.label(ws, i, 0, r.name)
            else:
                book.text(ws, i, 0, r.name)
            for j, fig in enumerate((r.ks_pme, r.direct_alpha, r.ln_pme_irr, r.net_irr), 1):
                if fig is not None:
                    book.figure(ws, i, j, fig)
            book.text(ws, i, 5, r.undefined or "")
        row += len(table.rows) + 3


NO_INDEX_LEVELS = N_(
    "The book holds no market index levels (index_levels.csv): no public market equivalents to "
    "show."
)


def write_board_xlsx(ctx: BoardContext, path: Path, gettext: Gettext = str) -> Path:
    """Write the board report's workbook to `path`: a sheet per table of the report, in the
    language of `gettext` (the context's sentences are already in it)."""
    book = Book(path, ctx.guidance_fund.name, ctx.close.quarter, gettext)
    _headline(book, ctx)
    _story(book, ctx, N_("Quarter cash"), ctx.quarter_flows)
    _story(book, ctx, N_("Budget"), ctx.budget)
    _story(book, ctx, N_("Obligations"), ctx.obligations)
    _breaches(book, ctx)
    _leverage(book, ctx)
    _compliance(book, ctx)
    programme = N_("programme rules")
    _findings(book, ctx, N_("Programme rules"), ctx.programme_findings, programme)
    _findings(book, ctx, N_("Findings"), ctx.findings, N_("mandate rules of each sub-fund"))
    _fees(book, ctx)
    _themes(book, ctx)
    if ctx.look_through is not None:
        look_through_sheets(book, ctx.look_through, lambda section: _title(book, ctx, section))
    _jcurve(book, ctx)
    _forecast(book, ctx)
    _top_holdings(book, ctx)
    _grants(book, ctx)
    _movements(book, ctx)
    _pme(book, ctx)
    book.wb.close()
    return path

"""Every LP report of the demo book: none holds another investor's name, id or amounts."""

from __future__ import annotations

from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest
from report_kit import check_board_figures, other_investor_leaks, redacted, shown_figures

from fundbook.close.closing import close_period
from fundbook.demo import DEMO_LEDGER
from fundbook.report.board import build_board_context
from fundbook.report.formatting import figure as shown
from fundbook.report.lp import lp_pairs
from fundbook.report.names import grant_stem, lp_stem
from fundbook.report.render import board_report, load, lp_reports

# Words of fundbook's inside that an LP or a board member reading a report has no use for.
JARGON = ("snapshot", "fundbook audit", "docs/methods.md", "booked rows")
METHODS_NOTE = (
    "The figures are those of the locked close of the quarter, identified by its close hash "
    "above; the fund's administrator and its auditor can reproduce every figure from the fund's "
    "ledger.",
    '<a href="methods.md">Methods</a>',
)


def reader_words(html: str) -> list[str]:
    """What is wrong with a closed report's wording: jargon it holds, methods lines it lacks."""
    lower = html.lower()
    jargon = [f"holds {word!r}" for word in JARGON if word in lower]
    return jargon + [f"lacks {line!r}" for line in METHODS_NOTE if line not in html]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory):
    if not (DEMO_LEDGER / "funds.csv").is_file():
        pytest.skip("the demo ledger is not in this checkout")
    db = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    close_period(db, "2026-09", ledger_dir=str(DEMO_LEDGER))  # the first close: all history
    return db, load(db, "2026Q3")


def test_every_demo_lp_report_holds_only_its_own_investor(demo, tmp_path: Path):
    _, demo = demo
    pairs = lp_pairs(demo)
    assert len(pairs) >= 40
    result = lp_reports(demo, tmp_path / "all")
    assert len(result.html) == len(pairs)
    for (fund_id, investor_id), html in zip(pairs, result.html, strict=True):
        # a grant programme's report is named as one (grant-...), an LP report lp-...
        stem = grant_stem if fund_id == "mplus" else lp_stem
        assert html.stem == stem("2026Q3", fund_id, investor_id)
        assert other_investor_leaks(demo, html, fund_id, investor_id) == [], html.name
        alone = lp_reports(
            redacted(demo, investor_id, fund_id),
            tmp_path / "alone" / html.stem,
            fund_id=fund_id,
            investor_id=investor_id,
        )
        assert alone.html[0].read_bytes() == html.read_bytes(), html.name
        assert reader_words(html.read_text(encoding="utf-8")) == [], html.name


def test_every_demo_board_figure_equals_the_metrics_figure(demo, tmp_path: Path):
    db, demo = demo
    ctx = build_board_context(demo)
    checked = check_board_figures(db, ctx, demo.period_end)
    assert set(checked) >= {
        "fund",
        "theme",
        "theme_look_through",
        "programme",
        "compliance",
        "look_through_company",
        "look_through_nav",
    }
    html = board_report(demo, tmp_path).html[0].read_text(encoding="utf-8")
    assert reader_words(html) == []
    for fig in shown_figures(ctx):
        assert shown(fig) in html, fig
    # sf-semis is in USD: the programme's paid-in at historical rates and its FX translation
    assert [f.source.field for _, f in ctx.paid_in_fx] == [
        "paid_in_historical",
        "paid_in_fx_translation",
    ]
    assert all(label in html for label, _ in ctx.paid_in_fx)


class _Tables(HTMLParser):
    """The tables of a rendered report: per table its class, and its rows as (class, cells)."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[tuple[str, list[tuple[str, list[str]]]]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        cls = dict(attrs).get("class") or ""
        if tag == "table":
            self.tables.append((cls, []))
        elif tag == "tr" and self.tables:
            self.tables[-1][1].append((cls, []))
        elif tag in ("td", "th") and self.tables and self.tables[-1][1]:
            self._cell = []

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][1][-1][1].append("".join(self._cell).strip())
            self._cell = None


def _shown_number(text: str) -> Decimal:
    """A rendered amount ("1,234.5", "(12.0)") as a Decimal."""
    negative = text.startswith("(")
    value = Decimal(text.strip("()").replace(",", ""))
    return -value if negative else value


SUMMED = ("Committed", "Government", "Social capital", "Paid-in")


def test_the_board_tables_add_up_row_by_row_to_their_totals(demo, tmp_path: Path):
    """Sum the rendered figures of each table with a total row: the rows above the total add up
    to it in every money column (to the rounding of the figures shown: 0.05m a row). The
    guidance fund's direct co-investments are a row of their own, below the total and not in
    it; a separate scheme (ITVF) is nowhere in the guidance fund's board."""
    _, demo = demo
    html = board_report(demo, tmp_path).html[0].read_text(encoding="utf-8")
    parser = _Tables()
    parser.feed(html)
    with_total = [
        rows
        for cls, rows in parser.tables
        if cls == "leverage" and any(c == "total" for c, _ in rows)
    ]
    assert len(with_total) == 2  # the commitment and paid-in bases
    for rows in with_total:
        header = rows[0][1]
        at = next(i for i, (c, _) in enumerate(rows) if c == "total")
        body, total = [cells for _, cells in rows[1:at]], rows[at][1]
        assert len(body) == 8 and total[0] == "Programme (all sub-funds)"
        assert "Ccy" not in header  # every row in HK$ (sf-semis converted): stated in the title
        columns = [i for i, name in enumerate(header) if name in SUMMED]
        assert len(columns) == 3
        for i in columns:
            added = sum((_shown_number(cells[i]) for cells in body), Decimal(0))
            shown = _shown_number(total[i])
            assert abs(added - shown) <= Decimal("0.05") * len(body), (header[i], added, shown)
        below = [cells for _, cells in rows[at + 1 :]]
        assert below[0][0].startswith("Direct co-investments of the guidance fund")
    assert "ITVF" not in html
    # the target cell is short ("behind", its reason in a note under the table: the long cell
    # ran past the page's right margin), and each basis's table is kept on one page
    target = [cells[-1] for _, cells in with_total[0]]
    # (with its symbol: the status is never told by colour alone)
    assert "! behind*" in target and max(len(t) for t in target) <= len("! behind*")
    assert "<sup>*</sup> Behind: the programme's HK$40bn is not yet raised" in html
    for basis in ("Commitment", "Paid-in"):
        assert f'<div class="keep">\n<h3>{basis} basis (HK$ million)</h3>' in html, basis
    _look_through_tables_add_up(dict(parser.tables))
    tables = dict(parser.tables)
    # the themes (the guidance fund's programme: its sub-funds and its direct co-investments,
    # no ITVF), the grants (HKD) and the costs borne in the sub-funds (one total per currency)
    assert _totals_add_up(tables["themes"], [1, 3]) == 1
    assert _totals_add_up(tables["grants"], [1, 2]) == 1
    assert _totals_add_up(tables["borne"], [2, 3, 4, 5, 6, 7, 8], by=1) == 2  # HKD and USD
    # every fund's direct holdings, ITVF's 515,399,109.23 in them, are no longer the total
    direct = next(cells for c, cells in tables["themes"] if c == "total")
    assert direct[1] != "5,449,733,782.36"


def _totals_add_up(rows: list[tuple[str, list[str]]], columns: list[int], by: int | None = None):
    """Each total row of a table equals, in `columns`, the sum of the rows above it (those of
    its own currency: column `by`), to the cent; cells without a number ("not modelled", a
    dash) add nothing. Returns how many total rows there are."""
    body = [cells for c, cells in rows[1:] if c not in ("total", "group")]
    totals = [cells for c, cells in rows if c == "total"]
    for total in totals:
        mine = [cells for cells in body if by is None or cells[by] == total[by]]
        assert mine, total
        for i in columns:
            added = sum((_shown_number(c[i]) for c in mine if _is_number(c[i])), Decimal(0))
            assert added == _shown_number(total[i]), (total[0], i, added, total[i])
    return len(totals)


def _is_number(text: str) -> bool:
    return bool(text) and text.strip("()").replace(",", "").replace(".", "").isdigit()


def _look_through_tables_add_up(tables: dict[str, list[tuple[str, list[str]]]]) -> None:
    """The look-through: the themes add up to the companies' total (to the cent), each theme's
    companies to its total, and a company's direct and through-the-sub-funds to its combined."""
    themes = tables["look-through-themes"]
    at = next(i for i, (c, _) in enumerate(themes) if c == "total")
    companies = themes[at][1]
    assert sum(_shown_number(cells[1]) for _, cells in themes[1:at]) == _shown_number(companies[1])
    # the reconciliation below: the companies and the other net assets add up to the NAV
    rest = [cells for _, cells in themes[at + 1 :]]
    assert rest[-1][0] == "Net asset value"
    assert sum(_shown_number(cells[1]) for cells in [companies, *rest[:-1]]) == _shown_number(
        rest[-1][1]
    )
    theme_totals, current = {}, Decimal(0)
    for c, cells in tables["look-through-companies"][1:]:
        if c == "group":
            current = Decimal(0)
        elif c == "total":
            assert current == _shown_number(cells[3]), cells[0]
            theme_totals[cells[0].removeprefix("Total ")] = current
        else:
            direct, through, combined = (_shown_number(x) for x in cells[1:4])
            assert direct + through == combined, cells[0]
            current += combined
    assert sum(theme_totals.values()) == _shown_number(companies[1])


def test_a_sub_fund_held_from_its_gp_is_named_outside_the_programme_totals(demo, tmp_path: Path):
    _, demo = demo
    ctx = build_board_context(demo)
    assert ctx.not_counted == ["Cyberport Digital Ventures Fund, L.P."]
    assert all(r.name != ctx.not_counted[0] for r in ctx.leverage)
    # no fund-level figures of its own in the book: not a row of 0.00 in the fund tables
    assert all(m.fund != ctx.not_counted[0] for m in ctx.movements)
    assert len(ctx.movements) == 9  # the guidance fund and its 8 sub-funds with their ledgers
    html = board_report(demo, tmp_path).html[0].read_text(encoding="utf-8")
    assert "Not in these totals: Cyberport Digital Ventures Fund, L.P." in html


def test_a_sub_fund_valued_from_its_gp_shows_the_statement_and_its_lag(demo, tmp_path: Path):
    _, demo = demo
    result = lp_reports(demo, tmp_path, fund_id="itif", investor_id="gov-hksar")
    html = result.html[0].read_text(encoding="utf-8")
    row = next(r for r in html.split("<tr>") if "Cyberport Digital Ventures Fund" in r)
    assert "30 Jun 2026" in row or "2026-06-30" in row, row
    assert "GP statement, 92 days before quarter end" in row
    assert "valued at the net asset value its GP last reported" in html
    other = lp_reports(demo, tmp_path / "sf", fund_id="sf-gba", investor_id="itif-lp")
    assert "GP statement," not in other.html[0].read_text(encoding="utf-8")


def test_every_demo_notice_of_the_quarter_names_only_its_partner(demo, tmp_path: Path):
    """The notices `fundbook demo` writes (2026Q3 of itif and sf-airobot): one per partner per
    call, and no other partner's name or id in any of them."""
    from fundbook.report.notices import render_notices

    db, source = demo
    for fund_id in ("itif", "sf-airobot"):
        result = render_notices(db, fund_id, tmp_path / fund_id, quarter="2026Q3")
        assert result.html, fund_id
        for html in result.html:
            investor_id = max(  # notice-<call>-<investor>: the longest id that ends the name
                (
                    i
                    for i in source.snapshot.level("investor")["investor_id"].unique()
                    if html.stem.endswith(f"-{i}")
                ),
                key=len,
            )
            assert other_investor_leaks(source, html, fund_id, investor_id) == [], html.name

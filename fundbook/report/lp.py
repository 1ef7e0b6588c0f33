"""The LP report context: ONE investor's rows of a snapshot plus its fund's aggregates."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

import polars as pl

from fundbook.core.types import STRATEGIC_THEMES
from fundbook.metrics.statement import NULL_WITHOUT_TERMS, ROLL_FORWARD
from fundbook.report.board_story import StoryRow, StoryTable
from fundbook.report.charts import Series, bar_chart
from fundbook.report.commentary import commentary_for
from fundbook.report.context import (
    CashFlowRow,
    CategoryRow,
    Figure,
    HoldingRow,
    LpContext,
    Party,
    PortfolioTotal,
    Source,
    StatementLine,
    ThemeRow,
)
from fundbook.report.equalisation import equalisation_notes
from fundbook.report.formatting import pct, theme_label
from fundbook.report.i18n import N_, Translate
from fundbook.report.look_through import look_through_view
from fundbook.report.source import (
    ReportSource,
    figure,
    level,
    name_of,
    negate,
    report_cover,
)
from fundbook.report.totals import sum_of

# ILPA lines: (column, label, block, total line). The capital lines are shown signed as they
# move NAV (metrics' ROLL_FORWARD), so that the column adds up; the others by SIGN_SHOWN.
STATEMENT = (
    ("beginning_nav", N_("Beginning NAV"), "capital", False),
    ("contributions", N_("Contributions"), "capital", False),
    ("distributions", N_("Distributions"), "capital", False),
    ("management_fees", N_("Management fees (gross of offsets)"), "capital", False),
    ("fee_offsets", N_("Management fee rebates and offsets"), "capital", False),
    ("partnership_expenses", N_("Partnership expenses"), "capital", False),
    ("income", N_("Interest and dividend income"), "capital", False),
    ("other_income_expense", N_("Other income / (expense)"), "capital", False),
    ("realised_gain", N_("Realised gain / (loss)"), "capital", False),
    ("unrealised_gain_change", N_("Change in unrealised gain / (loss)"), "capital", False),
    ("fx_translation", N_("FX translation"), "capital", False),
    ("carry_paid", N_("Incentive allocation paid"), "capital", False),
    ("carry_accrued_change", N_("Change in accrued incentive allocation"), "capital", False),
    ("ending_nav", N_("Ending NAV (net of accrued incentive allocation)"), "capital", True),
    ("carry_accrued_balance", N_("Accrued incentive allocation (balance)"), "carry", False),
    ("commitment", N_("Total commitment"), "commitment", False),
    ("beginning_unfunded", N_("Beginning unfunded commitment"), "commitment", False),
    ("unfunded_contributions", N_("Less contributions"), "commitment", False),
    ("recallable_distributions", N_("Plus recallable distributions"), "commitment", False),
    ("ending_unfunded", N_("Ending unfunded commitment"), "commitment", True),
)
SIGN_SHOWN = {**dict(ROLL_FORWARD), "unfunded_contributions": -1}
FEE_LINES = ("management_fees", "fee_offsets", "partnership_expenses")
BASES = ("QTD", "YTD", "ITD")
# The flows list names each row by its ledger type. The interest rows are the investor's:
# `equalisation_interest_received` is the fund receiving it, so the admitted partner paying it.
FLOW_LABELS = {
    "contribution": N_("Capital call"),
    "distribution": N_("Distribution"),
    "equalisation_contribution": N_("Equalisation catch-up contribution"),
    "equalisation_distribution": N_("Equalisation distribution (recallable)"),
    "equalisation_interest_received": N_("Equalisation interest paid by you (not capital)"),
    "equalisation_interest_paid": N_("Equalisation interest paid to you (not capital)"),
}
# A holding's `realisation` (metrics.levels), shown in the portfolio's Status column.
REALISATION_LABELS = (
    N_("unrealised"),
    N_("partially realised"),
    N_("realised"),
    N_("written off"),
)
ENDING_NAV = N_("Ending NAV")  # the line's label in a fund without carry terms
THEME_CHART_TITLE = N_("Share of the fund's fair value by theme")
THEME_CHART_SERIES = N_("Share of fair value")


def lp_pairs(
    source: ReportSource, fund_id: str | None = None, investor_id: str | None = None
) -> list[tuple[str, str]]:
    """(fund_id, investor_id) of every report to render, filtered by the options given."""
    frame = level(source.snapshot, "investor")
    if frame.height == 0:
        return []
    if fund_id is not None:
        frame = frame.filter(pl.col("fund_id") == fund_id)
    if investor_id is not None:
        frame = frame.filter(pl.col("investor_id") == investor_id)
    return sorted(frame.select("fund_id", "investor_id").unique().iter_rows())


def _statement_figs(
    source: ReportSource, fund_id: str, investor_id: str | None, column: str, sign: int
) -> tuple[Figure, Figure, Figure]:
    out = []
    for basis in BASES:
        row = source.statement_row(basis, fund_id, investor_id)
        value = row.get(column)
        keys = (("basis", basis), ("fund_id", fund_id), ("investor_id", investor_id))
        shown = negate(value) if sign < 0 else value
        kind = "not_modelled" if value is None and column in NULL_WITHOUT_TERMS else "money"
        out.append(Figure(shown, kind, Source("statement", keys, column)))
    return out[0], out[1], out[2]


def statement_lines(
    source: ReportSource, fund_id: str, investor_id: str, only: tuple[str, ...] | None = None
) -> list[StatementLine]:
    """The ILPA statement of the investor and of the fund, QTD/YTD/ITD, signed for display."""
    lines = []
    for column, label, block, total in STATEMENT:
        if only is not None and column not in only:
            continue
        sign = SIGN_SHOWN.get(column, 1)
        lines.append(
            StatementLine(
                label,
                column,
                _statement_figs(source, fund_id, investor_id, column, sign),
                _statement_figs(source, fund_id, None, column, sign),
                total,
                block,
            )
        )
    return lines


def holding_rows(source: ReportSource, fund_id: str, investor_id: str) -> list[HoldingRow]:
    """The fund's holdings by fair value (their rank), with the investor's look-through share."""
    names = source.names
    found = sorted(source.find("holding", fund_id=fund_id), key=lambda r: r["rank"])
    through = {
        r["holding_id"]: r
        for r in source.find("holding_look_through", fund_id=fund_id, investor_id=investor_id)
    }
    out = []
    for r in found:
        keys = {"fund_id": fund_id, "holding_id": r["holding_id"]}
        entity = names.get(r["holding_id"], {})
        out.append(
            HoldingRow(
                name=name_of(names, r["holding_id"]),
                theme=entity.get("theme") or "sub_fund",
                first_date=r.get("valuation_date"),
                cost=figure(r, "invested", "money", "holding", keys),
                fair_value=figure(r, "fair_value", "money", "holding", keys),
                moic=figure(r, "moic", "multiple", "holding", keys),
                status=str(r["realisation"]),
                look_through=figure(
                    through.get(r["holding_id"], {}),
                    "fair_value",
                    "money",
                    "holding_look_through",
                    {**keys, "investor_id": investor_id},
                ),
                realised_gain=figure(r, "realised_gain", "money", "holding", keys),
                gp_lag_days=r.get("lag_days") if r.get("valued_by") == "gp_statement" else None,
            )
        )
    return out


def portfolio_total(
    fund: dict[str, Any], fund_id: str, holdings: list[HoldingRow]
) -> PortfolioTotal:
    """The portfolio table's total row: the fund level's sums of its holdings (`invested`,
    `holdings_value`, `realised_gain`: the rows shown add up to them) and gross MOIC; the
    investor's look-through shares summed as shown (derived)."""
    keys: dict[str, str | None] = {"fund_id": fund_id}
    return PortfolioTotal(
        len(holdings),
        figure(fund, "invested", "money", "fund", keys),
        figure(fund, "holdings_value", "money", "fund", keys),
        figure(fund, "realised_gain", "money", "fund", keys),
        figure(fund, "gross_moic", "multiple", "fund", keys),
        sum_of((h.look_through for h in holdings), tuple(keys.items())),
    )


# The lines from the fund's holdings to its NAV (the fund level's figures): column, label,
# sign shown (NAV = holdings + cash + prepaid - accrued - interest payable - accrued carry).
NAV_LINES = (
    ("holdings_value", N_("Holdings at fair value (the total above)"), 1),
    ("cash", N_("Cash"), 1),
    ("prepaid", N_("Prepaid fees and expenses"), 1),
    ("accrued", N_("Accrued fees and expenses"), -1),
    ("interest_payable", N_("Equalisation interest payable to partners"), -1),
    ("accrued_carry", N_("Accrued carried interest (incentive allocation)"), -1),
)


def nav_reconciliation(fund: dict[str, Any], fund_id: str, currency: str) -> StoryTable:
    """The fund's holdings at fair value reconciled to its NAV, line by line from the fund
    level (accrued carry only for a fund with carry terms: null elsewhere, not 0.00)."""
    keys: dict[str, str | None] = {"fund_id": fund_id}
    rows = []
    for column, label, sign in NAV_LINES:
        if column == "accrued_carry" and fund.get(column) is None:
            continue
        value = fund.get(column)
        shown = {column: negate(value) if sign < 0 else value}  # a Decimal of the fund level
        rows.append(StoryRow(label, figure(shown, column, "money", "fund", keys)))
    return StoryTable(
        N_("The fund's holdings reconciled to its net asset value (the fund as a whole)"),
        currency,
        rows,
        N_("Net asset value of the fund"),
        figure(fund, "nav", "money", "fund", keys),
    )


def fund_theme_rows(source: ReportSource, fund_id: str, investor_id: str) -> list[ThemeRow]:
    """The fund's exposure per theme (the five themes first), with the investor's share."""
    found = {r["theme"]: r for r in source.find("theme_by_fund", fund_id=fund_id)}
    mine = {
        r["theme"]: r
        for r in source.find("theme_by_investor", fund_id=fund_id, investor_id=investor_id)
    }
    order = [*STRATEGIC_THEMES, *sorted(t for t in found if t not in STRATEGIC_THEMES)]
    out = []
    for theme in order:
        r = found.get(theme, {})
        keys = {"fund_id": fund_id, "theme": theme}
        if not r:  # a theme the fund holds nothing in
            zero = Source("derived", tuple(keys.items()), "no holdings")
            fv, fv_share = Figure(Decimal(0), "money", zero), Figure(0.0, "pct", zero)
            through = Figure(Decimal(0), "money", zero)
        else:
            fv = figure(r, "fair_value", "money", "theme_by_fund", keys)
            fv_share = figure(r, "share_of_fair_value", "pct", "theme_by_fund", keys)
            through = figure(
                mine.get(theme, {}),
                "fair_value",
                "money",
                "theme_by_investor",
                {**keys, "investor_id": investor_id},
            )
        out.append(ThemeRow(theme, theme_label(theme), fv, fv_share, through, fv_share))
    return out


def theme_chart(themes: list[ThemeRow], title: str, translate: Translate = str) -> Any:
    """Bar chart of the share of fair value per theme, its words in the report's language."""
    return bar_chart(
        title,
        [translate(t.label) for t in themes],
        [Series(THEME_CHART_SERIES, [_float(t.share.value) for t in themes])],
        lambda v: pct(v),
        gettext=translate,
    )


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def flow_rows(source: ReportSource, fund_id: str, investor_id: str) -> list[CashFlowRow]:
    """The investor's own capital calls and distributions in the quarter."""
    found = source.find("flow", fund_id=fund_id, investor_id=investor_id)
    found.sort(key=lambda r: (r["date"], r["txn_id"]))
    return [
        CashFlowRow(
            r["date"],
            FLOW_LABELS.get(r.get("type") or "", r.get("type") or ""),
            figure(
                r,
                "amount",
                "money",
                "flow",
                {"fund_id": fund_id, "investor_id": investor_id, "txn_id": r["txn_id"]},
            ),
            r.get("call_id"),
            r.get("call_notice_date"),
            r.get("type") or "",
        )
        for r in found
    ]


# How each expense category (core.types.EXPENSE_CATEGORIES) is named in a report.
CATEGORY_LABELS = {
    "organisation_offering": N_("Organisation and offering"),
    "legal": N_("Legal"),
    "audit_tax": N_("Audit and tax"),
    "administration": N_("Fund administration"),
    "custody": N_("Custody"),
    "insurance": N_("Insurance"),
    "broken_deal": N_("Broken-deal costs"),
    "placement": N_("Placement fees"),
    "travel": N_("Travel"),
    "technology": N_("Technology"),
    "regulatory": N_("Regulatory and compliance"),
    "interest": N_("Interest and facility costs"),
    "other": N_("Other"),
}


def category_rows(source: ReportSource, fund_id: str) -> list[CategoryRow]:
    """The fund's partnership expenses by category (`expense_by_category`), in list order."""
    order = list(CATEGORY_LABELS)
    found = source.find("expense_by_category", fund_id=fund_id)
    found.sort(key=lambda r: order.index(r["category"]) if r["category"] in order else len(order))
    out = []
    for r in found:
        keys = {"fund_id": fund_id, "category": r["category"]}
        qtd, ytd, itd = (
            figure(r, f"expenses_{p}", "money", "expense_by_category", keys)
            for p in ("qtd", "ytd", "itd")
        )
        out.append(
            CategoryRow(
                CATEGORY_LABELS.get(r["category"], r["category"]), r["category"], qtd, ytd, itd
            )
        )
    return out


def _performance(
    inv: dict[str, Any],
    fund: dict[str, Any],
    ikeys: dict[str, str | None],
    fkeys: dict[str, str | None],
) -> dict[str, Figure]:
    out = {
        name: figure(inv, name, kind, "investor", ikeys)
        for name, kind in (
            ("tvpi", "multiple"),
            ("dpi", "multiple"),
            ("rvpi", "multiple"),
            ("net_irr", "pct"),
            ("irr_nm_months", "count"),
        )
    }
    for name, kind in (
        ("tvpi", "multiple"),
        ("dpi", "multiple"),
        ("rvpi", "multiple"),
        ("net_irr", "pct"),
        ("gross_irr", "pct"),
    ):
        out[f"fund_{name}"] = figure(fund, name, kind, "fund", fkeys)
    return out


def _summary(inv: dict[str, Any], ikeys: dict[str, str | None]) -> dict[str, Figure]:
    out = {
        name: figure(inv, name, "money", "investor", ikeys)
        for name in ("committed", "paid_in", "unfunded", "distributed", "nav")
    }
    out["called"] = figure(inv, "pic_multiple", "pct", "investor", ikeys)
    return out


def lp_statement(source: ReportSource, fund_id: str, investor_id: str) -> list[StatementLine]:
    """The capital account statement of an LP report (and of `fundbook statement`): every
    ILPA line, the ending NAV called net of accrued carry only when the fund has carry terms."""
    statement = statement_lines(source, fund_id, investor_id)
    terms = next(iter(source.find("fund_info", fund_id=fund_id)), {})
    if carry_terms_text(terms):
        return statement
    return [  # no carry terms: the NAV is not net of anything
        replace(line, label=ENDING_NAV) if line.key == "ending_nav" else line for line in statement
    ]


def build_lp_context(
    source: ReportSource, fund_id: str, investor_id: str, translate: Translate = str
) -> LpContext:
    """The context of one LP report. Reads only this investor's rows and fund-level figures;
    `translate` puts the words drawn in Python (chart, carry terms) in the report's language."""
    names = source.names
    ikeys: dict[str, str | None] = {"fund_id": fund_id, "investor_id": investor_id}
    fkeys: dict[str, str | None] = {"fund_id": fund_id}
    inv = next(iter(source.find("investor", fund_id=fund_id, investor_id=investor_id)), {})
    fund = next(iter(source.find("fund", fund_id=fund_id)), {})
    holdings = holding_rows(source, fund_id, investor_id)
    themes = fund_theme_rows(source, fund_id, investor_id)
    fund_entity = names.get(fund_id, {})
    currency = str(fund_entity.get("currency") or "")
    info = report_cover(source)
    statement = lp_statement(source, fund_id, investor_id)
    flows = flow_rows(source, fund_id, investor_id)
    terms = next(iter(source.find("fund_info", fund_id=fund_id)), {})
    rate = figure(terms, "equalisation_rate", "rate", "fund_info", fkeys)
    carry = carry_terms_text(terms, translate)
    return LpContext(
        close=info,
        fund=Party(fund_id, name_of(names, fund_id), str(fund_entity.get("kind") or ""), currency),
        investor=Party(
            investor_id,
            name_of(names, investor_id),
            str(names.get(investor_id, {}).get("kind") or ""),
            currency,
        ),
        summary=_summary(inv, ikeys),
        statement=statement,
        performance=_performance(inv, fund, ikeys, fkeys),
        flows=flows,
        holdings=holdings,
        themes=themes,
        theme_chart=theme_chart(themes, THEME_CHART_TITLE, translate),
        fees=statement_lines(source, fund_id, investor_id, FEE_LINES),
        share_of_fund=figure(inv, "commitment_share", "pct", "investor", ikeys),
        expense_categories=category_rows(source, fund_id),
        equalisation=equalisation_notes(flows, statement, rate),
        carry_terms=carry,
        look_through=look_through_view(source, fund_id),
        commentary=commentary_for(source.commentary, source.lang),
        portfolio_total=portfolio_total(fund, fund_id, holdings),
        nav_reconciliation=nav_reconciliation(fund, fund_id, currency),
    )


WATERFALLS = {
    "european": N_("European (whole-fund)"),
    "american": N_("American (deal-by-deal)"),
}
CARRY_TERMS = N_(
    "%(carry)s of the profit above a hurdle of %(hurdle)s a year (compounded yearly), "
    "%(catch_up)s, %(waterfall)s waterfall"
)
CATCH_UP = N_("%(catch_up)s catch-up")
NO_CATCH_UP = N_("no catch-up")


def carry_terms_text(terms: dict[str, Any], translate: Translate = str) -> str:
    """The fund's carry terms as its fund_info row books them, in words ("" without any):
    "20.00 % of the profit above a hurdle of 8.00 % a year (compounded yearly), 100.00 %
    catch-up, European (whole-fund) waterfall"."""
    if terms.get("carry_pct") is None:
        return ""

    def pct(column: str) -> str:
        return f"{float(terms.get(column) or 0) * 100:.2f} %"

    waterfall = str(terms.get("waterfall"))
    catch_up = (
        translate(CATCH_UP) % {"catch_up": pct("catch_up_pct")}
        if terms.get("catch_up_pct")
        else translate(NO_CATCH_UP)
    )
    return translate(CARRY_TERMS) % {
        "carry": pct("carry_pct"),
        "hurdle": pct("hurdle_rate"),
        "catch_up": catch_up,
        "waterfall": translate(WATERFALLS[waterfall]) if waterfall in WATERFALLS else waterfall,
    }

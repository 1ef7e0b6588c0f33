"""A guidance fund's view of its sub-funds: look-through by theme and company, costs borne."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from fundbook.core.types import STRATEGIC_THEMES
from fundbook.metrics.statement import NULL_WITHOUT_TERMS
from fundbook.report.context import Figure, Source
from fundbook.report.formatting import theme_label
from fundbook.report.i18n import N_
from fundbook.report.source import ReportSource, figure, name_of
from fundbook.report.totals import SUM_OF_ROWS, sum_of


@dataclass(frozen=True)
class CompanyRow:
    """A company as the guidance fund sees it: held directly, through the sub-funds, both."""

    name: str
    direct: Figure
    through: Figure
    fair_value: Figure
    share_of_nav: Figure


@dataclass(frozen=True)
class ThemeGroup:
    """A theme of the look-through: its fair value (the sum of its companies), its share of
    the look-through holdings, and its companies (by name)."""

    theme: str
    label: str
    fair_value: Figure
    share: Figure
    companies: list[CompanyRow]


@dataclass(frozen=True)
class CostRow:
    """What the guidance fund bears inside one sub-fund: its own capital account's lines of
    the sub-fund's statement, in the sub-fund's currency; or, for a sub-fund valued from its
    GP's statement (`basis` names it), the costs that statement reports, in the guidance
    fund's currency (the holding level's `gp_fees_itd`, `gp_carry_accrued`)."""

    fund: str
    currency: str
    management_fees: tuple[Figure, Figure]  # QTD, ITD
    fee_offsets: Figure  # ITD
    partnership_expenses: tuple[Figure, Figure]  # QTD, ITD
    carry_paid: Figure  # ITD
    carry_accrued_balance: Figure  # at the quarter end
    basis: str = ""  # "per the GP statement of <date>"; "" from the sub-fund's own statement
    basis_date: date | None = None  # the date of that GP statement (the report words it)

    @property
    def figures(self) -> tuple[Figure, ...]:
        """Its figures in the order of the table's columns."""
        return (
            *self.management_fees,
            self.fee_offsets,
            *self.partnership_expenses,
            self.carry_paid,
            self.carry_accrued_balance,
        )


@dataclass(frozen=True)
class CostTotal:
    """The total of the costs borne in the sub-funds of one currency: each column's rows of
    that currency summed (a row "not modelled" adds nothing to its column)."""

    currency: str
    funds: int
    management_fees: tuple[Figure, Figure]  # QTD, ITD
    fee_offsets: Figure
    partnership_expenses: tuple[Figure, Figure]  # QTD, ITD
    carry_paid: Figure
    carry_accrued_balance: Figure


@dataclass(frozen=True)
class LookThrough:
    """The guidance fund's look-through (`look_through_company`, `look_through_nav`,
    `theme_look_through`) and the costs it bears in its sub-funds (their statements)."""

    fund: str
    currency: str
    themes: list[ThemeGroup]
    # (label, Figure): the companies, the sub-funds' other net assets, its own, and the NAV
    reconciliation: list[tuple[str, Figure]]
    costs: list[CostRow]
    # one total row per currency of the sub-funds (never HKD and USD added together)
    cost_totals: list[CostTotal]

    @property
    def not_modelled(self) -> bool:
        """Whether a cost is shown "not modelled" (the sub-fund's terms give none)."""
        return any(f.kind == "not_modelled" for c in self.costs for f in c.figures)

    @property
    def not_reported(self) -> bool:
        """Whether a cost is shown "not reported" (the GP statement gives none)."""
        return any(f.kind == "not_reported" for c in self.costs for f in c.figures)


RECONCILIATION = (
    ("holdings_fair_value", N_("Companies, held directly and through the sub-funds (the themes)")),
    (
        "sub_fund_net_assets",
        N_("Cash and other net assets inside the sub-funds (net of accrued carried interest)"),
    ),
    ("own_net_assets", N_("The fund's own cash and other net assets")),
    ("nav", N_("Net asset value")),
)


def look_through_view(source: ReportSource, fund_id: str) -> LookThrough | None:
    """The look-through of `fund_id` (a guidance fund), None for any other fund."""
    nav = next(iter(source.find("look_through_nav", fund_id=fund_id)), None)
    if nav is None:
        return None
    keys = {"fund_id": fund_id}
    lines = [
        (label, figure(nav, column, "money", "look_through_nav", keys))
        for column, label in RECONCILIATION
    ]
    costs = cost_rows(source, fund_id)
    return LookThrough(
        name_of(source.names, fund_id),
        str(nav.get("currency") or ""),
        _themes(source, fund_id),
        lines,
        costs,
        cost_totals(fund_id, costs),
    )


def cost_totals(fund_id: str, costs: list[CostRow]) -> list[CostTotal]:
    """Per currency of the sub-funds (in name order), the sum of each cost column's rows."""
    return [_cost_total(fund_id, c, costs) for c in sorted({c.currency for c in costs})]


def _cost_total(fund_id: str, currency: str, costs: list[CostRow]) -> CostTotal:
    rows = [c for c in costs if c.currency == currency]
    keys = (("fund_id", fund_id), ("currency", currency))

    def total(column: str, at: int | None = None) -> Figure:
        figs = [f if at is None else f[at] for f in (getattr(c, column) for c in rows)]
        missing = [f.kind for f in figs if f.value is None]
        if len(missing) == len(figs):  # nothing to add: not modelled (or reported) either
            kind = "not_reported" if set(missing) == {"not_reported"} else "not_modelled"
            return Figure(None, kind, Source("derived", keys, SUM_OF_ROWS))
        return sum_of(figs, keys)

    return CostTotal(
        currency,
        len(rows),
        (total("management_fees", 0), total("management_fees", 1)),
        total("fee_offsets"),
        (total("partnership_expenses", 0), total("partnership_expenses", 1)),
        total("carry_paid"),
        total("carry_accrued_balance"),
    )


def _themes(source: ReportSource, fund_id: str) -> list[ThemeGroup]:
    """The five themes first (zero when none is held), then the others; each with its
    companies by name."""
    found = {r["theme"]: r for r in source.find("theme_look_through", fund_id=fund_id)}
    companies: dict[str, list[dict[str, Any]]] = {}
    for c in source.find("look_through_company", fund_id=fund_id):
        companies.setdefault(c["theme"], []).append(c)
    order = [*STRATEGIC_THEMES, *sorted(t for t in found if t not in STRATEGIC_THEMES)]
    out = []
    for theme in order:
        keys = {"fund_id": fund_id, "theme": theme}
        r = found.get(theme)
        if r is None:  # a theme it holds nothing in
            zero = Source("derived", tuple(keys.items()), "no holdings")
            value, share = Figure(Decimal(0), "money", zero), Figure(0.0, "pct", zero)
        else:
            value = figure(r, "fair_value", "money", "theme_look_through", keys)
            share = figure(r, "share_of_fair_value", "pct", "theme_look_through", keys)
        rows = sorted(
            (_company(source, fund_id, c) for c in companies.get(theme, [])),
            key=lambda c: c.name,
        )
        out.append(ThemeGroup(theme, theme_label(theme), value, share, rows))
    return out


def _company(source: ReportSource, fund_id: str, r: dict[str, Any]) -> CompanyRow:
    keys = {"fund_id": fund_id, "company_id": r["company_id"]}

    def fig(column: str, kind: str = "money") -> Figure:
        return figure(r, column, kind, "look_through_company", keys)

    return CompanyRow(
        name_of(source.names, r["company_id"]),
        fig("direct_fair_value"),
        fig("through_fair_value"),
        fig("fair_value"),
        fig("share_of_nav", "pct"),
    )


def cost_rows(source: ReportSource, fund_id: str) -> list[CostRow]:
    """Per sub-fund the guidance fund holds (by name): the management fees, offsets,
    partnership expenses and carry its capital account there bears (the sub-fund's statement
    of the fund's LP investor, QTD and ITD); for a sub-fund it has no capital account in and
    values from its GP's statement, the costs that statement reports (`_gp_cost_row`)."""
    lps = [
        r["investor_id"]
        for r in source.find("investor_info", lp_fund_id=fund_id)
        if r.get("investor_id")
    ]
    out, accounts = [], set()
    for lp in lps:
        for account in source.find("investor", investor_id=lp):
            sub = str(account["fund_id"])
            accounts.add(sub)
            out.append(_cost_row(source, sub, lp))
    for holding in source.find("holding", fund_id=fund_id):
        if holding["valued_by"] == "gp_statement" and holding["holding_id"] not in accounts:
            out.append(_gp_cost_row(source, holding))
    return sorted(out, key=lambda c: c.fund)


# What a GP statement does not report (gp_statements.csv has no such column).
_NOT_REPORTED = "not reported by the GP statement"


def _gp_cost_row(source: ReportSource, holding: dict[str, Any]) -> CostRow:
    """A sub-fund valued from its GP's statement: the management fees to date and the accrued
    carry that statement reports (the holding level's `gp_fees_itd`, `gp_carry_accrued`, in
    the holder's currency); the other lines "not reported"."""
    keys = {"fund_id": holding["fund_id"], "holding_id": holding["holding_id"]}

    def reported(column: str) -> Figure:
        kind = "money" if holding.get(column) is not None else "not_reported"
        return figure(holding, column, kind, "holding", keys)

    missing = Figure(None, "not_reported", Source("derived", tuple(keys.items()), _NOT_REPORTED))
    return CostRow(
        name_of(source.names, holding["holding_id"]),
        str(holding.get("currency") or ""),
        (missing, reported("gp_fees_itd")),
        missing,
        (missing, missing),
        missing,
        reported("gp_carry_accrued"),
        f"per the GP statement of {holding['valuation_date']}",
        holding.get("valuation_date"),
    )


def _cost_row(source: ReportSource, sub: str, lp: str) -> CostRow:
    def line(column: str, basis: str) -> Figure:
        value = source.statement_row(basis, sub, lp).get(column)
        keys = (("basis", basis), ("fund_id", sub), ("investor_id", lp))
        kind = "not_modelled" if value is None and column in NULL_WITHOUT_TERMS else "money"
        return Figure(value, kind, Source("statement", keys, column))

    def both(column: str) -> tuple[Figure, Figure]:
        return line(column, "QTD"), line(column, "ITD")

    return CostRow(
        name_of(source.names, sub),
        str(source.names.get(sub, {}).get("currency") or ""),
        both("management_fees"),
        line("fee_offsets", "ITD"),
        both("partnership_expenses"),
        line("carry_paid", "ITD"),
        line("carry_accrued_balance", "ITD"),
    )

"""Sections of the board report built from snapshot levels: findings, themes, J-curve, grants."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import polars as pl

from fundbook.close.periods import Period
from fundbook.core.types import STRATEGIC_THEMES, THEME_LABELS, THEMES
from fundbook.metrics.irr_policy import young_at
from fundbook.metrics.levels import MOVEMENT_FIGURES
from fundbook.report.context import (
    Figure,
    FundMovements,
    GrantRow,
    JCurvePoint,
    Movement,
    Source,
    ThemeRow,
    ThemeTotal,
    TopHolding,
)
from fundbook.report.i18n import N_
from fundbook.report.source import ReportSource, figure, level, name_of, one, rows
from fundbook.report.totals import sum_of


def _theme_figure(
    row: dict[str, Any], name: str, kind: str, lvl: str, keys: Mapping[str, str | None]
) -> Figure:
    """A theme's figure; zero when the book holds nothing in the theme (metrics has no row)."""
    if not row:
        zero: Decimal | float = Decimal(0) if kind == "money" else 0.0
        return Figure(zero, kind, Source("derived", tuple(keys.items()), "no holdings"))
    return figure(row, name, kind, lvl, keys)


def theme_rows(source: ReportSource, fund_id: str) -> list[ThemeRow]:
    """Exposure of the guidance fund's programme for the five themes (and other): direct, the
    companies held by the guidance fund and its sub-funds (level `theme`, the programme's
    rows: a separate scheme such as ITVF is not in them); look-through, the guidance fund's
    own exposure (`theme_look_through`)."""
    direct = level(source.snapshot, "theme").filter(pl.col("programme") == fund_id)
    # the guidance fund's own rows (a book with several has rows for each)
    through = level(source.snapshot, "theme_look_through").filter(pl.col("fund_id") == fund_id)
    out = []
    for theme in THEMES:
        d, t = one(direct, theme=theme), one(through, theme=theme)
        if theme not in STRATEGIC_THEMES and not d and not t:
            continue
        keys = {"programme": fund_id, "theme": theme}
        through_keys = {"fund_id": fund_id, "theme": theme}
        out.append(
            ThemeRow(
                theme,
                THEME_LABELS[theme],
                _theme_figure(d, "fair_value", "money", "theme", keys),
                _theme_figure(d, "share_of_fair_value", "pct", "theme", keys),
                _theme_figure(t, "fair_value", "money", "theme_look_through", through_keys),
                _theme_figure(t, "share_of_fair_value", "pct", "theme_look_through", through_keys),
            )
        )
    return out


def theme_total(source: ReportSource, fund_id: str, themes: list[ThemeRow]) -> ThemeTotal:
    """The total row of the theme table: the direct rows' sum, and the guidance fund's
    look-through companies (`look_through_nav.holdings_fair_value`, the sum of its themes)."""
    nav = one(level(source.snapshot, "look_through_nav"), fund_id=fund_id)
    keys = {"fund_id": fund_id}
    through = (
        figure(nav, "holdings_fair_value", "money", "look_through_nav", keys)
        if nav
        else sum_of((t.look_through_value for t in themes), tuple(keys.items()))
    )
    return ThemeTotal(sum_of((t.fair_value for t in themes), (("programme", fund_id),)), through)


def jcurve(source: ReportSource, fund_id: str) -> list[JCurvePoint]:
    """Contributions, distributions and cumulative net cash flow of a fund, every quarter
    (metrics gives every quarter from the fund's first flow, those without flows too)."""
    out: list[JCurvePoint] = []
    for r in rows(level(source.snapshot, "cash_flow"), fund_id=fund_id):
        keys = {"fund_id": fund_id, "quarter": r["quarter"]}
        out.append(
            JCurvePoint(
                r["quarter"],
                figure(r, "contributions", "mn", "cash_flow", keys),
                figure(r, "distributions", "mn", "cash_flow", keys),
                figure(r, "net_cash_flow", "mn", "cash_flow", keys),
                figure(r, "cumulative_net_cash_flow", "mn", "cash_flow", keys),
            )
        )
    return out


def top_holdings(source: ReportSource, fund_id: str, limit: int = 10) -> list[TopHolding]:
    """The guidance fund's largest holdings by fair value (their rank), with their shares and
    cumulative shares of its holdings' value."""
    names = source.names
    found = [
        r
        for r in rows(level(source.snapshot, "holding"), fund_id=fund_id)
        if r.get("fair_value") is not None and r["rank"] <= limit
    ]
    out = []
    for r in sorted(found, key=lambda r: r["rank"]):
        keys = {"fund_id": fund_id, "holding_id": r["holding_id"]}
        out.append(
            TopHolding(
                r["rank"],
                name_of(names, r["holding_id"]),
                str(names.get(r["holding_id"], {}).get("theme") or "sub_fund"),
                figure(r, "fair_value", "mn", "holding", keys),
                figure(r, "share_of_fair_value", "pct", "holding", keys),
                figure(r, "cumulative_share_of_fair_value", "pct", "holding", keys),
            )
        )
    return out


def top_total(top: list[TopHolding], fund_id: str) -> dict[str, Figure]:
    """The top holdings' total row: their fair values summed (derived, HK$ million as shown)
    and their share of the fund's holdings (the last row's cumulative share)."""
    if not top:
        return {}
    total = sum_of((h.fair_value for h in top), (("fund_id", fund_id),))
    return {
        "fair_value": Figure(total.value, "mn", total.source),
        "share": top[-1].cumulative_share,
    }


def recent_total(points: list[JCurvePoint], fund_id: str) -> dict[str, Figure]:
    """The J-curve table's total row: contributions, distributions and net of the quarters
    shown, each their sum (derived)."""
    keys = (("fund_id", fund_id), ("quarters", f"{points[0].quarter}-{points[-1].quarter}"))
    out = {}
    for name in ("contributions", "distributions", "net"):
        total = sum_of((getattr(p, name) for p in points), keys)
        out[name] = Figure(total.value, "mn", total.source)
    return out


def concentration(top: list[TopHolding], totals: dict[str, Figure]) -> dict[str, Figure]:
    """Shares of the largest 1, 5 and 10 holdings in the fund's holdings' value."""
    out = {}
    for n in (1, 5, 10):
        if len(top) >= n:
            out[f"top_{n}"] = top[n - 1].cumulative_share
    return out


def grant_rows(source: ReportSource) -> list[GrantRow]:
    """Each company's matching result: over the cap first, then short, pending, the rest;
    grants and matching in HKD (`grants_hkd`, `matching_hkd`: what the programme's totals
    add up, whatever the grant fund's currency)."""
    names = source.names
    out = []
    for r in level(source.snapshot, "grant").to_dicts():
        keys = {"fund_id": r.get("fund_id"), "company_id": r["company_id"]}
        flag = r.get("compliant")
        out.append(
            GrantRow(
                name_of(names, r.get("fund_id")),
                name_of(names, r["company_id"]),
                figure(r, "grants_hkd", "money", "grant", keys),
                figure(r, "matching_hkd", "money", "grant", keys),
                figure(r, "matching_ratio", "multiple", "grant", keys),
                flag,
                r.get("status"),
            )
        )
    order = {"over_cap": 0, "short": 1, "pending": 2}
    return sorted(out, key=lambda g: (order.get(g.status or "", 3), g.programme, g.company))


GRANT_SUMS = (
    "grants",
    "matching",
    "grant_companies",
    "companies_short",
    "companies_pending",
    "companies_over_cap",
)
# The formula of the matching ratio of several grant programmes (docs/reports.md).
MATCHING_OF_SUMS = "matching / grants, summed over the grant programmes"


def grant_totals(source: ReportSource) -> dict[str, Figure]:
    """Totals of every grant programme (the programme-level rows of kind programme): one
    programme's row as it stands; several programmes' money and counts summed, their matching
    ratio that of the sums (derived), no budget share (each programme has its own budget)."""
    found = [
        r
        for r in level(source.snapshot, "programme").to_dicts()
        if r.get("kind") == "programme" and r.get("grants") is not None
    ]
    kinds = dict.fromkeys(GRANT_SUMS, "count") | {"grants": "money", "matching": "money"}
    if len(found) == 1:
        r = found[0]
        keys: dict[str, str | None] = {"programme": r["programme"], "scope": r["scope"]}
        kinds |= {"matching_ratio": "multiple", "budget_used": "pct"}
        return {n: figure(r, n, k, "programme", keys) for n, k in kinds.items()}
    if not found:
        return {}
    every = (("programme", ", ".join(r["programme"] for r in found)),)
    out = {}
    for n, k in kinds.items():
        total = sum_of((figure(r, n, k, "programme", {}) for r in found), every)
        out[n] = Figure(total.value if k == "money" else int(total.value or 0), k, total.source)
    grants, matching = out["grants"].value, out["matching"].value
    ratio = float(matching) / float(grants) if grants else None  # type: ignore[arg-type]
    out["matching_ratio"] = Figure(ratio, "multiple", Source("derived", every, MATCHING_OF_SUMS))
    out["budget_used"] = Figure(None, "pct", Source("derived", every, "per programme"))
    return out


# How each of metrics' MOVEMENT_FIGURES is labelled and formatted.
MOVEMENT_LABELS = {
    "nav": (N_("NAV"), "mn"),
    "paid_in": (N_("Paid-in"), "mn"),
    "distributed": (N_("Distributions"), "mn"),
    "net_irr": (N_("Net IRR"), "pct"),
    "tvpi": (N_("TVPI"), "multiple"),
}


def _previous_flags(source: ReportSource, fund: dict[str, Any]) -> dict[str, bool | None]:
    """`previous_net_irr_nm` and `net_irr_change_nm`: the IRR policy's rule at the end of
    the quarter before (`irr_policy.young_at`, the fund's `irr_since` and months)."""
    before = Period.parse(source.snapshot.close.period).previous_quarter_end
    young = young_at(fund.get("irr_since"), before, fund.get("irr_nm_months"))
    return {"previous_net_irr_nm": young, "net_irr_change_nm": young or fund.get("net_irr_nm")}


def movements(source: ReportSource, fund_ids: list[str]) -> list[FundMovements]:
    """Quarter-on-quarter changes of the main figures of each fund (`fund_movement`)."""
    names = source.names
    moved, now = level(source.snapshot, "fund_movement"), level(source.snapshot, "fund")
    out = []
    for f in fund_ids:
        row, cur, keys = one(moved, fund_id=f), one(now, fund_id=f), {"fund_id": f}
        figs = {}
        # the IRR policy at the quarter before: an IRR n.m. then has no change to show
        row = {**row, **_previous_flags(source, cur)}
        for name in MOVEMENT_FIGURES:
            label, kind = MOVEMENT_LABELS[name]
            change = "pp" if kind == "pct" else kind
            figs[name] = Movement(
                name_of(names, f),
                label,
                figure(row, f"previous_{name}", kind, "fund_movement", keys),
                figure(cur, name, kind, "fund", keys),
                figure(row, f"{name}_change", change, "fund_movement", keys),
            )
        currency = str(names.get(f, {}).get("currency") or "")
        out.append(FundMovements(name_of(names, f), currency, figs))
    return out

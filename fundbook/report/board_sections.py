"""Sections of the board report built from snapshot levels: findings, themes, J-curve, grants."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import polars as pl

from fundbook.core.types import STRATEGIC_THEMES, THEME_LABELS, THEMES
from fundbook.report.context import (
    Figure,
    Finding,
    GrantRow,
    JCurvePoint,
    Movement,
    Source,
    ThemeRow,
    TopHolding,
)
from fundbook.report.source import ReportSource, entities, figure, level, name_of, one, rows

# Why each ITIF rule matters, shown beside its figure (DOMAIN.md, "Investment rules").
RULE_TEXT = {
    "size": "A sub-fund must reach at least HK$2bn in total commitments, government money "
    "included.",
    "government_share": "Government money may be at most 25% of the sub-fund's size, so that "
    "each HK$1 of it brings at least HK$3 of other money.",
    "government_amount": "The guidance fund commits at most HK$1bn to any one sub-fund.",
    "hk_nexus": "At least 50% of the sub-fund's size must be invested in Hong Kong companies or "
    "in companies with substantive key functions in Hong Kong.",
    "hk_production": "Investee companies must spend at least 25% of the sub-fund's size on "
    "production bases in Hong Kong; judged at the end of the investment period.",
    "themes": "Every investment must fall within the five strategic themes of the fund.",
}
VALUE_COLUMNS = ("value", "figure_value", "actual", "ratio")
THRESHOLD_COLUMNS = ("threshold", "limit", "minimum", "maximum")


def _rule_text(rule: str) -> str:
    for key, text in RULE_TEXT.items():
        if key in rule:
            return text
    return ""


def _first(row: dict[str, Any], names: tuple[str, ...]) -> str | None:
    return next((n for n in names if n in row), None)


def _kind_of(value: Any) -> str:
    return "money" if isinstance(value, Decimal) else "pct"


def _status(row: dict[str, Any]) -> str:
    status = row.get("status")
    if isinstance(status, str) and status:
        return status.replace("_", " ")
    passed = row.get("passed", row.get("pass"))
    return "n/a" if passed is None else ("pass" if passed else "fail")


def findings(source: ReportSource) -> list[Finding]:
    """Every rule of every sub-fund, failures first, each with its explanation."""
    names = entities(source.snapshot)
    out = []
    for r in level(source.snapshot, "compliance").to_dicts():
        keys = {"fund_id": r["fund_id"], "rule": r["rule"]}
        vcol, tcol = _first(r, VALUE_COLUMNS), _first(r, THRESHOLD_COLUMNS)
        value = figure(r, vcol, _kind_of(r.get(vcol)), "compliance", keys) if vcol else Figure(None)
        limit = figure(r, tcol, _kind_of(r.get(tcol)), "compliance", keys) if tcol else Figure(None)
        detail = r.get("detail") or r.get("message") or ""
        text = " ".join(t for t in (_rule_text(r["rule"]), str(detail)) if t)
        out.append(
            Finding(
                name_of(names, r["fund_id"]),
                str(r.get("label") or r["rule"]),
                value,
                limit,
                _status(r),
                text,
            )
        )
    order = {"fail": 0, "in progress": 1, "pass": 2}
    return sorted(out, key=lambda f: (order.get(f.status, 1), f.fund, f.rule))


def _theme_frame(source: ReportSource, name: str, fund_id: str) -> pl.DataFrame:
    frame = level(source.snapshot, name)
    if "fund_id" in frame.columns:
        mine = frame.filter(pl.col("fund_id") == fund_id)
        frame = mine if mine.height else frame.filter(pl.col("fund_id").is_null())
    return frame


def theme_rows(source: ReportSource, fund_id: str) -> list[ThemeRow]:
    """Direct and look-through exposure of the guidance fund for the five themes (and other)."""
    direct = _theme_frame(source, "theme", fund_id)
    through = _theme_frame(source, "theme_look_through", fund_id)
    out = []
    for theme in THEMES:
        d, t = one(direct, theme=theme), one(through, theme=theme)
        keys = {"theme": theme}
        if theme not in STRATEGIC_THEMES and not d and not t:
            continue
        out.append(
            ThemeRow(
                theme,
                THEME_LABELS[theme],
                figure(d, "fair_value", "money", "theme", keys),
                figure(d, "share_of_fair_value", "pct", "theme", keys),
                figure(t, "fair_value", "money", "theme_look_through", keys),
                figure(t, "share_of_fair_value", "pct", "theme_look_through", keys),
            )
        )
    return out


def jcurve(source: ReportSource, fund_id: str) -> list[JCurvePoint]:
    """Contributions, distributions and cumulative net cash flow of a fund per quarter."""
    found = rows(level(source.snapshot, "cash_flow"), fund_id=fund_id)
    found.sort(key=lambda r: r["quarter"])
    out = []
    for r in found:
        keys = {"fund_id": fund_id, "quarter": r["quarter"]}
        out.append(
            JCurvePoint(
                r["quarter"],
                figure(r, "contributions", "money", "cash_flow", keys),
                figure(r, "distributions", "money", "cash_flow", keys),
                figure(r, "net_cash_flow", "money", "cash_flow", keys),
                figure(r, "cumulative_net_cash_flow", "money", "cash_flow", keys),
            )
        )
    return out


def top_holdings(source: ReportSource, fund_id: str, limit: int = 10) -> list[TopHolding]:
    """The guidance fund's largest holdings by fair value, with shares of its holdings' value."""
    names = entities(source.snapshot)
    found = [
        r
        for r in rows(level(source.snapshot, "holding"), fund_id=fund_id)
        if r.get("fair_value") is not None
    ]
    total = sum((r["fair_value"] for r in found), Decimal(0))
    found.sort(key=lambda r: (-r["fair_value"], r["holding_id"]))
    out, running = [], Decimal(0)
    for rank, r in enumerate(found[:limit], 1):
        running += r["fair_value"]
        entity = names.get(r["holding_id"], {})
        share = float(r["fair_value"] / total) if total else None
        out.append(
            TopHolding(
                rank,
                name_of(names, r["holding_id"]),
                str(entity.get("theme") or ("sub-fund" if entity.get("kind") else "")),
                figure(
                    r,
                    "fair_value",
                    "money",
                    "holding",
                    {"fund_id": fund_id, "holding_id": r["holding_id"]},
                ),
                Figure(share, "pct", Source("derived", (("fund_id", fund_id),), "fv/total fv")),
                Figure(
                    float(running / total) if total else None,
                    "pct",
                    Source("derived", (("fund_id", fund_id),), "cumulative fv/total fv"),
                ),
            )
        )
    return out


def concentration(top: list[TopHolding], totals: dict[str, Figure]) -> dict[str, Figure]:
    """Shares of the largest 1, 5 and 10 holdings in the fund's holdings' value."""
    out = {}
    for n in (1, 5, 10):
        if len(top) >= n:
            out[f"top_{n}"] = top[n - 1].cumulative_share
    return out


def grant_rows(source: ReportSource) -> list[GrantRow]:
    """Each company's matching result, those short of the ratio first."""
    names = entities(source.snapshot)
    out = []
    for r in level(source.snapshot, "grant").to_dicts():
        keys = {"fund_id": r.get("fund_id"), "company_id": r["company_id"]}
        flag = r.get("compliant", r.get("meets_ratio"))
        out.append(
            GrantRow(
                name_of(names, r.get("fund_id")),
                name_of(names, r["company_id"]),
                figure(r, "grant", "money", "grant", keys),
                figure(r, "matching", "money", "grant", keys),
                figure(r, "matching_ratio", "multiple", "grant", keys),
                flag,
            )
        )
    return sorted(out, key=lambda g: (g.compliant is not False, g.programme, g.company))


def grant_totals(source: ReportSource) -> dict[str, Figure]:
    """Totals of the grant programme (the first programme-level row with grants)."""
    for r in level(source.snapshot, "programme").to_dicts():
        if r.get("grants") is not None:
            keys = {"programme": r["programme"]}
            return {
                n: figure(r, n, k, "programme", keys)
                for n, k in (
                    ("grants", "money"),
                    ("matching", "money"),
                    ("matching_ratio", "multiple"),
                    ("companies_short", "count"),
                )
            }
    return {}


MOVEMENT_FIGURES = (
    ("nav", "NAV", "money"),
    ("paid_in", "Paid-in", "money"),
    ("distributed", "Distributions", "money"),
    ("net_irr", "Net IRR", "pct"),
    ("tvpi", "TVPI", "multiple"),
)


def movements(source: ReportSource, fund_ids: list[str]) -> list[Movement]:
    """Quarter-on-quarter changes of the main fund figures."""
    names = entities(source.snapshot)
    now = level(source.snapshot, "fund")
    before = level(source.previous, "fund") if source.previous else pl.DataFrame()
    prev_end = source.previous.close.period_end if source.previous else None
    out = []
    for f in fund_ids:
        cur, old = one(now, fund_id=f), one(before, fund_id=f)
        for name, label, kind in MOVEMENT_FIGURES:
            a, b = cur.get(name), old.get(name)
            change = None if a is None or b is None else a - b
            out.append(
                Movement(
                    name_of(names, f),
                    label,
                    figure(old, name, kind, "fund", {"fund_id": f}, prev_end),
                    figure(cur, name, kind, "fund", {"fund_id": f}),
                    Figure(change, kind, Source("derived", (("fund_id", f),), f"Δ {name}")),
                )
            )
    return out

"""Mandate compliance for the board: each ITIF rule per sub-fund and programme, explained, and
the sub-fund rules as a matrix."""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from fundbook.metrics.compliance import STATUS_ORDER
from fundbook.report.context import ComplianceRow, Figure, Finding
from fundbook.report.formatting import money
from fundbook.report.i18n import N_
from fundbook.report.source import ReportSource, figure, level, name_of

# Each ITIF rule, in the order of the matrix: short label, label, why it matters (DOMAIN.md).
RULES: dict[str, tuple[str, str, str]] = {
    "size": (
        "Size",
        "Sub-fund size",
        "A sub-fund must reach at least HK$2bn in total commitments, government money included.",
    ),
    "government_share": (
        "Gov. share",
        "Government share of size",
        "Government money may be at most 25% of the sub-fund's size, so that "
        "each HK$1 of it brings at least HK$3 of other money.",
    ),
    "government_amount": (
        "Gov. amount",
        "Government commitment",
        "The guidance fund commits at most HK$1bn to any one sub-fund.",
    ),
    "hk_nexus_of_invested": (
        "HK nexus (cost)",
        "HK nexus, share of invested cost",
        "At least half of the money invested must go to Hong Kong "
        "companies or companies with substantive key functions in Hong "
        "Kong.",
    ),
    "hk_nexus_of_size": (
        "HK nexus (size)",
        "HK nexus, share of fund size",
        "By the end of the investment period, at least 50% of the sub-fund's "
        "size must be invested in companies with a Hong Kong nexus.",
    ),
    "hk_production": (
        "HK production",
        "HK production spend",
        "Investee companies must spend at least 25% of the sub-fund's size on "
        "production bases in Hong Kong; judged at the end of the investment "
        "period.",
    ),
    "themes": (
        "Outside themes",
        "Outside the five themes (share of invested cost)",
        "Every investment must fall within the five strategic themes of the fund.",
    ),
}
# The programme rules (a row per programme, not per sub-fund: listed, not in the matrix).
PROGRAMME_RULES: dict[str, tuple[str, str, str]] = {
    "programme_size": (
        "Programme size",
        "Programme size (all sub-funds)",
        "All sub-funds together must reach at least HK$40bn, government money included; "
        "progress is reported while they raise it, and the target is judged at the end of the "
        "guidance fund's investment period.",
    ),
    "government_cap": (
        "Gov. cap",
        "Government commitments to the programme",
        "The government commits at most HK$10bn to the programme (sub-funds and direct "
        "co-investments).",
    ),
    "strategic_investor": (
        "Strategic investors",
        "Strategic investors",
        "Each strategic investor commits at least HK$3bn across the sub-funds.",
    ),
    "grant_cap": (
        "Grant cap",
        "Grants per company",
        "A company receives at most HK$250,000 of grants over the matching-grant programme "
        "(a separate scheme).",
    ),
}
# Each rule's threshold in the unit of the figure the report shows for it (a ratio as a
# percentage, an amount in HK$ million), where the metrics state it in another unit.
THRESHOLDS: dict[str, str] = {
    "size": N_(">= 2,000.0 (HK$ million)"),
    "government_amount": N_("<= 1,000.0 (HK$ million)"),
    "themes": N_("0.0 % of invested cost"),
    "programme_size": N_(">= 100 % of HK$40bn"),
    "government_cap": N_("<= 100 % of HK$10bn"),
    "strategic_investor": N_(">= 100 % of HK$3bn each"),
    "grant_cap": N_("<= 100 % of HK$250,000 per company"),
}
_PLAIN_AMOUNT = re.compile(r"(?<![\d,.])\d{4,}\.\d{2}(?![\d])")


def _rule_value(row: dict[str, Any], keys: Mapping[str, str | None]) -> Figure:
    """A rule's figure: its ratio when it has one, else its amount."""
    if row.get("ratio") is not None:
        return figure(row, "ratio", "pct", "compliance", keys)
    return figure(row, "amount", "mn", "compliance", keys)


def readable(detail: str, names: dict[str, dict[str, Any]]) -> str:
    """The metrics' detail text with amounts grouped and company ids replaced by names."""
    text = _PLAIN_AMOUNT.sub(lambda m: money(Decimal(m.group(0))), detail)
    companies = {k: v["name"] for k, v in names.items() if "company_id" in v and v.get("name")}

    def name(match: re.Match[str]) -> str:
        return str(companies.get(match.group(0), match.group(0)))

    return re.sub(r"(?<![\w-])[A-Za-z0-9][\w-]*(?![\w-])", name, text) if companies else text


def findings(source: ReportSource) -> list[Finding]:
    """Every rule of every sub-fund, failures first, each with its explanation."""
    names = source.names
    out = []
    for r in level(source.snapshot, "compliance").to_dicts():
        keys: dict[str, str | None] = {"fund_id": r["fund_id"], "rule": r["rule"]}
        fallback = r["rule"].replace("_", " ").capitalize()
        _, label, why = {**RULES, **PROGRAMME_RULES}.get(r["rule"], (fallback, fallback, ""))
        detail = readable(str(r.get("detail") or ""), names).rstrip(".")
        detail = detail[:1].upper() + detail[1:]
        text = " ".join(t for t in (why, f"{detail}." if detail else "") if t)
        out.append(
            Finding(
                name_of(names, r["fund_id"]),
                label,
                _rule_value(r, keys),
                THRESHOLDS.get(r["rule"], str(r.get("threshold") or "")),
                str(r.get("status") or ""),
                text,
                r["rule"],
            )
        )
    return sorted(out, key=lambda f: (STATUS_ORDER.get(f.status, 1), f.fund, f.rule))


def programme_findings(found: list[Finding]) -> list[Finding]:
    """The findings of the programme rules (a row per programme), failures first."""
    return [f for f in found if f.code in PROGRAMME_RULES]


def matrix(found: list[Finding]) -> tuple[list[tuple[str, str]], list[ComplianceRow]]:
    """(label, threshold) of each sub-fund rule (the columns), and one row per sub-fund (the
    programme rules are findings of their programme, not cells of the matrix)."""
    found = [f for f in found if f.code not in PROGRAMME_RULES]
    codes = [c for c in RULES if any(f.code == c for f in found)]
    codes += sorted({f.code for f in found} - set(codes))
    by_fund: dict[str, dict[str, Finding]] = {}
    for f in found:
        by_fund.setdefault(f.fund, {})[f.code] = f
    rows = [
        ComplianceRow(fund, [cells.get(c) for c in codes])
        for fund, cells in sorted(by_fund.items())
    ]
    thresholds = {f.code: f.threshold for f in found}
    labels = [(RULES[c][0] if c in RULES else c, thresholds.get(c, "")) for c in codes]
    return labels, rows

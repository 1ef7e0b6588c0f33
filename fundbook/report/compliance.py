"""Mandate compliance for the board: each ITIF rule per sub-fund and programme, explained, and
the sub-fund rules as a matrix."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from fundbook.metrics.compliance import STATUS_ORDER
from fundbook.report.context import ComplianceRow, Figure, Finding
from fundbook.report.formatting import money
from fundbook.report.i18n import N_
from fundbook.report.source import ReportSource, figure, level, name_of
from fundbook.report.wording import ENGLISH, Wording

# Each ITIF rule, in the order of the matrix: short label, label, why it matters (DOMAIN.md).
RULES: dict[str, tuple[str, str, str]] = {
    "size": (
        N_("Size"),
        N_("Sub-fund size"),
        N_(
            "A sub-fund must reach at least HK$2bn in total commitments, government money included."
        ),
    ),
    "government_share": (
        N_("Gov. share"),
        N_("Government share of size"),
        N_(
            "Government money may be at most 25% of the sub-fund's size, so that "
            "each HK$1 of it brings at least HK$3 of other money."
        ),
    ),
    "government_amount": (
        N_("Gov. amount"),
        N_("Government commitment"),
        N_("The guidance fund commits at most HK$1bn to any one sub-fund."),
    ),
    "hk_nexus_of_invested": (
        N_("HK nexus (cost)"),
        N_("HK nexus, share of invested cost"),
        N_(
            "At least half of the money invested must go to Hong Kong "
            "companies or companies with substantive key functions in Hong "
            "Kong."
        ),
    ),
    "hk_nexus_of_size": (
        N_("HK nexus (size)"),
        N_("HK nexus, share of fund size"),
        N_(
            "By the end of the investment period, at least 50% of the sub-fund's "
            "size must be invested in companies with a Hong Kong nexus."
        ),
    ),
    "hk_production": (
        N_("HK production"),
        N_("HK production spend"),
        N_(
            "Investee companies must spend at least 25% of the sub-fund's size on "
            "production bases in Hong Kong; judged at the end of the investment "
            "period."
        ),
    ),
    "themes": (
        N_("Outside themes"),
        N_("Outside the five themes (share of invested cost)"),
        N_("Every investment must fall within the five strategic themes of the fund."),
    ),
}
# The programme rules (a row per programme, not per sub-fund: listed, not in the matrix).
PROGRAMME_RULES: dict[str, tuple[str, str, str]] = {
    "programme_size": (
        N_("Programme size"),
        N_("Programme size (all sub-funds)"),
        N_(
            "All sub-funds together must reach at least HK$40bn, government money included; "
            "progress is reported while they raise it, and the target is judged at the end of the "
            "guidance fund's investment period."
        ),
    ),
    "government_cap": (
        N_("Gov. cap"),
        N_("Government commitments to the programme"),
        N_(
            "The government commits at most HK$10bn to the programme (sub-funds and direct "
            "co-investments)."
        ),
    ),
    "strategic_investor": (
        N_("Strategic investors"),
        N_("Strategic investors"),
        N_("Each strategic investor commits at least HK$3bn across the sub-funds."),
    ),
    "grant_cap": (
        N_("Grant cap"),
        N_("Grants per company"),
        N_(
            "A company receives at most HK$250,000 of grants over the matching-grant programme "
            "(a separate scheme)."
        ),
    ),
}
# Each rule's threshold in the unit of the figure the report shows for it (a ratio as a
# percentage, an amount in HK$ million), where the metrics state it in another unit.
THRESHOLDS: dict[str, str] = {
    "size": N_(">= 2,000.0 (HK$ million)"),
    "government_amount": N_("<= 1,000.0 (HK$ million)"),
    "government_share": N_("<= 25% of size"),
    "hk_nexus_of_invested": N_(">= 50% of invested cost"),
    "hk_nexus_of_size": N_(">= 50% of size"),
    "hk_production": N_(">= 25% of size"),
    "themes": N_("0.0 % of invested cost"),
    "programme_size": N_(">= 100 % of HK$40bn"),
    "government_cap": N_("<= 100 % of HK$10bn"),
    "strategic_investor": N_(">= 100 % of HK$3bn each"),
    "grant_cap": N_("<= 100 % of HK$250,000 per company"),
}
_PLAIN_AMOUNT = re.compile(r"(?<![\d,.])\d{4,}\.\d{2}(?![\d])")
# The detail sentences of the metrics (metrics/compliance.py, programme_rules.py), each
# parsed into its figures and said again from the catalogue in the report's language; a
# detail none of them matches is shown as the metrics wrote it.
_AMOUNT = r"-?\d+\.\d{2}"
_DAY = r"\d{4}-\d{2}-\d{2}|not in the book"
_NUMBER = r"-?\d+(?:\.\d+)?"
_ITEMS = r"[^\s,]+ -?\d+\.\d{2} HKD(?:, [^\s,]+ -?\d+\.\d{2} HKD)*"
DETAILS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), message)
    for pattern, message in (
        (
            rf"HK-nexus cost (?P<nexus>{_AMOUNT}) of (?P<invested>{_AMOUNT}) HKD invested",
            N_("HK-nexus cost %(nexus)s of %(invested)s HKD invested."),
        ),
        (
            rf"judged at the end of the investment period \((?P<day>{_DAY})\); pace: "
            rf"(?P<expected>{_NUMBER}) % expected by now \((?P<elapsed>{_NUMBER}) % of the "
            r"period elapsed\)",
            N_(
                "Judged at the end of the investment period (%(day)s); pace: %(expected)s %% "
                "expected by now (%(elapsed)s %% of the period elapsed)."
            ),
        ),
        (
            rf"judged at the end of the investment period \((?P<day>{_DAY})\)",
            N_("Judged at the end of the investment period (%(day)s)."),
        ),
        (
            rf"(?P<raised>{_NUMBER}) % raised of the target; shortfall (?P<shortfall>{_AMOUNT}) "
            rf"HKD; judged at the end of the investment period \((?P<day>{_DAY})\)",
            N_(
                "%(raised)s %% raised of the target; shortfall %(shortfall)s HKD; judged at the "
                "end of the investment period (%(day)s)."
            ),
        ),
        (
            rf"government commitments: sub-funds (?P<sub_funds>{_AMOUNT}) \+ direct "
            rf"co-investments (?P<direct>{_AMOUNT}) HKD",
            N_(
                "Government commitments: sub-funds %(sub_funds)s + direct co-investments "
                "%(direct)s HKD."
            ),
        ),
        (r"no investor is flagged strategic", N_("No investor is flagged strategic.")),
        (
            r"no strategic investor has committed yet",
            N_("No strategic investor has committed yet."),
        ),
        (rf"below: (?P<items>{_ITEMS})", N_("Below: %(items)s.")),
        (rf"over the cap: (?P<items>{_ITEMS})", N_("Over the cap: %(items)s.")),
        (r"outside the five themes: (?P<names>.+)", N_("Outside the five themes: %(names)s.")),
    )
)
# One of a detail's items: an investor or company and its amount.
ITEM = N_("%(who)s %(amount)s HKD")
_ITEM = re.compile(r"([^\s,]+) (-?\d+\.\d{2}) HKD")
NOT_IN_THE_BOOK = N_("not in the book")
_DAY_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")


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


def _amount(text: str, words: Wording) -> str:
    """A plain amount of a detail ("-1234.50") grouped in the language ("-1,234.50")."""
    value = Decimal(text)
    return ("-" if value < 0 else "") + words.fmt("money", abs(value))


def _placeholder(name: str, text: str, names: dict[str, dict[str, Any]], words: Wording) -> str:
    if name == "day":
        if _DAY_ISO.fullmatch(text):
            return words.fmt("date", date.fromisoformat(text))
        return words.translate(NOT_IN_THE_BOOK)
    # the lists end the sentence, which ends in one full stop (a name may end in one)
    if name == "items":
        return ", ".join(
            words.say(ITEM, who=readable(who, names), amount=_amount(amount, words))
            for who, amount in _ITEM.findall(text)
        ).rstrip(".")
    if name == "names":
        return readable(text, names).rstrip(".")
    return _amount(text, words) if re.fullmatch(_AMOUNT, text) else text


def detail_text(detail: str, names: dict[str, dict[str, Any]], words: Wording = ENGLISH) -> str:
    """The metrics' detail of a rule as a sentence of the report's language: amounts grouped,
    company ids replaced by names (English: the metrics' text, capitalised, with a full stop)."""
    for pattern, message in DETAILS:
        if found := pattern.fullmatch(detail):
            values = {k: _placeholder(k, v, names, words) for k, v in found.groupdict().items()}
            return words.say(message, **values)
    text = readable(detail, names).rstrip(".")
    return f"{text[:1].upper()}{text[1:]}." if text else ""


def findings(source: ReportSource, words: Wording = ENGLISH) -> list[Finding]:
    """Every rule of every sub-fund, failures first, each with its explanation, in the
    language of `words`."""
    names = source.names
    out = []
    for r in level(source.snapshot, "compliance").to_dicts():
        keys: dict[str, str | None] = {"fund_id": r["fund_id"], "rule": r["rule"]}
        fallback = r["rule"].replace("_", " ").capitalize()
        _, label, why = {**RULES, **PROGRAMME_RULES}.get(r["rule"], (fallback, fallback, ""))
        detail = detail_text(str(r.get("detail") or ""), names, words)
        text = " ".join(t for t in (words.translate(why) if why else "", detail) if t)
        threshold = THRESHOLDS.get(r["rule"])
        out.append(
            Finding(
                name_of(names, r["fund_id"]),
                label,
                _rule_value(r, keys),
                words.translate(threshold) if threshold else str(r.get("threshold") or ""),
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

"""The grant programme report context: recipients, matching, shortfalls, the cap, budget."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from fundbook.core.types import GRANT_CAP_PER_COMPANY_HKD, GRANT_MATCHING_RATIO
from fundbook.report.context import Figure, GrantContext, GrantRecipientRow, Party, Source
from fundbook.report.source import ReportSource, figure, level, name_of, report_cover
from fundbook.report.totals import sum_of

# A grant programme's fund: its report is grant.html, not the LP report (render.lp_reports).
GRANT_KIND = "programme"
# The order recipients are listed in: breaches first, then what is still due.
STATUS_ORDER = {"over_cap": 0, "short": 1, "pending": 2, "ok": 3}
# The programme's figures the report shows (programme level) and how each is formatted.
TOTALS = (
    ("budget", "money"),
    ("grants", "money"),
    ("budget_used", "pct"),
    ("matching", "money"),
    ("matching_ratio", "multiple"),
    ("grant_companies", "count"),
    ("companies_pending", "count"),
    ("companies_short", "count"),
    ("companies_over_cap", "count"),
)


def is_grant_programme(source: ReportSource, fund_id: str) -> bool:
    """Whether `fund_id` is a grant programme (kind `programme`) paying grants."""
    kind = source.names.get(fund_id, {}).get("kind")
    return kind == GRANT_KIND and bool(source.find("grant", fund_id=fund_id))


def recipients(source: ReportSource, fund_id: str) -> list[GrantRecipientRow]:
    """Each company granted by the fund, breaches first, then by name."""
    names = source.names
    out = []
    for r in source.find("grant", fund_id=fund_id):
        keys = {"fund_id": fund_id, "company_id": r["company_id"]}
        out.append(
            GrantRecipientRow(
                company=name_of(names, r["company_id"]),
                company_id=r["company_id"],
                last_grant_date=r.get("last_grant_date"),
                grant=figure(r, "grants", "money", "grant", keys),
                matching=figure(r, "matching", "money", "grant", keys),
                ratio=figure(r, "matching_ratio", "multiple", "grant", keys),
                shortfall=figure(r, "shortfall", "money", "grant", keys),
                deadline=r.get("matching_deadline"),
                status=str(r.get("status")),
                grants_hkd=figure(r, "grants_hkd", "money", "grant", keys),
            )
        )
    return sorted(out, key=lambda g: (STATUS_ORDER.get(g.status, 9), g.company, g.company_id))


def _programme_row(source: ReportSource, fund_id: str) -> dict[str, Any]:
    """The programme-level row the fund's grants count in: its own (a scheme of its own: one
    scope), else its programme's row of the scope the fund is in (`programme_fund`)."""
    own = source.find("programme", programme=fund_id)
    if own:
        return own[0]
    programme = source.names.get(fund_id, {}).get("programme_id")
    if not programme:
        return {}
    mine = source.find("programme_fund", programme=programme, fund_id=fund_id)
    scope = mine[0].get("scope") if mine else None
    found = source.find("programme", programme=programme, scope=scope) if scope else []
    return found[0] if found else {}


def build_grant_context(source: ReportSource, fund_id: str, investor_id: str) -> GrantContext:
    """The context of a grant programme's report to its funder `investor_id`."""
    names = source.names
    entity = names.get(fund_id, {})
    currency = str(entity.get("currency") or "")
    row = _programme_row(source, fund_id)
    keys: dict[str, str | None] = {"programme": row.get("programme"), "scope": row.get("scope")}
    info = next(iter(source.find("fund_info", fund_id=fund_id)), {})
    months = info.get("matching_deadline_months")
    constant = Source("derived", (), "fundbook.core.types")
    rows = recipients(source, fund_id)
    return GrantContext(
        close=report_cover(source),
        programme=Party(fund_id, name_of(names, fund_id), str(entity.get("kind") or ""), currency),
        funder=Party(
            investor_id,
            name_of(names, investor_id),
            str(names.get(investor_id, {}).get("kind") or ""),
            currency,
        ),
        totals={n: figure(row, n, k, "programme", keys) for n, k in TOTALS},
        recipients=rows,
        recipient_totals={
            n: sum_of((getattr(r, n) for r in rows), (("fund_id", fund_id),))
            for n in ("grant", "matching")
        },
        deadline_months=None if months is None else int(months),
        required_ratio=Figure(GRANT_MATCHING_RATIO, "multiple", constant),
        cap_hkd=Figure(Decimal(GRANT_CAP_PER_COMPANY_HKD), "money", constant),
    )


def grant_funds(source: ReportSource) -> set[str]:
    """The funds of the quarter's snapshot whose report is the grant programme report."""
    funds = level(source.snapshot, "grant")
    if funds.height == 0:
        return set()
    return {f for f in funds["fund_id"].unique().to_list() if is_grant_programme(source, f)}

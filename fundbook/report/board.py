"""The board report context: programme totals, leverage, compliance, exposure, J-curve, grants."""

from __future__ import annotations

from typing import Any

from fundbook.core.types import (
    ITIF_TARGET_AMPLIFICATION,
    ITIF_TARGET_SOCIAL_LEVERAGE,
    REPORTING_CURRENCY,
)
from fundbook.metrics.irr_policy import DEFAULT_IRR_NM_MONTHS
from fundbook.report.board_fees import fee_breaches, fee_rows
from fundbook.report.board_sections import (
    concentration,
    grant_rows,
    grant_totals,
    jcurve,
    movements,
    theme_rows,
    theme_total,
    top_holdings,
)
from fundbook.report.charts import Series, bar_chart, jcurve_chart
from fundbook.report.commentary import commentary_for
from fundbook.report.compliance import findings, matrix, programme_findings
from fundbook.report.context import (
    BoardContext,
    Figure,
    JCurve,
    LeverageRow,
    Party,
    Source,
    ThemeRow,
)
from fundbook.report.formatting import millions, money, multiple, pct
from fundbook.report.look_through import look_through_view
from fundbook.report.source import (
    ReportSource,
    figure,
    level,
    name_of,
    one,
    report_cover,
    rows,
)

LEVERAGE_FIGURES = (
    ("committed", "mn"),
    ("government_committed", "mn"),
    ("social_committed", "mn"),
    ("amplification", "multiple"),
    ("social_leverage", "multiple"),
    ("paid_in", "mn"),
    ("government_paid_in", "mn"),
    ("social_paid_in", "mn"),
    ("paid_in_leverage", "multiple"),
)


def guidance_fund_id(source: ReportSource) -> str:
    """The fund of kind guidance_fund (the board's fund); the first fund when there is none."""
    names = source.names
    funds = [r["fund_id"] for r in level(source.snapshot, "fund").to_dicts()]
    guidance = [f for f in funds if names.get(f, {}).get("kind") == "guidance_fund"]
    return sorted(guidance or funds)[0]


def sub_funds(source: ReportSource, programme_id: str) -> list[str]:
    """The sub-funds of the guidance fund, by name."""
    names = source.names
    found = [
        f
        for f, e in names.items()
        if e.get("kind") == "sub_fund"
        and e.get("programme_id") in (programme_id, None)
        and "fund_id" in e
    ]
    return sorted(found, key=lambda f: name_of(names, f))


def _leverage_row(
    name: str, row: dict[str, Any], lvl: str, keys: dict[str, str | None], total: bool = False
) -> LeverageRow:
    figs = {n: figure(row, n, k, lvl, keys) for n, k in LEVERAGE_FIGURES}
    currency = str(row.get("currency") or "")
    return LeverageRow(
        name=name,
        meets_target=row.get("meets_target"),
        total=total,
        currency=currency,
        target_status=row.get("target_status"),
        **figs,
    )


# The board's rows of the guidance fund's programme: its scopes, never added together.
SUB_FUNDS_TOTAL = "Programme (all sub-funds)"
DIRECT_ROW = "Direct co-investments of the guidance fund (its money and co-investors')"


def programme_row(source: ReportSource, gf: str, scope: str = "sub_funds") -> dict[str, Any]:
    """The guidance fund's programme row of one scope (`metrics.programme_metrics`)."""
    return one(level(source.snapshot, "programme"), programme=gf, scope=scope)


def leverage_rows(source: ReportSource, gf: str) -> list[LeverageRow]:
    """One row per sub-fund (its part of the programme, in HKD: level programme_fund), the
    programme total of the sub-funds (their sum), and the guidance fund's direct
    co-investments as a row of their own (a separate scope, not added to the total)."""
    names = source.names
    parts = level(source.snapshot, "programme_fund")
    funds = level(source.snapshot, "fund")
    out = []
    for f in sub_funds(source, gf):
        keys: dict[str, str | None] = {"programme": gf, "scope": "sub_funds", "fund_id": f}
        row = one(parts, **keys)
        if row:  # whether the sub-fund meets the 4x: the fund level's flag
            row = {**row, "meets_target": one(funds, fund_id=f).get("meets_target")}
            out.append(_leverage_row(name_of(names, f), row, "programme_fund", keys))
    for scope, name, total in (("sub_funds", SUB_FUNDS_TOTAL, True), ("direct", DIRECT_ROW, False)):
        row = programme_row(source, gf, scope)
        if row and (total or row.get("committed")):
            keys = {"programme": gf, "scope": scope}
            out.append(_leverage_row(name, row, "programme", keys, total=total))
    return out


def counted_sub_funds(source: ReportSource, gf: str) -> list[str]:
    """The programme's sub-funds with a part in it (`programme_fund`): those whose ledger is
    in the book. The others are held from their GP's statements alone: they have no fund-level
    figures in the book (no commitment, NAV or paid-in of their own), so the board's fund tables
    leave them out and name them (`not_counted`), never showing them as 0.00."""
    parts = level(source.snapshot, "programme_fund")
    return [
        f for f in sub_funds(source, gf) if one(parts, programme=gf, scope="sub_funds", fund_id=f)
    ]


def not_counted(source: ReportSource, gf: str) -> list[str]:
    """The names of the programme's sub-funds without a part in it (`counted_sub_funds`): the
    programme's totals leave them out, and the board says so under the leverage table."""
    counted = set(counted_sub_funds(source, gf))
    return [name_of(source.names, f) for f in sub_funds(source, gf) if f not in counted]


def paid_in_fx(source: ReportSource, gf: str, lev: list[LeverageRow]) -> list[tuple[str, Figure]]:
    """The programme's paid-in at the rates of the calls' own dates and its FX translation
    (as-of less historical), when one of its sub-funds is not in HKD; none otherwise."""
    funds = level(source.snapshot, "fund")
    currencies = {one(funds, fund_id=f).get("currency") for f in sub_funds(source, gf)}
    if currencies <= {None, "", REPORTING_CURRENCY}:
        return []
    programme = programme_row(source, gf)
    if not programme:
        return []
    keys: dict[str, str | None] = {"programme": gf, "scope": "sub_funds"}
    return [
        (label, figure(programme, name, "mn", "programme", keys))
        for label, name in (
            ("Programme paid-in at historical rates", "paid_in_historical"),
            (
                "FX translation (paid-in at the as-of rate less historical)",
                "paid_in_fx_translation",
            ),
        )
    ]


def leverage_chart(rows_: list[LeverageRow]) -> Any:
    """Social capital per HK$1 of government money, commitment and paid-in basis, vs target
    (the sub-funds and their total: the direct co-investments have no such target)."""
    rows_ = [r for r in rows_ if r.name != DIRECT_ROW]
    return bar_chart(
        "Leverage of social capital by sub-fund",
        [r.name for r in rows_],
        [
            Series("Commitment basis", [_f(r.social_leverage.value) for r in rows_]),
            Series("Paid-in basis", [_f(r.paid_in_leverage.value) for r in rows_]),
        ],
        lambda v: multiple(v),
        target=ITIF_TARGET_SOCIAL_LEVERAGE,
        target_label=(
            f"Target {ITIF_TARGET_SOCIAL_LEVERAGE:.1f}x social "
            f"({ITIF_TARGET_AMPLIFICATION:g}x amplification)"
        ),
    )


def _f(value: Any) -> float | None:
    return None if value is None else float(value)


def totals(source: ReportSource, gf: str) -> dict[str, Figure]:
    """The guidance fund's own figures (what the government put in and what it is worth)."""
    row = one(level(source.snapshot, "fund"), fund_id=gf)
    keys: dict[str, str | None] = {"fund_id": gf}
    kinds = {
        "committed": "money",
        "paid_in": "money",
        "unfunded": "money",
        "distributed": "money",
        "nav": "money",
        "net_irr": "pct",
        "gross_irr": "pct",
        "tvpi": "multiple",
        "dpi": "multiple",
        "rvpi": "multiple",
    }
    return {n: figure(row, n, k, "fund", keys) for n, k in kinds.items()}


Card = tuple[str, Figure, str]


def _fund_cards(tot: dict[str, Figure], currency: str) -> list[Card]:
    return [
        (f"Guidance fund commitments ({currency})", _as(tot["committed"], "millions"), ""),
        (
            f"Paid-in ({currency})",
            _as(tot["paid_in"], "millions"),
            "Drawn from the government commitment",
        ),
        (f"Net asset value ({currency})", _as(tot["nav"], "millions"), ""),
        ("TVPI / DPI", tot["tvpi"], f"DPI {multiple(tot['dpi'].value)}"),
        ("Net IRR", tot["net_irr"], _irr_note(tot["net_irr"])),
    ]


def _irr_note(irr: Figure) -> str:
    """The card's note under the net IRR: n.m. says why (the IRR policy)."""
    if irr.kind == "nm":
        return "Not meaningful: the fund is too young for an annual rate (TVPI first)"
    return "Since inception, to the government"


def _programme_cards(programme: LeverageRow) -> list[Card]:
    status = {"watch": "behind the programme size target", "fail": "below target"}
    note = status.get(str(programme.target_status), "")
    return [
        (
            "Programme size (HKD)",
            _as(programme.committed, "millions"),
            "All sub-funds, government and social capital (direct co-investments apart)",
        ),
        (
            "Amplification (commitments)",
            programme.amplification,
            f"Target {ITIF_TARGET_AMPLIFICATION:.1f}x; social leverage "
            f"{multiple(programme.social_leverage.value)}" + (f"; {note}" if note else ""),
        ),
        (
            "Social leverage (paid-in)",
            programme.paid_in_leverage,
            "Social money paid in per HK$1 of government money",
        ),
    ]


def headline(
    tot: dict[str, Figure],
    lev: list[LeverageRow],
    fails: Figure,
    grants: dict[str, Figure],
    currency: str,
) -> list[Card]:
    """The first page: a dozen figures a board member reads first."""
    out = _fund_cards(tot, currency)
    programme = next((r for r in lev if r.total), None)
    if programme is not None:
        out += _programme_cards(programme)
    out.append(
        ("Mandate findings", fails, "Rules failed, sub-funds and programme (see Compliance)")
    )
    if grants:
        out.append(
            (
                "Grant matching ratio",
                grants["matching_ratio"],
                f"{millions(grants['grants'].value)} granted; target 2.0x",
            )
        )
    return out


def failed_rules(source: ReportSource) -> Figure:
    """How many rules failed across the sub-funds (`compliance_status`)."""
    keys: dict[str, str | None] = {"status": "fail"}
    row = one(level(source.snapshot, "compliance_status"), status="fail")
    return figure(row, "rules", "count", "compliance_status", keys)


def target(source: ReportSource, gf: str) -> Figure:
    """The amplification target of the programme (the ITIF rule when the book has none)."""
    row = programme_row(source, gf)
    if row.get("target_amplification") is not None:
        keys: dict[str, str | None] = {"programme": gf, "scope": "sub_funds"}
        return figure(row, "target_amplification", "multiple", "programme", keys)
    return Figure(ITIF_TARGET_AMPLIFICATION, "multiple", Source("constant", (), "ITIF rule"))


def _as(fig: Figure, kind: str) -> Figure:
    return Figure(fig.value, kind, fig.source)


def theme_chart(themes: list[ThemeRow]) -> Any:
    """Direct and look-through shares per theme."""
    through = [_f(t.look_through_share.value if t.look_through_share else None) for t in themes]
    return bar_chart(
        "Exposure by theme, direct and look-through",
        [t.label for t in themes],
        [Series("Direct", [_f(t.share.value) for t in themes]), Series("Look-through", through)],
        lambda v: pct(v),
    )


def _axis_format(values: list[float]) -> Any:
    """Axis labels in millions for large amounts, whole units for small books."""
    if max((abs(v) for v in values), default=0.0) >= 10_000_000:
        return lambda v: millions(v, 0)
    return lambda v: money(v, 0)


def jcurves(source: ReportSource, gf: str) -> list[JCurve]:
    """The J-curve of the guidance fund (a separate scheme such as ITVF is not the guidance
    fund's: its own report shows it)."""
    names = source.names
    points = jcurve(source, gf)
    if not points:
        return []
    net = [_f(p.net.value) or 0.0 for p in points]
    cumulative = [_f(p.cumulative.value) or 0.0 for p in points]
    chart = jcurve_chart(
        f"Cumulative net cash flow of {name_of(names, gf)}",
        [p.quarter for p in points],
        net,
        cumulative,
        _axis_format(net + cumulative),
    )
    currency = str(names.get(gf, {}).get("currency") or "")
    return [JCurve(name_of(names, gf), currency, points, chart, points[-8:])]


def build_board_context(source: ReportSource) -> BoardContext:
    """The context of the board report of the quarter."""
    names = source.names
    gf = guidance_fund_id(source)
    currency = str(names.get(gf, {}).get("currency") or "HKD")
    tot = totals(source, gf)
    lev = leverage_rows(source, gf)
    found = findings(source)
    rules, grid = matrix(found)
    themes = theme_rows(source, gf)
    grants = grant_totals(source)
    top = top_holdings(source, gf)
    cover = report_cover(source)
    fees = fee_rows(source, cover.quarter)
    return BoardContext(
        close=cover,
        guidance_fund=Party(gf, name_of(names, gf), "guidance_fund", currency),
        headline=headline(tot, lev, failed_rules(source), grants, currency),
        totals=tot,
        leverage=lev,
        paid_in_fx=paid_in_fx(source, gf, lev),
        leverage_chart=leverage_chart(
            [r for r in lev if not r.total] + [r for r in lev if r.total]
        ),
        target_amplification=target(source, gf),
        findings=found,
        compliance_rules=rules,
        programme_findings=programme_findings(found),
        compliance=grid,
        themes=themes,
        theme_total=theme_total(source, gf, themes),
        theme_chart=theme_chart(themes),
        jcurves=jcurves(source, gf),
        top_holdings=top,
        concentration=concentration(top, tot),
        grants=grant_rows(source),
        grant_totals=grants,
        movements=movements(source, [gf, *counted_sub_funds(source, gf)]),
        previous_closed=source.previous_closed,
        fees=fees,
        fee_breaches=fee_breaches(fees, cover.quarter),
        look_through=look_through_view(source, gf) if gf else None,
        not_counted=not_counted(source, gf) if gf else [],
        irr_nm_months=source.irr_nm_months or DEFAULT_IRR_NM_MONTHS,
        commentary=commentary_for(source.commentary, source.lang),
    )


__all__ = ["build_board_context", "rows"]

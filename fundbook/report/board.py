"""The board report context: programme totals, leverage, compliance, exposure, J-curve, grants."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fundbook.core.types import (
    ITIF_TARGET_AMPLIFICATION,
    ITIF_TARGET_SOCIAL_LEVERAGE,
    REPORTING_CURRENCY,
)
from fundbook.metrics.irr_policy import DEFAULT_IRR_NM_MONTHS
from fundbook.report.board_fees import fee_breaches, fee_rows, fees_total_hkd
from fundbook.report.board_forecast import pacing_forecast
from fundbook.report.board_pme import pme_tables
from fundbook.report.board_sections import (
    concentration,
    grant_rows,
    grant_totals,
    jcurve,
    movements,
    recent_total,
    theme_rows,
    theme_total,
    top_holdings,
    top_total,
)
from fundbook.report.board_story import breaches, budget, obligations, quarter_flows
from fundbook.report.charts import Series, bar_chart, jcurve_chart
from fundbook.report.commentary import commentary_for
from fundbook.report.compliance import findings, matrix, programme_findings
from fundbook.report.context import (
    BoardContext,
    Figure,
    JCurve,
    LeverageRow,
    Movement,
    Party,
    Source,
    ThemeRow,
)
from fundbook.report.i18n import N_, Translate
from fundbook.report.localise import Filter
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
from fundbook.report.wording import ENGLISH, Wording

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
    name: str,
    row: dict[str, Any],
    lvl: str,
    keys: dict[str, str | None],
    total: bool = False,
    scope_row: bool = False,
) -> LeverageRow:
    figs = {n: figure(row, n, k, lvl, keys) for n, k in LEVERAGE_FIGURES}
    currency = str(row.get("currency") or "")
    return LeverageRow(
        name=name,
        meets_target=row.get("meets_target"),
        total=total,
        currency=currency,
        target_status=row.get("target_status"),
        scope_row=scope_row,
        **figs,
    )


# The board's rows of the guidance fund's programme: its scopes, never added together.
SUB_FUNDS_TOTAL = N_("Programme (all sub-funds)")
DIRECT_ROW = N_("Direct co-investments of the guidance fund (its money and co-investors')")
# The words of the board's charts, drawn in Python in the report's language.
LEVERAGE_CHART = N_("Leverage of social capital by sub-fund")
COMMITMENT_BASIS = N_("Commitment basis")
PAID_IN_BASIS = N_("Paid-in basis")
LEVERAGE_TARGET = N_("Target %(social)s social (%(amplification)s amplification)")
THEME_CHART = N_("Exposure by theme, direct and look-through")
DIRECT = N_("Direct")
LOOK_THROUGH = N_("Look-through")
JCURVE_CHART = N_("Cumulative net cash flow of %(fund)s")


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
            out.append(_leverage_row(name, row, "programme", keys, total, scope_row=True))
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
            (N_("Programme paid-in at historical rates"), "paid_in_historical"),
            (
                N_("FX translation (paid-in at the as-of rate less historical)"),
                "paid_in_fx_translation",
            ),
        )
    ]


def leverage_chart(rows_: list[LeverageRow], words: Wording = ENGLISH) -> Any:
    """Social capital per HK$1 of government money, commitment and paid-in basis, vs target
    (the sub-funds and their total: the direct co-investments have no such target); words
    and figures in the language of `words`."""
    translate = words.translate
    rows_ = [r for r in rows_ if r.name != DIRECT_ROW]
    return bar_chart(
        translate(LEVERAGE_CHART),
        [translate(r.name) if r.total else r.name for r in rows_],
        [
            Series(translate(COMMITMENT_BASIS), [_f(r.social_leverage.value) for r in rows_]),
            Series(translate(PAID_IN_BASIS), [_f(r.paid_in_leverage.value) for r in rows_]),
        ],
        lambda v: words.fmt("multiple", v),
        target=ITIF_TARGET_SOCIAL_LEVERAGE,
        target_label=translate(LEVERAGE_TARGET)
        % {
            "social": words.fmt("multiple", ITIF_TARGET_SOCIAL_LEVERAGE, 1),
            "amplification": words.fmt("multiple", ITIF_TARGET_AMPLIFICATION, 0),
        },
    )


def _f(value: Any) -> float | None:
    return None if value is None else float(value)


def totals(source: ReportSource, gf: str) -> dict[str, Figure]:
    """The guidance fund's own figures (what the government put in and what it is worth)."""
    row = one(level(source.snapshot, "fund"), fund_id=gf)
    keys: dict[str, str | None] = {"fund_id": gf}
    kinds = {  # amounts in millions, as the programme totals table shows them
        "committed": "mn",
        "paid_in": "mn",
        "unfunded": "mn",
        "distributed": "mn",
        "nav": "mn",
        "net_irr": "pct",
        "gross_irr": "pct",
        "tvpi": "multiple",
        "dpi": "multiple",
        "rvpi": "multiple",
    }
    return {n: figure(row, n, k, "fund", keys) for n, k in kinds.items()}


# label, figure, note, change on the previous quarter (None: no change shown)
Card = tuple[str, Figure, str, Figure | None]


def _fund_cards(tot: dict[str, Figure], moved: dict[str, Movement]) -> list[Card]:
    def change(name: str) -> Figure | None:
        return moved[name].change if name in moved else None

    return [
        (N_("Commitment from government"), _as(tot["committed"], "millions"), "", None),
        (
            N_("Paid-in"),
            _as(tot["paid_in"], "millions"),
            N_("Drawn from the government commitment"),
            _as_change(change("paid_in")),
        ),
        (
            N_("Distributions"),
            _as(tot["distributed"], "millions"),
            N_("Paid back to the government"),
            _as_change(change("distributed")),
        ),
        (N_("Net asset value"), _as(tot["nav"], "millions"), "", _as_change(change("nav"))),
        (N_("TVPI"), tot["tvpi"], N_("Distributions and NAV per HK$1 paid in"), change("tvpi")),
        (N_("Net IRR"), tot["net_irr"], _irr_note(tot["net_irr"]), change("net_irr")),
    ]


def _irr_note(irr: Figure) -> str:
    """The card's note under the net IRR: n.m. says why (the IRR policy)."""
    if irr.kind == "nm":
        return N_("Not meaningful: the fund is too young for an annual rate (TVPI first)")
    return N_("Since inception, to the government")


def _as_change(fig: Figure | None) -> Figure | None:
    return None if fig is None else _as(fig, "millions_change")


def _programme_cards(programme: LeverageRow, progress: Figure) -> list[Card]:
    return [
        (
            N_("Programme size"),
            _as(programme.committed, "millions"),
            N_("All sub-funds, government and social capital (direct co-investments apart)"),
            None,
        ),
        (N_("Progress to the HK$40bn target"), progress, N_("Programme size / HK$40bn"), None),
        (
            N_("Amplification (commitments)"),
            programme.amplification,
            N_("Fund size per HK$1 of government money; target 4.0x"),
            None,
        ),
        (
            N_("Social leverage (paid-in)"),
            programme.paid_in_leverage,
            N_("Social money paid in per HK$1 of government money"),
            None,
        ),
    ]


def headline(
    tot: dict[str, Figure],
    lev: list[LeverageRow],
    moved: dict[str, Movement],
    progress: Figure,
    grants: dict[str, Figure],
) -> list[Card]:
    """The first page's cards: the guidance fund's figures with their change on the previous
    quarter (`fund_movement`), the programme's size, progress and leverage, the grants."""
    out = _fund_cards(tot, moved)
    programme = next((r for r in lev if r.total), None)
    if programme is not None:
        out += _programme_cards(programme, progress)
    if grants:
        out.append(
            (
                N_("Grants paid (all grant programmes)"),
                _as(grants["grants"], "millions"),
                N_("Paid to companies; their own matching, target 2.0x: see Grant programme"),
                None,
            )
        )
    return out


def size_progress(source: ReportSource, gf: str) -> Figure:
    """The programme's size against HK$40bn (the `programme_size` rule's ratio)."""
    row = one(level(source.snapshot, "compliance"), fund_id=gf, rule="programme_size")
    keys: dict[str, str | None] = {"fund_id": gf, "rule": "programme_size"}
    return figure(row, "ratio", "pct", "compliance", keys)


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


def theme_chart(themes: list[ThemeRow], words: Wording = ENGLISH) -> Any:
    """Direct and look-through shares per theme (in the language of `words`)."""
    translate = words.translate
    through = [_f(t.look_through_share.value if t.look_through_share else None) for t in themes]
    direct = [_f(t.share.value) for t in themes]
    return bar_chart(
        translate(THEME_CHART),
        [translate(t.label) for t in themes],
        [Series(translate(DIRECT), direct), Series(translate(LOOK_THROUGH), through)],
        lambda v: words.fmt("pct", v),
    )


def _axis_format(values: list[float], words: Wording = ENGLISH) -> Any:
    """Axis labels in millions for large amounts, whole units for small books."""
    if max((abs(v) for v in values), default=0.0) >= 10_000_000:
        return lambda v: words.fmt("millions", v, 0)
    return lambda v: words.fmt("money", v, 0)


def jcurves(source: ReportSource, gf: str, words: Wording = ENGLISH) -> list[JCurve]:
    """The J-curve of the guidance fund (a separate scheme such as ITVF is not the guidance
    fund's: its own report shows it)."""
    names = source.names
    points = jcurve(source, gf)
    if not points:
        return []
    net = [_f(p.net.value) or 0.0 for p in points]
    cumulative = [_f(p.cumulative.value) or 0.0 for p in points]
    chart = jcurve_chart(
        words.translate(JCURVE_CHART) % {"fund": name_of(names, gf)},
        [p.quarter for p in points],
        net,
        cumulative,
        _axis_format(net + cumulative, words),
        gettext=words.translate,
    )
    currency = str(names.get(gf, {}).get("currency") or "")
    recent = points[-8:]
    return [JCurve(name_of(names, gf), currency, points, chart, recent, recent_total(recent, gf))]


def build_board_context(
    source: ReportSource, translate: Translate = str, formats: Mapping[str, Filter] | None = None
) -> BoardContext:
    """The context of the board report of the quarter; `translate` puts the words drawn in
    Python (the charts, the sentences of findings and fee breaches) in the report's language,
    with their figures formatted by `formats` (that language's filters; English's if None)."""
    words = Wording(translate, formats) if formats is not None else Wording(translate)
    names = source.names
    gf = guidance_fund_id(source)
    currency = str(names.get(gf, {}).get("currency") or "HKD")
    tot = totals(source, gf)
    lev = leverage_rows(source, gf)
    found = findings(source, words)
    rules, grid = matrix(found)
    themes = theme_rows(source, gf)
    grants = grant_totals(source)
    top = top_holdings(source, gf)
    cover = report_cover(source)
    fees = fee_rows(source, cover.quarter)
    moved = movements(source, [gf])
    counted = counted_sub_funds(source, gf)
    return BoardContext(
        close=cover,
        guidance_fund=Party(gf, name_of(names, gf), "guidance_fund", currency),
        headline=headline(
            tot, lev, moved[0].figures if moved else {}, size_progress(source, gf), grants
        ),
        failed_rules=failed_rules(source),
        quarter_flows=quarter_flows(source, gf, cover.quarter),
        budget=budget(source, gf),
        obligations=obligations(source, gf, counted),
        breaches=breaches(source),
        totals=tot,
        leverage=lev,
        paid_in_fx=paid_in_fx(source, gf, lev),
        leverage_chart=leverage_chart(
            [r for r in lev if not r.total] + [r for r in lev if r.total], words
        ),
        target_amplification=target(source, gf),
        findings=found,
        compliance_rules=rules,
        programme_findings=programme_findings(found),
        compliance=grid,
        themes=themes,
        theme_total=theme_total(source, gf, themes),
        theme_chart=theme_chart(themes, words),
        jcurves=jcurves(source, gf, words),
        top_holdings=top,
        concentration=concentration(top, tot),
        grants=grant_rows(source),
        grant_totals=grants,
        movements=movements(source, [gf, *counted]),
        previous_closed=source.previous_closed,
        fees=fees,
        fee_breaches=fee_breaches(fees, cover.quarter, words),
        fees_total_hkd=fees_total_hkd(fees),
        top_total=top_total(top, gf),
        look_through=look_through_view(source, gf) if gf else None,
        not_counted=not_counted(source, gf) if gf else [],
        irr_nm_months=source.irr_nm_months or DEFAULT_IRR_NM_MONTHS,
        commentary=commentary_for(source.commentary, source.lang),
        forecast=pacing_forecast(source, gf, words),
        pme=pme_tables(source, gf, counted, source.pme) if gf else [],
    )


__all__ = ["build_board_context", "rows"]

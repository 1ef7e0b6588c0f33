"""The contexts handed to the templates: documented dataclasses (docs/reports.md)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from markupsafe import Markup

from fundbook.core.labels import N_

if TYPE_CHECKING:
    from fundbook.report.board_story import Breach, StoryTable
    from fundbook.report.commentary import Commentary
    from fundbook.report.look_through import LookThrough

Number = Decimal | float | int | None


@dataclass(frozen=True)
class Source:
    """Where a figure comes from: a metrics level, its keys and the figure's column name.

    `level` is one of fund, investor, holding, theme, theme_lt, programme, grant, compliance,
    statement, or derived (computed in the report layer from figures of those levels; `field`
    then names the formula, see docs/reports.md).
    """

    level: str
    keys: tuple[tuple[str, str | None], ...]
    field: str
    period_end: date | None = None


@dataclass(frozen=True)
class Figure:
    """A number shown in a report: its value, how to format it (kind) and where it comes from."""

    value: Number
    kind: str = "money"  # money | millions | pct | rate | ratio | multiple | count
    source: Source | None = None


@dataclass(frozen=True)
class ReportCover:
    """The close the figures come from; `closed` False means the quarter is a DRAFT."""

    quarter: str
    period_start: date
    period_end: date
    closed: bool
    close_id: int | None = None
    closed_at: datetime | None = None
    close_hash: str | None = None
    currency_note: str = ""


@dataclass(frozen=True)
class Party:
    """A fund or an investor as named on a report."""

    id: str
    name: str
    kind: str
    currency: str = ""


@dataclass(frozen=True)
class StatementLine:
    """One line of the ILPA capital account statement: QTD, YTD, ITD for the investor and fund."""

    label: str
    key: str
    investor: tuple[Figure, Figure, Figure]
    fund: tuple[Figure, Figure, Figure]
    total: bool = False
    block: str = "capital"  # capital | carry | commitment


@dataclass(frozen=True)
class CashFlowRow:
    """A capital call or distribution of the quarter (the investor's own rows only)."""

    date: date
    kind: str  # the label shown (lp.FLOW_LABELS)
    amount: Figure
    call_id: str | None  # the call it belongs to (calls.csv), None without one
    call_notice_date: dt.date | None  # (`date` is the field above)
    type: str = ""  # the ledger's transaction type (contribution, equalisation_contribution, ...)


@dataclass(frozen=True)
class HoldingRow:
    """A holding of the fund, with the investor's (or guidance fund's) look-through share."""

    name: str
    theme: str
    first_date: date | None  # the date of the valuation behind the fair value
    cost: Figure
    fair_value: Figure
    moic: Figure
    status: str  # `realisation`: unrealised | partially realised | realised | written off
    look_through: Figure
    realised_gain: Figure | None = None  # the holding's `realised_gain` (a write-off's loss)
    # valued from its GP's statement (`valued_by` gp_statement): the days from the statement
    # (`first_date`) to the quarter end (`lag_days`); None for any other holding
    gp_lag_days: int | None = None


@dataclass(frozen=True)
class ThemeRow:
    """Exposure to one theme: fair value and share, direct and (optionally) look-through."""

    theme: str
    label: str
    fair_value: Figure
    share: Figure
    look_through_value: Figure | None = None
    look_through_share: Figure | None = None


@dataclass(frozen=True)
class ThemeTotal:
    """The total row of a theme table: the direct column's and the look-through column's."""

    fair_value: Figure
    look_through_value: Figure | None = None


@dataclass(frozen=True)
class CategoryRow:
    """Partnership expenses of the fund in one category, recognised QTD, YTD and ITD."""

    label: str
    category: str
    qtd: Figure
    ytd: Figure
    itd: Figure


@dataclass(frozen=True)
class EqualisationNote:
    """A later closing of the fund in the quarter, as the investor's own equalisation rows
    (the `flow` level) and its statement lines show it; figures are those of the statement."""

    closing: date
    admitted: bool  # the investor paid a catch-up: it was admitted (or increased) at the closing
    catch_up: list[CashFlowRow]
    distributions: list[CashFlowRow]  # recallable equalisation distributions to the investor
    interest_paid: list[CashFlowRow]  # equalisation interest the investor paid in
    interest_received: list[CashFlowRow]  # equalisation interest paid to the investor
    commitment: Figure  # the investor's commitment at the quarter end (statement)
    rebalancing: tuple[Figure, Figure]  # the investor's other income / (expense), QTD and YTD
    recallable: Figure  # the investor's recallable distributions in the quarter (statement)
    fund_recallable: Figure  # the fund's recallable distributions in the quarter (statement)
    rate: Figure  # the fund's equalisation rate as its terms book it (fund_info; None: no rate)


@dataclass(frozen=True)
class PortfolioTotal:
    """The total row of a fund's portfolio table: the fund level's sums of its holdings
    (`invested`, `holdings_value`, `realised_gain`), its gross MOIC, and the look-through
    shares shown summed (derived)."""

    holdings: int
    cost: Figure
    fair_value: Figure
    realised_gain: Figure
    moic: Figure
    look_through: Figure


@dataclass(frozen=True)
class LpContext:
    """Everything `lp.html` shows: built from ONE investor's rows plus fund-level aggregates."""

    close: ReportCover
    fund: Party
    investor: Party
    summary: dict[str, Figure]  # committed, paid_in, called, unfunded, distributed, nav
    statement: list[StatementLine]
    performance: dict[str, Figure]  # net_irr, tvpi, dpi, rvpi, fund_gross_irr, fund_net_irr
    flows: list[CashFlowRow]
    holdings: list[HoldingRow]
    themes: list[ThemeRow]
    theme_chart: Markup
    fees: list[StatementLine]
    share_of_fund: Figure
    expense_categories: list[CategoryRow]  # the fund's, from `expense_by_category`
    equalisation: list[EqualisationNote] = field(default_factory=list)  # later closings
    # the fund's carry terms in words (fund_info), "" for a fund without carry terms
    carry_terms: str = ""
    # a guidance fund's look-through and the costs it bears in its sub-funds (else None)
    look_through: LookThrough | None = None
    methods_url: str = "methods.md"  # docs/methods.md, copied next to the report
    commentary: Commentary | None = None  # the quarter's, in the report's language
    # the portfolio table's total row, and the fund's holdings reconciled to its NAV
    portfolio_total: PortfolioTotal | None = None
    nav_reconciliation: StoryTable | None = None

    @property
    def not_modelled(self) -> list[str]:
        """The labels of the statement lines shown "not modelled" (kind `not_modelled`: the
        fund's terms give no fee rate or carry, so the book has no figure for them)."""
        return [
            line.label
            for line in self.statement
            if any(f.kind == "not_modelled" for f in (*line.investor, *line.fund))
        ]


@dataclass(frozen=True)
class LeverageRow:
    """Government vs social capital of a sub-fund (or the programme total) against the target."""

    name: str
    committed: Figure
    government_committed: Figure
    social_committed: Figure
    amplification: Figure
    social_leverage: Figure
    paid_in: Figure
    government_paid_in: Figure
    social_paid_in: Figure
    paid_in_leverage: Figure
    meets_target: bool | None
    total: bool = False
    currency: str = ""
    target_status: str | None = None  # pass | watch | fail; None: no target (the scope's own)
    scope_row: bool = False  # a programme scope's row, named by a label (N_), not a fund


@dataclass(frozen=True)
class Finding:
    """One mandate rule for one sub-fund: figure, threshold, status and why it matters."""

    fund: str
    rule: str
    value: Figure
    threshold: str  # as the rule states it, e.g. ">= 50% of invested cost"
    status: str  # pass | fail | progress
    explanation: str
    code: str = ""  # the rule's code in the metrics (size, hk_nexus_of_invested, ...)


@dataclass(frozen=True)
class ComplianceRow:
    """One sub-fund in the compliance matrix: its finding under each rule (None: not judged)."""

    fund: str
    cells: list[Finding | None]


@dataclass(frozen=True)
class TopHolding:
    """A holding ranked by look-through fair value across the programme."""

    rank: int
    name: str
    theme: str
    fair_value: Figure
    share: Figure
    cumulative_share: Figure


@dataclass(frozen=True)
class GrantRow:
    """Matching result of one company under a grant programme."""

    programme: str
    company: str
    grant: Figure
    matching: Figure
    ratio: Figure
    compliant: bool | None
    status: str | None = None  # ok | pending | short | over_cap (metrics.grants.GRANT_STATUS)


@dataclass(frozen=True)
class Movement:
    """A figure of a fund at the previous and this quarter end."""

    fund: str
    label: str
    previous: Figure
    current: Figure
    change: Figure


@dataclass(frozen=True)
class PmeRow:
    """A fund's (or the programme's pooled) public market equivalents against one index, with
    its net IRR beside; `undefined` says why a PME is null (metrics.pme)."""

    name: str
    programme: bool  # the programme's pooled row (its name is a label to translate)
    ks_pme: Figure
    direct_alpha: Figure
    ln_pme_irr: Figure
    net_irr: Figure | None  # none for the programme's pooled row (its flows have no net IRR)
    undefined: str | None
    index_name: str | None


@dataclass(frozen=True)
class PmeTable:
    """The board's public market equivalents against one index (`index_id`, its name)."""

    index_id: str
    index_name: str
    rows: list[PmeRow]


@dataclass(frozen=True)
class FundMovements:
    """A fund's figures at the previous and this quarter end, by figure name."""

    fund: str
    currency: str
    figures: dict[str, Movement]


@dataclass(frozen=True)
class JCurvePoint:
    """Net cash flow between the programme's investors and its funds in one quarter."""

    quarter: str
    contributions: Figure
    distributions: Figure
    net: Figure
    cumulative: Figure


@dataclass(frozen=True)
class JCurve:
    """The J-curve of one fund: its quarters and the chart of them."""

    fund: str
    currency: str
    points: list[JCurvePoint]
    chart: Markup
    recent: list[JCurvePoint]  # the last eight quarters, for the table
    # the table's total row: contributions, distributions and net of the quarters shown
    # (derived, their sum; the cumulative column has no total)
    recent_total: dict[str, Figure] = field(default_factory=dict)


@dataclass(frozen=True)
class ForecastYear:
    """One forecast year of the government's share of a programme (level forecast_programme):
    its expected calls, distributions and NAV, the distributions' and NAV's 5-95 % band."""

    year: int
    period_end: date
    contributions: Figure
    distributions: Figure
    distributions_low: Figure
    distributions_high: Figure
    nav: Figure
    nav_low: Figure
    nav_high: Figure


@dataclass(frozen=True)
class PacingForecast:
    """The government's expected calls and distributions of the board's programme by forecast
    year (HK$), the chart of them and the table's totals (calls and distributions: derived,
    their sum; a band is not added up)."""

    programme: str
    years: list[ForecastYear]
    chart: Markup
    total: dict[str, Figure] = field(default_factory=dict)


@dataclass(frozen=True)
class FeeCheckRow:
    """A fund's management fees of the quarter: computed from its LPA terms (`fee_net`) and
    booked, from the close's `fee_check` level; none for a fund without fee terms (not
    modelled) or without fees in the quarter (before its first closing)."""

    fund: str
    currency: str
    modelled: bool  # the fund's terms set a fee rate
    within: bool | None  # |difference| <= fee_tolerance; None: no fees checked
    fee_net: Figure | None = None
    booked: Figure | None = None
    difference: Figure | None = None  # booked - computed (positive: over-billed)
    fee_tolerance: Figure | None = None
    booked_hkd: Figure | None = None  # `booked` in HKD at the as-of rate (fee_check level)

    @property
    def result(self) -> str:
        """The check in words (never colour only)."""
        if not self.modelled:
            return N_("not modelled")
        if self.within is None:
            return N_("no fees in the quarter")
        if self.within:
            return N_("within tolerance")
        value = self.difference.value if self.difference is not None else None
        return N_("over-billed") if value is not None and value > 0 else N_("under-billed")


@dataclass(frozen=True)
class BoardContext:
    """Everything `board.html` shows, for the guidance fund's board."""

    close: ReportCover
    guidance_fund: Party
    headline: list[tuple[str, Figure, str, Figure | None]]  # label, figure, note, change
    failed_rules: Figure  # how many rules are failed (`compliance_status`)
    quarter_flows: StoryTable  # the guidance fund's cash of the quarter
    budget: StoryTable  # the government budget: committed to sub-funds, direct, not yet
    obligations: StoryTable  # the government's commitments to sub-funds not yet called
    breaches: list[Breach]  # rules at fail or watch, new first, with their first date
    totals: dict[str, Figure]
    leverage: list[LeverageRow]
    leverage_chart: Markup
    target_amplification: Figure
    findings: list[Finding]
    compliance_rules: list[tuple[str, str]]  # (label, threshold) per matrix column
    programme_findings: list[Finding]  # the programme rules (not in the matrix), failures first
    compliance: list[ComplianceRow]
    themes: list[ThemeRow]
    theme_total: ThemeTotal
    theme_chart: Markup
    jcurves: list[JCurve]
    top_holdings: list[TopHolding]
    concentration: dict[str, Figure]
    grants: list[GrantRow]
    grant_totals: dict[str, Figure]
    movements: list[FundMovements]
    # the programme's paid-in at historical rates and its FX translation (a non-HKD sub-fund)
    paid_in_fx: list[tuple[str, Figure]] = field(default_factory=list)
    previous_closed: bool = True  # False: the previous quarter's figures are a DRAFT
    methods_url: str = "methods.md"  # docs/methods.md, copied next to the report
    notes: list[str] = field(default_factory=list)
    # management fees vs LPA terms: one row per sub-fund and co-investment fund
    fees: list[FeeCheckRow] = field(default_factory=list)
    fee_breaches: list[str] = field(default_factory=list)  # a sentence per row beyond tolerance
    # the guidance fund's look-through and the costs it bears in its sub-funds
    look_through: LookThrough | None = None
    # sub-funds of the programme whose commitments are not in the book (held from their GP's
    # statements, without their ledger): named under the leverage table, not in its totals
    not_counted: list[str] = field(default_factory=list)
    # the IRR policy's age in months (the command line's, else the default; a fund's terms
    # may set its own): an IRR younger than that is shown n.m.
    irr_nm_months: int = 12
    commentary: Commentary | None = None  # the quarter's, in the report's language
    # the top holdings' total row: fair_value (their sum, derived) and share (the last row's
    # cumulative share, level holding)
    top_total: dict[str, Figure] = field(default_factory=dict)
    fees_total_hkd: Figure | None = None  # the fee rows' booked_hkd summed (derived)
    # the commitment pacing forecast of the programme's government money (issue 15)
    forecast: PacingForecast | None = None
    # public market equivalents (issue 15): one table per chosen index; none: no index levels
    pme: list[PmeTable] = field(default_factory=list)


@dataclass(frozen=True)
class GrantRecipientRow:
    """One company of a grant programme: its grants, own matching, ratio and status."""

    company: str
    company_id: str
    last_grant_date: date | None
    grant: Figure
    matching: Figure
    ratio: Figure
    shortfall: Figure
    deadline: date | None  # the matching deadline (None: the terms give none)
    status: str  # ok | pending | short | over_cap (metrics.grants.GRANT_STATUS)
    grants_hkd: Figure


@dataclass(frozen=True)
class GrantContext:
    """Everything `grant.html` shows: a grant programme's recipients, matching and budget
    (docs/reports.md); the funder is the investor the report is addressed to."""

    close: ReportCover
    programme: Party
    funder: Party
    totals: dict[str, Figure]  # budget, grants, budget_used, matching, matching_ratio, counts
    recipients: list[GrantRecipientRow]
    # the recipients table's total row: its grants and matching summed (the programme's
    # currency, as the rows), derived
    recipient_totals: dict[str, Figure]
    deadline_months: int | None  # terms.csv matching_deadline_months (None: none given)
    required_ratio: Figure
    cap_hkd: Figure
    methods_url: str = "methods.md"

    def with_status(self, status: str) -> list[GrantRecipientRow]:
        """The recipients at `status`, in the recipients' order."""
        return [r for r in self.recipients if r.status == status]

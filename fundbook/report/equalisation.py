"""The LP report's notes on a later closing: the investor's equalisation rows and lines."""

from __future__ import annotations

from datetime import date

from fundbook.report.context import CashFlowRow, EqualisationNote, Figure, StatementLine

# The ledger's equalisation types (docs/ledger-format.md), as the investor's flows list them.
CATCH_UP = "equalisation_contribution"
RECALLABLE = "equalisation_distribution"
INTEREST_IN = "equalisation_interest_received"  # paid in by the admitted partner
INTEREST_OUT = "equalisation_interest_paid"  # passed on to an earlier partner
EQUALISATION_TYPES = (CATCH_UP, RECALLABLE, INTEREST_IN, INTEREST_OUT)


def equalisation_notes(
    flows: list[CashFlowRow], statement: list[StatementLine], rate: Figure
) -> list[EqualisationNote]:
    """One note per later closing with equalisation rows of this investor in the quarter
    (its rows are dated on the closing), holding those rows, the statement's own figures
    (commitment, the re-balancing in other income / (expense), recallable distributions) and
    the fund's equalisation `rate` (its terms, fund_info): nothing is added up or recomputed
    here."""
    lines = {line.key: line for line in statement}
    closings: dict[date, list[CashFlowRow]] = {}
    for row in flows:
        if row.type in EQUALISATION_TYPES:
            closings.setdefault(row.date, []).append(row)
    other = lines["other_income_expense"].investor
    return [
        EqualisationNote(
            closing=day,
            admitted=any(r.type == CATCH_UP for r in found),
            catch_up=[r for r in found if r.type == CATCH_UP],
            distributions=[r for r in found if r.type == RECALLABLE],
            interest_paid=[r for r in found if r.type == INTEREST_IN],
            interest_received=[r for r in found if r.type == INTEREST_OUT],
            commitment=lines["commitment"].investor[0],
            rebalancing=(other[0], other[1]),
            recallable=lines["recallable_distributions"].investor[0],
            fund_recallable=lines["recallable_distributions"].fund[0],
            rate=rate,
        )
        for day, found in sorted(closings.items())
    ]

"""The demo's LPA terms (terms.csv) and the portfolio fees the GPs received, for the offsets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from fundbook.synth.demo_closing import EQUALISATION_RATE, LATER_FUND
from fundbook.synth.demo_index import BENCHMARK
from fundbook.synth.demo_ledger import Book

# terms.csv, in order (docs/ledger-format.md)
TERMS_COLUMNS = (
    "fund_id",
    "equalisation_rate",
    "fee_rate_investment_period",
    "fee_basis_investment_period",
    "fee_rate_after",
    "fee_basis_after",
    "fee_timing",
    "fee_offset_pct",
    "carry_pct",
    "hurdle_rate",
    "catch_up_pct",
    "waterfall",
    "gp_investor_id",
    "fee_tolerance",
    "matching_deadline_months",
    "valuation_source",
    "gp_tolerance",
    "pme_index",
)
FEE_OFFSET = Decimal("0.8")  # of the portfolio fees, off the next quarter's management fees
RATE_AFTER = Decimal("0.015")  # on net invested capital after the investment period
# The invoice of one fund's quarter was not reduced by the offsets earned the quarter before:
# the fee check finds it (the only quarter of the book outside its tolerance).
OVERBILLED = ("sf-green", "2026Q3")


@dataclass(frozen=True)
class Terms:
    """One fund's LPA: fee rate on commitments in the investment period, 1.5 % on net
    invested capital after it, quarterly in advance, 80 % offsets; 20 % carry over an 8 %
    hurdle with full catch-up. No fund has a GP commitment (gp_investor_id empty)."""

    fund_id: str
    rate: Decimal = Decimal("0.02")
    waterfall: str = "european"

    def row(self) -> tuple[str, ...]:
        eq = f"{EQUALISATION_RATE}" if self.fund_id == LATER_FUND else ""
        return (self.fund_id, eq, f"{self.rate}", "commitment", f"{RATE_AFTER}",
                "net_invested_capital", "quarterly_advance", f"{FEE_OFFSET}", "0.2", "0.08", "1",
                self.waterfall, "", "", "", "", "", "")  # fmt: skip


TERMS = {
    t.fund_id: t
    for t in (
        Terms("itvf"),
        Terms("sf-lifesci"),
        Terms("sf-airobot", rate=Decimal("0.0175")),  # the largest fund: a lower rate
        Terms("sf-semis"),
        Terms("sf-digital"),
        Terms("sf-green"),
        Terms("sf-deeptech", waterfall="american"),  # carry deal by deal, with a clawback
        Terms("sf-smartmfg"),
        Terms("sf-gba"),
    )
}
# Fees the GP received from a holding of the fund: (fund, date, what, amount in the fund's
# currency). Each is paid by the fund's largest position held that day.
PORTFOLIO_FEES = (
    ("itvf", date(2019, 12, 16), "Directors' fee, FY2019", "180000"),
    ("itvf", date(2020, 12, 15), "Directors' fee, FY2020", "240000"),
    ("itvf", date(2021, 6, 8), "Transaction fee on the Series B round", "850000"),
    ("itvf", date(2021, 12, 15), "Directors' fee, FY2021", "240000"),
    ("itvf", date(2022, 12, 15), "Directors' fee, FY2022", "240000"),
    ("itvf", date(2023, 12, 15), "Directors' fee, FY2023", "240000"),
    ("itvf", date(2024, 3, 20), "Monitoring fee, 2024", "600000"),
    ("itvf", date(2024, 12, 16), "Directors' fee, FY2024", "240000"),
    ("itvf", date(2025, 12, 15), "Directors' fee, FY2025", "240000"),
    ("sf-lifesci", date(2026, 5, 20), "Directors' fee, board seat 2026", "180000"),
    ("sf-airobot", date(2026, 6, 10), "Transaction fee on the Series B round", "650000"),
    ("sf-green", date(2026, 5, 8), "Transaction fee on the closing of the round", "450000"),
    ("sf-green", date(2026, 6, 26), "Directors' fees, first half of 2026", "120000"),
    ("sf-semis", date(2026, 7, 15), "Monitoring fee, 2026", "25000"),
    ("sf-deeptech", date(2026, 8, 20), "Monitoring fee, 2026", "300000"),
)


# The grant programme's terms: only the matching deadline (months after a company's last grant).
MPLUS_DEADLINE_MONTHS = 6


def terms_rows() -> list[tuple[str, ...]]:
    """Every fund's terms: the LPAs', the grant programme's matching deadline, and a sub-fund
    held without its ledger valued from its GP's statements (issue 13: demo_gp)."""
    mplus = _only("mplus", matching_deadline_months=f"{MPLUS_DEADLINE_MONTHS}")
    gp = _only("sf-cyberport", valuation_source="gp_statement")
    # the guidance fund's benchmark for its public market equivalents (issue 15)
    itif = _only("itif", pme_index=BENCHMARK)
    return sorted([*(t.row() for t in TERMS.values()), mplus, gp, itif])


def _only(fund_id: str, **given: str) -> tuple[str, ...]:
    """A terms row of `fund_id` with only the columns `given` set."""
    return (fund_id, *(given.get(c, "") for c in TERMS_COLUMNS[1:]))


def build_portfolio_fees(book: Book, fund_ids: tuple[str, ...]) -> None:
    """`portfolio_fee` rows of `fund_ids`, each from the fund's largest position held that day
    (none when it holds nothing yet)."""
    for fund_id, d, what, amount in PORTFOLIO_FEES:
        if fund_id not in fund_ids:
            continue
        held = [c for c in book.holdings(fund_id) if book.position(fund_id, c, d) > 0]
        if not held:
            continue
        company = max(held, key=lambda c: (book.cost(fund_id, c), c))
        memo = f"{what}, received by the GP from {book.companies[company][0]}"
        book.txn(d, fund_id, "portfolio_fee", Decimal(amount), holding=company, memo=memo)

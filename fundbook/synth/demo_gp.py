"""The demo's GP statements (issue 13): a sub-fund held without its ledger, valued from its
GP's quarterly statements 45-90 days late, and statements of a ledger sub-fund, one of which
disagrees with the book."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from fundbook.synth.demo_ledger import Book

D = Decimal
# A sub-fund whose ledger the book does not keep: ITIF books its own calls, and values its
# interest from the GP's statements.
GP_FUND = "sf-cyberport"
GP_FUND_NAME = "Cyberport Digital Ventures Fund, L.P."
GP_MANAGER = "Telegraph Bay Capital (GP) Limited"
# ITIF's calls into it, on its drawdown dates (the government's drawdown that day funds them:
# demo_itif.build_sub_fund_calls, run after).
GP_CALLS = ((date(2026, 3, 16), D("9000000.00")), (date(2026, 6, 15), D("7500000.00")),
            (date(2026, 9, 15), D("6000000.00")))  # fmt: skip
# statement_date, holder, sub-fund, nav, received_date, contributions, distributions, fees,
# carry accrued: the GP's capital account statement of the holder's interest.
STATEMENTS = (
    ("2026-03-31", "itif", GP_FUND, "8865000.00", "2026-05-26", "9000000.00", "0.00",
     "135000.00", "0.00"),
    ("2026-06-30", "itif", GP_FUND, "16912500.00", "2026-08-28", "16500000.00", "0.00",
     "270000.00", "0.00"),
    ("2026-09-30", "itif", GP_FUND, "23645000.00", "2026-12-04", "22500000.00", "0.00",
     "405000.00", "150000.00"),
    # sf-airobot keeps its ledger in the book: its GP's statements are reconciled against it.
    # Q1 agrees with ITIF's capital account there (the book's figures at 2026-03-31); Q2 is
    # HK$500,000.00 above the book's NAV (the GP marked a company above the book's valuation):
    # the planted difference `fundbook reconcile` shows and the 2026-08 close warns of.
    ("2026-03-31", "itif", "sf-airobot", "54376316.05", "2026-05-19", "58500000.00", "0.00",
     "2578333.33", "0.00"),
    ("2026-06-30", "itif", "sf-airobot", "181549451.92", "2026-08-21", "187200000.00", "0.00",
     "5990833.33", "0.00"),
)  # fmt: skip
# The GP's schedule of investments of the whole sub-fund at each statement (company, cost,
# fair value): ITIF looks through its interest by these.
SCHEDULES = {
    "2026-03-31": (("co-039", "20000000.00", "20000000.00"),),
    "2026-06-30": (
        ("co-039", "20000000.00", "23000000.00"),
        ("co-040", "25000000.00", "25000000.00"),
        ("co-035", "15000000.00", "14000000.00"),
    ),
    "2026-09-30": (
        ("co-039", "20000000.00", "26000000.00"),
        ("co-040", "25000000.00", "27500000.00"),
        ("co-035", "15000000.00", "13000000.00"),
        ("co-037", "20000000.00", "20000000.00"),
    ),
}


def build_gp_fund(book: Book) -> None:
    """The sub-fund held without its ledger: its fund row and ITIF's calls into it (no
    commitments or rows of its own in the book); run before the sub-fund calls, whose
    government drawdowns fund every ITIF investment of the day."""
    book.fund(GP_FUND, GP_FUND_NAME, "sub_fund", "HKD", 2026, GP_MANAGER, "itif",
              date(2031, 3, 31))  # fmt: skip
    for d, amount in GP_CALLS:
        book.txn(
            d,
            "itif",
            "investment",
            amount,
            holding=GP_FUND,
            memo=f"Drawdown by {GP_FUND_NAME} (ITIF as LP; its ledger is not kept here)",
        )


def gp_rows() -> dict[str, list[tuple[str, ...]]]:
    """gp_statements.csv and gp_holdings.csv rows, sorted."""
    holdings = [
        (day, "itif", GP_FUND, company, cost, value, "HKD")
        for day, rows in SCHEDULES.items()
        for company, cost, value in rows
    ]
    statements = [(s[0], s[1], s[2], s[3], "HKD", *s[4:]) for s in STATEMENTS]
    return {"gp_statements": sorted(statements), "gp_holdings": sorted(holdings)}

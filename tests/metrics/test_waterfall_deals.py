"""An American waterfall gives each deal its share of the flows that name none (DOMAIN: each
deal with its share of fees and expenses): `waterfall.deal_flows`."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import polars as pl

from fundbook.metrics.waterfall import deal_flows

D = Decimal
TXNS = pl.DataFrame(
    {
        "fund_id": ["F", "F", "F", "G"],
        "holding_id": ["A", "B", "A", "X"],
        "date": [date(2021, 1, 4), date(2021, 1, 4), date(2022, 1, 4), date(2021, 1, 4)],
        "type": ["investment", "investment", "proceeds", "investment"],
        "amount_fund": [D("60.00"), D("40.00"), D("90.00"), D("10.00")],
    },
    schema_overrides={"amount_fund": pl.Decimal(38, 2)},
)
FLOWS = pl.DataFrame(
    {
        "fund_id": ["F", "F", "F", "G"],
        "investor_id": ["L", "L", "L", "L"],
        "deal_id": [None, "B", None, None],
        "date": [date(2021, 1, 4), date(2021, 1, 4), date(2022, 1, 4), date(2021, 1, 4)],
        "kind": ["contribution", "contribution", "distribution", "contribution"],
        "amount": [D("10.01"), D("5.00"), D("7.00"), D("3.00")],
    },
    schema_overrides={"amount": pl.Decimal(38, 2), "deal_id": pl.String},
)


def test_undealt_flows_of_an_american_fund_go_to_its_deals() -> None:
    out = deal_flows(TXNS, FLOWS, ["F"], date(2022, 1, 4))
    got = sorted(
        (r["fund_id"], r["deal_id"] or "-", r["kind"], r["amount"])
        for r in out.iter_rows(named=True)
    )
    # the 10.01 call by cost invested (60 : 40, the odd cent to the larger remainder: A),
    # the 7.00 distribution by proceeds (all A's); the call naming B and fund G untouched
    assert got == [
        ("F", "A", "contribution", D("6.01")),
        ("F", "A", "distribution", D("7.00")),
        ("F", "B", "contribution", D("4.00")),
        ("F", "B", "contribution", D("5.00")),
        ("G", "-", "contribution", D("3.00")),
    ]
    assert out["amount"].sum() == FLOWS["amount"].sum()


def test_before_any_investment_an_undealt_call_stays_undealt() -> None:
    out = deal_flows(TXNS, FLOWS.head(1), ["F"], date(2021, 1, 3))
    assert out.rows() == FLOWS.head(1).rows()

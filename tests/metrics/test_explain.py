"""`explain` covers every figure, ends with it, and its lines recompute it."""

from __future__ import annotations

from decimal import Decimal

import pytest
import pyxirr

from fundbook import metrics as m
from fundbook.metrics.performance import FUND_FIGURES, HOLDING_FIGURES, INVESTOR_FIGURES
from fundbook.store.frames import Frames
from tests.metrics.conftest import DEMO_AS_OF

CASES = [
    ("itvf", None, None, FUND_FIGURES),
    ("sf-semis", "itif-lp", None, INVESTOR_FIGURES),
    ("itvf", None, "vc-03", HOLDING_FIGURES),
    ("itif", None, "sf-semis", HOLDING_FIGURES),
]
SUMS = {
    "committed",
    "paid_in",
    "distributed",
    "invested",
    "proceeds",
    "income",
    "fees",
    "expenses",
    "grants",
    "cash",
    "holdings_value",
    "co_invested",
    "unfunded",
}


@pytest.mark.parametrize(("fund", "investor", "holding", "figures"), CASES)
def test_every_figure_is_explained(
    demo_frames: Frames,
    fund: str,
    investor: str | None,
    holding: str | None,
    figures: tuple[str, ...],
) -> None:
    if holding:
        table = m.holding_metrics(demo_frames, DEMO_AS_OF)
        row = table.filter((table["fund_id"] == fund) & (table["holding_id"] == holding))
    elif investor:
        table = m.investor_metrics(demo_frames, DEMO_AS_OF)
        row = table.filter((table["fund_id"] == fund) & (table["investor_id"] == investor))
    else:
        table = m.fund_metrics(demo_frames, DEMO_AS_OF)
        row = table.filter(table["fund_id"] == fund)
    expected = row.row(0, named=True)
    for figure in figures:
        lines = m.explain(demo_frames, DEMO_AS_OF, figure, fund, investor, holding)
        last = lines.row(-1, named=True)
        assert last["kind"] == "result" and last["item"] == figure
        value = last["amount"] if last["amount"] is not None else last["ratio"]
        assert value == expected[figure], (figure, value, expected[figure])
        flows = lines.filter(lines["kind"].is_in(["row", "value"]))
        if figure.endswith("irr") and value is not None:
            again = pyxirr.xirr(flows["date"].to_list(), [float(a) for a in flows["amount"]])
            assert again == pytest.approx(value, abs=1e-9), figure
        if figure in SUMS:  # the rows (and values) add up to the figure
            rows = lines.filter(lines["kind"].is_in(["row", "value"]))["amount"]
            total = sum(rows.to_list(), Decimal(0))
            assert total == expected[figure], (figure, total)

"""Lineage of one figure: the dated rows and intermediate values an auditor recomputes it from."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import polars as pl

from fundbook.core.errors import NotFound
from fundbook.metrics.lineage import LINEAGE, Lineage
from fundbook.metrics.performance import fund_metrics, holding_metrics, investor_metrics
from fundbook.metrics.protocol import BookFrames

# figure -> (row sources, intermediate figures); the figure itself is the last line.
_FUND: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "committed": (("commitments",), ()),
    "government_committed": (("government_commitments",), ()),
    "social_committed": (("social_commitments",), ()),
    "amplification": (
        ("government_commitments", "social_commitments"),
        ("government_committed", "committed"),
    ),
    "social_leverage": (
        ("government_commitments", "social_commitments"),
        ("government_committed", "social_committed"),
    ),
    "paid_in": (("contribution",), ()),
    "government_paid_in": (("government_contributions",), ()),
    "social_paid_in": (("social_contributions",), ()),
    "paid_in_leverage": (
        ("government_contributions", "social_contributions"),
        ("government_paid_in", "social_paid_in"),
    ),
    "unfunded": (("commitments", "less_contributions"), ("committed", "paid_in")),
    "distributed": (("distribution",), ()),
    "cash": (("cash",), ()),
    "holdings_value": (("holding_values",), ()),
    "nav": (("cash", "holding_values"), ("cash", "holdings_value")),
    "net_irr": (("net_flows", "terminal_nav"), ()),
    "tvpi": (("net_flows", "terminal_nav"), ("distributed", "nav", "paid_in")),
    "dpi": (("net_flows",), ("distributed", "paid_in")),
    "rvpi": (("contribution", "terminal_nav"), ("nav", "paid_in")),
    "pic_multiple": (("commitments", "contribution"), ("paid_in", "committed")),
    "invested": (("investment",), ()),
    "gross_irr": (("gross_flows", "holding_values"), ()),
    "gross_moic": (
        ("gross_flows", "holding_values"),
        ("proceeds", "income", "holdings_value", "invested"),
    ),
    "proceeds": (("proceeds",), ()),
    "income": (("income",), ()),
    "fees": (("fee",), ()),
    "expenses": (("expense",), ()),
    "grants": (("grant",), ()),
    "realised_gain": (("holding_realised_gain",), ()),
    "unrealised_gain": (("holding_unrealised_gain",), ()),
}
_INVESTOR = {
    "commitment_share": (("commitments",), ("committed",)),
    "committed": (("commitments",), ()),
    "paid_in": (("contribution",), ()),
    "distributed": (("distribution",), ()),
    "unfunded": (("commitments", "less_contributions"), ("committed", "paid_in")),
    "nav": (("contribution", "distribution", "allocation"), ("paid_in", "distributed")),
    "net_irr": (("net_flows", "terminal_nav"), ()),
    "tvpi": (("net_flows", "terminal_nav"), ("distributed", "nav", "paid_in")),
    "dpi": (("net_flows",), ("distributed", "paid_in")),
    "rvpi": (("contribution", "terminal_nav"), ("nav", "paid_in")),
}
_HOLDING = {
    "invested": (("investment",), ()),
    "proceeds": (("proceeds",), ()),
    "income": (("income",), ()),
    "fair_value": (("valuation", "later_investments"), ()),
    "remaining_cost": (("investment", "proceeds"), ("invested", "realised_gain")),
    "realised_gain": (("investment", "proceeds"), ("invested", "remaining_cost")),
    "unrealised_gain": (("valuation",), ("fair_value", "remaining_cost")),
    "gross_irr": (("gross_flows", "terminal_value"), ()),
    "moic": (("gross_flows", "terminal_value"), ("proceeds", "income", "fair_value", "invested")),
    "co_invested": (("co_investment",), ()),
    "co_investment_leverage": (("co_investment",), ("co_invested", "invested")),
}


def explain(
    frames: BookFrames,
    as_of: date,
    figure: str,
    fund_id: str,
    investor_id: str | None = None,
    holding_id: str | None = None,
) -> pl.DataFrame:
    """The lineage of `figure` for a fund, an investor in it or a holding of it: source rows
    (date, item, file:line, signed amount) then intermediate values, the figure last."""
    if holding_id is not None:
        level, specs = "holding", _HOLDING
        table = holding_metrics(frames, as_of).filter(pl.col("holding_id") == holding_id)
    elif investor_id is not None:
        level, specs = "investor", _INVESTOR
        table = investor_metrics(frames, as_of).filter(pl.col("investor_id") == investor_id)
    else:
        level, specs = "fund", _FUND
        table = fund_metrics(frames, as_of)
    table = table.filter(pl.col("fund_id") == fund_id)
    if table.height == 0:
        who = holding_id or investor_id or ""
        raise NotFound(f"no {level} {who} in fund {fund_id!r} as of {as_of}".replace("  ", " "))
    if figure not in specs:
        raise NotFound(f"cannot explain {figure!r} for a {level}; figures: {', '.join(specs)}")
    row = table.row(0, named=True)
    ctx = Lineage(frames, as_of, fund_id, investor_id, holding_id)
    sources, inputs = specs[figure]
    parts = [ctx.rows(s) for s in sources]
    parts += [_value(name, row.get(name), "input") for name in inputs]
    parts.append(_value(figure, row[figure], "result"))
    out = pl.concat([p.select(list(LINEAGE)).cast(LINEAGE) for p in parts if p.height])
    return out.with_columns(pl.int_range(1, out.height + 1, dtype=pl.Int64).alias("step"))


def _value(name: str, value: Any, kind: str) -> pl.DataFrame:
    money = value if isinstance(value, Decimal) else None
    number = float(value) if isinstance(value, (int, float)) and money is None else None
    return pl.DataFrame(
        [
            {
                "step": 0,
                "date": None,
                "kind": kind,
                "item": name,
                "source": None,
                "amount": money,
                "ratio": number,
            }
        ],
        schema=LINEAGE,
    )

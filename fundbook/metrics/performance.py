"""Fund, investor and holding figures: capital, multiples, IRRs (every group at once)."""

from __future__ import annotations

from datetime import date

import polars as pl

from fundbook.metrics.carry_state import CARRY_FIGURES as _STATE_CARRY
from fundbook.metrics.gp_statements import GP_COSTS, gp_cost, gp_costs
from fundbook.metrics.money import CENTS, as_money, cents, ratio, zero
from fundbook.metrics.positions import BookState, fx_at
from fundbook.metrics.protocol import BookFrames
from fundbook.metrics.returns import irr_inputs
from fundbook.metrics.state import book_state

# Carried interest beside `nav` (net of accrued carry) in a fund with carry terms; null in a
# fund without (never a made-up 0.00): carry_state.with_carry.
CARRY_FIGURES = (*_STATE_CARRY, "carry_paid")
FUND_FIGURES = (
    "committed",
    "government_committed",
    "social_committed",
    "amplification",
    "social_leverage",
    "paid_in",
    "government_paid_in",
    "social_paid_in",
    "paid_in_leverage",
    "unfunded",
    "distributed",
    "nav",
    *CARRY_FIGURES,
    "net_irr",
    "tvpi",
    "dpi",
    "rvpi",
    "pic_multiple",
    "invested",
    "gross_irr",
    "gross_moic",
    "cash",
    "holdings_value",
    "prepaid",
    "accrued",
    "interest_payable",
    "proceeds",
    "income",
    "fees",
    "expenses",
    "grants",
    "realised_gain",
    "fx_translation",
    "unrealised_gain",
)
INVESTOR_FIGURES = (
    "commitment_share",
    "committed",
    "paid_in",
    "unfunded",
    "distributed",
    "nav",
    *CARRY_FIGURES,
    "net_irr",
    "tvpi",
    "dpi",
    "rvpi",
)
HOLDING_FIGURES = (
    "invested",
    "proceeds",
    "income",
    "fair_value",
    "gross_irr",
    "moic",
    "co_invested",
    "co_investment_leverage",
    "remaining_cost",
    "realised_gain",
    "fx_translation",
    "unrealised_gain",
    *GP_COSTS.values(),
)


def irr_by_group(flows: pl.DataFrame, keys: list[str], name: str) -> pl.DataFrame:
    """XIRR per `keys` of flows (keys, date, amount in cents); null where undefined."""
    if flows.height == 0:
        return flows.select(keys).with_columns(pl.lit(None, pl.Float64).alias(name))
    # numpy and pyxirr load here, not with the module: a command that reads figures from a
    # snapshot (explain, the reports) never solves an IRR, and they cost ~0.25 s of start-up.
    import numpy as np

    from fundbook.metrics.xirr import xirr_grouped

    # each group's flows in their order, groups in order of first appearance, numbered `_g`
    grouped = (
        flows.group_by(keys, maintain_order=True)
        .agg("date", pl.col("amount").cast(pl.Float64))
        .with_row_index("_g")
    )
    groups = grouped.select("_g", *keys)
    indexed = grouped.select("_g", "date", "amount").explode("date", "amount")
    rates = xirr_grouped(
        indexed["_g"].to_numpy(),
        indexed["date"].to_numpy(),
        indexed["amount"].to_numpy() / 100.0,
    )
    rates = np.where(np.isfinite(rates), rates, np.nan)
    out = groups.with_columns(pl.Series(name, rates[: groups.height]).fill_nan(None))
    return out.drop("_g")


def _capital_by_kind(frames: BookFrames, state: BookState) -> pl.DataFrame:
    kinds = frames.investors.select("investor_id", pl.col("kind").alias("investor_kind"))
    acc = state.accounts.join(kinds, on="investor_id", how="left")
    gov = pl.col("investor_kind") == "government"
    return acc.group_by("fund_id").agg(
        pl.col("committed").sum(),
        pl.col("committed").filter(gov).sum().alias("government_committed"),
        pl.col("committed").filter(~gov).sum().alias("social_committed"),
        pl.col("contributions").filter(gov).sum().alias("government_paid_in"),
        pl.col("contributions").filter(~gov).sum().alias("social_paid_in"),
    )


def fund_metrics(frames: BookFrames, as_of: date) -> pl.DataFrame:
    """One row per fund: capital raised and paid, leverage of social capital, NAV, multiples,
    net and gross IRR; money in the fund's currency (`currency`)."""
    state = book_state(frames, as_of)
    txns = frames.transactions.filter(pl.col("date") <= as_of)
    base = (
        frames.funds.select("fund_id", "name", "kind", "currency")
        .join(state.funds.drop("currency"), on="fund_id", how="left")
        .join(_capital_by_kind(frames, state), on="fund_id", how="left")
    )
    money_cols = [c for c, dt in base.schema.items() if dt == CENTS and c not in CARRY_FIGURES]
    base = base.with_columns(pl.col(money_cols).fill_null(zero()))
    net = irr_by_group(irr_inputs(txns, "net", "fund", base, as_of), ["fund_id"], "net_irr")
    gross = irr_by_group(irr_inputs(txns, "gross", "fund", base, as_of), ["fund_id"], "gross_irr")
    out = base.join(net, on="fund_id", how="left").join(gross, on="fund_id", how="left")
    out = out.with_columns(
        _carry_paid(),
        pl.col("contributions").alias("paid_in"),
        pl.col("distributions").alias("distributed"),
        unfunded(),
        ratio(pl.col("committed"), pl.col("government_committed")).alias("amplification"),
        ratio(pl.col("social_committed"), pl.col("government_committed")).alias("social_leverage"),
        ratio(pl.col("social_paid_in"), pl.col("government_paid_in")).alias("paid_in_leverage"),
        *_multiples("contributions", "distributions", "nav"),
        ratio(pl.col("contributions"), pl.col("committed")).alias("pic_multiple"),
        ratio(
            pl.col("proceeds") + pl.col("income") + pl.col("holdings_value"), pl.col("invested")
        ).alias("gross_moic"),
    )
    return as_money(out.select("fund_id", "name", "kind", "currency", *FUND_FIGURES))


def _carry_paid() -> pl.Expr:
    """The carry paid (the `carry` rows) where the fund has carry terms; else null."""
    return pl.when(pl.col("has_carry")).then(pl.col("carry_paid")).alias("carry_paid")


def unfunded() -> pl.Expr:
    """Committed less contributions, plus the recallable (equalisation) distributions (R7)."""
    return (pl.col("committed") - pl.col("contributions") + pl.col("recallable")).alias("unfunded")


def _multiples(paid: str, distributed: str, nav: str) -> list[pl.Expr]:
    return [
        ratio(pl.col(distributed) + pl.col(nav), pl.col(paid)).alias("tvpi"),
        ratio(pl.col(distributed), pl.col(paid)).alias("dpi"),
        ratio(pl.col(nav), pl.col(paid)).alias("rvpi"),
    ]


def investor_metrics(frames: BookFrames, as_of: date) -> pl.DataFrame:
    """One row per (fund_id, investor_id): the investor's commitment, paid-in, distributions,
    capital account (`nav`), multiples and net IRR, in the fund's currency."""
    state = book_state(frames, as_of)
    keys = ["fund_id", "investor_id"]
    txns = frames.transactions.filter(pl.col("date") <= as_of)
    acc = state.accounts
    net = irr_by_group(irr_inputs(txns, "net", "investor", acc, as_of), keys, "net_irr")
    out = (
        acc.join(net, on=keys, how="left")
        .join(frames.funds.select("fund_id", "currency"), on="fund_id", how="left")
        .join(
            frames.investors.select("investor_id", pl.col("kind").alias("investor_kind")),
            on="investor_id",
            how="left",
        )
    )
    out = out.with_columns(
        ratio(pl.col("weight"), pl.col("weight").sum().over("fund_id")).alias("commitment_share"),
        pl.col("contributions").alias("paid_in"),
        pl.col("distributions").alias("distributed"),
        unfunded(),
        _carry_paid(),
        *_multiples("contributions", "distributions", "nav"),
    )
    cols = ["fund_id", "investor_id", "investor_kind", "currency", *INVESTOR_FIGURES]
    return as_money(out.select(cols).sort(keys))


def holding_metrics(frames: BookFrames, as_of: date) -> pl.DataFrame:
    """One row per (fund_id, holding_id): cost, proceeds, income, fair value, gross IRR, MOIC
    and the social money co-invested directly alongside, in the fund's currency; for a
    sub-fund valued from its GP's statement, the costs that statement reports the holder bears
    there (`gp_statements.GP_COSTS`, null for other holdings)."""
    state = book_state(frames, as_of)
    keys = ["fund_id", "holding_id"]
    txns = frames.transactions.filter(pl.col("date") <= as_of)
    hold = state.holdings
    gross = irr_by_group(irr_inputs(txns, "gross", "holding", hold, as_of), keys, "gross_irr")
    out = hold.join(gross, on=keys, how="left").join(
        _co_invested(frames, txns), on=keys, how="left"
    )
    out = out.join(frames.funds.select("fund_id", "currency"), on="fund_id", how="left").join(
        gp_costs(frames, as_of, fx_at(frames, as_of)), on=keys, how="left"
    )
    out = out.with_columns(pl.col("co_invested").fill_null(zero())).with_columns(
        ratio(
            pl.col("proceeds") + pl.col("income") + pl.col("fair_value"), pl.col("invested")
        ).alias("moic"),
        ratio(pl.col("co_invested"), pl.col("invested")).alias("co_investment_leverage"),
        *(gp_cost(f).alias(f) for f in GP_COSTS.values()),
    )
    cols = [*keys, "currency", "valued_by", "valuation_date", "lag_days", *HOLDING_FIGURES]
    return as_money(out.select(cols).sort(keys))


def _co_invested(frames: BookFrames, txns: pl.DataFrame) -> pl.DataFrame:
    """Per (fund, holding): `co_investment` rows by social-capital investors."""
    social = frames.investors.filter(pl.col("kind") != "government").select("investor_id")
    return (
        txns.filter(pl.col("type") == "co_investment")
        .join(social, on="investor_id")
        .group_by("fund_id", "holding_id")
        .agg(cents(pl.col("amount_fund")).sum().alias("co_invested"))
    )

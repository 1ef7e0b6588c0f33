"""The book's state at a date: holdings at cost and value, fund cash and NAV, capital accounts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from fundbook.core.types import CASH_SIGN, REPORTING_CURRENCY
from fundbook.metrics.money import CENTS, RATE, cents, prorate, refuse_overflow, zero
from fundbook.metrics.protocol import BookFrames
from fundbook.metrics.quantities import (
    HELD,
    QUANTITY_HELD,
    RELIEF,
    TRACKED,
    UNITS,
    average_cost,
    quantity,
)
from fundbook.metrics.waterfall import Waterfall

# Fund-level totals per transaction type (cents, positive); see FLOW_TYPES.
FLOW_COLUMNS = {
    "contribution": "contributions",
    "distribution": "distributions",
    "investment": "invested",
    "proceeds": "proceeds",
    "income": "income",
    "fee": "fees",
    "expense": "expenses",
    "grant": "grants",
    "equalisation_distribution": "recallable",
    "equalisation_interest_received": "interest_received",
    "equalisation_interest_paid": "interest_paid",
    "carry": "carry_paid",
}
# Equalisation rows that are also capital flows (R7): a catch-up is a contribution, an
# equalisation distribution a (recallable) distribution.
ALSO_COUNTED = {
    "equalisation_contribution": "contributions",
    "equalisation_distribution": "distributions",
}
# Per flow column, the types summed into it.
FLOW_TYPES = {
    col: tuple(t for t, c in (*FLOW_COLUMNS.items(), *ALSO_COUNTED.items()) if c == col)
    for col in dict.fromkeys(FLOW_COLUMNS.values())
}
# Same-day order: cost before relief, the write-off last.
HOLDING_TYPES = ("investment", "income", "proceeds", "write_off")


@dataclass(frozen=True)
class BookState:
    """Everything at one date, money in integer cents (Int128) in each fund's currency.

    holdings: per (fund_id, holding_id) invested, proceeds, income, relieved_cost,
      remaining_cost, realised_gain, valuation_date, valued_by, fair_value, unrealised_gain.
    funds: per fund_id the flow totals (fees and expenses as recognised), cash, prepaid,
      accrued, holdings_value, realised/unrealised gain, nav, pnl.
    accounts: per (fund_id, investor_id) committed, contributions, distributions, weight,
      pnl_share, nav (the capital account).
    fx: currency -> hkd_per_unit at the date (HKD = 1).
    carry: the waterfall of the funds with carry terms at the date (None without any);
      funds and accounts then hold `nav` net of accrued carry (carry_state.with_carry).
    """

    at: date
    holdings: pl.DataFrame
    funds: pl.DataFrame
    accounts: pl.DataFrame
    fx: pl.DataFrame
    carry: Waterfall | None = None


def fx_at(frames: BookFrames, at: date) -> pl.DataFrame:
    """The latest rate of each currency on or before `at`; HKD is 1."""
    latest = (
        frames.fx_rates.filter(pl.col("date") <= at)
        .sort("date")
        .group_by("currency")
        .agg(pl.col("hkd_per_unit").last())
        .filter(pl.col("currency") != REPORTING_CURRENCY)
    )
    hkd = pl.DataFrame(
        {"currency": [REPORTING_CURRENCY], "hkd_per_unit": [1]},
        schema={"currency": pl.String, "hkd_per_unit": RATE},
    )
    return pl.concat([hkd, latest.cast({"hkd_per_unit": RATE})])


def key_type_sums(txns: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    """Per `keys` and transaction type, the total in cents (`amount`): the one pass over the
    rows that `sums_by_type` and the book state read their totals from."""
    return txns.group_by(*keys, "type").agg(cents(pl.col("amount_fund")).sum().alias("amount"))


def sums_by_type(per_type: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    """Per `keys` (all or some of those of a `key_type_sums` frame), the total in cents of each
    flow type in FLOW_COLUMNS."""
    return per_type.group_by(keys).agg(
        pl.col("amount").filter(pl.col("type").is_in(types)).sum().alias(col)
        for col, types in FLOW_TYPES.items()
    )


def type_sums(txns: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    """Per `keys`, the total in cents of each flow type in FLOW_COLUMNS."""
    return sums_by_type(key_type_sums(txns, keys), keys)


def cash_sign(type_col: str = "type") -> pl.Expr:
    """The sign of a transaction type's effect on the fund's cash (0 for memo rows), in cents."""
    return pl.col(type_col).replace_strict(CASH_SIGN, default=0, return_dtype=pl.Int8).cast(CENTS)


def signed_cash(type_col: str = "type") -> pl.Expr:
    """The transaction's effect on the fund's cash, in cents (0 for memo rows)."""
    return cents(pl.col("amount_fund")) * cash_sign(type_col)


def cost_relief(txns: pl.DataFrame) -> pl.DataFrame:
    """Per holding: invested, proceeds, income, and cost relieved by proceeds (cost recovery).

    Each proceeds row relieves min(remaining cost, proceeds): with cumulative invested I and
    proceeds P, relieved R = P + min(0, running minimum of I - P), which is that recursion; at
    the holding's last row, R = P + min(0, the least I - P over its rows).
    """
    return relieve(holding_rows(txns))


def holding_rows(txns: pl.DataFrame) -> pl.DataFrame:
    """The investment, income, proceeds and write-off rows in the order cost is relieved: by
    holding, date, type (cost before relief), source. Rows kept to a date stay in that order.
    When the book has quantities or write-offs, each row also carries its average-cost relief
    and the units held after it (`average_cost`)."""
    rank = {t: i for i, t in enumerate(HOLDING_TYPES)}
    rows = (
        txns.filter(pl.col("type").is_in(HOLDING_TYPES))
        .with_columns(pl.col("type").replace_strict(rank, return_dtype=pl.Int8).alias("_rank"))
        .sort(["fund_id", "holding_id", "date", "_rank", "source_file", "source_line"])
    )
    return average_cost(rows)


def relieve(rows: pl.DataFrame) -> pl.DataFrame:
    """`cost_relief` of rows in `holding_rows` order: cost recovery, or average cost for a
    holding tracked by quantity; all of the cost once written off. Adds `quantity` (units
    held: null when not tracked, 0 once written off) and `_written_off`."""
    if RELIEF not in rows.columns:  # no quantities, no write-offs: cost recovery alone
        return _cost_recovery(rows).with_columns(
            pl.lit(None, QUANTITY_HELD).alias("quantity"), pl.lit(False).alias("_written_off")
        )
    keys = ["fund_id", "holding_id"]
    tracked = rows.group_by(keys, maintain_order=True).agg(
        pl.col(RELIEF).sum().alias("_average"),
        pl.col(HELD).last().alias("_held"),
        pl.col(TRACKED).first().alias("_tracked"),
        (pl.col("type") == "write_off").any().alias("_written_off"),
    )
    relieved = (
        pl.when(pl.col("_written_off"))
        .then(pl.col("invested"))
        .when(pl.col("_tracked"))
        .then(pl.col("_average"))
        .otherwise(pl.col("relieved_cost"))
    )
    held = pl.when(pl.col("_written_off")).then(pl.lit(0, CENTS)).otherwise(pl.col("_held"))
    return (
        _cost_recovery(rows)
        .join(tracked, on=keys, how="left", maintain_order="left")
        .with_columns(relieved.alias("relieved_cost"), held.alias("_held"))
        .with_columns(
            (pl.col("invested") - pl.col("relieved_cost")).alias("remaining_cost"),
            (pl.col("proceeds") - pl.col("relieved_cost")).alias("realised_gain"),
            quantity(pl.col("_held")).alias("quantity"),
        )
        .drop("_average", "_held", "_tracked")
    )


def _cost_recovery(rows: pl.DataFrame) -> pl.DataFrame:
    """Per holding: invested, proceeds, income and the cost relieved by cost recovery."""
    keys = ["fund_id", "holding_id"]
    amount = cents(pl.col("amount_fund"))
    net = (  # I - P moves by each row's investment, less its proceeds
        pl.when(pl.col("type") == "investment")
        .then(amount)
        .when(pl.col("type") == "proceeds")
        .then(zero() - amount)
        .otherwise(zero())
    )
    # rows are sorted by holding: a running I - P over all rows, less its value before the
    # holding's first row, is the holding's own (integer group ids, no hashing of the keys)
    starts = pl.any_horizontal(pl.col(k).ne_missing(pl.col(k).shift()) for k in keys)
    rows = rows.with_columns(net.alias("_net"), starts.cum_sum().alias("_g")).with_columns(
        pl.col("_net").cum_sum().alias("_run")
    )
    by_type = {n: amount.filter(pl.col("type") == t).sum() for n, t in _HOLDING_SUMS.items()}
    least = pl.col("_run").min() - (pl.col("_run") - pl.col("_net")).first()
    return (
        rows.group_by("_g", maintain_order=True)
        .agg(
            *(pl.col(k).first() for k in keys),
            *(e.alias(n) for n, e in by_type.items()),
            least.alias("_least"),
        )
        .with_columns(
            (pl.col("proceeds") + pl.min_horizontal(pl.col("_least"), zero())).alias(
                "relieved_cost"
            )
        )
        .select(
            *keys,
            *by_type,
            "relieved_cost",
            (pl.col("invested") - pl.col("relieved_cost")).alias("remaining_cost"),
            (pl.col("proceeds") - pl.col("relieved_cost")).alias("realised_gain"),
        )
    )


_HOLDING_SUMS = {"invested": "investment", "proceeds": "proceeds", "income": "income"}


def marks(frames: BookFrames, txns: pl.DataFrame, at: date) -> pl.DataFrame:
    """Per holding with a valuation: the latest mark on or before `at` plus later investments."""
    return marks_from(valuations_in_order(frames.valuations), txns, at)


def valuations_in_order(valuations: pl.DataFrame) -> pl.DataFrame:
    """Valuations by holding, date and source: the last of a holding's is its latest mark."""
    return valuations.sort(["fund_id", "holding_id", "date", "source_file", "source_line"])


def marks_from(ordered: pl.DataFrame, txns: pl.DataFrame, at: date) -> pl.DataFrame:
    """`marks` from valuations in `valuations_in_order` order."""
    keys = ["fund_id", "holding_id"]
    latest = (
        ordered.filter(pl.col("date") <= at)
        .group_by(keys)
        .agg(
            pl.col("date").last().alias("valuation_date"),
            cents(pl.col("fair_value_fund")).last().alias("_mark"),
        )
    )
    later = (
        txns.filter(pl.col("type") == "investment")
        .join(latest, on=keys)
        .filter(pl.col("date") > pl.col("valuation_date"))
        .group_by(keys)
        .agg(cents(pl.col("amount_fund")).sum().alias("_later"))
    )
    out = (
        latest.join(later, on=keys, how="left")
        .with_columns((pl.col("_mark") + pl.col("_later").fill_null(0)).alias("marked_value"))
        .drop("_mark", "_later")
    )
    return _scaled_by_quantity(out, txns) if HELD in txns.columns else out


def _scaled_by_quantity(marked: pl.DataFrame, rows: pl.DataFrame) -> pl.DataFrame:
    """A holding tracked by quantity is worth (mark + investments after it) x Q_now /
    (Q_at_mark + Q_bought_after_mark), rounded half-even once: a mark dated before a partial
    sale values only the units still held. Q_at_mark is held at the end of the mark's date."""
    keys = ["fund_id", "holding_id"]
    after = pl.col("date") > pl.col("valuation_date")
    held = (
        rows.filter(pl.col(TRACKED))
        .join(marked.select(*keys, "valuation_date"), on=keys, maintain_order="left")
        .group_by(keys)  # rows in relief order: the last held is the latest
        .agg(
            pl.col(HELD).last().alias("_q_now"),
            pl.col(HELD).filter(~after).last().fill_null(0).alias("_q_mark"),
            pl.col(UNITS).filter(after & (pl.col("type") == "investment")).sum().alias("_q_in"),
        )
    )
    out = marked.join(held, on=keys, how="left")
    refuse_overflow(out, [[pl.col("marked_value"), pl.col("_q_now")]], "scaling a mark by units")
    scaled = prorate(pl.col("marked_value"), pl.col("_q_now"), pl.col("_q_mark") + pl.col("_q_in"))
    return out.with_columns(
        pl.when(pl.col("_q_now").is_not_null())
        .then(scaled)
        .otherwise(pl.col("marked_value"))
        .alias("marked_value")
    ).drop("_q_now", "_q_mark", "_q_in")

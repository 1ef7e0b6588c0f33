"""The GL's holdings: cost relieved by each sale and write-off (R1, R3) and values at dates (R2).

Computed from the transaction rows alone, apart from the metrics' positions: a holding is
quantity-tracked when any of its investment or proceeds rows has a `quantity` (average cost:
a sale of q of Q held relieves round_half_even(remaining cost x q / Q)); otherwise a proceeds
row recovers cost (min(remaining cost, proceeds)) and a zero mark with proceeds received
realises the rest. A `write_off` relieves the whole remaining cost; the holding is worth 0.
"""

from __future__ import annotations

import polars as pl

from fundbook.metrics.gl_chart import HOLDING_TYPES
from fundbook.metrics.gp_statements import BY_GP
from fundbook.metrics.money import CENTS, cents, divide_half_even, zero

MICRO = 10**6  # quantities have at most 6 decimals: integers of 10⁻⁶ units
_KEYS = ["fund_id", "holding_id"]
_SOURCE = ("txn_id", "source_file", "source_line")  # where each row was booked (postings)
_OPTIONAL = {
    "quantity": pl.Decimal(38, 6),
    "service_start": pl.Date(),
    "service_end": pl.Date(),
    "category": pl.String(),
}


def normalised(txns: pl.DataFrame) -> pl.DataFrame:
    """The transactions with the optional columns of issue 11 (null where the book has none),
    the amount in cents (`amt`) and the quantity in micro-units (`qty`)."""
    missing = [pl.lit(None, dt).alias(c) for c, dt in _OPTIONAL.items() if c not in txns.columns]
    out = txns.with_columns(missing) if missing else txns
    return out.with_columns(
        cents(pl.col("amount_fund")).alias("amt"),
        (pl.col("quantity").cast(pl.Decimal(38, 6)) * MICRO).cast(CENTS).alias("qty"),
    )


def holding_rows(txns: pl.DataFrame) -> pl.DataFrame:
    """The rows of holdings in relief order (date, investments before income, proceeds and
    write-offs, then file order) with each row's cost `relief`, `realised` gain, quantity
    bought (`q_in`) and sold or written off (`q_out`), whether the holding is `tracked`, and
    the row's `txn_id`, `source_file` and `source_line`."""
    rank = {t: i for i, t in enumerate(HOLDING_TYPES)}
    rows = (
        txns.filter(pl.col("type").is_in(HOLDING_TYPES))
        .with_columns(pl.col("type").replace_strict(rank, return_dtype=pl.Int8).alias("_rank"))
        .sort([*_KEYS, "date", "_rank", "source_file", "source_line"])
        .with_row_index("_row")
    )
    kind = pl.col("type")
    starts = pl.any_horizontal(pl.col(k).ne_missing(pl.col(k).shift()) for k in _KEYS)
    rows = rows.with_columns(
        starts.cum_sum().alias("_g"),
        pl.when(kind == "investment").then(pl.col("amt")).otherwise(zero()).alias("inv"),
        pl.when(kind == "proceeds").then(pl.col("amt")).otherwise(zero()).alias("proc"),
        pl.when(kind == "investment").then(pl.col("qty")).otherwise(zero()).alias("q_in"),
        pl.when(kind == "proceeds").then(pl.col("qty")).otherwise(zero()).alias("_q_sold"),
    )
    priced = kind.is_in(["investment", "proceeds"])
    rows = rows.with_columns(
        (pl.col("qty").is_not_null() & priced).any().over("_g").alias("tracked"),
        pl.col("inv").cum_sum().over("_g").alias("_inv_cum"),
        (pl.col("q_in").fill_null(0).cum_sum() - pl.col("_q_sold").fill_null(0).cum_sum())
        .over("_g")
        .alias("_q_after"),
    ).with_columns(
        (pl.col("_q_after") + pl.col("_q_sold").fill_null(0)).alias("_q_before"),
    )
    relief = pl.concat([_recovered(rows.filter(~pl.col("tracked"))), _averaged(rows)])
    rows = rows.join(relief, on="_row", how="left").with_columns(pl.col("relief").fill_null(0))
    q_out = (
        pl.when(kind == "write_off")
        .then(pl.col("_q_before"))
        .otherwise(pl.col("_q_sold").fill_null(0))
    )
    realised = pl.when(kind == "proceeds").then(pl.col("proc")).otherwise(zero()) - pl.col("relief")
    return rows.with_columns(
        q_out.alias("q_out"), pl.col("q_in").fill_null(0), realised.alias("realised")
    ).select(
        *_KEYS,
        "date",
        "type",
        "inv",
        "proc",
        "q_in",
        "q_out",
        "relief",
        "realised",
        "tracked",
        *_SOURCE,
    )


def _recovered(rows: pl.DataFrame) -> pl.DataFrame:
    """Cost recovery (holdings without quantities): with cumulative invested I and proceeds P,
    the cost relieved to a row is P + min(0, the running minimum of I - P); a write-off
    relieves what remains."""
    run = (pl.col("inv") - pl.col("proc")).cum_sum().over("_g")
    to_row = pl.col("proc").cum_sum().over("_g") + pl.min_horizontal(
        pl.col("_run").cum_min().over("_g"), zero()
    )
    out = rows.with_columns(run.alias("_run")).with_columns(to_row.alias("_relieved"))
    step = pl.col("_relieved") - pl.col("_relieved").shift(1).over("_g").fill_null(0)
    return out.select(
        "_row",
        pl.when(pl.col("type") == "write_off")
        .then(pl.col("_inv_cum") - pl.col("_relieved"))
        .otherwise(step)
        .cast(CENTS)
        .alias("relief"),
    )


def _averaged(rows: pl.DataFrame) -> pl.DataFrame:
    """Average cost (quantity-tracked holdings): the k-th sale or write-off of every holding
    at once, k = 1, 2, ...: each needs the cost relieved by the ones before it."""
    events = (
        rows.filter(pl.col("tracked") & pl.col("type").is_in(["proceeds", "write_off"]))
        .with_columns(pl.int_range(pl.len()).over("_g").alias("_k"))
        .select("_row", "_g", "_k", "type", "_inv_cum", "_q_sold", "_q_before")
    )
    done = pl.DataFrame(schema={"_g": pl.UInt32, "_done": CENTS})
    parts = []
    rounds = events.select(pl.len() if events.height == 0 else pl.col("_k").max() + 1).item()
    for k in range(int(rounds)):
        step = events.filter(pl.col("_k") == k).join(done, on="_g", how="left")
        cost = pl.col("_inv_cum") - pl.col("_done").fill_null(0)
        whole = (pl.col("type") == "write_off") | (pl.col("_q_sold") >= pl.col("_q_before"))
        part = divide_half_even(cost * pl.col("_q_sold"), pl.col("_q_before"))
        step = step.select(
            "_row",
            "_g",
            pl.when(whole | (pl.col("_q_before") <= 0)).then(cost).otherwise(part).alias("relief"),
        )
        parts.append(step.select("_row", "relief"))
        done = (
            pl.concat([done, step.select("_g", pl.col("relief").alias("_done"))])
            .group_by("_g")
            .agg(pl.col("_done").sum())
        )
    if not parts:
        return pl.DataFrame(schema={"_row": pl.UInt32, "relief": CENTS})
    return pl.concat(parts).with_columns(pl.col("relief").cast(CENTS))


def positions(rows: pl.DataFrame, valuations: pl.DataFrame, grid: pl.DataFrame) -> pl.DataFrame:
    """Per (fund_id, holding_id, at) of the `grid` (fund_id, at): remaining cost, realised
    gain to date, the value from the latest mark (`marked`, null without one; R2) with that
    mark's date and `file:line` (`mark_date`, `mark_source`), whether it is `written_off`,
    tracked, and proceeds received (for the exit rule)."""
    dated = rows.join(grid, on="fund_id").filter(pl.col("date") <= pl.col("at"))
    keys = [*_KEYS, "at"]
    marks = (
        valuations.sort([*_KEYS, "date", "source_file", "source_line"])
        .join(grid, on="fund_id")
        .filter(pl.col("date") <= pl.col("at"))
        .group_by(keys)
        .agg(
            pl.col("date").last().alias("_mark_date"),
            cents(pl.col("fair_value_fund")).last().alias("_mark"),
            pl.format("{}:{}", "source_file", "source_line").last().alias("mark_source"),
        )
    )
    dated = dated.join(marks, on=keys, how="left")
    after = pl.col("_mark_date").is_not_null() & (pl.col("date") > pl.col("_mark_date"))
    upto = pl.col("_mark_date").is_not_null() & (pl.col("date") <= pl.col("_mark_date"))
    out = dated.group_by(keys).agg(
        (pl.col("inv").sum() - pl.col("relief").sum()).alias("remaining_cost"),
        pl.col("realised").sum(),
        pl.col("proc").sum().alias("proceeds"),
        (pl.col("q_in").sum() - pl.col("q_out").sum()).alias("_q_now"),
        (pl.col("type") == "write_off").any().alias("written_off"),
        pl.col("tracked").first(),
        pl.col("_mark").first(),
        pl.col("_mark_date").first().alias("mark_date"),
        pl.col("mark_source").first(),
        pl.col("inv").filter(after).sum().alias("_inv_after"),
        pl.col("q_in").filter(after).sum().alias("_q_after"),
        (pl.col("q_in").filter(upto).sum() - pl.col("q_out").filter(upto).sum()).alias("_q_mark"),
    )
    base = pl.col("_mark") + pl.col("_inv_after")
    held = pl.col("_q_mark") + pl.col("_q_after")
    averaged = (
        pl.when(held > 0).then(divide_half_even(base * pl.col("_q_now"), held)).otherwise(zero())
    )
    marked = pl.when(pl.col("tracked")).then(averaged).otherwise(base)
    return out.with_columns(
        pl.when(pl.col("_mark").is_not_null()).then(marked).alias("marked")
    ).select(
        *keys,
        "remaining_cost",
        "realised",
        "proceeds",
        "written_off",
        "tracked",
        "marked",
        "mark_date",
        "mark_source",
    )


def valued(
    holdings: pl.DataFrame, sub_values: pl.DataFrame, translation: pl.DataFrame
) -> pl.DataFrame:
    """Each holding's `value` (written off: 0; a fund of the book: the holder's capital in it,
    R6; a mark: R2; else remaining cost), after the exit rule of untracked holdings (a zero
    mark with proceeds received realises the remaining cost: `exited`, the cost it realised);
    `from_capital` when the value is a capital account (R6); and its `fx` translation
    (`translation`: gl_fx.translation), carried only while valued from a capital account."""
    keys = [*_KEYS, "at"]
    out = holdings.join(sub_values, on=keys, how="left").join(translation, on=keys, how="left")
    if "_gp_value" not in out.columns:
        out = out.with_columns(
            pl.lit(None, CENTS).alias("_gp_value"), pl.lit(None, pl.Boolean).alias("_gp_only")
        )
    # a fund held from its GP's statements (issue 13): by the book state's rule
    by_gp = ~pl.col("written_off") & BY_GP
    out = out.with_columns(
        pl.when(by_gp).then(None).otherwise(pl.col("_sub_value")).alias("_sub_value"),
        by_gp.alias("_by_gp"),
    )
    from_capital = ~pl.col("written_off") & pl.col("_sub_value").is_not_null()
    exit_ = (
        ~pl.col("tracked")
        & ~pl.col("written_off")
        & pl.col("_sub_value").is_null()
        & ~pl.col("_by_gp")
        & (pl.col("marked") == 0)
        & (pl.col("proceeds") > 0)
    )
    value = (
        pl.when(pl.col("written_off"))
        .then(zero())
        .when(pl.col("_by_gp"))
        .then(pl.col("_gp_value"))
        .otherwise(pl.coalesce("_sub_value", "marked", "remaining_cost"))
    )
    out = out.with_columns(
        value.alias("value"),
        pl.when(exit_).then(pl.col("remaining_cost")).otherwise(zero()).alias("_exit"),
        pl.when(from_capital).then(pl.col("fx").fill_null(zero())).otherwise(zero()).alias("fx"),
    )
    return out.with_columns(
        (pl.col("remaining_cost") - pl.col("_exit")).alias("remaining_cost"),
        (pl.col("realised") - pl.col("_exit")).alias("realised"),
        pl.col("_exit").alias("exited"),
        pl.col("_sub_value").is_not_null().alias("from_capital"),
    ).drop("_exit", "_sub_value", "_gp_value", "_gp_only", "_by_gp")

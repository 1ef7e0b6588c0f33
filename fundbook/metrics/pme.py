"""Public market equivalents: each fund, partner and programme against every index of the book.

The flows are those of the level's net IRR (`returns.irr_inputs`, basis net), netted per row
and date as the IRRs net them (one net flow a day: a late partner's equalisation and its
payment to the earlier ones on the same day move nothing at the fund): contributions C_t (net
paid in, negative), distributions D_t (net paid out, positive), the NAV at the as-of date
T. Each flow is compounded to T by the index, I_T / I_t, I_t the index's latest level on or
before the flow's date (index_levels.csv). Then (docs/methods.md "Public market equivalents"):

- `ks_pme` (Kaplan-Schoar): (Σ D_t·I_T/I_t + NAV_T) / Σ C_t·I_T/I_t;
- `direct_alpha`: ln(1 + a), a the XIRR of the compounded flows and the NAV;
- `ln_pme_irr` (Long-Nickels): the XIRR of the flows closed by the LN-PME NAV,
  Σ C_t·I_T/I_t − Σ D_t·I_T/I_t (the index bought by each contribution and sold by each
  distribution); undefined when that NAV is negative (the distributions sold more index than
  the contributions bought: a short position, whose IRR means nothing).

A programme pools the net flows of the funds of its scope `sub_funds` (`programme_funds`: its
member funds without the vehicles, which are LPs of the others; a programme without member
funds: its own fund, scope `scheme`) in HKD at each flow's date, its NAV at the as-of rate.
`pme_since` is the first contribution, `pme_nm` the IRR policy's flag on it
(`irr_policy.too_young`); the figures keep their numbers when n.m. `pme_undefined` says why
a figure is null (null: all defined).
"""

from __future__ import annotations

from datetime import date

import polars as pl

from fundbook.core.dtypes import INDEX_LEVEL
from fundbook.metrics.irr_policy import first_contribution, irr_months, too_young
from fundbook.metrics.money import CENTS, divide_half_even, ratio, refuse_overflow
from fundbook.metrics.positions import fx_at
from fundbook.metrics.programme import programme_funds
from fundbook.metrics.protocol import BookFrames
from fundbook.metrics.returns import irr_inputs
from fundbook.metrics.translation import to_hkd, to_hkd_at_dates

FIGURES = ("ks_pme", "direct_alpha", "ln_pme_irr")
FLAGS = ("pme_since", "pme_nm", "pme_nm_months", "pme_undefined")
LEVELS = {
    "pme_fund": ("fund_id",),
    "pme_investor": ("fund_id", "investor_id"),
    "pme_programme": ("programme",),
}
SOURCE = "fundbook.metrics.pme"
# Why a figure is undefined, beside the causes that undefine all three (`_reasons`).
NO_SIGN_CHANGE = "no sign change in its flows"
NO_ROOT = "the solver found no rate for its flows"
LN_NAV_NEGATIVE = (
    "the LN-PME NAV is negative (the distributions sold more index than the contributions bought)"
)


def index_at(levels: pl.DataFrame, at: date) -> pl.DataFrame:
    """(index_id, level_end, first_level, index_name) per index: its latest level on or before
    `at` (null when it has none), the date of its first level and its name."""
    known = levels.filter(pl.col("date") <= at).sort("date")
    ends = known.group_by("index_id").agg(pl.col("level").last().alias("level_end"))
    firsts = levels.group_by("index_id").agg(
        pl.col("date").min().alias("first_level"), pl.col("name").first().alias("index_name")
    )
    return firsts.join(ends, on="index_id", how="left").sort("index_id")


def with_index_levels(flows: pl.DataFrame, levels: pl.DataFrame, at: date) -> pl.DataFrame:
    """`flows` (date, amount in cents, ...) once per index of `levels`: `index_id`, `level_at`
    (the index's latest level on or before the flow's date), `level_end` (on or before `at`),
    `factor` (level_end / level_at, a float shown beside the flow) and `compounded` (the
    amount × level_end / level_at in cents, rounded half-even once, exact: the money every
    figure adds up); null where a level is missing."""
    ends = index_at(levels, at).select("index_id", "level_end")  # one row per index
    per_index = levels.select(
        "index_id", pl.col("date").alias("_level_date"), pl.col("level").alias("level_at")
    ).sort("_level_date")
    crossed = flows.join(ends, how="cross").sort("date")
    joined = crossed.join_asof(
        per_index,
        left_on="date",
        right_on="_level_date",
        by="index_id",
        strategy="backward",
        check_sortedness=False,
    ).drop("_level_date")
    at_units, end_units = (_level_units(pl.col(c)) for c in ("level_at", "level_end"))
    refuse_overflow(joined, [[pl.col("amount"), end_units]], "flows compounded by an index")
    return joined.with_columns(
        (pl.col("level_end").cast(pl.Float64) / pl.col("level_at").cast(pl.Float64)).alias(
            "factor"
        ),
        divide_half_even(pl.col("amount") * end_units, at_units).alias("compounded"),
    )


def _level_units(level: pl.Expr) -> pl.Expr:
    """An index level (6 decimals) as an exact integer of 10⁻⁶ points."""
    return (level.cast(INDEX_LEVEL) * 10**6).cast(CENTS)


def pme_levels(
    frames: BookFrames, as_of: date, fund: pl.DataFrame, investor: pl.DataFrame
) -> dict[str, pl.DataFrame]:
    """The levels pme_fund, pme_investor and pme_programme as of `as_of`, from the NAVs of the
    fund and investor levels (`fund`, `investor`: as `levels.figures` computes them); empty
    frames with their columns when the book has no index levels."""
    levels = frames.index_levels  # as of the frames' date (store.frames: dated rows)
    txns = frames.transactions.filter(pl.col("date") <= as_of)
    months = irr_months(frames)
    # A fund's net IRR flows are its partners' (irr_inputs gives the same rows, by fund):
    # compounded once, summed by partner and by fund; each level's NAV its own.
    partners = investor.select("fund_id", "investor_id", "nav")
    flows, navs = _split(irr_inputs(txns, "net", "investor", partners, as_of), partners.height)
    indexed = compound(flows, levels, as_of)
    funds = fund.select("fund_id", "nav")
    _, fund_navs = _split(irr_inputs(txns.clear(), "net", "fund", funds, as_of), funds.height)
    out = {}
    for name, values in (("pme_fund", fund_navs), ("pme_investor", navs)):
        keys = list(LEVELS[name])
        since = first_contribution(txns, keys).rename({"irr_since": "pme_since"})
        out[name] = pme_rows(indexed, values, keys, levels, as_of, since, months, "fund_id")
    flows, navs, since = programme_flows(frames, as_of, fund)
    keys = ["programme"]
    pooled = pme_rows(
        compound(flows, levels, as_of), navs, keys, levels, as_of, since, months, "programme"
    )
    out["pme_programme"] = pooled.join(
        navs.select("programme", "scope").unique(), on="programme", how="left"
    )
    return out


def compound(flows: pl.DataFrame, levels: pl.DataFrame, at: date) -> pl.DataFrame:
    """`flows` (keys, date, amount in cents) compounded by every index (`with_index_levels`)."""
    rows = flows.with_columns(pl.col("amount").cast(CENTS))
    return with_index_levels(rows, levels, at).drop("level_end")


def _split(flows: pl.DataFrame, terminals: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """irr_inputs' ledger rows, and its `terminals` final inflows (one per row of the values
    it was given, after the rows: its NAV figures) as `nav`."""
    rows = flows.head(flows.height - terminals)
    return rows, flows.tail(terminals).drop("date").rename({"amount": "nav"})


def programme_flows(
    frames: BookFrames, as_of: date, fund: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """The pooled net flows of each programme's funds (`programme_funds`: its members but the
    vehicles, else its own fund) in HKD cents at each flow's date, their NAVs at the as-of rate
    (with the scope), and the first contribution of any of its funds (`pme_since`)."""
    members = programme_funds(frames, as_of)
    txns = frames.transactions.filter(pl.col("date") <= as_of)
    mine = txns.join(members.select("fund_id"), on="fund_id", how="semi")
    values = fund.join(members.select("fund_id"), on="fund_id", how="semi").select("fund_id", "nav")
    flows, navs = _split(irr_inputs(mine, "net", "fund", values, as_of), values.height)
    flows = to_hkd_at_dates(flows, frames).join(members, on="fund_id")
    navs = to_hkd(navs, frames, fx_at(frames, as_of), "nav").join(members, on="fund_id")
    pooled = navs.group_by("programme", "scope").agg(pl.col("nav").sum())
    since = (
        first_contribution(mine, ["fund_id"])
        .join(members, on="fund_id")
        .group_by("programme")
        .agg(pl.col("irr_since").min().alias("pme_since"))
    )
    return flows.select("programme", "fund_id", "date", "amount"), pooled, since


def pme_rows(
    indexed: pl.DataFrame,
    navs: pl.DataFrame,
    keys: list[str],
    levels: pl.DataFrame,
    as_of: date,
    since: pl.DataFrame,
    months: pl.DataFrame,
    months_key: str,
) -> pl.DataFrame:
    """The PME row of each (keys, index) of `navs` (keys, nav in cents) from its flows
    compounded by each index (`indexed`: `compound`, keys and more, date, amount, ...)."""
    schema = {**{k: pl.String() for k in keys}, "index_id": pl.String()}
    if levels.height == 0:
        return pl.DataFrame(schema={**schema, **_FIGURE_SCHEMA})
    ends = index_at(levels, as_of)
    # the IRR policy's flag per row, before the rows are crossed with the indices
    flagged = (
        navs.select(*keys, pl.col("nav").cast(CENTS))
        .join(since, on=keys, how="left")
        .join(
            months.rename({"fund_id": months_key, "irr_nm_months": "pme_nm_months"}),
            on=months_key,
            how="left",
        )
        .with_columns(
            too_young(pl.col("pme_since"), as_of, pl.col("pme_nm_months")).alias("pme_nm")
        )
    )
    groups = flagged.join(ends, how="cross")
    rows = net_by_date(indexed, [*keys, "index_id"])
    sums = _sums(rows, [*keys, "index_id"])
    contributed = pl.col("_contributed").fill_null(False)
    defined = contributed & pl.col("level_end").is_not_null() & pl.col("_unlevelled").is_null()
    out = (
        groups.join(sums, on=[*keys, "index_id"], how="left")
        .with_columns(defined.alias("_defined"))
        .with_row_index("_g")
    )
    alpha = _xirr(out, rows, keys, "alpha", as_of)
    ln = _xirr(out, rows, keys, "ln", as_of)
    out = out.join(alpha, on="_g", how="left").join(ln, on="_g", how="left")
    out = out.with_columns(
        pl.when(pl.col("_defined"))
        .then(ratio(pl.col("_d_fv") + pl.col("nav"), pl.col("_c_fv")))
        .alias("ks_pme"),
        pl.col("_alpha").log1p().alias("direct_alpha"),
        pl.col("_ln").alias("ln_pme_irr"),
    )
    out = out.with_columns(_reasons(as_of).alias("pme_undefined"))
    return out.select(*keys, "index_id", *_FIGURE_SCHEMA).sort(*keys, "index_id")


_FIGURE_SCHEMA: dict[str, pl.DataType] = {
    "index_name": pl.String(),
    "ks_pme": pl.Float64(),
    "direct_alpha": pl.Float64(),
    "ln_pme_irr": pl.Float64(),
    "pme_since": pl.Date(),
    "pme_nm": pl.Boolean(),
    "pme_nm_months": pl.Int64(),
    "pme_undefined": pl.String(),
}


def net_by_date(indexed: pl.DataFrame, group: list[str]) -> pl.DataFrame:
    """(group, date, amount, compounded, level_at): the compounded flows of `indexed` netted
    per group and date (one flow a day, as the IRRs net them: what is paid in and out on the
    same day is neither a contribution nor a distribution)."""
    return indexed.group_by(*group, "date").agg(
        pl.col("amount").sum(), pl.col("compounded").sum(), pl.col("level_at").first()
    )


def _sums(rows: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    """Per group of `rows` (one net flow a day): the contributions and distributions
    compounded to T (`_c_fv`, `_d_fv`), the first flow date without an index level
    (`_unlevelled`), and whether it has contributions."""
    fv = pl.col("compounded")
    return rows.group_by(keys).agg(
        (0 - fv).filter(pl.col("amount") < 0).sum().alias("_c_fv"),
        fv.filter(pl.col("amount") > 0).sum().alias("_d_fv"),
        pl.col("date").filter(pl.col("level_at").is_null()).min().alias("_unlevelled"),
        (pl.col("amount") < 0).any().alias("_contributed"),
    )


def _xirr(
    out: pl.DataFrame, rows: pl.DataFrame, keys: list[str], which: str, as_of: date
) -> pl.DataFrame:
    """(_g, _<which>, _<which>_signs) of the groups of `out` (numbered `_g`) with `_defined`:
    the XIRR of the compounded flows and the NAV (`alpha`), or of the flows and the LN-PME NAV
    when it is not negative (`ln`), NaN where the solver finds none; and whether the flows it
    was given change sign (null: not solved)."""
    import numpy as np  # loaded here, as performance.irr_by_group: reading figures never solves

    from fundbook.metrics.xirr import xirr_grouped

    if which == "alpha":
        amount, terminal, chosen = pl.col("compounded"), pl.col("nav"), out
    else:
        amount, terminal = pl.col("amount"), pl.col("_c_fv") - pl.col("_d_fv")
        chosen = out.filter(terminal >= 0)
    chosen = chosen.filter(pl.col("_defined"))
    group = [*keys, "index_id"]
    # `rows` has one net amount per group and date already (`net_by_date`: a fund's call on
    # its partners is one flow); in a fixed order, by group then date, so that the solver's
    # sums, hence the figures, never move (one integer key sorts faster than two columns)
    by_group_date = pl.col("_g").cast(pl.Int64) * 2**32 + pl.col("date").cast(pl.Int64) + 2**31
    body = (
        rows.join(chosen.select("_g", *group), on=group)
        .sort(by_group_date)
        .select("_g", "date", (amount.cast(pl.Float64) / 100).alias("amount"))
    )
    final = chosen.select(
        "_g", pl.lit(as_of).alias("date"), (terminal.cast(pl.Float64) / 100).alias("amount")
    )
    flows = pl.concat([body, final])
    signs = flows.group_by("_g").agg(
        ((pl.col("amount") < 0).any() & (pl.col("amount") > 0).any()).alias(f"_{which}_signs")
    )
    rates = np.full(out.height, np.nan)
    if flows.height:
        solved = xirr_grouped(
            flows["_g"].to_numpy(), flows["date"].to_numpy(), flows["amount"].to_numpy()
        )
        rates[: solved.size] = solved
    solved_rates = pl.DataFrame({"_g": out["_g"], f"_{which}": rates}).with_columns(
        pl.col(f"_{which}").fill_nan(None)
    )
    return solved_rates.join(signs, on="_g", how="left")


def _reasons(as_of: date) -> pl.Expr:
    """Why a figure of the row is undefined: a cause of all three, else each null figure's
    (null when all are defined)."""
    each = pl.concat_str(
        pl.when(pl.col("direct_alpha").is_null()).then(
            pl.when(pl.col("_alpha_signs").fill_null(False))
            .then(pl.lit(f"direct_alpha: {NO_ROOT} compounded by the index"))
            .otherwise(pl.lit(f"direct_alpha: {NO_SIGN_CHANGE} compounded by the index"))
        ),
        pl.when(pl.col("ln_pme_irr").is_null()).then(
            pl.when(pl.col("_c_fv") - pl.col("_d_fv") < 0)
            .then(pl.lit(f"ln_pme_irr: {LN_NAV_NEGATIVE}"))
            .when(pl.col("_ln_signs").fill_null(False))
            .then(pl.lit(f"ln_pme_irr: {NO_ROOT} and the LN-PME NAV"))
            .otherwise(pl.lit(f"ln_pme_irr: {NO_SIGN_CHANGE} and the LN-PME NAV"))
        ),
        separator="; ",
        ignore_nulls=True,
    )
    return (
        pl.when(pl.col("level_end").is_null())
        .then(pl.format(f"index {{}} has no level on or before {as_of}", "index_id"))
        .when(~pl.col("_contributed").fill_null(False))
        .then(pl.lit("no contributions"))
        .when(pl.col("_unlevelled").is_not_null())
        .then(
            pl.format(
                "index {} has no level on or before {} (a flow's date)", "index_id", "_unlevelled"
            )
        )
        .otherwise(pl.when(each != "").then(each))
    )

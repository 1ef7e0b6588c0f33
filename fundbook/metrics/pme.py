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
funds: its own fund, scope `scheme`), each fund's net flow of a day in HKD at the day's rate,
its NAV at the as-of rate.
`pme_since` is the first contribution, `pme_nm` the IRR policy's flag on it
(`irr_policy.too_young`); the figures keep their numbers when n.m. `pme_undefined` says why
a figure is null (null: all defined).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Any

import polars as pl

from fundbook.core.dtypes import INDEX_LEVEL
from fundbook.core.errors import MoneyOverflow
from fundbook.metrics.irr_policy import first_contribution, irr_months, too_young
from fundbook.metrics.money import CENTS, ratio
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
    amount × level_end / level_at in cents, rounded half-even once, exact: `compound_cents`,
    the money every figure adds up); null where a level is missing."""
    import numpy as np

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
    units = joined.select(
        pl.col("amount").cast(pl.Int64),
        *(_level_units(pl.col(c)).cast(pl.Int64).fill_null(0) for c in ("level_at", "level_end")),
    )
    known = (units["level_at"] > 0) & (units["level_end"] > 0)
    # a flow without a level is compounded by 1 (and shown null)
    end_units = units["level_end"].to_numpy()
    at_units = np.where(known.to_numpy(), units["level_at"].to_numpy(), np.maximum(end_units, 1))
    compounded = compound_cents(units["amount"].to_numpy(), units["level_end"].to_numpy(), at_units)
    return joined.with_columns(
        (pl.col("level_end").cast(pl.Float64) / pl.col("level_at").cast(pl.Float64)).alias(
            "factor"
        ),
        pl.when(known).then(pl.Series(compounded).cast(CENTS)).alias("compounded"),
    )


def compound_cents(amount: Any, end_units: Any, at_units: Any) -> Any:
    """amount × end_units / at_units per element (int64 numpy arrays: cents, index levels in
    10⁻⁶ points, at_units > 0), rounded half-even, exact.

    The product outgrows 64 bits, so the quotient is first estimated in floats (within a few
    units while it stays under 2⁵² cents), then corrected by the remainder, computed in
    integers modulo 2⁶⁴: it is smaller than 2⁶³ in magnitude, so the wrapped result is the
    exact one. The rare quotients beyond 2⁵² cents are computed in Python's integers; beyond
    64 bits, MoneyOverflow."""
    import numpy as np

    a = np.asarray(amount, dtype=np.int64)
    e = np.broadcast_to(np.asarray(end_units, dtype=np.int64), a.shape)
    d = np.broadcast_to(np.asarray(at_units, dtype=np.int64), a.shape)
    estimate = a.astype(np.float64) * (e.astype(np.float64) / d.astype(np.float64))
    large = ~(np.abs(estimate) < _EXACT_BELOW)
    estimate[large] = 0.0
    quotient = np.floor(estimate).astype(np.int64)
    with np.errstate(over="ignore"):
        rest = (
            a.view(np.uint64) * e.view(np.uint64) - quotient.view(np.uint64) * d.view(np.uint64)
        ).view(np.int64)
    quotient = quotient + rest // d
    twice_rest = 2 * (rest % d)
    up = (twice_rest > d) | ((twice_rest == d) & (quotient % 2 != 0))
    out = quotient + up
    for i in np.flatnonzero(large):
        exact = round(Fraction(int(a[i]) * int(e[i]), int(d[i])))  # half to even
        if not -(2**63) < exact < 2**63:
            raise MoneyOverflow(
                "flows compounded by an index: an amount is too large for fundbook's exact "
                "integer arithmetic (64-bit cents); the figures are refused rather than "
                "wrapped around. Check the ledger for amounts in the wrong unit"
            )
        out[i] = exact
    return out


_EXACT_BELOW = float(2**52)  # |amount × factor| in cents under which the float estimate is close


def _level_units(level: pl.Expr) -> pl.Expr:
    """An index level (6 decimals) as an exact integer of 10⁻⁶ points."""
    return (level.cast(INDEX_LEVEL) * 10**6).cast(CENTS)


def pme_levels(
    frames: BookFrames,
    as_of: date,
    fund: pl.DataFrame,
    investor: pl.DataFrame,
    partners_against: pl.DataFrame | None = None,
) -> dict[str, pl.DataFrame]:
    """The levels pme_fund, pme_investor and pme_programme as of `as_of`, from the NAVs of the
    fund and investor levels (`fund`, `investor`: as `levels.figures` computes them); empty
    frames with their columns when the book has no index levels.

    Every fund and programme against every index; the partners of a fund against the indices
    `partners_against` gives it (fund_id, index_id), by default its benchmark (`benchmarks`:
    what a close stores; `metrics --by investor --pme` asks for any other)."""
    levels = frames.index_levels  # as of the frames' date (store.frames: dated rows)
    txns = frames.transactions.filter(pl.col("date") <= as_of)
    months = irr_months(frames)
    # A fund's net IRR flows are its partners' (irr_inputs gives the same rows, by fund):
    # each level's NAV its own.
    partners = investor.select("fund_id", "investor_id", "nav")
    flows, navs = _split(irr_inputs(txns, "net", "investor", partners, as_of), partners.height)
    funds = fund.select("fund_id", "nav")
    _, fund_navs = _split(irr_inputs(txns.clear(), "net", "fund", funds, as_of), funds.height)
    firsts, by_fund = (
        _since(txns, level, list(LEVELS[name]))
        for level, name in ((investor, "pme_investor"), (fund, "pme_fund"))
    )
    out: dict[str, pl.DataFrame] = {}
    since = by_fund.rename({"irr_since": "pme_since"})
    keys = list(LEVELS["pme_fund"])
    out["pme_fund"] = pme_rows(flows, fund_navs, keys, levels, as_of, since, months, "fund_id")
    # a partner's flows are close to a share of its fund's: its rates start from the fund's
    start, since = _start(out["pme_fund"]), firsts.rename({"irr_since": "pme_since"})
    against = benchmarks(frames) if partners_against is None else partners_against
    keys = list(LEVELS["pme_investor"])
    parts = [_empty(keys)]  # the level's columns when no partner is compared
    for index_id in sorted(set(against["index_id"].to_list())):
        mine = against.filter(pl.col("index_id") == index_id).select("fund_id")
        flows_of, navs_of = (f.join(mine, on="fund_id", how="semi") for f in (flows, navs))
        index = levels.filter(pl.col("index_id") == index_id)
        parts.append(
            pme_rows(flows_of, navs_of, keys, index, as_of, since, months, "fund_id", start)
        )
    out["pme_investor"] = pl.concat(parts).sort(*keys, "index_id")
    pooled_flows, pooled_navs, since = programme_flows(frames, as_of, fund, flows, by_fund)
    pooled = pme_rows(
        pooled_flows, pooled_navs, ["programme"], levels, as_of, since, months, "programme"
    )
    out["pme_programme"] = pooled.join(
        pooled_navs.select("programme", "scope").unique(), on="programme", how="left"
    )
    return out


def benchmarks(frames: BookFrames) -> pl.DataFrame:
    """(fund_id, index_id): each fund's benchmark, its terms' pme_index, else that of the fund
    its programme_id names (a sub-fund is compared as its guidance fund is); a fund with none
    has no row."""
    schema = {"fund_id": pl.String(), "index_id": pl.String()}
    terms = frames.terms
    if "pme_index" not in terms.columns:
        return pl.DataFrame(schema=schema)
    own = terms.select("fund_id", pl.col("pme_index").cast(pl.String))
    parent = own.rename({"fund_id": "programme_id", "pme_index": "_programme_index"})
    return (
        frames.funds.select("fund_id", "programme_id")
        .join(own, on="fund_id", how="left")
        .join(parent, on="programme_id", how="left")
        .select("fund_id", pl.coalesce("pme_index", "_programme_index").alias("index_id"))
        .drop_nulls("index_id")
        .sort("fund_id")
    )


def _since(txns: pl.DataFrame, level: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    """(keys, irr_since): the first contribution of each row of `level`, its own column when it
    has one (`irr_policy.irr_flags` put it there), else `first_contribution` of `txns`."""
    if "irr_since" in level.columns:
        return level.select(*keys, "irr_since")
    return first_contribution(txns, keys)


def _start(rows: pl.DataFrame) -> pl.DataFrame:
    """(fund_id, index_id, _alpha, _ln): where the solver starts for the rows of another level
    of the same funds (a start only: the roots found are the same to the solver's tolerance)."""
    return rows.select(
        "fund_id",
        "index_id",
        pl.col("direct_alpha").exp().sub(1).alias("_alpha"),
        pl.col("ln_pme_irr").alias("_ln"),
    )


def _split(flows: pl.DataFrame, terminals: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """irr_inputs' ledger rows, and its `terminals` final inflows (one per row of the values
    it was given, after the rows: its NAV figures) as `nav`."""
    rows = flows.head(flows.height - terminals)
    return rows, flows.tail(terminals).drop("date").rename({"amount": "nav"})


def programme_flows(
    frames: BookFrames,
    as_of: date,
    fund: pl.DataFrame,
    flows: pl.DataFrame | None = None,
    firsts: pl.DataFrame | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """The pooled net flows of each programme's funds (`programme_funds`: its members but the
    vehicles, else its own fund; one a fund and day) in HKD cents at each flow's date, their
    NAVs at the as-of rate (with the scope), and the first contribution of any of its funds
    (`pme_since`).

    `flows` (fund_id, date, amount: the funds' net IRR flows, `irr_inputs`) and `firsts`
    (fund_id, irr_since: `first_contribution`) when the caller has them already."""
    members = programme_funds(frames, as_of)
    if flows is None or firsts is None:
        txns = frames.transactions.filter(pl.col("date") <= as_of)
        txns = txns.join(members.select("fund_id"), on="fund_id", how="semi")
        flows = irr_inputs(txns, "net", "fund", fund.select("fund_id", "nav").clear(), as_of)
        firsts = first_contribution(txns, ["fund_id"])
    values = fund.join(members.select("fund_id"), on="fund_id", how="semi").select("fund_id", "nav")
    no_txns = frames.transactions.clear()
    _, values = _split(irr_inputs(no_txns, "net", "fund", values, as_of), values.height)
    # each fund's net flow of a day, converted once (a call on its partners is one flow)
    mine = (
        flows.join(members.select("fund_id"), on="fund_id", how="semi")
        .group_by("fund_id", "date")
        .agg(pl.col("amount").sum())
        .sort("fund_id", "date")
    )
    pooled_flows = to_hkd_at_dates(mine, frames).join(members, on="fund_id")
    navs = to_hkd(values, frames, fx_at(frames, as_of), "nav").join(members, on="fund_id")
    pooled = navs.group_by("programme", "scope").agg(pl.col("nav").sum())
    since = (
        firsts.join(members, on="fund_id")
        .group_by("programme")
        .agg(pl.col("irr_since").min().alias("pme_since"))
    )
    return pooled_flows.select("programme", "fund_id", "date", "amount"), pooled, since


def pme_rows(
    flows: pl.DataFrame,
    navs: pl.DataFrame,
    keys: list[str],
    levels: pl.DataFrame,
    as_of: date,
    since: pl.DataFrame,
    months: pl.DataFrame,
    months_key: str,
    start: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """The PME row of each (keys, index) of `navs` (keys, nav in cents) from its net IRR flows
    (`flows`: keys and more, date, amount in cents; the flows of keys not in `navs` are not
    used): each flow compounded by each index (`compound_cents`), netted per row and date.
    `start` (some of keys, index_id, _alpha, _ln): rates where the solver starts."""
    if levels.height == 0:
        return _empty(keys)
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
        .with_row_index("_g")
    )
    starts = None
    if start is not None:
        on = [k for k in keys if k in start.columns]
        starts = (
            flagged.select("_g", *on).join(start, on=on).select("_g", "index_id", "_alpha", "_ln")
        )
    sums = _figures(_DayFlows.of(flows, flagged, keys), flagged, ends, levels, as_of, starts)
    contributed = pl.col("_contributed").fill_null(False)
    defined = contributed & pl.col("level_end").is_not_null() & pl.col("_unlevelled").is_null()
    out = (
        flagged.join(ends, how="cross")
        .join(sums, on=["_g", "index_id"], how="left")
        .with_columns(defined.alias("_defined"))
    )
    out = out.with_columns(
        pl.when(pl.col("_defined"))
        .then(ratio(pl.col("_d_fv") + pl.col("nav"), pl.col("_c_fv")))
        .alias("ks_pme"),
        pl.when(pl.col("_defined")).then(pl.col("_alpha").log1p()).alias("direct_alpha"),
        pl.when(pl.col("_defined")).then(pl.col("_ln")).alias("ln_pme_irr"),
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


def _empty(keys: list[str]) -> pl.DataFrame:
    """A PME level without rows: its columns."""
    schema = {**{k: pl.String() for k in keys}, "index_id": pl.String(), **_FIGURE_SCHEMA}
    return pl.DataFrame(schema=schema)


@dataclass(frozen=True)
class _DayFlows:
    """The flows of the rows numbered `_g`, in numpy, sorted by row then date: each flow's
    `amount` (cents) and `run` (its row's flows of one date: the IRRs' one net flow a day,
    what is paid in and out on the same day being neither a contribution nor a
    distribution); each run's first flow (`firsts`), row (`group`), date (`day`, days since
    1970) and net amount (`net`); where each row's runs start (`starts`)."""

    amount: Any
    run: Any
    firsts: Any
    group: Any
    day: Any
    net: Any
    starts: Any

    @staticmethod
    def of(flows: pl.DataFrame, rows: pl.DataFrame, keys: list[str]) -> _DayFlows:
        import numpy as np

        coded = flows.select(*keys, "date", "amount").join(
            rows.select(*keys, "_g"), on=keys, how="inner"
        )
        group = coded["_g"].cast(pl.Int64).to_numpy()
        day = coded["date"].cast(pl.Int32).cast(pl.Int64).to_numpy()
        amount = coded["amount"].cast(pl.Int64).to_numpy()
        order = np.argsort(group * 2**32 + (day + 2**31), kind="stable")
        group, day, amount = group[order], day[order], amount[order]
        new_run = np.r_[True, (group[1:] != group[:-1]) | (day[1:] != day[:-1])]
        firsts = np.flatnonzero(new_run) if amount.size else np.zeros(0, dtype=np.int64)
        run_group = group[firsts]
        return _DayFlows(
            amount=amount,
            run=np.cumsum(new_run) - 1,
            firsts=firsts,
            group=run_group,
            day=day[firsts],
            net=days_sum(amount, firsts),
            starts=np.flatnonzero(np.r_[True, run_group[1:] != run_group[:-1]])
            if run_group.size
            else firsts,
        )


def days_sum(values: Any, firsts: Any) -> Any:
    """The sums of `values` between consecutive `firsts` (numpy; empty in, empty out)."""
    import numpy as np

    return np.add.reduceat(values, firsts) if firsts.size else values[:0]


def _figures(
    days: _DayFlows,
    rows: pl.DataFrame,
    ends: pl.DataFrame,
    levels: pl.DataFrame,
    as_of: date,
    starts: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """(_g, index_id, _c_fv, _d_fv, _unlevelled, _contributed, _alpha, _alpha_signs, _ln,
    _ln_signs) of every row of `rows` with flows, per index of `ends`: the contributions and
    distributions compounded to T, the first flow date without an index level, whether it
    has contributions; the XIRRs of the compounded flows and the NAV (alpha) and of the flows
    and the LN-PME NAV when not negative (ln), NaN where the solver finds none, and whether
    the flows solved change sign (null: not solved)."""
    import numpy as np

    schema = {
        "_g": pl.UInt32(),
        "index_id": pl.String(),
        "_c_fv": CENTS,
        "_d_fv": CENTS,
        "_unlevelled": pl.Date(),
        "_contributed": pl.Boolean(),
        "_alpha": pl.Float64(),
        "_alpha_signs": pl.Boolean(),
        "_ln": pl.Float64(),
        "_ln_signs": pl.Boolean(),
    }
    if days.group.size == 0:
        return pl.DataFrame(schema=schema)
    columns = list(schema)
    groups = days.group[days.starts]
    nav = rows["nav"].cast(pl.Int64).to_numpy()[groups]
    paid, received = days.net < 0, days.net > 0
    contributed = np.maximum.reduceat(paid, days.starts)
    out = []
    end_units = ends.select("index_id", _level_units(pl.col("level_end")).cast(pl.Int64))
    for index_id, level_end in end_units.iter_rows():
        mine = levels.filter(pl.col("index_id") == index_id).sort("date")
        level_days = mine["date"].cast(pl.Int32).cast(pl.Int64).to_numpy()
        units = mine.select(_level_units(pl.col("level")).cast(pl.Int64))
        at = np.searchsorted(level_days, days.day, side="right") - 1
        levelled = at >= 0
        # a flow without a level is compounded by 1 (its row's figures are undefined)
        at_units = np.where(
            levelled, units.to_series().to_numpy()[np.maximum(at, 0)], max(level_end or 0, 1)
        )
        each = compound_cents(days.amount, level_end or 0, at_units[days.run])
        compounded = np.where(levelled, days_sum(each, days.firsts), 0)
        if np.abs(compounded).sum(dtype=np.float64) >= _EXACT_BELOW * 1024:
            raise MoneyOverflow(
                "flows compounded by an index: their sums are too large for fundbook's "
                "exact integer arithmetic; the figures are refused rather than wrapped around"
            )
        c_fv = np.add.reduceat(np.where(paid, -compounded, 0), days.starts)
        d_fv = np.add.reduceat(np.where(received, compounded, 0), days.starts)
        never = np.iinfo(np.int64).max
        unlevelled = np.minimum.reduceat(np.where(levelled, never, days.day), days.starts)
        defined = contributed & (unlevelled == never) & (level_end is not None)
        guess = _guesses(starts, index_id, rows.height, groups)
        alpha, alpha_signs = _xirr(days, defined, compounded, nav, as_of, guess["_alpha"])
        ln_nav = c_fv - d_fv
        ln, ln_signs = _xirr(days, defined & (ln_nav >= 0), days.net, ln_nav, as_of, guess["_ln"])
        out.append(
            pl.DataFrame(
                {
                    "_g": groups,
                    "index_id": [index_id] * groups.size,
                    "_c_fv": c_fv,
                    "_d_fv": d_fv,
                    "_unlevelled": pl.Series(unlevelled).set(pl.Series(unlevelled == never), None),
                    "_contributed": contributed,
                    "_alpha": alpha,
                    "_alpha_signs": alpha_signs,
                    "_ln": ln,
                    "_ln_signs": ln_signs,
                }
            ).with_columns(
                pl.col("_unlevelled").cast(pl.Int32).cast(pl.Date),
                pl.col("_g").cast(pl.UInt32),
                pl.col("_c_fv").cast(CENTS),
                pl.col("_d_fv").cast(CENTS),
            )
        )
    return pl.concat(out).select(columns)


def _guesses(starts: pl.DataFrame | None, index_id: str, n: int, groups: Any) -> dict[str, Any]:
    """The start rates `_alpha` and `_ln` of the rows `groups` (of `n`) against `index_id`
    (NaN: none)."""
    import numpy as np

    out = {}
    for name in ("_alpha", "_ln"):
        values = np.full(n, np.nan)
        if starts is not None:
            mine = starts.filter(pl.col("index_id") == index_id).drop_nulls(name)
            values[mine["_g"].to_numpy()] = mine[name].to_numpy()
        out[name] = values[groups]
    return out


def _xirr(
    days: _DayFlows, chosen: Any, runs: Any, terminal: Any, as_of: date, guess: Any
) -> tuple[pl.Series, pl.Series]:
    """Per row of `days` (its `starts`): the XIRR of its net flows of a day (`runs`, cents) and
    its `terminal` (cents) at `as_of`, for the `chosen` rows (NaN where the solver finds
    none, null for the others), the solver starting at `guess` (per row, NaN: its own first
    guess); and whether the flows solved change sign (null: not solved)."""
    import numpy as np  # loaded here, as performance.irr_by_group: reading figures never solves

    from fundbook.metrics.xirr import xirr_grouped

    n = days.starts.size
    counts = np.diff(np.r_[days.starts, days.group.size])
    rates = np.full(n, np.nan)
    signs = np.zeros(n, dtype=bool)
    picked = np.flatnonzero(chosen)
    if picked.size:
        # each chosen row's flows by date, then its terminal: in a fixed order, so that the
        # solver's sums, hence the figures, never move
        keep = np.repeat(chosen, counts)
        ends = np.cumsum(counts[picked])
        number = np.repeat(np.arange(picked.size), counts[picked])
        group = np.insert(number, ends, np.arange(picked.size))
        day = np.insert(days.day[keep], ends, (as_of - _EPOCH).days)
        amount = np.insert(_in_units(runs[keep]), ends, _in_units(terminal[picked]))
        rates[picked] = xirr_grouped(group, day, amount, guess=guess[picked])
        firsts = np.r_[0, ends[:-1] + np.arange(1, picked.size)]
        signs[picked] = np.maximum.reduceat(amount < 0, firsts) & np.maximum.reduceat(
            amount > 0, firsts
        )
    solved = pl.Series(rates).fill_nan(None)
    return solved, pl.Series(signs).set(pl.Series(~chosen), None)


_EPOCH = date(1970, 1, 1)


def _in_units(cents: Any) -> Any:
    """Cents (numpy) as floats of the currency unit, divided as polars divides them (as the
    net IRR's flows: `performance`), so that the solver's inputs, hence its figures, are the
    same to the last bit."""
    return (pl.Series(cents).cast(pl.Float64) / 100).to_numpy()


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

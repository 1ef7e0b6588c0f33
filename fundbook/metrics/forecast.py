"""Commitment pacing forecast (Takahashi–Alexander): every fund's future calls, distributions and
NAV year by year, with bands, and the government's share per programme (issue 15).

The forecast years are the 12-month periods after the as-of date (year 1 ends on the as-of
date a year later), the same for every fund so that a programme's funds add up. A forecast year
ends in fund year k when it ends after the (k−1)-th anniversary of the fund's inception (first
contribution; the as-of date without one) and on or before the k-th, the fund years of the
calibration (`forecast_history`); the fund's age then is k − 1 + the days since the (k−1)-th
anniversary / the days of fund year k (exactly k on the k-th anniversary). Each fund starts
from its NAV and unfunded commitment of the fund level at the as-of date, in its own currency;
its parameters come from its history where it has enough (`forecast_history`), else its terms
(`ta_*` of terms.csv), else `DEFAULTS`. The model and its rounding: `forecast_model`.
docs/methods.md, *Commitment pacing forecast*.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import polars as pl

from fundbook.core.calendar import add_years
from fundbook.core.types import REPORTING_CURRENCY
from fundbook.metrics import forecast_history as history
from fundbook.metrics import forecast_model as model
from fundbook.metrics.money import CENTS, as_money, cents, from_cents
from fundbook.metrics.performance import unfunded
from fundbook.metrics.positions import fx_at
from fundbook.metrics.protocol import BookFrames
from fundbook.metrics.state import book_state

# Takahashi & Alexander (2002), their typical venture fund: rates of contribution 25 %, 33.3 %
# and 50 % (year 1, 2, 3 and later), bow 2.5, growth 13 % a year, life 12 years. The growth's
# yearly standard deviation is not theirs: 20 %, a stated assumption (terms `ta_growth_sd`).
DEFAULTS: dict[str, float] = {
    "rc_1": 0.25,
    "rc_2": 0.333,
    "rc_3": 0.5,
    "bow": 2.5,
    "growth": 0.13,
    "growth_sd": 0.2,
    "life": 12,
}
PARAMETERS = tuple(DEFAULTS)
TERMS = {p: f"ta_{p}" for p in PARAMETERS}  # terms.csv column of each parameter
CALIBRATED = ("rc_1", "rc_2", "rc_3", "bow", "growth")  # from history when it has enough
DEFAULT_SEED = 2002
DEFAULT_PATHS = 1000
FIGURES = ("contributions", "distributions", "nav")
BANDED = tuple(f"{f}{s}" for f in FIGURES for s in ("", "_p05", "_p95"))
GOVERNMENT = tuple(f"government_{f}" for f in BANDED)
# The scopes whose funds a programme's forecast sums: its sub-funds, or a scheme's own fund.
FORECAST_SCOPES = ("sub_funds", "scheme")


@dataclass(frozen=True)
class Forecast:
    """The three levels of the forecast: per (fund, year), per fund, per (programme, year)."""

    funds: pl.DataFrame
    parameters: pl.DataFrame
    programmes: pl.DataFrame


def forecast(
    frames: BookFrames,
    as_of: date,
    fund: pl.DataFrame,
    programme_fund: pl.DataFrame,
    seed: int = DEFAULT_SEED,
    paths: int = DEFAULT_PATHS,
) -> Forecast:
    """The forecast as of `as_of` of every fund of the fund level `fund` with commitments (not a
    grant programme's: grants are not called capital), from `seed` and `paths` paths; the
    government's share per programme: the funds of the programme_fund level, the calls of each
    weighted by the government's share of its unfunded commitments, its distributions and NAV by
    the government's share of its commitments (fund level; `government_weights`)."""
    params = parameters(frames, as_of, fund, seed, paths)
    funds, ends = model_funds(params, as_of)
    path = model.expected(funds)
    weights, calls, group, progs = _programme_weights(frames, as_of, params, programme_fund, fund)
    z = model.draws(seed, paths)
    bands = model.simulate(funds, path.contributions, z, weights, group, len(progs))
    by_fund = _fund_rows(params, funds, ends, path, bands)
    spent = path.contributions.sum(axis=1) if path.contributions.size else np.zeros(0)
    params = params.with_columns(
        pl.Series("unfunded_at_end_of_life", funds.unfunded - spent.astype(np.int64), CENTS)
    )
    by_programme = _programme_rows(progs, group, (calls, weights), funds, ends, path, bands)
    return Forecast(as_money(by_fund), as_money(params), as_money(by_programme))


def parameters(
    frames: BookFrames, as_of: date, fund: pl.DataFrame, seed: int, paths: int
) -> pl.DataFrame:
    """Per fund forecast: its inception, start (NAV, unfunded), the seven parameters and where
    each comes from (`history`, `terms`, `default`), its years of history, seed and paths."""
    # the fund level's irr_since is the first contribution (irr_policy.first_contribution)
    start = (
        # a fund paying grants (role `grants` of programme_scope) calls no capital to forecast
        fund.filter((pl.col("committed") > 0) & ~(pl.col("grants") > 0))
        .select(
            "fund_id",
            "currency",
            cents(pl.col("nav")).alias("nav_at_as_of"),
            cents(pl.col("unfunded")).alias("unfunded_at_as_of"),
            "net_irr",
            pl.col("irr_since").fill_null(as_of).alias("inception"),
        )
        .with_columns(history.whole_years(pl.col("inception"), as_of).alias("history_years"))
    )
    out = _given(frames, start)
    eligible = out.filter(pl.col("history_years") >= history.MIN_YEARS)
    life = dict(eligible.select("fund_id", "life").iter_rows())
    growth = {
        f: float(g)
        for f, g in eligible.select("fund_id", "net_irr").iter_rows()
        if g is not None and g > -1
    }
    years = history.fund_years(
        frames, as_of, eligible.select("fund_id", "inception", "history_years")
    )
    fitted = history.calibrated(history.year_table(years, growth, life))
    fitted = fitted.join(
        pl.DataFrame(
            {"fund_id": list(growth), "growth": list(growth.values())},
            schema={"fund_id": pl.String, "growth": pl.Float64},
        ),
        on="fund_id",
        how="full",
        coalesce=True,
    )
    out = out.join(fitted.rename({p: f"_h_{p}" for p in CALIBRATED}), on="fund_id", how="left")
    out = out.with_columns(
        *(
            pl.when(pl.col(f"_h_{p}").is_not_null())
            .then(pl.col(f"_h_{p}"))
            .otherwise(pl.col(p))
            .alias(p)
            for p in CALIBRATED
        ),
        *(
            pl.when(pl.col(f"_h_{p}").is_not_null())
            .then(pl.lit("history"))
            .otherwise(pl.col(f"{p}_source"))
            .alias(f"{p}_source")
            for p in CALIBRATED
        ),
    )
    out = out.with_columns(
        pl.lit(seed, pl.Int64).alias("seed"), pl.lit(paths, pl.Int64).alias("paths")
    )
    out = out.filter(~_past_life_without_nav(as_of))
    cols = [
        "fund_id",
        "currency",
        "inception",
        "history_years",
        "nav_at_as_of",
        "unfunded_at_as_of",
    ]
    for p in PARAMETERS:
        cols += [p, f"{p}_source"]
    return out.select(*cols, "seed", "paths").sort("fund_id")


def _given(frames: BookFrames, start: pl.DataFrame) -> pl.DataFrame:
    """`start` with each parameter from the fund's terms, else the default, and its source."""
    terms = frames.terms
    out = start
    for p in PARAMETERS:
        col = TERMS[p]
        dtype = pl.Int64 if p == "life" else pl.Float64
        if col in terms.columns:
            given = terms.select("fund_id", pl.col(col).cast(pl.Float64).cast(dtype).alias(p))
            out = out.join(given, on="fund_id", how="left")
        else:
            out = out.with_columns(pl.lit(None, dtype).alias(p))
        out = out.with_columns(
            pl.when(pl.col(p).is_null())
            .then(pl.lit("default"))
            .otherwise(pl.lit("terms"))
            .alias(f"{p}_source"),
            pl.col(p).fill_null(pl.lit(DEFAULTS[p], dtype)),
        )
    return out


def _past_life_without_nav(as_of: date) -> pl.Expr:
    """A fund past its life at `as_of` with no NAV left: nothing to forecast."""
    age = history.whole_years(pl.col("inception"), as_of)  # whole years: L is whole years
    return (age >= pl.col("life")) & (pl.col("nav_at_as_of") == 0)


def period_ends(as_of: date, years: int) -> list[date]:
    """The end of each forecast year: the as-of date 1, 2, ... years later (29 Feb: 28 Feb)."""
    return [add_years(as_of, y) for y in range(1, years + 1)]


def model_funds(params: pl.DataFrame, as_of: date) -> tuple[model.Funds, list[date]]:
    """The arrays of the model from the parameters level, and the forecast years' ends (as
    many as the longest-running fund needs)."""
    ends = period_ends(as_of, model.YEARS_DRAWN - 1)
    fund_years, ages = fund_ages(params["inception"], ends)
    life = params["life"].to_numpy().astype(np.float64)
    years = model.run_years(ages, life)
    width = int(years.max()) if len(years) else 0
    funds = model.Funds(
        rc=params.select("rc_1", "rc_2", "rc_3").to_numpy().astype(np.float64).reshape(-1, 3),
        bow=params["bow"].to_numpy().astype(np.float64),
        growth=params["growth"].to_numpy().astype(np.float64),
        growth_sd=params["growth_sd"].to_numpy().astype(np.float64),
        life=life,
        unfunded=_cents(params["unfunded_at_as_of"]),
        nav=_cents(params["nav_at_as_of"]),
        fund_years=fund_years[:, :width],
        ages=ages[:, :width],
        years=years,
    )
    return funds, ends[:width]


def fund_ages(inception: pl.Series, ends: list[date]) -> tuple[np.ndarray, np.ndarray]:
    """(fund year, age) (fund, year) of funds started on `inception` at each of `ends`: fund
    year k = the whole years from inception to the day before the end, + 1 (the end after the
    (k−1)-th anniversary, on or before the k-th); age = k − 1 + the days since the (k−1)-th
    anniversary / the days from it to the k-th."""
    n, width = len(inception), len(ends)
    if not n:
        return np.zeros((0, width), dtype=np.int64), np.zeros((0, width))
    k = history.whole_years(pl.col("inception"), pl.col("end").dt.offset_by("-1d")) + 1
    start = history.anniversary(pl.col("inception"), pl.col("k") - 1)
    days = (pl.col("end") - start).dt.total_days()
    length = (history.anniversary(pl.col("inception"), pl.col("k")) - start).dt.total_days()
    grid = (
        pl.DataFrame({"inception": inception.cast(pl.Date)})
        .with_row_index("f")
        .join(pl.DataFrame({"end": ends}, schema={"end": pl.Date}).with_row_index("y"), how="cross")
        .sort("f", "y")
        .with_columns(k.alias("k"))
        .select("k", ((pl.col("k") - 1) + days / length).alias("age"))
    )
    return (
        grid["k"].to_numpy().astype(np.int64).reshape(n, width),
        grid["age"].to_numpy().astype(np.float64).reshape(n, width),
    )


def _cents(money: pl.Series) -> np.ndarray:
    """Money (integer cents, or Decimal as a level stores it) as int64 cents."""
    if isinstance(money.dtype, pl.Decimal):
        money = money.to_frame().select(cents(pl.col(money.name)))[money.name]
    return money.cast(pl.Int64).to_numpy()


def _fund_rows(
    params: pl.DataFrame,
    funds: model.Funds,
    ends: list[date],
    path: model.Path,
    bands: model.Bands,
) -> pl.DataFrame:
    """The forecast level: a row per fund and year of its run."""
    n, width = funds.ages.shape
    alive = np.arange(width)[None, :] < funds.years[:, None]
    f_idx, y_idx = np.nonzero(alive)
    data: dict[str, object] = {
        "fund_id": params["fund_id"].to_numpy()[f_idx] if n else [],
        "year": (y_idx + 1).astype(np.int64),
        "currency": params["currency"].to_numpy()[f_idx] if n else [],
        "period_end": [ends[y] for y in y_idx],
        "fund_age": funds.ages[f_idx, y_idx],
    }
    for name, figure in zip(FIGURES, ("contributions", "distributions", "nav"), strict=True):
        data[name] = getattr(path, figure)[f_idx, y_idx]
        data[f"{name}_p05"] = getattr(bands.low, figure)[f_idx, y_idx]
        data[f"{name}_p95"] = getattr(bands.high, figure)[f_idx, y_idx]
    schema: dict[str, pl.DataType] = {
        "fund_id": pl.String(),
        "year": pl.Int64(),
        "currency": pl.String(),
        "period_end": pl.Date(),
        "fund_age": pl.Float64(),
        **{c: CENTS for c in BANDED},
    }
    frame = pl.DataFrame(
        {k: (np.asarray(v).astype(np.int64) if k in BANDED else v) for k, v in data.items()},
        schema=schema,
    )
    return frame.sort("fund_id", "year")


def _programme_weights(
    frames: BookFrames,
    as_of: date,
    params: pl.DataFrame,
    programme_fund: pl.DataFrame,
    fund: pl.DataFrame,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """Each fund's weights into its programme's government HKD figures (`government_weights`):
    of its distributions and NAV (`weight`), of its calls (`call_weight`); each fund's programme
    (its index in the programmes, -1 for none); the programmes."""
    weights = government_weights(frames, as_of, params, programme_fund, fund)
    progs = sorted(weights["programme"].unique().to_list())
    index = {p: i for i, p in enumerate(progs)}
    order = {f: i for i, f in enumerate(params["fund_id"].to_list())}
    w, calls = np.zeros(params.height), np.zeros(params.height)
    group = np.full(params.height, -1)
    for programme, fund_id, weight, call in weights.select(
        "programme", "fund_id", "weight", "call_weight"
    ).iter_rows():
        w[order[fund_id]], calls[order[fund_id]] = weight, call
        group[order[fund_id]] = index[programme]
    return w, calls, group, progs


def government_weights(
    frames: BookFrames,
    as_of: date,
    params: pl.DataFrame,
    programme_fund: pl.DataFrame,
    fund: pl.DataFrame,
) -> pl.DataFrame:
    """(programme, fund_id, government_committed, committed, government_unfunded, unfunded,
    hkd_per_unit, weight, call_weight) of every fund forecast in a programme's
    `FORECAST_SCOPES` (programme_fund level), from the fund level (the fund's own commitments,
    in its currency: not the scope's, which also counts a scheme's deal-by-deal co-investors):

    - weight, of the distributions and NAV: the government's share of the fund's commitments
      × hkd_per_unit (0 when nothing is committed);
    - call_weight, of the calls: the government's share of the fund's unfunded commitments
      (`government_unfunded` over the fund's unfunded, both with the recallable distributions)
      × hkd_per_unit (0 when none is unfunded). Calls are drawn pro rata to what each partner
      has left to pay, so the government's calls over the years never exceed its own unfunded
      commitment, even when its paid-in share differs from its commitment share (a later
      closing)."""
    fx = fx_at(frames, as_of).select("currency", pl.col("hkd_per_unit").cast(pl.Float64))

    def share(part: str, whole: str) -> pl.Expr:
        ratio = pl.col(part).cast(pl.Float64) / pl.col(whole).cast(pl.Float64)
        return pl.when(pl.col(whole) > 0).then(ratio * pl.col("hkd_per_unit")).otherwise(0.0)

    own = (
        fund.select("fund_id", "government_committed", "committed", "unfunded")
        .join(government_unfunded(frames, as_of), on="fund_id", how="left")
        .with_columns(pl.col("government_unfunded").fill_null(0))  # no government partner
    )
    return (
        programme_fund.filter(pl.col("scope").is_in(FORECAST_SCOPES))
        .select("programme", "fund_id")
        .unique()
        .join(own, on="fund_id")
        .join(params.select("fund_id", "currency"), on="fund_id")
        .join(fx, on="currency", how="left")
        .with_columns(
            share("government_committed", "committed").alias("weight"),
            share("government_unfunded", "unfunded").alias("call_weight"),
        )
        .drop("currency")
        .sort("programme", "fund_id")
    )


def government_unfunded(frames: BookFrames, as_of: date) -> pl.DataFrame:
    """(fund_id, government_unfunded): what the government partners of each fund have left to
    pay, as the investor level's `unfunded` (committed − contributions + recallable), summed."""
    kinds = frames.investors.select("investor_id", "kind")
    return (
        book_state(frames, as_of)
        .accounts.join(kinds, on="investor_id", how="left")
        .filter(pl.col("kind") == "government")
        .group_by("fund_id")
        .agg(from_cents(unfunded().sum()).alias("government_unfunded"))  # money, as `fund`
    )


def _programme_rows(
    progs: list[str],
    group: np.ndarray,
    weights: tuple[np.ndarray, np.ndarray],
    funds: model.Funds,
    ends: list[date],
    path: model.Path,
    bands: model.Bands,
) -> pl.DataFrame:
    """The forecast_programme level: per programme and year of its funds' runs, the government's
    HKD figures (each fund's round(weight × figure), summed; `weights`: of the calls, of the
    distributions and NAV) and their bands (percentiles of the simulated sums)."""
    calls_w, values_w = weights
    data: dict[str, list[object]] = {
        k: [] for k in ("programme", "year", "currency", "period_end", *GOVERNMENT)
    }
    low_d, high_d = model.percentiles(bands.distributions)
    low_n, high_n = model.percentiles(bands.nav)
    for g, programme in enumerate(progs):
        members = group == g
        width = int(funds.years[members].max()) if members.any() else 0
        share = {
            f: np.rint(
                getattr(path, f)[members]
                * (calls_w if f == "contributions" else values_w)[members, None]
            ).sum(axis=0)
            for f in FIGURES
        }
        for y in range(width):
            data["programme"].append(programme)
            data["year"].append(y + 1)
            data["currency"].append(REPORTING_CURRENCY)
            data["period_end"].append(ends[y])
            calls = int(share["contributions"][y])
            values = (
                calls,
                calls,
                calls,
                int(share["distributions"][y]),
                int(low_d[g, y]),
                int(high_d[g, y]),
                int(share["nav"][y]),
                int(low_n[g, y]),
                int(high_n[g, y]),
            )
            for column, value in zip(GOVERNMENT, values, strict=True):
                data[column].append(value)
    schema: dict[str, pl.DataType] = {
        "programme": pl.String(),
        "year": pl.Int64(),
        "currency": pl.String(),
        "period_end": pl.Date(),
        **{c: CENTS for c in GOVERNMENT},
    }
    return pl.DataFrame(data, schema=schema).sort("programme", "year")

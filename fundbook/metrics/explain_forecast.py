"""Explain the forecast's figures (levels forecast, forecast_parameters, forecast_programme):
the unfunded and NAV a year starts from, the rate and where it comes from, the rounded product."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import numpy as np
import polars as pl

from fundbook.core.calendar import add_years
from fundbook.core.types import REPORTING_CURRENCY
from fundbook.metrics import forecast as fc
from fundbook.metrics import forecast_history as history
from fundbook.metrics import forecast_model as model
from fundbook.metrics import lineage as ln
from fundbook.metrics.explain_book import Ctx
from fundbook.metrics.irr_policy import CONTRIBUTION_TYPES

_RULE = "fundbook.metrics.forecast_model"
_CENT = Decimal("0.01")


def _money(cents: float | int) -> Decimal:
    return Decimal(int(cents)) * _CENT


def _cents(value: Any) -> int:
    return int(Decimal(value) * 100)


def _derived(item: str, value: Any, source: str = _RULE) -> pl.DataFrame:
    return ln.value_line(item, value, "derived", source=source)


def _shown(item: str, value: Any, source: str) -> pl.DataFrame:
    return ln.value_line(item, value, "shown", source=source)


def _params(ctx: Ctx, fund_id: str) -> dict[str, Any]:
    rows = ctx.level_rows("forecast_parameters").filter(pl.col("fund_id") == fund_id)
    return rows.row(0, named=True)


def _params_frame(ctx: Ctx, funds: list[str]) -> pl.DataFrame:
    rows = ctx.level_rows("forecast_parameters").filter(pl.col("fund_id").is_in(funds))
    return rows.with_columns(pl.col("life").cast(pl.Int64)).sort("fund_id")


def _where(ctx: Ctx, level: str, figure: str) -> str:
    return f"{ctx.stored.where}: {level}.{figure}"


def _year(ctx: Ctx) -> int:
    return int(ctx.row["year"])


# -- level forecast ---------------------------------------------------------------------------


def forecast_lines(ctx: Ctx, figure: str) -> pl.DataFrame:
    """A fund's forecast year: its date, age, expected figures and their band."""
    fund_id, year = str(ctx.row["fund_id"]), _year(ctx)
    p = _params(ctx, fund_id)
    if figure == "currency":
        return _derived(
            "the fund's currency (funds.csv)", _fund_currency(ctx, fund_id), "funds.csv"
        )
    if figure == "period_end":
        return _derived(f"as-of date {ctx.as_of} + {year} years", add_years(ctx.as_of, year))
    if figure == "fund_age":
        return _age_lines(ctx, p, year)
    base, _, band = figure.partition("_p")
    if band and base == "contributions":
        return _calls_band(ctx, "contributions")
    if band:
        return _band_lines(ctx, p, year, base, int(band))
    return {"contributions": _call_lines, "distributions": _distribution_lines, "nav": _nav_lines}[
        base
    ](ctx, p, year)


def _fund_currency(ctx: Ctx, fund_id: str) -> str:
    return str(ctx.frames.funds.filter(pl.col("fund_id") == fund_id)["currency"][0])


def _age_lines(ctx: Ctx, p: dict[str, Any], year: int) -> pl.DataFrame:
    end = add_years(ctx.as_of, year)
    fund_years, ages = fc.fund_ages(pl.Series([p["inception"]], dtype=pl.Date), [end])
    k = int(fund_years[0, 0])
    inception = pl.lit(p["inception"], pl.Date)
    start, stop = pl.select(
        history.anniversary(inception, pl.lit(k - 1)).alias("start"),
        history.anniversary(inception, pl.lit(k)).alias("stop"),
    ).row(0)
    return ln.concat(
        [
            _shown(
                "inception (first contribution)",
                p["inception"],
                _where(ctx, "forecast_parameters", "inception"),
            ),
            _shown("end of the forecast year", end, f"as-of date {ctx.as_of} + {year} years"),
            _derived(
                f"fund year: after the {k - 1}-th anniversary of inception ({start}), "
                f"on or before the {k}-th ({stop})",
                k,
            ),
            _derived(f"days since the {k - 1}-th anniversary", (end - start).days),
            _derived(f"days of fund year {k}", (stop - start).days),
            _derived(
                f"{k - 1} + days since the anniversary / days of the fund year",
                float(ages[0, 0]),
            ),
        ]
    )


def _one_fund(ctx: Ctx, p: dict[str, Any]) -> tuple[model.Funds, model.Path]:
    funds, _ = fc.model_funds(_params_frame(ctx, [str(p["fund_id"])]), ctx.as_of)
    return funds, model.expected(funds)


def _start_nav(ctx: Ctx, p: dict[str, Any], year: int) -> pl.DataFrame:
    """The NAV the year starts from: the fund level's at the as-of date, or the year before's."""
    if year == 1:
        return ln.value_line(
            "NAV at the as-of date",
            p["nav_at_as_of"],
            "shown",
            source=_where(ctx, "forecast_parameters", "nav_at_as_of"),
        )
    before = ctx.level_rows("forecast").filter(
        (pl.col("fund_id") == p["fund_id"]) & (pl.col("year") == str(year - 1))
    )
    return ln.value_line(
        f"NAV at the end of year {year - 1}",
        before["nav"][0],
        "shown",
        source=_where(ctx, "forecast", f"nav (year {year - 1})"),
    )


def _grown(ctx: Ctx, p: dict[str, Any], year: int, role: str) -> tuple[pl.DataFrame, int]:
    nav = _start_nav(ctx, p, year)
    start = _cents(nav["amount"][0])
    factor = max(0.0, 1.0 + float(p["growth"]))
    grown = int(np.rint(start * factor))
    lines = ln.concat(
        [
            nav,
            _shown(
                f"growth G ({p['growth_source']})",
                float(p["growth"]),
                _where(ctx, "forecast_parameters", "growth"),
            ),
            ln.value_line(
                "grown NAV = round_half_even(NAV × (1 + G))", _money(grown), role, source=_RULE
            ),
        ]
    )
    return lines, grown


def _call_lines(ctx: Ctx, p: dict[str, Any], year: int) -> pl.DataFrame:
    fund = ctx.level_rows("fund").filter(pl.col("fund_id") == p["fund_id"]).row(0, named=True)
    src = lambda c: _where(ctx, "fund", c)  # noqa: E731
    recallable = fund["unfunded"] - fund["committed"] + fund["paid_in"]
    lines = [
        _shown("committed", fund["committed"], src("committed")),
        _shown("less paid in", -fund["paid_in"], src("paid_in")),
        _shown("plus recallable distributions", recallable, src("unfunded")),
    ]
    earlier = ctx.level_rows("forecast").filter(pl.col("fund_id") == p["fund_id"])
    unfunded = _cents(fund["unfunded"])
    for y in range(1, year):
        called = earlier.filter(pl.col("year") == str(y))["contributions"][0]
        lines.append(
            _shown(
                f"less forecast contributions of year {y}",
                -called,
                _where(ctx, "forecast", f"contributions (year {y})"),
            )
        )
        unfunded -= _cents(called)
    lines.append(_shown(f"unfunded at the start of year {year}", _money(unfunded), _RULE))
    funds, _ = _one_fund(ctx, p)
    age = float(funds.ages[0, year - 1])
    lines.append(_shown(f"fund age at the end of year {year}", age, "forecast.fund_age"))
    if year >= int(funds.years[0]):
        lines.append(
            _derived(
                f"year {year} is the fund's last (age ≥ life {p['life']}): nothing called; "
                "the unfunded left is not called",
                _money(0),
            )
        )
        return ln.concat(lines)
    fund_year = int(funds.fund_years[0, year - 1])
    lines.append(_derived(f"fund year forecast year {year} ends in: ceil(fund age)", fund_year))
    rc = model.contribution_rate(fund_year, (float(p["rc_1"]), float(p["rc_2"]), float(p["rc_3"])))
    k = min(3, max(1, fund_year))
    lines.append(
        _shown(f"rc_{k} ({p[f'rc_{k}_source']})", rc, _where(ctx, "forecast_parameters", f"rc_{k}"))
    )
    lines.append(_derived("round_half_even(rc × unfunded)", _money(int(np.rint(rc * unfunded)))))
    return ln.concat(lines)


def _distribution_lines(ctx: Ctx, p: dict[str, Any], year: int) -> pl.DataFrame:
    grown_lines, grown = _grown(ctx, p, year, "shown")
    funds, _ = _one_fund(ctx, p)
    age = float(funds.ages[0, year - 1])
    last = year >= int(funds.years[0])
    rd = 1.0 if last else model.distribution_rate(age, float(p["life"]), float(p["bow"]))
    return ln.concat(
        [
            grown_lines,
            _shown(f"fund age at the end of year {year}", age, "forecast.fund_age"),
            _shown(
                f"life L ({p['life_source']})",
                int(p["life"]),
                _where(ctx, "forecast_parameters", "life"),
            ),
            _shown(
                f"bow B ({p['bow_source']})",
                float(p["bow"]),
                _where(ctx, "forecast_parameters", "bow"),
            ),
            _shown(
                "RD = 1 (the fund's last year)" if last else "RD = min(1, (age / L)^B)", rd, _RULE
            ),
            _derived("round_half_even(RD × grown NAV)", _money(int(np.rint(rd * grown)))),
        ]
    )


def _nav_lines(ctx: Ctx, p: dict[str, Any], year: int) -> pl.DataFrame:
    grown_lines, _ = _grown(ctx, p, year, "term")
    return ln.concat(
        [
            grown_lines,
            ctx.figure("contributions"),
            ctx.figure("distributions", sign=-1, label="less distributions"),
        ]
    )


def _band_lines(ctx: Ctx, p: dict[str, Any], year: int, base: str, pct: int) -> pl.DataFrame:
    funds, path = _one_fund(ctx, p)
    paths, seed = int(p["paths"]), int(p["seed"])
    bands = model.simulate(funds, path.contributions, model.draws(seed, paths))
    band = bands.low if pct == 5 else bands.high
    value = getattr(band, base)[0, year - 1]
    rank = model.band_rank(paths, pct / 100)
    return ln.concat(
        [
            _shown("seed (numpy default_rng)", seed, _where(ctx, "forecast_parameters", "seed")),
            _shown("paths", paths, _where(ctx, "forecast_parameters", "paths")),
            _shown(
                f"growth G ({p['growth_source']})",
                float(p["growth"]),
                _where(ctx, "forecast_parameters", "growth"),
            ),
            _shown(
                f"growth's yearly standard deviation ({p['growth_sd_source']})",
                float(p["growth_sd"]),
                _where(ctx, "forecast_parameters", "growth_sd"),
            ),
            _derived(
                f"the {rank + 1}th lowest of the {paths} simulated paths' {base} of year {year}",
                _money(value),
            ),
        ]
    )


# -- level forecast_parameters ----------------------------------------------------------------


def parameter_lines(ctx: Ctx, figure: str) -> pl.DataFrame:
    """A fund's forecast parameter, its source, start or end figure."""
    fund_id = str(ctx.row["fund_id"])
    if figure == "currency":
        return _derived(
            "the fund's currency (funds.csv)", _fund_currency(ctx, fund_id), "funds.csv"
        )
    fund = ctx.level_rows("fund").filter(pl.col("fund_id") == fund_id)
    if figure in ("nav_at_as_of", "unfunded_at_as_of"):
        column = figure.removesuffix("_at_as_of")
        return ln.value_line(column, fund[column][0], "term", source=_where(ctx, "fund", column))
    if figure == "unfunded_at_end_of_life":
        return _end_of_life_lines(ctx, fund_id)
    if figure in ("seed", "paths"):
        constant = fc.DEFAULT_SEED if figure == "seed" else fc.DEFAULT_PATHS
        return _derived(
            f"the close's {figure}", constant, f"fundbook.metrics.forecast.DEFAULT_{figure.upper()}"
        )
    again = fc.parameters(ctx.frames, ctx.as_of, fund, fc.DEFAULT_SEED, fc.DEFAULT_PATHS).row(
        0, named=True
    )
    if figure == "inception":
        first = ctx.txns.filter(pl.col("type").is_in(CONTRIBUTION_TYPES)).sort("date").head(1)
        signs = dict.fromkeys(CONTRIBUTION_TYPES, 1)
        shown = ln.txn_lines(first, signs, "shown")
        return ln.concat(
            [
                shown,
                _derived(
                    "the first contribution's date (the as-of date without one)", again["inception"]
                ),
            ]
        )
    if figure == "history_years":
        return _derived(
            f"whole years from inception {again['inception']} to {ctx.as_of}",
            int(again["history_years"]),
            "fundbook.metrics.forecast_history.whole_years",
        )
    name = figure.removesuffix("_source")
    lines = [_terms_line(ctx, fund_id, name)]
    if again[f"{name}_source"] == "history":
        lines.append(_history_lines(ctx, again, name))
    value = again[figure]
    if figure == name:
        value = int(value) if name == "life" else float(value)
    lines.append(
        _derived(
            f"{figure} ({again[f'{name}_source']})", value, "fundbook.metrics.forecast.parameters"
        )
    )
    return ln.concat(lines)


def _terms_line(ctx: Ctx, fund_id: str, name: str) -> pl.DataFrame:
    column = fc.TERMS[name]
    terms = ctx.frames.terms
    given = None
    if column in terms.columns:
        rows = terms.filter(pl.col("fund_id") == fund_id)
        given = rows[column][0] if rows.height else None
    if given is None:
        return _shown(
            f"{column}: not in terms.csv; default {fc.DEFAULTS[name]}",
            None,
            "fundbook.metrics.forecast.DEFAULTS",
        )
    return _shown(f"{column} of terms.csv", float(given), "terms.csv")


def _history_lines(ctx: Ctx, p: dict[str, Any], name: str) -> pl.DataFrame:
    """The fund's years as the calibration reads them."""
    inception = pl.DataFrame(
        {
            "fund_id": [p["fund_id"]],
            "inception": [p["inception"]],
            "history_years": [p["history_years"]],
        }
    )
    years = history.fund_years(ctx.frames, ctx.as_of, inception)
    fund = ctx.level_rows("fund").filter(pl.col("fund_id") == p["fund_id"])
    g = fund["net_irr"][0]
    table = history.year_table(
        years,
        {str(p["fund_id"]): float(g)} if g is not None else {},
        {str(p["fund_id"]): float(p["life"])},
    )
    if name == "growth":
        return ln.value_line(
            "net IRR (the growth of a constant-growth NAV)",
            g,
            "shown",
            source=_where(ctx, "fund", "net_irr"),
        )
    out = []
    for row in table.iter_rows(named=True):
        k = row["year"]
        if name.startswith("rc"):
            start = _money(row["unfunded_at_start"])
            item = f"year {k}: called {_money(row['called'])} of {start} unfunded at its start"
            out.append(_shown(item, row["rc"], "fundbook.metrics.forecast_history.year_table"))
        elif row["log_age"] is not None and row["log_rd"] is not None:
            paid = _money(row["distributed"])
            item = f"year {k}: RD = distributed {paid} / implied NAV before, log(k/L) "
            item += f"{row['log_age']:.6f}"
            out.append(_shown(item, row["rd"], "fundbook.metrics.forecast_history.year_table"))
    return ln.concat(out) if out else ln.empty()


def _end_of_life_lines(ctx: Ctx, fund_id: str) -> pl.DataFrame:
    rows = ctx.level_rows("forecast").filter(pl.col("fund_id") == fund_id)
    rows = rows.with_columns(pl.col("year").cast(pl.Int64)).sort("year")
    lines = [ctx.figure("unfunded_at_as_of")]
    for year, called in rows.select("year", "contributions").iter_rows():
        lines.append(
            ln.value_line(
                f"less forecast contributions of year {year}",
                -called,
                "term",
                source=_where(ctx, "forecast", f"contributions (year {year})"),
            )
        )
    return ln.concat(lines)


# -- level forecast_programme -----------------------------------------------------------------


def programme_lines(ctx: Ctx, figure: str) -> pl.DataFrame:
    """The government's share of a programme's funds' forecast year."""
    year = _year(ctx)
    if figure == "currency":
        return _derived(
            "the reporting currency", REPORTING_CURRENCY, "fundbook.core.types.REPORTING_CURRENCY"
        )
    if figure == "period_end":
        return _derived(f"as-of date {ctx.as_of} + {year} years", add_years(ctx.as_of, year))
    weights = _weights(ctx)
    base = figure.removeprefix("government_")
    base, _, band = base.partition("_p")
    if band and base == "contributions":
        return _calls_band(ctx, "government_contributions")
    if band:
        return _programme_band(ctx, weights, year, base, int(band))
    rows = ctx.level_rows("forecast").filter(pl.col("year") == str(year))
    lines = []
    calls = base == "contributions"  # weighted by the unfunded shares (`government_weights`)
    part, whole = (
        ("government_unfunded", "unfunded") if calls else ("government_committed", "committed")
    )
    for fund_id, weight, gc, committed, rate in weights.select(
        "fund_id", "call_weight" if calls else "weight", part, whole, "hkd_per_unit"
    ).iter_rows():
        found = rows.filter(pl.col("fund_id") == fund_id)
        if not found.height:
            continue
        amount = found[base][0]
        where = (
            _where(ctx, "investor", "unfunded of the government partners, summed; fund.unfunded")
            if calls
            else _where(ctx, "fund", f"{part}, {whole}")
        )
        lines.append(
            _shown(
                f"{fund_id}: {part.replace('_', ' ')} {gc} / {whole} {committed} × rate {rate}",
                weight,
                where,
            )
        )
        share = int(np.rint(_cents(amount) * weight))
        lines.append(
            ln.value_line(
                f"{fund_id}: round_half_even(weight × {base} {amount})",
                _money(share),
                "term",
                source=_where(ctx, "forecast", f"{base} ({fund_id}, year {year})"),
            )
        )
    return (
        ln.concat(lines)
        if lines
        else ln.value_line("no fund of the programme runs this year", _money(0), "term")
    )


def _calls_band(ctx: Ctx, calls: str) -> pl.DataFrame:
    """A percentile of the calls (`calls`: the row's expected calls figure): the calls do not
    depend on the growth, so every path calls the same."""
    rule = "contributions do not depend on the growth: every path calls the same"
    return ln.concat([_shown(rule, None, _RULE), ctx.figure(calls)])


def _weights(ctx: Ctx) -> pl.DataFrame:
    params = ctx.level_rows("forecast_parameters")
    pf = ctx.level_rows("programme_fund").filter(pl.col("programme") == ctx.row["programme"])
    return fc.government_weights(ctx.frames, ctx.as_of, params, pf, ctx.level_rows("fund"))


def _programme_band(
    ctx: Ctx, weights: pl.DataFrame, year: int, base: str, pct: int
) -> pl.DataFrame:
    members = weights["fund_id"].to_list()
    params = _params_frame(ctx, members)
    funds, _ = fc.model_funds(params, ctx.as_of)
    path = model.expected(funds)
    order = {f: i for i, f in enumerate(params["fund_id"].to_list())}
    w = np.zeros(params.height)
    for fund_id, weight in weights.select("fund_id", "weight").iter_rows():
        w[order[fund_id]] = weight
    seed, paths = int(params["seed"][0]), int(params["paths"][0])
    z = model.draws(seed, paths)
    bands = model.simulate(funds, path.contributions, z, w, np.zeros(params.height, int), 1)
    sums = bands.distributions if base == "distributions" else bands.nav
    low, high = model.percentiles(sums)
    value = (low if pct == 5 else high)[0, year - 1]
    rank = model.band_rank(paths, pct / 100)
    return ln.concat(
        [
            _shown(
                f"the programme's funds ({len(members)}), each path's sum of "
                f"round_half_even(weight × {base})",
                None,
                _RULE,
            ),
            _shown("seed (numpy default_rng)", seed, _where(ctx, "forecast_parameters", "seed")),
            _shown("paths", paths, _where(ctx, "forecast_parameters", "paths")),
            _derived(
                f"the {rank + 1}th lowest of the {paths} simulated sums of year {year}",
                _money(value),
            ),
        ]
    )

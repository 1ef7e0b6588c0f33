"""The board's commitment pacing forecast: the government's expected calls and distributions of
its programme by forecast year, with the 5-95 % band (stored level forecast_programme)."""

from __future__ import annotations

from typing import Any

import polars as pl

from fundbook.report.charts import BandSeries, band_chart
from fundbook.report.context import Figure, ForecastYear, PacingForecast
from fundbook.report.i18n import N_
from fundbook.report.source import ReportSource, figure, level
from fundbook.report.totals import sum_of
from fundbook.report.wording import ENGLISH, Wording

FORECAST_CHART = N_("The government's expected calls and distributions by forecast year")
CALLS = N_("Expected calls")
DISTRIBUTIONS = N_("Expected distributions")
BAND = N_("5th-95th percentile band")
_LEVEL = "forecast_programme"


def forecast_years(source: ReportSource, programme: str) -> list[ForecastYear]:
    """The programme's forecast years in order, each figure as stored (HK$ million)."""
    found = level(source.snapshot, _LEVEL)
    if found.height == 0:
        return []
    table = found.filter(pl.col("programme") == programme).with_columns(
        pl.col("year").cast(pl.Int64).alias("_year")
    )
    out = []
    for r in table.sort("_year").to_dicts():
        keys: dict[str, str | None] = {"programme": programme, "year": str(r["year"])}
        figs = [
            figure(r, f"government_{name}", "mn", _LEVEL, keys)
            for name in (
                "contributions",
                "distributions",
                "distributions_p05",
                "distributions_p95",
                "nav",
                "nav_p05",
                "nav_p95",
            )
        ]
        out.append(ForecastYear(r["_year"], r["period_end"], *figs))
    return out


def pacing_forecast(
    source: ReportSource, programme: str, words: Wording = ENGLISH
) -> PacingForecast | None:
    """The board's forecast section: its years, chart and totals (None without a forecast)."""
    years = forecast_years(source, programme)
    if not years:
        return None
    keys = (("programme", programme), ("years", f"1-{years[-1].year}"))
    total = {
        name: Figure(t.value, "mn", t.source)
        for name in ("contributions", "distributions")
        for t in [sum_of((getattr(y, name) for y in years), keys)]
    }
    return PacingForecast(programme, years, forecast_chart(years, words), total)


def _f(fig: Figure) -> float:
    return float(fig.value) if fig.value is not None else 0.0


def forecast_chart(years: list[ForecastYear], words: Wording = ENGLISH) -> Any:
    """Calls and distributions by year (HK$ million), distributions with their band; calls do
    not depend on the growth, their band is the bar itself."""
    calls = [_f(y.contributions) for y in years]
    dist = [_f(y.distributions) for y in years]
    series = [
        BandSeries(words.translate(CALLS), calls, calls, calls),
        BandSeries(
            words.translate(DISTRIBUTIONS),
            dist,
            [_f(y.distributions_low) for y in years],
            [_f(y.distributions_high) for y in years],
        ),
    ]
    return band_chart(
        words.translate(FORECAST_CHART),
        [str(y.year) for y in years],
        series,
        words.translate(BAND),
        lambda v: words.fmt("millions", v, 0),
        gettext=words.translate,
    )

"""The commitment pacing forecast (issue 15): the hand-worked example of docs/methods.md to the
cent, calibration recovering the parameters a book was generated with, seeded bands, the
government's share per programme, and the terms' ta_* columns."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import numpy as np
import polars as pl
import pytest

from fundbook.metrics import forecast_history as history
from fundbook.metrics import forecast_model as model
from fundbook.metrics.forecast import (
    DEFAULTS,
    Forecast,
    forecast,
    fund_ages,
    government_weights,
    model_funds,
)
from fundbook.metrics.levels import fund_level
from fundbook.metrics.programme import programme_fund_metrics
from fundbook.store.frames import Frames
from tests.metrics.forecast_kit import ta_book, worked_book

D = Decimal


def _forecast(frames: Frames, as_of: date, seed: int = 2002, paths: int = 1000):  # type: ignore[no-untyped-def]
    fund = fund_level(frames, as_of)
    return forecast(frames, as_of, fund, programme_fund_metrics(frames, as_of), seed, paths)


def test_the_worked_example_of_the_methods_is_reproduced_to_the_cent() -> None:
    """docs/methods.md, *Commitment pacing forecast*: committed 100,000,000.00, unfunded
    80,000,000.00 and NAV 21,000,000.00 on 2026-12-31 (inception 2025-12-31), the defaults."""
    done = _forecast(worked_book(), date(2026, 12, 31))
    rows = done.funds.head(3).select(
        "period_end", "fund_age", "contributions", "distributions", "nav"
    )
    assert rows["period_end"].to_list() == [
        date(2027, 12, 31),
        date(2028, 12, 31),
        date(2029, 12, 31),
    ]
    assert rows["fund_age"].to_list() == [2.0, 3.0, 4.0]  # on anniversaries: whole years
    assert rows.select("contributions", "distributions", "nav").rows() == [
        (D("26640000.00"), D("269103.66"), D("50100896.34")),
        (D("26680000.00"), D("1769187.90"), D("81524824.96")),
        (D("13340000.00"), D("5909696.55"), D("99553355.65")),
    ]
    # the same steps written out in exact decimals, each rounded half-even to the cent
    unfunded, nav = D("80000000.00"), D("21000000.00")
    for age, rc, row in zip((2, 3, 4), (D("0.333"), D("0.5"), D("0.5")), rows.rows(), strict=True):
        grown = (nav * D("1.13")).quantize(D("0.01"))
        called = (unfunded * rc).quantize(D("0.01"))
        rd = D(repr(min(1.0, (age / 12) ** 2.5)))
        paid = (grown * rd).quantize(D("0.01"))
        nav, unfunded = grown + called - paid, unfunded - called
        assert (called, paid, nav) == row[2:]
    params = done.parameters.row(0, named=True)
    assert {p: params[p] for p in DEFAULTS} == DEFAULTS
    assert {params[f"{p}_source"] for p in DEFAULTS} == {"default"}
    assert params["history_years"] == 1  # under 3 full years: not calibrated on its history


@pytest.mark.parametrize(
    ("inception", "as_of"),
    [(date(2023, 6, 30), date(2024, 6, 30)), (date(2021, 6, 30), date(2022, 6, 30))],
)
def test_a_forecast_year_ending_on_an_anniversary_is_that_fund_year_leap_day_or_not(
    inception: date, as_of: date
) -> None:
    """Forecast year 1 ends on the 2nd anniversary: fund year 2 (rc_2), age exactly 2, whether
    or not a 29 February falls in the span (days / 365.25 gave 2.00137 → rc_3 and 1.99863)."""
    params = pl.DataFrame(
        {
            "inception": [inception],
            "life": [12.0],
            **{k: [v] for k, v in DEFAULTS.items() if k != "life"},
            "unfunded_at_as_of": [8_000_000_000],
            "nav_at_as_of": [2_100_000_000],
        }
    )
    funds, ends = model_funds(params, as_of)
    assert ends[0] == date(as_of.year + 1, 6, 30)
    assert funds.fund_years[0, :3].tolist() == [2, 3, 4]
    assert funds.ages[0, :3].tolist() == [2.0, 3.0, 4.0]
    rc, _ = model.rates(funds)
    assert rc[0, 0] == DEFAULTS["rc_2"]
    assert int(funds.years[0]) == 11  # year 11 ends on the 12th anniversary: the fund's last


def test_fund_years_and_ages_follow_the_calendar_between_anniversaries() -> None:
    """Mid-year and a 29 February inception: fund year k runs after the (k−1)-th anniversary to
    the k-th, as the calibration's years (29 February's anniversary is 1 March without one)."""
    leap = date(2020, 2, 29)
    ends = [date(2021, 2, 28), date(2021, 3, 1), date(2021, 3, 2), date(2024, 2, 29)]
    fund_years, ages = fund_ages(pl.Series([leap]), ends)
    assert fund_years[0].tolist() == [1, 1, 2, 4]
    assert ages[0].tolist() == [365 / 366, 1.0, 1 + 1 / 365, 4.0]
    whole = pl.select(history.whole_years(pl.lit(leap), pl.lit(date(2021, 3, 1)))).item()
    assert whole == 1  # the calibration's year 2 starts on 1 March 2021 too


def test_a_fund_runs_to_the_end_of_its_life_and_leaves_its_unfunded_uncalled() -> None:
    done = _forecast(worked_book(), date(2026, 12, 31))
    last = done.funds.tail(1).row(0, named=True)
    assert last["fund_age"] >= 12 > done.funds["fund_age"][-2]
    assert last["contributions"] == 0 and last["nav"] == 0 and last["nav_p95"] == 0
    params = done.parameters.row(0, named=True)
    assert (
        params["unfunded_at_end_of_life"]
        == params["unfunded_at_as_of"] - done.funds["contributions"].sum()
    )
    assert params["unfunded_at_end_of_life"] > 0


@pytest.mark.parametrize(
    ("rc", "bow", "growth"),
    [((0.25, 0.333, 0.5), 2.5, 0.13), ((0.3, 0.4, 0.45), 3.0, 0.08), ((0.2, 0.3, 0.35), 1.5, 0.2)],
)
def test_calibration_recovers_the_parameters_a_book_was_generated_with(
    rc: tuple[float, float, float], bow: float, growth: float
) -> None:
    """A fund booked exactly per the model (flows rounded to the cent, on anniversaries) for
    nine years: the rates of contribution come back within 1e-6 (cent rounding), G (its net
    IRR) within 5e-4 (XIRR counts 366-day years as 366/365) and B within 0.01."""
    frames, as_of = ta_book(rc, bow, growth, 12, 9)
    params = _forecast(frames, as_of).parameters.row(0, named=True)
    assert params["history_years"] == 8
    assert {params[f"{p}_source"] for p in ("rc_1", "rc_2", "rc_3", "bow", "growth")} == {"history"}
    assert params["life_source"] == "default" and params["growth_sd_source"] == "default"
    assert params["rc_1"] == pytest.approx(rc[0], abs=1e-6)
    assert params["rc_2"] == pytest.approx(rc[1], abs=1e-6)
    assert params["rc_3"] == pytest.approx(rc[2], abs=1e-6)
    assert params["growth"] == pytest.approx(growth, abs=5e-4)
    assert params["bow"] == pytest.approx(bow, abs=0.01)


def test_a_short_history_falls_back_to_terms_then_defaults() -> None:
    frames, as_of = ta_book((0.3, 0.4, 0.45), 3.0, 0.08, 12, 3)  # two full years
    terms = [
        {
            "fund_id": "sf",
            "ta_bow": D("2.00000000"),
            "ta_life": 10,
            "source_file": "terms.csv",
            "source_line": 2,
        }
    ]
    frames = _with_terms(frames, terms)
    params = _forecast(frames, as_of).parameters.row(0, named=True)
    assert params["history_years"] == 2
    assert (params["bow"], params["bow_source"]) == (2.0, "terms")
    assert (params["life"], params["life_source"]) == (10, "terms")
    assert (params["rc_1"], params["rc_1_source"]) == (0.25, "default")


def _with_terms(frames: Frames, terms: list[dict[str, object]]) -> Frames:
    from dataclasses import replace

    from fundbook.store.frames import _conform  # the frames' own typing of a table

    return replace(frames, terms=_conform("terms", pl.DataFrame(terms)))


def test_the_same_seed_gives_the_same_bands_another_seed_others() -> None:
    frames, as_of = worked_book(), date(2026, 12, 31)
    one, again, other = (_forecast(frames, as_of, seed) for seed in (7, 7, 8))
    assert one.funds.equals(again.funds) and one.programmes.equals(again.programmes)
    bands = ["distributions_p05", "distributions_p95", "nav_p05", "nav_p95"]
    assert not one.funds.select(bands).equals(other.funds.select(bands))
    expected = ["contributions", "distributions", "nav"]
    assert one.funds.select(expected).equals(other.funds.select(expected))  # not simulated


def test_the_band_holds_the_expected_path_and_calls_do_not_vary(demo_frames: Frames) -> None:
    """Every fund and year of the demo book: p05 ≤ expected ≤ p95 for distributions and NAV
    (not a law: a fund far in the tails of its own growth could leave it), the calls' band is
    the expected calls (they do not depend on the growth)."""
    done = _forecast(demo_frames, date(2026, 9, 30))
    f = done.funds
    assert f.height > 0
    for name in ("distributions", "nav"):
        assert (f[f"{name}_p05"] <= f[name]).all() and (f[name] <= f[f"{name}_p95"]).all()
    assert (f["contributions_p05"] == f["contributions"]).all()
    assert (f["contributions_p95"] == f["contributions"]).all()


def test_no_dispersion_gives_the_expected_path_on_every_path() -> None:
    frames = worked_book(
        [{"fund_id": "sf", "ta_growth_sd": D("0E-8"), "source_file": "terms.csv", "source_line": 2}]
    )
    f = _forecast(frames, date(2026, 12, 31)).funds
    for name in ("distributions", "nav"):
        assert f[f"{name}_p05"].equals(f[name].alias(f"{name}_p05"))
        assert f[f"{name}_p95"].equals(f[name].alias(f"{name}_p95"))


def _weights(frames: Frames, as_of: date) -> tuple[Forecast, pl.DataFrame]:
    """The demo's forecast at `as_of` and its funds' government weights."""
    done = _forecast(frames, as_of)
    fund = fund_level(frames, as_of)
    pf = programme_fund_metrics(frames, as_of)
    return done, government_weights(frames, as_of, done.parameters, pf, fund)


def test_a_schemes_government_share_is_of_the_funds_own_commitments(demo_frames: Frames) -> None:
    """ITVF: the government committed 200m of the fund's 800m (25 %); the scheme's programme_fund
    row also counts the co-investors' deal-by-deal money (1,495.1m), which the fund's flows do
    not carry: the weight is the fund's own share."""
    as_of = date(2026, 9, 30)
    done, weights = _weights(demo_frames, as_of)
    weights = weights.filter(pl.col("fund_id") == "itvf")
    assert weights["weight"].to_list() == [0.25]
    year1 = done.funds.filter((pl.col("fund_id") == "itvf") & (pl.col("year") == 1))
    prog1 = done.programmes.filter((pl.col("programme") == "itvf") & (pl.col("year") == 1))
    for c in ("contributions", "distributions", "nav"):
        expected = round(Decimal(year1[c].item()) / 4, 2)
        assert abs(prog1[f"government_{c}"].item() - expected) <= Decimal("0.01"), c


def test_the_band_is_numpys_inverted_cdf_percentile() -> None:
    values = np.random.default_rng(1).normal(size=(3, 4, 1000))
    low, high = model.percentiles(values)
    assert (low == np.percentile(values, 5, axis=-1, method="inverted_cdf")).all()
    assert (high == np.percentile(values, 95, axis=-1, method="inverted_cdf")).all()
    assert model.band_rank(1000, 0.05) == 49 and model.band_rank(1000, 0.95) == 949


def test_the_programme_sums_the_governments_share_and_bands_the_simulated_sums(
    demo_frames: Frames,
) -> None:
    done, weights = _weights(demo_frames, date(2026, 9, 30))
    weights = weights.filter(pl.col("programme") == "itif")
    assert weights.height == done.parameters.filter(pl.col("fund_id").str.starts_with("sf-")).height
    funds = done.funds.join(weights.select("fund_id", "weight", "call_weight"), on="fund_id")
    prog = done.programmes.filter(pl.col("programme") == "itif").sort("year")
    for c in ("contributions", "distributions", "nav"):
        # each fund's round_half_even(weight × cents), summed by year; calls by call_weight
        cents = (funds[c].cast(pl.Float64) * 100).to_numpy()
        weight = funds["call_weight" if c == "contributions" else "weight"].to_numpy()
        share = np.rint(cents * weight)
        by_year = pl.DataFrame({"year": funds["year"], "v": share}).group_by("year").sum()
        expected = by_year.sort("year")["v"].to_list()
        assert (prog[f"government_{c}"].cast(pl.Float64) * 100).round(0).to_list() == expected
    # the band of the sum is not the sum of the funds' bands (funds' paths differ)
    y1 = prog.row(0, named=True)
    assert y1["government_nav_p05"] <= y1["government_nav"] <= y1["government_nav_p95"]


def test_the_governments_calls_never_exceed_what_it_has_left_to_pay(demo_frames: Frames) -> None:
    """Calls are weighted by the government's share of each fund's unfunded commitments (with
    the recallable distributions, as the fund's): over the years they sum to its own unfunded
    commitment, less the model's uncalled remainder."""
    done, weights = _weights(demo_frames, date(2026, 9, 30))
    weights = weights.filter(pl.col("programme") == "itif")
    # sf-digital distributed recallable capital: what the government has left to pay counts it
    digital = weights.filter(pl.col("fund_id") == "sf-digital").row(0, named=True)
    assert digital["government_unfunded"] == Decimal("426668750.00")
    left = weights.with_columns(
        (pl.col("government_unfunded").cast(pl.Float64) * pl.col("hkd_per_unit")).alias("h")
    )["h"].sum()
    calls = float(
        done.programmes.filter(pl.col("programme") == "itif")["government_contributions"].sum()
    )
    remainder = (
        done.parameters.join(weights, on="fund_id")
        .select((pl.col("unfunded_at_end_of_life").cast(pl.Float64) * pl.col("call_weight")).sum())
        .item()
    )
    assert calls <= left + 1 and abs(calls + remainder - left) < 1.0

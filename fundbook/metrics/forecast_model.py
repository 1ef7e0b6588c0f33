"""The Takahashi–Alexander model, year by year: numpy arrays by fund, rounded to the cent.

One step of a fund's year t, from the unfunded U and NAV at the end of year t−1 (integer
cents held in float64, exact below 2⁵³ cents):

    grown_t = round(NAV_{t−1} × (1 + g_t))          NAV before the year's flows
    C_t     = round(RC_t × U_{t−1})                 RC_t by the fund year k_t; 0 in its last
    D_t     = round(RD_t × grown_t)                 RD_t = min(1, (age_t / L)^B)
    NAV_t   = grown_t + C_t − D_t,  U_t = U_{t−1} − C_t

each `round` half to even, each step reading the rounded figure before it. The rates are
binary floats (ratios, never money); one product of a rate and integer cents is rounded, so
Python's `round(rate * cents)` gives the same cent as numpy's `rint` (docs/methods.md,
*Commitment pacing forecast*). The expected path has g_t = G; a simulated path has
g_t = G + σ·z_t with one standard normal z_t per (path, year) shared by every fund.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

# Draws per simulated path: a year each, more than a fund's longest life (30) can use.
YEARS_DRAWN = 32
BAND = (0.05, 0.95)  # the band's percentiles


@dataclass(frozen=True)
class Funds:
    """The funds forecast, as arrays by fund: their parameters and start at the as-of date;
    `ages` (fund, year) is each fund's age at the end of each forecast year, `years` how many
    years each fund runs. `fund_years` (fund, year) is the fund year each forecast year ends in
    (k when it ends after the (k−1)-th anniversary of inception and on or before the k-th) and
    `ages` the fund's age then, k − 1 + the fraction of fund year k's days gone (exactly k on
    the k-th anniversary); `forecast.model_funds` works both out on the calendar."""

    rc: np.ndarray  # (fund, 3): rc_1, rc_2, rc_3
    bow: np.ndarray
    growth: np.ndarray
    growth_sd: np.ndarray
    life: np.ndarray
    unfunded: np.ndarray  # cents at the as-of date
    nav: np.ndarray  # cents at the as-of date
    fund_years: np.ndarray  # (fund, year), integers
    ages: np.ndarray  # (fund, year)
    years: np.ndarray


@dataclass(frozen=True)
class Path:
    """A path of every fund, (fund, year) arrays in cents: contributions, distributions, NAV."""

    contributions: np.ndarray
    distributions: np.ndarray
    nav: np.ndarray


def contribution_rate(fund_year: int, rc: tuple[float, float, float]) -> float:
    """RC of a forecast year ending in fund year `fund_year`: rc_1 in year 1 (or before), rc_2
    in year 2, rc_3 after."""
    return rc[0] if fund_year <= 1 else rc[1] if fund_year == 2 else rc[2]


def distribution_rate(age: float, life: float, bow: float) -> float:
    """RD of the year ending at `age`: min(1, (age / L)^B) (0 before inception)."""
    return min(1.0, (max(age, 0.0) / life) ** bow)


def run_years(ages: np.ndarray, life: np.ndarray) -> np.ndarray:
    """How many forecast years each fund runs (`ages`: (fund, year) at each year's end): to
    the first year ending at or past its life L (a fund past its life runs one, distributing
    the NAV left)."""
    past = ages >= life[:, None]
    return np.where(past.any(axis=1), past.argmax(axis=1) + 1, ages.shape[1])


def rates(funds: Funds) -> tuple[np.ndarray, np.ndarray]:
    """(RC, RD) by (fund, year): RC 0 in and after a fund's last year (the unfunded left is
    not called), RD 1 there (the NAV goes to 0)."""
    n, years = funds.ages.shape
    rc = np.zeros((n, years))
    rd = np.ones((n, years))
    for f in range(n):
        triple = (float(funds.rc[f, 0]), float(funds.rc[f, 1]), float(funds.rc[f, 2]))
        life, bow = float(funds.life[f]), float(funds.bow[f])
        for y in range(int(funds.years[f]) - 1):
            rc[f, y] = contribution_rate(int(funds.fund_years[f, y]), triple)
            rd[f, y] = distribution_rate(float(funds.ages[f, y]), life, bow)
    return rc, rd


def expected(funds: Funds) -> Path:
    """The deterministic path at each fund's growth G."""
    rc, rd = rates(funds)
    factor = np.maximum(0.0, 1.0 + funds.growth)
    unfunded, nav = funds.unfunded.astype(np.float64), funds.nav.astype(np.float64)
    out = [np.zeros(rc.shape) for _ in range(3)]
    for y in range(rc.shape[1]):
        grown = np.rint(nav * factor)
        calls = np.rint(rc[:, y] * unfunded)
        dist = np.rint(rd[:, y] * grown)
        nav = grown + calls - dist
        unfunded = unfunded - calls
        for array, value in zip(out, (calls, dist, nav), strict=True):
            array[:, y] = value
    return Path(*out)


def draws(seed: int, paths: int) -> np.ndarray:
    """The standard normal draws (path, year): numpy's default_rng(seed), YEARS_DRAWN a path."""
    return np.random.default_rng(seed).standard_normal((paths, YEARS_DRAWN))


def band_rank(paths: int, q: float) -> int:
    """The 0-based rank of the q-th percentile of `paths` values (the inverted CDF: the
    smallest value with at least q of the values at or below it; numpy's `inverted_cdf`)."""
    return max(0, math.ceil(q * paths) - 1)


@dataclass(frozen=True)
class Bands:
    """The band of each fund's yearly figures (fund, year) and the simulated paths' yearly
    sums by group (`sums`: (group, year, path) of distributions and NAV, weighted)."""

    low: Path
    high: Path
    distributions: np.ndarray  # (group, year, path)
    nav: np.ndarray


def simulate(
    funds: Funds,
    calls: np.ndarray,
    z: np.ndarray,
    weights: np.ndarray | None = None,
    group: np.ndarray | None = None,
    groups: int = 0,
) -> Bands:
    """Each fund's band (BAND percentiles over the paths of `z`) and, when given, the paths'
    sums of round(weight × figure) by group (`weights` by fund, `group` the fund's group
    index, -1 for none; `groups` how many).

    Contributions do not depend on the growth (`calls`, the expected path's, on every path).
    A fund's distributions and NAV of a year both rise with its grown NAV that year, so their
    percentiles are those of the path at the grown NAV's percentile (one partition a year).
    The funds are worked on longest-running first, (fund, path) arrays, so that the funds
    still running in a year are a slice."""
    rc, rd = rates(funds)
    n, years = rc.shape
    paths = z.shape[0]
    ranks = [band_rank(paths, q) for q in BAND]
    order = np.argsort(-funds.years, kind="stable")
    running = funds.years[order]
    g = (np.full(n, -1) if group is None else group)[order]
    w = (np.zeros(n) if weights is None else weights)[order]
    growth, sd, rd, calls = funds.growth[order], funds.growth_sd[order], rd[order], calls[order]
    nav = np.repeat(funds.nav.astype(np.float64)[order][:, None], paths, axis=1)
    lows, highs = [np.zeros((n, years)) for _ in range(3)], [np.zeros((n, years)) for _ in range(3)]
    sums = np.zeros((2, groups, years, paths))
    grown_all, dist_all = np.empty_like(nav), np.empty_like(nav)
    for y in range(years):
        m = int(np.count_nonzero(running > y))  # the funds still running: a prefix
        grown, dist = grown_all[:m], dist_all[:m]
        # in place, in the order of the steps: max(0, 1 + G + σz) × NAV, rounded; RD × grown
        np.multiply(sd[:m, None], z[None, :, y], out=grown)
        grown += 1.0 + growth[:m, None]
        np.maximum(grown, 0.0, out=grown)
        grown *= nav[:m]
        np.rint(grown, out=grown)
        np.multiply(rd[:m, y, None], grown, out=dist)
        np.rint(dist, out=dist)
        np.subtract(grown, dist, out=nav[:m])
        nav[:m] += calls[:m, y, None]
        nav[m:] = 0.0
        grown.partition(ranks, axis=1)  # in place: the year's flows are computed above
        picked = grown[:, ranks]
        for band, col in ((lows, picked[:, 0]), (highs, picked[:, 1])):
            d = np.rint(rd[:m, y] * col)
            band[0][:m, y], band[1][:m, y], band[2][:m, y] = calls[:m, y], d, col + calls[:m, y] - d
        if groups:
            _group_sums(sums[:, :, y, :], (dist, nav[:m]), w[:m], g[:m])
    back = np.argsort(order, kind="stable")
    low, high = (Path(*(a[back] for a in band)) for band in (lows, highs))
    return Bands(low, high, sums[0], sums[1])


def _group_sums(
    out: np.ndarray, figures: tuple[np.ndarray, ...], w: np.ndarray, g: np.ndarray
) -> None:
    """out[i, group] = Σ over the group's funds of round(w × figures[i]) (per path)."""
    members = np.nonzero(g >= 0)[0]
    if not len(members):
        return
    members = members[np.argsort(g[members], kind="stable")]
    ids = g[members]
    starts = np.concatenate(([0], np.nonzero(np.diff(ids))[0] + 1))
    for i, figure in enumerate(figures):
        weighted = np.rint(figure[members] * w[members, None])
        out[i, ids[starts]] = np.add.reduceat(weighted, starts, axis=0)


def percentiles(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The BAND percentiles of `values` over its last axis (the paths), as `band_rank` ranks."""
    ranks = [band_rank(values.shape[-1], q) for q in BAND]
    picked = np.partition(values, ranks, axis=-1)
    return picked[..., ranks[0]], picked[..., ranks[1]]

"""XIRR for many groups at once: one vectorised safeguarded Newton in numpy, pyxirr as fallback."""

from __future__ import annotations

from typing import Any

import numpy as np
import pyxirr

DAYS_PER_YEAR = 365.0  # actual/365, as Excel XIRR and pyxirr
_X0 = float(np.log1p(0.1))  # first guess: 10 % a year
_MAX_STEP = 2.0  # cap on an unbracketed Newton step in log(1 + r)
_X_LIMIT = 30.0  # |log(1 + r)| beyond this (or an overflow) is left to the fallback
# pyxirr stops at an absolute residual: give it amounts whose largest is 10^4 (not 1, not 10^12).
_FALLBACK_SCALE = 1e4


def _as_days(dates: Any) -> np.ndarray:
    arr = np.asarray(dates)
    if np.issubdtype(arr.dtype, np.integer):
        return arr.astype(np.int64)
    return arr.astype("datetime64[D]").astype(np.int64)


def xirr_grouped(
    group_index: Any,
    dates: Any,
    amounts: Any,
    *,
    tol: float = 1e-12,
    max_iter: int = 60,
    guess: Any = None,
) -> np.ndarray:
    """The XIRR of every group: element k is the rate of the flows whose group_index is k.

    group_index: ints 0..G-1 (any order); dates: datetime64/date objects or day numbers;
    amounts: floats, negative = paid out. Returns G floats; NaN where undefined (no flows, no
    sign change, or no root found). Flows are sorted once so each group is contiguous; Newton on
    x = log(1 + r) runs on every group at once, falling back to bisection inside a sign-change
    bracket; groups still unsolved go to pyxirr on scaled amounts (its tolerance is absolute).
    `guess` (G rates, NaN for none): where to start each group whose flows change sign once in
    date order (their rate is unique: the root found is the same to `tol`, in fewer steps)
    instead of its own first guess; flows with more sign changes may have several rates, and
    start where they would without a guess, so that the rate found never depends on it.
    """
    g = np.asarray(group_index, dtype=np.int64)
    n_groups = int(g.max()) + 1 if g.size else 0
    result = np.full(n_groups, np.nan)
    if g.size == 0:
        return result
    days = _as_days(dates)
    amt = np.asarray(amounts, dtype=np.float64)
    if g.size > 1 and np.any(g[1:] < g[:-1]):
        order = np.argsort(g, kind="stable")
        g, days, amt = g[order], days[order], amt[order]
    starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
    counts = np.diff(np.r_[starts, g.size])
    scale = np.maximum.reduceat(np.abs(amt), starts)
    defined = (np.maximum.reduceat(amt, starts) > 0) & (np.minimum.reduceat(amt, starts) < 0)
    keep = np.repeat(defined, counts)
    if not keep.any():
        return result
    ids = g[starts][defined]
    first = np.minimum.reduceat(days, starts)
    years = ((days - np.repeat(first, counts)) / DAYS_PER_YEAR)[keep]
    norm = (amt / np.repeat(np.where(scale > 0, scale, 1.0), counts))[keep]
    k = counts[defined]
    start = None
    if guess is not None:  # only where the root is unique: one sign change, in date order
        start = np.asarray(guess, dtype=np.float64)[ids]
        start = np.where(_one_sign_change(days[keep], amt[keep], k), start, np.nan)
    rates, solved = _newton(years, norm, k, tol, max_iter, start)
    result[ids[solved]] = rates[solved]
    unsolved = np.flatnonzero(~solved)
    if unsolved.size:
        offsets = np.r_[0, np.cumsum(k)]
        kept_days = days[keep]
        for j in unsolved:  # rare: only groups the vectorised solver could not settle
            lo, hi = offsets[j], offsets[j + 1]
            result[ids[j]] = _pyxirr_one(kept_days[lo:hi], norm[lo:hi], scale[defined][j])
    return result


def _one_sign_change(days: np.ndarray, amounts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Per group (consecutive runs of `counts` flows): whether its non-zero amounts, in the
    order given, are in date order and change sign exactly once (Descartes' rule of signs for
    sums of exponentials: then f has one root)."""
    group = np.repeat(np.arange(counts.size), counts)
    nonzero = amounts != 0
    d, a, g = days[nonzero], amounts[nonzero], group[nonzero]
    same = g[1:] == g[:-1]
    changes = same & ((a[1:] > 0) != (a[:-1] > 0))
    once = np.bincount(g[1:][changes], minlength=counts.size) == 1
    once[g[1:][same & (d[1:] < d[:-1])]] = False
    return once


def _pyxirr_one(days: np.ndarray, norm: np.ndarray, scale: float) -> float:
    """pyxirr on amounts scaled to a largest of 10^4, then as booked; NaN if neither solves."""
    dates = days.astype("datetime64[D]")
    for amounts in (norm * _FALLBACK_SCALE, norm * scale):
        try:
            rate = pyxirr.xirr(dates, amounts)
        except Exception:  # pyxirr raises on flows it cannot solve: undefined, not an error
            continue
        if rate is not None and np.isfinite(rate):
            return float(rate)
    return float("nan")


def _first_guess(t: np.ndarray, a: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """log(multiple) / (money-weighted years between outflows and inflows); else 10 %."""
    pos, neg = np.where(a > 0, a, 0.0), np.where(a < 0, -a, 0.0)
    p, q = np.add.reduceat(pos, starts), np.add.reduceat(neg, starts)
    span = np.add.reduceat(pos * t, starts) / p - np.add.reduceat(neg * t, starts) / q
    with np.errstate(all="ignore"):
        guess = np.log(p / q) / span
    return np.where(np.isfinite(guess) & (span > 0.05) & (np.abs(guess) < 3), guess, _X0)


def _newton(
    years: np.ndarray,
    amounts: np.ndarray,
    counts: np.ndarray,
    tol: float,
    max_iter: int,
    guess: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Safeguarded Newton on f(x) = sum(a * exp(-t x)), x = log(1 + r), all groups at once.

    Once a group has points with f > 0 and f < 0, a Newton step that leaves that bracket or
    does not halve the previous step is replaced by bisection (as Numerical Recipes' rtsafe).
    """
    n = counts.size
    t, a, c = years, amounts, counts
    x = _first_guess(t, a, np.r_[0, np.cumsum(c)[:-1]])
    if guess is not None:
        with np.errstate(all="ignore"):
            given = np.log1p(guess)
        x = np.where(np.isfinite(given) & (np.abs(given) < _X_LIMIT), given, x)
    x_pos = np.full(n, np.nan)  # a point where f > 0
    x_neg = np.full(n, np.nan)  # a point where f < 0
    last_step = np.full(n, np.inf)
    solved = np.zeros(n, dtype=bool)
    active = np.arange(n)
    with np.errstate(all="ignore"):
        for _ in range(max_iter):
            starts = np.r_[0, np.cumsum(c)[:-1]]
            xa = x[active]
            disc = a * np.exp(-t * np.repeat(xa, c))
            f = np.add.reduceat(disc, starts)
            df = np.add.reduceat(-t * disc, starts)
            x_pos[active] = np.where(f > 0, xa, x_pos[active])
            x_neg[active] = np.where(f < 0, xa, x_neg[active])
            step = np.clip(f / df, -_MAX_STEP, _MAX_STEP)
            x_new = xa - step
            lo = np.minimum(x_pos[active], x_neg[active])
            hi = np.maximum(x_pos[active], x_neg[active])
            slow = np.abs(step) > 0.5 * last_step[active]
            bisect = np.isfinite(lo) & np.isfinite(hi) & (slow | ~((x_new > lo) & (x_new < hi)))
            x_new = np.where(bisect, 0.5 * (lo + hi), x_new)
            last_step[active] = np.abs(x_new - xa)
            done = (np.abs(x_new - xa) <= tol * (1.0 + np.abs(xa))) | (f == 0)
            lost = ~np.isfinite(x_new) | (np.abs(x_new) > _X_LIMIT)
            x[active] = np.where(lost, xa, x_new)
            solved[active[done & ~lost]] = True
            still = ~(done | lost)
            if not still.any():
                break
            flow_mask = np.repeat(still, c)
            active, t, a, c = active[still], t[flow_mask], a[flow_mask], c[still]
    return np.expm1(x), solved

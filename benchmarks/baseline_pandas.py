"""The pandas baseline: holding figures as a careful analyst would compute them in pandas.

Reads the ledger CSVs and computes per (fund_id, holding_id), in the fund's currency:
invested, proceeds, income, remaining cost (proceeds relieve cost first), fair value by the rule
of docs/methods.md (latest valuation on or before the as-of date plus investments made after
it; remaining cost when never valued), MOIC, and the gross IRR with `groupby().apply` and a
scipy XIRR (Newton from 10 %, brentq when Newton fails). Idiomatic pandas, vectorised where
pandas makes that natural, and nothing slow on purpose. Scope: rows in their fund's currency
(true of synthetic books); holdings that are funds of the book (valued at the holder's capital
account) are left out.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import optimize

KEYS = ["fund_id", "holding_id"]
GROSS_SIGN = {"investment": -1.0, "proceeds": 1.0, "income": 1.0}
SAME_DAY_ORDER = {"investment": 0, "income": 1, "proceeds": 2}  # cost before relief


def read_ledger(ledger_dir: str | Path) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """transactions, valuations and funds as pandas frames (amounts as floats)."""
    d = Path(ledger_dir)
    ids = {"investor_id": "string", "holding_id": "string", "memo": "string"}
    txns = pd.read_csv(d / "transactions.csv", parse_dates=["date"], dtype=ids)
    vals = pd.read_csv(d / "valuations.csv", parse_dates=["date"])
    funds = pd.read_csv(d / "funds.csv")
    return txns, vals, funds


def xnpv(rate: float, years: np.ndarray, amounts: np.ndarray) -> float:
    """Net present value at an annual rate, actual/365."""
    return float(np.sum(amounts / (1.0 + rate) ** years))


def dxnpv(rate: float, years: np.ndarray, amounts: np.ndarray) -> float:
    """Derivative of xnpv with respect to the rate."""
    return float(np.sum(-years * amounts / (1.0 + rate) ** (years + 1.0)))


def xirr(dates: pd.Series, amounts: pd.Series) -> float:
    """Excel-style XIRR; NaN when the flows do not change sign or no root is found."""
    a = amounts.to_numpy(dtype=float)
    if not ((a > 0).any() and (a < 0).any()):
        return np.nan
    years = (dates - dates.min()).dt.days.to_numpy() / 365.0
    if years.max() == 0:  # all on one day: any rate fits when they net to zero (Excel/pyxirr: 0)
        return 0.0 if a.sum() == 0 else np.nan
    a = a / np.abs(a).max()  # the same relative tolerance for every holding
    with np.errstate(all="ignore"):
        return _solve(years, a)


def _solve(years: np.ndarray, a: np.ndarray) -> float:
    try:
        rate = optimize.newton(xnpv, 0.1, fprime=dxnpv, args=(years, a), tol=1e-14, maxiter=100)
        if np.isfinite(rate) and rate > -1.0:
            return float(rate)
    except (RuntimeError, OverflowError, ZeroDivisionError):
        pass
    try:
        return float(optimize.brentq(xnpv, -0.999999, 1e10, args=(years, a), xtol=1e-15))
    except ValueError:
        return np.nan


def holding_xirr(flows: pd.DataFrame) -> pd.Series:
    """XIRR per holding of flows (fund_id, holding_id, date, amount): groupby().apply."""
    return (
        flows.groupby(KEYS, sort=True)
        .apply(lambda g: xirr(g["date"], g["amount"]), include_groups=False)
        .rename("gross_irr")
    )


def holding_positions(
    txns: pd.DataFrame, vals: pd.DataFrame, funds: pd.DataFrame, as_of: date
) -> pd.DataFrame:
    """Per company holding: invested, proceeds, income, remaining_cost, fair_value."""
    at = pd.Timestamp(as_of)
    t = txns[
        (txns["date"] <= at)
        & txns["type"].isin(list(GROSS_SIGN))
        & ~txns["holding_id"].isin(funds["fund_id"])
    ].copy()
    t["order"] = t["type"].map(SAME_DAY_ORDER)
    t = t.sort_values([*KEYS, "date", "order"], kind="stable")
    sums = t.pivot_table(index=KEYS, columns="type", values="amount", aggfunc="sum", fill_value=0.0)
    sums = sums.reindex(columns=["investment", "proceeds", "income"], fill_value=0.0)
    sums.columns = ["invested", "proceeds", "income"]
    t["cum_i"] = (
        t["amount"]
        .where(t["type"] == "investment", 0.0)
        .groupby([t["fund_id"], t["holding_id"]])
        .cumsum()
    )
    t["cum_p"] = (
        t["amount"]
        .where(t["type"] == "proceeds", 0.0)
        .groupby([t["fund_id"], t["holding_id"]])
        .cumsum()
    )
    t["gap"] = (t["cum_i"] - t["cum_p"]).groupby([t["fund_id"], t["holding_id"]]).cummin()
    last = t.groupby(KEYS).last()
    relieved = last["cum_p"] + np.minimum(last["gap"], 0.0)
    sums["remaining_cost"] = sums["invested"] - relieved
    return (
        sums.join(_marked_values(t, vals, at))
        .assign(fair_value=lambda df: df["marked_value"].fillna(df["remaining_cost"]))
        .drop(columns="marked_value")
    )


def _marked_values(t: pd.DataFrame, vals: pd.DataFrame, at: pd.Timestamp) -> pd.Series:
    """Latest valuation on or before `at` plus investments dated after it."""
    latest = (
        vals[vals["date"] <= at]
        .sort_values("date", kind="stable")
        .groupby(KEYS)[["date", "fair_value"]]
        .last()
        .rename(columns={"date": "valuation_date"})
    )
    inv = t[t["type"] == "investment"].join(latest, on=KEYS, how="inner")
    later = inv[inv["date"] > inv["valuation_date"]].groupby(KEYS)["amount"].sum()
    return (latest["fair_value"] + later.reindex(latest.index, fill_value=0.0)).rename(
        "marked_value"
    )


def holding_flows(txns: pd.DataFrame, positions: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """Gross cash flows per holding, fund's view, with the fair value as a final inflow."""
    t = txns[(txns["date"] <= pd.Timestamp(as_of)) & txns["type"].isin(list(GROSS_SIGN))]
    t = t.join(positions[[]], on=KEYS, how="inner")
    flows = t[KEYS + ["date"]].assign(amount=t["amount"] * t["type"].map(GROSS_SIGN))
    final = positions["fair_value"].reset_index().assign(date=pd.Timestamp(as_of))
    final = final.rename(columns={"fair_value": "amount"})[KEYS + ["date", "amount"]]
    return pd.concat([flows, final], ignore_index=True)


def holding_figures(ledger_dir: str | Path, as_of: date) -> pd.DataFrame:
    """The whole analyst's job: read, value, multiples, XIRR per holding."""
    txns, vals, funds = read_ledger(ledger_dir)
    pos = holding_positions(txns, vals, funds, as_of)
    pos["moic"] = (pos["proceeds"] + pos["income"] + pos["fair_value"]) / pos["invested"]
    pos.loc[pos["invested"] == 0, "moic"] = np.nan
    return pos.join(holding_xirr(holding_flows(txns, pos, as_of)))

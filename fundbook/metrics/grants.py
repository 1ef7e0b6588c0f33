"""Grant matching per company (granted, matched, ratio, deadline, status) and a programme's budget.

A grant programme (a fund paying `grant` rows) gives each company government money that the
company matches with its own (`matching` rows) at GRANT_MATCHING_RATIO (1:2), at most
GRANT_CAP_PER_COMPANY_HKD of grants per company over the programme. The matching is due by a
deadline: `matching_deadline_months` (terms.csv) after the company's last grant instalment on
or before the as-of date. Before it, a shortfall is `pending`; after it, `short`
(docs/methods.md, "Grant matching").
"""

from __future__ import annotations

from datetime import date

import polars as pl

from fundbook.core.types import GRANT_CAP_PER_COMPANY_HKD, GRANT_MATCHING_RATIO
from fundbook.metrics.money import as_money, cents, ratio, zero
from fundbook.metrics.positions import fx_at
from fundbook.metrics.protocol import BookFrames
from fundbook.metrics.translation import to_hkd

# The rules of a company's grants (of the columns they name; `grants_hkd` in cents, `as_of`
# the date the figures are as of), stated once: the metrics and `explain` evaluate them.
OVER_CAP = pl.col("grants_hkd") > GRANT_CAP_PER_COMPANY_HKD * 100
COMPLIANT = pl.col("matching_ratio") >= pl.col("required_ratio")
# A shortfall is pending on and before the deadline; without a deadline it is short at once.
PENDING = pl.col("matching_deadline").is_not_null() & (
    pl.col("as_of") <= pl.col("matching_deadline")
)
# over_cap first: a company over the cap is a breach whatever its matching.
GRANT_STATUS = (
    pl.when(OVER_CAP)
    .then(pl.lit("over_cap"))
    .when(COMPLIANT)
    .then(pl.lit("ok"))
    .when(PENDING)
    .then(pl.lit("pending"))
    .otherwise(pl.lit("short"))
)
GRANT_STATUSES = ("ok", "pending", "short", "over_cap")
# The deadline: months after the last grant (month ends clamp: 2026-08-31 + 6mo = 2027-02-28).
MATCHING_DEADLINE = pl.col("last_grant_date").dt.offset_by(
    pl.format("{}mo", pl.col("matching_deadline_months"))
)
GRANT_COLUMNS = (
    "programme",
    "company_id",
    "currency",
    "grants",
    "matching",
    "matching_ratio",
    "required_ratio",
    "compliant",
    "shortfall",
    "grants_hkd",
    "matching_hkd",
    "over_cap",
    "last_grant_date",
    "matching_deadline",
    "status",
)


def grant_matching(frames: BookFrames, as_of: date) -> pl.DataFrame:
    """One row per (programme, company): grants paid (`grants`, the government's money) and
    the company's own matching contributions, in the fund's currency; the matching ratio
    against the required 1:2, the shortfall, grants in HKD and whether they exceed the cap;
    the last grant's date, the matching deadline and the status ok | pending | short |
    over_cap (GRANT_STATUS)."""
    rows = frames.transactions.filter(
        (pl.col("date") <= as_of) & pl.col("type").is_in(["grant", "matching"])
    )
    per = rows.group_by("fund_id", "holding_id").agg(
        *(
            cents(pl.col("amount_fund")).filter(pl.col("type") == t).sum().alias(c)
            for t, c in (("grant", "grants"), ("matching", "matching"))
        ),
        pl.col("date").filter(pl.col("type") == "grant").max().alias("last_grant_date"),
    )
    per = per.filter(pl.col("grants") > 0)
    fx = fx_at(frames, as_of)
    hkd = to_hkd(
        per.select("fund_id", "holding_id", pl.col("grants").alias("amount")), frames, fx
    ).join(
        to_hkd(
            per.select("fund_id", "holding_id", pl.col("matching").alias("matching_hkd")),
            frames,
            fx,
            "matching_hkd",
        ),
        on=["fund_id", "holding_id"],
    )
    required = pl.col("grants") * int(GRANT_MATCHING_RATIO * 100) // 100
    out = (
        per.join(hkd.rename({"amount": "grants_hkd"}), on=["fund_id", "holding_id"])
        .join(frames.funds.select("fund_id", "currency"), on="fund_id", how="left")
        .join(_deadline_months(frames), on="fund_id", how="left")
        .with_columns(
            ratio(pl.col("matching"), pl.col("grants")).alias("matching_ratio"),
            pl.lit(GRANT_MATCHING_RATIO).alias("required_ratio"),
            pl.max_horizontal(required - pl.col("matching"), zero()).alias("shortfall"),
            OVER_CAP.alias("over_cap"),
            MATCHING_DEADLINE.alias("matching_deadline"),
            pl.lit(as_of).alias("as_of"),
        )
        .with_columns(COMPLIANT.alias("compliant"))
        .with_columns(GRANT_STATUS.alias("status"))
    )
    out = out.rename({"fund_id": "programme", "holding_id": "company_id"})
    return as_money(out.select(GRANT_COLUMNS).sort("programme", "company_id"))


def grant_table(frames: BookFrames, as_of: date) -> pl.DataFrame:
    """`grant_matching` as the snapshot's `grant` level and `metrics --by grant` give it: the
    fund paying the grants as `fund_id`."""
    return grant_matching(frames, as_of).rename({"programme": "fund_id"})


def _deadline_months(frames: BookFrames) -> pl.DataFrame:
    """(fund_id, matching_deadline_months) of the funds whose terms give one."""
    terms = frames.terms
    if "matching_deadline_months" not in terms.columns:
        return pl.DataFrame(schema={"fund_id": pl.String(), "matching_deadline_months": pl.Int64()})
    return terms.select("fund_id", pl.col("matching_deadline_months").cast(pl.Int64)).filter(
        pl.col("matching_deadline_months").is_not_null()
    )


def grant_budget(frames: BookFrames, as_of: date) -> pl.DataFrame:
    """(fund_id, budget, budget_hkd): the commitments to each fund paying grants on or before
    `as_of` (money in the fund's currency, and in HKD at the as-of rate, converted once per
    fund): the money the programme may grant."""
    payers = frames.transactions.filter((pl.col("type") == "grant") & (pl.col("date") <= as_of))
    budget = (
        frames.commitments.filter(pl.col("date") <= as_of)
        .join(payers.select("fund_id").unique(), on="fund_id")
        .group_by("fund_id")
        .agg(cents(pl.col("amount_fund")).sum().alias("budget"))
        .with_columns(pl.col("budget").alias("budget_hkd"))
    )
    return as_money(to_hkd(budget, frames, fx_at(frames, as_of), "budget_hkd"))


def grant_summary(
    per_company: pl.DataFrame, budget: pl.DataFrame, keys: list[str] | None = None
) -> pl.DataFrame:
    """Per programme, or per `keys` (of `per_company`, grant_matching's rows with `programme`
    the programme they count in, and `budget` by the same keys, in HKD): grants and matching
    in HKD (each company's `grants_hkd`, `matching_hkd`: a programme's grant funds may be in
    different currencies) and their ratio, companies granted and at each status, those short
    listed, the budget and the share of it used."""

    def count(status: str) -> pl.Expr:
        return (pl.col("status") == status).sum().cast(pl.Int64)

    return (
        per_company.group_by(keys or ["programme"])
        .agg(
            pl.col("grants_hkd").sum().alias("grants"),
            pl.col("matching_hkd").sum().alias("matching"),
            pl.len().cast(pl.Int64).alias("grant_companies"),
            count("short").alias("companies_short"),
            count("pending").alias("companies_pending"),
            count("over_cap").alias("companies_over_cap"),
            pl.col("company_id")
            .filter(pl.col("status") == "short")
            .sort()
            .str.join(", ")
            .alias("short_companies"),
        )
        .with_columns(  # none short: null, not an empty list
            pl.when(pl.col("companies_short") > 0).then(pl.col("short_companies"))
        )
        .join(budget, on=keys or ["programme"], how="left")
        .with_columns(
            ratio(pl.col("matching"), pl.col("grants")).alias("matching_ratio"),
            ratio(pl.col("grants"), pl.col("budget")).alias("budget_used"),
        )
    )

"""The ITIF programme rules: programme size, government cap, strategic investors, grant cap."""

from __future__ import annotations

from datetime import date

import polars as pl

from fundbook.core.types import (
    GRANT_CAP_PER_COMPANY_HKD,
    ITIF_MAX_PROGRAMME_GOVERNMENT_HKD,
    ITIF_MIN_PROGRAMME_SIZE_HKD,
    ITIF_MIN_STRATEGIC_INVESTOR_HKD,
    REPORTING_CURRENCY,
)
from fundbook.metrics.grants import grant_matching
from fundbook.metrics.money import CENTS, MONEY, cents, ratio
from fundbook.metrics.programme import programme_rows, programme_totals
from fundbook.metrics.protocol import BookFrames

COLUMNS = ("fund_id", "rule", "status", "ratio", "amount", "currency", "threshold", "detail")


def rule_status(passed: pl.Expr, judged: pl.Expr, behind: pl.Expr | None = None) -> pl.Expr:
    """`pending` while not judged, then `pass`; not passed: `watch` while `behind` (behind pace
    before the end of the period the rule is judged at), else `fail`."""
    failed = pl.lit("fail")
    if behind is not None:
        failed = pl.when(behind).then(pl.lit("watch")).otherwise(pl.lit("fail"))
    return (
        pl.when(~judged).then(pl.lit("pending")).when(passed).then(pl.lit("pass")).otherwise(failed)
    )


def hkd_text(expr: pl.Expr) -> pl.Expr:
    """Cents as a plain decimal string for messages."""
    return expr.cast(MONEY).truediv(100).cast(pl.String)


def _row(
    df: pl.DataFrame,
    rule: str,
    status: pl.Expr,
    ratio_expr: pl.Expr,
    amount: pl.Expr,
    threshold: str,
    detail: pl.Expr,
) -> pl.DataFrame:
    return df.select(
        pl.col("programme").alias("fund_id"),
        pl.lit(rule).alias("rule"),
        status.alias("status"),
        ratio_expr.alias("ratio"),
        amount.cast(CENTS).alias("amount"),
        pl.lit(REPORTING_CURRENCY).alias("currency"),
        pl.lit(threshold).alias("threshold"),
        detail.alias("detail"),
    )


def _size_and_cap(rows: pl.DataFrame, as_of: date) -> list[pl.DataFrame]:
    """`programme_size` (the sub-funds' commitments against HK$40bn: behind before the end of
    the guidance fund's investment period is `watch`) and `government_cap` (government
    commitments to the sub-funds and direct co-investments, at most HK$10bn)."""
    subs = rows.filter(pl.col("scope") == "sub_funds", pl.col("target_size").is_not_null())
    before_end = pl.col("target_date").is_null() | (pl.col("target_date") > as_of)
    size = _row(
        subs,
        "programme_size",
        rule_status(pl.col("committed") >= pl.col("target_size"), pl.lit(True), before_end),
        ratio(pl.col("committed"), pl.col("target_size")),
        pl.col("committed"),
        f">= {ITIF_MIN_PROGRAMME_SIZE_HKD:,} HKD (all sub-funds)",
        pl.format(
            "{} raised of the target; shortfall {} HKD; judged at the end of the investment "
            "period ({})",
            (ratio(pl.col("committed"), pl.col("target_size")) * 100).round(1).cast(pl.String)
            + pl.lit(" %"),
            hkd_text(pl.col("size_shortfall")),
            pl.col("target_date").cast(pl.String).fill_null("not in the book"),
        ),
    )
    both = rows.filter(pl.col("kind") == "guidance_fund", pl.col("scope") != "scheme")
    gov = both.group_by("programme").agg(
        pl.col("government_committed").sum().alias("government"),
        pl.col("government_committed").filter(pl.col("scope") == "sub_funds").sum().alias("_s"),
        pl.col("government_committed").filter(pl.col("scope") == "direct").sum().alias("_d"),
    )
    cap = ITIF_MAX_PROGRAMME_GOVERNMENT_HKD * 100
    government = _row(
        gov,
        "government_cap",
        rule_status(pl.col("government") <= cap, pl.lit(True)),
        ratio(pl.col("government"), pl.lit(cap)),
        pl.col("government"),
        f"<= {ITIF_MAX_PROGRAMME_GOVERNMENT_HKD:,} HKD (sub-funds and direct co-investments)",
        pl.format(
            "government commitments: sub-funds {} + direct co-investments {} HKD",
            hkd_text(pl.col("_s")),
            hkd_text(pl.col("_d")),
        ),
    )
    return [size, government]


def _strategic(frames: BookFrames, as_of: date, rows: pl.DataFrame) -> pl.DataFrame:
    """`strategic_investor`: each investor flagged strategic commits >= HK$3bn across the
    programme's sub-funds (HKD at the as-of rate); the row shows the smallest of those who have
    committed or co-invested in the book, and names each one below; `pending` while none has
    (none flagged, or before their first commitment). A strategic investor's commitments are made
    when it is admitted, so one below HK$3bn is a breach (`fail`, issue 13) from then on, until
    a later commitment lifts it (`compliance --history` shows when)."""
    progs = rows.filter(pl.col("scope") == "sub_funds", pl.col("kind") == "guidance_fund")
    flagged = frames.investors.filter(pl.col("strategic"))["investor_id"]
    items = programme_totals(frames, as_of).filter(
        (pl.col("basis") == "committed") & (pl.col("scope") == "sub_funds")
    )
    each = (
        progs.select("programme")
        .join(
            pl.DataFrame({"investor_id": flagged}, schema={"investor_id": pl.String}), how="cross"
        )
        .join(
            items.group_by("programme", "investor_id").agg(pl.col("amount").sum()),
            on=["programme", "investor_id"],
            how="left",
        )
        .with_columns(pl.col("amount").fill_null(0).cast(CENTS))
    )
    floor = ITIF_MIN_STRATEGIC_INVESTOR_HKD * 100
    admitted = pl.concat(
        [
            frames.commitments.filter(pl.col("date") <= as_of)["investor_id"],
            frames.transactions.filter(pl.col("date") <= as_of)["investor_id"].drop_nulls(),
        ]
    ).unique()
    # committed (or co-invested) somewhere in the book
    made = pl.col("investor_id").is_in(admitted.implode())
    below = made & (pl.col("amount") < floor)
    per = (
        each.sort("investor_id")
        .group_by("programme")
        .agg(
            pl.col("amount").filter(made).min().alias("smallest"),
            made.any().alias("_made"),
            below.sum().alias("_below"),
            pl.format("{} {} HKD", "investor_id", hkd_text(pl.col("amount")))
            .filter(below)
            .str.join(", ")
            .alias("_names"),
        )
    )
    out = progs.select("programme", "target_date").join(per, on="programme", how="left")
    return _row(
        out,
        "strategic_investor",
        rule_status(pl.col("_below") == 0, pl.col("_made").fill_null(False)),
        ratio(pl.col("smallest"), pl.lit(floor)),
        pl.col("smallest"),
        f">= {ITIF_MIN_STRATEGIC_INVESTOR_HKD:,} HKD per strategic investor (all sub-funds)",
        pl.when(pl.col("_made").is_null())
        .then(pl.lit("no investor is flagged strategic"))
        .when(~pl.col("_made"))
        .then(pl.lit("no strategic investor has committed yet"))
        .when(pl.col("_below") > 0)
        .then(pl.lit("below: ") + pl.col("_names"))
        .otherwise(pl.lit("")),
    )


def _grant_cap(frames: BookFrames, as_of: date) -> pl.DataFrame:
    """`grant_cap`: at most HK$250,000 of grants per company (`grant_matching`'s `grants_hkd`
    and `over_cap`); the row shows the largest, and names each company over the cap."""
    grants = grant_matching(frames, as_of).with_columns(cents(pl.col("grants_hkd")))
    per = (
        grants.sort("company_id")
        .group_by("programme")
        .agg(
            pl.col("grants_hkd").max().alias("largest"),
            pl.col("over_cap").sum().alias("_over"),
            pl.format("{} {} HKD", "company_id", hkd_text(pl.col("grants_hkd")))
            .filter(pl.col("over_cap"))
            .str.join(", ")
            .alias("_names"),
        )
    )
    cap = GRANT_CAP_PER_COMPANY_HKD * 100
    return _row(
        per,
        "grant_cap",
        rule_status(pl.col("_over") == 0, pl.lit(True)),
        ratio(pl.col("largest"), pl.lit(cap)),
        pl.col("largest"),
        f"<= {GRANT_CAP_PER_COMPANY_HKD:,} HKD of grants per company",
        pl.when(pl.col("_over") > 0)
        .then(pl.lit("over the cap: ") + pl.col("_names"))
        .otherwise(pl.lit("")),
    )


def programme_rules(frames: BookFrames, as_of: date) -> pl.DataFrame:
    """One row per (programme, rule), `fund_id` naming the programme's own fund: the guidance
    fund's `programme_size`, `government_cap` and `strategic_investor`; each grant-paying
    fund's `grant_cap` (amounts in HKD cents)."""
    rows = programme_rows(frames, as_of)
    parts = [
        *_size_and_cap(rows, as_of),
        _strategic(frames, as_of, rows),
        _grant_cap(frames, as_of),
    ]
    return pl.concat([p.cast({"ratio": pl.Float64, "amount": CENTS}) for p in parts]).select(
        list(COLUMNS)
    )

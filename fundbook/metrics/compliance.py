"""The ITIF rules: per sub-fund (size, government cap, HK nexus, HK production, themes) and per
programme (programme size, government cap, strategic investors, grant cap per company)."""

from __future__ import annotations

from datetime import date

import polars as pl

from fundbook.core.types import (
    ITIF_MAX_GOVERNMENT_HKD,
    ITIF_MAX_GOVERNMENT_SHARE,
    ITIF_MIN_HK_NEXUS,
    ITIF_MIN_HK_PRODUCTION,
    ITIF_MIN_SUB_FUND_SIZE_HKD,
    ITIF_RULES,
    REPORTING_CURRENCY,
    STATUS_ORDER,
    STRATEGIC_THEMES,
)
from fundbook.metrics.gp_statements import book_ledgers
from fundbook.metrics.money import MONEY, as_money, cents, ratio, zero
from fundbook.metrics.programme_rules import programme_rules, rule_status
from fundbook.metrics.protocol import BookFrames
from fundbook.metrics.state import book_state
from fundbook.metrics.translation import to_hkd

_COLUMNS = ("fund_id", "rule", "status", "ratio", "amount", "currency", "threshold", "detail")


def fund_facts(frames: BookFrames, as_of: date) -> pl.DataFrame:
    """Per sub-fund, in HKD at the as-of rate: size, government commitment, invested cost
    (all and in HK-nexus companies), HK production spend during the investment period (spend
    dated after `investment_period_end` does not count), holdings outside the five themes."""
    state = book_state(frames, as_of)
    # a sub-fund whose ledger the book does not keep (held from its GP's statements) has
    # nothing to judge its rules on (issue 13)
    kept = book_ledgers(frames).implode()
    subs = frames.funds.filter(
        (pl.col("kind") == "sub_fund") & pl.col("fund_id").is_in(kept)
    ).select("fund_id", "investment_period_end")
    gov = frames.investors.filter(pl.col("kind") == "government")["investor_id"].implode()
    capital = state.accounts.group_by("fund_id").agg(
        pl.col("committed").sum().alias("size"),
        pl.col("committed").filter(pl.col("investor_id").is_in(gov)).sum().alias("government"),
    )
    companies = frames.companies.select(
        pl.col("company_id").alias("holding_id"), "theme", "hk_nexus"
    )
    held = state.holdings.join(companies, on="holding_id", how="inner")
    outside = ~pl.col("theme").is_in(STRATEGIC_THEMES)
    portfolio = held.group_by("fund_id").agg(
        pl.col("invested").sum(),
        pl.col("invested").filter(pl.col("hk_nexus")).sum().alias("nexus_invested"),
        pl.col("invested").filter(outside).sum().alias("outside_invested"),
        pl.col("holding_id").filter(outside).sort().str.join(", ").alias("outside_holdings"),
    )
    in_period = pl.col("investment_period_end").is_null() | (
        pl.col("date") <= pl.col("investment_period_end")
    )
    production = (
        frames.transactions.filter(
            (pl.col("date") <= as_of) & (pl.col("type") == "hk_production_spend")
        )
        .join(subs, on="fund_id", how="inner")
        .filter(in_period)
        .group_by("fund_id")
        .agg(cents(pl.col("amount_fund")).sum().alias("production"))
    )
    # the investment period runs from the sub-fund's first commitment (its first close)
    start = (
        frames.commitments.filter(pl.col("date") <= as_of)
        .group_by("fund_id")
        .agg(pl.col("date").min().alias("period_start"))
    )
    facts = subs.join(capital, on="fund_id", how="left").join(portfolio, on="fund_id", how="left")
    facts = facts.join(start, on="fund_id", how="left")
    facts = facts.join(production, on="fund_id", how="left")
    money = ["size", "government", "invested", "nexus_invested", "outside_invested", "production"]
    facts = facts.with_columns(pl.col(money).fill_null(zero()))
    for col in money:
        facts = to_hkd(facts.rename({col: "amount"}), frames, state.fx).rename({"amount": col})
    ended = pl.col("investment_period_end").is_not_null() & (
        pl.col("investment_period_end") <= as_of
    )
    return facts.with_columns(
        ended.alias("period_ended"), elapsed_share(as_of).alias("elapsed_share")
    )


def elapsed_share(as_of: date) -> pl.Expr:
    """The share of the investment period (`period_start` to `investment_period_end`) elapsed
    at `as_of`, between 0 and 1; null when the book has no end or start for it."""
    days = (pl.col("investment_period_end") - pl.col("period_start")).dt.total_days()
    done = (pl.lit(as_of) - pl.col("period_start")).dt.total_days()
    return (
        pl.when(days > 0)
        .then((done.cast(pl.Float64) / days.cast(pl.Float64)).clip(0.0, 1.0))
        .otherwise(None)
    )


def paced_status(figure: pl.Expr, threshold: float) -> pl.Expr:
    """A rule judged at the end of the investment period (`figure` >= `threshold` then): after
    the end, `pass` or `fail`; before it, `watch` when behind pace (below `threshold` x the
    elapsed share of the period), else `pending` (on pace; without a period in the book, not
    paced: pending)."""
    behind = figure.fill_null(0.0) < threshold * pl.col("elapsed_share")
    return (
        pl.when(pl.col("period_ended"))
        .then(pl.when(figure >= threshold).then(pl.lit("pass")).otherwise(pl.lit("fail")))
        .when(behind.fill_null(False))
        .then(pl.lit("watch"))
        .otherwise(pl.lit("pending"))
    )


def _rule(
    facts: pl.DataFrame,
    name: str,
    passed: pl.Expr,
    judged: pl.Expr,
    *,
    behind: pl.Expr | None = None,
    ratio_expr: pl.Expr | None = None,
    amount: pl.Expr | None = None,
    threshold: str,
    detail: pl.Expr | None = None,
    paced: pl.Expr | None = None,
) -> pl.DataFrame:
    status = rule_status(passed, judged, behind) if paced is None else paced
    return facts.select(
        "fund_id",
        pl.lit(name).alias("rule"),
        status.alias("status"),
        (ratio_expr if ratio_expr is not None else pl.lit(None, pl.Float64)).alias("ratio"),
        (amount if amount is not None else pl.lit(None, pl.Int128)).alias("amount"),
        pl.lit(REPORTING_CURRENCY).alias("currency"),
        pl.lit(threshold).alias("threshold"),
        (detail if detail is not None else pl.lit("")).alias("detail"),
    )


def compliance(frames: BookFrames, as_of: date) -> pl.DataFrame:
    """One row per (fund, rule): the figure, the threshold and the status (pass, fail, watch,
    pending); the sub-fund rules, then the programme rules (`programme_rules`).

    Failures come first, then watch, pending, passes. The HK nexus of size and the HK
    production rule are judged at the end of the investment period; before it they are paced
    (`paced_status`): behind pace `watch`, on pace `pending`. The HK nexus of invested cost
    is `watch` below 50 % before the end of the period, `fail` after it.
    """
    f = fund_facts(frames, as_of)
    always = pl.lit(True)
    nexus_inv = ratio(pl.col("nexus_invested"), pl.col("invested"))
    nexus_size = ratio(pl.col("nexus_invested"), pl.col("size"))
    prod = ratio(pl.col("production"), pl.col("size"))
    gov_share = ratio(pl.col("government"), pl.col("size"))

    def pace_note(threshold: float) -> pl.Expr:
        expected = (pl.col("elapsed_share") * threshold * 100).round(1).cast(pl.String)
        elapsed = (pl.col("elapsed_share") * 100).round(1).cast(pl.String)
        return (
            pl.when(pl.col("period_ended"))
            .then(pl.lit(""))
            .otherwise(
                pl.lit("judged at the end of the investment period (")
                + pl.col("investment_period_end").cast(pl.String).fill_null("not in the book")
                + pl.lit(")")
                + pl.when(pl.col("elapsed_share").is_not_null())
                .then(
                    pl.format(
                        "; pace: {} % expected by now ({} % of the period elapsed)",
                        expected,
                        elapsed,
                    )
                )
                .otherwise(pl.lit(""))
            )
        )

    rows = [
        _rule(
            f,
            "size",
            pl.col("size") >= ITIF_MIN_SUB_FUND_SIZE_HKD * 100,
            pl.col("size") > 0,  # nothing committed yet: pending
            amount=pl.col("size"),
            threshold=f">= {ITIF_MIN_SUB_FUND_SIZE_HKD:,} HKD",
        ),
        _rule(
            f,
            "government_share",
            gov_share <= ITIF_MAX_GOVERNMENT_SHARE,
            pl.col("size") > 0,
            ratio_expr=gov_share,
            threshold=f"<= {ITIF_MAX_GOVERNMENT_SHARE:.0%} of size",
        ),
        _rule(
            f,
            "government_amount",
            pl.col("government") <= ITIF_MAX_GOVERNMENT_HKD * 100,
            always,
            amount=pl.col("government"),
            threshold=f"<= {ITIF_MAX_GOVERNMENT_HKD:,} HKD",
        ),
        _rule(
            f,
            "hk_nexus_of_invested",
            nexus_inv >= ITIF_MIN_HK_NEXUS,
            pl.col("invested") > 0,
            behind=~pl.col("period_ended"),
            ratio_expr=nexus_inv,
            threshold=f">= {ITIF_MIN_HK_NEXUS:.0%} of invested cost",
            detail=pl.format(
                "HK-nexus cost {} of {} HKD invested", _fmt("nexus_invested"), _fmt("invested")
            ),
        ),
        _rule(
            f,
            "hk_nexus_of_size",
            nexus_size >= ITIF_MIN_HK_NEXUS,
            pl.col("period_ended"),
            ratio_expr=nexus_size,
            threshold=f">= {ITIF_MIN_HK_NEXUS:.0%} of size",
            detail=pace_note(ITIF_MIN_HK_NEXUS),
            paced=paced_status(nexus_size, ITIF_MIN_HK_NEXUS),
        ),
        _rule(
            f,
            "hk_production",
            prod >= ITIF_MIN_HK_PRODUCTION,
            pl.col("period_ended"),
            ratio_expr=prod,
            amount=pl.col("production"),
            threshold=f">= {ITIF_MIN_HK_PRODUCTION:.0%} of size",
            detail=pace_note(ITIF_MIN_HK_PRODUCTION),
            paced=paced_status(prod, ITIF_MIN_HK_PRODUCTION),
        ),
        _rule(
            f,
            "themes",
            pl.col("outside_invested") == 0,
            always,
            ratio_expr=ratio(pl.col("outside_invested"), pl.col("invested")),
            amount=pl.col("outside_invested"),
            threshold="0 HKD outside the five themes",
            detail=pl.when(pl.col("outside_invested") > 0)
            .then(pl.lit("outside the five themes: ") + pl.col("outside_holdings"))
            .otherwise(pl.lit("")),
        ),
    ]
    rows.append(programme_rules(frames, as_of))
    out = pl.concat([r.cast({"amount": pl.Int128}) for r in rows])
    order = pl.col("status").replace_strict(STATUS_ORDER, return_dtype=pl.Int8)
    rule_order = pl.col("rule").replace_strict(
        {r: i for i, r in enumerate(ITIF_RULES)}, return_dtype=pl.Int8
    )
    out = out.sort(order, "fund_id", rule_order)
    return as_money(out).select(list(_COLUMNS))


def _fmt(col: str) -> pl.Expr:
    """Cents as a plain decimal string for messages."""
    return pl.col(col).cast(MONEY).truediv(100).cast(pl.String)

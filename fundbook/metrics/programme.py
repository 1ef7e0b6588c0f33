"""Programme leverage (government vs social capital, in HKD) and grant matching per company."""

from __future__ import annotations

from datetime import date

import polars as pl

from fundbook.core.types import (
    GRANT_MATCHING_RATIO,
    ITIF_TARGET_AMPLIFICATION,
    REPORTING_CURRENCY,
)
from fundbook.metrics.grants import grant_budget, grant_matching, grant_summary
from fundbook.metrics.money import CENTS, as_money, cents, ratio
from fundbook.metrics.positions import fx_at
from fundbook.metrics.protocol import BookFrames
from fundbook.metrics.translation import to_hkd, to_hkd_at_dates

PROGRAMME_KINDS = ("guidance_fund", "programme", "co_investment")
_ITEM: dict[str, pl.DataType] = {
    "programme": pl.String(),
    "basis": pl.String(),
    "side": pl.String(),
    "amount": CENTS,
}

# Where an item comes from: its date, ledger file and line, and a label (`programme_items`).
TRACE = ("fund_id", "date", "source_file", "source_line", "label")
_TRACE_SCHEMA: dict[str, pl.DataType] = {
    "fund_id": pl.String(),
    "date": pl.Date(),
    "source_file": pl.String(),
    "source_line": pl.Int64(),
    "label": pl.String(),
}
_SOURCE = ("source_file", "source_line")
# The rules of a programme (of the columns they name), stated once: the metrics and `explain`
# evaluate them (a company's grants: metrics.grants).
TARGET_AMPLIFICATION = (
    pl.when((pl.col("kind") == "programme") & (pl.col("member_funds") == 0))
    .then(pl.lit(1.0 + GRANT_MATCHING_RATIO))
    .otherwise(ITIF_TARGET_AMPLIFICATION)
)
PROGRAMME_MEETS_TARGET = pl.col("amplification") >= pl.col("target_amplification")
_TRACE = [pl.col(c) for c in TRACE[1:]]
# Paid-in at the rates of the items' own dates, and the FX translation of paid-in: the as-of
# paid-in less it (HKD cents).
HISTORICAL = "paid_in_historical"
PAID_IN_FX_TRANSLATION = pl.col("paid_in") - pl.col(HISTORICAL)


def _programmes(frames: BookFrames) -> pl.DataFrame:
    """Programmes: funds of kind guidance_fund, programme or co_investment, and any fund named
    as another's programme_id, unless they belong to a programme themselves."""
    named = frames.funds["programme_id"].drop_nulls().unique().implode()
    members = (
        frames.funds.filter(pl.col("programme_id").is_not_null())
        .group_by("programme_id")
        .agg(pl.len().cast(pl.Int64).alias("member_funds"))
        .rename({"programme_id": "fund_id"})
    )
    return (
        frames.funds.filter(
            (pl.col("kind").is_in(PROGRAMME_KINDS) | pl.col("fund_id").is_in(named))
            & pl.col("programme_id").is_null()
        )
        .join(members, on="fund_id", how="left")
        .select(
            pl.col("fund_id").alias("programme"),
            "kind",
            pl.col("member_funds").fill_null(0),
        )
    )


def _scope(frames: BookFrames, as_of: date, progs: pl.DataFrame) -> pl.DataFrame:
    """(programme, fund_id, role) for each programme's own fund and its members. Role:
    `vehicle` (the fund is itself an LP of the book: its own commitments are the money that
    becomes its LP commitments and direct deals, so they are not counted again), `grants`
    (it pays grants: grants and matching count, not its budget), else `capital`."""
    itself = progs.select("programme", pl.col("programme").alias("fund_id"))
    members = frames.funds.join(
        progs.select(pl.col("programme").alias("programme_id")), on="programme_id"
    ).select(pl.col("programme_id").alias("programme"), "fund_id")
    vehicles = frames.investors["fund_id"].drop_nulls().unique().implode()
    grants = (
        frames.transactions.filter((pl.col("date") <= as_of) & (pl.col("type") == "grant"))[
            "fund_id"
        ]
        .unique()
        .implode()
    )
    role = (
        pl.when(pl.col("fund_id").is_in(vehicles))
        .then(pl.lit("vehicle"))
        .when(pl.col("fund_id").is_in(grants))
        .then(pl.lit("grants"))
        .otherwise(pl.lit("capital"))
    )
    return pl.concat([itself, members]).unique().with_columns(role.alias("role"))


def _side(kind_col: str) -> pl.Expr:
    return (
        pl.when(pl.col(kind_col) == "government")
        .then(pl.lit("government"))
        .otherwise(pl.lit("social"))
    )


def _lp_items(frames: BookFrames, as_of: date, scope: pl.DataFrame) -> pl.DataFrame:
    """Commitments (committed) and contributions (paid_in) of the LPs of the programme's
    `capital` funds, by the investor's kind (cents in the fund's currency)."""
    kinds = frames.investors.select("investor_id", pl.col("kind").alias("_kind"))
    commits = frames.commitments.filter(pl.col("date") <= as_of).with_columns(
        pl.lit("committed").alias("basis")
    )
    paid = frames.transactions.filter(
        (pl.col("date") <= as_of) & (pl.col("type") == "contribution")
    ).with_columns(pl.lit("paid_in").alias("basis"))
    cols = ["fund_id", "investor_id", "basis", "amount_fund", "date", *_SOURCE]
    commits = commits.with_columns(pl.format("commitment {}", "investor_id").alias("label"))
    paid = paid.with_columns(
        pl.format("contribution {} ({})", "investor_id", "txn_id").alias("label")
    )
    rows = pl.concat([commits.select(*cols, "label"), paid.select(*cols, "label")])
    rows = rows.join(scope.filter(pl.col("role") == "capital"), on="fund_id").join(
        kinds, on="investor_id", how="left"
    )
    rows = rows.select(
        "fund_id",
        "programme",
        "basis",
        _side("_kind").alias("side"),
        cents(pl.col("amount_fund")).alias("amount"),
        *_TRACE,
    )
    return rows.select(*_ITEM, *TRACE)


def _own_items(frames: BookFrames, as_of: date, scope: pl.DataFrame) -> pl.DataFrame:
    """Money the programme's funds move themselves (counted on both bases): a vehicle's direct
    investments in companies (government), social co-investment alongside any of its funds,
    and a grant fund's grants (government) and the companies' matching (social); cents in the
    fund's currency."""
    book_funds = frames.funds["fund_id"].implode()
    social = frames.investors.filter(pl.col("kind") != "government")["investor_id"].implode()
    moved = ["investment", "co_investment", "grant", "matching"]  # the only types counted
    txns = frames.transactions.filter((pl.col("date") <= as_of) & pl.col("type").is_in(moved)).join(
        scope, on="fund_id"
    )
    direct = (
        (pl.col("role") == "vehicle")
        & (pl.col("type") == "investment")
        & ~pl.col("holding_id").is_in(book_funds)
    )
    co = (pl.col("type") == "co_investment") & pl.col("investor_id").is_in(social)
    grant = (pl.col("role") == "grants") & pl.col("type").is_in(["grant", "matching"])
    side = (
        pl.when(pl.col("type").is_in(["co_investment", "matching"]))
        .then(pl.lit("social"))
        .otherwise(pl.lit("government"))
    )
    rows = txns.filter(direct | co | grant).select(
        "fund_id",
        "programme",
        side.alias("side"),
        cents(pl.col("amount_fund")).alias("amount"),
        "date",
        *_SOURCE,
        pl.format("{} {} ({})", "type", pl.coalesce("investor_id", "holding_id"), "txn_id").alias(
            "label"
        ),
    )
    both = [rows.with_columns(pl.lit(b).alias("basis")) for b in ("committed", "paid_in")]
    return pl.concat(both).select(*_ITEM, *TRACE)


def programme_items(frames: BookFrames, as_of: date) -> pl.DataFrame:
    """Every amount a programme's capital counts (programme, basis committed / paid_in, side
    government / social, amount in HKD cents at the as-of rate), with the ledger row it comes
    from (`TRACE`); and each paid-in item again at the rate of its own date (basis
    `paid_in_historical`), rounded per item likewise."""
    scope = _scope(frames, as_of, _programmes(frames))
    items = pl.concat(
        [
            pl.DataFrame(schema={**_ITEM, **_TRACE_SCHEMA}),
            _lp_items(frames, as_of, scope),
            _own_items(frames, as_of, scope),
        ]
    )
    historical = to_hkd_at_dates(items.filter(pl.col("basis") == "paid_in"), frames)
    return pl.concat(
        [
            to_hkd(items, frames, fx_at(frames, as_of)),
            historical.with_columns(pl.lit("paid_in_historical").alias("basis")),
        ]
    ).select(*_ITEM, *TRACE)


def programme_scope(frames: BookFrames, as_of: date) -> pl.DataFrame:
    """(programme, fund_id, role) of every programme's own fund and its member funds."""
    return _scope(frames, as_of, _programmes(frames))


def programme_metrics(frames: BookFrames, as_of: date) -> pl.DataFrame:
    """One row per programme: government vs social capital (committed and paid-in, in HKD),
    amplification and social leverage against the target; grants and matching for grant
    programmes."""
    progs = _programmes(frames)
    scope = _scope(frames, as_of, progs)
    items = programme_items(frames, as_of).select(list(_ITEM))
    sums = items.group_by("programme").agg(
        *(
            pl.col("amount")
            .filter((pl.col("basis") == b) & (pl.col("side") == s))
            .sum()
            .alias(f"{s}_{b}")
            for b in ("committed", "paid_in")
            for s in ("government", "social")
        ),
        pl.col("amount").filter(pl.col("basis") == "paid_in_historical").sum().alias(HISTORICAL),
    )
    # a grant fund's companies and budget count in the programme it belongs to
    in_programme = scope.select(
        pl.col("fund_id").alias("programme"), pl.col("programme").alias("_p")
    )
    per_company = grant_matching(frames, as_of).join(in_programme, on="programme")
    budget = (
        grant_budget(frames, as_of)
        .rename({"fund_id": "programme"})
        .join(in_programme, on="programme")
    )
    grants = grant_summary(
        per_company.drop("programme").rename({"_p": "programme"}),
        budget.group_by("_p").agg(pl.col("budget").sum()).rename({"_p": "programme"}),
    )
    out = progs.join(sums, on="programme", how="left").join(grants, on="programme", how="left")
    money = [c for c, dt in out.schema.items() if dt == CENTS or isinstance(dt, pl.Decimal)]
    out = out.with_columns(pl.col(money).fill_null(0))
    out = (
        out.with_columns(
            pl.lit(REPORTING_CURRENCY).alias("currency"),
            (pl.col("government_committed") + pl.col("social_committed")).alias("committed"),
            (pl.col("government_paid_in") + pl.col("social_paid_in")).alias("paid_in"),
        )
        .with_columns(
            PAID_IN_FX_TRANSLATION.alias("paid_in_fx_translation"),
            ratio(pl.col("social_committed"), pl.col("government_committed")).alias(
                "social_leverage"
            ),
            ratio(pl.col("social_paid_in"), pl.col("government_paid_in")).alias("paid_in_leverage"),
            TARGET_AMPLIFICATION.alias("target_amplification"),
        )
        .with_columns(
            ratio(pl.col("committed"), pl.col("government_committed")).alias("amplification"),
        )
        .with_columns(PROGRAMME_MEETS_TARGET.alias("meets_target"))
    )
    cols = [
        "programme",
        "kind",
        "currency",
        "member_funds",
        "government_committed",
        "social_committed",
        "committed",
        "amplification",
        "social_leverage",
        "target_amplification",
        "meets_target",
        "government_paid_in",
        "social_paid_in",
        "paid_in",
        HISTORICAL,
        "paid_in_fx_translation",
        "paid_in_leverage",
        "grants",
        "matching",
        "matching_ratio",
        "grant_companies",
        "companies_short",
        "short_companies",
        "companies_pending",
        "companies_over_cap",
        "budget",
        "budget_used",
    ]
    return as_money(out.select(cols).sort("programme"))

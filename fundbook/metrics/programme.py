"""Programme leverage (government vs social capital, in HKD) per scope, and grant matching.

A programme's money falls into scopes that never mix (DOMAIN.md "ITIF programme rules"):
`sub_funds` (the member funds: "Programme (all sub-funds)"), `direct` (the programme's own
fund's direct co-investments and the co-investors' money beside them, when it has member
funds: the guidance fund), `scheme` (a fund without members: a co-investment scheme such as
ITVF, or a grant programme). Each scope is its own row with its own target.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from fundbook.core.types import (
    GRANT_MATCHING_RATIO,
    ITIF_MIN_PROGRAMME_SIZE_HKD,
    ITIF_TARGET_AMPLIFICATION,
    PROGRAMME_SCOPES,
    REPORTING_CURRENCY,
)
from fundbook.metrics.grants import grant_budget, grant_matching, grant_summary
from fundbook.metrics.memo import per_frames
from fundbook.metrics.money import CENTS, as_money, cents, ratio
from fundbook.metrics.positions import fx_at
from fundbook.metrics.protocol import BookFrames
from fundbook.metrics.translation import to_hkd, to_hkd_at_dates

PROGRAMME_KINDS = ("guidance_fund", "programme", "co_investment")
SCOPES = PROGRAMME_SCOPES
_ITEM: dict[str, pl.DataType] = {
    "programme": pl.String(),
    "scope": pl.String(),
    "investor_id": pl.String(),
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
    pl.when(pl.col("scope") == "direct")
    .then(pl.lit(None, pl.Float64))
    .when((pl.col("kind") == "programme") & (pl.col("scope") == "scheme"))
    .then(pl.lit(1.0 + GRANT_MATCHING_RATIO))
    .otherwise(ITIF_TARGET_AMPLIFICATION)
)
# The member funds a scope counts: the sub-funds (scope `sub_funds`); none for the `direct`
# scope (the programme's own fund's deals) or a `scheme` (one fund, no members): null.
MEMBER_FUNDS = pl.when(pl.col("scope") == "sub_funds").then(pl.col("member_funds")).otherwise(None)
# The guidance fund's sub-funds together: at least HK$40bn (cents; null: no size target).
TARGET_SIZE = (
    pl.when((pl.col("scope") == "sub_funds") & (pl.col("kind") == "guidance_fund"))
    .then(pl.lit(ITIF_MIN_PROGRAMME_SIZE_HKD * 100, CENTS))
    .otherwise(pl.lit(None, CENTS))
)
SIZE_SHORTFALL = pl.when(pl.col("target_size").is_not_null()).then(
    pl.max_horizontal(pl.col("target_size") - pl.col("committed"), pl.lit(0, CENTS))
)
# The target met (amplification and size): pass; not met before the end of the programme's
# investment period (`target_date`, when the sub-funds' targets are judged): watch; else fail.
TARGET_MET = (pl.col("amplification") >= pl.col("target_amplification")) & (
    pl.col("target_size").is_null() | (pl.col("committed") >= pl.col("target_size"))
)
TARGET_STATUS = (
    pl.when(pl.col("target_amplification").is_null())
    .then(pl.lit(None, pl.String))
    .when(TARGET_MET.fill_null(False))
    .then(pl.lit("pass"))
    .when((pl.col("scope") == "sub_funds") & pl.col("target_not_yet_judged"))
    .then(pl.lit("watch"))
    .otherwise(pl.lit("fail"))
)
PROGRAMME_MEETS_TARGET = pl.col("target_status") == "pass"
SCOPE_ORDER = pl.col("scope").replace_strict(
    {s: i for i, s in enumerate(SCOPES)}, return_dtype=pl.Int8
)
_TRACE = [pl.col(c) for c in TRACE[1:]]
# Paid-in at the rates of the items' own dates, and the FX translation of paid-in: the as-of
# paid-in less it (HKD cents).
HISTORICAL = "paid_in_historical"
PAID_IN_FX_TRANSLATION = pl.col("paid_in") - pl.col(HISTORICAL)
# The government's commitments to the scope's funds not yet called by them (HKD cents at the
# as-of rate): for the guidance fund's sub-funds, its outstanding obligations to them, apart
# from the part of its budget it has not committed to any fund (issue 14).
GOVERNMENT_UNFUNDED = pl.col("government_committed") - pl.col("government_paid_in")
# The budget of a programme with member funds not yet committed (its headroom, HKD cents at the
# as-of rate): the government's commitments to the programme's own fund less what the
# government committed to its sub-funds and its direct deals (both scopes). Held by the
# `sub_funds` row alone (null on the others), so that no sum over scopes counts it twice.
NOT_COMMITTED_SCOPES = ("sub_funds", "direct")
GOVERNMENT_NOT_COMMITTED = (
    pl.when(pl.col("scope") == "sub_funds")
    .then(pl.col("government_budget") - pl.col("_committed_in_scopes"))
    .otherwise(pl.lit(None, CENTS))
)


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
            pl.col("investment_period_end").alias("target_date"),
        )
    )


def programme_funds(frames: BookFrames, as_of: date) -> pl.DataFrame:
    """(programme, fund_id, scope) of the funds whose partners' flows a programme pools (its
    public market equivalents): those of its scope `sub_funds` (its member funds but the
    vehicles, whose money is already their sub-funds': `_scope`), else its own fund (a scheme
    such as ITVF: scope `scheme`). The `direct` scope is never pooled."""
    scope = _scope(frames, as_of, _programmes(frames))
    pooled = scope.filter(pl.col("scope").is_in(["sub_funds", "scheme"]))
    return pooled.select("programme", "fund_id", "scope").sort("programme", "fund_id")


def _scope(frames: BookFrames, as_of: date, progs: pl.DataFrame) -> pl.DataFrame:
    """(programme, fund_id, role, scope) for each programme's own fund and its members. Role:
    `vehicle` (the fund is itself an LP of the book: its own commitments are the money that
    becomes its LP commitments and direct deals, so they are not counted again), `grants`
    (it pays grants: grants and matching count, not its budget), else `capital`. Scope:
    `direct` (a vehicle: its own deals and the co-investors' beside them), `scheme` (the own
    fund of a programme without members), else `sub_funds`."""
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
    scope = (
        pl.when(pl.col("role") == "vehicle")
        .then(pl.lit("direct"))
        .when((pl.col("fund_id") == pl.col("programme")) & (pl.col("member_funds") == 0))
        .then(pl.lit("scheme"))
        .otherwise(pl.lit("sub_funds"))
    )
    return (
        pl.concat([itself, members])
        .unique()
        .with_columns(role.alias("role"))
        .join(progs.select("programme", "member_funds"), on="programme", how="left")
        .select("programme", "fund_id", "role", scope.alias("scope"))
    )


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
        "scope",
        "investor_id",
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
        "scope",
        "investor_id",
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
    """Every amount a programme's capital counts (programme, scope, the investor when an LP's
    or a co-investor's, basis committed / paid_in, side government / social, amount in HKD
    cents at the as-of rate), with the ledger row it comes from (`TRACE`); and each paid-in
    item again at the rate of its own date (basis `paid_in_historical`), rounded per item
    likewise."""
    progs = _programmes(frames)
    scope = _scope(frames, as_of, progs)
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


# What the levels and rules sum the items by (`programme_totals`).
_TOTAL_KEYS = ("programme", "scope", "fund_id", "investor_id", "basis", "side")


@per_frames
def programme_totals(frames: BookFrames, as_of: date) -> pl.DataFrame:
    """`programme_items` summed per (programme, scope, fund, investor, basis, side): HKD
    cents, each item rounded as `programme_items` rounds it, then added up (exact integers, so
    any sum of these rows is the sum of the items it covers). Once per book and date
    (`memo.per_frames`): the programme and programme_fund levels and the programme rules read
    it, without keeping the items and their trace."""
    # lazily, so that only the keys and amounts are grouped (an eager grouping of all the
    # items' columns costs twice the CPU and ~150 MiB more at 1M transactions)
    items = programme_items(frames, as_of).lazy().select(*_TOTAL_KEYS, "amount")
    return items.group_by(_TOTAL_KEYS).agg(pl.col("amount").sum()).collect()


def programme_scope(frames: BookFrames, as_of: date) -> pl.DataFrame:
    """(programme, fund_id, role, scope) of every programme's own fund and its member funds."""
    return _scope(frames, as_of, _programmes(frames))


def _sums(items: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    """Government and social capital (committed and paid-in, HKD cents) summed by `keys`: the
    one producer of the programme and programme_fund levels, so that a scope's row is the sum
    of its funds' rows."""
    return items.group_by(keys).agg(
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


def _with_ratios(sums: pl.DataFrame) -> pl.DataFrame:
    """The totals of `_sums`, the FX translation of paid-in and the leverage ratios."""
    return sums.with_columns(
        pl.lit(REPORTING_CURRENCY).alias("currency"),
        (pl.col("government_committed") + pl.col("social_committed")).alias("committed"),
        (pl.col("government_paid_in") + pl.col("social_paid_in")).alias("paid_in"),
    ).with_columns(
        PAID_IN_FX_TRANSLATION.alias("paid_in_fx_translation"),
        ratio(pl.col("social_committed"), pl.col("government_committed")).alias("social_leverage"),
        ratio(pl.col("social_paid_in"), pl.col("government_paid_in")).alias("paid_in_leverage"),
        ratio(pl.col("committed"), pl.col("government_committed")).alias("amplification"),
        GOVERNMENT_UNFUNDED.alias("government_unfunded"),
    )


_CAPITAL = [
    "currency",
    "government_committed",
    "social_committed",
    "committed",
    "amplification",
    "social_leverage",
    "government_paid_in",
    "social_paid_in",
    "paid_in",
    HISTORICAL,
    "paid_in_fx_translation",
    "paid_in_leverage",
    "government_unfunded",
]


def programme_fund_metrics(frames: BookFrames, as_of: date) -> pl.DataFrame:
    """One row per (programme, scope, fund): the fund's part of its scope's capital, in HKD
    (the rows of a scope add up to the scope's row of `programme_metrics`)."""
    out = _with_ratios(_sums(programme_totals(frames, as_of), ["programme", "scope", "fund_id"]))
    return as_money(out.select("programme", "scope", "fund_id", *_CAPITAL)).sort(
        "programme", SCOPE_ORDER, "fund_id"
    )


def _programme_scopes(progs: pl.DataFrame, scope: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """Every programme's scopes: `sub_funds` and `direct` for a programme with member funds,
    else `scheme` (a row each even with nothing booked yet), and the scope of any of its funds
    (`_scope`); and whether the scope's target is not judged yet (before the programme's
    investment period ends)."""
    usual = progs.with_columns(
        pl.when(pl.col("member_funds") > 0)
        .then(pl.lit(["sub_funds", "direct"]))
        .otherwise(pl.lit(["scheme"]))
        .alias("scope")
    ).explode("scope")
    found = scope.select("programme", "scope").join(progs, on="programme")
    return (
        pl.concat([usual, found.select(usual.columns)])
        .unique(["programme", "scope"])
        .with_columns(
            (pl.col("target_date").is_null() | (pl.col("target_date") > as_of)).alias(
                "target_not_yet_judged"
            )
        )
    )


def government_budget(frames: BookFrames, as_of: date) -> pl.DataFrame:
    """Per programme with member funds: the government's commitments to its own fund to
    `as_of` (`government_budget`, HKD cents at the as-of rate)."""
    progs = _programmes(frames)
    government = frames.investors.filter(pl.col("kind") == "government")["investor_id"]
    own = progs.filter(pl.col("member_funds") > 0)["programme"]
    commits = frames.commitments.filter(
        (pl.col("date") <= as_of)
        & pl.col("fund_id").is_in(own.implode())
        & pl.col("investor_id").is_in(government.implode())
    ).select("fund_id", cents(pl.col("amount_fund")).alias("amount"))
    return (
        to_hkd(commits, frames, fx_at(frames, as_of))
        .group_by("fund_id")
        .agg(pl.col("amount").sum().alias("government_budget"))
        .rename({"fund_id": "programme"})
    )


def _with_not_committed(out: pl.DataFrame, budget: pl.DataFrame) -> pl.DataFrame:
    """`GOVERNMENT_NOT_COMMITTED` of each programme with member funds (null elsewhere)."""
    in_scopes = (
        out.filter(pl.col("scope").is_in(NOT_COMMITTED_SCOPES))
        .group_by("programme")
        .agg(pl.col("government_committed").sum().alias("_committed_in_scopes"))
    )
    return (
        out.join(budget, on="programme", how="left")
        .join(in_scopes, on="programme", how="left")
        .with_columns(GOVERNMENT_NOT_COMMITTED.alias("government_not_committed"))
        .drop("government_budget", "_committed_in_scopes")
    )


def programme_metrics(frames: BookFrames, as_of: date) -> pl.DataFrame:
    """One row per (programme, scope): government vs social capital (committed and paid-in,
    in HKD), amplification and social leverage against the scope's target (and the size
    target of the guidance fund's sub-funds, with its shortfall), the target's status; grants
    and matching for grant programmes."""
    return as_money(programme_rows(frames, as_of))


@per_frames
def programme_rows(frames: BookFrames, as_of: date) -> pl.DataFrame:
    """`programme_metrics` with money in cents (for the programme rules); once per book and
    date (`memo.per_frames`)."""
    progs = _programmes(frames)
    scope = _scope(frames, as_of, progs)
    sums = _sums(programme_totals(frames, as_of), ["programme", "scope"])
    # a grant fund's companies and budget count in the programme (and scope) it belongs to
    in_programme = scope.select(
        pl.col("fund_id").alias("programme"), pl.col("programme").alias("_p"), "scope"
    )
    per_company = grant_matching(frames, as_of).join(in_programme, on="programme")
    budget = (
        grant_budget(frames, as_of)
        .rename({"fund_id": "programme"})
        .join(in_programme, on="programme")
        .group_by("_p", "scope")
        .agg(pl.col("budget_hkd").sum().alias("budget"))
        .rename({"_p": "programme"})
    )
    grants = grant_summary(
        per_company.drop("programme").rename({"_p": "programme"}), budget, ["programme", "scope"]
    )
    out = (
        _programme_scopes(progs, scope, as_of)
        .join(sums, on=["programme", "scope"], how="left")
        .join(grants, on=["programme", "scope"], how="left")
    )
    money = [c for c, dt in out.schema.items() if dt == CENTS or isinstance(dt, pl.Decimal)]
    out = _with_ratios(out.with_columns(pl.col(money).fill_null(0)))
    out = (
        out.with_columns(
            TARGET_AMPLIFICATION.alias("target_amplification"), TARGET_SIZE.alias("target_size")
        )
        .with_columns(MEMBER_FUNDS.alias("member_funds"))
        .with_columns(SIZE_SHORTFALL.alias("size_shortfall"), TARGET_STATUS.alias("target_status"))
        .with_columns(PROGRAMME_MEETS_TARGET.alias("meets_target"))
    )
    out = _with_not_committed(out, government_budget(frames, as_of))
    cols = [
        "programme",
        "scope",
        "kind",
        "member_funds",
        *_CAPITAL[:6],
        "target_amplification",
        "target_size",
        "size_shortfall",
        "target_date",
        "target_status",
        "meets_target",
        *_CAPITAL[6:],
        "government_not_committed",
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
    return out.select(cols).sort("programme", SCOPE_ORDER)

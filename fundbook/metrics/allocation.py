"""Allocating a fund's P&L to its partners: common lines by sharing ratio, own items alone."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import polars as pl

from fundbook.core.calendar import month_ends, previous_month_end
from fundbook.metrics.money import CENTS, allocate_lines, zero

# The fund's cumulative P&L lines and their sign: pnl = income - fees - expenses - grants
# + realised_gain + fx_translation + unrealised_gain (exactly, by the valuation rule). The
# last one balances each investor's split of its P&L share into lines (money.allocate_lines).
PNL_LINES = {
    "income": 1,
    "fees": -1,
    "expenses": -1,
    "grants": -1,
    "realised_gain": 1,
    "fx_translation": 1,
    "unrealised_gain": 1,
}
# The lines a partner-specific row (a fee, expense or income row with an investor_id) moves:
# its partner's own item, kept out of the fund's common lines (R5).
OWN_LINES = {"income": "income", "fee": "fees", "expense": "expenses"}
# The accounts and funds of the book state at a date (state.book_state, cached per date).
StateAt = Callable[[date], tuple[pl.DataFrame, pl.DataFrame]]


def own_items(per_type: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    """Per `keys`: the partner-specific totals in cents (`own_income`, `own_fees`,
    `own_expenses`) of a `key_type_sums` frame per (fund, investor, type)."""
    mine = per_type.filter(
        pl.col("investor_id").is_not_null() & pl.col("type").is_in(list(OWN_LINES))
    )
    return mine.group_by(keys).agg(
        pl.col("amount").filter(pl.col("type") == t).sum().alias(f"own_{line}")
        for t, line in OWN_LINES.items()
    )


def own_net() -> pl.Expr:
    """The net of a partner's own items (or of a fund's), in cents: income - fees - expenses."""
    return pl.sum_horizontal(
        pl.col(f"own_{line}") * PNL_LINES[line] for line in OWN_LINES.values()
    ).cast(CENTS)


def with_common_lines(funds: pl.DataFrame) -> pl.DataFrame:
    """Add `common_<line>` per P&L line (the fund's line less its partners' own items) and
    `common_pnl` (the fund's P&L less their net)."""
    return funds.with_columns(
        *(
            (pl.col(line) - pl.col(f"own_{line}") if line in OWN_LINES.values() else pl.col(line))
            .cast(CENTS)
            .alias(f"common_{line}")
            for line in PNL_LINES
        ),
        (pl.col("pnl") - own_net()).alias("common_pnl"),
    )


def allocate_common(accounts: pl.DataFrame, lines: pl.DataFrame, prefix: str) -> pl.DataFrame:
    """Split each fund's lines (`lines`: fund_id and `common_<line>`) among its accounts by
    `weight`, largest remainder per line (money.allocate_lines), as `<prefix><line>`."""
    cols = [f"common_{line}" for line in PNL_LINES]
    out = accounts.join(lines.select("fund_id", *cols), on="fund_id", how="left")
    out = out.with_columns(pl.col(c).fill_null(zero()) for c in cols)
    signed = {f"common_{line}": sign for line, sign in PNL_LINES.items()}
    out = allocate_lines(out, signed, "weight", "fund_id", "investor_id", "_a_")
    return out.rename({f"_a_common_{line}": f"{prefix}{line}" for line in PNL_LINES}).drop(cols)


def with_own_items(accounts: pl.DataFrame) -> pl.DataFrame:
    """`alloc_<line>` = the common allocation plus the partner's own items; `pnl_share` and
    the capital account (`nav`: contributions - distributions - the carry paid out of its
    distributions + pnl_share), before accrued carry (carry_state.with_carry)."""
    out = accounts.with_columns(
        (pl.col(f"common_alloc_{line}") + pl.col(f"own_{line}")).alias(f"alloc_{line}")
        if line in OWN_LINES.values()
        else pl.col(f"common_alloc_{line}").alias(f"alloc_{line}")
        for line in PNL_LINES
    )
    share = pl.sum_horizontal(pl.col(f"alloc_{line}") * s for line, s in PNL_LINES.items())
    return out.with_columns(share.cast(CENTS).alias("pnl_share")).with_columns(
        (
            pl.col("contributions")
            - pl.col("distributions")
            - pl.col("carry_paid")
            + pl.col("pnl_share")
        ).alias("nav")
    )


def by_month(
    accounts: pl.DataFrame, funds: pl.DataFrame, previous: tuple[pl.DataFrame, pl.DataFrame]
) -> pl.DataFrame:
    """The common allocation of funds shared by paid-in (no commitments), period by period:
    the allocation at the previous month end (`previous`: its accounts and funds; kept as
    `prior_<line>`) plus the split of the lines since then by the ratios at this date. Each
    month's lines are so split by the paid-in ratios at its end, and the current month's to
    date by today's (R5)."""
    prev_accounts, prev_funds = previous
    before = prev_funds.select(
        "fund_id", *(pl.col(f"common_{line}").alias(f"_p_{line}") for line in PNL_LINES)
    )
    delta = (
        funds.select("fund_id", *(f"common_{line}" for line in PNL_LINES))
        .join(before, on="fund_id", how="left")
        .select(
            "fund_id",
            *(
                (pl.col(f"common_{line}") - pl.col(f"_p_{line}").fill_null(zero())).alias(
                    f"common_{line}"
                )
                for line in PNL_LINES
            ),
        )
    )
    was = prev_accounts.select(
        "fund_id",
        "investor_id",
        *(pl.col(f"common_alloc_{line}").alias(f"prior_{line}") for line in PNL_LINES),
    )
    out = allocate_common(accounts, delta, "_month_").join(
        was, on=["fund_id", "investor_id"], how="left"
    )
    out = out.with_columns(pl.col(f"prior_{line}").fill_null(zero()) for line in PNL_LINES)
    return out.with_columns(
        (pl.col(f"_month_{line}") + pl.col(f"prior_{line}")).alias(f"common_alloc_{line}")
        for line in PNL_LINES
    ).drop(*(f"_month_{line}" for line in PNL_LINES))


def common_allocation(
    accounts: pl.DataFrame,
    funds: pl.DataFrame,
    at: date,
    first: date | None,
    state_at: StateAt,
) -> pl.DataFrame:
    """Each account's share of its fund's common P&L lines to `at` (`common_alloc_<line>`),
    the rule of the capital accounts (R5), which `explain` reuses.

    Funds with commitments: the cumulative common lines split by the commitment shares at
    `at`, largest remainder per line (the P&L to date re-balanced at each closing); their
    `prior_<line>` are null. Funds shared by paid-in (no commitments) among several partners:
    month by month (`by_month`), from the states at the month ends since the book's `first`
    date; `prior_<line>` is the part allocated to the previous month end."""
    keys = ["fund_id", "investor_id"]
    out = allocate_common(accounts, funds, "common_alloc_").with_columns(
        pl.lit(None, CENTS).alias(f"prior_{line}") for line in PNL_LINES
    )
    monthly = _by_paid_in(accounts)
    prev_end = previous_month_end(at)
    if monthly.height and first is not None and prev_end >= first:
        for month_end in month_ends(first, prev_end):  # cached oldest first: no deep recursion
            state_at(month_end)
        split = by_month(monthly, funds, state_at(prev_end))
        out = pl.concat(
            [out.join(monthly, on=keys, how="anti"), split.select(out.columns)], how="vertical"
        )
    return out


def allocate_accounts(
    accounts: pl.DataFrame,
    funds: pl.DataFrame,
    at: date,
    first: date | None,
    state_at: StateAt,
) -> pl.DataFrame:
    """Each investor's capital account: net contributed + its own items + its share of the
    fund's common P&L lines (`common_alloc_<line>`, `common_allocation`; `alloc_<line>` with
    its own items), so the statement's lines add up and the investors' lines sum to the
    fund's (R5)."""
    out = common_allocation(accounts, funds, at, first, state_at)
    out = out.drop(*(f"prior_{line}" for line in PNL_LINES))
    return with_own_items(out).sort("fund_id", "investor_id")


def _by_paid_in(accounts: pl.DataFrame) -> pl.DataFrame:
    """The accounts of funds shared by paid-in (`weight_basis`, state.partnership_weights)
    among several partners."""
    several = (pl.col("weight") != 0).sum().over("fund_id") > 1
    return accounts.filter((pl.col("weight_basis") == "paid_in") & several)

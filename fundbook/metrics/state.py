"""The book at a date: holdings valued (sub-funds from their capital accounts), NAV, accounts."""

from __future__ import annotations

from datetime import date

import polars as pl

from fundbook.core.errors import FundbookError
from fundbook.metrics.accruals import RECOGNISED, accruals_by
from fundbook.metrics.allocation import (
    PNL_LINES,
    StateAt,
    allocate_accounts,
    allocate_common,
    common_allocation,
    own_items,
    with_common_lines,
)
from fundbook.metrics.carry_state import book_carry, with_carry
from fundbook.metrics.fund_graph import fund_levels
from fundbook.metrics.gp_statements import BY_GP, gp_values
from fundbook.metrics.memo import per_frames
from fundbook.metrics.money import (
    CENTS,
    cents,
    convert,
    zero,
)
from fundbook.metrics.positions import (
    FLOW_TYPES,
    BookState,
    cash_sign,
    fx_at,
    holding_rows,
    marks_from,
    relieve,
    sums_by_type,
    valuations_in_order,
)
from fundbook.metrics.protocol import BookFrames
from fundbook.metrics.translation import fx_translation
from fundbook.metrics.waterfall import Waterfall


@per_frames
def book_state(frames: BookFrames, at: date) -> BookState:
    """The state of every fund, holding and capital account at `at` (on or before frames.as_of).

    Funds holding other funds of the book are valued after the funds they hold: the valuation
    is repeated once per level of the fund-of-funds graph (sub-funds first).
    """
    if at > frames.as_of:
        raise FundbookError(
            f"figures as of {at} need frames loaded as of {at} or later "
            f"(these end at {frames.as_of})"
        )
    rows = _holding_rows(frames).filter(pl.col("date") <= at)  # still in relief order
    fx = fx_at(frames, at)
    marked = marks_from(_valuations(frames), rows, at)
    base = relieve(rows).join(marked, on=["fund_id", "holding_id"], how="left")
    per_type = _per_type_at(frames, at)
    fund_totals = _fund_totals(frames, per_type, at)
    accounts_base = _account_flows(frames, per_type, at)
    links = _fund_links(frames, base, fx)
    base = base.join(fx_translation(frames, at, fx), on=["fund_id", "holding_id"], how="left")
    base = base.join(gp_values(frames, at, fx), on=["fund_id", "holding_id"], how="left")
    sub_navs = pl.DataFrame(
        schema={"fund_id": pl.String, "holding_id": pl.String, "_sub_value": CENTS}
    )
    for _ in range(fund_levels(links)):
        holdings = _value_holdings(base, sub_navs, at)
        funds = _fund_navs(fund_totals, holdings)
        accounts, _, _ = _accounts(frames, accounts_base, holdings, funds, at)
        sub_navs = _sub_fund_values(links, accounts)
    holdings = _value_holdings(base, sub_navs, at)
    funds = _fund_navs(fund_totals, holdings)
    accounts, funds, carry = _accounts(frames, accounts_base, holdings, funds, at)
    return BookState(at=at, holdings=holdings, funds=funds, accounts=accounts, fx=fx, carry=carry)


@per_frames
def fund_costs(frames: BookFrames, at: date) -> pl.DataFrame:
    """Per fund of the book: `remaining_cost` (cents), the cost of its unrealised investments
    at `at`, as `book_state(frames, at).funds` gives it, without valuing anything else: the
    holdings relieved and marked, those valued from a capital account in a fund of the book
    (`_fund_links` where the holder has an account there) kept out of the exit rule. What the
    fee basis on net invested capital reads at each quarter's opening (fee_book.fee_basis),
    so that it needs no full book state there."""
    rows = _holding_rows(frames).filter(pl.col("date") <= at)
    marked = marks_from(_valuations(frames), rows, at)
    base = relieve(rows).join(marked, on=["fund_id", "holding_id"], how="left")
    keys = ["fund_id", "investor_id"]
    partners = pl.concat(
        [
            frames.commitments.filter(pl.col("date") <= at).select(keys),
            frames.transactions.filter(
                (pl.col("date") <= at) & pl.col("investor_id").is_not_null()
            ).select(keys),
        ]
    ).unique()
    lp = frames.investors.filter(pl.col("fund_id").is_not_null()).select(
        pl.col("fund_id"), pl.col("investor_id").alias("lp_investor_id")
    )
    held = frames.funds.select(pl.col("fund_id").alias("holding_id"))
    linked = (
        base.select("fund_id", "holding_id")
        .join(held, on="holding_id")
        .join(lp, on="fund_id")
        .join(
            partners.rename({"fund_id": "holding_id", "investor_id": "lp_investor_id"}),
            on=["holding_id", "lp_investor_id"],
            how="semi",
        )
        .select("fund_id", "holding_id", zero().alias("_sub_value"))
    )
    base = base.join(
        gp_values(frames, at, fx_at(frames, at)), on=["fund_id", "holding_id"], how="left"
    )
    holdings = _value_holdings(base.with_columns(zero().alias("fx_translation")), linked, at)
    costs = holdings.group_by("fund_id").agg(pl.col("remaining_cost").sum())
    return (
        frames.funds.select("fund_id")
        .join(costs, on="fund_id", how="left")
        .with_columns(pl.col("remaining_cost").fill_null(zero()))
    )


def _accounts(
    frames: BookFrames,
    accounts_base: pl.DataFrame,
    holdings: pl.DataFrame,
    funds: pl.DataFrame,
    at: date,
) -> tuple[pl.DataFrame, pl.DataFrame, Waterfall | None]:
    """The capital accounts (`_allocate_pnl`), then carried interest: the waterfall of the
    funds with carry terms on them (`carry_state.book_carry`), and the accounts' and funds'
    `nav` net of accrued carry (`carry_state.with_carry`)."""
    accounts = _allocate_pnl(frames, accounts_base, funds, at)
    carry = book_carry(frames, at, accounts, holdings, funds)
    accounts, funds = with_carry(frames, accounts, funds, carry)
    return accounts, funds, carry


_FLOW_KEYS = ["fund_id", "investor_id", "type"]


@per_frames
def _holding_rows(frames: BookFrames) -> pl.DataFrame:
    """The holdings' rows in relief order, sorted once per book (a date keeps their order)."""
    return holding_rows(frames.transactions)


@per_frames
def _valuations(frames: BookFrames) -> pl.DataFrame:
    """The valuations in mark order, sorted once per book."""
    return valuations_in_order(frames.valuations)


@per_frames
def _flows_by_key(frames: BookFrames) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The transactions of each (fund, investor, type), under an integer key `_k`: the keys,
    and the dated amounts in cents. Grouped once per book, so that the totals at each date a
    close asks for are one grouping on an integer, not on three texts."""
    grouped = (
        frames.transactions.group_by(_FLOW_KEYS)
        .agg(pl.col("date"), cents(pl.col("amount_fund")).alias("amount"))
        .with_row_index("_k")
    )
    dated = grouped.select("_k", "date", "amount").explode("date", "amount")
    return grouped.select(*_FLOW_KEYS, "_k"), dated


def _per_type_at(frames: BookFrames, at: date) -> pl.DataFrame:
    """Per (fund, investor, type) with a transaction on or before `at`: the total in cents
    (`amount`), as `key_type_sums` of the transactions to `at` gives it."""
    keys, dated = _flows_by_key(frames)
    sums = dated.filter(pl.col("date") <= at).group_by("_k").agg(pl.col("amount").sum())
    return keys.join(sums, on="_k").drop("_k")


def _fund_totals(frames: BookFrames, per_type: pl.DataFrame, at: date) -> pl.DataFrame:
    """Per fund: the total of each flow type and the cash (`per_type`: `key_type_sums`), but
    fees and expenses as recognised through `at` over their service periods, with the prepaid
    and accrued (metrics.accruals)."""
    recognised = list(RECOGNISED.values())
    flows = sums_by_type(per_type, ["fund_id"]).drop(recognised)
    cash = per_type.group_by("fund_id").agg((pl.col("amount") * cash_sign()).sum().alias("cash"))
    out = frames.funds.select("fund_id", "currency").join(flows, on="fund_id", how="left")
    out = out.join(cash, on="fund_id", how="left")
    out = out.join(accruals_by(frames, at, ["fund_id"]), on="fund_id", how="left")
    out = out.join(_own_items(frames, per_type, at, ["fund_id"]), on="fund_id", how="left")
    return out.with_columns(pl.exclude("fund_id", "currency").fill_null(0))


def _own_items(
    frames: BookFrames, per_type: pl.DataFrame, at: date, keys: list[str]
) -> pl.DataFrame:
    """`allocation.own_items` per `keys`, their fees and expenses as recognised through `at`
    over their service periods (R4), like the fund's, not as paid; `own_fees` with the
    fund-level fees attributed to the partners by computed fees (`attributed_fees`)."""
    own = pl.col("investor_id").is_not_null()
    recognised = (
        accruals_by(frames, at, ["fund_id", "investor_id"])
        .filter(own)
        .group_by(keys)
        .agg(pl.col("fees").sum().alias("_fees"), pl.col("expenses").sum().alias("_expenses"))
    )
    attributed = _attributed_fees(frames, at).group_by(keys).agg(pl.col("attributed_fees").sum())
    return (
        own_items(per_type, keys)
        .join(recognised, on=keys, how="full", coalesce=True)
        .join(attributed, on=keys, how="full", coalesce=True)
        .with_columns(
            pl.col("own_income").fill_null(zero()),
            pl.col("attributed_fees").fill_null(zero()),
            pl.col("_expenses").fill_null(zero()).alias("own_expenses"),
        )
        .with_columns(
            (pl.col("_fees").fill_null(zero()) + pl.col("attributed_fees")).alias("own_fees")
        )
        .drop("_fees", "_expenses")
    )


def _attributed_fees(frames: BookFrames, at: date) -> pl.DataFrame:
    """`fee_allocation.attributed_fees`: the fund-level fee rows of funds with fee terms,
    split by the partners' computed fees; they are the partners' own fees (R5, issue 12).
    Imported here, not above: the fee schedule reads `book_state` (at earlier dates only)."""
    from fundbook.metrics.fee_allocation import attributed_fees

    return attributed_fees(frames, at)


def _fund_links(frames: BookFrames, holdings: pl.DataFrame, fx: pl.DataFrame) -> pl.DataFrame:
    """Holdings that are funds of the book, with the LP investor that is the holder."""
    lp = frames.investors.filter(pl.col("fund_id").is_not_null()).select(
        pl.col("fund_id"), pl.col("investor_id").alias("lp_investor_id")
    )
    ccy = frames.funds.select("fund_id", "currency")
    rate = fx.rename({"hkd_per_unit": "_rate"})
    return (
        holdings.select("fund_id", "holding_id")
        .join(lp, on="fund_id")
        .join(ccy.rename({"fund_id": "holding_id", "currency": "held_ccy"}), on="holding_id")
        .join(ccy.rename({"currency": "holder_ccy"}), on="fund_id")
        .join(
            rate.rename({"currency": "held_ccy", "_rate": "held_rate"}), on="held_ccy", how="left"
        )
        .join(
            rate.rename({"currency": "holder_ccy", "_rate": "holder_rate"}),
            on="holder_ccy",
            how="left",
        )
    )


def _sub_fund_values(links: pl.DataFrame, accounts: pl.DataFrame) -> pl.DataFrame:
    """The holder's capital account in each held fund as the held fund's statement gives it
    (the investor's `nav`, in cents), converted into the holder's currency and rounded
    half-even once: nav x rate(held) / rate(holder) (issue 11, R6)."""
    navs = accounts.select(
        pl.col("fund_id").alias("holding_id"),
        pl.col("investor_id").alias("lp_investor_id"),
        "nav",
    )
    value = convert(pl.col("nav"), pl.col("held_rate"), pl.col("holder_rate"))
    return links.join(navs, on=["holding_id", "lp_investor_id"]).select(
        "fund_id", "holding_id", value.alias("_sub_value")
    )


def exact_account(total: pl.Expr) -> pl.Expr:
    """An LP's exact (unrounded) capital account times its fund's total weight `total`, in
    cents: (net contributed + its own items) x total + the fund's common P&L x its weight
    (columns contributions, distributions, own, common_pnl, weight; R5: the common P&L
    leaves out the partner-specific items, which go to their partner alone)."""
    net = pl.col("contributions") - pl.col("distributions") + pl.col("own")
    return net * total + pl.col("common_pnl") * pl.col("weight")


# How a holding is valued: nothing once written off (`_written_off`), from a capital account
# in a fund of the book (`_sub_value`) unless its terms make its GP statements the source
# (`_gp_only`), from its GP's latest statement rolled forward (`_gp_value`, issue 13), its
# latest mark (`marked_value`), else at cost.
VALUED_BY = (
    pl.when(pl.col("_written_off"))
    .then(pl.lit("written_off"))
    .when(BY_GP)
    .then(pl.lit("gp_statement"))
    .when(pl.col("_sub_value").is_not_null())
    .then(pl.lit("capital_account"))
    .when(pl.col("marked_value").is_not_null())
    .then(pl.lit("valuation"))
    .otherwise(pl.lit("cost"))
)
# The FX translation of a holding: only one valued from a capital account in another currency.
FX_TRANSLATION = (
    pl.when(pl.col("valued_by") == "capital_account")
    .then(pl.col("fx_translation").fill_null(zero()))
    .otherwise(zero())
)
# The date of the mark a holding is valued at, or of the GP statement it is valued from: none
# when valued at cost or from a capital account.
VALUATION_DATE = (
    pl.when(pl.col("valued_by") == "valuation")
    .then(pl.col("valuation_date"))
    .when(pl.col("valued_by") == "gp_statement")
    .then(pl.col("_gp_date"))
)


def lag_days(at: date) -> pl.Expr:
    """Days from the GP statement a holding is valued from to `at` (null otherwise)."""
    return (
        pl.when(pl.col("valued_by") == "gp_statement")
        .then((pl.lit(at) - pl.col("valuation_date").cast(pl.Date)).dt.total_days())
        .cast(pl.Int64)
    )


def _value_holdings(base: pl.DataFrame, sub_navs: pl.DataFrame, at: date) -> pl.DataFrame:
    """Value = 0 once written off, else capital account (held funds), else the GP's latest
    statement rolled forward (a held fund without its ledger, or whose terms say so), else
    latest mark + later investments (scaled by units when tracked), else cost; then the cost
    of a closed position is realised (`_realise_exits`). A holding valued by a capital account
    in another currency splits its gain: `fx_translation` (translation.fx_translation) and the
    market part, `unrealised_gain` = value - remaining cost - fx_translation. `lag_days`: the
    days from the GP statement to `at`."""
    out = base.join(sub_navs, on=["fund_id", "holding_id"], how="left")
    value = (
        pl.when(pl.col("_written_off"))
        .then(zero())
        .when(BY_GP)
        .then(pl.col("_gp_value"))
        .otherwise(pl.coalesce("_sub_value", "_gp_value", "marked_value", "remaining_cost"))
    )
    return (
        out.with_columns(VALUED_BY.alias("valued_by"), value.alias("fair_value"))
        .pipe(_realise_exits)
        .with_columns(FX_TRANSLATION.alias("fx_translation"))
        .with_columns(
            (pl.col("fair_value") - pl.col("remaining_cost") - pl.col("fx_translation")).alias(
                "unrealised_gain"
            ),
            VALUATION_DATE.alias("valuation_date"),
        )
        .with_columns(lag_days(at).alias("lag_days"))
        .drop("_sub_value", "marked_value", "_written_off", "_gp_value", "_gp_date", "_gp_only")
    )


def _realise_exits(holdings: pl.DataFrame) -> pl.DataFrame:
    """A closed position (valued at a zero mark, with no investment after it, and proceeds
    received: an exit) has its remaining cost realised: the loss leaves unrealised gain.
    A zero mark without proceeds is a write-down of a holding still held: it stays unrealised.
    NAV and P&L are unchanged; only the realised / unrealised split moves. Holdings tracked by
    quantity (`quantity` set) know when they are sold out, and are left as they are."""
    closed = (
        (pl.col("valued_by") == "valuation")
        & (pl.col("fair_value") == 0)
        & (pl.col("proceeds") > 0)
        & pl.col("quantity").is_null()
    )
    return holdings.with_columns(
        pl.when(closed)
        .then(pl.col("invested"))
        .otherwise(pl.col("relieved_cost"))
        .alias("relieved_cost"),
        pl.when(closed).then(zero()).otherwise(pl.col("remaining_cost")).alias("remaining_cost"),
        pl.when(closed)
        .then(pl.col("proceeds") - pl.col("invested"))
        .otherwise(pl.col("realised_gain"))
        .alias("realised_gain"),
    )


def _fund_navs(totals: pl.DataFrame, holdings: pl.DataFrame) -> pl.DataFrame:
    sums = holdings.group_by("fund_id").agg(
        pl.col("fair_value").sum().alias("holdings_value"),
        pl.col("remaining_cost").sum(),
        pl.col("realised_gain").sum(),
        pl.col("fx_translation").sum(),
        pl.col("unrealised_gain").sum(),
    )
    gains = ("holdings_value", "remaining_cost", "realised_gain", "fx_translation")
    out = totals.join(sums, on="fund_id", how="left").with_columns(
        pl.col(*gains, "unrealised_gain").fill_null(zero())
    )
    # equalisation interest received and not yet paid on is owed to the earlier partners (R8)
    payable = (pl.col("interest_received") - pl.col("interest_paid")).alias("interest_payable")
    nav = (
        pl.col("cash")
        + pl.col("holdings_value")
        + pl.col("prepaid")
        - pl.col("accrued")
        - pl.col("interest_payable")
    )
    out = out.with_columns(payable).with_columns(nav.alias("nav"))
    out = out.with_columns(
        (
            pl.col("nav") - pl.col("contributions") + pl.col("distributions") + pl.col("carry_paid")
        ).alias("pnl")
    )
    return with_common_lines(out)


# An account's capital flows (equalisation rows included, R7) and its equalisation interest.
_ACCOUNT_COLUMNS = (
    "contributions",
    "distributions",
    "carry_paid",
    "recallable",
    "interest_received",
    "interest_paid",
)
_ACCOUNT = [t for c in _ACCOUNT_COLUMNS for t in FLOW_TYPES[c]]


def _account_flows(frames: BookFrames, per_type: pl.DataFrame, at: date) -> pl.DataFrame:
    """Per (fund, investor): committed, contributions, distributions (equalisation rows
    included), recallable (its equalisation distributions), the equalisation interest the
    fund received from it and paid to it, its own items (`own_<line>`: partner-specific
    rows) and the allocation weight (`per_type`: `key_type_sums` per fund and investor)."""
    keys = ["fund_id", "investor_id"]
    committed = (
        frames.commitments.filter(pl.col("date") <= at)
        .group_by(keys)
        .agg(cents(pl.col("amount_fund")).sum().alias("committed"))
    )
    flows = sums_by_type(
        per_type.filter(pl.col("investor_id").is_not_null() & pl.col("type").is_in(_ACCOUNT)),
        keys,
    ).select(*keys, *_ACCOUNT_COLUMNS)
    mine = _own_items(frames, per_type, at, keys)
    out = (
        committed.join(flows, on=keys, how="full", coalesce=True)
        .join(mine, on=keys, how="full", coalesce=True)
        .with_columns(pl.exclude(keys).fill_null(zero()))
    )
    return partnership_weights(out).drop("weight_total").sort(keys)


def partnership_weights(
    accounts: pl.DataFrame, committed: str = "committed", paid_in: str = "contributions"
) -> pl.DataFrame:
    """The partnership-weight rule, the one place it is written: each LP's `weight` is its
    commitment, or its paid-in in a fund without commitments (`weight_basis`: "committed" or
    "paid_in"), shared over its fund's total weight (`weight_total`); per fund_id."""
    by_commitment = pl.col(committed).sum().over("fund_id") != 0
    return accounts.with_columns(
        pl.when(by_commitment).then(pl.col(committed)).otherwise(pl.col(paid_in)).alias("weight"),
        pl.when(by_commitment)
        .then(pl.lit("committed"))
        .otherwise(pl.lit("paid_in"))
        .alias("weight_basis"),
    ).with_columns(pl.col("weight").sum().over("fund_id").alias("weight_total"))


def _allocation_inputs(frames: BookFrames) -> tuple[date | None, StateAt]:
    """The book's first date and a reader of its accounts and funds at a date (cached
    `book_state`): what a fund allocated month by month reads of the month ends."""

    def state_at(day: date) -> tuple[pl.DataFrame, pl.DataFrame]:
        state = book_state(frames, day)
        return state.accounts, state.funds

    first = frames.transactions.get_column("date").min()
    return (first if isinstance(first, date) else None), state_at


def _allocate_pnl(
    frames: BookFrames, accounts: pl.DataFrame, funds: pl.DataFrame, at: date
) -> pl.DataFrame:
    """Each investor's capital account (`allocation.allocate_accounts`); a fund allocated
    month by month reads the accounts at the month ends from the book states there."""
    first, state_at = _allocation_inputs(frames)
    return allocate_accounts(accounts, funds, at, first, state_at)


def allocate_pnl_lines(
    frames: BookFrames, accounts: pl.DataFrame, funds: pl.DataFrame, at: date | None
) -> pl.DataFrame:
    """`accounts` (fund_id, investor_id, `weight`, `weight_basis`) with each one's share of
    its fund's common P&L lines (`funds`: fund_id and `common_<line>`, cents, as the book
    state holds them) as `alloc_<line>`: the split the capital accounts make at `at`
    (`allocation.common_allocation`: month by month for a fund shared by paid-in, with the
    part allocated to the previous month end as `prior_<line>`), or, without `at`, the
    cumulative split by the weights (`allocation.allocate_common`) the statement makes of
    its beginning lines. `explain` reads it."""
    lines = funds.select("fund_id", *(f"common_{line}" for line in PNL_LINES))
    if at is None:
        return allocate_common(accounts, lines, "alloc_")
    first, state_at = _allocation_inputs(frames)
    out = common_allocation(accounts, lines, at, first, state_at)
    return out.rename({f"common_alloc_{line}": f"alloc_{line}" for line in PNL_LINES})

"""GP statements as a source (issue 13): the latest statement known at a date, the carrying
value it gives a sub-fund held without its ledger, and the sub-fund's holdings it reports."""

from __future__ import annotations

from datetime import date

import polars as pl

from fundbook.core.ledgers import ledgers_in_book
from fundbook.metrics.memo import per_frames
from fundbook.metrics.money import CENTS, cents, convert
from fundbook.metrics.protocol import BookFrames

KEYS = ["fund_id", "holding_id"]
# The holder's rows that move its interest in a sub-fund after the statement date: a call paid
# adds to the GP's NAV, a distribution received takes from it (booked by the holder as proceeds
# or income: the rows a sub-fund's distribution is mirrored by, ledger/mirror.py).
ROLL_FORWARD = {"investment": 1, "proceeds": -1, "income": -1}


def latest_statements(frames: BookFrames, at: date) -> pl.DataFrame:
    """Per (holder fund_id, sub-fund holding_id): the latest GP statement made up to `at` or
    before and received by `at` (what the book knew at `at`), every column of the frame."""
    known = frames.gp_statements.filter(
        (pl.col("statement_date") <= at) & (pl.col("received_date") <= at)
    )
    return known.sort(*KEYS, "statement_date").group_by(KEYS, maintain_order=True).last()


# Whether a holding is valued from its GP's statements (`gp_values` joined, `_sub_value` the
# holder's capital account in the fund when it has one): a statement known, and the fund's
# terms make it the source or its ledger is not in the book (`_gp_only`), or the holder has no
# capital account there. The rule of the book state (state.VALUED_BY) and of the GL.
BY_GP = pl.col("_gp_value").is_not_null() & (
    pl.col("_gp_only").fill_null(False) | pl.col("_sub_value").is_null()
)


# The roll-forward per statement (`_flows_since`) where no statement is known.
_SINCE: dict[str, pl.DataType] = {
    "fund_id": pl.String(),
    "holding_id": pl.String(),
    "_since": CENTS,
}


@per_frames
def book_ledgers(frames: BookFrames) -> pl.Series:
    """`core.ledgers.ledgers_in_book` of the frames, once per book (`memo.per_frames`): every
    book state and the compliance facts read it, and it scans all transactions."""
    return ledgers_in_book(frames.commitments, frames.transactions)


def gp_only(frames: BookFrames) -> pl.Expr:
    """Whether a holding's fund is valued from its GP statements whatever the holder's capital
    accounts (of column `holding_id`): its terms say `valuation_source` = gp_statement, or its
    ledger is not in the book (`core.ledgers.ledgers_in_book`)."""
    forced = frames.terms.filter(pl.col("valuation_source") == "gp_statement")["fund_id"]
    kept = book_ledgers(frames)
    return pl.col("holding_id").is_in(forced.implode()) | ~pl.col("holding_id").is_in(
        kept.implode()
    )


def gp_values(frames: BookFrames, at: date, fx: pl.DataFrame) -> pl.DataFrame:
    """Per (fund_id, holding_id) with a GP statement known at `at`: the carrying value in the
    holder's currency, in cents (`_gp_value`): the GP's NAV converted at the rates of `at`
    (`fx`: currency, hkd_per_unit), plus the holder's investments in it and less its proceeds
    from it dated after the statement date up to `at`; the statement date (`_gp_date`) and
    whether the terms make it the source even with a ledger (`_gp_only`)."""
    nav = _in_holder_currency(frames, latest_statements(frames, at), fx, {"nav": "_nav"})
    flows = _flows_since(frames, at, nav) if nav.height else pl.DataFrame(schema=_SINCE)
    return (
        nav.join(flows, on=KEYS, how="left")
        .with_columns(
            (pl.col("_nav") + pl.col("_since").fill_null(0)).cast(CENTS).alias("_gp_value"),
            pl.col("statement_date").alias("_gp_date"),
            gp_only(frames).alias("_gp_only"),
        )
        .select(*KEYS, "_gp_value", "_gp_date", "_gp_only")
    )


def _flows_since(frames: BookFrames, at: date, nav: pl.DataFrame) -> pl.DataFrame:
    """Per statement of `nav` (KEYS, `statement_date`): the holder's `ROLL_FORWARD` rows in
    the sub-fund dated after the statement date up to `at`, signed, in cents (`_since`)."""
    return (
        _roll_forward_rows(frames)
        .filter(pl.col("date") <= at)
        .join(nav.select(*KEYS, "statement_date"), on=KEYS)
        .filter(pl.col("date") > pl.col("statement_date"))
        .group_by(KEYS)
        .agg(pl.col("_amount").sum().alias("_since"))
    )


@per_frames
def _roll_forward_rows(frames: BookFrames) -> pl.DataFrame:
    """The holders' `ROLL_FORWARD` rows in the sub-funds that have a GP statement (KEYS,
    `date`, `_amount`: signed cents), read from the transactions once per book
    (`memo.per_frames`), not at every date a book state is asked for."""
    reported = frames.gp_statements.select(KEYS).unique()
    sign = pl.col("type").replace_strict(ROLL_FORWARD, return_dtype=CENTS)
    return (
        frames.transactions.filter(pl.col("type").is_in(list(ROLL_FORWARD)))
        .join(reported, on=KEYS, how="semi")
        .select(*KEYS, "date", (cents(pl.col("amount_fund")) * sign).alias("_amount"))
    )


def _in_holder_currency(
    frames: BookFrames, latest: pl.DataFrame, fx: pl.DataFrame, columns: dict[str, str]
) -> pl.DataFrame:
    """Per statement of `latest` (KEYS, `statement_date`): its money `columns` (statement
    column -> output name) in cents of the holder's currency, converted at the rates of `fx`
    (currency, hkd_per_unit) and rounded half-even once; null stays null."""
    rates = fx.select("currency", pl.col("hkd_per_unit").alias("_rate"))
    holder = frames.funds.select("fund_id", pl.col("currency").alias("_holder_ccy"))
    return (
        latest.select(
            *KEYS,
            "statement_date",
            "currency",
            *(cents(pl.col(c)).alias(name) for c, name in columns.items()),
        )
        .join(rates, on="currency", how="left")
        .join(holder, on="fund_id", how="left")
        .join(
            rates.rename({"currency": "_holder_ccy", "_rate": "_holder_rate"}),
            on="_holder_ccy",
            how="left",
        )
        .with_columns(
            convert(pl.col(name), pl.col("_rate"), pl.col("_holder_rate")).alias(name)
            for name in columns.values()
        )
    )


# The costs a GP statement reports its LP bears inside the sub-fund (issue 13): the statement's
# column -> the holding level's figure. Management fees to date and the accrued carry balance;
# the GP gives no fee offsets, partnership expenses or carry paid.
GP_COSTS = {"fees_itd": "gp_fees_itd", "carry_accrued": "gp_carry_accrued"}


def gp_cost(figure: str) -> pl.Expr:
    """A cost of `GP_COSTS` on the holding level (of `valued_by` and `_<figure>`, the cost
    of the statement converted, `gp_costs`): the one the holding's value stands on, so only
    when valued from a GP statement; null otherwise, and when the statement leaves it empty."""
    return pl.when(pl.col("valued_by") == "gp_statement").then(pl.col(f"_{figure}"))


def gp_costs(frames: BookFrames, at: date, fx: pl.DataFrame) -> pl.DataFrame:
    """Per (fund_id, holding_id) with a GP statement known at `at` (the one `gp_values` values
    from): its `GP_COSTS` in cents of the holder's currency at the rates of `at` (`fx`), as
    `_gp_fees_itd` and `_gp_carry_accrued` (null where the statement leaves them empty)."""
    columns = {c: f"_{name}" for c, name in GP_COSTS.items()}
    latest = latest_statements(frames, at)
    return _in_holder_currency(frames, latest, fx, columns).select(*KEYS, *columns.values())


def gp_look_through(frames: BookFrames, at: date, holdings: pl.DataFrame) -> pl.DataFrame:
    """The companies a sub-fund held without its ledger reports (gp_holdings of the latest GP
    statement known at `at`), as the holder's share: per (holder `fund_id`, `sub_fund_id`,
    company `holding_id`) the holder's carrying value of the sub-fund (`holdings`: the book
    state's, valued_by gp_statement, cents in the holder's currency) spread over the companies
    by their reported fair value, and its invested cost by their reported cost (the GP gives
    no partnership percentage: the holder's own figures are what is spread, so the rows add up
    to the holding). Money is given exact as `amount` x `num` / `den` (cents, the holder's
    currency): `fair_value`, `_fv_num`, `_fv_den`, `invested`, `_cost_num`, `_cost_den`; `held`
    when the company has a fair value or cost reported."""
    latest = latest_statements(frames, at).select(*KEYS, "statement_date")
    held = frames.gp_holdings.join(latest, on=[*KEYS, "statement_date"]).with_columns(
        cents(pl.col("fair_value")).alias("_fv_num"), cents(pl.col("cost")).alias("_cost_num")
    )
    valued = holdings.filter(pl.col("valued_by") == "gp_statement").select(
        *KEYS, "fair_value", "invested"
    )
    return (
        held.select(*KEYS, "company_id", "statement_date", "_fv_num", "_cost_num")
        .with_columns(
            pl.col("_fv_num").sum().over(KEYS).alias("_fv_den"),
            pl.col("_cost_num").sum().over(KEYS).alias("_cost_den"),
            ((pl.col("_fv_num") > 0) | (pl.col("_cost_num") > 0)).alias("held"),
        )
        .join(valued, on=KEYS)
        .select(
            "fund_id",
            pl.col("holding_id").alias("sub_fund_id"),
            pl.col("company_id").alias("holding_id"),
            "statement_date",
            "fair_value",
            "_fv_num",
            "_fv_den",
            "invested",
            "_cost_num",
            "_cost_den",
            "held",
        )
    )

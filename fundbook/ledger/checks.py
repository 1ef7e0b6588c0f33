"""Checks across ledger files: references, FX, conversion, commitments and cash never negative."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal, localcontext

import polars as pl

from fundbook.core.errors import LedgerError
from fundbook.core.money import CENT
from fundbook.core.types import (
    CASH_SIGN,
    NEEDS_HOLDING,
    NEEDS_INVESTOR,
    NO_HOLDING,
    NO_INVESTOR,
    REPORTING_CURRENCY,
)
from fundbook.ledger.csvfile import LINE
from fundbook.ledger.spec import MONEY

Frames = dict[str, pl.DataFrame]
MAX_MONEY = Decimal("9999999999999999.99")  # the largest amount of DECIMAL(18,2)
_ROUNDS_PAST_MAX = MAX_MONEY + Decimal("0.005")


def _errors(frame: pl.DataFrame, condition: pl.Expr, message: pl.Expr) -> list[LedgerError]:
    hits = frame.filter(condition).select("source_file", LINE, message.alias("m"))
    return [LedgerError(f, line, m) for f, line, m in hits.iter_rows()]


def _ref(
    frame: pl.DataFrame, column: str, ids: pl.Series, what: str, where: str
) -> list[LedgerError]:
    cond = pl.col(column).is_not_null() & ~pl.col(column).is_in(ids.implode())
    return _errors(
        frame, cond, pl.format(f"unknown {what} '{{}}' (not in {where})", pl.col(column))
    )


def reference_errors(b: Frames) -> list[LedgerError]:
    """Every id that points at a fund, investor or holding must exist."""
    funds, investors, companies = (
        b["funds"]["fund_id"],
        b["investors"]["investor_id"],
        b["companies"]["company_id"],
    )
    holdings = pl.concat([companies, funds])
    errs = _ref(b["funds"], "programme_id", funds, "programme_id", "funds.csv")
    errs += _ref(b["investors"], "fund_id", funds, "fund_id", "funds.csv")
    for name in ("commitments", "transactions", "valuations", "terms", "investor_terms", "calls"):
        errs += _ref(b[name], "fund_id", funds, "fund_id", "funds.csv")
    for name in ("commitments", "transactions", "investor_terms"):
        errs += _ref(b[name], "investor_id", investors, "investor_id", "investors.csv")
    errs += _ref(b["terms"], "gp_investor_id", investors, "gp_investor_id", "investors.csv")
    for name in ("transactions", "valuations"):
        errs += _ref(b[name], "holding_id", holdings, "holding_id", "companies.csv or funds.csv")
    t = b["transactions"]
    errs += _errors(
        t,
        pl.col("type").is_in(list(NEEDS_INVESTOR)) & pl.col("investor_id").is_null(),
        pl.format("a {} needs an investor_id", pl.col("type")),
    )
    errs += _errors(
        t,
        pl.col("type").is_in(list(NEEDS_HOLDING)) & pl.col("holding_id").is_null(),
        pl.format("a {} needs a holding_id", pl.col("type")),
    )
    errs += _errors(
        t,
        pl.col("type").is_in(list(NO_HOLDING)) & pl.col("holding_id").is_not_null(),
        pl.format("a {} names no holding (holding_id must be empty)", pl.col("type")),
    )
    errs += _errors(
        t,
        pl.col("type").is_in(list(NO_INVESTOR)) & pl.col("investor_id").is_not_null(),
        pl.format("a {} takes no investor_id (the GP received it from the holding)", "type"),
    )
    errs += _errors(
        t,
        pl.col("holding_id").is_not_null() & (pl.col("holding_id") == pl.col("fund_id")),
        pl.lit("a fund cannot hold itself"),
    )
    return errs


def rate_lookup(
    frame: pl.DataFrame, fx: pl.DataFrame, currency_col: str, alias: str
) -> pl.DataFrame:
    """Add `alias`: HKD per unit of `currency_col` on or before each row's date (HKD = 1).

    Only rows in a foreign currency are looked up, so an all-HKD book costs one pass.
    """
    frame = frame.with_row_index("_order")
    foreign = frame.filter(
        pl.col(currency_col).is_not_null() & (pl.col(currency_col) != REPORTING_CURRENCY)
    )
    if foreign.height:
        rates = (
            fx.select(
                "date", pl.col("currency").alias(currency_col), pl.col("hkd_per_unit").alias(alias)
            )
            .drop_nulls()
            .sort("date")
        )
        found = (
            foreign.select("_order", "date", currency_col)
            .sort("date")
            .join_asof(
                rates, on="date", by=currency_col, strategy="backward", check_sortedness=False
            )
            .select("_order", alias)
        )
        frame = frame.join(found, on="_order", how="left", maintain_order="left")
    else:
        frame = frame.with_columns(pl.lit(None, dtype=pl.Decimal(18, 8)).alias(alias))
    frame = frame.with_columns(
        pl.when(pl.col(currency_col) == REPORTING_CURRENCY)
        .then(pl.lit(Decimal(1)))
        .otherwise(pl.col(alias))
        .cast(pl.Decimal(18, 8))
        .alias(alias)
    )
    return frame.drop("_order")


def convert_to_fund_currency(
    frame: pl.DataFrame, amount_col: str, out_col: str, b: Frames
) -> tuple[pl.DataFrame, list[LedgerError]]:
    """Add `out_col`: the amount in the fund's currency at the rate of its date."""
    wide = frame  # the work is done on the columns it needs (joins copy every column)
    frame = frame.select("fund_id", "date", "currency", amount_col, "source_file", LINE)
    funds = (
        b["funds"]
        .select("fund_id", pl.col("currency").alias("fund_currency"))
        .unique("fund_id", keep="first", maintain_order=True)
    )
    f = frame.join(funds, on="fund_id", how="left", maintain_order="left")
    f = f.with_columns(pl.col("date").alias("_date"), pl.col("date").fill_null(pl.date(1900, 1, 1)))
    f = rate_lookup(f, b["fx_rates"], "currency", "_rate")
    f = rate_lookup(f, b["fx_rates"], "fund_currency", "_fund_rate")
    dated = pl.col("date") > pl.date(1900, 1, 1)
    errs = _errors(
        f,
        dated & pl.col("currency").is_not_null() & pl.col("_rate").is_null(),
        pl.format(
            "no FX rate for {} on or before {} in fx_rates.csv", pl.col("currency"), pl.col("date")
        ),
    )
    errs += _errors(
        f,
        dated
        & pl.col("fund_currency").is_not_null()
        & pl.col("_fund_rate").is_null()
        & (pl.col("fund_currency") != pl.col("currency")),
        pl.format(
            "no FX rate for {} (the currency of fund {}) on or before {} in fx_rates.csv",
            pl.col("fund_currency"),
            pl.col("fund_id"),
            pl.col("date"),
        ),
    )
    same = pl.col("currency") == pl.col("fund_currency")
    f = f.with_columns(pl.when(same).then(pl.col(amount_col)).otherwise(None).alias(out_col))
    f = f.with_row_index("_i")
    cross = f.filter(
        ~same
        & pl.col("_rate").is_not_null()
        & pl.col("_fund_rate").is_not_null()
        & pl.col(amount_col).is_not_null()
    )
    if cross.height:
        converted, too_large = _converted(cross, amount_col)
        errs += _errors(
            cross.filter(pl.Series(too_large)),
            pl.lit(True),
            pl.format(
                f"{amount_col} {{}} {{}} is more than {MAX_MONEY} in {{}}, the currency of fund "
                "{} (at the rates of {}): too large to book",
                pl.col(amount_col),
                pl.col("currency"),
                pl.col("fund_currency"),
                pl.col("fund_id"),
                pl.col("date"),
            ),
        )
        patch = cross.select("_i").with_columns(pl.Series("_conv", converted, dtype=MONEY))
        f = (
            f.join(patch, on="_i", how="left", maintain_order="left")
            .with_columns(pl.coalesce(out_col, "_conv").alias(out_col))
            .drop("_conv")
        )
    return wide.with_columns(f.get_column(out_col)), errs


def _converted(cross: pl.DataFrame, amount_col: str) -> tuple[list[Decimal | None], list[bool]]:
    """Each amount at its rates, rounded to the cent; None (and flagged) where the result does
    not fit the book's DECIMAL(18,2)."""
    converted: list[Decimal | None] = []
    too_large: list[bool] = []
    for a, r, fr in cross.select(amount_col, "_rate", "_fund_rate").iter_rows():
        value = convert_amount(a, r, fr)
        converted.append(value)
        too_large.append(value is None)
    return converted, too_large


def exact_conversion(amount: Decimal, rate: Decimal, to_rate: Decimal) -> Decimal:
    """`amount` at HKD `rate` per unit in a currency of HKD `to_rate` per unit, unrounded."""
    with localcontext() as ctx:
        ctx.prec = 28  # the default context's precision: figures stay as they were
        return amount * rate / to_rate


def convert_amount(amount: Decimal, rate: Decimal, to_rate: Decimal) -> Decimal | None:
    """`amount` at HKD `rate` per unit into a currency of HKD `to_rate` per unit, rounded
    half-even to the cent, as the ledger converts every row; None when it would not fit the
    book's DECIMAL(18,2)."""
    exact = exact_conversion(amount, rate, to_rate)
    if abs(exact) >= _ROUNDS_PAST_MAX:
        return None
    return exact.quantize(CENT, rounding=ROUND_HALF_EVEN)


# How each row moves an investor's paid-in against its commitment: an equalisation
# distribution is recallable (it adds back to the unfunded commitment).
_PAID_IN = {"contribution": 1, "equalisation_contribution": 1, "equalisation_distribution": -1}


def commitment_errors(b: Frames) -> list[LedgerError]:
    """Cumulative contributions of an investor to a fund (less its recallable distributions)
    never exceed its commitments to date."""
    keys = ["fund_id", "investor_id"]
    commits = (
        b["commitments"]
        .drop_nulls(["amount_fund", "date", *keys])
        .group_by([*keys, "date"])
        .agg(pl.col("amount_fund").sum())
        .sort("date")
        .with_columns(pl.col("amount_fund").cum_sum().over(keys).alias("committed"))
        .select(*keys, "date", "committed")
    )
    sign = pl.col("type").replace_strict(_PAID_IN, default=0, return_dtype=pl.Int8)
    contribs = (
        b["transactions"]
        .filter(pl.col("type").is_in(list(_PAID_IN)))
        .drop_nulls(["amount_fund", "date", *keys])
        .sort("date", "source_file", LINE)
        .with_columns(
            pl.when(sign > 0)
            .then(pl.col("amount_fund"))
            .otherwise(-pl.col("amount_fund"))
            .cum_sum()
            .over(keys)
            .alias("paid_in")
        )
    )
    joined = contribs.join_asof(
        commits, on="date", by=keys, strategy="backward", check_sortedness=False
    )
    joined = joined.with_columns(pl.col("committed").fill_null(Decimal(0)))
    return _errors(
        joined,
        (pl.col("paid_in") > pl.col("committed")) & (sign > 0),
        pl.format(
            "{} takes investor {}'s paid-in to fund {} to {}, above its "
            "commitment of {} dated on or before {}",
            pl.col("type"),
            pl.col("investor_id"),
            pl.col("fund_id"),
            pl.col("paid_in"),
            pl.col("committed"),
            pl.col("date"),
        ),
    )


def terms_errors(b: Frames) -> list[LedgerError]:
    """The partners that terms name are committed to their fund (the GP of terms.csv, each
    partner of investor_terms.csv), and a fee after the investment period has its end
    (funds.csv's investment_period_end)."""
    committed = b["commitments"].select("fund_id", "investor_id").unique()
    gp = (
        b["terms"]
        .filter(pl.col("gp_investor_id").is_not_null())
        .join(
            committed.rename({"investor_id": "gp_investor_id"}),
            on=["fund_id", "gp_investor_id"],
            how="anti",
        )
    )
    errs = _errors(
        gp.filter(pl.col("gp_investor_id").is_in(b["investors"]["investor_id"].implode())),
        pl.lit(True),
        pl.format(
            "gp_investor_id '{}' has no commitment to fund {} in commitments.csv (the GP's "
            "own commitment)",
            pl.col("gp_investor_id"),
            pl.col("fund_id"),
        ),
    )
    side = b["investor_terms"].join(committed, on=["fund_id", "investor_id"], how="anti")
    errs += _errors(
        side.filter(pl.col("investor_id").is_in(b["investors"]["investor_id"].implode())),
        pl.col("fund_id").is_in(b["funds"]["fund_id"].implode()),
        pl.format(
            "investor {} has no commitment to fund {} in commitments.csv",
            pl.col("investor_id"),
            pl.col("fund_id"),
        ),
    )
    errs += _deadline_errors(b)
    ends = b["funds"].select("fund_id", "investment_period_end").unique("fund_id", keep="first")
    after = b["terms"].filter(pl.col("fee_rate_after").is_not_null()).join(ends, on="fund_id")
    return errs + _errors(
        after,
        pl.col("investment_period_end").is_null(),
        pl.format(
            "fee_rate_after is set but fund {} has no investment_period_end in funds.csv (the "
            "fee basis switches after it)",
            pl.col("fund_id"),
        ),
    )


def _deadline_errors(b: Frames) -> list[LedgerError]:
    """A matching deadline belongs to a grant programme (a fund of kind `programme`)."""
    kinds = b["funds"].select("fund_id", "kind").unique("fund_id", keep="first")
    deadline = b["terms"].filter(pl.col("matching_deadline_months").is_not_null())
    return _errors(
        deadline.join(kinds, on="fund_id"),
        pl.col("kind") != "programme",
        pl.format(
            "matching_deadline_months is set but fund {} is of kind {}, not a grant "
            "programme (kind programme)",
            pl.col("fund_id"),
            pl.col("kind"),
        ),
    )


def carry_errors(b: Frames) -> list[LedgerError]:
    """A `carry` row (carried interest paid to the GP out of a partner's distributions) is
    paid by a fund with carry terms, names the partner that bears it (a partner of the fund,
    not the GP's commitment nor a carry_exempt side letter), and, when it names a holding
    (the deal of an American waterfall), one the fund invested in."""
    carry = b["transactions"].filter(pl.col("type") == "carry")
    if carry.is_empty():
        return []
    terms = b["terms"].filter(pl.col("carry_pct").is_not_null())
    exempt = b["investor_terms"].filter(pl.col("carry_exempt").fill_null(False))
    partners = b["commitments"].select("fund_id", "investor_id").unique()
    deals = (
        b["transactions"]
        .filter(pl.col("type") == "investment")
        .select("fund_id", "holding_id", pl.lit(True).alias("_deal"))
        .unique()
    )
    rows = (
        carry.join(
            terms.select("fund_id", "gp_investor_id", pl.lit(True).alias("_terms")),
            on="fund_id",
            how="left",
            maintain_order="left",
        )
        .join(
            partners.with_columns(pl.lit(True).alias("_partner")),
            on=["fund_id", "investor_id"],
            how="left",
            maintain_order="left",
        )
        .join(
            exempt.select("fund_id", "investor_id", pl.lit(True).alias("_exempt")),
            on=["fund_id", "investor_id"],
            how="left",
            maintain_order="left",
        )
        .join(deals, on=["fund_id", "holding_id"], how="left", maintain_order="left")
    )
    errs = _errors(
        rows,
        pl.col("_terms").is_null(),
        pl.format("no carry terms for fund {} (carry_pct in terms.csv)", pl.col("fund_id")),
    )
    has_terms = pl.col("_terms").fill_null(False) & pl.col("investor_id").is_not_null()
    errs += _errors(
        rows,
        has_terms & pl.col("_partner").is_null(),
        pl.format(
            "{} is not a partner of {}: a carry row names the partner whose distributions it "
            "comes out of (a commitment in commitments.csv)",
            pl.col("investor_id"),
            pl.col("fund_id"),
        ),
    )
    errs += _errors(
        rows,
        has_terms & (pl.col("investor_id") == pl.col("gp_investor_id").fill_null("")),
        pl.format(
            "{} is the GP's own commitment (gp_investor_id in terms.csv): it bears no carry; "
            "name the partner whose distributions the carry comes out of",
            pl.col("investor_id"),
        ),
    )
    errs += _errors(
        rows,
        has_terms & pl.col("_exempt").is_not_null(),
        pl.format(
            "{} is carry_exempt in {} (investor_terms.csv): it bears no carry",
            pl.col("investor_id"),
            pl.col("fund_id"),
        ),
    )
    return errs + _errors(
        rows,
        pl.col("holding_id").is_not_null() & pl.col("_deal").is_null(),
        pl.format(
            "{} never invested in {}: a carry row's holding_id is the deal it was earned on",
            pl.col("fund_id"),
            pl.col("holding_id"),
        ),
    )


def cash_errors(b: Frames) -> list[LedgerError]:
    """A fund's cash at the end of every day (all that day's flows netted) is never negative."""
    sign = pl.col("type").replace_strict(CASH_SIGN, default=0, return_dtype=pl.Int8)
    flows = (  # lazy: only the columns needed are read from the 1M-row frame
        b["transactions"]
        .lazy()
        .select("fund_id", "date", "type", "amount_fund", "source_file", LINE)
        .drop_nulls(["amount_fund", "date", "fund_id"])
        .with_columns(sign.alias("_sign"))
        .filter(pl.col("_sign") != 0)
        .with_columns(
            pl.when(pl.col("_sign") > 0)
            .then(pl.col("amount_fund"))
            .otherwise(-pl.col("amount_fund"))
            .alias("_flow")
        )
    )
    negative = (
        flows.group_by("fund_id", "date")
        .agg(pl.col("_flow").sum())
        .sort("date")
        .with_columns(pl.col("_flow").cum_sum().over("fund_id").alias("cash"))
        .filter(pl.col("cash") < 0)
        .group_by("fund_id")
        .agg(pl.all().sort_by("date").first())
        .collect()
    )
    if negative.height == 0:
        return []
    # Point at the day's last outflow row of the fund: the one a user would move or fund.
    day = flows.join(negative.lazy().select("fund_id", "date", "cash"), on=["fund_id", "date"])
    rows = day.filter(pl.col("_sign") < 0).sort(LINE).group_by("fund_id").last().collect()
    return _errors(
        rows,
        pl.lit(True),
        pl.format(
            "fund {}'s cash would be {} at the end of {} (outflows before the money to pay them); "
            "book the contribution first or date it no later",
            pl.col("fund_id"),
            pl.col("cash"),
            pl.col("date"),
        ),
    )


def valuation_errors(b: Frames) -> list[LedgerError]:
    """A fund values only holdings it has invested in on or before the valuation date."""
    first = (
        b["transactions"]
        .filter(pl.col("type") == "investment")
        .group_by("fund_id", "holding_id")
        .agg(pl.col("date").min().alias("first_investment"))
    )
    v = b["valuations"].join(first, on=["fund_id", "holding_id"], how="left")
    return _errors(
        v,
        pl.col("date").is_not_null()
        & pl.col("holding_id").is_not_null()
        & (pl.col("first_investment").is_null() | (pl.col("first_investment") > pl.col("date"))),
        pl.format(
            "valuation of {} by fund {} on {} but the fund has not invested in it by then",
            pl.col("holding_id"),
            pl.col("fund_id"),
            pl.col("date"),
        ),
    )


def portfolio_fee_errors(b: Frames) -> list[LedgerError]:
    """A `portfolio_fee` (fees the GP received from a holding, for offsets) names a holding its
    fund holds on that date: invested in on or before it, and not written off before it."""
    fees = b["transactions"].filter(
        (pl.col("type") == "portfolio_fee")
        & pl.col("holding_id").is_not_null()
        & pl.col("date").is_not_null()
    )
    if fees.is_empty():
        return []
    keys = ["fund_id", "holding_id"]
    held = (
        b["transactions"]
        .filter(pl.col("type").is_in(["investment", "write_off"]))
        .group_by(keys)
        .agg(
            pl.col("date").filter(pl.col("type") == "investment").min().alias("_first"),
            pl.col("date").filter(pl.col("type") == "write_off").min().alias("_off"),
        )
    )
    rows = fees.join(held, on=keys, how="left", maintain_order="left")
    errs = _errors(
        rows,
        pl.col("_first").is_null() | (pl.col("_first") > pl.col("date")),
        pl.format(
            "portfolio_fee from {} to fund {} on {} but the fund has not invested in it by then "
            "(fees for offsets come from a holding of the fund)",
            "holding_id",
            "fund_id",
            "date",
        ),
    )
    return errs + _errors(
        rows,
        (pl.col("_first") <= pl.col("date")) & (pl.col("_off") < pl.col("date")),
        pl.format(
            "portfolio_fee from {} to fund {} on {} but the fund wrote it off on {}: it no "
            "longer holds it",
            "holding_id",
            "fund_id",
            "date",
            "_off",
        ),
    )


def gp_errors(b: Frames) -> list[LedgerError]:
    """GP statements and holdings (issue 13): the holder is a fund, the held sub-fund a fund of
    funds.csv, the money in the sub-fund's currency; a GP holding names a company and belongs
    to a statement of gp_statements.csv; a statement is of a sub-fund its holder holds
    (`_gp_holder_errors`)."""
    funds = b["funds"]
    ids = funds["fund_id"]
    held_ccy = funds.select(
        pl.col("fund_id").alias("holding_id"), pl.col("currency").alias("_held_ccy")
    ).unique("holding_id", keep="first", maintain_order=True)
    errs: list[LedgerError] = []
    for name in ("gp_statements", "gp_holdings"):
        frame = b[name]
        errs += _ref(frame, "fund_id", ids, "fund_id", "funds.csv")
        errs += _ref(frame, "holding_id", ids, "sub-fund holding_id", "funds.csv")
        errs += _errors(
            frame,
            pl.col("holding_id") == pl.col("fund_id"),
            pl.lit("a fund cannot hold itself"),
        )
        priced = frame.join(held_ccy, on="holding_id", how="left", maintain_order="left")
        errs += _errors(
            priced,
            pl.col("currency").is_not_null()
            & pl.col("_held_ccy").is_not_null()
            & (pl.col("currency") != pl.col("_held_ccy")),
            pl.format(
                "currency '{}' is not the currency of sub-fund {} ({}): a GP reports in its "
                "fund's currency",
                pl.col("currency"),
                pl.col("holding_id"),
                pl.col("_held_ccy"),
            ),
        )
    errs += _gp_holder_errors(b)
    held = b["gp_holdings"]
    errs += _ref(held, "company_id", b["companies"]["company_id"], "company_id", "companies.csv")
    key = ["statement_date", "fund_id", "holding_id"]
    orphans = held.join(b["gp_statements"].select(key), on=key, how="anti", nulls_equal=False)
    errs += _errors(
        orphans,
        pl.lit(True),
        pl.format(
            "no GP statement of sub-fund {} for {} dated {} in gp_statements.csv (a schedule of "
            "investments belongs to a statement)",
            pl.col("holding_id"),
            pl.col("fund_id"),
            pl.col("statement_date"),
        ),
    )
    return errs


def _gp_holder_errors(b: Frames) -> list[LedgerError]:
    """A GP statement is of a fund of kind sub_fund, dated in or after its vintage year, held
    by its holder (an `investment` row of the holder into it, or a commitment to it by the
    holder's LP investor); a grant programme holds no sub-fund."""
    funds = b["funds"].select("fund_id", "kind", "vintage")
    invested = (
        b["transactions"]
        .filter(pl.col("type") == "investment")
        .select("fund_id", "holding_id")
        .unique()
    )
    lps = b["investors"].select("investor_id", pl.col("fund_id").alias("_holder"))
    committed = (
        b["commitments"]
        .join(lps, on="investor_id")
        .select(pl.col("_holder").alias("fund_id"), pl.col("fund_id").alias("holding_id"))
        .unique()
    )
    held = pl.concat([invested, committed]).unique().with_columns(pl.lit(True).alias("_holds"))
    stated = (
        b["gp_statements"]
        .join(funds.rename({"kind": "_holder_kind"}).drop("vintage"), on="fund_id", how="left")
        .join(
            funds.rename({"fund_id": "holding_id", "kind": "_kind", "vintage": "_vintage"}),
            on="holding_id",
            how="left",
        )
        .join(held, on=["fund_id", "holding_id"], how="left")
    )
    known = pl.col("_holder_kind").is_not_null() & pl.col("_kind").is_not_null()
    rules = [
        (
            pl.col("_holder_kind") == "programme",
            pl.format(
                "fund_id {} is a grant programme (kind programme): it holds no sub-fund",
                pl.col("fund_id"),
            ),
        ),
        (
            pl.col("_kind").is_not_null() & (pl.col("_kind") != "sub_fund"),
            pl.format(
                "holding_id {} is a fund of kind {}: a GP statement is of a sub-fund "
                "(kind sub_fund)",
                pl.col("holding_id"),
                pl.col("_kind"),
            ),
        ),
        (
            known
            & (pl.col("_holder_kind") != "programme")
            & (pl.col("_kind") == "sub_fund")
            & (pl.col("fund_id") != pl.col("holding_id"))
            & pl.col("_holds").is_null(),
            pl.format(
                "fund {} does not hold sub-fund {} (no investment of {} in it in "
                "transactions.csv, no commitment to it by {}'s LP investor in commitments.csv)",
                pl.col("fund_id"),
                pl.col("holding_id"),
                pl.col("fund_id"),
                pl.col("fund_id"),
            ),
        ),
        (
            pl.col("statement_date").dt.year() < pl.col("_vintage"),
            pl.format(
                "statement_date {} is before sub-fund {}'s vintage year {}",
                pl.col("statement_date"),
                pl.col("holding_id"),
                pl.col("_vintage"),
            ),
        ),
    ]
    return [e for cond, msg in rules for e in _errors(stated, cond.fill_null(False), msg)]

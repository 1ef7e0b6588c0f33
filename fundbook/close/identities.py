"""Roll-forward identities checked at every close; each broken one is a message that fails it."""

from __future__ import annotations

from decimal import Decimal

import duckdb
import polars as pl

from fundbook.close.figures import Computed
from fundbook.close.snapshot import STATEMENT_LINES
from fundbook.core.dtypes import MONEY
from fundbook.metrics.gl_chart import ACCRUED_CARRY, CAPITAL_PREFIX, FX_ADJUSTMENT
from fundbook.metrics.money import CENTS, cents, convert, divide_half_even, from_cents, zero
from fundbook.metrics.state import exact_account, partnership_weights
from fundbook.metrics.statement import NULL_WITHOUT_TERMS, ROLL_FORWARD
from fundbook.store.db import frame, sql

ZERO = pl.lit(0, MONEY)
_KEYS = ["basis", "fund_id", "investor_id"]


def _who(row: dict[str, object]) -> str:
    investor = row.get("investor_id")
    who = f"fund {row['fund_id']}" + (f", investor {investor}" if investor else " (fund total)")
    return f"{row['basis']} {who}"


def statement_roll_forward(statements: pl.DataFrame) -> list[str]:
    """Beginning NAV + contributions - distributions + P&L = ending NAV, for every row."""
    missing = [
        c
        for c in ("beginning_nav", "ending_nav", *(n for n, _ in ROLL_FORWARD))
        if c not in statements.columns
    ]
    if missing:
        return [f"capital account statement lacks lines: {', '.join(missing)}"]
    defined = [c for c in _present_lines(statements) if c not in NULL_WITHOUT_TERMS]
    nulls = statements.filter(pl.any_horizontal(pl.col(defined).is_null()))
    problems = [f"{_who(r)}: a statement line is undefined" for r in nulls.iter_rows(named=True)]
    rolled = pl.col("beginning_nav")
    for name, sign in ROLL_FORWARD:
        # a line not modelled (null: no terms to compute it) moves no NAV
        line = pl.col(name).fill_null(ZERO) if name in NULL_WITHOUT_TERMS else pl.col(name)
        rolled = rolled + line if sign > 0 else rolled - line
    broken = statements.with_columns(rolled.alias("_rolled")).filter(
        pl.col("_rolled") != pl.col("ending_nav")
    )
    problems += [
        f"{_who(r)}: beginning NAV + flows + P&L = {r['_rolled']} but ending NAV = "
        f"{r['ending_nav']}"
        for r in broken.iter_rows(named=True)
    ]
    return problems


def _present_lines(statements: pl.DataFrame) -> list[str]:
    return [c for c in STATEMENT_LINES if c in statements.columns]


def investors_sum_to_fund(statements: pl.DataFrame) -> list[str]:
    """The investors' statement lines add up to the fund's, line by line."""
    lines = _present_lines(statements)
    fund = statements.filter(pl.col("investor_id").is_null())
    summed = (
        statements.filter(pl.col("investor_id").is_not_null())
        .group_by("basis", "fund_id")
        .agg(
            pl.len().alias("_investors"),
            # a line not modelled is null for every investor, and then for the fund too
            *(
                pl.when(pl.col(line).is_null().all())
                .then(None)
                .otherwise(pl.col(line).sum())
                .alias(line)
                if line in NULL_WITHOUT_TERMS
                else pl.col(line).sum()
                for line in lines
            ),
        )
    )
    joined = fund.join(summed, on=["basis", "fund_id"], how="left", suffix="_sum")
    problems = []
    for line in lines:
        got = pl.col(f"{line}_sum")
        if line not in NULL_WITHOUT_TERMS:
            got = got.fill_null(ZERO)
        else:  # a fund without investors: its line is null (not modelled) or 0
            nothing = pl.when(pl.col(line).is_not_null()).then(ZERO)
            got = pl.when(pl.col("_investors").is_null()).then(nothing).otherwise(got)
        bad = joined.filter(got.ne_missing(pl.col(line)))
        problems += [
            f"{r['basis']} fund {r['fund_id']}: investors' {line} sum to "
            f"{r[line + '_sum']} but the fund's is {r[line]}"
            for r in bad.iter_rows(named=True)
        ]
    return problems


def nav_from_the_book(con: duckdb.DuckDBPyConnection, computed: Computed) -> list[str]:
    """Each fund's NAV (metrics, from its positions) equals its NAV recomputed from the booked
    rows in SQL (`close_nav_book`), its investors' capital accounts add up to it, and each is
    its share recomputed from the booked rows (`close_partners`)."""
    params = {"period_end": computed.period.end}
    book = frame(con, sql("close_nav_book"), params)
    partners = frame(con, sql("close_partners"), params)
    levels = computed.levels
    partners = with_fee_shares(partners, computed.fee_shares)
    return nav_ties(levels["fund"], levels["holding"], levels["investor"], book, partners)


def with_fee_shares(partners: pl.DataFrame, shares: pl.DataFrame) -> pl.DataFrame:
    """The booked partners (`close_partners`) with, in their own items, their shares of the
    fund-level fees of a fund with fee terms (`shares`: fund_id, investor_id, own_fees). SQL
    cannot compute a fee schedule: the split is the metrics' one rule (fee_attribution), the
    amounts and everything else the booked rows'."""
    if shares.height == 0:
        return partners
    keys = ["fund_id", "investor_id"]
    mine = shares.select(*keys, pl.col("own_fees").cast(MONEY).alias("_fees"))
    return (
        partners.join(mine, on=keys, how="left")
        .with_columns((pl.col("own") - pl.col("_fees").fill_null(ZERO)).cast(MONEY).alias("own"))
        .drop("_fees")
    )


def nav_ties(
    funds: pl.DataFrame,
    holdings: pl.DataFrame,
    investors: pl.DataFrame,
    book: pl.DataFrame,
    partners: pl.DataFrame,
) -> list[str]:
    """Fund NAV = the book's cash + its holdings valued from the booked rows (`book`:
    `close_nav_book`) = the sum of its investors' NAV; and each capital account, and each
    holding of a fund of the book, is the share the booked rows give (`capital_account_ties`).

    A holding that is a fund of the book (the book names the holder's LP investor in it) is
    counted here at its metrics value, which `capital_account_ties` recomputes."""
    # the booked rows know no accrued carry: NAV and capital accounts before it (a holding of
    # a fund of the book is valued at the holder's account net of it: `net` below)
    net = investors
    funds, investors = _before_carry(funds), _before_carry(investors)
    second = book_navs_of(holdings, book)
    accounts = investors.group_by("fund_id").agg(pl.col("nav").cast(MONEY).sum().alias("_sum"))
    joined = (
        funds.select("fund_id", pl.col("nav").cast(MONEY))
        .join(second, on="fund_id", how="full", coalesce=True)
        .join(accounts, on="fund_id", how="left")
        .with_columns(pl.col("nav", "book_nav").fill_null(ZERO))
    )
    problems = [
        f"fund {r['fund_id']}: NAV {r['nav']} but the booked rows give {r['book_nav']} "
        "(cash of the postings plus holdings at their latest mark or remaining cost, plus "
        "prepaid less accrued fees and expenses)"
        for r in joined.filter(pl.col("nav") != pl.col("book_nav")).iter_rows(named=True)
    ]
    unequal = joined.filter(pl.col("_sum").is_not_null() & (pl.col("_sum") != pl.col("nav")))
    problems += [
        f"fund {r['fund_id']}: NAV {r['nav']} but its investors' capital accounts add up "
        f"to {r['_sum']}"
        for r in unequal.iter_rows(named=True)
    ]
    return problems + capital_account_ties(holdings, investors, book, partners, second, net)


def _before_carry(level: pl.DataFrame) -> pl.DataFrame:
    """A fund or investor level with `nav` before accrued carry (`nav_before_carry` where the
    fund has carry terms): what the booked rows give (docs/methods.md, carried interest)."""
    if "nav_before_carry" not in level.columns:
        return level
    return level.with_columns(pl.coalesce("nav_before_carry", "nav").alias("nav"))


def book_navs_of(holdings: pl.DataFrame, book: pl.DataFrame) -> pl.DataFrame:
    """Per fund, the NAV of the booked rows (`book_nav`): cash plus holdings, a fund of the
    book at its metrics value (tied to the booked rows by `capital_account_ties`)."""
    held = holdings.select("fund_id", "holding_id", pl.col("fair_value").alias("_metric"))
    value = pl.col("value").cast(MONEY)
    valued = book.join(held, on=["fund_id", "holding_id"], how="left").select(
        "fund_id",
        pl.when(pl.col("lp_investor_id").is_not_null())
        .then(pl.coalesce(pl.col("_metric").cast(MONEY), value))
        .otherwise(value)
        .alias("value"),
    )
    return valued.group_by("fund_id").agg(pl.col("value").sum().alias("book_nav"))


def booked_shares(partners: pl.DataFrame, book_navs: pl.DataFrame) -> pl.DataFrame:
    """Each LP's exact capital account from the booked rows, as cents `_num` / `_total`: net
    contributed + its own items + the fund's common P&L (booked NAV - contributions +
    distributions - the partners' own items) x its partnership weight
    (`state.partnership_weights`) / the fund's total weight (1 if none)."""
    money = ("committed", "contributions", "distributions", "own")
    navs = book_navs.select("fund_id", cents(pl.col("book_nav")).alias("_nav"))
    rows = partnership_weights(partners.with_columns(cents(pl.col(c)) for c in money))
    rows = rows.join(navs, on="fund_id", how="left").with_columns(pl.col("_nav").fill_null(zero()))
    pnl = (
        pl.col("_nav")
        - pl.col("contributions").sum().over("fund_id")
        + pl.col("distributions").sum().over("fund_id")
        - pl.col("own").sum().over("fund_id")
    )
    total = pl.when(pl.col("weight_total") != 0).then(pl.col("weight_total")).otherwise(1)
    rows = rows.with_columns(pnl.alias("common_pnl"), total.cast(CENTS).alias("_total"))
    return rows.select(
        "fund_id", "investor_id", "_total", exact_account(pl.col("_total")).alias("_num")
    )


def capital_account_ties(
    holdings: pl.DataFrame,
    investors: pl.DataFrame,
    book: pl.DataFrame,
    partners: pl.DataFrame,
    book_navs: pl.DataFrame,
    net: pl.DataFrame | None = None,
) -> list[str]:
    """Each capital account (`nav` of the investor level, before accrued carry) is within a
    cent of its share of
    the fund recomputed from the booked rows (`booked_shares`; the metrics allocate by largest
    remainder); and each holding of a fund of the book (`book` names the holder's LP investor)
    is that capital account as its statement gives it (`nav`, just tied to the booked rows)
    x rate(held) / rate(holder), rounded half-even once, to the cent (issue 11, R6); `net`:
    the investor level with `nav` net of accrued carry, what a holder's interest is valued at
    (default `investors`)."""
    shares = booked_shares(partners, book_navs)
    held = _interest_problems(holdings, book, investors if net is None else net)
    return _account_problems(investors, shares) + held


def _account_problems(investors: pl.DataFrame, shares: pl.DataFrame) -> list[str]:
    keys = ["fund_id", "investor_id"]
    mine = investors.select(*keys, pl.col("nav").cast(MONEY), cents(pl.col("nav")).alias("_nav"))
    joined = shares.join(mine, on=keys, how="left").with_columns(
        from_cents(divide_half_even(pl.col("_num"), pl.col("_total"))).alias("_booked")
    )
    off = (pl.col("_nav") * pl.col("_total") - pl.col("_num")).abs() >= pl.col("_total")
    bad = joined.filter(pl.col("_nav").is_null() | off)
    return [
        f"fund {r['fund_id']}, investor {r['investor_id']}: capital account "
        f"{r['nav']} but its share of the fund from the booked rows is "
        f"{r['_booked']} (net contributed + P&L x weight / total weight, within a cent)"
        for r in bad.iter_rows(named=True)
    ]


def _interest_problems(
    holdings: pl.DataFrame, book: pl.DataFrame, investors: pl.DataFrame
) -> list[str]:
    rates = pl.format("{} / {}", pl.col("held_rate"), pl.col("holder_rate"))
    accounts = investors.select(
        pl.col("fund_id").alias("holding_id"),
        pl.col("investor_id").alias("lp_investor_id"),
        cents(pl.col("nav")).alias("_num"),
    )
    # a fund held without its ledger in the book (no capital account in it at all), or valued
    # from its GP's statements, is not tied to an account (issue 13)
    ledgers = accounts.select("holding_id").unique()
    links = (
        book.filter(pl.col("lp_investor_id").is_not_null())
        .join(ledgers, on="holding_id", how="semi")
        .join(
            holdings.select("fund_id", "holding_id", "fair_value", "valued_by"),
            on=["fund_id", "holding_id"],
            how="left",
        )
        .filter(pl.col("valued_by").fill_null("") != "gp_statement")
        .drop("valued_by")
        .join(accounts, on=["holding_id", "lp_investor_id"], how="left")
    )
    expected = convert(pl.col("_num"), pl.col("held_rate"), pl.col("holder_rate"))
    links = links.with_columns(
        from_cents(expected).alias("_expected"),
        from_cents(pl.col("_num")).alias("_account"),
        rates.alias("_rates"),
    )
    missing = pl.any_horizontal(pl.col("fair_value", "_num", "held_rate", "holder_rate").is_null())
    problems = [
        f"fund {r['fund_id']}, holding {r['holding_id']}: cannot be tied to "
        f"{r['lp_investor_id']}'s capital account in {r['holding_id']}: value "
        f"{r['fair_value']}, account {r['_account']}, rates {r['_rates']}"
        for r in links.filter(missing).iter_rows(named=True)
    ]
    wrong = links.filter(~missing & (pl.col("fair_value").cast(MONEY) != pl.col("_expected")))
    return problems + [
        f"fund {r['fund_id']}, holding {r['holding_id']}: valued at {r['fair_value']} from a "
        f"capital account but {r['lp_investor_id']}'s capital account in {r['holding_id']} "
        f"is {r['_account']}, {r['_expected']} at the rates {r['_rates']}"
        for r in wrong.iter_rows(named=True)
    ]


def paid_in_within_commitment(
    investor_levels: pl.DataFrame, statements: pl.DataFrame | None = None
) -> list[str]:
    """No investor has paid in more than it committed, plus what was returned to it as
    recallable (the ITD statements' recallable_distributions, when given)."""
    if not {"paid_in", "committed"} <= set(investor_levels.columns):
        return ["investor metrics lack paid_in or committed"]
    keys = ["fund_id", "investor_id"]
    levels = investor_levels.with_columns(pl.lit(0, MONEY).alias("_recallable"))
    if statements is not None:
        itd = statements.filter((pl.col("basis") == "ITD") & pl.col("investor_id").is_not_null())
        back = itd.select(*keys, pl.col("recallable_distributions").cast(MONEY).alias("_back"))
        levels = levels.join(back, on=keys, how="left").with_columns(
            pl.col("_back").fill_null(ZERO).alias("_recallable")
        )
    bad = levels.filter(pl.col("paid_in") > pl.col("committed") + pl.col("_recallable"))
    return [
        f"fund {r['fund_id']}, investor {r['investor_id']}: paid-in {r['paid_in']} exceeds "
        f"commitment {r['committed']}"
        + (f" and recallable distributions {r['_recallable']}" if r["_recallable"] else "")
        for r in bad.iter_rows(named=True)
    ]


def ledger_ties(computed: Computed) -> list[str]:
    """The general ledger (metrics/gl_*.py, from postings rules of its own) ties to the figures
    (the metrics' state) and the statements, to the cent: per fund, the GL's net assets =
    the fund's NAV = the sum of its partners' ending capital in the ITD statements; the GL's
    cumulative FX translation = the fund's `fx_translation`; per partner, its capital account
    in the GL = its statement's ending NAV."""
    return gl_ties(computed.ledger, computed.levels["fund"], computed.statements)


def gl_ties(ledger: pl.DataFrame, funds: pl.DataFrame, statements: pl.DataFrame) -> list[str]:
    """`ledger_ties` of a ledger level, the fund level and the statements (money columns)."""
    closed = pl.col("closed_balance").cast(MONEY)
    net = (
        ledger.filter(pl.col("section").is_in(["asset", "liability"]))
        .group_by("fund_id")
        .agg(closed.sum().alias("gl"))
    )
    itd = statements.filter((pl.col("basis") == "ITD") & pl.col("investor_id").is_not_null())
    ending = itd.group_by("fund_id").agg(pl.col("ending_nav").cast(MONEY).sum().alias("stmt"))
    joined = (
        funds.select("fund_id", pl.col("nav").cast(MONEY))
        .join(net, on="fund_id", how="full", coalesce=True)
        .join(ending, on="fund_id", how="full", coalesce=True)
        .with_columns(pl.col("nav", "gl", "stmt").fill_null(ZERO))
        .sort("fund_id")
    )
    problems = []
    for r in joined.iter_rows(named=True):
        if r["gl"] != r["nav"]:
            problems.append(_off(f"fund {r['fund_id']}: GL net assets", r["gl"], "NAV", r["nav"]))
        if r["stmt"] != r["nav"]:
            problems.append(
                _off(
                    f"fund {r['fund_id']}: partners' ending capital in the statements",
                    r["stmt"],
                    "NAV",
                    r["nav"],
                )
            )
    ties = _fx_ties(ledger, funds) + _carry_ties(ledger, funds)
    return problems + ties + _partner_ties(ledger, itd)


def _carry_ties(ledger: pl.DataFrame, funds: pl.DataFrame) -> list[str]:
    """Per fund with carry terms: the GL's accrued carried interest (a credit, gl_carry: the
    waterfall on the GL's own capital) = the fund's `accrued_carry` (carry_state)."""
    if "accrued_carry" not in funds.columns:
        return []
    gl = ledger.filter(pl.col("account") == ACCRUED_CARRY).select(
        "fund_id", (ZERO - pl.col("closed_balance").cast(MONEY)).alias("gl")
    )
    joined = (
        funds.filter(pl.col("accrued_carry").is_not_null())
        .select("fund_id", pl.col("accrued_carry").cast(MONEY))
        .join(gl, on="fund_id", how="left")
        .with_columns(pl.col("gl").fill_null(ZERO))
        .filter(pl.col("gl") != pl.col("accrued_carry"))
        .sort("fund_id")
    )
    return [
        _off(
            f"fund {r['fund_id']}: GL accrued carried interest",
            r["gl"],
            "the fund's accrued_carry",
            r["accrued_carry"],
        )
        for r in joined.iter_rows(named=True)
    ]


def _fx_ties(ledger: pl.DataFrame, funds: pl.DataFrame) -> list[str]:
    """Per fund: the GL's cumulative FX translation income (posted each period against the
    asset `fx_translation_adjustment`, whose balance is therefore its cumulative total) =
    the fund's `fx_translation` figure (metrics/translation.py, computed apart)."""
    gl = ledger.filter(pl.col("account") == FX_ADJUSTMENT).select(
        "fund_id", pl.col("closed_balance").cast(MONEY).alias("gl")
    )
    joined = (
        funds.select("fund_id", pl.col("fx_translation").cast(MONEY))
        .join(gl, on="fund_id", how="full", coalesce=True)
        .with_columns(pl.col("fx_translation", "gl").fill_null(ZERO))
        .filter(pl.col("gl") != pl.col("fx_translation"))
        .sort("fund_id")
    )
    return [
        _off(
            f"fund {r['fund_id']}: GL cumulative FX translation",
            r["gl"],
            "the fund's fx_translation",
            r["fx_translation"],
        )
        for r in joined.iter_rows(named=True)
    ]


def _partner_ties(ledger: pl.DataFrame, itd: pl.DataFrame) -> list[str]:
    """Each partner's capital in the GL (credit balance) = its statement's ending NAV."""
    gl = ledger.filter(pl.col("account").str.starts_with(CAPITAL_PREFIX)).select(
        "fund_id",
        pl.col("account").str.strip_prefix(CAPITAL_PREFIX).alias("investor_id"),
        (ZERO - pl.col("closed_balance").cast(MONEY)).alias("gl"),
    )
    stmt = itd.select("fund_id", "investor_id", pl.col("ending_nav").cast(MONEY).alias("stmt"))
    joined = (
        gl.join(stmt, on=["fund_id", "investor_id"], how="full", coalesce=True)
        .with_columns(pl.col("gl", "stmt").fill_null(ZERO))
        .filter(pl.col("gl") != pl.col("stmt"))
        .sort("fund_id", "investor_id")
    )
    return [
        _off(
            f"fund {r['fund_id']}, partner {r['investor_id']}: GL capital",
            r["gl"],
            "statement ending NAV",
            r["stmt"],
        )
        for r in joined.iter_rows(named=True)
    ]


def _off(what: str, left: Decimal, name: str, right: Decimal) -> str:
    return f"{what} {left} but {name} {right} (difference {left - right})"


def continues_previous(statements: pl.DataFrame, previous_itd: pl.DataFrame | None) -> list[str]:
    """This close's beginning NAV equals the previous close's ending NAV, for every account."""
    if previous_itd is None or previous_itd.height == 0:
        return []
    begin = statements.filter(pl.col("basis") == "period").select(
        "fund_id", "investor_id", "beginning_nav"
    )
    joined = begin.join(
        previous_itd.select("fund_id", "investor_id", "ending_nav"),
        on=["fund_id", "investor_id"],
        how="full",
        coalesce=True,
        nulls_equal=True,
    )
    bad = joined.filter(
        pl.col("beginning_nav").fill_null(ZERO) != pl.col("ending_nav").fill_null(ZERO)
    )
    return [
        f"fund {r['fund_id']}, investor {r['investor_id'] or '(fund total)'}: "
        f"beginning NAV {r['beginning_nav']} differs from the previous close's ending NAV "
        f"{r['ending_nav']}"
        for r in bad.iter_rows(named=True)
    ]


def check_all(
    con: duckdb.DuckDBPyConnection, computed: Computed, previous_itd: pl.DataFrame | None
) -> list[str]:
    """Every identity of a close; an empty list means the close may proceed."""
    statements = computed.statements
    return [
        *statement_roll_forward(statements),
        *investors_sum_to_fund(statements),
        *nav_from_the_book(con, computed),
        *paid_in_within_commitment(computed.levels["investor"], statements),
        *ledger_ties(computed),
        *continues_previous(statements, previous_itd),
    ]

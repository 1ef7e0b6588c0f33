"""Roll-forward identities checked at every close; each broken one is a message that fails it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import duckdb
import polars as pl

from fundbook.close.figures import Computed
from fundbook.close.snapshot import STATEMENT_LINES
from fundbook.core.dtypes import MONEY
from fundbook.metrics.statement import ROLL_FORWARD
from fundbook.store.db import frame, sql

ZERO = pl.lit(0, MONEY)
CENT, TINY = Decimal("0.01"), Decimal("0.0001")
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
    nulls = statements.filter(pl.any_horizontal(pl.col(_present_lines(statements)).is_null()))
    problems = [f"{_who(r)}: a statement line is undefined" for r in nulls.iter_rows(named=True)]
    rolled = pl.col("beginning_nav")
    for name, sign in ROLL_FORWARD:
        rolled = rolled + pl.col(name) if sign > 0 else rolled - pl.col(name)
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
        .agg(pl.col(lines).sum())
    )
    joined = fund.join(summed, on=["basis", "fund_id"], how="left", suffix="_sum")
    problems = []
    for line in lines:
        bad = joined.filter(pl.col(f"{line}_sum").fill_null(ZERO) != pl.col(line))
        problems += [
            f"{r['basis']} fund {r['fund_id']}: investors' {line} sum to "
            f"{r[line + '_sum']} but the fund's is {r[line]}"
            for r in bad.iter_rows(named=True)
        ]
    return problems


def nav_from_the_book(con: duckdb.DuckDBPyConnection, computed: Computed) -> list[str]:
    """Each fund's NAV (metrics, from its positions) equals its NAV recomputed from the booked
    rows in SQL (`close_nav_book`), and its investors' capital accounts add up to it."""
    book = frame(con, sql("close_nav_book"), {"period_end": computed.period.end})
    levels = computed.levels
    return nav_ties(levels["fund"], levels["holding"], levels["investor"], book)


def nav_ties(
    funds: pl.DataFrame, holdings: pl.DataFrame, investors: pl.DataFrame, book: pl.DataFrame
) -> list[str]:
    """Fund NAV = the book's cash + its holdings valued from the booked rows (`book`:
    `close_nav_book`) = the sum of its investors' NAV.

    A holding that is a fund of the book (the book names the holder's LP investor in it) is
    valued by the metrics from that capital account: its value must be the investor's `nav`
    in the held fund, converted at the day's rates (`capital_account_ties`)."""
    held = holdings.select("fund_id", "holding_id", pl.col("fair_value").alias("_metric"))
    value = pl.col("value").cast(MONEY)
    valued = book.join(held, on=["fund_id", "holding_id"], how="left").select(
        "fund_id",
        pl.when(pl.col("lp_investor_id").is_not_null())
        .then(pl.coalesce(pl.col("_metric").cast(MONEY), value))
        .otherwise(value)
        .alias("value"),
    )
    second = valued.group_by("fund_id").agg(pl.col("value").sum().alias("book_nav"))
    accounts = investors.group_by("fund_id").agg(pl.col("nav").cast(MONEY).sum().alias("_sum"))
    joined = (
        funds.select("fund_id", pl.col("nav").cast(MONEY))
        .join(second, on="fund_id", how="full", coalesce=True)
        .join(accounts, on="fund_id", how="left")
        .with_columns(pl.col("nav", "book_nav").fill_null(ZERO))
    )
    problems = [
        f"fund {r['fund_id']}: NAV {r['nav']} but the booked rows give {r['book_nav']} "
        "(cash of the postings plus holdings at their latest mark or remaining cost)"
        for r in joined.filter(pl.col("nav") != pl.col("book_nav")).iter_rows(named=True)
    ]
    unequal = joined.filter(pl.col("_sum").is_not_null() & (pl.col("_sum") != pl.col("nav")))
    problems += [
        f"fund {r['fund_id']}: NAV {r['nav']} but its investors' capital accounts add up "
        f"to {r['_sum']}"
        for r in unequal.iter_rows(named=True)
    ]
    return problems + capital_account_ties(holdings, investors, book)


def capital_account_ties(
    holdings: pl.DataFrame, investors: pl.DataFrame, book: pl.DataFrame
) -> list[str]:
    """Each holding of a fund of the book is valued at the holder's LP investor's capital
    account in the held fund (`nav` of the investor level) x rate(held) / rate(holder), within
    one cent x that ratio plus half a cent: the metrics convert the exact account, which the
    rounded `nav` is within a cent of (docs/methods.md), and round the product once."""
    links = book.filter(pl.col("lp_investor_id").is_not_null())
    metric = {
        (r["fund_id"], r["holding_id"]): r["fair_value"]
        for r in holdings.join(links, on=["fund_id", "holding_id"], how="semi")
        .select("fund_id", "holding_id", "fair_value")
        .iter_rows(named=True)
    }
    account = {
        (r["fund_id"], r["investor_id"]): r["nav"]
        for r in investors.select("fund_id", "investor_id", "nav").iter_rows(named=True)
    }
    problems = []
    for r in links.iter_rows(named=True):
        fund, held, lp = r["fund_id"], r["holding_id"], r["lp_investor_id"]
        value, nav = metric.get((fund, held)), account.get((held, lp))
        where = f"fund {fund}, holding {held}"
        if value is None or nav is None or r["held_rate"] is None or r["holder_rate"] is None:
            problems.append(
                f"{where}: cannot be tied to {lp}'s capital account in {held}: value "
                f"{value}, account {nav}, rates {r['held_rate']} / {r['holder_rate']}"
            )
            continue
        ratio = Decimal(r["held_rate"]) / Decimal(r["holder_rate"])
        converted = Decimal(nav) * ratio
        allowed = CENT * ratio + CENT / 2
        if abs(Decimal(value) - converted) > allowed:
            problems.append(
                f"{where}: valued at {value} from a capital account but {lp}'s capital "
                f"account in {held} is {nav}, {converted.quantize(CENT)} at the rates "
                f"{r['held_rate']} / {r['holder_rate']} (off by more than {allowed.quantize(TINY)})"
            )
    return problems


def paid_in_within_commitment(investor_levels: pl.DataFrame) -> list[str]:
    """No investor has paid in more than it committed (its unfunded commitment, with the
    recallable distributions added back, is never negative)."""
    if not {"paid_in", "committed", "unfunded"} <= set(investor_levels.columns):
        return ["investor metrics lack paid_in, committed or unfunded"]
    bad = investor_levels.filter(pl.col("unfunded") < 0)
    return [
        f"fund {r['fund_id']}, investor {r['investor_id']}: paid-in {r['paid_in']} exceeds "
        f"commitment {r['committed']}"
        for r in bad.iter_rows(named=True)
    ]


def ledger_ties_to_figures(con: duckdb.DuckDBPyConnection, computed: Computed) -> list[str]:
    """The general ledger (postings, in SQL) ties to the figures (metrics, in polars), which
    are computed apart: per fund, the cash account equals the fund's cash, and partners'
    capital equals paid-in less distributed."""
    ledger = con.execute(sql("close_ledger_ties"), {"period_end": computed.period.end}).fetchall()
    funds = {
        r["fund_id"]: r
        for r in computed.levels["fund"]
        .select("fund_id", "cash", "paid_in", "distributed")
        .iter_rows(named=True)
    }
    problems = []
    for fund_id, cash, capital in ledger:
        fig = funds.get(fund_id)
        if fig is None:
            problems.append(f"fund {fund_id} has postings but no figures")
            continue
        if fig["cash"] is not None and cash != fig["cash"]:
            problems.append(
                f"fund {fund_id}: the cash account of the ledger is {cash} but the fund's cash "
                f"figure is {fig['cash']}"
            )
        owed = (fig["paid_in"] or 0) - (fig["distributed"] or 0)
        if capital != owed:
            problems.append(
                f"fund {fund_id}: partners' capital in the ledger is {capital} but paid-in less "
                f"distributed is {owed}"
            )
    return problems


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


def equalisation_due(
    con: duckdb.DuckDBPyConnection, start: dt.date, end: dt.date, ledger: str | None
) -> tuple[list[str], list[str]]:
    """The later closings dated from `start` to `end` (`close_equalisation_due`), as problems
    and warnings. A partner admitted after capital was called, in a fund whose terms give an
    equalisation rate, needs its equalisation_contribution rows, dated from the closing to
    `end`: else a problem naming the command that writes them. A fund whose terms give no
    rate (or that has no terms row) is re-balanced without interest: a warning."""
    rows = frame(con, sql("close_equalisation_due"), {"start": start, "end": end})
    problems, warnings = [], []
    where = f"{ledger}/transactions.csv" if ledger else "<ledger>/transactions.csv"
    for r in rows.filter(pl.col("called_before")).iter_rows(named=True):
        fund, lp, day = r["fund_id"], r["investor_id"], r["closing"]
        if not r["has_rate"]:
            warnings.append(
                f"fund {fund}: the later closing of {day} (investor {lp}) was re-balanced "
                "without equalisation interest (terms.csv gives the fund no equalisation_rate)"
            )
        elif not r["equalised"]:
            problems.append(
                f"fund {fund}: investor {lp} was admitted at the later closing of {day} but "
                f"its equalisation is not booked (no equalisation_contribution dated {day} .. "
                f"{end}); run `fundbook equalise --fund {fund} --closing {day} --out {where}`, "
                "then close again"
            )
    return problems, list(dict.fromkeys(warnings))


def check_all(
    con: duckdb.DuckDBPyConnection, computed: Computed, previous_itd: pl.DataFrame | None
) -> list[str]:
    """Every identity of a close; an empty list means the close may proceed."""
    statements = computed.statements
    return [
        *statement_roll_forward(statements),
        *investors_sum_to_fund(statements),
        *nav_from_the_book(con, computed),
        *paid_in_within_commitment(computed.levels["investor"]),
        *ledger_ties_to_figures(con, computed),
        *continues_previous(statements, previous_itd),
    ]

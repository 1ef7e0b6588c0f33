"""Mirror checks: a flow between a fund and its holder, both of the book, is booked in both."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Any

import polars as pl

from fundbook.core.errors import LedgerError
from fundbook.core.ledgers import ledgers_in_book
from fundbook.ledger.checks import convert_amount, rate_lookup
from fundbook.ledger.csvfile import LINE

Frames = dict[str, pl.DataFrame]
# The held fund's rows with its partner that is a fund of the book (investors.csv `fund_id`),
# by direction of the cash: "in" paid by the partner into the held fund, "out" paid to it.
# Fees, expenses, income and carry that name the partner stay inside the held fund (its
# capital account there bears them): no cash passes between the two funds, so no mirror.
HELD_SIDE = {
    "contribution": "in",
    "equalisation_contribution": "in",
    "equalisation_interest_received": "in",
    "distribution": "out",
    "equalisation_distribution": "out",
    "equalisation_interest_paid": "out",
}
# The holder's rows that name the held fund as their holding.
HOLDER_SIDE = {"investment": "in", "proceeds": "out", "income": "out"}
_WANTED_BY_HOLDER = {"in": "investment", "out": "proceeds or income"}
_WANTED_BY_HELD = {"in": "contribution", "out": "distribution"}
GROUP = ["held", "holder", "direction"]
# The columns of a Flow, from a transactions row.
_FLOW = (
    pl.col("source_file").alias("path"),
    pl.col(LINE).alias("line"),
    pl.col("type").alias("kind"),
    "date",
    "amount",
    "currency",
    pl.col("investor_id").alias("investor"),
)


@dataclass(frozen=True)
class Flow:
    """One side's row: where it is, what it says, and (held side) its amount in its fund's
    currency."""

    index: int  # its place among its side's rows (book order)
    path: str
    line: int
    kind: str
    date: dt.date
    amount: Decimal
    currency: str
    investor: str | None
    amount_fund: Decimal | None = None
    fund_rate: Decimal | None = None  # HKD per unit of the held fund's currency on its date
    rate: Decimal | None = None  # HKD per unit of the row's own currency on its date

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"

    def text(self) -> str:
        return f"{self.kind} of {self.currency} {self.amount} on {self.date}"


_FLOW_FIELDS = frozenset(f.name for f in fields(Flow)) - {"index"}


@dataclass(frozen=True)
class Pair:
    """A held fund, its holder, the partners that stand for the holder in it, a direction."""

    held: str
    holder: str
    currency: str  # the held fund's
    partners: str
    direction: str


def mirror_errors(b: Frames) -> list[LedgerError]:
    """Each flow between a fund and a partner of it that is a fund of the book (contribution,
    distribution, equalisation catch-up and interest) is mirrored by one row of that holder
    naming the fund as its holding (investment; proceeds or income): the same date and the
    same amount in the held fund's currency. Only where both funds keep their ledger in the
    book (`ledgers_in_book`: a fund without rows of its own has nothing to mirror)."""
    links = b["investors"].filter(pl.col("fund_id").is_not_null())
    if links.is_empty():
        return []
    kept = ledgers_in_book(b["commitments"], b["transactions"]).implode()
    links = links.filter(pl.col("fund_id").is_in(kept))
    held = _held_rows(b, links, kept).with_row_index("hid")
    holder = _holder_rows(b, links, kept).with_row_index("mid")
    # The usual case, vectorised: one row on each side, the same day, agreeing.
    day = _compare(held, holder, [*GROUP, "date"]).filter("agree")
    sure = day.filter((pl.len().over("hid") == 1) & (pl.len().over("mid") == 1))
    held = held.filter(~pl.col("hid").is_in(sure.get_column("hid").implode()))
    holder = holder.filter(~pl.col("mid").is_in(sure.get_column("mid").implode()))
    if held.is_empty() and holder.is_empty():
        return []
    return _leftover_errors(b, links, held, holder, _compare(held, holder, GROUP))


def _leftover_errors(
    b: Frames, links: pl.DataFrame, held: pl.DataFrame, holder: pl.DataFrame, cands: pl.DataFrame
) -> list[LedgerError]:
    """The rows the vectorised pass left (few), paired one by one in book order."""
    partners = links.group_by("fund_id").agg(pl.col("investor_id").sort().str.join(", "))
    named = dict(partners.iter_rows())
    currency = dict(b["funds"].select("fund_id", "currency").iter_rows())
    groups: dict[Pair, tuple[list[Flow], list[Flow]]] = defaultdict(lambda: ([], []))
    for side, frame in ((0, held), (1, holder)):
        for row in frame.iter_rows(named=True):
            held_id, holder_id = row["held"], row["holder"]
            key = Pair(held_id, holder_id, currency.get(held_id) or "", named[holder_id],
                       row["direction"])  # fmt: skip
            groups[key][side].append(_flow(row))
    agree: dict[int, list[tuple[int, bool]]] = defaultdict(list)
    for hid, mid, ok in cands.sort("hid", "mid").select("hid", "mid", "agree").iter_rows():
        agree[hid].append((mid, ok))
    errors: list[LedgerError] = []
    for pair, (held_flows, holder_flows) in groups.items():
        errors += _pair_errors(pair, held_flows, holder_flows, agree)
    return errors


def _held_rows(b: Frames, links: pl.DataFrame, kept: pl.Series) -> pl.DataFrame:
    """The held funds' rows with partners that are funds of the book, with rate and holder."""
    t = b["transactions"].filter(
        pl.col("type").is_in(list(HELD_SIDE))
        & pl.col("investor_id").is_in(links.get_column("investor_id").implode())
        & pl.col("date").is_not_null()
        & pl.col("amount").is_not_null()
    )
    t = t.join(
        links.select("investor_id", pl.col("fund_id").alias("holder")),
        on="investor_id",
        maintain_order="left",
    ).filter((pl.col("holder") != pl.col("fund_id")) & pl.col("holder").is_in(kept))
    funds = b["funds"].select("fund_id", pl.col("currency").alias("fund_currency"))
    t = t.join(funds.unique("fund_id"), on="fund_id", how="left", maintain_order="left")
    t = rate_lookup(t, b["fx_rates"], "fund_currency", "fund_rate")
    return t.select(
        pl.col("fund_id").alias("held"),
        "holder",
        pl.col("type").replace_strict(HELD_SIDE).alias("direction"),
        *_FLOW,
        "amount_fund",
        "fund_rate",
        pl.lit(None, dtype=pl.Decimal(18, 8)).alias("rate"),
        "fund_currency",
    )


def _holder_rows(b: Frames, links: pl.DataFrame, kept: pl.Series) -> pl.DataFrame:
    """The holders' rows that name a fund of the book kept here, with their own rate."""
    t = b["transactions"].filter(
        pl.col("type").is_in(list(HOLDER_SIDE))
        & pl.col("fund_id").is_in(links.get_column("fund_id").implode())
        & pl.col("holding_id").is_in(kept)
        & (pl.col("holding_id") != pl.col("fund_id"))
        & pl.col("date").is_not_null()
        & pl.col("amount").is_not_null()
    )
    funds = b["funds"].select(
        pl.col("fund_id").alias("holding_id"), pl.col("currency").alias("fund_currency")
    )
    t = t.join(funds.unique("holding_id"), on="holding_id", how="left", maintain_order="left")
    t = rate_lookup(t, b["fx_rates"], "currency", "rate")
    t = rate_lookup(t, b["fx_rates"], "fund_currency", "fund_rate")
    return t.select(
        pl.col("holding_id").alias("held"),
        pl.col("fund_id").alias("holder"),
        pl.col("type").replace_strict(HOLDER_SIDE).alias("direction"),
        *_FLOW,
        pl.lit(None, dtype=pl.Decimal(18, 2)).alias("amount_fund"),
        "fund_rate",
        "rate",
        "fund_currency",
    )


def _flow(row: dict[str, Any]) -> Flow:
    index = row["hid"] if "hid" in row else row["mid"]
    return Flow(index, **{k: v for k, v in row.items() if k in _FLOW_FIELDS})


def expected(held: Flow, mirror: Flow, currency: str) -> Decimal | None:
    """What the holder's `mirror` row should say for the held fund's row `held`, in the
    mirror's currency: the same amount when both rows are in one currency, else the held
    row's amount in its fund's currency converted at the rates of its date as the ledger
    converts (None without a rate)."""
    if held.currency == mirror.currency:
        return held.amount
    if mirror.currency == currency:
        return held.amount_fund
    if held.amount_fund is None or held.fund_rate is None or mirror.rate is None:
        return None
    return convert_amount(held.amount_fund, held.fund_rate, mirror.rate)


def _compare(held: pl.DataFrame, holder: pl.DataFrame, on: list[str]) -> pl.DataFrame:
    """Each held row against each holder row with the same `on`. They `agree`:
    - both rows in one currency: the same amount, exactly;
    - the holder's row in the held fund's currency: the same as the held row's amount in its
      fund's currency (`amount_fund`, converted once by the ledger), exactly;
    - otherwise (the holder's row in a currency that is neither): the holder's amount within
      one cent of its currency around the held fund's amount converted exactly
      (|a x rate(fund) - m x rate(m)| < 1 cent x rate(m), in integers: cents and 10^-8 HKD),
      so a bank's rounding half up agrees with the ledger's half-even. Only this case has a
      tolerance."""
    h = held.select(
        "hid", *on, pl.col("amount").alias("h_amount"), pl.col("currency").alias("h_ccy"),
        "fund_currency", _cents("amount_fund").alias("h_cents"),
        _units("fund_rate").alias("h_units"),
    )  # fmt: skip
    m = holder.select(
        "mid", *on, pl.col("amount").alias("m_amount"), pl.col("currency").alias("m_ccy"),
        _cents("amount").alias("m_cents"), _units("rate").alias("m_units"),
    )  # fmt: skip
    gap = pl.col("h_cents") * pl.col("h_units") - pl.col("m_cents") * pl.col("m_units")
    agree = (
        pl.when(pl.col("h_ccy") == pl.col("m_ccy"))
        .then(pl.col("h_amount") == pl.col("m_amount"))
        .when(pl.col("m_ccy") == pl.col("fund_currency"))
        .then(pl.col("h_cents") == pl.col("m_cents"))
        .otherwise(gap.abs() < pl.col("m_units"))
        .fill_null(False)
    )
    return h.join(m, on=on).select("hid", "mid", agree.alias("agree"))


def _cents(column: str) -> pl.Expr:
    return (pl.col(column).cast(pl.Decimal(38, 2)) * 100).cast(pl.Int128)


def _units(column: str) -> pl.Expr:
    return (pl.col(column).cast(pl.Decimal(38, 8)) * 10**8).cast(pl.Int128)


def _pair_errors(
    pair: Pair, held: list[Flow], holder: list[Flow], agree: dict[int, list[tuple[int, bool]]]
) -> list[LedgerError]:
    """Pair what is left one to one, in book order (booked rows first, so a new row is the
    one left over): agreeing rows of one day; then rows of one day with another amount;
    then agreeing rows of another day; the rest have no mirror at all."""
    free = {m.index: m for m in holder}
    left = held
    errors: list[LedgerError] = []
    for same_date, agreeing in ((True, True), (True, False), (False, True)):
        still = []
        for h in left:
            m = next(
                (
                    free[mid]
                    for mid, ok in agree.get(h.index, [])
                    if mid in free
                    and (free[mid].date == h.date) == same_date
                    and (ok or not agreeing)
                ),
                None,
            )
            if m is None:
                still.append(h)
                continue
            del free[m.index]
            if not (same_date and agreeing):
                errors.append(_differs(pair, h, m, same_date))
        left = still
    errors += [_no_holder_row(pair, h) for h in left]
    return errors + [_no_held_row(pair, m) for m in free.values()]


def _in_fund_currency(pair: Pair, h: Flow) -> str:
    return f"{pair.currency} {h.amount_fund}"


def _differs(pair: Pair, h: Flow, m: Flow, same_date: bool) -> LedgerError:
    if not same_date:
        what = "another date: both ledgers book a flow on the day it was paid"
    elif (want := expected(h, m, pair.currency)) is None:
        what = f"another amount (no FX rate to convert it into {m.currency})"
    else:
        what = f"another amount: it should be {m.currency} {want}"
        if m.currency not in (h.currency, pair.currency):
            what += f", {_in_fund_currency(pair, h)} at the rates of {h.date} (fx_rates.csv)"
    return LedgerError(
        h.path,
        h.line,
        f"{h.text()} by {h.investor} (fund {pair.holder}): its mirror, fund {pair.holder}'s "
        f"{m.text()} in {pair.held} at {m.where}, has {what}",
    )


def _no_holder_row(pair: Pair, h: Flow) -> LedgerError:
    return LedgerError(
        h.path,
        h.line,
        f"{h.text()} by {h.investor} has no mirror: {h.investor} is fund {pair.holder} "
        f"(investors.csv), which books no {_WANTED_BY_HOLDER[pair.direction]} in {pair.held} "
        f"of {_in_fund_currency(pair, h)} on {h.date} (a flow between two funds of the book "
        "is booked in both ledgers)",
    )


def _no_held_row(pair: Pair, m: Flow) -> LedgerError:
    if m.currency == pair.currency:
        amount = f"{pair.currency} {m.amount}"
    elif m.rate is not None and m.fund_rate is not None:
        converted = convert_amount(m.amount, m.rate, m.fund_rate)
        amount = f"{pair.currency} {converted} at the rates of {m.date}"
    else:
        amount = f"its amount in {pair.currency}"
    return LedgerError(
        m.path,
        m.line,
        f"{m.text()} in {pair.held} has no mirror: {pair.held} books no "
        f"{_WANTED_BY_HELD[pair.direction]} with its partner {pair.partners} (fund "
        f"{pair.holder}) of {amount} on {m.date} (a flow between two funds of the book is "
        "booked in both ledgers)",
    )

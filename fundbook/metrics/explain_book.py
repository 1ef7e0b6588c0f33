"""Explain figures of the fund and investor levels; the context and helpers every recipe reads."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any

import polars as pl

from fundbook.core.types import CASH_SIGN
from fundbook.metrics import lineage as ln
from fundbook.metrics.explain_accruals import FUND_FIGURES as ACCRUAL_FIGURES
from fundbook.metrics.explain_accruals import fund_accrual_lines, nav_accrual_lines
from fundbook.metrics.positions import fx_at
from fundbook.metrics.protocol import BookFrames
from fundbook.metrics.state import partnership_weights
from fundbook.metrics.statement import ROLL_FORWARD

_CASH = {t: s for t, s in CASH_SIGN.items() if s != 0}
# NAV holds the cash less the equalisation interest still payable: the interest rows net out.
_NAV_CASH = {t: s for t, s in _CASH.items() if not t.startswith("equalisation_interest")}
# The equalisation interest received and not yet paid on (a fund's `interest_payable`).
_INTEREST_PAYABLE = {t: s for t, s in _CASH.items() if t.startswith("equalisation_interest")}
_PAID_IN = {"contribution": 1, "equalisation_contribution": 1}
# Unfunded: commitments less contributions, plus recallable (equalisation) distributions.
_UNFUNDED = {"contribution": -1, "equalisation_contribution": -1, "equalisation_distribution": 1}


@dataclass(frozen=True)
class Stored:
    """The figures explained: every level as stored (`snapshot_<level>` or computed the same
    way), the capital account statements, and where they were read (`where`); for the
    movements of a quarter (`fund_movement`), the fund level at the quarter before
    (`previous`) and where it was read (`previous_where`); the book's reference columns the
    frames do not carry, by table (`reference`: a fund's vintage and manager)."""

    levels: Mapping[str, pl.DataFrame]
    statements: pl.DataFrame
    where: str
    previous: pl.DataFrame | None = None
    previous_where: str = ""
    reference: Mapping[str, pl.DataFrame] = field(default_factory=dict)


@dataclass
class Ctx:
    """One figure to explain: the book's rows, the stored figures, the level and its row."""

    frames: BookFrames
    stored: Stored
    as_of: dt.date
    level: str
    row: dict[str, Any]

    @cached_property
    def txns(self) -> pl.DataFrame:
        """Transactions on or before the date, of the row's fund (all when it has none)."""
        txns = self.frames.transactions.filter(pl.col("date") <= self.as_of)
        fund = self.row.get("fund_id")
        return txns.filter(pl.col("fund_id") == fund) if fund is not None else txns

    @cached_property
    def fx(self) -> dict[str, Decimal]:
        return {c: Decimal(str(r)) for c, r in fx_at(self.frames, self.as_of).iter_rows()}

    @cached_property
    def currency(self) -> dict[str, str]:
        return dict(self.frames.funds.select("fund_id", "currency").iter_rows())

    def rate(self, fund_id: str, to: str) -> tuple[Decimal | None, Decimal | None]:
        """(rate of the fund's currency, rate of `to`), HKD per unit, for `ln.txn_lines`."""
        return self.fx.get(self.currency.get(fund_id, "")), self.fx.get(to)

    def level_rows(self, level: str) -> pl.DataFrame:
        return self.stored.levels.get(level, pl.DataFrame())

    def partners(self, fund_id: str | None = None) -> pl.DataFrame:
        """The investor level's rows (of `fund_id`, else all) with their partnership weight,
        its basis and their fund's total (`state.partnership_weights`)."""
        rows = partnership_weights(self.level_rows("investor"), "committed", "paid_in")
        return rows if fund_id is None else rows.filter(pl.col("fund_id") == fund_id)

    def figure(
        self, column: str, role: str = "term", sign: int = 1, label: str = ""
    ) -> pl.DataFrame:
        """A figure of the same stored row as a line."""
        value = self.row.get(column)
        if sign == -1 and value is not None:
            value = -value
        where = f"{self.stored.where}: {self.level}.{column}"
        return ln.value_line(label or column, value, role, source=where)

    def by_side(self, df: pl.DataFrame, side: str) -> pl.DataFrame:
        """Rows of government investors (`government`), of the others (`social`) or all; an
        investor of no known kind is on neither side, as in `fund_metrics`."""
        if not side:
            return df
        kinds = self.frames.investors.select("investor_id", pl.col("kind").alias("_kind"))
        gov = pl.col("_kind") == "government"
        df = df.join(kinds, on="investor_id", how="left")
        return df.filter(gov if side == "government" else ~gov).drop("_kind")

    def commitments(self, side: str = "") -> pl.DataFrame:
        df = self.frames.commitments.filter(
            (pl.col("date") <= self.as_of) & (pl.col("fund_id") == self.row["fund_id"])
        )
        if self.row.get("investor_id") is not None:
            df = df.filter(pl.col("investor_id") == self.row["investor_id"])
        return self.by_side(df, side)

    def own_txns(self) -> pl.DataFrame:
        """The row's fund's transactions, of its investor or holding when the level has one."""
        df = self.txns
        for key in ("investor_id", "holding_id"):
            if self.row.get(key) is not None:
                df = df.filter(pl.col(key) == self.row[key])
        return df


# -- the fund and investor levels ------------------------------------------------------------

ROWS: dict[str, dict[str, int]] = {
    "paid_in": _PAID_IN,
    "distributed": {"distribution": 1, "equalisation_distribution": 1},
    "invested": {"investment": 1},
    "proceeds": {"proceeds": 1},
    "income": {"income": 1},
    "fees": {"fee": 1},
    "expenses": {"expense": 1},
    "grants": {"grant": 1},
    "cash": _CASH,
    "interest_payable": _INTEREST_PAYABLE,
}
_RATIOS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "amplification": (("committed",), ("government_committed",)),
    "social_leverage": (("social_committed",), ("government_committed",)),
    "paid_in_leverage": (("social_paid_in",), ("government_paid_in",)),
    "tvpi": (("distributed", "nav"), ("paid_in",)),
    "dpi": (("distributed",), ("paid_in",)),
    "rvpi": (("nav",), ("paid_in",)),
    "pic_multiple": (("paid_in",), ("committed",)),
    "gross_moic": (("proceeds", "income", "holdings_value"), ("invested",)),
    "moic": (("proceeds", "income", "fair_value"), ("invested",)),
    "co_investment_leverage": (("co_invested",), ("invested",)),
    "matching_ratio": (("matching",), ("grants",)),
    "budget_used": (("grants",), ("budget",)),
}


def ratio_lines(ctx: Ctx, figure: str) -> pl.DataFrame:
    """A ratio as the quotient of figures of the same stored row."""
    num, den = _RATIOS[figure]
    return ln.concat(
        [*(ctx.figure(c, "numerator") for c in num), *(ctx.figure(c, "denominator") for c in den)]
    )


def irr_lines(ctx: Ctx, basis: str) -> pl.DataFrame:
    """The dated flows of the row's IRR: `irr_flows`, the producer of the audit pack's."""
    levels = {**ctx.stored.levels, ctx.level: pl.DataFrame([ctx.row])}
    flows = ln.irr_flows(ctx.txns, levels, ctx.as_of).filter(
        (pl.col("basis") == basis) & (pl.col("level") == ctx.level)
    )
    for key in ("fund_id", "investor_id", "holding_id"):
        if ctx.row.get(key) is not None:
            flows = flows.filter(pl.col(key) == ctx.row[key])
    # in the order the metrics hand them to the solver: the value at the date after the rows
    # of that day (flows all on one day have no IRR, and the solver's answer then depends on it)
    return ln.irr_lines(flows.sort("date", pl.col("txn_id").is_null(), maintain_order=True))


# The book's reference tables (frames), each figure's column in them (when named otherwise), in
# the order a row's keys are looked up: a company, an investor, then the row's fund and its
# partnership terms (terms.csv: a fund without a row has none, its terms figures are null).
_REFERENCE: tuple[tuple[str, str, dict[str, str]], ...] = (
    ("companies", "company_id", {}),
    ("investors", "investor_id", {"investor_kind": "kind", "lp_fund_id": "fund_id"}),
    ("funds", "fund_id", {}),
    ("terms", "fund_id", {}),
)


def text_lines(ctx: Ctx, figure: str, table: str = "", key: str = "") -> pl.DataFrame:
    """A text, date or flag figure, or a booked term: its reference row in the book (the
    frames' companies, investors, funds or terms, by the row's key; a currency: its fund's),
    never the stored value."""
    keys = {k: ctx.row.get(k) for _, k, _ in _REFERENCE}
    if table and key:  # the row's own key names another column (a programme's funds)
        keys = {dict((t, k) for t, k, _ in _REFERENCE)[table]: ctx.row.get(key)}
    for name, column, renames in _REFERENCE:
        wanted = renames.get(figure, figure)
        if keys.get(column) is None:
            continue
        for df in (getattr(ctx.frames, name), ctx.stored.reference.get(name, pl.DataFrame())):
            rows = df.filter(pl.col(column) == keys[column]) if wanted in df.columns else df[:0]
            if rows.height == 1:
                return _reference_line(name, column, keys[column], wanted, rows[wanted][0])
    return ln.value_line(f"{figure}: in no reference row of the book", None, "shown")


def _reference_line(table: str, column: str, key: Any, wanted: str, value: Any) -> pl.DataFrame:
    return ln.value_line(
        f"{wanted} of {table} row {key}",
        None,
        "shown",
        source=f"{table} row {column}={key} (the book's reference data)",
        text=None if value is None else str(value),
    )


def fund_lines(ctx: Ctx, figure: str) -> pl.DataFrame:
    """The lines of a fund figure (`snapshot_fund`)."""
    side = figure.split("_")[0] if figure.split("_")[0] in ("government", "social") else ""
    base = figure.removeprefix(f"{side}_") if side else figure
    if base == "committed":
        return ln.commitment_lines(ctx.commitments(side))
    if base == "paid_in" and side:
        return ln.txn_lines(ctx.by_side(ctx.txns, side), _PAID_IN)
    if figure in ACCRUAL_FIGURES:
        return fund_accrual_lines(ctx, figure)
    if figure in ROWS:
        return ln.txn_lines(ctx.txns, ROWS[figure])
    if figure == "unfunded":
        return ln.concat(
            [ln.commitment_lines(ctx.commitments()), ln.txn_lines(ctx.txns, _UNFUNDED)]
        )
    if figure in ("holdings_value", "realised_gain", "fx_translation", "unrealised_gain"):
        column = "fair_value" if figure == "holdings_value" else figure
        return _of_holdings(ctx, column)
    if figure == "nav":
        return ln.concat(
            [
                ln.txn_lines(ctx.txns, _NAV_CASH),
                _of_holdings(ctx, "fair_value"),
                nav_accrual_lines(ctx),
            ]
        )
    if figure in ("net_irr", "gross_irr"):
        return irr_lines(ctx, figure.removesuffix("_irr"))
    if figure in _RATIOS:
        return ratio_lines(ctx, figure)
    return text_lines(ctx, figure)


def _of_holdings(ctx: Ctx, column: str) -> pl.DataFrame:
    rows = ctx.level_rows("holding").filter(pl.col("fund_id") == ctx.row["fund_id"])
    label = pl.format("{} of holding {}", pl.lit(column), "holding_id")
    return ln.stored_lines(rows, column, label, f"{ctx.stored.where}: holding.{column}")


def investor_lines(ctx: Ctx, figure: str) -> pl.DataFrame:
    """The lines of an investor's figure (`snapshot_investor`): its own rows."""
    mine = ctx.own_txns()
    if figure == "committed":
        return ln.commitment_lines(ctx.commitments())
    if figure in ("paid_in", "distributed"):
        return ln.txn_lines(mine, ROWS[figure])
    if figure == "unfunded":
        return ln.concat([ln.commitment_lines(ctx.commitments()), ln.txn_lines(mine, _UNFUNDED)])
    if figure in ("nav", "nav_before_carry"):
        return capital_account(ctx, mine, figure == "nav_before_carry")
    if figure == "net_irr":
        return irr_lines(ctx, "net")
    if figure == "commitment_share":
        return _commitment_share(ctx)
    if figure in _RATIOS:
        return ratio_lines(ctx, figure)
    return text_lines(ctx, figure)


# The P&L lines of an inception-to-date statement that make up the capital account, signed:
# the roll-forward's lines but the capital flows.
_ALLOCATED = tuple(
    (line, sign) for line, sign in ROLL_FORWARD if line not in ("contributions", "distributions")
)


def capital_account(ctx: Ctx, mine: pl.DataFrame, before_carry: bool = False) -> pl.DataFrame:
    """Its contributions less distributions, plus its allocated P&L lines, less the carry
    paid and accrued (the ITD statement; a line not modelled, null, is left out;
    `before_carry`: not the accrued carry)."""
    itd = ctx.stored.statements.filter(
        (pl.col("basis") == "ITD")
        & (pl.col("fund_id") == ctx.row["fund_id"])
        & (pl.col("investor_id") == ctx.row["investor_id"])
    )
    rows = ln.txn_lines(mine, {**_PAID_IN, "distribution": -1, "equalisation_distribution": -1})
    if itd.height == 0:
        return rows
    line = itd.row(0, named=True)
    where = f"{ctx.stored.where}: statement ITD"
    parts = [
        ln.value_line(
            f"beginning_nav at {line['start_date']}", line["beginning_nav"], source=where
        ),
        rows,
    ]
    for name, sign in _ALLOCATED:
        if line[name] is None or (before_carry and name == "carry_accrued_change"):
            continue
        label = f"allocated {name} since inception" + (" (subtracted)" if sign < 0 else "")
        if line[name] is None:  # not modelled (no terms to compute it): moves no NAV
            parts.append(ln.value_line(f"{name}: not modelled (null)", None, "shown"))
            continue
        parts.append(ln.value_line(label, line[name] * sign, source=where))
    return ln.concat(parts)


def _commitment_share(ctx: Ctx) -> pl.DataFrame:
    """Its partnership weight over the fund's (`state.partnership_weights`)."""
    peers = ctx.partners(ctx.row["fund_id"])
    column = peers["weight_basis"][0] if peers.height else "paid_in"
    label = pl.format("{} of investor {}", pl.lit(column), "investor_id")
    where = f"{ctx.stored.where}: investor.{column}"
    return ln.concat(
        [
            ctx.figure(column, "numerator", label=f"{column} of investor {ctx.row['investor_id']}"),
            ln.stored_lines(peers, column, label, where, "denominator"),
        ]
    )

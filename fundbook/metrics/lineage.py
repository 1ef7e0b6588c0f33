"""Lineage rows for `explain`: the source rows and values of one fund, investor or holding."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import polars as pl

from fundbook.core.types import CASH_SIGN, GROSS_FLOW_SIGN, NET_FLOW_SIGN
from fundbook.metrics.money import MONEY, from_cents
from fundbook.metrics.positions import BookState
from fundbook.metrics.protocol import BookFrames
from fundbook.metrics.state import PNL_LINES, book_state

LINEAGE = pl.Schema(
    {
        "step": pl.Int64(),
        "date": pl.Date(),
        "kind": pl.String(),
        "item": pl.String(),
        "source": pl.String(),
        "amount": MONEY,
        "ratio": pl.Float64(),
    }
)
_CASH = {t: s for t, s in CASH_SIGN.items() if s != 0}
_NET, _GROSS = NET_FLOW_SIGN, GROSS_FLOW_SIGN


class Lineage:
    """The rows of one fund (and investor or holding) that figures are built from."""

    def __init__(
        self,
        frames: BookFrames,
        as_of: date,
        fund_id: str,
        investor_id: str | None,
        holding_id: str | None,
    ) -> None:
        self.frames, self.as_of, self.fund_id = frames, as_of, fund_id
        self.investor_id, self.holding_id = investor_id, holding_id
        txns = frames.transactions.filter(
            (pl.col("date") <= as_of) & (pl.col("fund_id") == fund_id)
        )
        if investor_id is not None:
            txns = txns.filter(pl.col("investor_id") == investor_id)
        if holding_id is not None:
            txns = txns.filter(pl.col("holding_id") == holding_id)
        self.txns = txns
        self._state: BookState | None = None

    @property
    def state(self) -> BookState:
        if self._state is None:
            self._state = book_state(self.frames, self.as_of)
        return self._state

    def rows(self, source: str) -> pl.DataFrame:
        if source in CASH_SIGN:
            return self._txn_rows({source: 1})
        table = {
            "cash": lambda: self._txn_rows(_CASH),
            "net_flows": lambda: self._txn_rows(_NET),
            "gross_flows": lambda: self._txn_rows(_GROSS),
            "less_contributions": lambda: self._txn_rows({"contribution": -1}),
        }
        if source in table:
            return table[source]()
        if source.endswith("commitments"):
            return self._commitments(source.removesuffix("commitments").rstrip("_"))
        if source.startswith("holding_") and source.endswith("_gain"):
            return self._holding_gains(source.removeprefix("holding_"))
        if source.endswith("contributions"):
            return self._txn_rows({"contribution": 1}, source.removesuffix("_contributions"))
        return getattr(self, f"_{source}")()

    def _kind_filter(self, df: pl.DataFrame, side: str) -> pl.DataFrame:
        if not side:
            return df
        kinds = self.frames.investors.select("investor_id", pl.col("kind").alias("_k"))
        gov = pl.col("_k") == "government"
        return df.join(kinds, on="investor_id", how="left").filter(
            gov if side == "government" else ~gov
        )

    def _txn_rows(self, signs: dict[str, int], side: str = "") -> pl.DataFrame:
        df = self._kind_filter(self.txns.filter(pl.col("type").is_in(list(signs))), side)
        sign = pl.col("type").replace_strict(signs, return_dtype=pl.Int8)
        who = pl.coalesce("investor_id", "holding_id", pl.lit("-"))
        return df.sort("date", "source_line").select(
            pl.lit(0).alias("step"),
            "date",
            pl.lit("row").alias("kind"),
            pl.format("{} {} ({})", "type", who, "txn_id").alias("item"),
            pl.format("{}:{}", "source_file", "source_line").alias("source"),
            (pl.col("amount_fund") * sign).cast(MONEY).alias("amount"),
            pl.lit(None, pl.Float64).alias("ratio"),
        )

    def _commitments(self, side: str) -> pl.DataFrame:
        df = self.frames.commitments.filter(
            (pl.col("date") <= self.as_of) & (pl.col("fund_id") == self.fund_id)
        )
        if self.investor_id is not None:
            df = df.filter(pl.col("investor_id") == self.investor_id)
        return (
            self._kind_filter(df, side)
            .sort("date", "source_line")
            .select(
                pl.lit(0).alias("step"),
                "date",
                pl.lit("row").alias("kind"),
                pl.format("commitment {}", "investor_id").alias("item"),
                pl.format("{}:{}", "source_file", "source_line").alias("source"),
                pl.col("amount_fund").alias("amount"),
                pl.lit(None, pl.Float64).alias("ratio"),
            )
        )

    def _holding_values(self) -> pl.DataFrame:
        hold = self.state.holdings.filter(pl.col("fund_id") == self.fund_id)
        if self.holding_id is not None:
            hold = hold.filter(pl.col("holding_id") == self.holding_id)
        return hold.sort("holding_id").select(
            pl.lit(0).alias("step"),
            pl.lit(self.as_of).alias("date"),
            pl.lit("value").alias("kind"),
            pl.format(
                "value of {} (by {}, mark {})",
                "holding_id",
                "valued_by",
                pl.col("valuation_date").cast(pl.String).fill_null("none"),
            ).alias("item"),
            pl.lit(None, pl.String).alias("source"),
            from_cents(pl.col("fair_value")).alias("amount"),
            pl.lit(None, pl.Float64).alias("ratio"),
        )

    _terminal_value = _holding_values

    def _valuation(self) -> pl.DataFrame:
        hold = self.state.holdings.filter(
            (pl.col("fund_id") == self.fund_id) & (pl.col("holding_id") == self.holding_id)
        )
        if hold.height and hold["valued_by"][0] == "capital_account":
            return self._capital_account_value()
        marks = (
            self.frames.valuations.filter(
                (pl.col("date") <= self.as_of)
                & (pl.col("fund_id") == self.fund_id)
                & (pl.col("holding_id") == self.holding_id)
            )
            .sort("date")
            .tail(1)
        )
        return marks.select(
            pl.lit(0).alias("step"),
            "date",
            pl.lit("row").alias("kind"),
            pl.format("latest valuation of {}", "holding_id").alias("item"),
            pl.format("{}:{}", "source_file", "source_line").alias("source"),
            pl.col("fair_value_fund").alias("amount"),
            pl.lit(None, pl.Float64).alias("ratio"),
        )

    def _holding_gains(self, col: str) -> pl.DataFrame:
        hold = self.state.holdings.filter(pl.col("fund_id") == self.fund_id).sort("holding_id")
        return hold.select(
            pl.lit(0).alias("step"),
            pl.lit(self.as_of).alias("date"),
            pl.lit("value").alias("kind"),
            pl.format("{} of {}", pl.lit(col), "holding_id").alias("item"),
            pl.lit(None, pl.String).alias("source"),
            from_cents(pl.col(col)).alias("amount"),
            pl.lit(None, pl.Float64).alias("ratio"),
        )

    def _later_investments(self) -> pl.DataFrame:
        """Investments after the mark (all of them, net of cost relieved, when unmarked)."""
        hold = self.state.holdings.filter(
            (pl.col("fund_id") == self.fund_id) & (pl.col("holding_id") == self.holding_id)
        )
        mark = hold["valuation_date"][0] if hold.height else None
        if mark is None:
            relieved = hold.select(
                pl.lit(0).alias("step"),
                pl.lit(self.as_of).alias("date"),
                pl.lit("value").alias("kind"),
                pl.lit("cost relieved by proceeds").alias("item"),
                pl.lit(None, pl.String).alias("source"),
                (-from_cents(pl.col("relieved_cost"))).alias("amount"),
                pl.lit(None, pl.Float64).alias("ratio"),
            )
            invested = self._txn_rows({"investment": 1}).cast(LINEAGE)
            return pl.concat([invested, relieved.cast(LINEAGE)])
        return self._txn_rows({"investment": 1}).filter(pl.col("date") > mark)

    def _terminal_nav(self) -> pl.DataFrame:
        if self.investor_id is None:
            nav = self.state.funds.filter(pl.col("fund_id") == self.fund_id)
        else:
            nav = self.state.accounts.filter(
                (pl.col("fund_id") == self.fund_id) & (pl.col("investor_id") == self.investor_id)
            )
        return nav.select(
            pl.lit(0).alias("step"),
            pl.lit(self.as_of).alias("date"),
            pl.lit("value").alias("kind"),
            pl.lit("nav at the as-of date").alias("item"),
            pl.lit(None, pl.String).alias("source"),
            from_cents(pl.col("nav")).alias("amount"),
            pl.lit(None, pl.Float64).alias("ratio"),
        )

    def _allocation(self) -> pl.DataFrame:
        fund = self.state.funds.filter(pl.col("fund_id") == self.fund_id)
        acc = self.state.accounts.filter(pl.col("fund_id") == self.fund_id)
        mine = acc.filter(pl.col("investor_id") == self.investor_id)
        values = [
            ("weight of all investors (commitments)", acc["weight"].sum()),
            ("weight of this investor (commitment)", mine["weight"][0]),
        ]
        for line, sign in PNL_LINES.items():
            values.append((f"fund {line} (cumulative)", fund[line][0]))
            values.append(
                (
                    f"its share of {line}: "
                    + (
                        "its pnl share less its other lines (the balancing line)"
                        if line == "unrealised_gain"
                        else "line * weight / total, by largest remainder"
                    )
                    + ("; subtracted" if sign < 0 else ""),
                    mine[f"alloc_{line}"][0],
                )
            )
        values.append(
            (
                "pnl_share = sum of its shares (signed) = its largest-remainder share of pnl",
                mine["pnl_share"][0],
            )
        )
        return pl.DataFrame(self._value_rows(values), schema=LINEAGE)

    def _value_rows(self, values: list[tuple[str, Any]]) -> list[dict[str, Any]]:
        """Lineage rows of named values in cents, as of the figure's date."""
        return [
            {
                "step": 0,
                "date": self.as_of,
                "kind": "value",
                "item": item,
                "source": None,
                "amount": Decimal(int(v)) / 100,
                "ratio": None,
            }
            for item, v in values
        ]

    def _capital_account_value(self) -> pl.DataFrame:
        """A held fund: the holder's LP capital account there, times the FX rates."""
        lp = self.frames.investors.filter(pl.col("fund_id") == self.fund_id)["investor_id"]
        acc = self.state.accounts.filter(
            (pl.col("fund_id") == self.holding_id) & pl.col("investor_id").is_in(lp.implode())
        )
        ccy = dict(self.frames.funds.select("fund_id", "currency").iter_rows())
        rates = dict(self.state.fx.iter_rows())
        held, holder = ccy.get(self.holding_id), ccy.get(self.fund_id)
        fund = self.state.funds.filter(pl.col("fund_id") == self.holding_id)
        total = self.state.accounts.filter(pl.col("fund_id") == self.holding_id)["weight"].sum()
        pnl = fund["pnl"][0] if fund.height else 0
        values = [(f"cumulative P&L of {self.holding_id} ({held})", pnl)]
        values.append((f"total weight (commitments) in {self.holding_id}", total))
        for inv, net, weight, nav in acc.select(
            "investor_id", pl.col("contributions") - pl.col("distributions"), "weight", "nav"
        ).iter_rows():
            values.append((f"contributions - distributions of {inv}", net))
            values.append((f"weight of {inv}", weight))
            values.append(
                (
                    f"capital account of {inv} in {self.holding_id} ({held}), rounded; the "
                    "value is the exact share (net + P&L x weight / total) x fx, rounded once",
                    nav,
                )
            )
        rows = self._value_rows(values)
        rows += [
            {
                "step": 0,
                "date": self.as_of,
                "kind": "value",
                "item": f"fx rate {c} (HKD per unit, latest on or before the date)",
                "source": None,
                "amount": None,
                "ratio": float(rates[c]),
            }
            for c in dict.fromkeys((held, holder))
            if c in rates
        ]
        return pl.DataFrame(rows, schema=LINEAGE)

"""`fundbook statement`: one partner's ILPA capital account statement, as its LP report has it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb

from fundbook.core.errors import NotFound
from fundbook.core.table import MONEY, OTHER, Rows
from fundbook.report.context import Figure, ReportCover, StatementLine
from fundbook.report.formatting import NOT_MODELLED
from fundbook.report.lp import lp_pairs, lp_statement
from fundbook.report.source import load_source, name_of, report_cover

# The columns of a statement line: the investor's share, then the fund, each QTD, YTD, ITD.
COLUMNS = tuple(f"{who}_{basis}" for who in ("investor", "fund") for basis in ("qtd", "ytd", "itd"))


@dataclass(frozen=True)
class Statement:
    """The statement of one partner in one fund for a quarter, and where it comes from."""

    cover: ReportCover
    fund_id: str
    fund_name: str
    investor_id: str
    investor_name: str
    currency: str
    lines: list[StatementLine]  # as the LP report has them (`lp.lp_statement`)

    def rows(self, table: bool = False) -> Rows:
        """line, label, block, then COLUMNS: money as the LP report shows it (signed as it
        moves NAV); a line the book does not model is null, or "not modelled" in a `table`."""
        rows = [
            (
                line.key,
                line.label,
                line.block,
                *(_value(f, table) for f in (*line.investor, *line.fund)),
            )
            for line in self.lines
        ]
        kinds = (OTHER, OTHER, OTHER, *(MONEY,) * len(COLUMNS))
        return Rows(("line", "label", "block", *COLUMNS), kinds, rows)

    def heading(self) -> str:
        """One line naming the statement and its source (the close, or DRAFT)."""
        source = (
            f"close #{self.cover.close_id}, {self.cover.close_hash[:12]}"
            if self.cover.closed and self.cover.close_hash
            else "DRAFT: the quarter is not closed"
        )
        return (
            f"Capital account statement of {self.investor_name} ({self.investor_id}) in "
            f"{self.fund_name} ({self.fund_id}), {self.cover.quarter} "
            f"({self.cover.period_start} to {self.cover.period_end}), {self.currency}; {source}"
        )

    def record(self) -> dict[str, Any]:
        """The statement's facts beside its lines (JSON)."""
        return {
            "fund_id": self.fund_id,
            "fund": self.fund_name,
            "investor_id": self.investor_id,
            "investor": self.investor_name,
            "quarter": self.cover.quarter,
            "period_start": self.cover.period_start,
            "period_end": self.cover.period_end,
            "currency": self.currency,
            "closed": self.cover.closed,
            "close_id": self.cover.close_id,
            "close_hash": self.cover.close_hash,
        }


def capital_account_statement(
    con: duckdb.DuckDBPyConnection, fund_id: str, investor_id: str, quarter: str
) -> Statement:
    """The statement of `investor_id` in `fund_id` for `quarter`: the LP report's lines
    (`lp.lp_statement`), from the quarter's close, else a DRAFT computed from the book."""
    source = load_source(con, quarter)
    names = source.names
    if not source.find("fund_info", fund_id=fund_id):
        raise NotFound(f"unknown fund {fund_id!r}")
    if not source.find("investor_info", investor_id=investor_id):
        raise NotFound(f"unknown investor {investor_id!r}")
    if not lp_pairs(source, fund_id, investor_id):
        raise NotFound(
            f"investor {investor_id!r} is not a partner of fund {fund_id!r} at {quarter}"
        )
    return Statement(
        cover=report_cover(source),
        fund_id=fund_id,
        fund_name=name_of(names, fund_id),
        investor_id=investor_id,
        investor_name=name_of(names, investor_id),
        currency=str(names.get(fund_id, {}).get("currency") or ""),
        lines=lp_statement(source, fund_id, investor_id),
    )


def _value(fig: Figure, table: bool) -> Any:
    if fig.kind == "not_modelled":
        return NOT_MODELLED if table else None
    return fig.value

"""The board's management fees vs LPA terms: each fund's fee check of the quarter, as closed."""

from __future__ import annotations

from typing import Any

from fundbook.report.context import FeeCheckRow, Figure
from fundbook.report.i18n import N_
from fundbook.report.source import ReportSource, figure, level, name_of, one
from fundbook.report.totals import sum_of
from fundbook.report.wording import ENGLISH, Wording

LEVEL = "fee_check"
# The terms a fund's fees are computed from (fund_info, as terms.csv books them).
FEE_RATES = ("fee_rate_investment_period", "fee_rate_after")
# Funds of the guidance fund's board whose GP invoices management fees to their LPs: the
# sub-funds (a separate co-investment scheme such as ITVF is not the guidance fund's scope).
FEE_PAYING_KINDS = ("sub_fund",)
# A fund whose booked fees are beyond its tolerance (page 1 of the board report).
FEE_BREACH = N_(
    "%(fund)s: management fees booked for %(quarter)s are %(booked)s %(currency)s, "
    "%(computed)s computed from its LPA terms: %(result)s by %(difference)s "
    "(tolerance %(tolerance)s)."
)


def fee_funds(source: ReportSource) -> list[str]:
    """The sub-funds, by name."""
    names = source.names
    return [
        f
        for kind in FEE_PAYING_KINDS
        for f in sorted(
            (f for f, e in names.items() if e.get("kind") == kind and "fund_id" in e),
            key=lambda f: name_of(names, f),
        )
    ]


def fee_rows(source: ReportSource, quarter: str) -> list[FeeCheckRow]:
    """One row per fund: its fees of `quarter` computed from its terms and booked (the close's
    `fee_check`); a fund without fee terms is not modelled."""
    names = source.names
    check = level(source.snapshot, LEVEL)
    out = []
    for f in fee_funds(source):
        info: dict[str, Any] = names.get(f, {})
        modelled = any(info.get(rate) is not None for rate in FEE_RATES)
        row = one(check, fund_id=f, quarter=quarter) if modelled else {}
        keys = {"fund_id": f, "quarter": quarter}
        figs = {
            n: figure(row, n, "money", LEVEL, keys) if row else None
            for n in ("fee_net", "booked", "difference", "fee_tolerance", "booked_hkd")
        }
        out.append(
            FeeCheckRow(
                name_of(names, f),
                str(info.get("currency") or ""),
                modelled,
                row.get("within_tolerance") if row else None,
                **figs,
            )
        )
    return out


def fees_total_hkd(rows: list[FeeCheckRow]) -> Figure:
    """The fee rows' booked fees in HKD at the as-of rate (`booked_hkd`), summed (derived)."""
    return sum_of((r.booked_hkd for r in rows), (("level", LEVEL),))


def fee_breaches(rows: list[FeeCheckRow], quarter: str, words: Wording = ENGLISH) -> list[str]:
    """A sentence per fund whose booked fees of the quarter are beyond its tolerance, in the
    language of `words`."""
    return [
        words.say(
            FEE_BREACH,
            fund=r.fund,
            quarter=words.fmt("quarter", quarter),
            booked=words.fmt("money", r.booked),
            currency=r.currency,
            computed=words.fmt("money", r.fee_net),
            result=words.translate(r.result),
            difference=words.fmt("money", _magnitude(r.difference)),
            tolerance=words.fmt("money", r.fee_tolerance),
        )
        for r in rows
        if r.within is False
    ]


def _magnitude(fig: Figure | None) -> Any:
    value = None if fig is None else fig.value
    return None if value is None else abs(value)

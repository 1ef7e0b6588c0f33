"""Synthetic holdings of sub-funds: investments, follow-ons, marks, exits, write-offs, income."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fundbook.synth.shape import (
    INVEST_PERIOD,
    NEVER,
    PRIME,
    Q_END,
    Q_START,
    QUARTERS,
    Book,
    SubInvestors,
    expand,
    random_day,
)


@dataclass
class Holdings:
    """One row per (sub-fund, company) holding; valuation rows alongside."""

    sub: np.ndarray  # fund index of the sub-fund
    company: np.ndarray
    first_q: np.ndarray
    last_q: np.ndarray  # last quarter-end it is valued (at 0 when exited or written off)
    first_amt: np.ndarray  # cents
    cost: np.ndarray  # total invested, cents


def add_holdings(
    book: Book, inv: SubInvestors, rng: np.random.Generator, per_fund: tuple[int, int] = (12, 31)
) -> None:
    """Every sub-fund's holdings (companies per fund in [per_fund), fewer for a fund whose
    investment period is cut by the book's end) and all their dated flows and marks."""
    active = QUARTERS - book.sub_start
    frac = np.minimum(1.0, active / INVEST_PERIOD)
    fund, j = expand(np.maximum(1, np.rint(rng.integers(*per_fund, book.n_sub) * frac)))
    n = fund.size
    company = (rng.integers(0, book.n_companies, book.n_sub)[fund] + j * PRIME) % book.n_companies
    start = book.sub_start[fund]
    first_q = start + (rng.random(n) * np.minimum(INVEST_PERIOD, active)[fund]).astype(np.int64)
    exit_q = first_q + 6 + rng.geometric(1 / 12, n)
    write_q = np.where(rng.random(n) < 0.08, first_q + rng.integers(2, 13, n), NEVER)
    written = write_q < np.minimum(exit_q, QUARTERS)
    exited = ~written & (exit_q < QUARTERS)
    last_q = np.where(written, write_q, np.where(exited, exit_q, QUARTERS - 1))
    fo_q = first_q[:, None] + np.cumsum(rng.integers(1, 7, (n, 3)), axis=1)
    fo_ok = (
        (rng.random((n, 3)) < 0.45)
        & (fo_q < last_q[:, None])
        & (fo_q < np.minimum(start + INVEST_PERIOD + 4, QUARTERS)[:, None])
    )
    fo_q = np.where(fo_ok, fo_q, NEVER)
    w_first = rng.lognormal(0.0, 0.6, n)
    w_fo = w_first[:, None] * 0.5 * rng.lognormal(0.0, 0.4, (n, 3)) * fo_ok
    budget = book.sub_size * rng.uniform(0.6, 0.8, book.n_sub) * frac
    per_weight = (budget / np.bincount(fund, w_first + w_fo.sum(axis=1), book.n_sub))[fund]
    first_amt = np.maximum(100, np.floor(per_weight * w_first)).astype(np.int64)
    fo_amt = np.where(fo_ok, np.maximum(100, np.floor(per_weight[:, None] * w_fo)), 0)
    fo_amt = fo_amt.astype(np.int64)
    sub = book.first_sub + fund
    _outflow(book, rng, "investment", "Initial investment", sub, company, first_q, first_amt)
    for k in range(3):
        ok = fo_ok[:, k]
        _outflow(
            book,
            rng,
            "investment",
            "Follow-on investment",
            sub[ok],
            company[ok],
            fo_q[ok, k],
            fo_amt[ok, k],
        )
    h = Holdings(sub, company, first_q, last_q, first_amt, first_amt + fo_amt.sum(axis=1))
    last_fv = _marks(book, rng, h, written | exited, fo_q, fo_amt)
    _exits(book, rng, h, exited, exit_q, last_fv)
    _income(book, rng, h)
    _co_investments(book, inv, rng, h)
    _hk_production_spend(book, rng, h, np.minimum(start + INVEST_PERIOD, QUARTERS))


def _outflow(
    book: Book,
    rng: np.random.Generator,
    kind: str,
    memo: str,
    sub: np.ndarray,
    company: np.ndarray,
    q: np.ndarray,
    amount: np.ndarray,
) -> None:
    """Fund cash out on a random day between the quarter's capital call and its end."""
    day = random_day(rng, book.call_day(sub, q), Q_END[q])
    book.add_txns(kind, memo, day, sub, amount, holding=company)
    book.add_sub_flow(book.outflow, sub, q, amount)


def _inflow(
    book: Book,
    rng: np.random.Generator,
    kind: str,
    memo: str,
    sub: np.ndarray,
    company: np.ndarray,
    q: np.ndarray,
    amount: np.ndarray,
) -> None:
    """Fund cash in on a random day of the quarter (distributed at the quarter's end)."""
    day = random_day(rng, Q_START[q], Q_END[q])
    book.add_txns(kind, memo, day, sub, amount, holding=company)
    book.add_sub_flow(book.inflow, sub, q, amount)


def _marks(
    book: Book,
    rng: np.random.Generator,
    h: Holdings,
    gone: np.ndarray,
    fo_q: np.ndarray,
    fo_amt: np.ndarray,
) -> np.ndarray:
    """Quarter-end fair values: cost to date times a random-walk multiple (1 at first).

    A holding exited or written off is marked at 0 at the end of its last quarter (the rule
    "latest mark plus later investments" then values it at nothing). Returns each holding's
    value at its last quarter-end before that zero (the basis of its exit proceeds).
    """
    counts = h.last_q - h.first_q + 1
    row, j = expand(counts)
    q = h.first_q[row] + j
    cost = h.first_amt[row] + (fo_amt[row] * (fo_q[row] <= q[:, None])).sum(axis=1)
    step = rng.normal(0.012, 0.09, row.size)
    walk = np.cumsum(step)
    first_row = np.cumsum(counts) - counts
    walk -= walk[first_row][row]  # the first mark is at cost
    fv = np.floor(cost * np.exp(walk)).astype(np.int64)
    last_value = fv[first_row + counts - 1].copy()
    fv[gone[row] & (q == h.last_q[row])] = 0
    book.valuations.append(
        {"day": Q_END[q], "fund": h.sub[row], "holding": h.company[row], "fair_value": fv}
    )
    book.add_sub_flow(book.fair_value, h.sub[row], q, fv)
    return last_value


def _exits(
    book: Book,
    rng: np.random.Generator,
    h: Holdings,
    exited: np.ndarray,
    exit_q: np.ndarray,
    last_fv: np.ndarray,
) -> None:
    """Full exits at about the last mark; a trade sale or an IPO."""
    amount = np.floor(last_fv * rng.lognormal(0.05, 0.15, last_fv.size)).astype(np.int64)
    ipo = rng.random(last_fv.size) < 0.3
    for memo, which in (("Exit, trade sale", exited & ~ipo), ("Exit, IPO", exited & ipo)):
        _inflow(
            book,
            rng,
            "proceeds",
            memo,
            h.sub[which],
            h.company[which],
            exit_q[which],
            np.maximum(amount[which], 100),
        )


def _income(book: Book, rng: np.random.Generator, h: Holdings) -> None:
    """A quarter of the holdings pay a yearly dividend from their second year."""
    payers = rng.random(h.sub.size) < 0.25
    count = np.where(payers, np.maximum(0, (h.last_q - h.first_q - 4) // 4 + 1), 0)
    row, j = expand(count)
    q = h.first_q[row] + 4 + 4 * j
    amount = np.floor(h.cost[row] * rng.uniform(0.01, 0.03, row.size)).astype(np.int64)
    _inflow(book, rng, "income", "Dividend", h.sub[row], h.company[row], q, amount)


def _co_investments(book: Book, inv: SubInvestors, rng: np.random.Generator, h: Holdings) -> None:
    """A social investor of the fund puts money in directly beside 15 % of first investments."""
    which = np.nonzero(rng.random(h.sub.size) < 0.15)[0]
    sub = h.sub[which] - book.first_sub
    slot = 1 + (rng.random(which.size) * (inv.count[sub] - 1)).astype(np.int64)
    investor = inv.investor[inv.offset[sub] + slot]
    amount = np.floor(h.first_amt[which] * rng.uniform(0.2, 1.0, which.size)).astype(np.int64)
    day = random_day(rng, Q_START[h.first_q[which]], Q_END[h.first_q[which]])
    book.add_txns(
        "co_investment",
        "Co-investment alongside the fund",
        day,
        h.sub[which],
        amount,
        investor=investor,
        holding=h.company[which],
    )


def _hk_production_spend(
    book: Book, rng: np.random.Generator, h: Holdings, period_end_q: np.ndarray
) -> None:
    """Investees with a Hong Kong nexus spend on HK production lines during the period."""
    nexus = book.company_nexus[h.company]
    for lag in (2, 6):
        q = h.first_q + lag
        ok = nexus & (q < period_end_q) & (q <= h.last_q)
        amount = np.floor(h.first_amt[ok] * rng.uniform(0.2, 0.9, int(ok.sum())))
        day = random_day(rng, Q_START[q[ok]], Q_END[q[ok]])
        book.add_txns(
            "hk_production_spend",
            "HK production line spend",
            day,
            h.sub[ok],
            amount.astype(np.int64),
            holding=h.company[ok],
        )

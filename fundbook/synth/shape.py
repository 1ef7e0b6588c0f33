"""The integer-coded rows of a synthetic book and the helpers the generators share."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

QUARTERS = 40  # 2016Q1 .. 2025Q4
INVEST_PERIOD = 20  # quarters
SUB_FUNDS_PER_PROGRAMME = 40
PRIME = 7919  # stride that picks distinct ids from a pool without a loop per fund
NEVER = 10_000  # a quarter that never comes
_QS = (
    np.arange(np.datetime64("2016-01"), np.datetime64("2026-02"), 3).astype("datetime64[D]")
    - np.datetime64("1970-01-01")
).astype(np.int64)
Q_START, Q_END = _QS[:-1], _QS[1:] - 1  # epoch days of each quarter's first and last day
CURRENCIES = ("HKD", "USD", "CNY")
COUNTRIES = ("HK", "CN", "SG", "US", "GB", "DE", "JP")
APPROX_HKD_PER_UNIT = np.array([1.0, 7.8, 1.1])


@dataclass(frozen=True)
class BookShape:
    """How a synthetic book is made up: how many sub-funds a size gives, and their make-up."""

    name: str
    txns_per_sub_fund: int  # calibrated so that a book has about the transactions asked for
    size_hkd: tuple[float, float]  # a sub-fund's size, uniform in this range
    strategic: tuple[int, int]  # strategic LPs per sub-fund, integers in [low, high)
    others: tuple[int, int]  # other social LPs per sub-fund, integers in [low, high)
    holdings: tuple[int, int]  # companies per sub-fund with a full investment period
    first_quarter: int  # the earliest quarter a sub-fund starts in (0: 2016Q1)


# The default book: big sub-funds, 10-43 LPs and 12-30 companies each. Many small funds, as a
# national programme would have, younger (from 2022): about 2,600 sub-funds at 1M
# transactions, 25 LPs and 25 holdings each.
SHAPES = {
    "default": BookShape("default", 950, (2e9, 6e9), (1, 3), (8, 41), (12, 31), 0),
    "many-small": BookShape("many-small", 385, (1e8, 5e8), (1, 2), (21, 27), (44, 67), 24),
}


@dataclass
class Book:
    """A book as numpy arrays: ids are indices into the entity tables, money is int cents.

    Funds: programmes 0..P-1, the grant programme P, guidance funds P+1..2P, sub-funds after.
    Investors: 0 the government, 1..P the guidance funds as LPs, then strategic, then others.
    Holdings: a company index, or n_companies + a fund index for a fund held by a fund.
    """

    n_sub: int
    n_prog: int
    n_strategic: int
    n_social: int
    n_companies: int
    sub_start: np.ndarray  # first quarter of each sub-fund
    sub_cur: np.ndarray  # currency code of each sub-fund
    sub_size: np.ndarray  # size in cents of the sub-fund's currency
    call_off: np.ndarray  # days after the quarter start on which a sub-fund calls capital
    company_nexus: np.ndarray
    company_theme: np.ndarray  # index into fundbook.core.types.THEMES
    company_country: np.ndarray  # index into COUNTRIES
    fx_days: np.ndarray
    fx_rates: np.ndarray  # (2, days): USD and CNY, in 1e-4 HKD per unit
    commitments: list[dict[str, np.ndarray]] = field(default_factory=list)
    txns: list[dict[str, Any]] = field(default_factory=list)
    valuations: list[dict[str, np.ndarray]] = field(default_factory=list)
    outflow: np.ndarray = field(default_factory=lambda: np.zeros(0))  # (sub, quarter) cents
    inflow: np.ndarray = field(default_factory=lambda: np.zeros(0))
    fair_value: np.ndarray = field(default_factory=lambda: np.zeros(0))
    nav: np.ndarray = field(default_factory=lambda: np.zeros(0))  # sub-fund NAV at quarter end

    def __post_init__(self) -> None:
        self.outflow = np.zeros((self.n_sub, QUARTERS))
        self.inflow = np.zeros((self.n_sub, QUARTERS))
        self.fair_value = np.zeros((self.n_sub, QUARTERS))

    @property
    def grant_fund(self) -> int:
        return self.n_prog

    @property
    def first_gf(self) -> int:
        return self.n_prog + 1

    @property
    def first_sub(self) -> int:
        return 2 * self.n_prog + 1

    @property
    def n_funds(self) -> int:
        return self.first_sub + self.n_sub

    @property
    def n_investors(self) -> int:
        return 1 + self.n_prog + self.n_strategic + self.n_social

    def add_txns(
        self,
        kind: str,
        memo: str,
        day: np.ndarray,
        fund: np.ndarray | int,
        amount: np.ndarray,
        investor: np.ndarray | int | None = None,
        holding: np.ndarray | int | None = None,
    ) -> None:
        """Queue transactions of one type; rows with a zero amount are dropped."""
        keep = np.asarray(amount) > 0
        n = int(keep.sum())

        def col(values: np.ndarray | int | None) -> np.ndarray:
            if values is None:
                return np.full(n, -1, dtype=np.int64)
            return np.broadcast_to(np.asarray(values, dtype=np.int64), keep.shape)[keep]

        self.txns.append(
            {
                "type": kind,
                "memo": memo,
                "day": col(day),
                "fund": col(fund),
                "investor": col(investor),
                "holding": col(holding),
                "amount": col(amount),
            }
        )

    def add_sub_flow(
        self, matrix: np.ndarray, sub: np.ndarray, q: np.ndarray, amount: np.ndarray
    ) -> None:
        """Add amounts into a (sub-fund, quarter) matrix (float64 holds cents exactly < 2^53)."""
        idx = (sub - self.first_sub) * QUARTERS + q
        matrix += np.bincount(idx, amount.astype(np.float64), matrix.size).reshape(matrix.shape)

    def call_day(self, sub: np.ndarray, q: np.ndarray) -> np.ndarray:
        """The day a sub-fund calls capital in quarter q: quarter start plus its offset."""
        return Q_START[q] + self.call_off[sub - self.first_sub]

    def to_hkd(self, cents: np.ndarray, cur: np.ndarray, day: np.ndarray) -> np.ndarray:
        """Cents of currency `cur` on `day` in HKD cents at the latest rate on or before it."""
        at = np.searchsorted(self.fx_days, day, side="right") - 1
        rate = np.where(cur == 0, 10_000, self.fx_rates[np.maximum(cur - 1, 0), at])
        return (cents * rate + 5_000) // 10_000


def expand(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Ragged expansion: each group repeated `count` times, as (group index, index within)."""
    counts = np.asarray(counts, dtype=np.int64)
    group = np.repeat(np.arange(counts.size), counts)
    starts = np.cumsum(counts) - counts
    return group, np.arange(group.size) - starts[group]


def random_day(rng: np.random.Generator, first: np.ndarray, last: np.ndarray) -> np.ndarray:
    """A uniformly random day in [first, last] for each pair."""
    return first + (rng.random(np.size(first)) * (last - first + 1)).astype(np.int64)


@dataclass
class SubInvestors:
    """The fund-investor rows of the sub-funds, grouped by sub-fund (slot 0 = guidance fund)."""

    fund: np.ndarray  # sub-fund index (0-based among sub-funds)
    slot: np.ndarray
    investor: np.ndarray  # investor index
    share: np.ndarray  # partnership share, the commitment share
    offset: np.ndarray  # first row of each sub-fund
    count: np.ndarray  # rows of each sub-fund

"""Synthetic ledger books of any size: seeded, vectorised with numpy, written with polars.

Shape: ITIF-style programmes, each with a guidance fund that is an LP (15-25 %, at most
HK$1bn) of its 40 sub-funds; strategic and other social investors in several funds each;
companies held by several funds; capital calls pro rata to commitments, investments,
follow-ons, exits, write-offs, income, distributions, quarterly valuations (the guidance fund
marks its sub-funds at its share of their NAV), fees, expenses, co-investments, HK production
spend, a grant programme with 1:2 matching (a few short), and HKD/USD/CNY funds with daily FX;
two month-end market index series for the public market equivalents (index_levels.csv).

Validity holds by construction: every quarter a fund calls what it spends (rounded up per
investor) on or before the day it spends it, commitments cover every call, and distributions
at a quarter's end never exceed what came in during the quarter.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from fundbook.synth.holdings import add_holdings
from fundbook.synth.shape import (
    APPROX_HKD_PER_UNIT,
    COUNTRIES,
    INVEST_PERIOD,
    PRIME,
    Q_END,
    Q_START,
    QUARTERS,
    SHAPES,
    SUB_FUNDS_PER_PROGRAMME,
    Book,
    BookShape,
    SubInvestors,
    expand,
    random_day,
)
from fundbook.synth.writer import write_book, write_index_levels

GRANT_START = int((np.datetime64("2025-11-18") - np.datetime64("1970-01-01")).astype(np.int64))


def generate_book(
    out_dir: Path, transactions: int, seed: int, shape: str = "default"
) -> dict[str, int]:
    """Write a valid ledger book of about `transactions` transactions, of one of `SHAPES`;
    return rows per file."""
    counts = write_book(build_book(transactions, seed, SHAPES[shape]), Path(out_dir))
    return {**counts, "index_levels": write_index_levels(Path(out_dir), seed)}


def build_book(transactions: int, seed: int, shape: BookShape = SHAPES["default"]) -> Book:
    """Generate the integer-coded rows of a book; the same seed gives the same rows."""
    rng = np.random.default_rng(seed)
    n_sub = max(2, round(transactions / shape.txns_per_sub_fund))
    n_companies = _coprime(max(60, 16 * n_sub))
    cur = rng.choice(3, n_sub, p=[0.7, 0.22, 0.08])
    size_hkd = rng.uniform(*shape.size_hkd, n_sub)
    nexus = rng.random(n_companies) < 0.6
    fx_days, fx_rates = _fx(rng)
    book = Book(
        n_sub=n_sub,
        n_prog=-(-n_sub // SUB_FUNDS_PER_PROGRAMME),
        n_strategic=_coprime(max(3, n_sub // 20)),
        n_social=_coprime(max(60, 8 * n_sub)),
        n_companies=n_companies,
        sub_start=rng.integers(shape.first_quarter, QUARTERS - 1, n_sub),
        sub_cur=cur,
        sub_size=np.rint(size_hkd / APPROX_HKD_PER_UNIT[cur] / 1e4).astype(np.int64) * 1_000_000,
        call_off=rng.integers(0, 10, n_sub),
        company_nexus=nexus,
        company_theme=rng.choice(6, n_companies, p=[0.19, 0.19, 0.19, 0.19, 0.19, 0.05]),
        company_country=np.where(
            nexus,
            rng.choice(3, n_companies, p=[0.85, 0.1, 0.05]),
            rng.choice(len(COUNTRIES), n_companies),
        ),
        fx_days=fx_days,
        fx_rates=fx_rates,
    )
    inv = _sub_investors(book, rng, size_hkd, shape)
    add_holdings(book, inv, rng, shape.holdings)
    _fees_and_expenses(book, rng)
    gf_calls, gf_dists = _calls_and_distributions(book, inv)
    _guidance_funds(book, inv, gf_calls, gf_dists)
    _grants(book, rng, transactions)
    return book


def _coprime(n: int) -> int:
    return n + 1 if n % PRIME == 0 else n


def _fx(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Weekday rates from 2015-12-31: USD inside the 7.75-7.85 peg band, CNY a random walk."""
    days = np.arange(Q_START[0] - 1, Q_END[-1] + 1)
    days = days[((days + 3) % 7) < 5]  # 1970-01-01 was a Thursday; keep Monday..Friday
    usd = 78000 + np.clip(np.cumsum(rng.normal(0, 8, days.size)), -450, 450)
    cny = 11500 * np.exp(np.cumsum(rng.normal(0, 0.002, days.size)))
    return days, np.rint(np.vstack([usd, cny])).astype(np.int64)


def _sub_investors(
    book: Book, rng: np.random.Generator, size_hkd: np.ndarray, shape: BookShape
) -> SubInvestors:
    """Commitments to the sub-funds: guidance fund first, then strategic and other investors
    (by default 1-2 strategic and 8-40 others)."""
    n = book.n_sub
    gov = np.minimum(rng.uniform(0.15, 0.25, n), 0.999e9 / size_hkd)
    n_strat = rng.integers(*shape.strategic, n)
    count = 1 + n_strat + rng.integers(*shape.others, n)
    fund, slot = expand(count)
    strat = (rng.integers(0, book.n_strategic, n)[fund] + (slot - 1) * PRIME) % book.n_strategic
    other = rng.integers(0, book.n_social, n)[fund] + (slot - 1 - n_strat[fund]) * PRIME
    is_strat = (slot >= 1) & (slot <= n_strat[fund])
    investor = np.where(
        slot == 0,
        1 + fund // SUB_FUNDS_PER_PROGRAMME,
        np.where(
            is_strat,
            1 + book.n_prog + strat,
            1 + book.n_prog + book.n_strategic + other % book.n_social,
        ),
    )
    weight = np.where(is_strat, rng.uniform(0.04, 0.10, fund.size), 0.0)
    gamma = np.where(slot > n_strat[fund], rng.gamma(2.0, 1.0, fund.size), 0.0)
    rest = (1 - gov - np.bincount(fund, weight, n)) / np.bincount(fund, gamma, n)
    share = np.where(slot == 0, gov[fund], weight + gamma * rest[fund])
    amount = np.ceil(share * book.sub_size[fund] / 100).astype(np.int64) * 100
    book.commitments.append(
        {
            "fund": book.first_sub + fund,
            "investor": investor,
            "day": Q_START[book.sub_start[fund]],
            "amount": amount,
        }
    )
    return SubInvestors(fund, slot, investor, share, np.cumsum(count) - count, count)


def _fees_and_expenses(book: Book, rng: np.random.Generator) -> None:
    """Quarterly management fees (2 % a year in the period, less after) and some expenses."""
    qs = np.arange(QUARTERS)[None, :]
    active = qs >= book.sub_start[:, None]
    rate = np.where(qs < (book.sub_start + INVEST_PERIOD)[:, None], 0.005, 0.0026)
    f, q = np.nonzero(active)
    sub = book.first_sub + f
    fee = np.floor(book.sub_size[f] * rate[f, q]).astype(np.int64)
    book.add_txns("fee", "Management fee", book.call_day(sub, q), sub, fee)
    book.add_sub_flow(book.outflow, sub, q, fee)
    some = rng.random(f.size) < 0.3
    f, q, sub = f[some], q[some], sub[some]
    expense = np.floor(book.sub_size[f] * rng.uniform(0.0001, 0.0005, f.size)).astype(np.int64)
    day = random_day(rng, book.call_day(sub, q), Q_END[q])
    book.add_txns("expense", "Audit, legal and administration", day, sub, expense)
    book.add_sub_flow(book.outflow, sub, q, expense)


def _calls_and_distributions(
    book: Book, inv: SubInvestors
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Pro-rata capital calls covering each quarter's outflows; quarter-end distributions.

    Returns the guidance funds' share of both (their own cash flows mirror them).
    """
    called = np.zeros_like(book.outflow)
    paid = np.zeros_like(book.inflow)
    mirrors = []
    for kind, flows, total in (
        ("contribution", book.outflow, called),
        ("distribution", book.inflow, paid),
    ):
        f, q = np.nonzero(flows > 0)
        pair, slot = expand(inv.count[f])
        row = inv.offset[f][pair] + slot
        exact = flows[f, q][pair] * inv.share[row]
        amount = (np.ceil(exact) if kind == "contribution" else np.floor(exact)).astype(np.int64)
        sub, q = book.first_sub + f[pair], q[pair]
        day = book.call_day(sub, q) if kind == "contribution" else Q_END[q]
        memo = "Capital call" if kind == "contribution" else "Distribution of proceeds"
        book.add_txns(kind, memo, day, sub, amount, investor=inv.investor[row])
        book.add_sub_flow(total, sub, q, amount)
        gf = slot == 0
        mirrors.append({"sub": sub[gf], "q": q[gf], "day": day[gf], "amount": amount[gf]})
    assert (called >= book.outflow).all() and (paid <= book.inflow).all()
    cash = np.cumsum(called - book.outflow + book.inflow - paid, axis=1)
    book.nav = cash + book.fair_value
    return mirrors[0], mirrors[1]


def _guidance_funds(
    book: Book, inv: SubInvestors, calls: dict[str, np.ndarray], dists: dict[str, np.ndarray]
) -> None:
    """Each guidance fund mirrors its LP flows, is funded by the government, marks at NAV."""
    cur = book.sub_cur[calls["sub"] - book.first_sub]
    prog = (calls["sub"] - book.first_sub) // SUB_FUNDS_PER_PROGRAMME
    hkd = book.to_hkd(calls["amount"], cur, calls["day"])
    holding = book.n_companies + calls["sub"]
    book.add_txns(
        "investment",
        "Capital call paid to sub-fund",
        calls["day"],
        book.first_gf + prog,
        hkd,
        holding=holding,
    )
    need = np.bincount(prog * QUARTERS + calls["q"], hkd, book.n_prog * QUARTERS)
    p, q = np.divmod(np.nonzero(need)[0], QUARTERS)
    book.add_txns(
        "contribution",
        "Capital call",
        Q_START[q],
        book.first_gf + p,
        need[p * QUARTERS + q].astype(np.int64),
        investor=0,
    )
    total = np.bincount(p, need[p * QUARTERS + q], book.n_prog)
    first_q = np.full(book.n_prog, QUARTERS)
    np.minimum.at(first_q, p, q)
    book.commitments.append(
        {
            "fund": book.first_gf + np.arange(book.n_prog),
            "investor": np.zeros(book.n_prog, dtype=np.int64),
            "day": Q_START[first_q],
            "amount": np.ceil(total * 1.25 / 100).astype(np.int64) * 100,
        }
    )
    sub = dists["sub"] - book.first_sub
    prog = sub // SUB_FUNDS_PER_PROGRAMME
    hkd = book.to_hkd(dists["amount"], book.sub_cur[sub], dists["day"])
    book.add_txns(
        "proceeds",
        "Distribution from sub-fund",
        dists["day"],
        book.first_gf + prog,
        hkd,
        holding=book.n_companies + dists["sub"],
    )
    got = np.bincount(prog * QUARTERS + dists["q"], hkd, book.n_prog * QUARTERS)
    p, q = np.divmod(np.nonzero(got)[0], QUARTERS)
    book.add_txns(
        "distribution",
        "Distribution to the government",
        Q_END[q],
        book.first_gf + p,
        got[p * QUARTERS + q].astype(np.int64),
        investor=0,
    )
    _guidance_marks(book, inv)


def _guidance_marks(book: Book, inv: SubInvestors) -> None:
    """Quarter-end value of each sub-fund to its guidance fund: its share of the sub-fund NAV."""
    f, q = np.nonzero(np.arange(QUARTERS)[None, :] >= book.sub_start[:, None])
    share = inv.share[inv.offset]  # slot 0 of each sub-fund
    value = np.floor(share[f] * np.maximum(book.nav[f, q], 0)).astype(np.int64)
    book.valuations.append(
        {
            "day": Q_END[q],
            "fund": book.first_gf + f // SUB_FUNDS_PER_PROGRAMME,
            "holding": book.n_companies + book.first_sub + f,
            "fair_value": book.to_hkd(value, book.sub_cur[f], Q_END[q]),
        }
    )


def _grants(book: Book, rng: np.random.Generator, transactions: int) -> None:
    """Production-line upgrade grants (<= HK$250k, 1:2 matching; a tenth fall short)."""
    pool = np.nonzero(book.company_nexus)[0]
    n = min(max(10, transactions // 2500), pool.size)
    company = pool[(rng.integers(0, pool.size) + np.arange(n) * PRIME) % pool.size]
    amount = rng.integers(50_000, 250_001, n) * 100
    day = GRANT_START + rng.integers(0, 44, n)
    ratio = np.where(rng.random(n) < 0.9, 2.0, rng.uniform(1.2, 1.9, n))
    days, which = np.unique(day, return_inverse=True)
    need = np.bincount(which, amount.astype(np.float64)).astype(np.int64)
    fund = book.grant_fund
    book.add_txns("contribution", "Programme funding", days, fund, need, investor=0)
    book.add_txns("grant", "Production line upgrade grant", day, fund, amount, holding=company)
    book.add_txns(
        "matching",
        "Company matching contribution",
        day,
        fund,
        np.floor(amount * ratio).astype(np.int64),
        holding=company,
    )
    book.commitments.append(
        {
            "fund": np.array([fund]),
            "investor": np.array([0]),
            "day": np.array([GRANT_START]),
            "amount": np.array([max(10_000_000_000, int(amount.sum() * 1.1) // 100 * 100)]),
        }
    )

"""The guidance fund side of the demo book: sub-funds, their LPs, deals, calls and marks."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from fundbook.core.calendar import month_ends
from fundbook.core.types import CASH_SIGN
from fundbook.synth.demo_cast import (
    ABROAD,
    BREACH_FUND,
    DIRECT_BESIDE,
    HK_COUNTRIES,
    HK_SITES,
    ITC,
    NAME_PREFIX,
    OTHER,
    POOL_LPS,
    ROUNDS,
    STRATEGIC,
    SUB_FUNDS,
    SYNDICATES,
    SubFund,
)
from fundbook.synth.demo_closing import (
    LATER_CLOSING,
    LATER_FUND,
    NEWCOMER,
    NEWCOMER_M,
    NEWCOMER_NAME,
    equalise,
)
from fundbook.synth.demo_fees import book_fees, invoice_shares
from fundbook.synth.demo_ledger import (
    END,
    MILLION,
    OUTCOMES,
    Book,
    call_capital,
    cents,
    pct,
    quarter_ends,
    rand_date,
    rounded,
    value_holdings,
    workday,
)
from fundbook.synth.demo_terms import build_portfolio_fees


def build_fx(book: Book) -> None:
    """Month-end USD rates inside the peg's band, from December 2018."""
    rate = Decimal("7.8050")
    for d in month_ends(date(2018, 12, 1), END):
        rate += Decimal(book.rng.randint(-80, 80)) / 10000
        rate = min(max(rate, Decimal("7.7800")), Decimal("7.8300"))
        book.usd[d] = rate


def build_parties(book: Book) -> None:
    """Funds, investors and commitments of the guidance fund and its sub-funds."""
    rng = book.rng
    name = "I&T Industry-Oriented Fund (創科產業引導基金)"
    book.fund("itif", name, "guidance_fund", "HKD", 2026, ITC, "", date(2031, 3, 31))
    book.investors += [
        ("gov-hksar", "Government of the HKSAR", "government", ""),
        ("itif-lp", "I&T Industry-Oriented Fund (as LP)", "government", "itif"),
    ]
    book.investors += [(i, n, "social_capital", "") for i, n in STRATEGIC]
    book.commit("itif", "gov-hksar", date(2025, 12, 1), 10_000 * MILLION)
    used: set[str] = set()
    for sf in SUB_FUNDS:
        end = sf.first_close.replace(year=sf.first_close.year + 5)
        book.fund(sf.fund_id, sf.name, "sub_fund", sf.currency, 2026, sf.manager, "itif", end)
        book.commit(sf.fund_id, "itif-lp", sf.first_close, sf.gov_m * MILLION)
        for investor, amount in sf.strategic:
            book.commit(sf.fund_id, investor, sf.first_close, amount * MILLION)
        rest = sf.size_m - sf.gov_m - sum(a for _, a in sf.strategic)
        lps = rng.sample(POOL_LPS, rng.randint(4, 6))
        unit = 10 if sf.currency == "HKD" else 1
        for (investor, _), amount in zip(lps, split(rng, rest // unit, len(lps)), strict=True):
            if sf.fund_id == LATER_FUND and investor == lps[0][0]:
                amount -= NEWCOMER_M // unit  # left for the partner of the later closing
            book.commit(sf.fund_id, investor, sf.first_close, amount * unit * MILLION)
            used.add(investor)
    book.investors += [(i, n, "social_capital", "") for i, n in POOL_LPS if i in used]
    book.investors.append((NEWCOMER, NEWCOMER_NAME, "social_capital", ""))
    book.commit(LATER_FUND, NEWCOMER, LATER_CLOSING, NEWCOMER_M * MILLION)


def split(rng: random.Random, total: int, parts: int) -> list[int]:
    """Split a whole number into `parts` uneven positive whole numbers."""
    weights = [rng.randint(2, 9) for _ in range(parts)]
    shares = [max(1, total * w // sum(weights)) for w in weights]
    shares[0] += total - sum(shares)
    return shares


def build_sub_fund_deals(book: Book) -> dict[str, list[str]]:
    """Companies, investments and follow-ons of each sub-fund; returns companies per fund."""
    rng = book.rng
    portfolio = sub_fund_companies(book)
    for joiner, source in SYNDICATES:
        pick = next(c for c in portfolio[source] if book.companies[c][2]
                    and c not in portfolio[joiner])  # fmt: skip
        portfolio[joiner].append(pick)
    starts: dict[str, date] = {}
    plan = []
    for sf in SUB_FUNDS:
        first = max(sf.first_close + timedelta(days=10), date(2026, 2, 2))
        for c in portfolio[sf.fund_id]:
            d = max(starts.get(c) or rand_date(rng, first, date(2026, 8, 31)), first)
            starts.setdefault(c, d)
            plan.append((d, sf, c))
    for c, d in sorted(starts.items()):
        book.mark_path(c, d, rng.choice(OUTCOMES))
    for d, sf, c in sorted(plan, key=lambda p: (p[0], p[1].fund_id, p[2])):
        deal(book, d, sf, c)
    return portfolio


def sub_fund_companies(book: Book) -> dict[str, list[str]]:
    """Each sub-fund's own companies; the breach fund's first one is outside the five themes."""
    rng, n = book.rng, 0
    portfolio: dict[str, list[str]] = {}
    for sf in SUB_FUNDS:
        ids = []
        breach = sf.fund_id == BREACH_FUND
        for k in range(sf.hk_companies + sf.other_companies):
            n += 1
            theme = OTHER if breach and k == 0 else rng.choice(sf.themes)
            hk = k >= sf.other_companies if breach else k < sf.hk_companies
            country = rng.choice(HK_COUNTRIES if hk else ABROAD)
            ids.append(book.company(f"co-{n:03d}", theme, hk, country))
        portfolio[sf.fund_id] = ids
    return portfolio


def deal(book: Book, d: date, sf: SubFund, company: str) -> None:
    """An initial ticket and, for some companies, a follow-on round later in the year."""
    rng = book.rng
    step = 100_000 if sf.currency == "HKD" else 10_000
    size = sf.size_m * MILLION
    ticket = rounded(size * pct(100, 280, rng), step)
    book.invest(d, sf.fund_id, company, ticket, rng.choice(ROUNDS))
    project = rng.choice(NAME_PREFIX)
    book.txn(
        workday(d + timedelta(days=rng.randint(5, 25))),
        sf.fund_id,
        "expense",
        rounded(ticket * pct(20, 60, rng), 100),
        memo=f'Deal costs: legal and technical due diligence, "Project {project}"',
        extra={"category": "legal"},
    )
    if rng.randint(1, 2) == 1 and (END - d).days > 75:
        later = rand_date(rng, d + timedelta(days=60), END - timedelta(days=3))
        more = rounded(ticket * pct(3000, 8000, rng), step)
        book.invest(later, sf.fund_id, company, more, "Follow-on round (pro rata right exercised)")


def build_direct_co_investments(book: Book, portfolio: dict[str, list[str]]) -> None:
    """ITIF invests directly beside a sub-fund; strategic investors co-invest alongside."""
    rng = book.rng
    for fund_id in DIRECT_BESIDE:
        company = next(c for c in portfolio[fund_id] if book.companies[c][2])
        first = min(d for d, f, c, _ in book.units if c == company and f == fund_id)
        d = rand_date(rng, first, min(first + timedelta(days=45), END))
        amount = rounded(MILLION * rng.randint(30, 80), 1_000_000)
        book.invest(d, "itif", company, amount, "Direct co-investment alongside " + fund_id)
        for investor, _ in STRATEGIC[: rng.randint(1, 2)]:
            extra = rounded(amount * pct(8000, 20000, rng), 1_000_000)
            memo = f"Co-investment by strategic investor, same terms as ITIF ({fund_id} round)"
            book.txn(d, "itif", "co_investment", extra, investor, company, memo)


def build_sub_fund_running(book: Book) -> None:
    """Portfolio fees and the management fees they offset, expenses, a little income and
    investee HK production spend of each sub-fund."""
    for sf in SUB_FUNDS:
        build_portfolio_fees(book, (sf.fund_id,))
        book_fees(book, sf.fund_id)
        sub_fund_expenses(book, sf)
        for c in book.holdings(sf.fund_id):
            investee_flows(book, sf, c)


def sub_fund_expenses(book: Book, sf: SubFund) -> None:
    """Formation costs, then monthly administration and custody (HKD-sized, converted)."""
    rng = book.rng
    per_hkd = Decimal(1) if sf.currency == "HKD" else Decimal("0.128")
    book.txn(workday(sf.first_close + timedelta(days=12)), sf.fund_id, "expense",
             rounded(per_hkd * MILLION * pct(25000, 55000, rng), 1000),
             memo='Legal fees, fund formation and LPF registration ("Cap. 637")',
             extra={"category": "organisation_offering"})  # fmt: skip
    for q in month_ends(sf.first_close, END):
        book.txn(workday(q), sf.fund_id, "expense",
                 rounded(per_hkd * rng.randint(150_000, 300_000), 100),
                 memo=f"Fund administration, {q:%B %Y}",
                 extra={"category": "administration"})  # fmt: skip
        book.txn(workday(q), sf.fund_id, "expense",
                 rounded(per_hkd * rng.randint(20_000, 60_000), 100),
                 memo=f"Custody and banking charges, {q:%B %Y}",
                 extra={"category": "custody"})  # fmt: skip


def investee_flows(book: Book, sf: SubFund, company: str) -> None:
    """Now and then a coupon; monthly HK production spend by investees with HK nexus."""
    rng = book.rng
    first = min(d for d, f, h, _ in book.units if f == sf.fund_id and h == company)
    cost = book.cost(sf.fund_id, company)
    if rng.randint(1, 6) == 1 and (END - first).days > 120:
        book.txn(workday(first + timedelta(days=91)), sf.fund_id, "income",
                 cents(cost * Decimal("0.015")), holding=company,
                 memo="Interest on convertible note, 6% p.a., one quarter")  # fmt: skip
    if book.companies[company][2]:
        site = rng.choice(HK_SITES)
        for m in month_ends(first + timedelta(days=20), END):
            book.txn(m, sf.fund_id, "hk_production_spend", cents(cost * pct(150, 900, rng)),
                     holding=company,
                     memo=f"Spend on HK production base, pilot line at {site}")  # fmt: skip


def build_sub_fund_calls(book: Book) -> None:
    """Sub-fund calls, mirrored by ITIF investments funded by calls on the government."""
    schedule = [workday(date(2026, m, 15)) for m in range(2, 11)]
    itif_out: dict[date, Decimal] = defaultdict(Decimal)
    for d, f, k, _, _, a, _ in book.txns:
        if f == "itif" and k == "investment":
            itif_out[d] += a
    for sf in SUB_FUNDS:
        dates = [sf.first_close] + [d for d in schedule if d > sf.first_close + timedelta(20)]
        for d, investor, amount in call_capital(book, sf.fund_id, dates):
            if investor == "itif-lp":
                hkd = cents(amount * book.rate(sf.currency, d))
                memo = f"Drawdown by {sf.name} (ITIF as last LP)"
                if sf.currency != "HKD":
                    memo += f", {sf.currency} {amount:.2f} at {book.rate(sf.currency, d)}"
                book.txn(d, "itif", "investment", hkd, holding=sf.fund_id, memo=memo)
                itif_out[d] += hkd
    spare = itif_equalisation(book)
    for d, amount in sorted(itif_out.items()):
        used = min(spare, amount) if d > LATER_CLOSING else Decimal(0)
        spare -= used
        book.txn(
            d,
            "itif",
            "contribution",
            amount - used,
            investor="gov-hksar",
            memo="Drawdown from the HK$10bn government commitment"
            + (", less the equalisation ITIF received" if used else ""),
        )


def itif_equalisation(book: Book) -> Decimal:
    """The later closing's equalisation; ITIF books what its LP interest receives (a return
    of capital, recallable, and interest) and spends it on its next drawdowns."""
    back, interest = equalise(book, LATER_FUND, LATER_CLOSING, {NEWCOMER})["itif-lp"]
    memo = f"Equalisation of the {LATER_CLOSING} closing of {LATER_FUND}"
    book.txn(LATER_CLOSING, "itif", "proceeds", back, holding=LATER_FUND,
             memo=f"{memo}: recallable distribution (return of capital)")  # fmt: skip
    book.txn(LATER_CLOSING, "itif", "income", interest, holding=LATER_FUND,
             memo=f"{memo}: equalisation interest")  # fmt: skip
    return back + interest


def own_items(book: Book, fund_id: str, d: date) -> dict[str, Decimal]:
    """Per partner, its own fees, expenses and income (rows with its investor_id) and its share
    of the fund's invoices (split by computed fees, `invoice_shares`) to the quarter end `d`,
    signed as cash: they are its alone, the rest of the P&L is shared by commitment."""
    out: dict[str, Decimal] = defaultdict(Decimal)
    for when, f, k, investor, _, a, _ in book.txns:
        if f == fund_id and investor and when <= d and k in ("fee", "expense", "income"):
            out[investor] += CASH_SIGN[k] * a
    for start, shares in invoice_shares(book, fund_id).items():
        if start <= d:  # the invoices of a quarter are dated in it
            for investor, share in shares.items():
                out[investor] -= Decimal(share) / 100
    return out


def build_valuations(book: Book) -> None:
    """Sub-fund marks, then ITIF's: its direct holdings and its capital account in each
    sub-fund (its commitment share of the NAV less the partners' own items, plus its own; no
    sub-fund has a profit, so none accrues carry)."""
    quarters = quarter_ends(date(2026, 1, 1), END)
    for sf in SUB_FUNDS:
        value_holdings(book, sf.fund_id, quarters)
    value_holdings(book, "itif", quarters)
    for sf in SUB_FUNDS:
        for q in quarters:
            lps = dict(book.fund_commitments(sf.fund_id, q))
            if "itif-lp" not in lps:
                continue  # before the sub-fund's first closing
            share = lps["itif-lp"] / sum(lps.values())
            nav = book.cash(sf.fund_id, q) + sum(
                (v for d, f, _, v in book.valuations if f == sf.fund_id and d == q), Decimal(0)
            )
            own = own_items(book, sf.fund_id, q)
            account = (nav - sum(own.values())) * share + own.get("itif-lp", Decimal(0))
            fair = cents(account * book.rate(sf.currency, q))
            if fair > 0:
                book.valuations.append((q, "itif", sf.fund_id, fair))

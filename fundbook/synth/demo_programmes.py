"""The older programmes of the demo book: an ITVF-style co-investment fund and grants."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import ROUND_CEILING, Decimal

from fundbook.synth.demo_cast import (
    AI,
    DIGI,
    GREEN,
    ITC,
    ITVF_PARTNERS,
    LS,
    OTHER,
    PL_DISTRICTS,
    PL_LINES,
    PL_TRADES,
    SEMI,
    ZH_PL,
)
from fundbook.synth.demo_fees import book_fees
from fundbook.synth.demo_ledger import (
    END,
    MILLION,
    Book,
    allocate,
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

ITVF_START = date(2019, 1, 15)
WRITE_OFF = date(2026, 9, 30)  # inside the demo's closed months, so the reports show it


ITVF_EXITS = (
    (date(2022, 5, 16), "1", "1.18"),
    (date(2023, 3, 20), "1", "1.10"),
    (date(2024, 6, 17), "0.5", "1.05"),
    (date(2025, 4, 14), "1", "0.62"),
    (date(2025, 11, 17), "1", "1.22"),
    (date(2026, 8, 17), "1", "1.08"),
)


def build_itvf(book: Book) -> None:
    """An ITVF-style co-investment fund since 2019: 1:3 money, exits and distributions."""
    name = "ITVF Co-investment Fund 2019 (illustrative)"
    manager = "ITVF Corporation (illustrative)"
    book.fund("itvf", name, "co_investment", "HKD", 2019, manager, "", date(2023, 12, 31))
    book.tracked.add("itvf")  # its holdings carry quantities (average-cost relief on a sale)
    book.commit("itvf", "gov-hksar", ITVF_START, 200 * MILLION)
    for investor, partner, amount in ITVF_PARTNERS:
        book.investors.append((investor, partner, "social_capital", ""))
        book.commit("itvf", investor, ITVF_START, amount * MILLION)
    companies = itvf_portfolio(book)
    itvf_exits(book, companies)
    itvf_write_off(book, companies)
    itvf_running(book, companies)
    calls = [date(y, m, 15) for y in range(2019, 2027) for m in (1, 4, 7, 10)]  # from ITVF_START
    call_capital(book, "itvf", [workday(d) for d in calls if ITVF_START <= d <= END])
    value_holdings(book, "itvf", quarter_ends(ITVF_START, END))


def itvf_portfolio(book: Book) -> list[tuple[str, date, str]]:
    """Fifteen companies bought 2019-2022, mostly in Hong Kong; returns (id, date, outcome)."""
    rng = book.rng
    outcomes = ["star"] * 3 + ["steady"] * 5 + ["flat"] * 3 + ["down"] * 2 + ["writedown"] * 2
    rng.shuffle(outcomes)
    themes = (LS, AI, SEMI, DIGI, GREEN)
    starts = sorted(rand_date(rng, date(2019, 2, 15), date(2022, 3, 31)) for _ in outcomes)
    companies = []
    for k, (d, outcome) in enumerate(zip(starts, outcomes, strict=True), start=1):
        hk = k % 5 != 0
        country = "HK" if hk else rng.choice(("CN", "SG"))
        c = book.company(f"vc-{k:02d}", themes[k % 5], hk, country)
        book.mark_path(c, d, outcome, calm=2)
        itvf_deal(book, d, c, rounded(MILLION * rng.randint(15, 45), 500_000), "Initial round")
        companies.append((c, d, outcome))
    return companies


def itvf_running(book: Book, companies: list[tuple[str, date, str]]) -> None:
    """Dividends from early steady companies, portfolio fees and the management fees they
    offset (on net invested capital after 2023), expenses."""
    rng = book.rng
    for c, d, outcome in companies:
        for year in range(2023, 2027) if outcome == "steady" and d < date(2021, 1, 1) else ():
            paid = workday(date(year, 6, 20))
            if book.position("itvf", c, paid) > 0:
                dividend = cents(book.cost("itvf", c) * pct(150, 300, rng))
                book.txn(
                    paid, "itvf", "income", dividend, holding=c, memo=f"Dividend, FY{year - 1}"
                )
    build_portfolio_fees(book, ("itvf",))
    book_fees(book, "itvf")
    memo = 'Legal fees, "ITVF" co-investment agreement and partner onboarding'
    book.txn(workday(ITVF_START + timedelta(days=20)), "itvf", "expense", Decimal(1_850_000),
             memo=memo, extra={"category": "legal"})  # fmt: skip
    for q in quarter_ends(ITVF_START, END):
        memo = f"Fund administration and custody, quarter to {q:%d %B %Y}"
        fee = Decimal(rng.randint(90, 160) * 1000)
        book.txn(
            workday(q), "itvf", "expense", fee, memo=memo, extra={"category": "administration"}
        )
    for year in range(2019, 2027):
        memo = f"Audit fee, FY{year - 1}/{year % 100}"
        fee = Decimal(rng.randint(280, 420) * 1000)
        book.txn(workday(date(year, 3, 25)), "itvf", "expense", fee, memo=memo,
                 extra={"category": "audit_tax"})  # fmt: skip


def itvf_deal(book: Book, d: date, company: str, amount: Decimal, label: str) -> None:
    """A fund ticket with one or two partners co-investing directly alongside."""
    book.invest(d, "itvf", company, amount, f"{label}, co-investment with partners")
    partners = book.rng.sample(ITVF_PARTNERS, book.rng.randint(1, 2))
    for investor, _, _ in sorted(partners):
        extra = rounded(amount * pct(5000, 15000, book.rng), 100_000)
        memo = f"{label}: partner invests directly on the same terms"
        book.txn(d, "itvf", "co_investment", extra, investor, company, memo)


def itvf_exits(book: Book, companies: list[tuple[str, date, str]]) -> None:
    """Follow-ons before 2024, then exits from 2022 each followed by a pro-rata distribution."""
    rng = book.rng
    for c, d, outcome in companies:
        if outcome in ("star", "steady") and rng.randint(1, 2) == 1:
            later = rand_date(rng, d + timedelta(days=270), d + timedelta(days=640))
            amount = rounded(MILLION * rng.randint(10, 30), 500_000)
            itvf_deal(book, later, c, amount, "Follow-on round")
    lps = book.fund_commitments("itvf")
    taken: set[str] = set()
    for when, share, premium in ITVF_EXITS:
        wanted = ("down",) if Decimal(premium) < 1 else ("star", "steady")
        sold = exit_candidate(book, companies, taken, when, wanted)
        if sold is None:
            continue
        taken.add(sold)
        memo = "Trade sale" if share == "1" else "Partial sale, secondary"
        proceeds = book.sell(when, "itvf", sold, Decimal(share), Decimal(premium), memo)
        paid = workday(when + timedelta(days=21))
        memo = f"Distribution of sale proceeds ({book.companies[sold][0]})"
        for (investor, _), part in zip(lps, allocate(proceeds, [a for _, a in lps]), strict=True):
            book.txn(paid, "itvf", "distribution", part, investor=investor, memo=memo)


def itvf_write_off(book: Book, companies: list[tuple[str, date, str]]) -> None:
    """The first company marked down hard is written off at WRITE_OFF: no marks after it."""
    c = next(c for c, _, outcome in companies if outcome == "writedown")
    memo = "Written off: the company has entered liquidation, no recovery expected"
    book.write_off(WRITE_OFF, "itvf", c, memo)


def exit_candidate(
    book: Book,
    companies: list[tuple[str, date, str]],
    taken: set[str],
    when: date,
    wanted: tuple[str, ...],
) -> str | None:
    """A company held 18 months since its last round, of a wanted outcome if one is left."""
    ripe = [(c, outcome) for c, _, outcome in companies if c not in taken
            and book.last_buy("itvf", c) <= when - timedelta(days=540)]  # fmt: skip
    preferred = [c for c, outcome in ripe if outcome in wanted]
    fallback = [c for c, outcome in ripe if outcome != "writedown"]
    choices = preferred or fallback
    return choices[0] if choices else None


def build_mplus(book: Book) -> None:
    """About 30 grants of at most HK$250,000, matched 1:2 by the companies, a few short."""
    rng = book.rng
    name = "Manufacturing and Production Line Upgrade Support Pilot Programme"
    book.fund("mplus", name, "programme", "HKD", 2025, ITC, "", None)
    book.commit("mplus", "gov-hksar", date(2025, 11, 18), 100 * MILLION)
    dates = sorted(rand_date(rng, date(2025, 11, 24), date(2026, 9, 30)) for _ in range(30))
    short = set(rng.sample(range(30), 4))
    paid: dict[date, Decimal] = defaultdict(Decimal)
    for k, d in enumerate(dates):
        paid[d] += grant_with_matching(book, d, mplus_company(book, k + 1), k in short)
    paid[SECOND_GRANT[1]] += second_grant(book)
    for d, amount in sorted(paid.items()):
        memo = "Funding of approved grants, 生產線升級支援計劃"
        book.txn(d, "mplus", "contribution", amount, investor="gov-hksar", memo=memo)


# The planted breach of the cap: a second grant to this company on this date takes its grants
# to HK$325,000 (the cap is HK$250,000), matched in full in two instalments.
SECOND_GRANT = ("pl-01", date(2026, 6, 15), Decimal(325_000))


def second_grant(book: Book) -> Decimal:
    """The second grant of SECOND_GRANT's company (to its total) and its matching."""
    company, d, total = SECOND_GRANT
    first = sum(
        (a for _, f, k, _, h, a, _ in book.txns if (f, k, h) == ("mplus", "grant", company)),
        Decimal(0),
    )
    grant = total - first
    memo = "Grant (1:2 matching), production line upgrade: second line (a second grant)"
    book.txn(d, "mplus", "grant", grant, holding=company, memo=memo)
    for j, part in enumerate(allocate(2 * grant, [Decimal(1)] * 2)):
        memo = f"Company's own contribution, instalment {j + 1} of 2 (second line)"
        book.txn(d + timedelta(days=30 * j), "mplus", "matching", part, holding=company, memo=memo)
    return grant


def grant_with_matching(book: Book, d: date, company: str, short: bool) -> Decimal:
    """One grant and the company's own instalments, a month apart: at least twice it, unless
    `short`; the instalments due after the book's end are not booked (still due: pending)."""
    rng = book.rng
    grant = Decimal(rng.randint(24, 50) * 5000)
    line = rng.choice(PL_LINES)
    memo = f"Grant (1:2 matching), production line upgrade: {line}"
    book.txn(d, "mplus", "grant", grant, holding=company, memo=memo)
    ratio = pct(12000, 18500, rng) if short else pct(20000, 26000, rng)
    total = max((grant * ratio / 100).to_integral_value(ROUND_CEILING) * 100,
                grant * (1 if short else 2))  # fmt: skip
    parts = rng.randint(2, 4)
    for j, part in enumerate(allocate(total, [Decimal(1)] * parts)):
        memo = f"Company's own contribution, instalment {j + 1} of {parts} ({line})"
        when = d + timedelta(days=30 * j)
        if when <= END:
            book.txn(when, "mplus", "matching", part, holding=company, memo=memo)
    return grant


def mplus_company(book: Book, k: int) -> str:
    """A Hong Kong manufacturer with a production line (every sixth has a Chinese name)."""
    rng = book.rng
    if k % 6 == 0:
        name = book.new_name(lambda: rng.choice(ZH_PL))
        theme = OTHER
    else:
        trade, theme = rng.choice(PL_TRADES)
        name = book.new_name(lambda: f"{rng.choice(PL_DISTRICTS)} {trade} Company Limited")
    book.companies[f"pl-{k:02d}"] = (name, theme, True, "HK")
    return f"pl-{k:02d}"

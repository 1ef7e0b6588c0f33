"""Carried interest by distribution waterfall, per partner: European or American (pure)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_EVEN, Context, Decimal

import polars as pl

from fundbook.metrics.money import CENTS, allocate, as_money, cents, from_cents

UNITS = 10**8  # the fractions of terms.csv have 8 places
TIERS = ("return_of_capital", "preferred_return", "catch_up", "split")
BASES = ("paid", "liquidation")
# The hurdle balance grows by (1 + hurdle) ** (days / 365): 40 digits keep it exact to far
# below a cent before its one rounding per distribution.
_CONTEXT = Context(prec=40, rounding=ROUND_HALF_EVEN)
CARRY_COLUMNS = {
    "fund_id": pl.String(),
    "investor_id": pl.String(),
    "gp_investor_id": pl.String(),
    "waterfall": pl.String(),
    "bears_carry": pl.Boolean(),
    "contributed": CENTS,
    "distributed": CENTS,
    "nav": CENTS,
    "carry_paid": CENTS,
    "carry_booked": CENTS,
    "carry_on_liquidation": CENTS,
    "whole_fund_carry": CENTS,
    "carry_entitlement": CENTS,
    "accrued_carry": CENTS,
    "clawback_exposure": CENTS,
    "nav_net": CENTS,
}
TIER_COLUMNS = {
    "fund_id": pl.String(),
    "investor_id": pl.String(),
    "basis": pl.String(),
    "tier": pl.String(),
    "amount": CENTS,
    "to_partner": CENTS,
    "to_gp": CENTS,
}


@dataclass(frozen=True)
class CarryTerms:
    """A partner's carry terms: fractions in 10⁻⁸ (carry 0 for the GP and exempt partners)."""

    carry: int
    catch_up: int
    hurdle: Decimal


@dataclass
class Ledger:
    """One run of the tiers: what the partner put in and got, the GP's carry, and the
    hurdle balance (contributions less the partner's receipts, each grown at the hurdle
    from its date) as of `at`. Amounts in cents."""

    terms: CarryTerms
    contributed: int = 0
    received: int = 0  # by the partner
    distributed: int = 0  # gross: the partner's and the GP's
    carry: int = 0
    balance: Decimal = Decimal(0)
    at: date | None = None
    tiers: dict[str, list[int]] = field(default_factory=lambda: {t: [0, 0, 0] for t in TIERS})

    def roll(self, when: date) -> None:
        """The hurdle balance grown to `when`: x (1 + hurdle) ** (days / 365)."""
        if self.at is not None and when > self.at and self.balance and self.terms.hurdle:
            years = _CONTEXT.divide(Decimal((when - self.at).days), Decimal(365))
            growth = _CONTEXT.power(1 + self.terms.hurdle, years)
            self.balance = _CONTEXT.multiply(self.balance, growth)
        self.at = when if self.at is None else max(self.at, when)

    def contribute(self, when: date, amount: int) -> None:
        self.roll(when)
        self.contributed += amount
        self.balance += amount

    def distribute(self, when: date, amount: int) -> int:
        """Split a distribution into the tiers; returns the GP's carry out of it."""
        self.roll(when)
        unreturned = max(0, self.contributed - self.received)
        hurdle = int(self.balance.quantize(Decimal(1), rounding=ROUND_HALF_EVEN))
        first = min(amount, max(unreturned, hurdle, 0))
        capital = min(first, unreturned)
        self._book("return_of_capital", capital, 0)
        self._book("preferred_return", first - capital, 0)
        rest = amount - first
        gp = self._gp_share(rest, self.distributed + amount)
        caught = self._catch_up_amount(rest, self.distributed + first)
        gp_caught = min(gp, _half_even(caught * self.terms.catch_up, UNITS))
        self._book("catch_up", caught, gp_caught)
        self._book("split", rest - caught, gp - gp_caught)
        self.received += amount - gp
        self.distributed += amount
        self.carry += gp
        self.balance -= amount - gp
        return gp

    def _gp_share(self, rest: int, distributed: int) -> int:
        """The GP's carry out of `rest` (after the partner's capital and preferred return):
        the catch-up (or carry) rate on it, but never past carry x the profit distributed so
        far; rounded half-even once."""
        rate = max(self.terms.catch_up, self.terms.carry)
        # rounded before the carry so far is taken off: half-even is not shift-invariant
        room = _half_even(self.terms.carry * (distributed - self.contributed), UNITS) - self.carry
        return max(0, min(_half_even(rest * rate, UNITS), room))

    def _catch_up_amount(self, rest: int, distributed: int) -> int:
        """How much of `rest` is the catch-up tier: until the GP holds carry x profit at the
        catch-up rate, i.e. (carry x profit - carry so far) / (catch-up - carry)."""
        t = self.terms
        if t.catch_up <= t.carry or rest <= 0:
            return 0
        room = t.carry * (distributed - self.contributed) - self.carry * UNITS
        return max(0, min(rest, _half_even(room, t.catch_up - t.carry)))

    def _book(self, tier: str, amount: int, to_gp: int) -> None:
        row = self.tiers[tier]
        row[0] += amount
        row[1] += amount - to_gp
        row[2] += to_gp


def _half_even(num: int, den: int) -> int:
    """num / den rounded half-even (den > 0), exact."""
    q, r = divmod(num, den)
    return q + (2 * r > den or (2 * r == den and q % 2 == 1))


Flow = tuple[date, int, int]  # date, order (contributions first on a day), signed cents


def run_tiers(
    terms: CarryTerms, flows: Iterable[Flow], nav: int, as_of: date
) -> tuple[Ledger, Ledger]:
    """The partner's flows through the tiers in date order (`paid`), then a liquidation at
    `nav` on `as_of` as one more distribution (the second ledger holds only its tiers)."""
    paid = Ledger(terms)
    for when, _, amount in sorted(flows):
        if amount < 0:
            paid.contribute(when, -amount)
        elif amount > 0:
            paid.distribute(when, amount)
    after = Ledger(terms, paid.contributed, paid.received, paid.distributed, paid.carry)
    after.balance, after.at = paid.balance, paid.at
    after.distribute(as_of, max(nav, 0))
    return paid, after


@dataclass(frozen=True)
class Waterfall:
    """`carry`: per (fund_id, investor_id) the carry paid on the distributions to date, the
    carry on a liquidation at NAV, the entitlement, accrued carry, clawback exposure and
    the partner's NAV net of accrued carry (columns `CARRY_COLUMNS`); `tiers`: per (fund_id,
    investor_id, basis, tier) each tier's amount and its split between the partner and the
    GP, for the distributions paid (`paid`) and for the liquidation at NAV (`liquidation`).
    Money as pl.Decimal(38, 2)."""

    carry: pl.DataFrame
    tiers: pl.DataFrame


def waterfall(
    flows: pl.DataFrame,
    nav: pl.DataFrame,
    terms: pl.DataFrame,
    investor_terms: pl.DataFrame,
    as_of: date,
    booked: pl.DataFrame | None = None,
) -> Waterfall:
    """Carried interest per partner of every fund whose terms set `carry_pct`
    (docs/methods.md, *Carried interest*).

    `flows`: (fund_id, investor_id, deal_id, date, kind, amount) each partner's contributions
    (`kind` contribution: for investments, fees and expenses) and the distributions made out
    of its share before carry (`kind` distribution: what it received plus the carry paid out
    of it), dated on or before `as_of`; `deal_id` (a holding) matters only to an American
    waterfall. `nav`: (fund_id, investor_id, deal_id, nav) the partner's capital account
    before carry at `as_of` (by deal for an American waterfall), liquidated as one more
    distribution. `terms`, `investor_terms`: the frames of those names. `booked`: (fund_id,
    investor_id, carry_booked) the carry the GP was actually paid out of each partner's
    distributions (the book's `carry` rows); without it the GP is taken to have been paid
    what the tiers gave it on the distributions (`carry_paid`). Accrued carry and the
    clawback exposure are measured against what was paid."""
    # A loop per partner and flow, not vectorised: each distribution's tiers depend on what
    # the ones before it paid. A fund has tens of partners and flows, not millions.
    carry_rows: list[dict[str, object]] = []
    tier_rows: list[dict[str, object]] = []
    by_partner = _flows_by_partner(flows)
    paid_to_gp = _booked_cents(booked)
    nav_by_partner = _navs_by_partner(nav)
    for fund in terms.filter(pl.col("carry_pct").is_not_null()).iter_rows(named=True):
        exempt = _exempt(investor_terms, fund)
        keys = {k for k in (*by_partner, *nav_by_partner) if k[0] == fund["fund_id"]}
        for key in sorted(keys, key=str):
            own = by_partner.get(key, [])
            worth = nav_by_partner.get(key, [])
            c, t = _partner(fund, str(key[1]), key[1] not in exempt, own, worth, as_of)
            if booked is not None:
                c = _with_booked(c, paid_to_gp.get(key, 0))
            carry_rows.append(c)
            tier_rows += t
    carry = pl.DataFrame(carry_rows, schema=CARRY_COLUMNS, orient="row")
    tiers = pl.DataFrame(tier_rows, schema=TIER_COLUMNS, orient="row")
    return Waterfall(as_money(carry), as_money(tiers))


NO_DEAL = "\x00"  # the allocation key of a partner's NAV outside its fund's holdings (sorts first)


def partner_navs(
    accounts: pl.DataFrame, deals: pl.DataFrame, fund_navs: pl.DataFrame, american: list[str]
) -> pl.DataFrame:
    """Each partner's capital before accrued carry (`accounts`: fund_id, investor_id, nav in
    cents) as the waterfall's NAV (fund_id, investor_id, deal_id, nav as money); for the funds
    in `american` split over the fund's deals (`deals`: fund_id, deal_id, weight in cents: the
    holdings' values) with the rest of the fund's NAV (`fund_navs`: fund_id, nav in cents;
    cash, accruals) as no deal, by largest remainder so that the deals add up to the capital
    account. The book state and the general ledger both give it their own values."""
    whole = accounts.filter(~pl.col("fund_id").is_in(american)).select(
        "fund_id",
        "investor_id",
        pl.lit(None, pl.String).alias("deal_id"),
        from_cents(pl.col("nav")),
    )
    if not american:
        return whole
    held = deals.filter(pl.col("fund_id").is_in(american)).select(
        "fund_id", "deal_id", pl.col("weight").fill_null(0)
    )
    rest = (
        fund_navs.filter(pl.col("fund_id").is_in(american))
        .select("fund_id", "nav")
        .join(held.group_by("fund_id").agg(pl.col("weight").sum()), on="fund_id", how="left")
        .select(
            "fund_id",
            pl.lit(NO_DEAL).alias("deal_id"),
            (pl.col("nav") - pl.col("weight").fill_null(0)).cast(CENTS).alias("weight"),
        )
    )
    split = allocate(
        accounts.filter(pl.col("fund_id").is_in(american))
        .select("fund_id", "investor_id", "nav")
        .join(pl.concat([held, rest], how="vertical_relaxed"), on="fund_id")
        .with_columns(pl.format("{}|{}", "fund_id", "investor_id").alias("_p")),
        "nav",
        "weight",
        "_p",
        "deal_id",
        "deal_nav",
    )
    by_deal = split.select(
        "fund_id",
        "investor_id",
        pl.col("deal_id").replace(NO_DEAL, None),
        from_cents(pl.col("deal_nav")).alias("nav"),
    )
    return pl.concat([whole, by_deal], how="vertical_relaxed")


def deal_flows(
    transactions: pl.DataFrame, flows: pl.DataFrame, american: list[str], at: date
) -> pl.DataFrame:
    """The flows of the funds in `american` that name no deal given to the deals (DOMAIN: each
    deal with its share of fees and expenses): a contribution split over the fund's holdings
    by their cost invested to `at`, a distribution (or carry) by their proceeds to `at`,
    largest remainder per row; a fund without investments (or proceeds) keeps them as no
    deal. Other funds' flows are unchanged."""
    undealt = pl.col("fund_id").is_in(american) & pl.col("deal_id").is_null()
    if not american or flows.filter(undealt).is_empty():
        return flows
    basis = pl.when(pl.col("type") == "investment").then(pl.lit("contribution"))
    weights = (
        transactions.filter(
            pl.col("fund_id").is_in(american)
            & (pl.col("date") <= at)
            & pl.col("type").is_in(["investment", "proceeds"])
        )
        .with_columns(basis.otherwise(pl.lit("distribution")).alias("_basis"))
        .group_by("fund_id", "holding_id", "_basis")
        .agg(cents(pl.col("amount_fund")).sum().alias("_w"))
    )
    rows = (
        flows.filter(undealt)
        .with_row_index("_row")
        .with_columns(
            pl.when(pl.col("kind") == "contribution")
            .then(pl.lit("contribution"))
            .otherwise(pl.lit("distribution"))
            .alias("_basis"),
            cents(pl.col("amount")).alias("_c"),
        )
    )
    spread = rows.join(weights, on=["fund_id", "_basis"], how="inner")
    split = allocate(spread, "_c", "_w", "_row", "holding_id", "_part").select(
        "fund_id",
        "investor_id",
        pl.col("holding_id").alias("deal_id"),
        "date",
        "kind",
        from_cents(pl.col("_part")).alias("amount"),
    )
    kept = rows.join(spread.select("_row").unique(), on="_row", how="anti").select(flows.columns)
    return pl.concat([flows.filter(~undealt), kept, split.select(flows.columns)])


def _exempt(investor_terms: pl.DataFrame, fund: dict[str, object]) -> set[str]:
    """The partners of the fund that bear no carry: the GP's commitment and carry_exempt."""
    side = investor_terms.filter((pl.col("fund_id") == fund["fund_id"]) & pl.col("carry_exempt"))
    gp = [] if fund["gp_investor_id"] is None else [str(fund["gp_investor_id"])]
    return {*gp, *side["investor_id"]}


def _carry_terms(fund: dict[str, object], bears: bool) -> CarryTerms:
    def units(column: str) -> int:
        value = fund[column]
        return int(Decimal(str(value)) * UNITS) if value is not None else 0

    hurdle = Decimal(str(fund["hurdle_rate"] or 0))
    if not bears:
        return CarryTerms(0, 0, hurdle)
    return CarryTerms(units("carry_pct"), units("catch_up_pct"), hurdle)


# A partner's rows in plain Python, read once per call (small frames filtered per partner
# and deal cost more than the tiers themselves): flows as (deal, date, order, signed cents),
# contributions negative and first on their day; NAV as (deal, cents).
DealFlow = tuple[object, date, int, int]
DealNav = tuple[object, int]


def _flows_by_partner(flows: pl.DataFrame) -> dict[tuple[object, object], list[DealFlow]]:
    rows = flows.select(
        "fund_id",
        "investor_id",
        "deal_id",
        "date",
        (pl.col("kind") != "contribution").cast(pl.Int8).alias("_order"),
        pl.when(pl.col("kind") == "contribution")
        .then(pl.lit(0, CENTS) - cents(pl.col("amount")))
        .otherwise(cents(pl.col("amount")))
        .alias("_cents"),
    )
    out: dict[tuple[object, object], list[DealFlow]] = {}
    for fund, investor, deal, day, order, amount in rows.iter_rows():
        out.setdefault((fund, investor), []).append((deal, day, int(order), int(amount)))
    return out


def _navs_by_partner(nav: pl.DataFrame) -> dict[tuple[object, object], list[DealNav]]:
    rows = nav.select("fund_id", "investor_id", "deal_id", cents(pl.col("nav")).alias("_c"))
    out: dict[tuple[object, object], list[DealNav]] = {}
    for fund, investor, deal, amount in rows.iter_rows():
        out.setdefault((fund, investor), []).append((deal, int(amount or 0)))
    return out


def _signed(flows: list[DealFlow], deal: object = ...) -> list[Flow]:
    """(date, order, cents) of the flows (of one deal when `deal` is given)."""
    return [(d, o, a) for k, d, o, a in flows if deal is ... or k == deal]


def _nav_cents(nav: list[DealNav], deal: object = ...) -> int:
    return sum(a for k, a in nav if deal is ... or k == deal)


def _partner(
    fund: dict[str, object],
    investor: str,
    bears: bool,
    flows: list[DealFlow],
    nav: list[DealNav],
    as_of: date,
) -> tuple[dict[str, object], list[dict[str, object]]]:
    """One partner's carry figures and tiers (American: each deal, and the whole fund as the
    clawback's benchmark)."""
    terms = _carry_terms(fund, bears)
    paid, after = run_tiers(terms, _signed(flows), _nav_cents(nav), as_of)
    whole_fund = after.carry
    if fund["waterfall"] == "american":
        found = {k for k, *_ in flows} | {k for k, _ in nav}
        deals = sorted(found, key=lambda d: (d is None, str(d)))
        runs = [
            run_tiers(terms, _signed(flows, deal), _nav_cents(nav, deal), as_of) for deal in deals
        ]
        paid_tiers = _summed(r[0] for r in runs)
        after_tiers = _summed(r[1] for r in runs)
        carry_paid = sum(r[0].carry for r in runs)
        total = sum(r[1].carry for r in runs)
    else:
        paid_tiers, after_tiers = paid.tiers, after.tiers
        carry_paid, total = paid.carry, after.carry
    entitlement = min(total, whole_fund)
    nav_total = _nav_cents(nav)
    carry = {
        "fund_id": fund["fund_id"],
        "investor_id": investor,
        "gp_investor_id": fund["gp_investor_id"],
        "waterfall": fund["waterfall"],
        "bears_carry": bears,
        "contributed": paid.contributed,
        "distributed": paid.distributed,
        "nav": nav_total,
        "carry_paid": carry_paid,
        "carry_booked": carry_paid,
        "carry_on_liquidation": total - carry_paid,
        "whole_fund_carry": whole_fund,
        "carry_entitlement": entitlement,
        "accrued_carry": entitlement - carry_paid,
        "clawback_exposure": max(0, carry_paid - whole_fund),
        "nav_net": nav_total - (entitlement - carry_paid),
    }
    tiers = [
        {"fund_id": fund["fund_id"], "investor_id": investor, "basis": basis, "tier": tier,
         "amount": row[0], "to_partner": row[1], "to_gp": row[2]}
        for basis, book in zip(BASES, (paid_tiers, after_tiers), strict=True)
        for tier, row in book.items()
    ]  # fmt: skip
    return carry, tiers


def _booked_cents(booked: pl.DataFrame | None) -> dict[tuple[object, ...], int]:
    """Per (fund_id, investor_id): the carry booked as paid, in cents."""
    if booked is None or booked.is_empty():
        return {}
    rows = booked.group_by("fund_id", "investor_id").agg(cents(pl.col("carry_booked")).sum())
    return {(f, i): int(a) for f, i, a in rows.iter_rows()}


def _with_booked(carry: dict[str, object], booked: int) -> dict[str, object]:
    """The partner's carry figures against the carry actually paid (`booked`): accrued =
    entitlement - booked, clawback exposure = booked - whole-fund carry (not below 0)."""
    entitlement, whole_fund, nav = (
        int(str(carry[c])) for c in ("carry_entitlement", "whole_fund_carry", "nav")
    )
    return carry | {
        "carry_booked": booked,
        "accrued_carry": entitlement - booked,
        "clawback_exposure": max(0, booked - whole_fund),
        "nav_net": nav - (entitlement - booked),
    }


def _summed(ledgers: Iterable[Ledger]) -> dict[str, list[int]]:
    out = {t: [0, 0, 0] for t in TIERS}
    for ledger in ledgers:
        for tier, row in ledger.tiers.items():
            out[tier] = [a + b for a, b in zip(out[tier], row, strict=True)]
    return out

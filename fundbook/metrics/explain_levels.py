"""Explain figures of the programme, grant, compliance, cash-flow, flow and reference levels."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import polars as pl

from fundbook.core.types import (
    GRANT_CAP_PER_COMPANY_HKD,
    GRANT_MATCHING_RATIO,
    REPORTING_CURRENCY,
    STRATEGIC_THEMES,
)
from fundbook.metrics import lineage as ln
from fundbook.metrics.compliance import compliance, fund_facts
from fundbook.metrics.explain_book import Ctx, ratio_lines, text_lines
from fundbook.metrics.explain_theme import shared
from fundbook.metrics.grants import COMPLIANT, GRANT_STATUS, MATCHING_DEADLINE, OVER_CAP
from fundbook.metrics.money import from_cents
from fundbook.metrics.programme import (
    HISTORICAL,
    NOT_COMMITTED_SCOPES,
    PROGRAMME_MEETS_TARGET,
    SIZE_SHORTFALL,
    TARGET_AMPLIFICATION,
    TARGET_SIZE,
    TARGET_STATUS,
    government_budget,
    programme_items,
    programme_scope,
)


def constant_line(item: str, value: Any) -> pl.DataFrame:
    return ln.value_line(item, value, "constant", source="fundbook.core.types")


# -- programmes and grants -------------------------------------------------------------------

_PROGRAMME_SUMS = ("government_committed", "social_committed", "government_paid_in")


def _item_lines(ctx: Ctx, which: pl.Expr, rate: str) -> pl.DataFrame:
    """The programme's items (`programme_items`) selected by `which`, in HKD, as terms."""
    items = programme_items(ctx.frames, ctx.as_of).filter(
        (pl.col("programme") == ctx.row["programme"]) & which
    )
    for key in ("scope", "fund_id"):  # a scope's items; a fund's (level programme_fund)
        if ctx.row.get(key) is not None:
            items = items.filter(pl.col(key) == ctx.row[key])
    return ln.frame_lines(
        items.sort("date", "source_file", "source_line"),
        "term",
        date=pl.col("date"),
        kind=pl.lit("row"),
        item=pl.format("{} of {} (in HKD {})", "label", "fund_id", pl.lit(rate)),
        source=pl.format("{}:{}", "source_file", "source_line"),
        amount=pl.col("amount").cast(ln.MONEY) / 100,
    )


def _not_committed_lines(ctx: Ctx) -> pl.DataFrame:
    """The government's commitments to the programme's own fund (in HKD at the as-of rate)
    less the government's commitments of its sub-funds and direct scopes (the stored rows);
    null on a row other than the sub_funds row of a programme with member funds."""
    programme = ctx.row["programme"]
    budget = government_budget(ctx.frames, ctx.as_of)
    if ctx.row["scope"] != "sub_funds" or programme not in budget["programme"].to_list():
        item = "government_not_committed: only a programme with member funds, its sub_funds row"
        source = f"{_PROGRAMME}.GOVERNMENT_NOT_COMMITTED"
        return ln.value_line(item, None, "derived", source=source)
    government = ctx.frames.investors.filter(pl.col("kind") == "government")["investor_id"]
    commits = ctx.frames.commitments.filter(
        (pl.col("date") <= ctx.as_of)
        & (pl.col("fund_id") == programme)
        & pl.col("investor_id").is_in(government.implode())
    )
    scopes = ctx.level_rows("programme").filter(
        (pl.col("programme") == programme) & pl.col("scope").is_in(NOT_COMMITTED_SCOPES)
    )
    where = f"{ctx.stored.where}: programme.government_committed"
    return ln.concat(
        [
            ln.commitment_lines(commits, rate=ctx.rate(programme, REPORTING_CURRENCY)),
            ln.stored_lines(
                scopes,
                "government_committed",
                pl.format("less government_committed of scope {}", "scope"),
                where,
                sign=-1,
            ),
        ]
    )


def programme_lines(ctx: Ctx, figure: str) -> pl.DataFrame:
    """A programme's capital (the items of `programme_items`), ratios, grants and target."""
    side, _, basis = figure.partition("_")
    if side in ("government", "social") and basis in ("committed", "paid_in"):
        which = (pl.col("basis") == basis) & (pl.col("side") == side)
        return _item_lines(ctx, which, "at the as-of rate")
    if figure in ("committed", "paid_in"):
        return ln.concat([ctx.figure(f"government_{figure}"), ctx.figure(f"social_{figure}")])
    if figure == HISTORICAL:  # every paid-in item at the rate of its own date
        return _item_lines(ctx, pl.col("basis") == HISTORICAL, "at the rate of its date")
    if figure == "government_unfunded":  # committed less paid-in, government side
        return ln.concat(
            [ctx.figure("government_committed"), ctx.figure("government_paid_in", sign=-1)]
        )
    if figure == "government_not_committed":
        return _not_committed_lines(ctx)
    if figure == "paid_in_fx_translation":  # paid-in at the as-of rate less at historical
        return ln.concat([ctx.figure("paid_in"), ctx.figure(HISTORICAL, sign=-1)])
    if figure in ("amplification", "social_leverage", "paid_in_leverage", "matching_ratio"):
        return ratio_lines(ctx, figure)
    if figure in ("target_amplification", "target_size"):
        kind = text_lines(ctx, "kind", "funds", "programme")
        inputs = {
            "kind": kind["text"][0],
            "member_funds": ctx.row["member_funds"],
            "scope": ctx.row["scope"],
        }
        rule = ln.rule_line(
            f"{figure} of the programme's kind and scope",
            TARGET_AMPLIFICATION if figure == "target_amplification" else from_cents(TARGET_SIZE),
            inputs,
            f"{_PROGRAMME}.{figure.upper()}",
        )
        return ln.concat([kind, ctx.figure("member_funds", "shown"), rule])
    if figure == "target_date":  # the programme's own fund's investment period end
        return text_lines(ctx, "investment_period_end", "funds", "programme")
    if figure == "scope":
        return constant_line("the scope of the row (metrics.programme.SCOPES)", ctx.row["scope"])
    if figure == "size_shortfall":
        return _decided(ctx, SIZE_SHORTFALL, ("target_size", "committed"))
    if figure == "target_status":
        return _target_status(ctx)
    if figure == "meets_target":
        return _decided(ctx, PROGRAMME_MEETS_TARGET, ("target_status",))
    if figure == "member_funds":  # the sub-funds; no member funds in another scope
        if ctx.row["scope"] != "sub_funds":
            item = f"member_funds: scope {ctx.row['scope']} has no member funds (null)"
            return ln.value_line(item, None, "derived", source=f"{_PROGRAMME}.MEMBER_FUNDS")
        members = ctx.frames.funds.filter(pl.col("programme_id") == ctx.row["programme"])
        return ln.frame_lines(
            members, "counted", item=pl.format("member fund {}", "fund_id"), count=pl.lit(1)
        )
    if figure == "currency":
        return constant_line("programmes are stated in", REPORTING_CURRENCY)
    if figure in _GRANT_COUNTS or figure in ("grants", "matching", "grant_companies"):
        return _programme_grant_lines(ctx, figure)
    if figure == "budget":
        return _budget_lines(ctx)
    if figure == "budget_used":
        return ratio_lines(ctx, figure)
    return text_lines(ctx, figure, "funds", "programme")


_PROGRAMME = "fundbook.metrics.programme"
_GRANTS = "fundbook.metrics.grants"
# The programme's counts of companies by status (and the list of those short).
_GRANT_COUNTS = {
    "companies_short": "short",
    "short_companies": "short",
    "companies_pending": "pending",
    "companies_over_cap": "over_cap",
}


def _decided(ctx: Ctx, rule: pl.Expr, inputs: tuple[str, ...]) -> pl.DataFrame:
    """The stored figures a flag is decided from (shown), and the metrics' rule on them."""
    shown = [ctx.figure(f, "shown") for f in inputs]
    item = f"by the metrics' rule on {', '.join(inputs)}"
    decided = ln.rule_line(item, rule, {f: ctx.row[f] for f in inputs}, _PROGRAMME)
    return ln.concat([*shown, decided])


def _target_status(ctx: Ctx) -> pl.DataFrame:
    """Pass when the amplification (and size) targets are met; watch before the end of the
    programme's investment period (`target_date`) for the sub-funds' scope; else fail."""
    inputs = ("amplification", "target_amplification", "committed", "target_size", "target_date")
    values = {f: ctx.row[f] for f in inputs}
    date_ = ctx.row["target_date"]
    values["target_not_yet_judged"] = date_ is None or date_ > ctx.as_of
    values["scope"] = ctx.row["scope"]
    shown = [ctx.figure(f, "shown") for f in inputs]
    asof = ln.value_line("the as-of date", ctx.as_of, "shown")
    decided = ln.rule_line("by the metrics' rule", TARGET_STATUS, values, _PROGRAMME)
    return ln.concat([*shown, asof, decided])


def _programme_grant_lines(ctx: Ctx, figure: str) -> pl.DataFrame:
    """A programme's grants and matching (its funds' grant rows), and the companies counted."""
    scope = programme_scope(ctx.frames, ctx.as_of).filter(
        (pl.col("programme") == ctx.row["programme"]) & (pl.col("scope") == ctx.row["scope"])
    )
    grants = ctx.level_rows("grant").filter(pl.col("fund_id").is_in(scope["fund_id"].implode()))
    if figure in ("grants", "matching"):  # each company's, in HKD
        return _grant_rows(ctx, grants, f"{figure}_hkd", "term")
    if grants.height == 0:  # no grant rows: `programme_metrics` has none to count or list
        item = f"{figure}: the programme's funds have no grant rows, so it is undefined"
        return ln.value_line(item, None, "derived", source=_PROGRAMME)
    if figure in _GRANT_COUNTS:  # counted, or listed (short_companies: shown)
        grants = grants.filter(pl.col("status") == _GRANT_COUNTS[figure])
    lines = ln.frame_lines(
        grants,
        "shown" if figure == "short_companies" else "counted",
        item=pl.format("company {} (grants by {})", "company_id", "fund_id"),
        count=pl.lit(1),
        text=pl.col("company_id"),
    )
    if figure != "short_companies":
        return lines
    # as `programme_metrics` lists them: the companies short, sorted, joined by ", "
    named = ", ".join(sorted(grants["company_id"].to_list())) or None
    return ln.concat([lines, ln.value_line("the companies short, listed", named, "derived")])


def _budget_lines(ctx: Ctx) -> pl.DataFrame:
    """The commitments to the funds of the programme's scope that pay grants
    (`grants.grant_budget`, summed per programme and scope), in HKD."""
    scope = programme_scope(ctx.frames, ctx.as_of).filter(
        (pl.col("programme") == ctx.row["programme"]) & (pl.col("scope") == ctx.row["scope"])
    )
    payers = ctx.frames.transactions.filter(
        (pl.col("type") == "grant") & (pl.col("date") <= ctx.as_of)
    )["fund_id"].implode()
    rows = ctx.frames.commitments.filter(
        (pl.col("date") <= ctx.as_of)
        & pl.col("fund_id").is_in(scope["fund_id"].implode())
        & pl.col("fund_id").is_in(payers)
    )
    if rows.height == 0:
        return ln.value_line("no commitment to a fund paying grants", Decimal(0), "term")
    # in HKD: each fund's commitments converted once (`grants.grant_budget`)
    parts = []
    for fund in rows["fund_id"].unique().sort().to_list():
        mine, rate = rows.filter(pl.col("fund_id") == fund), ctx.rate(fund, REPORTING_CURRENCY)
        converted = ln.commitment_lines(mine, rate=rate)
        parts.append(ln.converted_lines(ln.commitment_lines(mine), converted, rate))
    return ln.concat(parts)


def _grant_rows(ctx: Ctx, grants: pl.DataFrame, column: str, role: str) -> pl.DataFrame:
    label = pl.format("{} of {} to {}", pl.lit(column), "fund_id", "company_id")
    return ln.stored_lines(grants, column, label, f"{ctx.stored.where}: grant.{column}", role)


def grant_lines(ctx: Ctx, figure: str) -> pl.DataFrame:
    """A company's grants and matching (their rows), ratio, shortfall and the cap."""
    rows = ctx.txns.filter(pl.col("holding_id") == ctx.row["company_id"])
    if figure in ("grants", "matching"):
        return ln.txn_lines(rows, {figure.removesuffix("s"): 1})
    if figure in ("grants_hkd", "matching_hkd"):
        rate = ctx.rate(ctx.row["fund_id"], REPORTING_CURRENCY)
        kind = {"grants_hkd": "grant", "matching_hkd": "matching"}[figure]
        converted = ln.txn_lines(rows, {kind: 1}, rate=rate)
        return ln.converted_lines(ln.txn_lines(rows, {kind: 1}), converted, rate)
    if figure == "matching_ratio":
        return ratio_lines(ctx, figure)
    if figure == "required_ratio":
        return constant_line("matching required per grant dollar", GRANT_MATCHING_RATIO)
    if figure == "compliant":
        return _decided(ctx, COMPLIANT, ("matching_ratio", "required_ratio"))
    if figure == "over_cap":
        cap = Decimal(GRANT_CAP_PER_COMPANY_HKD)
        grants = ctx.row["grants_hkd"]
        cents = {"grants_hkd": None if grants is None else int(grants * 100)}
        return ln.concat(
            [
                ctx.figure("grants_hkd", "shown"),
                ln.value_line("cap (HKD)", cap, "shown", source="fundbook.core.types"),
                ln.rule_line("grants_hkd > the cap", OVER_CAP, cents, _GRANTS + ".OVER_CAP"),
            ]
        )
    if figure == "last_grant_date":
        grant_rows = rows.filter(pl.col("type") == "grant")
        latest = grant_rows["date"].max() if grant_rows.height else None
        return ln.concat(
            [
                ln.txn_lines(rows, {"grant": 1}, "shown"),
                ln.value_line("the latest of the grant rows' dates", latest, "derived"),
            ]
        )
    if figure == "matching_deadline":
        return _deadline_lines(ctx)
    if figure == "status":
        return _status_lines(ctx)
    if figure == "shortfall":
        required = ctx.row["grants"] * int(GRANT_MATCHING_RATIO * 100) / 100
        role = "term" if ctx.row[figure] else "shown"
        return ln.concat(
            [
                ln.value_line(
                    f"matching required: grants x {GRANT_MATCHING_RATIO}", required, role
                ),
                ln.txn_lines(rows, {"matching": -1}, role),
            ]
        )
    return text_lines(ctx, figure)


def _deadline_lines(ctx: Ctx) -> pl.DataFrame:
    """The last grant's date, the months of the fund's terms, and the deadline they give."""
    months = text_lines(ctx, "matching_deadline_months")
    booked = months["text"][0]
    inputs = {
        "last_grant_date": ctx.row["last_grant_date"],
        "matching_deadline_months": None if booked is None else int(booked),
    }
    rule = ln.rule_line(
        "last grant date + matching_deadline_months (none without them)",
        MATCHING_DEADLINE,
        inputs,
        _GRANTS + ".MATCHING_DEADLINE",
    )
    return ln.concat([ctx.figure("last_grant_date", "shown"), months, rule])


def _status_lines(ctx: Ctx) -> pl.DataFrame:
    """The figures a company's status is decided from, the as-of date, and the rule."""
    shown = ("grants_hkd", "matching_ratio", "required_ratio", "matching_deadline")
    grants = ctx.row["grants_hkd"]
    inputs = {f: ctx.row[f] for f in shown} | {
        "grants_hkd": None if grants is None else int(grants * 100),
        "as_of": ctx.as_of,
    }
    cap = Decimal(GRANT_CAP_PER_COMPANY_HKD)
    return ln.concat(
        [
            *(ctx.figure(f, "shown") for f in shown),
            ln.value_line("cap (HKD)", cap, "shown", source="fundbook.core.types"),
            ln.value_line("as of", ctx.as_of, "shown"),
            ln.rule_line(
                "over_cap if grants_hkd > the cap, else ok if matching_ratio >= "
                "required_ratio, else pending on or before matching_deadline, else short",
                GRANT_STATUS,
                inputs,
                _GRANTS + ".GRANT_STATUS",
            ),
        ]
    )


# -- compliance ------------------------------------------------------------------------------

# rule -> (numerator fact, denominator fact) of its ratio (fund_facts, HKD).
_RULE_RATIOS = {
    "government_share": ("government", "size"),
    "hk_nexus_of_invested": ("nexus_invested", "invested"),
    "hk_nexus_of_size": ("nexus_invested", "size"),
    "hk_production": ("production", "size"),
    "themes": ("outside_invested", "invested"),
}


def compliance_lines(ctx: Ctx, figure: str) -> pl.DataFrame:
    """A rule's amount (its rows in HKD), ratio (of the sub-fund's facts), and status."""
    rule = ctx.row["rule"]
    if figure == "amount" and rule in _PROGRAMME_AMOUNTS:
        return _programme_rule_amount(ctx, rule)
    if figure == "amount" and rule in _AMOUNT_RULES:
        rate = ctx.rate(ctx.row["fund_id"], REPORTING_CURRENCY)
        return ln.converted_lines(
            _rule_amount(ctx, rule, None), _rule_amount(ctx, rule, rate), rate
        )
    if figure == "ratio" and rule in _RULE_RATIOS:
        facts = fund_facts(ctx.frames, ctx.as_of).filter(pl.col("fund_id") == ctx.row["fund_id"])
        fact = facts.row(0, named=True)
        num, den = _RULE_RATIOS[rule]
        where = "metrics.compliance.fund_facts (HKD at the date's rates)"
        return ln.concat(
            [
                ln.value_line(num, Decimal(fact[num]) / 100, "numerator", source=where),
                ln.value_line(den, Decimal(fact[den]) / 100, "denominator", source=where),
            ]
        )
    checked = compliance(ctx.frames, ctx.as_of).filter(
        (pl.col("fund_id") == ctx.row["fund_id"]) & (pl.col("rule") == rule)
    )
    shown = [ctx.figure(f, "shown") for f in ("ratio", "amount") if figure == "status"]
    value = checked[figure][0] if checked.height == 1 else None
    decided = ln.value_line(
        f"{figure} of rule {rule} by metrics.compliance (from the book's rows)",
        value,
        "derived",
        source="fundbook.metrics.compliance",
    )
    return ln.concat([*shown, decided])


# The programme rules whose amount is a figure of the stored levels: (level, scopes, column).
_PROGRAMME_AMOUNTS = {
    "programme_size": ("programme", ("sub_funds",), "committed"),
    "government_cap": ("programme", ("sub_funds", "direct"), "government_committed"),
    "grant_cap": ("grant", (), "grants_hkd"),
}


def _programme_rule_amount(ctx: Ctx, rule: str) -> pl.DataFrame:
    """A programme rule's amount from the stored rows it is read from: the programme's scopes
    (summed: the government cap adds the sub-funds and the direct co-investments), or the
    largest of the grant level's companies of the paying fund (`grant_cap`)."""
    level, scopes, column = _PROGRAMME_AMOUNTS[rule]
    where = f"{ctx.stored.where}: {level}.{column}"
    if level == "grant":
        rows = ctx.level_rows("grant").filter(pl.col("fund_id") == ctx.row["fund_id"])
        label = pl.format("grants of {} (HKD)", "company_id")
        largest = rows.filter(pl.col(column) == pl.col(column).max())[:1]
        return ln.concat(
            [
                ln.stored_lines(rows, column, label, where, "shown"),
                ln.stored_lines(largest, column, pl.lit("the largest"), where),
            ]
        )
    rows = ctx.level_rows("programme").filter(
        (pl.col("programme") == ctx.row["fund_id"]) & pl.col("scope").is_in(list(scopes))
    )
    return ln.stored_lines(
        rows, column, pl.format("{} of scope {}", pl.lit(column), "scope"), where
    )


# The rules whose amount is a sum in HKD: of commitments, production spend or invested cost.
_AMOUNT_RULES = ("size", "government_amount", "hk_production", "themes")


def _rule_amount(ctx: Ctx, rule: str, rate: tuple[Any, Any] | None) -> pl.DataFrame:
    """The rows a rule's amount sums, converted each at `rate` (None: in the fund's currency)."""
    if rule == "size":
        return ln.commitment_lines(ctx.commitments(), rate=rate)
    if rule == "government_amount":
        return ln.commitment_lines(ctx.commitments("government"), rate=rate)
    if rule == "hk_production":  # spend during the investment period only
        fund = ctx.frames.funds.filter(pl.col("fund_id") == ctx.row["fund_id"])
        end = fund["investment_period_end"][0] if fund.height else None
        spend = ctx.txns if end is None else ctx.txns.filter(pl.col("date") <= end)
        return ln.txn_lines(spend, {"hk_production_spend": 1}, rate=rate)
    themes = ctx.frames.companies.filter(~pl.col("theme").is_in(STRATEGIC_THEMES))
    outside = ctx.level_rows("holding").filter(
        (pl.col("fund_id") == ctx.row["fund_id"])
        & pl.col("holding_id").is_in(themes["company_id"].implode())
    )
    if rate is not None:
        outside = shared(ctx, outside, None, REPORTING_CURRENCY)
    return ln.frame_lines(
        outside,
        "term",
        item=pl.format("invested in {} (outside the five themes)", "holding_id"),
        source=pl.lit(f"{ctx.stored.where}: holding.invested"),
        amount=pl.col("invested"),
    )


# -- cash flows, flows, reference data -------------------------------------------------------

_QUARTER = pl.format("{}Q{}", pl.col("date").dt.year(), pl.col("date").dt.quarter())
_CASH_FLOW = {
    "contributions": {"contribution": 1},
    "distributions": {"distribution": 1},
    "net_cash_flow": {"distribution": 1, "contribution": -1},
    "cumulative_net_cash_flow": {"distribution": 1, "contribution": -1},
    "invested": {"investment": 1},
    "received": {"proceeds": 1, "income": 1},
}


def cash_flow_lines(ctx: Ctx, figure: str) -> pl.DataFrame:
    """A quarter's contributions and distributions (rows), net, and the cumulative net."""
    quarter = ctx.row["quarter"]
    upto = _QUARTER <= quarter if figure.startswith("cumulative") else _QUARTER == quarter
    return ln.txn_lines(ctx.txns.filter(upto), _CASH_FLOW[figure])


def flow_lines(ctx: Ctx, figure: str) -> pl.DataFrame:
    """One capital call or distribution of the quarter: its ledger row (its own currency and
    amount as the ledger holds them: the store's `flows`, which the frames do not carry)."""
    if figure == "amount":
        row = ctx.txns.filter(pl.col("txn_id") == ctx.row["txn_id"])
        return ln.txn_lines(row, {ctx.row["type"]: 1})
    if figure in ("type", "date"):  # as the ledger row holds it
        row = ctx.txns.filter(pl.col("txn_id") == ctx.row["txn_id"])
        text = pl.col(figure).cast(pl.String)
        return ln.frame_lines(row, "shown", kind=pl.lit("row"), source=_ROW_SOURCE, text=text)
    flows = ctx.stored.reference.get("flows", pl.DataFrame(schema={"txn_id": pl.String}))
    row = flows.filter(pl.col("txn_id") == ctx.row["txn_id"])
    if figure == "amount_txn_currency":
        value = {"amount": pl.col(figure)}
    else:
        value = {"text": pl.col(figure).cast(pl.String)}
    if figure == "call_notice_date":  # the notice date as its calls.csv row holds it
        item = pl.format("notice date of call {}, as calls.csv holds it", "call_id")
        source = pl.format("{}:{}", "call_source_file", "call_source_line")
    else:
        item = pl.format("{} of {}, as the ledger row holds it", pl.lit(figure), "txn_id")
        source = _ROW_SOURCE
    return ln.frame_lines(
        row,
        "term" if figure == "amount_txn_currency" else "shown",
        date=pl.col("date"),
        kind=pl.lit("row"),
        item=item,
        source=source,
        **value,
    )


_ROW_SOURCE = pl.format("{}:{}", "source_file", "source_line")


def info_lines(ctx: Ctx, figure: str) -> pl.DataFrame:
    """Reference data: the value as the book's reference row (frames) holds it."""
    return text_lines(ctx, figure)

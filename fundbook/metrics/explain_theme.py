"""Explain figures of the theme levels: each holding behind a theme, shared and converted."""

from __future__ import annotations

from decimal import Decimal

import polars as pl

from fundbook.core.types import REPORTING_CURRENCY
from fundbook.metrics import lineage as ln
from fundbook.metrics.explain_book import Ctx, text_lines
from fundbook.metrics.exposure import SUB_FUND_THEME, programme_of
from fundbook.metrics.money import (
    cents,
    from_cents,
    from_fine,
    share_converted,
    share_converted_fine,
)


def theme_lines(ctx: Ctx, figure: str) -> pl.DataFrame:
    """A theme's holdings, invested cost and fair value: each holding's (or, looking through,
    each sub-fund holding's share), converted; its share of the group's fair value."""
    if figure == "share_of_fair_value":
        return _share(ctx)
    if figure == "currency" and ctx.row.get("fund_id") is None:
        return _every_fund_currency()
    if figure not in ("fair_value", "invested", "holdings"):
        return text_lines(ctx, figure)
    rows = _exposure(ctx)
    if figure == "holdings":
        held = rows.filter(pl.col("held")).group_by("holding_id").agg(pl.col("fund_id").sort())
        return ln.frame_lines(
            held.sort("holding_id"),
            "counted",
            item=pl.format(
                "company {} held (by {})", "holding_id", pl.col("fund_id").list.join(", ")
            ),
            count=pl.lit(1),
        )
    lines = ln.frame_lines(
        rows,
        "term",
        item=pl.format("{} of {} in {}", pl.lit(figure), "holding_id", "label"),
        source=pl.lit(f"{ctx.stored.where}: holding.{figure}"),
        amount=pl.col(figure),
    )
    if ctx.level == "theme_look_through":  # rounded once per company and route (by_company)
        exact = _per_route(rows, f"{figure}_fine").item()
        how = "the exact shares converted, summed per company and route, each rounded once"
    else:
        exact = rows.select(from_cents(from_fine(pl.col(f"{figure}_fine").sum()))).item()
        how = "the exact shares converted, summed, rounded half-even once"
    return ln.concat([lines, ln.rounding_line(lines, exact, how=how)])


def _per_route(rows: pl.DataFrame, fine: str) -> pl.DataFrame:
    """The exact shares summed per company and route (direct: the line of the holder itself;
    through the sub-funds: the others), each rounded half-even once, then summed."""
    direct = pl.col("label") == pl.col("fund_id")
    per = rows.group_by("holding_id", direct.alias("_direct")).agg(
        from_fine(pl.col(fine).sum()).alias("_c")
    )
    return per.select(from_cents(pl.col("_c").sum()))


def _every_fund_currency() -> pl.DataFrame:
    """The themes of every fund are stated in the reporting currency (`theme_exposure`)."""
    return ln.value_line(
        "the themes of every fund are in the reporting currency",
        REPORTING_CURRENCY,
        "derived",
        source="fundbook.core.types",
    )


def _currency(ctx: Ctx) -> str:
    """The row's currency as its lines give it: its fund's (reference row), else HKD."""
    fund = ctx.row.get("fund_id") is not None
    lines = text_lines(ctx, "currency") if fund else _every_fund_currency()
    return str(lines["text"][0])


def _share(ctx: Ctx) -> pl.DataFrame:
    """The theme's fair value over the fair value of every theme of its group."""
    group = ctx.level_rows(ctx.level)
    key = "programme" if ctx.level == "theme" else "fund_id"
    group = group.filter(pl.col(key).eq_missing(ctx.row[key]))
    where = f"{ctx.stored.where}: {ctx.level}.fair_value"
    label = pl.format("fair_value of {}", "theme")
    return ln.concat(
        [
            ctx.figure("fair_value", "numerator", label=f"fair_value of {ctx.row['theme']}"),
            ln.stored_lines(group, "fair_value", label, where, "denominator"),
        ]
    )


def _exposure(ctx: Ctx) -> pl.DataFrame:
    """The holdings behind one theme row: fund_id, holding_id, label, held, invested and
    fair_value converted (and shared) into the row's currency, each rounded to the cent."""
    holdings = ctx.level_rows("holding")
    themes = dict(ctx.frames.companies.select("company_id", "theme").iter_rows())
    to = _currency(ctx)
    if ctx.level == "theme_by_fund":
        parts = [shared(ctx, holdings.filter(pl.col("fund_id") == ctx.row["fund_id"]), None, to)]
    else:
        companies = holdings.filter(pl.col("holding_id").is_in(list(themes)))
        if ctx.level == "theme":  # the programme's own fund and its member funds
            holders = (
                programme_of(ctx.frames)
                .filter(pl.col("programme") == ctx.row["programme"])["fund_id"]
                .to_list()
            )
        else:  # looking through: the row's guidance fund (each has rows of its own)
            holders = [ctx.row["fund_id"]]
        parts = [shared(ctx, companies.filter(pl.col("fund_id").is_in(holders)), None, to)]
        if ctx.level == "theme_look_through":
            parts += [*through_shares(ctx, companies, holders, to), gp_shares(ctx, holders, to)]
    rows = pl.concat(parts, how="vertical_relaxed")
    wanted = ctx.row["theme"]
    return rows.filter(
        pl.col("holding_id").replace_strict(themes, default=None).fill_null(SUB_FUND_THEME)
        == wanted
    )


def shared(
    ctx: Ctx, holdings: pl.DataFrame, share: tuple[Decimal, Decimal, str] | None, to: str
) -> pl.DataFrame:
    """Holdings' invested and fair value times a share (weight / total), converted into `to`:
    each rounded half-even (`invested`, `fair_value`) and exact (`<figure>_fine`, units of
    10⁻¹⁵ cent), by the rules metrics shares and converts them with."""
    num, den, via = share if share else (Decimal(1), Decimal(1), "")
    funds = holdings["fund_id"].unique().to_list()
    rates = pl.DataFrame(
        [(f, *(r or 1 for r in ctx.rate(f, to))) for f in funds],
        schema={"fund_id": pl.String, "_from": ln.RATE, "_to": ln.RATE},
        orient="row",
    )
    terms = [
        cents(pl.lit(num, ln.MONEY)),
        cents(pl.lit(den, ln.MONEY)),
        pl.col("_from"),
        pl.col("_to"),
    ]
    held = ((pl.col("fair_value") > 0) | (pl.col("remaining_cost") > 0)) & (num != 0)
    return holdings.join(rates, on="fund_id", how="left").select(
        "fund_id",
        "holding_id",
        pl.format("{}{}", "fund_id", pl.lit(via)).alias("label"),
        held.alias("held"),
        *(from_cents(share_converted(cents(pl.col(c)), *terms)).alias(c) for c in _FIGURES),
        *(share_converted_fine(cents(pl.col(c)), *terms).alias(f"{c}_fine") for c in _FIGURES),
    )


_FIGURES = ("invested", "fair_value")


def through_shares(
    ctx: Ctx, companies: pl.DataFrame, holders: list[str], to: str
) -> list[pl.DataFrame]:
    """Each sub-fund's company holdings times the holder's partnership share there."""
    lps = ctx.frames.investors.filter(pl.col("fund_id").is_in(holders))
    holder = dict(lps.select("investor_id", "fund_id").iter_rows())
    by_gp = set(_by_gp(ctx, holders).select("fund_id", "holding_id").iter_rows())
    parts = []
    for acc in (
        ctx.partners().filter(pl.col("investor_id").is_in(list(holder))).iter_rows(named=True)
    ):
        column, weight, total = acc["weight_basis"], acc["weight"], acc["weight_total"]
        if total == 0 or (holder[acc["investor_id"]], acc["fund_id"]) in by_gp:
            continue  # a sub-fund valued from its GP's statements: looked through by them
        via = f" x {weight} / {total} ({acc['investor_id']}'s {column} share)"
        held = companies.filter(pl.col("fund_id") == acc["fund_id"])
        parts.append(shared(ctx, held, (weight, total, via), to))
    return parts


def _by_gp(ctx: Ctx, holders: list[str]) -> pl.DataFrame:
    """The holders' holdings valued from their GP's statements (the holding level's)."""
    return ctx.level_rows("holding").filter(
        pl.col("fund_id").is_in(holders) & (pl.col("valued_by") == "gp_statement")
    )


def gp_shares(ctx: Ctx, holders: list[str], to: str) -> pl.DataFrame:
    """Each sub-fund valued from its GP's statements, through the companies its GP reports on
    the statement it is valued by (gp_holdings of the holding's `valuation_date`): the
    holder's value of it (the holding level's fair_value) times the company's reported fair
    value over the schedule's, its invested cost times their reported costs', converted into
    `to` (`exposure._via_gp`); in the shape of `shared`, each row named by its
    gp_holdings.csv line."""
    subs = _by_gp(ctx, holders).select(
        "fund_id",
        pl.col("holding_id").alias("_sub"),
        pl.col("valuation_date").alias("statement_date"),
        cents(pl.col("fair_value")).alias("_value"),
        cents(pl.col("invested")).alias("_cost"),
    )
    rows = (
        ctx.frames.gp_holdings.rename({"holding_id": "_sub"})
        .join(subs, on=["fund_id", "_sub", "statement_date"])
        .with_columns(
            cents(pl.col("fair_value")).alias("_fv"),
            cents(pl.col("cost")).alias("_cv"),
        )
        .with_columns(
            pl.col("_fv").sum().over("fund_id", "_sub").alias("_fv_den"),
            pl.col("_cv").sum().over("fund_id", "_sub").alias("_cv_den"),
        )
        .filter(pl.col("_fv_den") != 0)
    )
    rates = pl.DataFrame(
        [(f, *(r or 1 for r in ctx.rate(f, to))) for f in rows["fund_id"].unique().to_list()],
        schema={"fund_id": pl.String, "_from": ln.RATE, "_to": ln.RATE},
        orient="row",
    )
    rows = rows.join(rates, on="fund_id", how="left")
    fx = (pl.col("_from"), pl.col("_to"))
    shares = {"invested": ("_cost", "_cv", "_cv_den"), "fair_value": ("_value", "_fv", "_fv_den")}
    label = pl.format(
        "{} via {}'s GP statement of {} ({}:{}: fair_value {} of {}, cost {} of {}) x {}'s "
        "value of {} {} (invested {})",
        "fund_id", "_sub", "statement_date", "source_file", "source_line",
        from_cents(pl.col("_fv")), from_cents(pl.col("_fv_den")),
        from_cents(pl.col("_cv")), from_cents(pl.col("_cv_den")),
        "fund_id", "_sub", from_cents(pl.col("_value")), from_cents(pl.col("_cost")),
    )  # fmt: skip
    return rows.select(
        "fund_id",
        pl.col("company_id").alias("holding_id"),
        label.alias("label"),
        ((pl.col("_fv") > 0) | (pl.col("_cv") > 0)).alias("held"),
        *(
            pl.when(pl.col(den) != 0)
            .then(from_cents(share_converted(pl.col(v), pl.col(n), pl.col(den), *fx)))
            .otherwise(from_cents(pl.lit(0, pl.Int128)))
            .alias(c)
            for c, (v, n, den) in shares.items()
        ),
        *(
            pl.when(pl.col(den) != 0)
            .then(share_converted_fine(pl.col(v), pl.col(n), pl.col(den), *fx))
            .otherwise(pl.lit(0, pl.Int128))
            .alias(f"{c}_fine")
            for c, (v, n, den) in shares.items()
        ),
    )

"""Writing a synthetic book as ledger CSV files (contract v1) with polars, money as exact text."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from fundbook.core.types import THEMES, TXN_TYPES
from fundbook.synth.demo_index import index_rows
from fundbook.synth.shape import (
    COUNTRIES,
    CURRENCIES,
    INVEST_PERIOD,
    Q_END,
    Q_START,
    QUARTERS,
    SUB_FUNDS_PER_PROGRAMME,
    Book,
)

_INVESTOR_SUFFIX = (
    "Family Office",
    "Pension Trust",
    "Insurance Ltd",
    "Endowment",
    "Capital Partners",
    "Holdings Ltd",
    "Bank Ltd",
)


def write_book(book: Book, out_dir: Path) -> dict[str, int]:
    """Write the seven ledger files into `out_dir`; return the rows written per file."""
    out_dir.mkdir(parents=True, exist_ok=True)
    funds = _funds(book)
    fund_ids, fund_cur = funds["fund_id"], funds["currency"]
    investor_ids = _investors(book, fund_ids)["investor_id"]
    companies = _companies(book)
    holding_ids = pl.concat([companies["company_id"], fund_ids])
    tables = {
        "funds": funds,
        "investors": _investors(book, fund_ids),
        "companies": companies,
        "commitments": _commitments(book, fund_ids, fund_cur, investor_ids),
        "transactions": _transactions(book, fund_ids, fund_cur, investor_ids, holding_ids),
        "valuations": _valuations(book, fund_ids, fund_cur, holding_ids),
        "fx_rates": _fx_rates(book),
    }
    for name, frame in tables.items():
        frame.write_csv(out_dir / f"{name}.csv", line_terminator="\n")
    return {name: frame.height for name, frame in tables.items()}


def write_index_levels(out_dir: Path, seed: int) -> int:
    """Write index_levels.csv: the demo's two illustrative index series (`demo_index`, their
    own random stream of `seed`) at every month end of the book's history, from the day
    before its first quarter to its last; return the rows written."""
    epoch = date(1970, 1, 1)
    first = epoch + timedelta(days=int(Q_START[0]) - 1)
    last = epoch + timedelta(days=int(Q_END[-1]))
    frame = pl.DataFrame(
        index_rows(seed, first, last),
        schema=["date", "index_id", "level", "name"],
        orient="row",
    )
    frame.write_csv(out_dir / "index_levels.csv", line_terminator="\n")
    return frame.height


def money(column: str) -> pl.Expr:
    """Integer cents as a plain decimal with two places ("1234.05")."""
    cents = pl.col(column)
    return pl.format("{}.{}", cents // 100, (cents % 100).cast(pl.String).str.zfill(2))


def _ids(prefix: str, n: int, width: int, start: int = 1) -> pl.Series:
    numbers = pl.Series(np.arange(start, start + n, dtype=np.int64)).cast(pl.String)
    return (prefix + numbers.str.zfill(width)).alias("id")


def _date(days: np.ndarray) -> pl.Series:
    return pl.Series(np.asarray(days, dtype=np.int32)).cast(pl.Date)


def _funds(book: Book) -> pl.DataFrame:
    """Programmes, the grant programme, guidance funds, then sub-funds (vintage by start)."""
    p, s = book.n_prog, book.n_sub
    prog_ids, gf_ids, sub_ids = _ids("PRG-ITIF-", p, 3), _ids("GF-", p, 3), _ids("SF-", s, 5)
    gf_first = np.full(p, QUARTERS)
    np.minimum.at(gf_first, np.arange(s) // SUB_FUNDS_PER_PROGRAMME, book.sub_start)
    months = np.datetime64("2016-01") + 3 * (book.sub_start + INVEST_PERIOD)
    ip_end = months.astype("datetime64[D]") - np.datetime64("1970-01-01") - 1
    itc = "Innovation and Technology Commission"
    managers = "Manager " + pl.Series(np.arange(s) % 97 + 1).cast(pl.String).str.zfill(3)
    parts: list[tuple[Any, ...]] = [
        (
            prog_ids,
            "I&T Industry-Oriented Fund programme " + prog_ids.str.slice(9),
            "programme",
            0,
            np.zeros(p, dtype=np.int64),
            itc,
            None,
            None,
        ),
        (
            pl.Series(["PRG-MPLU"]),
            pl.Series(["Manufacturing and Production Line Upgrade Support Pilot Programme"]),
            "programme",
            0,
            np.array([36]),
            itc,
            None,
            None,
        ),
        (
            gf_ids,
            "I&T Industry-Oriented Fund, tranche " + gf_ids.str.slice(3),
            "guidance_fund",
            0,
            gf_first,
            "ITIF Investment Office",
            prog_ids,
            None,
        ),
        (
            sub_ids,
            "Sub-fund " + sub_ids.str.slice(3) + " LPF",
            "sub_fund",
            book.sub_cur,
            book.sub_start,
            managers + " Capital Management",
            prog_ids.gather(np.arange(s) // SUB_FUNDS_PER_PROGRAMME),
            _date(ip_end),
        ),
    ]
    return pl.concat([_fund_part(*part) for part in parts], how="vertical")


def _fund_part(
    ids: pl.Series,
    names: pl.Series,
    kind: str,
    cur: np.ndarray | int,
    first_q: np.ndarray,
    manager: str | pl.Series,
    programme: pl.Series | None,
    ip_end: pl.Series | None,
) -> pl.DataFrame:
    n = ids.len()
    return pl.DataFrame(
        {
            "fund_id": ids,
            "name": names,
            "kind": [kind] * n,
            "currency": pl.Series(CURRENCIES).gather(np.broadcast_to(cur, (n,))),
            "vintage": pl.Series(2016 + np.asarray(first_q) // 4, dtype=pl.Int64),
            "manager": [manager] * n if isinstance(manager, str) else manager,
            "programme_id": pl.Series([None] * n, dtype=pl.String)
            if programme is None
            else programme,
            "investment_period_end": pl.Series([None] * n, dtype=pl.Date)
            if ip_end is None
            else ip_end,
        }
    )


def _investors(book: Book, fund_ids: pl.Series) -> pl.DataFrame:
    """The government, the guidance funds as LPs, strategic investors, then the others."""
    p = book.n_prog
    gf_ids = fund_ids.slice(book.first_gf, p)
    strat = _ids("INV-S", book.n_strategic, 4)
    other = _ids("INV-", book.n_social, 6)
    suffix = pl.Series(_INVESTOR_SUFFIX).gather(np.arange(book.n_social) % len(_INVESTOR_SUFFIX))
    other_names = pl.Series(np.arange(1, book.n_social + 1)).cast(pl.String)
    other_names = (
        pl.Series(np.where(np.arange(book.n_social) % 9 == 4, "投資者 ", "Investor "))
        + other_names
        + " "
        + suffix
    )
    return pl.DataFrame(
        {
            "investor_id": pl.concat([pl.Series(["INV-GOV"]), "INV-" + gf_ids, strat, other]),
            "name": pl.concat(
                [
                    pl.Series(["HKSAR Government"]),
                    gf_ids + " (as LP)",
                    "Strategic investor " + strat.str.slice(5),
                    other_names,
                ]
            ),
            "kind": ["government"] * (1 + p)
            + ["social_capital"] * (book.n_strategic + book.n_social),
            "fund_id": pl.concat(
                [
                    pl.Series([None], dtype=pl.String),
                    gf_ids,
                    pl.Series([None] * (book.n_strategic + book.n_social), dtype=pl.String),
                ]
            ),
        }
    )


def _companies(book: Book) -> pl.DataFrame:
    ids = _ids("CO-", book.n_companies, 6)
    prefix = np.where(np.arange(book.n_companies) % 11 == 3, "科技 ", "Company ")
    return pl.DataFrame(
        {
            "company_id": ids,
            "name": pl.Series(prefix) + ids.str.slice(3) + " Ltd",
            "theme": pl.Series(THEMES).gather(book.company_theme),
            "hk_nexus": book.company_nexus,
            "country": pl.Series(COUNTRIES).gather(book.company_country),
        }
    )


def _stack(parts: list[dict[str, np.ndarray]]) -> pl.DataFrame:
    return pl.DataFrame({k: np.concatenate([p[k] for p in parts]) for k in parts[0]})


def _commitments(
    book: Book, fund_ids: pl.Series, fund_cur: pl.Series, investor_ids: pl.Series
) -> pl.DataFrame:
    df = _stack(book.commitments).sort(["fund", "investor"], maintain_order=True)
    return df.select(
        fund_id=fund_ids.gather(df["fund"]),
        investor_id=investor_ids.gather(df["investor"]),
        date=_date(df["day"].to_numpy()),
        amount=money("amount"),
        currency=fund_cur.gather(df["fund"]),
    )


def _transactions(
    book: Book,
    fund_ids: pl.Series,
    fund_cur: pl.Series,
    investor_ids: pl.Series,
    holding_ids: pl.Series,
) -> pl.DataFrame:
    """All transactions in date order, numbered in that order."""
    df = pl.concat(
        [
            pl.DataFrame({k: v for k, v in part.items() if k not in ("type", "memo")}).with_columns(
                kind=pl.lit(TXN_TYPES.index(part["type"]), dtype=pl.Int8),
                type=pl.lit(part["type"]),
                memo=pl.lit(part["memo"]),
            )
            for part in book.txns
        ]
    ).sort(["day", "fund", "kind", "investor", "holding", "amount"], maintain_order=True)
    width = max(9, len(str(df.height)))
    nulls = {c: pl.when(pl.col(c) >= 0).then(pl.col(c)) for c in ("investor", "holding")}
    df = df.with_columns(**nulls)
    return df.select(
        txn_id=_ids("T", df.height, width),
        date=_date(df["day"].to_numpy()),
        fund_id=fund_ids.gather(df["fund"]),
        type="type",
        investor_id=investor_ids.gather(df["investor"]),
        holding_id=holding_ids.gather(df["holding"]),
        amount=money("amount"),
        currency=fund_cur.gather(df["fund"]),
        memo="memo",
    )


def _valuations(
    book: Book, fund_ids: pl.Series, fund_cur: pl.Series, holding_ids: pl.Series
) -> pl.DataFrame:
    df = _stack(book.valuations).sort(["day", "fund", "holding"], maintain_order=True)
    return df.select(
        date=_date(df["day"].to_numpy()),
        fund_id=fund_ids.gather(df["fund"]),
        holding_id=holding_ids.gather(df["holding"]),
        fair_value=money("fair_value"),
        currency=fund_cur.gather(df["fund"]),
    )


def _fx_rates(book: Book) -> pl.DataFrame:
    """Weekday USD and CNY rates, four places."""
    n = book.fx_days.size
    df = pl.DataFrame(
        {
            "date": pl.concat([_date(book.fx_days)] * 2),
            "currency": ["USD"] * n + ["CNY"] * n,
            "rate": book.fx_rates.reshape(-1),
        }
    ).sort(["date", "currency"], maintain_order=True)
    rate = pl.col("rate")
    return df.select(
        "date",
        "currency",
        hkd_per_unit=pl.format(
            "{}.{}", rate // 10_000, (rate % 10_000).cast(pl.String).str.zfill(4)
        ),
    )

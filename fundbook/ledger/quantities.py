"""Quantities and write-offs: the checks of a row, and of each holding's rows together."""

from __future__ import annotations

from decimal import Decimal

import polars as pl

from fundbook.core.errors import LedgerError
from fundbook.core.types import QUANTITY_TYPES
from fundbook.ledger.csvfile import LINE

Frames = dict[str, pl.DataFrame]
_PLAIN = r"^[0-9]+(\.[0-9]+)?$"
_KEYS = ["fund_id", "holding_id"]
# Same-day order of a holding's rows: cost before relief, the write-off last (as in metrics).
_RANK = {"investment": 0, "income": 1, "proceeds": 2, "write_off": 3}


def row_checks() -> list[tuple[pl.Expr, pl.Expr]]:
    """The checks of one transactions row's `quantity` and of a `write_off` on its own."""
    q = pl.col("quantity")
    present = q.is_not_null()
    plain = q.str.contains(_PLAIN)
    quoted = pl.format("'{}'", q)
    write_off = pl.col("type") == "write_off"
    return [
        (
            present & ~plain,
            pl.format(
                "quantity {} is not a plain positive decimal (like 100 or 12.5: no signs, "
                "separators or exponents)",
                quoted,
            ),
        ),
        (
            present & plain & q.str.contains(r"^0*(\.0*)?$"),
            pl.format("quantity {} must be greater than zero", quoted),
        ),
        (
            present & plain & q.str.contains(r"\.[0-9]{7,}$"),
            pl.format("quantity {} has more than 6 decimal places", quoted),
        ),
        (
            present & plain & q.str.contains(r"^0*[1-9][0-9]{12,}"),
            pl.format("quantity {} is too large (at most 12 digits before the point)", quoted),
        ),
        (
            present & pl.col("type").is_not_null() & ~pl.col("type").is_in(QUANTITY_TYPES),
            pl.format(
                "a {} takes no quantity (only investment and proceeds rows do)", pl.col("type")
            ),
        ),
        (
            write_off
            & pl.col("amount").is_not_null()
            & ~pl.col("amount").str.contains(r"^0+(\.0+)?$"),
            pl.format(
                "a write_off moves no cash: its amount must be 0.00, not '{}'", pl.col("amount")
            ),
        ),
        (
            write_off & pl.col("investor_id").is_not_null(),
            pl.lit("a write_off takes no investor_id"),
        ),
    ]


def units_text(units: pl.Expr) -> pl.Expr:
    """A quantity as text without trailing zeros (40, 12.5)."""
    text = units.cast(pl.String)
    trimmed = text.str.replace(r"0+$", "").str.replace(r"\.$", "")
    return pl.when(text.str.contains(r"\.")).then(trimmed).otherwise(text)


def _errors(frame: pl.DataFrame, message: pl.Expr) -> list[LedgerError]:
    rows = frame.select("source_file", LINE, message.alias("m"))
    return [LedgerError(f, line, m) for f, line, m in rows.iter_rows()]


def _holding_rows(b: Frames) -> pl.DataFrame:
    """Each holding's investment, income, proceeds and write-off rows in relief order."""
    return (
        b["transactions"]
        .filter(pl.col("type").is_in(list(_RANK)) & pl.col("holding_id").is_not_null())
        .drop_nulls(["fund_id", "date"])
        .select(*_KEYS, "date", "type", "quantity", "source_file", LINE)
        .with_columns(pl.col("type").replace_strict(_RANK, return_dtype=pl.Int8).alias("_rank"))
        .sort([*_KEYS, "date", "_rank", "source_file", LINE])
    )


def holding_errors(b: Frames) -> list[LedgerError]:
    """Across a holding's rows: quantities given on all of its investment and proceeds rows or
    none, never selling more than is held, and nothing after its write-off."""
    t = b["transactions"]
    quantities = "quantity" in t.columns and t["quantity"].null_count() < t.height
    write_offs = bool((t["type"] == "write_off").any())
    if not quantities and not write_offs:  # a book without either: nothing to sort
        return []
    rows = _holding_rows(b)
    errors = _tracking_errors(rows) + _oversold_errors(rows) if quantities else []
    return errors + (_written_off_errors(rows, b) if write_offs else [])


def _tracking_errors(rows: pl.DataFrame) -> list[LedgerError]:
    """A holding with a quantity on any investment or proceeds row needs one on all of them."""
    traded = rows.filter(pl.col("type").is_in(QUANTITY_TYPES))
    first = (
        traded.filter(pl.col("quantity").is_not_null())
        .group_by(_KEYS)
        .agg(pl.col(LINE).first().alias("_first"))
    )
    missing = traded.filter(pl.col("quantity").is_null()).join(first, on=_KEYS)
    return _errors(
        missing,
        pl.format(
            "holding {} of fund {} is tracked by quantity (quantity at line {}): this {} row "
            "needs a quantity too",
            "holding_id",
            "fund_id",
            "_first",
            "type",
        ),
    )


def _oversold_errors(rows: pl.DataFrame) -> list[LedgerError]:
    """A proceeds row never sells more units than the fund holds just before it."""
    traded = rows.filter(pl.col("type").is_in(QUANTITY_TYPES) & pl.col("quantity").is_not_null())
    units = pl.col("quantity").cast(pl.Decimal(38, 6))
    signed = pl.when(pl.col("type") == "proceeds").then(-units).otherwise(units)
    held = traded.with_columns(signed.cum_sum().over(_KEYS).alias("_after")).with_columns(
        (pl.col("_after") + units).alias("_before")
    )
    over = held.filter((pl.col("type") == "proceeds") & (pl.col("_after") < Decimal(0)))
    over = over.filter(pl.col(LINE) == pl.col(LINE).first().over(_KEYS))  # the first only
    return _errors(
        over,
        pl.format(
            "proceeds selling {} units of {} but fund {} holds {} on {}: a fund cannot sell "
            "more than it holds",
            units_text(pl.col("quantity")),
            "holding_id",
            "fund_id",
            units_text(pl.col("_before")),
            "date",
        ),
    )


def _written_off_errors(rows: pl.DataFrame, b: Frames) -> list[LedgerError]:
    """Nothing is invested in, sold, written off or valued after a holding's write-off; a
    write-off needs an investment on or before its date."""
    offs = (
        rows.filter(pl.col("type") == "write_off")
        .group_by(_KEYS)
        .agg(pl.col("date").first().alias("_off"), pl.col(LINE).first().alias("_off_line"))
    )
    later = rows.filter(pl.col("type") != "income").join(offs, on=_KEYS)
    later = later.filter(pl.col("date") > pl.col("_off"))
    marks = (
        b["valuations"]
        .drop_nulls(["date", *_KEYS])
        .join(offs, on=_KEYS)
        .filter(pl.col("date") > pl.col("_off"))
        .with_columns(pl.lit("valuation").alias("type"))
    )
    message = pl.format(
        "{} row of {} by fund {} dated after its write-off on {} (transactions.csv line {}): "
        "a written-off holding takes no later investment, proceeds, write-off or valuation",
        "type",
        "holding_id",
        "fund_id",
        "_off",
        "_off_line",
    )
    cols = ["source_file", LINE, "type", *_KEYS, "_off", "_off_line"]
    errs = _errors(pl.concat([later.select(cols), marks.select(cols)]), message)
    first = (
        rows.filter(pl.col("type") == "investment")
        .group_by(_KEYS)
        .agg(pl.col("date").first().alias("_first"))
    )
    funds = b["funds"].select(pl.col("fund_id").alias("holding_id")).unique()
    of_funds = rows.filter(pl.col("type") == "write_off").join(funds, on="holding_id")
    errs += _errors(
        of_funds,
        pl.format(
            "a write_off of {}, a fund of the book: it is valued from fund {}'s capital account "
            "in it, so write off what {} holds instead",
            "holding_id",
            "fund_id",
            "holding_id",
        ),
    )
    orphans = rows.filter(pl.col("type") == "write_off").join(first, on=_KEYS, how="left")
    orphans = orphans.filter(pl.col("_first").is_null() | (pl.col("_first") > pl.col("date")))
    return errs + _errors(
        orphans,
        pl.format(
            "write_off of {} by fund {} on {} but the fund has not invested in it by then",
            "holding_id",
            "fund_id",
            "date",
        ),
    )

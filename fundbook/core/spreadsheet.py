"""Text cells safe to open in a spreadsheet: a cell that would start a formula is quoted."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import polars as pl

# OWASP "CSV injection": a cell starting with one of these may be run as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_START = r"^[=+\-@\t\r]"
# A plain decimal number (money as "-1234.56", a ratio as "-0.25") is read as a number, never
# as a formula: it is left as it is so that it stays a number in the spreadsheet.
_PLAIN_NUMBER = r"[+-]?[0-9]+(\.[0-9]+)?"
_PLAIN_NUMBER_RE = re.compile(_PLAIN_NUMBER)


def safe_cell(text: str) -> str:
    """`text`, with a single quote in front if a spreadsheet could take it for a formula."""
    if text.startswith(FORMULA_START) and not _PLAIN_NUMBER_RE.fullmatch(text):
        return "'" + text
    return text


def safe_text_columns(frame: pl.DataFrame) -> pl.DataFrame:
    """`frame` with `safe_cell` applied to every text column; other columns are unchanged."""
    import polars as pl  # here only: `safe_cell` (the CLI's CSV) needs no polars

    text = [name for name, dtype in frame.schema.items() if dtype == pl.String]
    return frame.with_columns(
        pl.when(
            pl.col(name).str.contains(_FORMULA_START)
            & ~pl.col(name).str.contains(f"^{_PLAIN_NUMBER}$")
        )
        .then(pl.lit("'") + pl.col(name))
        .otherwise(pl.col(name))
        .alias(name)
        for name in text
    )

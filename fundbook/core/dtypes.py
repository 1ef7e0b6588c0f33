"""The polars types of money and FX rates: one definition for every layer."""

from __future__ import annotations

import polars as pl

MONEY = pl.Decimal(38, 2)  # cents exact; wide enough for sums of DECIMAL(18,2) amounts
LEDGER_MONEY = pl.Decimal(18, 2)  # an amount as the ledger files and the book's tables hold it
RATE = pl.Decimal(18, 8)  # an FX rate: HKD per unit, 8 decimals
QUANTITY = pl.Decimal(18, 6)  # units of a holding bought or sold: at most 6 decimals
INDEX_LEVEL = pl.Decimal(18, 6)  # a market index's level (index_levels.csv): at most 6 decimals

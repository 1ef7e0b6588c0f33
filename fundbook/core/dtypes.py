"""The polars type of money in frames: one definition for every layer."""

from __future__ import annotations

import polars as pl

MONEY = pl.Decimal(38, 2)  # cents exact; wide enough for sums of DECIMAL(18,2) amounts

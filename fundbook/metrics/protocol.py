"""What metrics reads: the frames of `fundbook.store.frames.Frames`, by shape (no import)."""

from __future__ import annotations

from datetime import date
from typing import Protocol

import polars as pl


class BookFrames(Protocol):
    """The book as of `as_of`, one polars frame per table (see `store.frames.SCHEMAS`)."""

    @property
    def as_of(self) -> date: ...
    @property
    def funds(self) -> pl.DataFrame: ...
    @property
    def investors(self) -> pl.DataFrame: ...
    @property
    def companies(self) -> pl.DataFrame: ...
    @property
    def commitments(self) -> pl.DataFrame: ...
    @property
    def transactions(self) -> pl.DataFrame: ...
    @property
    def valuations(self) -> pl.DataFrame: ...
    @property
    def fx_rates(self) -> pl.DataFrame: ...
    @property
    def terms(self) -> pl.DataFrame: ...

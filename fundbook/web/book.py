"""The dashboard's view of the book: closed snapshots read once into memory, never in a close's way.

The server holds no DuckDB connection between requests and never takes the book's lock. It
opens the book read-only, briefly, to see whether the closes or the tokens changed (at most
once every `refresh_seconds`), to read a close's snapshot the first time a page asks for it
(kept by close id and hash: a reopened and closed again period is read again), and for what is
computed on demand (the open period, an explain, the audit's verify, the notices). While a
close writes the book DuckDB refuses every other process: the dashboard then serves what it has
read, marked as such (`Busy` when it has nothing).

What is read of the book as it is now (the open period, the whole book's frames for the
notices) is kept while the book's `stamp` is unchanged: the size and modification time of its
file and of its write-ahead log, read without opening the book (no lock); one value of each
kind, computed by one request while the others wait for it.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import duckdb

from fundbook.close.periods import Period
from fundbook.close.snapshot import CloseInfo, list_closes
from fundbook.core.errors import BookInUse, FundbookError, NotFound
from fundbook.report.source import ReportSource, load_source
from fundbook.store.db import connect
from fundbook.store.tokens import Access, valid_tokens

T = TypeVar("T")
OPEN = "open"  # the period picker's value for the quarter after the last closed one


class Busy(FundbookError):
    """The book is being written (a close, an import) and nothing read before can answer."""


@dataclass
class BookState:
    """What the last look at the book found: its closes and its valid tokens by hash."""

    closes: list[CloseInfo] = field(default_factory=list)
    tokens: dict[str, Access] = field(default_factory=dict)
    read_at: float | None = None  # time.monotonic() of the look (None: never read)
    busy: bool = False  # the last look found the book in use by a writer

    def quarters(self) -> list[CloseInfo]:
        """The standing closes of quarter ends, latest first: the periods pages offer."""
        found = [c for c in self.closes if c.status == "closed" and c.quarter]
        return sorted(found, key=lambda c: c.period, reverse=True)

    def latest(self) -> CloseInfo | None:
        found = self.quarters()
        return found[0] if found else None


class BookReader:
    """The book at `db_path` as the dashboard reads it (thread-safe; see the module's doc)."""

    def __init__(self, db_path: str | os.PathLike[str], refresh_seconds: float = 2.0) -> None:
        self.db_path = Path(db_path)
        self.refresh_seconds = refresh_seconds
        self.state = BookState()
        self._sources: dict[tuple[int, str, bool], ReportSource] = {}
        self._memo: dict[tuple[Any, ...], Any] = {}
        self._lock = threading.Lock()
        self._fresh: dict[str, tuple[tuple[Any, ...], Any]] = {}
        self._fresh_locks: dict[str, threading.Lock] = {}

    @contextmanager
    def connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-only connection for one request's reading, closed at once; `Busy` while a
        writer holds the book."""
        try:
            con = connect(self.db_path, read_only=True)
        except BookInUse as exc:
            raise Busy(str(exc)) from exc
        except duckdb.Error as exc:  # another configuration of the file in this process
            raise Busy(f"the book {self.db_path} is in use: {exc}") from exc
        try:
            yield con
        finally:
            con.close()

    def look(self) -> BookState:
        """The closes and tokens, read again when older than `refresh_seconds`; while the book
        is in use, those read last, marked busy."""
        with self._lock:
            last = self.state.read_at
            if last is not None and time.monotonic() - last < self.refresh_seconds:
                return self.state
            try:
                with self.connection() as con:
                    self.state = BookState(list_closes(con), valid_tokens(con), time.monotonic())
            except Busy:
                self.state.busy = True
            return self.state

    def close_of(self, period: str | None) -> CloseInfo:
        """The standing quarter-end close of `period` (`2026-09` or `2026Q3`), the latest
        when None; NotFound when the book has no such close."""
        state = self.look()
        if period is None:
            latest = state.latest()
            if latest is None:
                raise NotFound("the book has no closed quarter yet (`fundbook close`)")
            return latest
        try:
            wanted = str(Period.parse(period))
        except FundbookError as exc:
            raise NotFound(str(exc)) from exc
        for info in state.quarters():
            if info.period == wanted:
                return info
        raise NotFound(f"period {wanted} is not a closed quarter")

    def source(self, info: CloseInfo, history: bool = True) -> ReportSource:
        """The report source of the close `info`, read once (by close id and hash)."""
        key = (info.close_id, info.close_hash, history)
        with self._lock:
            found = self._sources.get(key)
        if found is not None:
            return found
        quarter = info.quarter or info.period
        with self.connection() as con:
            found = load_source(con, quarter, history=history)
        with self._lock:
            self._sources[key] = found
        return found

    def stamp(self) -> tuple[int, ...]:
        """What changes whenever the book is written: size and modification time (ns) of its
        file and of its write-ahead log (-1 when missing), read without opening the book."""
        found: list[int] = []
        for path in (self.db_path, self.db_path.with_name(self.db_path.name + ".wal")):
            try:
                st = path.stat()
            except FileNotFoundError:
                found += [-1, -1]
            else:
                found += [st.st_size, st.st_mtime_ns]
        return tuple(found)

    def fresh(self, name: str, compute: Callable[[duckdb.DuckDBPyConnection], T], *args: Any) -> T:
        """`compute(con)` of the book as it is now, kept (one value per `name`) until the
        book's `stamp` or `args` (what `compute` reads besides the book) change; two requests
        asking together compute it once. While a writer holds the book, the value computed
        last (`Busy` when there is none)."""
        with self._lock:
            lock = self._fresh_locks.setdefault(name, threading.Lock())
        with lock:
            stamp = (*self.stamp(), *args)
            kept = self._fresh.get(name)
            if kept is not None and kept[0] == stamp:
                return kept[1]  # type: ignore[no-any-return]
            try:
                with self.connection() as con:
                    value = compute(con)
            except Busy:
                if kept is None:
                    raise
                return kept[1]  # type: ignore[no-any-return]
            self._fresh[name] = (stamp, value)
            return value

    def stamp_of(self, name: str, value: Any) -> tuple[Any, ...] | None:
        """The stamp `value` was kept under as `name` (None: it is no longer the one kept)."""
        kept = self._fresh.get(name)
        return kept[0] if kept is not None and kept[1] is value else None

    def open_source(self) -> ReportSource:
        """The quarter after the last closed one, computed from the book as it is now (a
        DRAFT), kept until the book changes (`fresh`)."""
        latest = self.look().latest()
        if latest is None:
            raise NotFound("the book has no closed quarter yet")
        period = Period.parse(latest.period)
        for _ in range(3):
            period = period.next()
        quarter = str(period.quarter or period)
        return self.fresh("open", lambda con: load_source(con, quarter, history=False), quarter)

    def memo(self, key: tuple[Any, ...], compute: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
        """`compute(con)` once per `key` (a key holds the close's hash, so that what a close
        changes is computed again)."""
        with self._lock:
            if key in self._memo:
                return self._memo[key]  # type: ignore[no-any-return]
        with self.connection() as con:
            value = compute(con)
        with self._lock:
            self._memo[key] = value
        return value

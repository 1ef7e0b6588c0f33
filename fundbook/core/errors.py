"""The one exception hierarchy of fundbook, and ledger problems as values."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


class FundbookError(Exception):
    """Base of every exception fundbook raises on purpose; the CLI maps it to exit code 1."""

    exit_code = 1


@dataclass(frozen=True, order=True)
class LedgerError:
    """One problem in a ledger file, reported as `path:line: message`."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class LedgerErrors(FundbookError):
    """Raised with every problem found in a book at once; nothing has been written."""

    def __init__(self, errors: Iterable[LedgerError]):
        self.errors = sorted(set(errors), key=_error_order)
        super().__init__("\n".join(str(e) for e in self.errors))


def _error_order(err: LedgerError) -> tuple[str, int, str]:
    return (err.path, err.line, err.message)


class BookInUse(FundbookError):
    """Another fundbook process holds the database."""


class PeriodLocked(FundbookError):
    """A change touches a closed period."""


class NotFound(FundbookError):
    """A fund, investor, holding or close named by the user does not exist."""


class StorageError(FundbookError):
    """The book's file or folder cannot be used (read-only, disk full, name too long...)."""


class NotABook(FundbookError):
    """The file named as the book is not a fundbook DuckDB book."""


class SchemaVersionMismatch(FundbookError):
    """The book was written with another schema version than this fundbook reads."""


class MoneyOverflow(FundbookError):
    """An amount too large for fundbook's exact money arithmetic: refused, never wrapped."""

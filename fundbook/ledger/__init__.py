"""Reading and validating ledger files: (records, errors), never the first error only."""

from fundbook.ledger.book import Book, read_book
from fundbook.ledger.spec import FILES

__all__ = ["Book", "FILES", "read_book"]

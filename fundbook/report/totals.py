"""Total rows of report tables: the sum of the figures a table shows, one currency each."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

from fundbook.report.context import Figure, Source

# The formula a derived total names (docs/reports.md, "Derived figures").
SUM_OF_ROWS = "sum of the rows shown"


def sum_of(figures: Iterable[Figure | None], keys: Sequence[tuple[str, str | None]]) -> Figure:
    """The sum of money figures of a table's rows (the cents each row holds, so that the total
    is the rows' sum as shown to the cent), as a derived figure; a row without a value (not
    modelled) adds nothing."""
    values = [f.value for f in figures if f is not None and f.value is not None]
    total = sum((Decimal(str(v)) for v in values), Decimal(0))
    return Figure(total, "money", Source("derived", tuple(keys), SUM_OF_ROWS))

"""Exact money: parsing ledger amounts, quantising, formatting; never float."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

CENT = Decimal("0.01")
MONEY_SQL_TYPE = "DECIMAL(18,2)"
WIDE_MONEY_SQL_TYPE = "DECIMAL(38,2)"
_PLAIN_DECIMAL = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")


def parse_amount(text: str) -> tuple[Decimal | None, str | None]:
    """Parse a ledger amount: a positive plain decimal with at most 2 places.

    Returns (amount, None) or (None, message) so callers can collect every problem.
    """
    raw = text.strip()
    if raw == "":
        return None, "amount is empty"
    if not _PLAIN_DECIMAL.match(raw):
        return None, f"amount {text!r} is not a plain decimal (like 1500000.00)"
    try:
        value = Decimal(raw)
    except InvalidOperation:
        return None, f"amount {text!r} is not a plain decimal (like 1500000.00)"
    if value <= 0:
        return None, f"amount {text!r} must be positive; the type gives the direction"
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        return None, f"amount {text!r} has more than 2 decimal places"
    if value >= Decimal("1e16"):
        return None, f"amount {text!r} is too large (limit 10^16)"
    return value.quantize(CENT), None


def quantize(value: Decimal) -> Decimal:
    """Round to cents, banker's rounding (on the way in or out only)."""
    return value.quantize(CENT, rounding=ROUND_HALF_EVEN)


def format_money(value: Decimal | None) -> str:
    """Format money for tables: thousands separators, 2 places, blank when undefined."""
    if value is None:
        return ""
    return f"{quantize(Decimal(value)):,.2f}"


def money_str(value: Decimal | None) -> str | None:
    """Money as a plain decimal string for JSON/CSV ("1234.56"), None when undefined."""
    if value is None:
        return None
    return f"{quantize(Decimal(value)):.2f}"

"""Exact money: quantising and formatting; never float."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

CENT = Decimal("0.01")


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

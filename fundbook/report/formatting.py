"""Jinja filters that format figures: money, percentages, multiples, dates; null as an em dash."""

from __future__ import annotations

import math
import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from markupsafe import Markup, escape

from fundbook.core.labels import N_
from fundbook.core.money import quantize
from fundbook.core.types import THEME_LABELS

DASH = "—"
# The theme column of a holding that is a sub-fund (a fund of funds' holding).
SUB_FUND = N_("Sub-fund")
# A statement line the fund's terms do not let the book compute (null: no fee or carry terms).
NOT_MODELLED = N_("not modelled")
# A cost of a sub-fund valued from its GP's statement that the statement does not give.
NOT_REPORTED = N_("not reported")
# An IRR the IRR policy calls not meaningful (the fund or partner is too young to annualise).
NOT_MEANINGFUL = N_("n.m.")


def _undefined(value: Any) -> bool:
    if value is None:
        return True
    return isinstance(value, float) and (math.isnan(value) or math.isinf(value))


def _raw(value: Any) -> Any:
    """The number behind a `Figure` (or the value itself)."""
    return getattr(value, "value", value)


def money(value: Any, places: int = 2) -> str:
    """1234567.8 -> "1,234,567.80"; negatives in parentheses as in financial statements."""
    value = _raw(value)
    if _undefined(value):
        return DASH
    amount = quantize(Decimal(value)) if places == 2 else Decimal(value)
    text = f"{abs(amount):,.{places}f}"
    return f"({text})" if amount < 0 else text


def millions(value: Any, places: int = 1, suffix: str = "m") -> str:
    """Money in millions: 1234567890 -> "1,234.6m" (headline cards; tables drop the suffix)."""
    value = _raw(value)
    if _undefined(value):
        return DASH
    scaled = Decimal(value) / Decimal(1_000_000)
    text = f"{abs(scaled):,.{places}f}{suffix}"
    return f"({text})" if scaled < 0 else text


def millions_change(value: Any) -> str:
    """A change of money in millions with its sign: 569100000 -> "+569.1m" (cards)."""
    text = millions(value)
    return text if text == DASH or text.startswith("(") or text == "0.0m" else f"+{text}"


def _signed(text: str) -> str:
    """Drop the sign of a number that rounds to zero ("-0.00x" -> "0.00x")."""
    return text[1:] if text.startswith("-") and not any(c in "123456789" for c in text) else text


def pct(value: Any, places: int = 1) -> str:
    """A ratio as a percentage: 0.2534 -> "25.3%"."""
    value = _raw(value)
    if _undefined(value):
        return DASH
    return _signed(f"{float(value) * 100:,.{places}f}%")


def rate(value: Any) -> str:
    """A yearly rate of the fund's terms, as booked, in percent with two places or more (none
    dropped): Decimal("0.08") -> "8.00 %", Decimal("0.07125") -> "7.125 %"."""
    value = _raw(value)
    if _undefined(value):
        return DASH
    percent = Decimal(str(value)) * 100
    exponent = percent.normalize().as_tuple().exponent
    places = max(2, -exponent) if isinstance(exponent, int) else 2
    return f"{percent:,.{places}f} %"


def points(value: Any, places: int = 1) -> str:
    """A change of a rate in percentage points: 0.012 -> "+1.2 pp"."""
    value = _raw(value)
    if _undefined(value):
        return DASH
    text = f"{float(value) * 100:+,.{places}f} pp"
    return text[1:] if not any(c in "123456789" for c in text) else text


def multiple(value: Any, places: int = 2) -> str:
    """A multiple: 1.234 -> "1.23x"."""
    value = _raw(value)
    if _undefined(value):
        return DASH
    return _signed(f"{float(value):,.{places}f}x")


def number(value: Any, places: int = 0) -> str:
    """A count or plain number with thousands separators."""
    value = _raw(value)
    if _undefined(value):
        return DASH
    return f"{value:,.{places}f}" if places else f"{int(value):,}"


def iso_date(value: Any) -> str:
    """A date as YYYY-MM-DD; a timestamp to the minute, in UTC as stored."""
    if value is None:
        return DASH
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M UTC")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def dash(value: Any) -> Any:
    """Null as an em dash, anything else unchanged."""
    return DASH if _undefined(_raw(value)) else value


def theme_label(code: str | None) -> str:
    """The readable name of a theme code."""
    if code is None:
        return DASH
    if code == "sub_fund":
        return SUB_FUND
    return THEME_LABELS.get(code, code)


# A run of CJK characters (ideographs, kana, CJK and full-width punctuation): a name's word.
_CJK_RUN = re.compile(
    r"[\u2e80-\u2fdf\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]+"
)


def name(text: Any) -> Markup:
    """A fund, investor or company name, escaped, each run of CJK characters kept on one line
    (`<span class="nobr">`): a Chinese name has no spaces, and WeasyPrint would otherwise break
    it between any two characters (it has no `word-break: keep-all`)."""
    escaped = str(escape(DASH if text is None else text))
    return Markup(_CJK_RUN.sub(lambda m: f'<span class="nobr">{m.group(0)}</span>', escaped))


def figure(value: Any) -> str:
    """Format a `Figure` by its kind (money, ratio, pct, multiple, count)."""
    kind = getattr(value, "kind", "money")
    return FORMATTERS[kind](value)


def not_modelled(value: Any) -> str:
    """A figure of kind `not_modelled`: a line the book does not compute for this fund."""
    return NOT_MODELLED


def not_reported(value: Any) -> str:
    """A figure of kind `not_reported`: a cost the GP statement does not give."""
    return NOT_REPORTED


def not_meaningful(value: Any) -> str:
    """A figure of kind `nm`: an IRR flagged by the IRR policy (its number kept in JSON)."""
    return NOT_MEANINGFUL


def table_millions(value: Any) -> str:
    """Money in millions with one decimal and no suffix, for tables headed "(millions)"."""
    return millions(value, 1, "")


FORMATTERS = {
    "money": money,
    "millions": millions,
    "millions_change": millions_change,
    "mn": table_millions,
    "pct": pct,
    "rate": rate,
    "ratio": pct,
    "pp": points,
    "multiple": multiple,
    "count": number,
    "not_modelled": not_modelled,
    "not_reported": not_reported,
    "nm": not_meaningful,
}

FILTERS = {
    "money": money,
    "millions": millions,
    "pct": pct,
    "multiple": multiple,
    "number": number,
    "date": iso_date,
    "dash": dash,
    "theme": theme_label,
    "fig": figure,
    "name": name,
}

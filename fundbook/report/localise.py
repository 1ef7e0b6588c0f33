"""The Jinja filters of a report language: figures, dates and quarters formatted by Babel."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from babel import Locale
from babel.dates import format_date, format_skeleton
from babel.numbers import format_decimal

from fundbook.core.labels import N_
from fundbook.core.money import quantize
from fundbook.report.formatting import (
    DASH,
    FILTERS,
    NOT_MEANINGFUL,
    NOT_MODELLED,
    NOT_REPORTED,
    _raw,
    _signed,
    _undefined,
    dash,
    name,
    theme_label,
)
from fundbook.report.i18n import DEFAULT_LANGUAGE, LOCALES, Translate, check_language

Filter = Callable[..., str]
# The units written after a number: English shows "1.23x", "8,489.5m", "+1.2 pp".
MULTIPLE = N_("%(number)sx")
MILLIONS = N_("%(number)sm")
POINTS = N_("%(number)s pp")
# A quarter as the close names it ("2026Q3"), and a month period ("2026-09").
QUARTERS = {
    1: N_("Q1 %(year)s"),
    2: N_("Q2 %(year)s"),
    3: N_("Q3 %(year)s"),
    4: N_("Q4 %(year)s"),
}
_QUARTER = re.compile(r"^(\d{4})Q([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def filters(lang: str, translate: Translate) -> dict[str, Filter]:
    """The filters of `lang`: English's are formatting.FILTERS (its output is unchanged), the
    others format through Babel in the language's locale and translate their words."""
    if check_language(lang) == DEFAULT_LANGUAGE:
        return {**FILTERS, "quarter": str}
    return Localised(Locale.parse(LOCALES[lang]), translate).filters()


class Localised:
    """Formatting in one Babel locale, with the units of the language's catalogue."""

    def __init__(self, locale: Locale, translate: Translate) -> None:
        self.locale = locale
        self.translate = translate
        # formatting.FORMATTERS, kind by kind, in the locale
        self.formatters: dict[str, Filter] = {
            "money": self.money,
            "millions": self.millions,
            "millions_change": self.millions_change,
            "mn": self.table_millions,
            "pct": self.pct,
            "rate": self.rate,
            "ratio": self.pct,
            "pp": self.points,
            "multiple": self.multiple,
            "count": self.number,
            "not_modelled": lambda _v: translate(NOT_MODELLED),
            "not_reported": lambda _v: translate(NOT_REPORTED),
            "nm": lambda _v: translate(NOT_MEANINGFUL),
        }

    def _number(self, value: Decimal | float | int, places: int) -> str:
        pattern = "#,##0" + ("." + "0" * places if places else "")
        return str(format_decimal(value, pattern, locale=self.locale))

    def _unit(self, unit: str, text: str) -> str:
        return self.translate(unit) % {"number": text}

    def money(self, value: Any, places: int = 2) -> str:
        """1234567.8 -> "1,234,567.80"; negatives in parentheses."""
        value = _raw(value)
        if _undefined(value):
            return DASH
        amount = quantize(Decimal(value)) if places == 2 else Decimal(value)
        text = self._number(abs(amount), places)
        return f"({text})" if amount < 0 else text

    def millions(self, value: Any, places: int = 1, unit: bool = True) -> str:
        """Money in millions, with the language's unit on cards (tables state it in a header)."""
        value = _raw(value)
        if _undefined(value):
            return DASH
        scaled = Decimal(value) / Decimal(1_000_000)
        text = self._number(abs(scaled), places)
        text = self._unit(MILLIONS, text) if unit else text
        return f"({text})" if scaled < 0 else text

    def millions_change(self, value: Any) -> str:
        """A change in millions with its sign (+569.1百萬); a fall in parentheses, none zero."""
        text = self.millions(value)
        zero = not any(c in "123456789" for c in text)
        return text if text == DASH or text.startswith("(") or zero else f"+{text}"

    def table_millions(self, value: Any) -> str:
        return self.millions(value, 1, unit=False)

    def pct(self, value: Any, places: int = 1) -> str:
        value = _raw(value)
        if _undefined(value):
            return DASH
        return _signed(self._number(Decimal(str(float(value))) * 100, places) + "%")

    def rate(self, value: Any) -> str:
        """A yearly rate of the fund's terms with every booked place (two at least)."""
        value = _raw(value)
        if _undefined(value):
            return DASH
        percent = Decimal(str(value)) * 100
        exponent = percent.normalize().as_tuple().exponent
        places = max(2, -exponent) if isinstance(exponent, int) else 2
        return self._number(percent, places) + "%"

    def points(self, value: Any, places: int = 1) -> str:
        value = _raw(value)
        if _undefined(value):
            return DASH
        change = Decimal(str(float(value))) * 100
        text = self._number(abs(change), places)
        zero = not any(c in "123456789" for c in text)
        sign = "" if zero else ("-" if change < 0 else "+")
        return self._unit(POINTS, sign + text)

    def multiple(self, value: Any, places: int = 2) -> str:
        value = _raw(value)
        if _undefined(value):
            return DASH
        return _signed(self._unit(MULTIPLE, self._number(Decimal(str(float(value))), places)))

    def number(self, value: Any, places: int = 0) -> str:
        value = _raw(value)
        if _undefined(value):
            return DASH
        return self._number(value if places else int(value), places)

    def date(self, value: Any) -> str:
        """A date in the locale's long form (2026年9月30日); a timestamp to the minute, UTC."""
        if value is None:
            return DASH
        if isinstance(value, datetime):
            day = format_date(value.date(), "long", locale=self.locale)
            return f"{day} {value:%H:%M} UTC"
        if isinstance(value, date):
            return str(format_date(value, "long", locale=self.locale))
        return str(value)

    def quarter(self, value: Any) -> str:
        """A close's quarter ("2026Q3") or month ("2026-09") in the language."""
        text = str(value)
        if found := _QUARTER.match(text):
            return self.translate(QUARTERS[int(found[2])]) % {"year": found[1]}
        if found := _MONTH.match(text):
            month = date(int(found[1]), int(found[2]), 1)
            return str(format_skeleton("yMMM", month, locale=self.locale))
        return text

    def theme(self, code: str | None) -> str:
        return DASH if code is None else self.translate(theme_label(code))

    def figure(self, value: Any) -> str:
        """A `Figure` by its kind, as formatting.figure, in the locale."""
        return self.formatters[getattr(value, "kind", "money")](value)

    def filters(self) -> dict[str, Filter]:
        return {
            "money": self.money,
            "millions": self.millions,
            "pct": self.pct,
            "multiple": self.multiple,
            "number": self.number,
            "date": self.date,
            "quarter": self.quarter,
            "dash": dash,
            "theme": self.theme,
            "fig": self.figure,
            "name": name,
        }

"""Sentences built in Python, in the report's language: catalogue messages with named
placeholders filled with figures formatted by that language's filters."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from fundbook.report.i18n import DEFAULT_LANGUAGE, Translate, translator
from fundbook.report.localise import Filter, filters


def _english() -> Mapping[str, Filter]:
    return filters(DEFAULT_LANGUAGE, str)


@dataclass(frozen=True)
class Wording:
    """A language's `translate` and its figure filters (the Jinja environment's: `money`,
    `date`, `quarter`, `fig`, ...); English by default, whose sentences are the msgids."""

    translate: Translate = str
    formats: Mapping[str, Filter] = field(default_factory=_english)

    def say(self, message: str, **values: Any) -> str:
        """`message` (marked N_) in the language, its %(name)s placeholders filled."""
        return self.translate(message) % values

    def fmt(self, kind: str, value: Any, *args: Any) -> str:
        """`value` formatted by the language's filter `kind` (money, date, quarter, ...)."""
        return str(self.formats[kind](value, *args))


ENGLISH = Wording()


def wording(lang: str) -> Wording:
    """The wording of `lang` (English: the identity and formatting.FILTERS)."""
    translate = translator(lang)
    return Wording(translate, filters(lang, translate))

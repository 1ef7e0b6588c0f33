"""The language a request is answered in: `?lang=`, the language cookie, `Accept-Language`.

`?lang=` (a language of the reports) wins and is remembered in a cookie of its own (never the
session's: it says nothing of who reads), so the links of the page, built without it, keep
the language; without either, the first language of `Accept-Language` the reports speak
(`zh-Hant`, `zh-TW`, `zh-HK`, `zh-MO` are 繁體中文), else the server's.
"""

from __future__ import annotations

from fundbook.report.i18n import LANGUAGES

COOKIE = "fundbook_lang"
COOKIE_SECONDS = 365 * 24 * 3600
# Accept-Language tags (lower case) read as a language of the reports: its prefix or the tag.
_TRADITIONAL = ("zh-hant", "zh-tw", "zh-hk", "zh-mo")


def language_of_tag(tag: str) -> str | None:
    """The reports' language of an Accept-Language tag (`en-GB`: en; `zh-TW`: zh-Hant)."""
    tag = tag.strip().lower()
    if any(tag == t or tag.startswith(t + "-") for t in _TRADITIONAL):
        return "zh-Hant"
    if tag == "en" or tag.startswith("en-"):
        return "en"
    return None


def accepted(header: str | None) -> str | None:
    """The reports' language a browser prefers most (`Accept-Language`, by its q-values;
    among equals the first), else None."""
    best: tuple[float, int, str] | None = None
    for order, part in enumerate((header or "").split(",")):
        tag, *params = part.split(";")
        lang = language_of_tag(tag)
        weight = 1.0
        for param in params:
            name, _, value = param.strip().partition("=")
            if name.strip() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        if lang is None or weight <= 0:
            continue
        if best is None or (weight, -order) > (best[0], best[1]):
            best = (weight, -order, lang)
    return best[2] if best else None


def language(asked: str | None, cookie: str | None, accept: str | None, default: str) -> str:
    """The language of a request: `?lang=`, else the cookie's, else `Accept-Language`'s,
    else `default` (what is not a language of the reports is passed over)."""
    for lang in (asked, cookie):
        if lang in LANGUAGES:
            return lang
    return accepted(accept) or default


def cookie_header(lang: str) -> str:
    """The Set-Cookie value remembering `lang`."""
    return f"{COOKIE}={lang}; Max-Age={COOKIE_SECONDS}; Path=/; HttpOnly; Secure; SameSite=Strict"

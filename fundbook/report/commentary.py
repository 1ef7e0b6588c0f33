"""The quarter's commentary at the start of a report: its language's text, else the English."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from markupsafe import Markup

from fundbook.report.i18n import DEFAULT_LANGUAGE
from fundbook.report.markdown import render_markdown


@dataclass(frozen=True)
class Commentary:
    """The commentary shown: its HTML (escaped Markdown subset), its language, and whether it
    is the English text standing in for a language it was not written in."""

    html: Markup
    lang: str
    fallback: bool = False


def commentary_for(texts: Mapping[str, str], lang: str) -> Commentary | None:
    """The commentary of a report in `lang` from the quarter's `texts` by language: its own,
    else the English with `fallback` (the partial says so), else None (no commentary)."""
    if texts.get(lang, "").strip():
        return Commentary(render_markdown(texts[lang]), lang)
    if texts.get(DEFAULT_LANGUAGE, "").strip():
        fallback = lang != DEFAULT_LANGUAGE
        return Commentary(render_markdown(texts[DEFAULT_LANGUAGE]), DEFAULT_LANGUAGE, fallback)
    return None

"""The languages of the reports: which exist, and the marker of labels built in Python."""

from __future__ import annotations

from fundbook.core.errors import FundbookError

DEFAULT_LANGUAGE = "en"
LANGUAGES = ("en",)  # zh-Hant joins when its catalogue is complete (issue 14, item 5)


def N_(message: str) -> str:
    """Mark a label built in Python for the catalogue; templates translate it with `_()`."""
    return message


def check_language(lang: str) -> str:
    """`lang` when the reports speak it, else a FundbookError naming the languages there are."""
    if lang not in LANGUAGES:
        raise FundbookError(f"--lang {lang}: no such report language ({', '.join(LANGUAGES)})")
    return lang

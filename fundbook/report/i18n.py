"""The languages of the reports: which exist, their message catalogues, and the label marker."""

from __future__ import annotations

import gettext
from collections.abc import Callable
from functools import cache
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from fundbook.core.errors import FundbookError
from fundbook.core.labels import N_

DEFAULT_LANGUAGE = "en"
LANGUAGES = ("en", "zh-Hant")
# The Babel locale each language formats numbers and dates in, and its catalogue's folder
# (gettext's name: no region, underscore).
LOCALES = {"en": "en", "zh-Hant": "zh_Hant_HK"}
CATALOGUE_FOLDERS = {"zh-Hant": "zh_Hant"}
DOMAIN = "messages"
# The catalogue: messages.pot (every msgid, `make catalogue`) and <folder>/LC_MESSAGES/*.po.
LOCALE_DIR = Path(__file__).resolve().parent / "locale"

Translate = Callable[[str], str]

__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "N_",
    "Translate",
    "catalogue_path",
    "check_language",
    "translations",
]


def check_language(lang: str) -> str:
    """`lang` when the reports speak it, else a FundbookError naming the languages there are."""
    if lang not in LANGUAGES:
        raise FundbookError(f"--lang {lang}: no such report language ({', '.join(LANGUAGES)})")
    return lang


def catalogue_path(lang: str) -> Path:
    """The .po file of `lang` (English has none: its msgids are the text)."""
    folder = CATALOGUE_FOLDERS[check_language(lang)]
    return LOCALE_DIR / folder / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """The gettext translations of `lang`, compiled in memory from its .po file (no binary
    catalogue is kept: the .po is the source); English, the null translations."""
    if check_language(lang) == DEFAULT_LANGUAGE:
        return gettext.NullTranslations()
    path = catalogue_path(lang)
    if not path.is_file():
        raise FundbookError(f"cannot find the {lang} message catalogue (broken installation)")
    with path.open("rb") as po:
        catalog = read_po(po, locale=LOCALES[lang], domain=DOMAIN)
    compiled = BytesIO()
    write_mo(compiled, catalog)  # fuzzy entries are left out: they stay in English
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def translator(lang: str) -> Translate:
    """The `gettext` of `lang`: a label in, its translation out (itself when untranslated)."""
    return translations(lang).gettext

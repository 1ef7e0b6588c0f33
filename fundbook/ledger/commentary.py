"""The ledger's commentary: `commentary/<quarter>[.<lang>].md`, read and checked (path:line)."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path

import polars as pl

from fundbook.core.errors import LedgerError

COMMENTARY_DIR = "commentary"
# The languages a commentary may be written in: `2026Q3.md` is English, `2026Q3.zh-Hant.md`
# Traditional Chinese (the report languages, issue 14).
LANGUAGES = ("en", "zh-Hant")
DEFAULT_LANGUAGE = "en"
_NAME = re.compile(r"^(?P<quarter>[^.]+?)(?:\.(?P<lang>[^.]+))?\.md$")
_QUARTER = re.compile(r"^(?P<year>[12][0-9]{3})Q(?P<q>[1-4])$")
SCHEMA = {
    "quarter": pl.String(),
    "lang": pl.String(),
    "text": pl.String(),
    "sha256": pl.String(),
    "source_file": pl.String(),
}


def quarter_end(quarter: str) -> dt.date:
    """The last day of `2026Q3` (a name `read_commentary` has checked)."""
    year, q = int(quarter[:4]), int(quarter[5])
    following = dt.date(year + (q == 4), 1 if q == 4 else 3 * q + 1, 1)
    return following - dt.timedelta(days=1)


def read_commentary(ledger_dir: Path) -> tuple[pl.DataFrame, list[LedgerError]]:
    """One row per commentary file (quarter, lang, text, sha256 of its bytes, source_file
    relative to the ledger), and the problems: a name that is not a quarter and a known
    language, a file that is not UTF-8 (its line), anything else in the folder."""
    folder = ledger_dir / COMMENTARY_DIR
    try:
        present = folder.is_dir()
    except OSError:  # a ledger folder that cannot be read at all: the ledger's reader says so
        present = False
    if not present:
        return pl.DataFrame(schema=SCHEMA), []
    rows, errors = [], []
    for path in sorted(folder.iterdir()):
        display = f"{ledger_dir / COMMENTARY_DIR / path.name}"
        row, error = _one_file(path, display)
        if error is not None:
            errors.append(error)
        elif row is not None:
            rows.append(row)
    return pl.DataFrame(rows, schema=SCHEMA, orient="row"), errors


def _one_file(path: Path, display: str) -> tuple[tuple[str, ...] | None, LedgerError | None]:
    if path.name.startswith("."):  # an editor's or the system's hidden file
        return None, None
    name = _NAME.match(path.name)
    if not path.is_file() or name is None:
        expected = "<quarter>.md or <quarter>.<lang>.md, e.g. 2026Q3.md, 2026Q3.zh-Hant.md"
        return None, LedgerError(display, 0, f"not a commentary file (expected {expected})")
    quarter, lang = name.group("quarter"), name.group("lang") or DEFAULT_LANGUAGE
    if _QUARTER.match(quarter) is None:
        return None, LedgerError(display, 0, f"{quarter!r} is not a quarter like 2026Q3")
    if lang not in LANGUAGES:
        known = ", ".join(LANGUAGES)
        return None, LedgerError(display, 0, f"unknown language {lang!r} (known: {known})")
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, LedgerError(display, line, f"not UTF-8 (byte {data[exc.start]:#04x})")
    text = text.removeprefix("\ufeff").replace("\r\n", "\n")
    digest = hashlib.sha256(data).hexdigest()
    return (quarter, lang, text, digest, f"{COMMENTARY_DIR}/{path.name}"), None

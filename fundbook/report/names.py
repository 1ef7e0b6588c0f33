"""File names of report outputs: readable, bounded in length, and never shared by two ids."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from pathlib import Path

from fundbook.core.errors import FundbookError
from fundbook.report.i18n import DEFAULT_LANGUAGE

SLUG_MAX = 40  # characters of each id kept readable in a name
DIGEST_LEN = 12  # hex characters of the digest of the exact ids (48 bits)
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")


def slug(text: str) -> str:
    """A readable, portable piece of a file name: ASCII letters, digits, '_' and '-' only.

    Everything else (`/`, `.`, spaces, CJK) becomes one '_'; at most `SLUG_MAX` characters.
    A slug alone is not unique (`a/b` and `a_b` share one): `output_stem` adds a digest.
    """
    return _UNSAFE.sub("_", text)[:SLUG_MAX] or "_"


def ids_digest(ids: Iterable[str]) -> str:
    """A short SHA-256 of the exact ids, encoded without ambiguity (a JSON list)."""
    encoded = json.dumps(list(ids), ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()[:DIGEST_LEN]


def output_stem(kind: str, quarter: str, *ids: str) -> str:
    """`<kind>-<quarter>[-<id slug>...-<digest of the ids>]`, at most ~150 ASCII characters.

    Two different tuples of ids get different digests, so they never share a file, even on a
    case-insensitive file system (the digest is lower-case hex of the exact, case-kept ids).
    """
    parts = [slug(kind), slug(quarter), *(slug(i) for i in ids)]
    if ids:
        parts.append(ids_digest(ids))
    return "-".join(parts)


def lp_stem(quarter: str, fund_id: str, investor_id: str) -> str:
    """The file name (without suffix) of the LP report of one (fund, investor)."""
    return output_stem("lp", quarter, fund_id, investor_id)


def grant_stem(quarter: str, fund_id: str, investor_id: str) -> str:
    """The file name (without suffix) of a grant programme's report to one investor funding
    it (`grant-<quarter>-<fund>-<investor>-<digest>`: not an LP report, not named as one)."""
    return output_stem("grant", quarter, fund_id, investor_id)


def in_language(stem: str, lang: str) -> str:
    """`stem` of a report in `lang`: English keeps it, another language adds its tag
    (`lp-2026Q3-…-zh-Hant`), so that both languages can be written to one folder."""
    return stem if lang == DEFAULT_LANGUAGE else f"{stem}-{slug(lang)}"


def distinct_stems(stems: Iterable[tuple[tuple[str, ...], str]]) -> None:
    """Refuse two keys given one name (a digest collision: never seen, but never silent)."""
    seen: dict[str, tuple[str, ...]] = {}
    for key, stem in stems:
        if stem in seen:
            raise FundbookError(f"file name {stem} would be shared by {seen[stem]} and {key}")
        seen[stem] = key


def inside(folder: Path, path: Path) -> Path:
    """`path`, after checking that it lies inside `folder` (outputs go only where asked)."""
    if not path.resolve().is_relative_to(folder.resolve()):
        raise FundbookError(f"{path.name}: would be written outside {folder}")
    return path

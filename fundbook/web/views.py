"""What a request asks for (period, figure, table) and what an investor's token may read of it."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from fundbook.close.explain import level_keys
from fundbook.core.errors import NotFound
from fundbook.core.types import INFO_LEVELS
from fundbook.metrics.explain import RECIPES
from fundbook.report.context import Figure
from fundbook.store.tokens import Access

# What an investor's token may explain or download: its own rows of these levels (rows of
# the investor's capital account, its statement and its flows; nothing naming another partner).
INVESTOR_LEVELS = ("investor", "statement", "flow")
# The key columns a download or an explain may filter by (query parameters of the same name).
KEY_COLUMNS = (
    "fund_id",
    "investor_id",
    "holding_id",
    "company_id",
    "programme",
    "scope",
    "theme",
    "rule",
    "status",
    "quarter",
    "figure",
    "txn_id",
    "basis",
    "category",
)
_SAFE = re.compile(r"[^A-Za-z0-9_.-]+")


def period_of(request: Any) -> str | None:
    """The `?period=` asked for (`2026-09`, `2026Q3`, `open`), else None (the latest close)."""
    value = request.query_params.get("period")
    return str(value) if value else None


@dataclass(frozen=True)
class ExplainRequest:
    level: str
    keys: dict[str, str | None]
    figure: str
    as_of: dt.date


def explain_request(params: Mapping[str, str]) -> ExplainRequest:
    """`/explain?level=..&figure=..&as_of=YYYY-MM-DD&<key>=..` (NotFound when malformed)."""
    name = params.get("level", "")
    figure = params.get("figure", "")
    if name not in RECIPES or not figure:
        raise NotFound("no such figure")
    try:
        as_of = dt.date.fromisoformat(params.get("as_of", ""))
    except ValueError as exc:
        raise NotFound("no such date") from exc
    keys: dict[str, str | None] = {k: params.get(k) for k in level_keys(name)}
    return ExplainRequest(name, keys, figure, as_of)


# What an investor's token may explain: its own rows of these levels only. The lines of an
# investor-level figure may name the other partners (a share of commitments lists every
# partner's commitment), so the investor level is not among them.
INVESTOR_EXPLAIN = ("statement", "flow")


def may_explain(access: Access, level: str, keys: Mapping[str, str | None]) -> bool:
    """Staff explain anything; an investor only its own rows of `INVESTOR_EXPLAIN`."""
    if access.staff:
        return True
    return level in INVESTOR_EXPLAIN and keys.get("investor_id") == access.investor_id


def explain_url(fig: Figure, access: Access | None, as_of: Any = None) -> str | None:
    """The explain page of a figure, when its source is a stored level the token may read
    (`as_of`: the date of the page's figures, for a figure whose source does not say it)."""
    source = fig.source
    day = source.period_end if source is not None and source.period_end else as_of
    if access is None or source is None or day is None:
        return None
    if source.level not in RECIPES or source.level in INFO_LEVELS:
        return None
    keys = dict(source.keys)
    if not may_explain(access, source.level, keys):
        return None
    query = {"level": source.level, "figure": source.field, "as_of": str(day)}
    query.update({k: str(v) for k, v in keys.items() if v is not None})
    return "/explain?" + urlencode(query)


def data_keys(params: Mapping[str, str]) -> dict[str, str]:
    """The filter of a table's download (`?fund_id=..&investor_id=..`)."""
    return {k: str(params[k]) for k in KEY_COLUMNS if params.get(k)}


def may_download(access: Access, level: str, keys: Mapping[str, str]) -> bool:
    """Staff download any level; an investor only its own rows of `INVESTOR_LEVELS`."""
    if access.staff:
        return True
    return level in INVESTOR_LEVELS and keys.get("investor_id") == access.investor_id


def data_url(level: str, keys: Mapping[str, str], fmt: str, period: str | None) -> str:
    query = dict(sorted(keys.items()))
    if period:
        query["period"] = period
    return f"/data/{level}.{fmt}" + (f"?{urlencode(query)}" if query else "")


def data_filename(level: str, keys: Mapping[str, str], fmt: str) -> str:
    """`level-key-key.fmt`, portable."""
    parts = [level, *(keys[k] for k in sorted(keys))]
    return _SAFE.sub("_", "-".join(parts)) + f".{fmt}"


def with_period(path: str, period: str | None) -> str:
    """`path` with `?period=` when a period other than the latest is shown."""
    return f"{path}?{urlencode({'period': period})}" if period else path

"""Golden books: a ledger directory imported through the real importer, and its expected
figures (as the JSON output renders them), run by one helper.

Each case is a folder: `ledger/` (the seven CSVs), `expected.json` (`as_of`, the `statement`
period, and `checks` selecting one row of a table by keys) and a README.md deriving every
expected figure by hand. A check may carry `tolerance` (absolute, for IRRs from an iterative
solver; default 1e-12) and `known_issue`: a hand-derived figure fundbook does not produce yet
(the case xfails while it differs, and fails once it agrees, so that the mark is removed).

fund_of_funds, by hand (USD 7.85 at the as-of date):
- sfu: 40 USD called and invested (c1 24, c2 16), marked 36 + 12 = 48: NAV 48, P&L +8;
  gf-lp holds 25 %: 10 + 2 = 12 USD = 94.20 HKD; soc 30 + 6 = 36.
- gf: 100 called, 78 into sfu and 20 into c1 (no mark: at cost): cash 2, NAV 2 + 94.20 + 20.
  sfu's gain of 16.20 HKD is FX translation 78 x 7.85 / 7.80 - 78 = 0.50 (the call of 10 USD
  paid at 7.80, translated at 7.85) and the market part 94.20 - 78 - 0.50 = 15.70 (2 USD).
- programme gf, sub-funds: government 25 USD (196.25), social 75 USD (588.75), committed 785,
  amplification 4 but HK$40bn away from the programme size: watch; direct co-investments
  (gf's 20 and angel's 30 alongside) a scope of their own, without a target.
- compliance sfu: size 785 HKD; nexus 24 of 40 invested, 24 of 100 of size (period ended);
  production 30 of 100 (235.50 HKD); c2 (16 USD = 125.60 HKD) is outside the five themes.
- look-through gf, ai_robotics: c1 direct 20 + 25 % of 24 USD (47.10); value 20 + 70.65.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from fundbook import metrics as m
from fundbook.cli.output import to_records
from fundbook.store.db import open_book
from fundbook.store.frames import Frames, load_frames
from fundbook.store.importer import import_book

GOLDEN = Path(__file__).parent / "golden"
CASES = sorted(p.name for p in GOLDEN.iterdir() if (p / "expected.json").is_file())


def _tables(frames: Frames, as_of: date, period: list[str]) -> dict[str, pl.DataFrame]:
    start, end = (date.fromisoformat(d) for d in period)
    return {
        "fund": m.fund_metrics(frames, as_of),
        "investor": m.investor_metrics(frames, as_of),
        "holding": m.holding_metrics(frames, as_of),
        "programme": m.programme_metrics(frames, as_of),
        "compliance": m.compliance(frames, as_of),
        "theme_look_through": m.theme_exposure(frames, as_of, look_through=True),
        "statement": m.capital_account_statement(frames, start, end),
        "grant_matching": m.grant_matching(frames, as_of),
    }


def _matches(record: dict[str, Any], where: dict[str, Any]) -> bool:
    return all(record.get(k) == v for k, v in where.items())


def _differences(check: dict[str, Any], tables: dict[str, list[dict[str, Any]]]) -> list[str]:
    """The figures of one check that differ from the expected ones (empty when all agree)."""
    rows = [r for r in tables[check["table"]] if _matches(r, check["where"])]
    if len(rows) != 1:
        return [f"{check['table']} {check['where']}: {len(rows)} rows"]
    out = []
    for figure, expected in check["expect"].items():
        got = rows[0][figure]
        if isinstance(expected, float) and isinstance(got, float):
            same = got == pytest.approx(expected, abs=check.get("tolerance", 1e-12))
        else:
            same = got == expected
        if not same:
            where = f"{check['table']} {check['where']}"
            out.append(f"{where} {figure}: got {got!r}, expected {expected!r}")
    return out


@pytest.mark.parametrize("case", CASES)
def test_golden_book(case: str, tmp_path: Path) -> None:
    spec = json.loads((GOLDEN / case / "expected.json").read_text(encoding="utf-8"))
    as_of = date.fromisoformat(spec["as_of"])
    with open_book(tmp_path / "book.duckdb") as con:
        import_book(con, GOLDEN / case / "ledger")
        frames = load_frames(con, as_of)
    tables = {k: to_records(v) for k, v in _tables(frames, as_of, spec["statement"]).items()}
    checks = [c for c in spec["checks"] if "known_issue" not in c]
    known = [c for c in spec["checks"] if "known_issue" in c]
    assert [d for c in checks for d in _differences(c, tables)] == []
    # A known issue is an expected figure, derived by hand, that fundbook does not produce yet:
    # the case xfails while it differs, and fails once it agrees so that the mark is removed.
    still = [c["known_issue"] for c in known if _differences(c, tables)]
    fixed = [c["known_issue"] for c in known if not _differences(c, tables)]
    assert fixed == [], "known issue(s) now agree: remove the known_issue mark"
    if still:
        pytest.xfail("; ".join(still))

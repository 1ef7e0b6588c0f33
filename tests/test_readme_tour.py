"""The README's tour runs on the demo book: its `fundbook fees` and `fundbook waterfall` lines
name a demo fund with terms (terms.csv) and a date of the demo after that fund's first closing."""

from __future__ import annotations

import csv
import re
from datetime import date, timedelta
from pathlib import Path

from fundbook.demo import DEMO_LEDGER

README = Path(__file__).parents[1] / "README.md"
LAST_DEMO_DATE = date(2026, 10, 31)  # ledgers/itif-demo/README.md: every row on or before it


def _rows(name: str) -> list[dict[str, str]]:
    with (Path(DEMO_LEDGER) / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _tour_lines(command: str) -> list[str]:
    return [
        line
        for line in README.read_text(encoding="utf-8").splitlines()
        if line.startswith(f"uv run fundbook {command} ")
    ]


def _day(line: str) -> date:
    quarter = re.search(r"--quarter (\d{4})Q([1-4])", line)
    if quarter:
        year, n = int(quarter.group(1)), int(quarter.group(2))
        return date(year + n // 4, 3 * n % 12 + 1, 1) - timedelta(days=1)  # its last day
    as_of = re.search(r"--as-of (\d{4}-\d{2}-\d{2})", line)
    assert as_of, line
    return date.fromisoformat(as_of.group(1))


def test_fees_and_waterfall_name_a_demo_fund_with_terms_and_a_demo_date() -> None:
    with_terms = {r["fund_id"] for r in _rows("terms.csv")}
    first_closing: dict[str, date] = {}
    for r in _rows("commitments.csv"):
        day = date.fromisoformat(r["date"])
        first_closing[r["fund_id"]] = min(day, first_closing.get(r["fund_id"], day))
    lines = _tour_lines("fees") + _tour_lines("waterfall")
    assert len(lines) == 2, lines
    for line in lines:
        fund = re.search(r"--fund (\S+)", line)
        assert fund and fund.group(1) in with_terms, line
        assert first_closing[fund.group(1)] < _day(line) <= LAST_DEMO_DATE, line

"""The IRR policy: n.m. under the age (12 months by default), terms' months and the override."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from fundbook.cli import cli
from fundbook.metrics.irr_policy import reflag, too_young
from fundbook.metrics.levels import fund_level, investor_level
from fundbook.store.frames import frames_from_rows
from tests.metrics.book import small_book


def _young(start: str, as_of: str, months: int) -> bool | None:
    frame = pl.DataFrame({"start": [date.fromisoformat(start)], "months": [months]})
    return frame.select(
        too_young(pl.col("start"), date.fromisoformat(as_of), pl.col("months"))
    ).item()


@pytest.mark.parametrize(
    ("start", "as_of", "months", "young"),
    [
        ("2025-09-30", "2026-09-29", 12, True),  # a day short of 12 months: n.m.
        ("2025-09-30", "2026-09-30", 12, False),  # at 12 months: shown
        ("2026-01-31", "2026-02-27", 1, True),  # 31 Jan + 1 month is 28 Feb
        ("2026-01-31", "2026-02-28", 1, False),
        ("2025-03-15", "2026-09-30", 24, True),
    ],
)
def test_an_irr_is_not_meaningful_until_its_age(
    start: str, as_of: str, months: int, young: bool
) -> None:
    assert _young(start, as_of, months) is young


def test_no_contribution_has_no_flag() -> None:
    frame = pl.DataFrame(
        {"start": [None], "months": [12]}, schema={"start": pl.Date, "months": pl.Int64}
    )
    assert (
        frame.select(too_young(pl.col("start"), date(2026, 9, 30), pl.col("months"))).item() is None
    )


def _flags(frames: object, as_of: date) -> tuple[object, ...]:
    fund = fund_level(frames, as_of).row(0, named=True)  # type: ignore[arg-type]
    gov = investor_level(frames, as_of).filter(pl.col("investor_id") == "gov").row(0, named=True)  # type: ignore[arg-type]
    return fund["net_irr_nm"], fund["gross_irr_nm"], gov["net_irr_nm"], fund["irr_since"]


def test_the_fund_and_its_partners_are_flagged_by_their_first_contribution() -> None:
    # small_book: first contributions on 2020-01-15
    young = date(2021, 1, 14)
    assert _flags(small_book(young), young) == (True, True, True, date(2020, 1, 15))
    old = date(2021, 1, 15)
    assert _flags(small_book(old), old)[:3] == (False, False, False)
    fund = fund_level(small_book(young), young).row(0, named=True)
    assert fund["net_irr"] is not None and fund["irr_nm_months"] == 12  # the number is kept


def test_terms_months_and_the_override() -> None:
    as_of = date(2021, 12, 31)
    rows = {
        name: small_book(as_of).__dict__[name].to_dicts()
        for name in ("funds", "investors", "companies", "commitments", "transactions", "valuations")
    }
    rows["terms"] = [
        {"fund_id": "sf", "irr_nm_months": 24, "source_file": "terms.csv", "source_line": 2}
    ]
    frames = frames_from_rows(as_of, rows)
    fund = fund_level(frames, as_of)
    assert fund.row(0, named=True)["irr_nm_months"] == 24
    assert _flags(frames, as_of)[:3] == (True, True, True)  # 23.5 months: n.m. under 24
    # the override (a report's or `metrics --irr-nm-months`) replaces every fund's months
    again = reflag(fund, as_of, 12).row(0, named=True)
    assert (again["net_irr_nm"], again["gross_irr_nm"], again["irr_nm_months"]) == (
        False,
        False,
        12,
    )


def _metrics(db: Path, *args: str) -> str:
    result = CliRunner().invoke(
        cli, ["metrics", "--as-of", "2026-09-30", "--db", str(db), *args], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    return result.output


def test_cli_json_keeps_the_number_and_the_table_prints_nm(demo_db: Path) -> None:
    rows = {r["fund_id"]: r for r in json.loads(_metrics(demo_db, "--format", "json"))}
    digital = rows["sf-digital"]  # first closing 2026-02-27: 7 months old
    assert isinstance(digital["net_irr"], float) and digital["net_irr_nm"] is True
    assert digital["irr_since"] == "2026-02-27" and digital["irr_nm_months"] == 12
    assert rows["itvf"]["net_irr_nm"] is False  # since 2019
    table = _metrics(demo_db, "--fund", "sf-digital")
    assert "n.m." in table
    csv_head = _metrics(demo_db, "--format", "csv").splitlines()[0].split(",")
    assert {"net_irr_nm", "gross_irr_nm", "irr_since"} <= set(csv_head)
    short = json.loads(_metrics(demo_db, "--format", "json", "--irr-nm-months", "6"))
    assert next(r for r in short if r["fund_id"] == "sf-digital")["net_irr_nm"] is False
    partners = json.loads(
        _metrics(demo_db, "--by", "investor", "--format", "json", "--fund", "sf-digital")
    )
    assert partners and all(p["net_irr_nm"] is True for p in partners)

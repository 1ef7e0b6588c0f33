"""The board's "Management fees vs LPA terms": each fund's fees of the quarter as its close
checked them (computed, booked, difference, the same as `fundbook fees`), an over-billing
flagged in words and on the first page, a fund without fee terms "not modelled"."""

from __future__ import annotations

import json
from decimal import Decimal
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from fee_kit import TERMS_HEADER
from report_kit import REPORT_BOOK

from fundbook.cli import cli
from fundbook.close.closing import close_period
from fundbook.report.board import build_board_context
from fundbook.report.render import board_report, load
from ledger_kit import write_book

D = Decimal
# sf1: 2 % a year on its 1,000.00 of commitments, 5.00 a quarter; 15.00 booked for 2026Q3
SF1_TERMS = "sf1,0.02,commitment,,,quarterly_advance,,,"
FEES = [
    "f2,2026-04-01,sf1,fee,,,5.00,HKD,Q2 fee",
    "f3,2026-08-04,sf1,fee,,,15.00,HKD,Q3 fee (over-billed)",
]
BREACH = (
    "Harbour Deep Tech Fund I: management fees booked for 2026Q3 are 15.00 HKD, 5.00 computed "
    "from its LPA terms: over-billed by 10.00 (tolerance 1.00)."
)


@pytest.fixture(scope="module")
def board(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any, list[str]]:
    root = tmp_path_factory.mktemp("board-fees")
    ledger = write_book(
        root / "ledger", REPORT_BOOK, transactions=[*REPORT_BOOK["transactions"], *FEES]
    )
    (ledger / "terms.csv").write_text(f"{TERMS_HEADER}\n{SF1_TERMS}\n", encoding="utf-8")
    db = root / "book.duckdb"
    warnings = close_period(db, "2026-09", ledger_dir=str(ledger)).warnings
    return db, load(db, "2026Q3"), warnings


def test_one_row_per_sub_fund_as_fundbook_fees_gives_it(board: tuple[Path, Any, list[str]]):
    db, source, warnings = board
    rows = build_board_context(source).fees
    assert [(r.fund, r.modelled, r.within, r.result) for r in rows] == [
        ("Harbour Deep Tech Fund I", True, False, "over-billed"),
        ("Lion Rock Semiconductor Fund", False, None, "not modelled"),
    ]
    sf1 = rows[0]
    result = CliRunner().invoke(
        cli, ["fees", "--fund", "sf1", "--quarter", "2026Q3", "--db", str(db), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    fund = json.loads(result.output)[-1]
    for fig in (sf1.fee_net, sf1.booked, sf1.difference, sf1.fee_tolerance):
        assert fig is not None and fig.source is not None
        assert (fig.source.level, dict(fig.source.keys)) == (
            "fee_check",
            {"fund_id": "sf1", "quarter": "2026Q3"},
        )
        assert fig.value == D(fund[fig.source.field])
    assert (sf1.fee_net.value, sf1.booked.value, sf1.difference.value) == (  # type: ignore[union-attr]
        D("5.00"),
        D("15.00"),
        D("10.00"),
    )
    assert rows[1].fee_net is None and rows[1].booked is None
    assert [w for w in warnings if "management fees booked in 2026Q3" in w]


def test_the_over_billing_is_one_sentence_for_the_first_page(
    board: tuple[Path, Any, list[str]],
):
    _, source, _ = board
    assert build_board_context(source).fee_breaches == [BREACH]


def test_the_section_renders_flags_and_not_modelled(
    board: tuple[Path, Any, list[str]], tmp_path: Path
):
    _, source, _ = board
    html = unescape(board_report(source, tmp_path).html[0].read_text(encoding="utf-8"))
    first_page = html[: html.index("<h2>Programme totals</h2>")]
    assert BREACH in first_page
    section = html[html.index("<h2>Management fees vs LPA terms</h2>") :]
    section = section[: section.index("</section>")]
    assert "over-billed: beyond tolerance" in section and "not modelled" in section
    for text in ("Harbour Deep Tech Fund I", "5.00", "15.00", "10.00", "1.00"):
        assert text in section


def test_fees_total_in_hkd_at_the_as_of_rate(board: tuple[Path, Any, list[str]]):
    """The table's last column is each fund's booked fees in HKD from the fee_check level (at
    the as-of rate, converted by metrics), totalled; the funds' own currencies are not."""
    from test_report_board_story import Tables, _number

    _, source, _ = board
    ctx = build_board_context(source)
    booked = [r.booked_hkd for r in ctx.fees if r.booked_hkd is not None]
    assert [f.value for f in booked] == [D("15.00")]  # sf1, in HKD; sf2 not modelled
    assert all(f.source is not None and f.source.level == "fee_check" for f in booked)
    assert ctx.fees_total_hkd is not None and ctx.fees_total_hkd.value == D("15.00")
    html = board_report(source, source_dir(board)).html[0].read_text(encoding="utf-8")
    parser = Tables("fees")
    parser.feed(html)
    (table,) = parser.tables
    total = next(cells for is_total, cells in table if is_total)
    assert total[2:6] == ["—"] * 4  # the funds' own currencies are not added
    shown = [cells[-1] for is_total, cells in table if not is_total and cells[-1] != "—"]
    assert sum(_number(c) for c in shown) == _number(total[-1]) == D("15.00")


def source_dir(board: tuple[Path, Any, list[str]]) -> Path:
    out = board[0].parent / "tables-out"
    out.mkdir(exist_ok=True)
    return out

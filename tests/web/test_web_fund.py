"""A fund's page reads as a fund manager or an auditor reads a fund: titled sections in order,
labelled columns (never a stored column's snake_case name), the waterfall, capital accounts
whose total row is the fund's stored figures and ties to the partners' rows, empty sections
that say why; the programme's page likewise."""

from __future__ import annotations

import html
import re
from decimal import Decimal

import pytest
from starlette.testclient import TestClient
from web_kit import DemoWeb, bearer

from fundbook.close.snapshot import LEVEL_KEYS
from fundbook.store.db import open_book
from fundbook.web.labels import BY_LEVEL, COLUMNS
from fundbook.web.sections import (
    CAPITAL,
    CARRY,
    CARRY_TERMS,
    FUNDS_COLUMNS,
    GRANTS,
    HEADLINE,
    PROGRAMME_SECTIONS,
    SECTIONS,
)

FUND = "sf-airobot"  # a sub-fund of the demo with carry terms and no interest in another fund
SNAKE = re.compile(r"^[a-z0-9]+(_[a-z0-9]+)+$")
_TAG = re.compile(r"<[^>]+>")


def _text(fragment: str) -> str:
    return html.unescape(_TAG.sub("", fragment)).strip()


def _section(page: str, anchor: str) -> str:
    found = re.search(rf'<section[^>]*id="{anchor}"[^>]*>(.*?)</section>', page, re.S)
    assert found, f"no section {anchor}"
    return found.group(1)


def _rows(section: str) -> list[list[str]]:
    """The rows of a section's table as the cells' texts (header row first)."""
    return [
        [_text(c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", section, re.S)
    ]


def _amount(text: str) -> Decimal:
    shown = text.replace(",", "")
    return -Decimal(shown[1:-1]) if shown.startswith("(") else Decimal(shown)


def _stored_columns(demo_web: DemoWeb) -> dict[str, set[str]]:
    with open_book(demo_web.db, read_only=True) as con:
        found = con.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_name LIKE 'snapshot_%'"
        ).fetchall()
    out: dict[str, set[str]] = {}
    for table, column in found:
        out.setdefault(table.removeprefix("snapshot_"), set()).add(column)
    return out


@pytest.fixture(scope="module")
def fund_page(demo_web: DemoWeb, web_client: TestClient) -> str:
    response = web_client.get(f"/funds/{FUND}", headers=bearer(demo_web.staff))
    assert response.status_code == 200
    return response.text


def test_sections_in_order_each_with_a_note(fund_page: str) -> None:
    titles = [_text(t) for t in re.findall(r"<h2>(.*?)</h2>", fund_page, re.S)]
    assert titles == [
        "Headline",
        "Capital accounts",
        "Waterfall and carried interest",
        "Holdings",
        "Look-through by company",
        "Compliance",
        "Compliance history",
        "Fees against the schedule",
        "Cash flows by quarter",
        "Expenses by category",
        "Reconciliation with the GP statements",
        "Partners",
    ]
    for anchor in ("headline", "capital", "waterfall", "holdings", "fees", "cash-flows"):
        note = re.search(r'<p class="web-section-note">(.*?)</p>', _section(fund_page, anchor))
        assert note and "HKD" in note.group(1), anchor  # what it is, in its currency


def test_no_header_is_a_stored_column_name(demo_web: DemoWeb, fund_page: str) -> None:
    stored = set().union(*_stored_columns(demo_web).values())
    headers = [_text(h) for h in re.findall(r"<(?:th|dt)[^>]*>(.*?)</(?:th|dt)>", fund_page, re.S)]
    assert len(headers) > 80
    bad = [h for h in headers if SNAKE.match(h) or h in stored]
    assert bad == []
    assert "True" not in fund_page and "False" not in fund_page  # booleans in words
    assert "n.m." in _section(fund_page, "headline")
    assert "under 12 months" in _section(fund_page, "headline")  # the IRR policy's input, said


def test_every_shown_column_is_stored_and_labelled(demo_web: DemoWeb) -> None:
    """A section naming a column its level does not store (renamed, dropped) or one without a
    label fails here, not as a silent dash or a snake_case header on the page."""
    stored = _stored_columns(demo_web)
    wanted = [(s.level, c) for s in (CAPITAL, CARRY, GRANTS, *SECTIONS) for c in s.columns]
    wanted += [("fund", c) for s in (CAPITAL, CARRY, *SECTIONS) for _, c in s.total]
    wanted += [("fund", c) for c, _ in HEADLINE] + [("fund", c) for c in FUNDS_COLUMNS]
    wanted += [("fund_info", c) for c in CARRY_TERMS]
    wanted += [(name, c) for _, name, columns, _, _ in PROGRAMME_SECTIONS for c in columns]
    unstored = [(lvl, c) for lvl, c in wanted if c not in stored[lvl]]
    assert unstored == []
    unlabelled = [(lvl, c) for lvl, c in wanted if c not in COLUMNS and (lvl, c) not in BY_LEVEL]
    assert unlabelled == []
    assert all(level in LEVEL_KEYS for level, _ in wanted)


def test_capital_accounts_total_is_the_funds_nav_and_ties(
    demo_web: DemoWeb, fund_page: str
) -> None:
    with open_book(demo_web.db, read_only=True) as con:
        (nav,) = con.execute(
            "SELECT nav FROM snapshot_fund WHERE fund_id = ? ORDER BY close_id DESC LIMIT 1",
            [FUND],
        ).fetchone()
    rows = _rows(_section(fund_page, "capital"))
    header, partners, total = rows[0], rows[1:-1], rows[-1]
    column = header.index("NAV (capital account)")
    assert total[0] == "Fund total (as stored)"
    assert _amount(total[column]) == nav
    assert len(partners) >= 5
    assert sum((_amount(r[column]) for r in partners), Decimal(0)) == nav
    assert 'href="/explain?level=fund&amp;figure=nav&amp;' in _section(fund_page, "capital")


def test_waterfall_section(demo_web: DemoWeb, web_client: TestClient, fund_page: str) -> None:
    carry = _section(fund_page, "waterfall")
    terms = dict(
        (_text(dt), _text(dd))
        for dt, dd in re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", carry, re.S)
    )
    assert terms["Waterfall"] == "European (whole fund)"
    assert terms["Carried interest"] == "20.00 %" and terms["Hurdle (preferred return)"] == "8.00 %"
    rows = _rows(carry)
    assert rows[0][:4] == ["Partner", "NAV before carry", "Accrued carry", "NAV (capital account)"]
    assert rows[-1][0] == "Fund total (as stored)"
    assert f"fundbook waterfall --fund {FUND}" in carry  # where the tiers are
    guidance = web_client.get("/funds/itif", headers=bearer(demo_web.staff)).text
    assert "This fund has no carry terms" in _section(guidance, "waterfall")


def test_empty_sections_say_why(demo_web: DemoWeb, web_client: TestClient, fund_page: str) -> None:
    look = _section(fund_page, "look-through")
    assert "holds no interest in another fund of the book" in look
    assert "No rows" not in fund_page
    reconciled = _section(fund_page, "reconciliation")
    assert "receives no GP statement to reconcile" in reconciled
    assert 'href="/funds/itif"' in reconciled  # the holder reconciling its interest in it
    guidance = web_client.get("/funds/itif", headers=bearer(demo_web.staff)).text
    assert len(_rows(_section(guidance, "look-through"))) > 10
    assert "differs" in _section(guidance, "reconciliation")
    grants = web_client.get("/funds/mplus", headers=bearer(demo_web.staff)).text
    assert len(_rows(_section(grants, "grants"))) > 10  # a grant programme's own section
    assert 'id="grants"' not in fund_page


def test_downloads_of_every_section_unchanged(fund_page: str) -> None:
    for level in ("fund", "investor", "holding", "look_through_company", "compliance"):
        assert f'href="/data/{level}.csv?fund_id={FUND}"' in fund_page, level
    for level in ("fee_check", "cash_flow", "expense_by_category", "reconcile"):
        assert f'href="/data/{level}.json?fund_id={FUND}"' in fund_page, level


def test_programme_and_funds_pages_are_labelled(demo_web: DemoWeb, web_client: TestClient) -> None:
    staff = bearer(demo_web.staff)
    stored = set().union(*_stored_columns(demo_web).values())
    for path, titles in (
        (
            "/programme",
            ["Programme by scope", "Programme by sub-fund", "Exposure by theme", "Grants"],
        ),
        ("/funds", ["Key figures"]),
    ):
        page = web_client.get(path, headers=staff).text
        assert [_text(t) for t in re.findall(r"<h2>(.*?)</h2>", page, re.S)] == titles
        headers = [_text(h) for h in re.findall(r"<th[^>]*>(.*?)</th>", page, re.S)]
        assert [h for h in headers if SNAKE.match(h) or h in stored] == [], path
        assert page.count('class="web-section-note"') == len(titles), path
        assert "/explain?" in page and "/data/" in page
    scopes = _rows(_section(web_client.get("/programme", headers=staff).text, "programme"))
    assert scopes[0][1].endswith("Direct co-investments") and scopes[0][2].endswith("Sub-funds")

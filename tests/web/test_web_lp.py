"""A partner's pages: its notices of every closed period, the methods they link to, the open
period (staff only, computed once per book), and the dashboard in 繁體中文."""

from __future__ import annotations

import html
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest
from web_kit import DemoWeb, TestClient, bearer, client

from fundbook.close.closing import close_period
from fundbook.demo import DEMO_LEDGER
from fundbook.report.i18n import translator
from fundbook.store.db import open_book
from fundbook.store.tokens import issue_token
from fundbook.web import book
from fundbook.web.language import accepted

LP = ("sf-airobot", "hk-tech-ventures")  # a fund and one of its partners, with notices
OTHER = "bauhinia-strategic"  # another partner of the same fund
ZH = translator("zh-Hant")


@dataclass(frozen=True)
class TwoQuarters:
    """The demo book closed at 2026Q2 and 2026Q3 (the months between carried forward)."""

    db: Path
    staff: str
    investors: dict[str, str]  # investor_id -> token
    names: dict[str, str]  # investor_id -> name


@pytest.fixture(scope="module")
def two_quarters(tmp_path_factory: pytest.TempPathFactory) -> TwoQuarters:
    if not (DEMO_LEDGER / "funds.csv").is_file():
        pytest.skip("the demo ledger is not in this checkout")
    db = tmp_path_factory.mktemp("quarters") / "book.duckdb"
    for period in ("2026-06", "2026-07", "2026-08", "2026-09"):
        carry = period in ("2026-07", "2026-08")  # the demo values its holdings quarterly
        close_period(db, period, ledger_dir=str(DEMO_LEDGER), carry_forward=carry)
    with open_book(db) as con:
        staff = issue_token(con, label="staff").token
        found = con.execute("SELECT investor_id, name FROM investors").fetchall()
        tokens = {i: issue_token(con, i).token for i in (LP[1], OTHER)}
    return TwoQuarters(db, staff, tokens, {i: n for i, n in found})


@pytest.fixture(scope="module")
def quarters_client(
    two_quarters: TwoQuarters, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestClient]:
    with client(two_quarters.db, tmp_path_factory.mktemp("quarters-web"), 3600) as web:
        yield web


@pytest.fixture
def fresh(web_client: TestClient) -> Iterator[TestClient]:
    """The session's dashboard, its language cookie cleared after the test (a `?lang=` sets
    it, and the other tests read English)."""
    try:
        yield web_client
    finally:
        web_client.cookies.clear()


def _hrefs(text: str, page: str) -> list[str]:
    """The links of a page, resolved against its path as a browser does."""
    return [urljoin(page, html.unescape(h)) for h in re.findall(r'href="([^"#][^"]*)"', text)]


def _others(names: dict[str, str], me: str) -> set[str]:
    return {form for i, n in names.items() if i != me for form in (i, n, html.escape(n))}


def test_notices_of_every_closed_period(
    two_quarters: TwoQuarters, quarters_client: TestClient
) -> None:
    """An investor's page lists its notices of each closed quarter; each opens, and each
    downloads as HTML and PDF; none is another partner's, nor names one."""
    fund, me = LP
    token = bearer(two_quarters.investors[me])
    page = quarters_client.get(f"/investors/{me}", headers=token)
    assert page.status_code == 200
    links = _hrefs(page.text, f"/investors/{me}")
    notices = [h for h in links if "/notices/" in h]
    by_period: dict[str, set[str]] = {}
    for href in notices:
        period = re.search(r"period=([\w-]+)", href)
        call = re.search(r"/notices/([^./?]+)", href)
        assert period and call and f"/investors/{me}/notices/" in href, href
        by_period.setdefault(period.group(1), set()).add(call.group(1))
    assert set(by_period) == {"2026-06", "2026-09"}, by_period
    for period, calls in by_period.items():  # as the partner page of that quarter lists them
        lp_page = quarters_client.get(
            f"/funds/{fund}/investors/{me}?period={period}", headers=token
        )
        listed = set(re.findall(r"/notices/([^\"?]+)\?", lp_page.text))
        assert listed and listed == {c for c in calls if c.startswith(fund)}, period
    others = _others(two_quarters.names, me)
    pdfs = 0
    for href in notices:
        if href.split("?")[0].endswith(".pdf"):
            if pdfs:  # one PDF is printed (WeasyPrint): the rest are the same HTML printed
                continue
            pdfs += 1
        response = quarters_client.get(href, headers=token)
        assert response.status_code == 200, href
        if href.split("?")[0].endswith(".pdf"):
            assert response.content[:5] == b"%PDF-"
            continue
        leaked = sorted(o for o in others if o in response.text)
        assert not leaked, (href, leaked[:3])
    assert pdfs == 1
    other = quarters_client.get(
        f"/funds/{fund}/investors/{OTHER}/notices/{next(iter(by_period['2026-06']))}"
        "?period=2026-06",
        headers=token,
    )
    assert other.status_code == 403 and two_quarters.names[OTHER] not in other.text


def test_the_methods_are_a_page(demo_web: DemoWeb, web_client: TestClient) -> None:
    """The reports' link to the methods opens the methods (docs/methods.md, rendered), for
    a partner's token as for staff; no link of the partner's pages answers 404."""
    fund, me = LP
    token = bearer(demo_web.investors[me])
    path = f"/funds/{fund}/investors/{me}"
    page = web_client.get(path, headers=token)
    assert page.status_code == 200
    assert 'href="methods.md"' not in page.text and 'href="/methods"' in page.text
    methods = web_client.get("/methods", headers=token)
    assert methods.status_code == 200
    assert "<h3>Methods: how every figure is computed</h3>" in methods.text
    assert "<table>" in methods.text and "<td>" in methods.text
    for start in (path, f"/investors/{me}"):
        text = web_client.get(start, headers=token).text
        for href in _hrefs(text, start):
            if href.startswith("/") and not href.split("?")[0].endswith((".pdf", ".xlsx")):
                status = web_client.get(href, headers=token).status_code
                assert status == 200, (start, href, status)


def test_the_open_period_is_for_staff_only(
    demo_web: DemoWeb, web_client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A partner's token gets 403 (naming no one) for the open period on every page it may
    otherwise read, and is not offered it; nothing is computed for it."""
    real = book.load_source

    def closed_only(con: Any, quarter: str, **kwargs: Any) -> Any:
        assert kwargs.get("history") is not False, "the open period computed for a partner"
        return real(con, quarter, **kwargs)

    monkeypatch.setattr(book, "load_source", closed_only)
    fund, me = LP
    token = bearer(demo_web.investors[me])
    others = _others(demo_web.names, me)
    for path in (
        f"/investors/{me}?period=open",
        f"/funds/{fund}/investors/{me}?period=open",
        f"/data/statement.csv?fund_id={fund}&investor_id={me}&period=open",
        f"/download/funds/{fund}/investors/{me}/report.html?period=open",
        f"/funds/{fund}/investors/{me}/notices/sf-airobot-call-007?period=open",
    ):
        refused = web_client.get(path, headers=token)
        assert refused.status_code == 403, path
        assert not [o for o in others if o in refused.text], path
        assert "open period" not in refused.text.lower(), path
    page = web_client.get(f"/funds/{fund}/investors/{me}", headers=token)
    assert page.status_code == 200 and 'value="open"' not in page.text


def test_the_open_period_is_computed_once_per_book(
    demo_web: DemoWeb, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Staff see the open period marked as computed now; a second request, of the same page
    or another, does not compute it again; a change to the book's file does."""
    computed: list[str] = []
    real = book.load_source

    def counted(con: Any, quarter: str, **kwargs: Any) -> Any:
        if kwargs.get("history") is False:
            computed.append(quarter)
        return real(con, quarter, **kwargs)

    monkeypatch.setattr(book, "load_source", counted)
    staff = bearer(demo_web.staff)
    web = client(demo_web.db, tmp_path, refresh_seconds=3600)
    first = web.get("/funds?period=open", headers=staff)
    assert first.status_code == 200
    assert "Computed now, not a closed figure" in first.text
    assert computed == ["2026Q4"]
    assert web.get("/funds?period=open", headers=staff).text == first.text
    assert web.get("/programme?period=open", headers=staff).status_code == 200
    assert computed == ["2026Q4"]
    closed = web.get("/funds", headers=staff)
    assert "Computed now" not in closed.text and 'value="open"' in closed.text
    stat = demo_web.db.stat()
    os.utime(demo_web.db, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert web.get("/funds?period=open", headers=staff).status_code == 200
    assert computed == ["2026Q4", "2026Q4"]


def test_a_partner_page_in_traditional_chinese(demo_web: DemoWeb, fresh: TestClient) -> None:
    """`?lang=zh-Hant` renders the page with the reports' zh-Hant catalogue (the embedded LP
    report's own strings), keeps the language in a cookie of its own for the next pages,
    and offers English back."""
    fund, me = LP
    token = bearer(demo_web.investors[me])
    path = f"/funds/{fund}/investors/{me}"
    chinese = ZH("Commitment summary")
    assert chinese != "Commitment summary"
    english = fresh.get(path, headers=token)
    assert "Commitment summary" in english.text and chinese not in english.text
    page = fresh.get(f"{path}?lang=zh-Hant", headers=token)
    assert page.status_code == 200
    assert '<html lang="zh-Hant">' in page.text and chinese in page.text
    assert "Commitment summary" not in page.text
    cookie = page.headers["set-cookie"]
    assert cookie.startswith("fundbook_lang=zh-Hant;") and "fundbook_session" not in cookie
    later = fresh.get(f"/investors/{me}", headers=token)  # a link of the page: no `lang`
    assert '<html lang="zh-Hant">' in later.text
    assert f'href="/investors/{me}?lang=en"' in later.text  # the switch back
    back = fresh.get(f"{path}?lang=en", headers=token)
    assert "Commitment summary" in back.text and chinese not in back.text


@pytest.mark.parametrize(
    "header", ["zh-TW", "zh-HK,zh;q=0.9,en;q=0.8", "zh-Hant", "en;q=0.2, zh-hk"]
)
def test_accept_language_picks_traditional_chinese(
    demo_web: DemoWeb, fresh: TestClient, header: str
) -> None:
    fund, me = LP
    headers = {**bearer(demo_web.investors[me]), "accept-language": header}
    page = fresh.get(f"/funds/{fund}/investors/{me}", headers=headers)
    assert page.status_code == 200 and ZH("Commitment summary") in page.text
    assert "set-cookie" not in page.headers  # only a `?lang=` asked for is remembered


def test_accept_language_order() -> None:
    assert accepted("fr, en-GB;q=0.8, zh-TW;q=0.9") == "zh-Hant"
    assert accepted("zh-CN, en;q=0.5") == "en"  # simplified Chinese is not spoken: English
    assert accepted("zh-HK;q=0, en") == "en"
    assert accepted("de") is None and accepted(None) is None

"""The dashboard in a real browser: Playwright drives the Debian Chromium against `fundbook
serve`'s application under uvicorn on the loopback (the demo book closed once per session).

Every page a staff token reaches renders with no console error and no failed request; an LP's
token sees its own pages and gets 403 elsewhere; a figure's explain lines add up to it; the
downloads arrive; the login form's cookie carries later pages. Screenshots of the overview, a
fund page and an LP page go to the test artefacts folder, outside the repository.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest
from web_kit import DemoWeb

from fundbook.store.db import open_book

pytest.importorskip("playwright", reason="playwright is a dev dependency (`make sync`)")
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright  # noqa: E402

# Screenshots for a person to look at: outside the repository, in $FUNDBOOK_TEST_ARTIFACTS
# when set, else the temporary folder (as the report tests keep theirs).
ARTIFACTS = (
    Path(os.environ.get("FUNDBOOK_TEST_ARTIFACTS") or tempfile.gettempdir())
    / "fundbook-test-artifacts"
    / "web"
)
LP = ("sf-airobot", "hk-tech-ventures")  # a fund and one of its partners, with notices
OTHER_LP = "bauhinia-strategic"  # another partner of the same fund
# Pages not opened by the walk: one figure's lines, files, the tables' downloads, the sign-out;
# of these (and of a page in another language) one link of each kind is asked for at the end.
NOT_WALKED = ("/explain", "/download/", "/data/", "/logout", "/static/")


def chromium() -> str:
    """The Debian Chromium (`make sysdeps`); missing, the tests fail under CI and skip here."""
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        message = "chromium is not installed (run `make sysdeps`): the browser tests need it"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


@dataclass(frozen=True)
class Served:
    """The dashboard of the demo book under uvicorn, at `url` on the loopback."""

    url: str
    demo: DemoWeb


@pytest.fixture(scope="module")
def served(demo_web: DemoWeb, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    import uvicorn

    from fundbook.web.app import create_app

    app = create_app(demo_web.db, cache_dir=tmp_path_factory.mktemp("browsercache"))
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))  # a free port, held from here on (no race with another run)
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", server_header=False, lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield Served(f"http://127.0.0.1:{port}", demo_web)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    binary = chromium()
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=binary)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture(scope="module")
def artefacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    print(f"\nscreenshots of the dashboard: {ARTIFACTS}")
    return ARTIFACTS


@dataclass
class Watched:
    """A page and what went wrong on it: console errors, failed requests, error responses."""

    page: Page
    problems: list[str] = field(default_factory=list)

    def open(self, url: str) -> int:
        """Go to `url`; the status of its answer."""
        response = self.page.goto(url)
        assert response is not None, url
        return response.status


def watched(context: BrowserContext) -> Watched:
    page = context.new_page()
    seen = Watched(page)

    def console(message: Any) -> None:
        if message.type == "error":
            seen.problems.append(f"console on {page.url}: {message.text}")

    def failed(request: Any) -> None:
        seen.problems.append(f"request failed on {page.url}: {request.url} {request.failure}")

    def answered(response: Any) -> None:
        if response.status >= 400 and response.request.resource_type != "document":
            seen.problems.append(f"{response.status} on {page.url}: {response.url}")

    page.on("console", console)
    page.on("pageerror", lambda error: seen.problems.append(f"script error: {error}"))
    page.on("requestfailed", failed)
    page.on("response", answered)
    return seen


def as_token(browser: Browser, token: str) -> BrowserContext:
    """A browser context sending `token` as a bearer header with every request."""
    return browser.new_context(extra_http_headers={"authorization": f"Bearer {token}"})


def links(page: Page) -> list[str]:
    """The hrefs of the page's links, as written."""
    return list(page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))"))


def amount(text: str) -> Decimal:
    """A money figure as shown: `1,234.50`, `(1,234.50)` for a negative one."""
    shown = text.strip().replace(",", "")
    if shown.startswith("(") and shown.endswith(")"):
        return -Decimal(shown[1:-1])
    return Decimal(shown)


def test_every_staff_page_renders_clean(served: Served, browser: Browser, artefacts: Path) -> None:
    """Walk every page a staff token reaches from the overview: each answers 200. The browser
    renders every page but the partners' and notices' pages, of which it renders each fund's
    first (and all of `LP`'s): none logs an error, nothing fails to load. The pages run no
    script (the policy says `script-src 'none'`), so what else can go wrong in a browser is a
    resource: the rest are fetched, and ask for no resource the rendered pages did not load.
    Every link is read as the browser would follow it (relative ones against their page):
    none answers 404, and of the links not walked (explain, tables, downloads, the page in
    another language) one of each kind answers 200."""
    context = as_token(browser, served.demo.staff)
    seen = watched(context)
    loaded: set[str] = set()
    seen.page.on("requestfinished", lambda request: loaded.add(request.url))
    own = f"/funds/{LP[0]}/investors/{LP[1]}"
    todo = ["/", f"/investors/{LP[1]}"]  # an investor's page: linked from no staff page
    walked = set(todo)
    statuses: dict[str, int] = {}
    rendered: set[str] = set()
    fetched_resources: dict[str, set[str]] = {}
    for_fund: set[tuple[str, str]] = set()
    others: dict[str, str] = {}  # a link not walked, by kind
    while todo:
        path = todo.pop(0)
        kind, fund = _kind(path)
        if kind in ("lp", "notice") and (kind, fund) in for_fund and not path.startswith(own):
            response = context.request.get(served.url + path)
            statuses[path] = response.status
            html = response.text()
            hrefs = [h.replace("&amp;", "&") for h in re.findall(r'href="([^"]*)"', html)]
            fetched_resources[path] = {
                served.url + r
                for r in re.findall(r'<(?:link|img|script)[^>]+(?:href|src)="([^"]+)"', html)
            }
        else:
            for_fund.add((kind, fund))
            statuses[path] = seen.open(served.url + path)
            rendered.add(path)
            hrefs = links(seen.page)
        for href in hrefs:
            href = href.split("#")[0]
            if not href or re.match(r"\w+:", href):
                continue  # the page itself, or no page of the dashboard (none is expected)
            href = urljoin(path, href)
            if href.startswith(NOT_WALKED) or "lang=" in href:
                others.setdefault(_link_kind(href), href)
            elif href not in walked:
                walked.add(href)
                todo.append(href)
    for kind, href in sorted(others.items()):  # at the end: `lang=` sets a cookie
        if kind not in ("download.pdf", "download.xlsx", "logout"):  # files: test_downloads
            statuses[href] = context.request.get(served.url + href).status
    context.close()
    assert {p: s for p, s in statuses.items() if s != 200} == {}
    assert {"explain", "data.csv", "data.json", "download.html", "lang"} <= set(others), others
    assert seen.problems == []
    unloaded = {p: r - loaded for p, r in fetched_resources.items() if r - loaded}
    assert unloaded == {}
    kinds = {_kind(p)[0] for p in rendered}
    assert kinds == {"overview", "top", "fund", "investor", "lp", "notice"}, kinds
    assert len(statuses) > 100, len(statuses)
    print(f"\n{len(statuses)} staff pages: {len(rendered)} rendered, the rest fetched")


def _link_kind(href: str) -> str:
    """`explain`, `data.csv`, `download.pdf`, `lang`, ...: what a link not walked asks for."""
    if "lang=" in href:
        return "lang"
    bare = href.split("?")[0]
    first = bare.strip("/").split("/")[0]
    suffix = Path(bare).suffix
    return first + suffix if first in ("data", "download") else first


def _kind(path: str) -> tuple[str, str]:
    """What a page is (`overview`, `top`, `fund`, `investor`, `lp`, `notice`) and its fund."""
    parts = path.split("?")[0].strip("/").split("/")
    if parts == [""]:
        return "overview", ""
    if len(parts) == 1:
        return "top", ""
    if parts[0] == "investors":
        return "investor", ""
    return {2: "fund", 4: "lp", 6: "notice"}[len(parts)], parts[1]


def test_staff_see_every_fund(served: Served, browser: Browser, artefacts: Path) -> None:
    with open_book(served.demo.db, read_only=True) as con:
        funds = {f for (f,) in con.execute("SELECT fund_id FROM funds").fetchall()}
    context = as_token(browser, served.demo.staff)
    seen = watched(context)
    assert seen.open(served.url + "/") == 200
    seen.page.screenshot(path=artefacts / "overview.png", full_page=True)
    assert seen.page.locator("svg").count() > 0  # the board's charts
    assert seen.open(served.url + "/funds") == 200
    listed = {m for h in links(seen.page) if (m := _fund_of(h))}
    assert listed == funds
    assert seen.open(f"{served.url}/funds/{LP[0]}") == 200
    seen.page.screenshot(path=artefacts / "fund.png", full_page=True)
    assert seen.problems == []
    context.close()


def _fund_of(href: str) -> str | None:
    found = re.fullmatch(r"/funds/([^/?#]+)", href)
    return found.group(1) if found else None


def test_an_lp_sees_its_own_pages_only(served: Served, browser: Browser, artefacts: Path) -> None:
    fund, investor = LP
    context = as_token(browser, served.demo.investors[investor])
    seen = watched(context)
    assert seen.open(f"{served.url}/investors/{investor}") == 200
    own = [h for h in links(seen.page) if h.startswith(f"/funds/{fund}/investors/{investor}")]
    assert own, "the investor's page links its fund pages"
    assert seen.open(f"{served.url}/funds/{fund}/investors/{investor}") == 200
    seen.page.screenshot(path=artefacts / "lp.png", full_page=True)
    assert seen.open(f"{served.url}/funds/{fund}/investors/{investor}?lang=zh-Hant") == 200
    seen.page.screenshot(path=artefacts / "lp-zh-Hant.png", full_page=True)
    assert seen.page.locator("html").get_attribute("lang") == "zh-Hant"
    assert seen.open(f"{served.url}/funds/{fund}/investors/{investor}?lang=en") == 200
    notices = [h for h in links(seen.page) if "/notices/" in h]
    assert notices and seen.open(served.url + notices[0]) == 200
    assert seen.problems == []
    names = served.demo.names
    for path in (
        "/",
        "/funds",
        f"/funds/{fund}",
        "/programme",
        "/audit",
        f"/investors/{OTHER_LP}",
        f"/funds/{fund}/investors/{OTHER_LP}",
    ):
        assert seen.open(served.url + path) == 403, path
        body = seen.page.content()
        assert names[OTHER_LP] not in body and OTHER_LP not in body, path
    context.close()


def test_an_explained_figure_adds_up(served: Served, browser: Browser) -> None:
    """Click a fund's NAV: the explain page's term lines, summed as shown, give the figure
    the fund page showed and the result line."""
    context = as_token(browser, served.demo.staff)
    seen = watched(context)
    assert seen.open(f"{served.url}/funds/{LP[0]}") == 200
    link = seen.page.locator('a.fig[href*="level=fund&figure=nav&"]').first
    shown = amount(link.inner_text())
    link.click()
    seen.page.wait_for_url("**/explain?**")
    table = seen.page.locator("table.web-explain")
    header = [h.strip() for h in table.locator("thead th").all_text_contents()]
    role, money = header.index("role"), header.index("amount")
    terms, results = [], []
    for row in table.locator("tbody tr").all():
        cells = [c.strip() for c in row.locator("td").all_text_contents()]
        if cells[role] == "term":
            terms.append(amount(cells[money]))
        elif cells[role] == "result":
            results.append(amount(cells[money]))
    assert len(terms) > 10 and results == [shown]
    assert sum(terms, Decimal(0)) == shown
    assert seen.problems == []
    context.close()


def test_downloads_arrive(served: Served, browser: Browser, tmp_path: Path) -> None:
    """A table's CSV from a fund page and the board's XLSX, through the browser's downloads."""
    from openpyxl import load_workbook

    context = browser.new_context(
        accept_downloads=True,
        extra_http_headers={"authorization": f"Bearer {served.demo.staff}"},
    )
    seen = watched(context)
    assert seen.open(f"{served.url}/funds/{LP[0]}") == 200
    with seen.page.expect_download() as csv_download:
        seen.page.locator(f'a[href="/data/holding.csv?fund_id={LP[0]}"]').click()
    csv = csv_download.value
    assert csv.suggested_filename == f"holding-{LP[0]}.csv"
    text = Path(csv.path()).read_text("utf-8")
    assert text.startswith("fund_id,holding_id") and text.count("\n") > 5
    assert seen.open(served.url + "/") == 200
    with seen.page.expect_download() as xlsx_download:
        seen.page.locator('a[href="/download/board.xlsx"]').click()
    xlsx = Path(xlsx_download.value.path()).read_bytes()
    assert xlsx[:2] == b"PK"
    assert len(load_workbook(io.BytesIO(xlsx), read_only=True).sheetnames) > 1
    # a link answered with a file is a navigation the browser aborts to download it instead
    aborted = [p for p in seen.problems if p.endswith("net::ERR_ABORTED")]
    assert len(aborted) == 2 and [p for p in seen.problems if p not in aborted] == []
    context.close()


def test_login_form_cookie_carries_later_pages(served: Served, browser: Browser) -> None:
    context = browser.new_context()  # no header: only what the form sets
    seen = watched(context)
    assert seen.open(served.url + "/funds") == 401
    seen.problems.clear()  # the refused page itself is the 401 wanted here
    assert seen.open(served.url + "/login") == 200
    seen.page.fill('input[name="token"]', served.demo.staff)
    seen.page.locator('form[action="/login"] [type="submit"]').click()
    seen.page.wait_for_url(served.url + "/")
    cookies = {c["name"]: c for c in context.cookies()}
    assert cookies["fundbook_session"]["httpOnly"] and cookies["fundbook_session"]["secure"]
    assert served.demo.staff not in cookies["fundbook_session"]["value"]
    assert seen.open(served.url + "/funds") == 200
    assert seen.open(f"{served.url}/funds/{LP[0]}") == 200
    assert seen.problems == []
    context.close()

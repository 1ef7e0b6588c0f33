"""An investor's token reaches no other partner's data: every route of the router, filled with
every fund and investor of the demo book, and every link its pages hold, walked with the token
of every investor of the demo; no response (body or header) names another partner.

But for the text of `/methods`: docs/methods.md as shipped, the same for every book and every
token (its worked examples use the demo's ids), checked to be exactly the staff's; the frame
around it is searched as every page.
"""

from __future__ import annotations

import asyncio
import html
import io
import re
import zipfile
from collections.abc import Iterator

import httpx
import pytest
from starlette.routing import Route
from starlette.testclient import TestClient
from web_kit import DemoWeb, bearer

from fundbook.web.app import ROUTES

LEVELS = ("investor", "statement", "flow", "fund", "holding", "compliance", "programme")
_PARAM = re.compile(r"{(\w+)(?::\w+)?}")


def _body(response: object) -> str:
    """The text of a response; an XLSX workbook's XML parts, unzipped."""
    content = response.content  # type: ignore[attr-defined]
    if content[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(content)) as book:
            return "\n".join(book.read(n).decode("utf-8", "replace") for n in book.namelist())
    return content.decode("utf-8", "replace")


def _forms(text: str) -> set[str]:
    """A name as a response may hold it: as is, HTML-escaped, JSON-escaped."""
    return {text, html.escape(text), html.escape(text, quote=False), text.replace('"', '\\"')}


def _paths(route: Route, values: dict[str, list[str]], me: str) -> Iterator[str]:
    """The route's path filled with the values of its parameters: every combination with the
    investor's own id; with every other investor's id, the first value of the other
    parameters (the refusal depends on the investor alone)."""
    names = _PARAM.findall(route.path)
    missing = [n for n in names if n not in values]
    assert not missing, f"route {route.path}: the walker has no values for {missing}"
    wanted = {n: _values(route, n, values) for n in names}
    combos: list[dict[str, str]] = [{}]
    for name in names:
        combos = [{**c, name: v} for c in combos for v in wanted[name]]
    for combo in combos:
        mine = combo.get("investor_id", me) == me
        if mine or all(v == wanted[n][0] for n, v in combo.items() if n != "investor_id"):
            path = route.path
            for name, value in combo.items():
                path = re.sub("{" + name + r"(?::\w+)?}", value, path, count=1)
            yield path


def _values(route: Route, name: str, values: dict[str, list[str]]) -> list[str]:
    """The formats a route serves (data: tables; the others: files); other values as given."""
    if name != "fmt":
        return values[name]
    return ["csv", "json"] if route.name == "data" else ["html", "xlsx"]


def _links(text: str) -> set[str]:
    return {html.unescape(h) for h in re.findall(r'href="(/[^"]*)"', text)}


@pytest.fixture(scope="module")
def funds(demo_web: DemoWeb, web_client: TestClient) -> list[str]:
    page = web_client.get("/funds", headers=bearer(demo_web.staff))
    assert page.status_code == 200
    return sorted({m for m in re.findall(r'href="/funds/([^"/?]+)', page.text)})


def test_every_investor_token_reaches_only_its_own(
    demo_web: DemoWeb, web_client: TestClient, funds: list[str]
) -> None:
    # thousands of requests: straight to the application in one event loop (a TestClient
    # crosses threads for each), on the session's dashboard and its caches
    asyncio.run(_walk(demo_web, web_client, funds))


async def _walk(demo_web: DemoWeb, web_client: TestClient, funds: list[str]) -> None:
    transport = httpx.ASGITransport(app=web_client.app)
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as web:
        await _walk_with(demo_web, web, funds)


async def _walk_with(demo_web: DemoWeb, web: httpx.AsyncClient, funds: list[str]) -> None:
    walked: set[str] = set()
    methods = await web.get("/methods", headers=bearer(demo_web.staff))
    assert methods.status_code == 200
    shipped = _methods_text(methods.text)
    assert "how every figure is computed" in shipped
    investors = sorted(demo_web.investors)
    for me, token in demo_web.investors.items():
        others = {
            form
            for other, name in demo_web.names.items()
            if other != me
            for form in (*_forms(name), other)
        }
        seen: dict[str, int] = {}
        values = {
            "fund_id": funds,
            "investor_id": investors,
            "call_id": ["itif-call-001"],  # the investor's own calls: its pages' links
            "fmt": [],  # by route: `_values`
            "level": list(LEVELS),
            "name": ["report.css", "web.css"],
        }
        queue: list[str] = []
        sampled: set[str] = set()
        for route in ROUTES:
            assert isinstance(route, Route)
            if "GET" not in (route.methods or ()):
                continue
            walked.add(route.name)
            for path in _paths(route, values, me):
                queue.append(path)
                if route.name == "data":  # its own tables: its pages' links; another's: refused
                    other = next(i for i in investors if i != me)
                    queue.append(f"{path}?fund_id={funds[0]}&investor_id={other}")
                if route.name == "explain":  # another partner's statement: refused
                    other = next(i for i in investors if i != me)
                    queue.append(
                        f"{path}?level=statement&figure=ending_nav&as_of=2026-09-30&basis=ITD"
                        f"&fund_id={funds[0]}&investor_id={other}"
                    )
        while queue:
            path = queue.pop()
            if path in seen:
                continue
            response = await web.get(path, headers=bearer(token))
            seen[path] = response.status_code
            assert response.status_code in (200, 204, 403, 404), (me, path, response.status_code)
            text = _body(response)
            if path.split("?")[0] == "/methods" and response.status_code == 200:
                assert _methods_text(text) == shipped, (me, path)  # the shipped text
                text = text.replace(shipped, "")
            text = text + "\n".join(f"{k}: {v}" for k, v in response.headers.items())
            leaked = sorted(o for o in others if o in text)
            assert not leaked, (me, path, leaked[:5])
            if response.status_code == 200 and "text/html" in response.headers["content-type"]:
                queue += _followed(_links(text), sampled)
        _own_pages_only(me, seen)
    assert walked == {r.name for r in ROUTES if "GET" in (r.methods or ())}


def _methods_text(page: str) -> str:
    """The text of docs/methods.md in its page (its article)."""
    found = re.search(r'<article class="web-methods">.*?</article>', page, re.S)
    assert found, "the methods page holds its article"
    return found.group(0)


def _followed(links: set[str], sampled: set[str]) -> list[str]:
    """The links of a page to walk: all but the PDFs (printed from the HTML walked) and, of
    the costly ones (an explain computes its lines; a workbook is written), the first of
    each kind (explain of statement, of flow; XLSX) for this investor: the access rule is by
    level and investor, and the workbook is written from the same context as the report."""
    out = []
    for link in sorted(links):
        if link.endswith(".pdf"):
            continue
        kind = link.split("&")[0] if link.startswith("/explain") else None
        kind = "xlsx" if link.endswith(".xlsx") else kind
        if kind is not None:
            if kind in sampled:
                continue
            sampled.add(kind)
        out.append(link)
    return out


def _own_pages_only(me: str, seen: dict[str, int]) -> None:
    """What answered 200 is the investor's own, or the stylesheets; the staff pages are 403."""
    for path, status in seen.items():
        if status != 200:
            continue
        bare = path.split("?")[0]
        mine = f"/investors/{me}" in bare or bare.startswith(("/static/", "/login", "/methods"))
        own_data = bare.startswith(("/data/", "/explain")) and f"investor_id={me}" in path
        assert mine or own_data, (me, path)
    for staff_page in ("/", "/funds", "/programme", "/audit", "/download/board.html"):
        assert seen.get(staff_page) == 403, (me, staff_page, seen.get(staff_page))

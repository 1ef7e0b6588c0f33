"""The dashboard's application: routes, who may see each, security headers (Starlette, ASGI).

Starlette: small, ASGI (served by uvicorn), renders with our own Jinja environment, ships a
TestClient for tests without a server, and is well kept. Every route but the login form, the
stylesheets and the (empty) icon needs a token (`web.auth`); a route's `rule` says who else:
`staff`, the investor it names (`investor`: staff or that investor's token), or any valid
token (`token`: the page checks what the token may read). `ROUTES` is the table the tests walk.
The open period (`?period=open`, computed from the book) is for staff tokens only, on every
route. Every page is answered in the request's language (`web.language`).
"""

from __future__ import annotations

import functools
import logging
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from fundbook.core.errors import FundbookError, NotFound
from fundbook.core.output import render as table_text
from fundbook.report.environment import builtin_templates_dir
from fundbook.report.i18n import DEFAULT_LANGUAGE
from fundbook.store.tokens import Access, token_hash
from fundbook.web import language, views
from fundbook.web.auth import COOKIE, Sessions, access_of, cookie_header
from fundbook.web.book import OPEN, BookReader, BookState, Busy
from fundbook.web.render import HERE, LANG, Pages

log = logging.getLogger("fundbook.web")

SECURITY_HEADERS = {
    "content-security-policy": (
        "default-src 'self'; script-src 'none'; object-src 'none'; base-uri 'none'; "
        "form-action 'self'; frame-ancestors 'none'"
    ),
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cache-control": "no-store",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
}
STATIC = {"report.css": "report.css", "web.css": "web/web.css"}


class SecurityHeaders:
    """Adds `SECURITY_HEADERS` to every response (pages, files, errors, the router's 404)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.decode() != "server"]
                headers += [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)


@dataclass
class Web:
    """What the routes share: the book's reader, the sessions, the pages, the cache folder."""

    reader: BookReader
    sessions: Sessions
    pages: Pages
    cache_dir: Path


Handler = Callable[[Request, Web, Access, BookState], Response]


def _web(request: Request) -> Web:
    return request.app.state.web  # type: ignore[no-any-return]


def spoken(answer: Callable[[Request], Response]) -> Callable[[Request], Response]:
    """`answer` in the request's language (`web.language`); a `?lang=` asked for is kept in
    the language cookie."""

    @functools.wraps(answer)
    def endpoint(request: Request) -> Response:
        asked = request.query_params.get("lang")
        lang = language.language(
            asked,
            request.cookies.get(language.COOKIE),
            request.headers.get("accept-language"),
            _web(request).pages.lang,
        )
        here = (request.url.path, tuple(request.query_params.multi_items()))
        tokens = LANG.set(lang), HERE.set(here)
        try:
            response = answer(request)
        finally:
            HERE.reset(tokens[1])
            LANG.reset(tokens[0])
        if asked == lang:
            response.headers.append("set-cookie", language.cookie_header(lang))
        return response

    return endpoint


def guarded(rule: str) -> Callable[[Handler], Callable[[Request], Response]]:
    """The route needs a valid token, and by `rule` staff or the investor it names; a book in
    use with nothing read yet, a missing page or a failure become their own pages, which
    name nothing of the book (never a traceback)."""

    def wrap(handler: Handler) -> Callable[[Request], Response]:
        @spoken
        @functools.wraps(handler)
        def endpoint(request: Request) -> Response:
            web = _web(request)
            try:
                state = web.reader.look()
                if state.read_at is None:
                    raise Busy("the book is in use and has not been read yet")
                access = access_of(
                    state.tokens,
                    web.sessions,
                    request.headers.get("authorization"),
                    request.cookies.get(COOKIE),
                )
                if access is None:
                    return web.pages.error(401, None, state)
                wanted = request.path_params.get("investor_id")
                if not access.staff and (
                    rule == "staff"
                    or (rule == "investor" and wanted != access.investor_id)
                    or views.period_of(request) == OPEN  # computed from the book: staff only
                ):
                    return web.pages.error(403, access, state)
                return handler(request, web, access, state)
            except Busy:
                return web.pages.busy(web.reader.state)
            except NotFound:
                return web.pages.error(404, None, web.reader.state)
            except FundbookError:
                log.exception("request failed: %s", request.url.path)
                return web.pages.error(400, None, web.reader.state)
            except Exception:
                log.exception("request failed: %s", request.url.path)
                return web.pages.error(500, None, web.reader.state)

        endpoint.rule = rule  # type: ignore[attr-defined]
        return endpoint

    return wrap


# ---- public: the login form and the stylesheets ---------------------------------------------


@spoken
def login_form(request: Request) -> Response:
    return _web(request).pages.login(status=200)


async def login(request: Request) -> Response:
    """The login form's POST: a valid token starts a session (the cookie holds its id)."""
    web = _web(request)
    # the form is urlencoded: parsed here, without python-multipart (nothing is uploaded)
    form = parse_qs((await request.body()).decode("utf-8", "replace"), max_num_fields=4)
    token = (form.get("token") or [""])[0].strip()
    state = web.reader.look()
    access = state.tokens.get(token_hash(token)) if token else None
    if access is None:
        return spoken(lambda _request: web.pages.login(status=401, failed=True))(request)
    home = "/" if access.staff else f"/investors/{access.investor_id}"
    response = RedirectResponse(home, status_code=303)
    response.headers["set-cookie"] = cookie_header(web.sessions.start(token_hash(token)))
    return response


def logout(request: Request) -> Response:
    session = request.cookies.get(COOKIE)
    if session:
        _web(request).sessions.end(session)
    response = RedirectResponse("/login", status_code=303)
    response.headers["set-cookie"] = cookie_header("", 0)
    return response


def favicon(request: Request) -> Response:
    """No icon: an empty answer, so a browser's own request for one is no failed request."""
    return Response(status_code=204)


@spoken
def static(request: Request) -> Response:
    name = request.path_params["name"]
    if name not in STATIC:
        return _web(request).pages.error(404, None, _web(request).reader.state)
    path = builtin_templates_dir() / STATIC[name]
    return Response(path.read_bytes(), media_type="text/css")


# ---- pages --------------------------------------------------------------------------------


@guarded("staff")
def overview(request: Request, web: Web, access: Access, state: BookState) -> Response:
    return web.pages.overview(views.period_of(request), access, state)


@guarded("staff")
def funds_page(request: Request, web: Web, access: Access, state: BookState) -> Response:
    return web.pages.funds(views.period_of(request), access, state)


@guarded("staff")
def fund_page(request: Request, web: Web, access: Access, state: BookState) -> Response:
    fund = request.path_params["fund_id"]
    return web.pages.fund(fund, views.period_of(request), access, state)


@guarded("staff")
def programme_page(request: Request, web: Web, access: Access, state: BookState) -> Response:
    return web.pages.programme(views.period_of(request), access, state)


@guarded("staff")
def audit_page(request: Request, web: Web, access: Access, state: BookState) -> Response:
    return web.pages.audit(access, state)


@guarded("investor")
def investor_page(request: Request, web: Web, access: Access, state: BookState) -> Response:
    investor = request.path_params["investor_id"]
    return web.pages.investor(investor, views.period_of(request), access, state)


@guarded("investor")
def lp_page(request: Request, web: Web, access: Access, state: BookState) -> Response:
    fund, investor = request.path_params["fund_id"], request.path_params["investor_id"]
    return web.pages.lp(fund, investor, views.period_of(request), access, state)


@guarded("investor")
def notice_page(request: Request, web: Web, access: Access, state: BookState) -> Response:
    p = request.path_params
    return web.pages.notice(
        p["fund_id"], p["investor_id"], p["call_id"], views.period_of(request), access, state
    )


@guarded("token")
def methods_page(request: Request, web: Web, access: Access, state: BookState) -> Response:
    return web.pages.methods(access, state)


@guarded("token")
def explain_page(request: Request, web: Web, access: Access, state: BookState) -> Response:
    asked = views.explain_request(request.query_params)
    if not views.may_explain(access, asked.level, asked.keys):
        return web.pages.error(403, access, state)
    return web.pages.explain(asked, access, state)


# ---- downloads ----------------------------------------------------------------------------


@guarded("staff")
def board_download(request: Request, web: Web, access: Access, state: BookState) -> Response:
    fmt = request.path_params["fmt"]
    path = web.pages.board_file(views.period_of(request), fmt, web.cache_dir)
    return _file(path)


@guarded("investor")
def lp_download(request: Request, web: Web, access: Access, state: BookState) -> Response:
    p = request.path_params
    path = web.pages.lp_file(
        p["fund_id"], p["investor_id"], views.period_of(request), p["fmt"], web.cache_dir
    )
    return _file(path)


@guarded("investor")
def notice_download(request: Request, web: Web, access: Access, state: BookState) -> Response:
    p = request.path_params
    path = web.pages.notice_file(
        p["fund_id"],
        p["investor_id"],
        p["call_id"],
        views.period_of(request),
        p["fmt"],
        web.cache_dir,
    )
    return _file(path)


@guarded("token")
def data_download(request: Request, web: Web, access: Access, state: BookState) -> Response:
    """A table of a page as stored: `/data/LEVEL.csv|json?fund_id=..&investor_id=..`."""
    name, fmt = request.path_params["level"], request.path_params["fmt"]
    keys = views.data_keys(request.query_params)
    if not views.may_download(access, name, keys):
        return web.pages.error(403, access, state)
    frame = web.pages.data(name, keys, views.period_of(request))
    text = table_text(frame, fmt)
    media = "text/csv" if fmt == "csv" else "application/json"
    filename = views.data_filename(name, keys, fmt)
    return Response(
        text.encode("utf-8"),
        media_type=f"{media}; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{filename}"'},
    )


def _file(path: Path) -> Response:
    return FileResponse(path, filename=path.name)


FMT = "{fmt:str}"
ROUTES = [
    Route("/login", login_form, methods=["GET"], name="login_form"),
    Route("/login", login, methods=["POST"], name="login"),
    Route("/logout", logout, methods=["POST"], name="logout"),
    Route("/static/{name:str}", static, methods=["GET"], name="static"),
    Route("/favicon.ico", favicon, methods=["GET"], name="favicon"),
    Route("/", overview, name="overview"),
    Route("/funds", funds_page, name="funds"),
    Route("/funds/{fund_id:str}", fund_page, name="fund"),
    Route("/programme", programme_page, name="programme"),
    Route("/audit", audit_page, name="audit"),
    Route("/explain", explain_page, name="explain"),
    Route("/methods", methods_page, name="methods"),
    Route("/investors/{investor_id:str}", investor_page, name="investor"),
    Route("/funds/{fund_id:str}/investors/{investor_id:str}", lp_page, name="lp"),
    Route(
        "/funds/{fund_id:str}/investors/{investor_id:str}/notices/{call_id:str}",
        notice_page,
        name="notice",
    ),
    Route(f"/download/board.{FMT}", board_download, name="board_download"),
    Route(
        f"/download/funds/{{fund_id:str}}/investors/{{investor_id:str}}/report.{FMT}",
        lp_download,
        name="lp_download",
    ),
    Route(
        "/download/funds/{fund_id:str}/investors/{investor_id:str}/notices/"
        f"{{call_id:str}}.{FMT}",
        notice_download,
        name="notice_download",
    ),
    Route(f"/data/{{level:str}}.{FMT}", data_download, name="data"),
]
PUBLIC = frozenset({"login_form", "login", "logout", "static", "favicon"})


def create_app(
    db_path: str | Path,
    cache_dir: str | Path | None = None,
    refresh_seconds: float = 2.0,
    lang: str = DEFAULT_LANGUAGE,
) -> Starlette:
    """The dashboard of the book at `db_path` (read-only). Reports rendered for download go
    into `cache_dir` (default: a new temporary folder); the closes and tokens are looked at
    again at most every `refresh_seconds`."""
    folder = Path(cache_dir) if cache_dir else Path(tempfile.mkdtemp(prefix="fundbook-web-"))
    folder.mkdir(parents=True, exist_ok=True)
    reader = BookReader(db_path, refresh_seconds)
    app = Starlette(
        routes=ROUTES,
        middleware=[Middleware(SecurityHeaders)],
        exception_handlers={404: _not_found, 405: _not_found},
    )
    app.state.web = Web(reader, Sessions(), Pages(reader, lang), folder)
    return app


@spoken
def _spoken_not_found(request: Request) -> Response:
    web = _web(request)
    return web.pages.error(404, None, web.reader.state)


def _not_found(request: Request, exc: Any) -> Response:
    return _spoken_not_found(request)

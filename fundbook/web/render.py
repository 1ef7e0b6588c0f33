"""The dashboard's pages, rendered with the reports' Jinja environment, templates and contexts.

The environment is the reports' (`report.environment.make_environment`); the web only adds
its frame (`templates/web/`) and links each figure to its explain page (the `fig` filter,
wrapped: the figure's text as the reports format it, inside a link when the token may
explain it). Report pages (overview, LP, grant, notice) extend the report's own template.

A page speaks the language of its request (`LANG`, set by the application: `?lang=`, the
language cookie, `Accept-Language`, else the server's): one environment per language of the
reports, each made by `make_environment` (its catalogue, its number and date formats), and
the strings of the frame built here marked `N_()` and translated by that environment.
"""

from __future__ import annotations

import contextvars
import dataclasses
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import polars as pl
from jinja2 import Environment
from markupsafe import Markup, escape
from starlette.responses import HTMLResponse

from fundbook.close.snapshot import CloseInfo
from fundbook.core.errors import NotFound
from fundbook.core.resources import resource_path
from fundbook.report.board import build_board_context
from fundbook.report.environment import make_environment, render
from fundbook.report.grant import build_grant_context
from fundbook.report.i18n import LANGUAGES, N_
from fundbook.report.lp import build_lp_context, lp_pairs
from fundbook.report.markdown import inline, render_markdown
from fundbook.report.notices import notice_context
from fundbook.report.pdf import write_pdf
from fundbook.report.render import board_report, lp_reports
from fundbook.report.source import ReportSource, name_of
from fundbook.store.tokens import Access
from fundbook.web import notices as inbox
from fundbook.web import pages, views
from fundbook.web.book import OPEN, BookReader, BookState
from fundbook.web.tables import level_frame

# The reading token and the date of the figures shown, while a page renders (the `fig` filter
# links a figure to its explain page by them).
_ACCESS: contextvars.ContextVar[Access | None] = contextvars.ContextVar("access", default=None)
_AS_OF: contextvars.ContextVar[Any] = contextvars.ContextVar("as_of", default=None)
# The language of the request being answered (None: the server's), set by the application.
LANG: contextvars.ContextVar[str | None] = contextvars.ContextVar("lang", default=None)
# The path and query of the request being answered (the language switch keeps them).
HERE: contextvars.ContextVar[tuple[str, tuple[tuple[str, str], ...]] | None] = (
    contextvars.ContextVar("here", default=None)
)
# The stamp of the book the open period shown was computed from (its pages' cache key).
_OPEN_STAMP: contextvars.ContextVar[Any] = contextvars.ContextVar("open_stamp", default=None)
MESSAGES = {
    400: N_("The request could not be answered."),
    401: N_("Sign in with a token to see this page."),
    403: N_("Your token does not give access to this page."),
    404: N_("There is no such page."),
    500: N_("Something went wrong on the server; the error was logged."),
}
# Each language by its own name (the frame's language switch).
LANGUAGE_NAMES = {"en": "English", "zh-Hant": "繁體中文"}
# The titles of the pages and the labels of the frame, translated when the frame is built.
TITLES = (
    N_("Overview"),
    N_("Funds"),
    N_("Programme and grants"),
    N_("History and audit"),
    N_("Partner"),
    N_("Notice"),
    N_("Sign in"),
    N_("Methods"),
    N_("Figures are being updated"),
)
BUSY_AS_OF = N_("Figures are being updated (a close is running); shown as of close %(close)s.")
BUSY_AS_READ = N_(
    "Figures are being updated (a close is running); shown as of the last close read."
)
OPEN_NOTE = N_(
    "Computed now, not a closed figure: the open period is computed from the book as it is "
    "now (its figures are provisional, DRAFT), again whenever the book changes."
)


@dataclass(frozen=True)
class Chrome:
    """The frame of a page: title, who reads, navigation, period picker, banner, downloads."""

    title: str
    access: Access | None = None
    path: str = "/"
    periods: tuple[tuple[str, str], ...] = ()  # (value, label) of the period picker
    period: str = ""  # the value shown
    banner: str = ""
    note: str = ""
    downloads: tuple[tuple[str, str], ...] = ()  # (label, href)
    nav: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    as_of: Any = None  # the date of the figures shown (their explain pages read it)
    languages: tuple[tuple[str, str], ...] = ()  # (name, href): this page in another language


class Pages:
    """Renders each page (HTML responses) and each download (files, tables)."""

    def __init__(self, reader: BookReader, lang: str) -> None:
        self.reader = reader
        self.lang = lang  # the server's language (a request may ask for another)
        self.envs = {code: _web_environment(code) for code in LANGUAGES}
        self._rendered: dict[tuple[Any, ...], bytes] = {}
        self._in_language: dict[tuple[Any, ...], ReportSource] = {}
        self._methods: Markup | None = None
        self._lock = threading.Lock()

    @property
    def language(self) -> str:
        """The language of the request being answered."""
        return LANG.get() or self.lang

    @property
    def env(self) -> Environment:
        """The reports' environment in the language of the request being answered."""
        return self.envs[self.language]

    def _t(self, text: str) -> str:
        """A string of the frame (marked `N_()`), in the request's language."""
        return str(self.env.filters["translate"](text))

    # ---- frame ----------------------------------------------------------------------------

    def _chrome(
        self,
        title: str,
        access: Access | None,
        state: BookState,
        path: str = "/",
        period: str | None = None,
        info: CloseInfo | None = None,
        downloads: tuple[tuple[str, str], ...] = (),
        as_of: Any = None,
    ) -> Chrome:
        periods = tuple((c.period, str(c.quarter or c.period)) for c in state.quarters())
        if access is not None and access.staff:  # the open period is computed for staff only
            periods = (*periods, (OPEN, self._t(N_("open period"))))
        banner = note = ""
        if state.busy:
            banner = (
                self._t(BUSY_AS_OF) % {"close": info.close_id} if info else self._t(BUSY_AS_READ)
            )
        if period == OPEN:
            note = self._t(OPEN_NOTE)
        nav: tuple[tuple[str, str], ...] = ()
        if access is not None and access.staff:
            nav = (
                (N_("Overview"), "/"),
                (N_("Funds"), "/funds"),
                (N_("Programme and grants"), "/programme"),
                (N_("History and audit"), "/audit"),
            )
        elif access is not None:
            nav = ((N_("My funds"), f"/investors/{access.investor_id}"),)
        nav = tuple((self._t(label), href) for label, href in nav)
        current = period or (info.period if info else "")
        as_of = as_of or (info.period_end if info else None)
        return Chrome(
            self._t(title),
            access,
            path,
            periods,
            current,
            banner,
            note,
            downloads,
            nav,
            as_of,
            self._languages(path, period),
        )

    def _languages(self, path: str, period: str | None) -> tuple[tuple[str, str], ...]:
        """This page (its path and query as asked, else `path` and `period`) in each other
        language: the frame's language switch."""
        here = HERE.get()
        if here is not None:
            path, query = here[0], [(k, v) for k, v in here[1] if k != "lang"]
        else:
            query = [("period", period)] if period else []
        return tuple(
            (LANGUAGE_NAMES[code], f"{path}?{urlencode([*query, ('lang', code)])}")
            for code in LANGUAGES
            if code != self.language
        )

    def _html(self, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        report = context.get("report")
        if dataclasses.is_dataclass(report) and hasattr(report, "methods_url"):
            # the methods are a page of the dashboard (a report's link is relative to its file)
            context["report"] = dataclasses.replace(report, methods_url="/methods")  # type: ignore[type-var]
        token = _ACCESS.set(context["web"].access)
        day = _AS_OF.set(context["web"].as_of)
        try:
            text = self.env.get_template(template).render(**context)
        finally:
            _ACCESS.reset(token)
            _AS_OF.reset(day)
        return HTMLResponse(text, status_code=status)

    def _cached(
        self, key: tuple[Any, ...] | None, make: Callable[[], HTMLResponse]
    ) -> HTMLResponse:
        """A page, rendered once per close (or book, for the open period), token kind, banner
        and language (no key: rendered at every request)."""
        if key is None:
            return make()
        with self._lock:
            body = self._rendered.get(key)
        if body is not None:
            return HTMLResponse(body)
        response = make()
        if response.status_code == 200:
            with self._lock:
                if len(self._rendered) > 1024:
                    self._rendered.clear()
                self._rendered[key] = bytes(response.body)  # served as is, never encoded again
        return response

    def _source(self, period: str | None) -> tuple[ReportSource, CloseInfo | None]:
        """The figures of `period` (the open period: None for its close), in the request's
        language (which picks the commentary)."""
        if period == OPEN:
            source = self.reader.open_source()
            stamp = self.reader.stamp_of("open", source)
            _OPEN_STAMP.set(stamp)
            return self._spoken(source, ("open", stamp) if stamp else None), None
        info = self.reader.close_of(period)
        source = self.reader.source(info)
        return self._spoken(source, (info.close_id, info.close_hash)), info

    def _spoken(self, source: ReportSource, ident: tuple[Any, ...] | None) -> ReportSource:
        """`source` in the request's language (a copy, kept by `ident` and language)."""
        lang = self.language
        if source.lang == lang:
            return source
        key = (ident, lang)
        with self._lock:
            found = self._in_language.get(key) if ident else None
        if found is None:
            found = dataclasses.replace(source, lang=lang)
            if ident:
                with self._lock:
                    if len(self._in_language) > 64:
                        self._in_language.clear()
                    self._in_language[key] = found
        return found

    def _key(
        self, name: str, access: Access, state: BookState, info: Any, *args: Any
    ) -> tuple[Any, ...] | None:
        """The cache key of a page of the close `info`, or of the open period (None: the
        book changed while it was computed, not kept)."""
        if info is None:
            stamp = _OPEN_STAMP.get()
            if stamp is None:
                return None
            ident: tuple[Any, ...] = ("open", stamp)
        else:
            ident = (info.close_id, info.close_hash)
        who = "staff" if access.staff else access.investor_id
        return (name, who, state.busy, self.language, ident, *args)

    # ---- errors, login --------------------------------------------------------------------

    def error(self, status: int, access: Access | None, state: BookState) -> HTMLResponse:
        """An error page that names nothing of the book (the same for every token)."""
        web = Chrome(f"{status}", access)
        message = self._t(MESSAGES[status])
        response = self._html("web/error.html", status, web=web, message=message)
        if status == 401:
            response.headers["www-authenticate"] = 'Bearer realm="fundbook"'
        return response

    def busy(self, state: BookState) -> HTMLResponse:
        web = Chrome(self._t(N_("Figures are being updated")))
        message = self._t(
            N_(
                "Figures are being updated (a close is running) and none were read before: "
                "try again in a moment."
            )
        )
        response = self._html("web/error.html", 503, web=web, message=message)
        response.headers["retry-after"] = "5"
        return response

    def login(self, status: int, failed: bool = False) -> HTMLResponse:
        web = Chrome(
            self._t(N_("Sign in")), path="/login", languages=self._languages("/login", None)
        )
        return self._html("web/login.html", status, web=web, failed=failed)

    # ---- staff pages ----------------------------------------------------------------------

    def overview(self, period: str | None, access: Access, state: BookState) -> HTMLResponse:
        source, info = self._source(period)

        def make() -> HTMLResponse:
            ctx = build_board_context(source, self.env.filters["translate"], self.env.filters)
            label = self._t(N_("Board report (%(format)s)"))
            downloads = tuple(
                (
                    label % {"format": fmt.upper()},
                    views.with_period(f"/download/board.{fmt}", period),
                )
                for fmt in ("html", "pdf", "xlsx")
            )
            web = self._chrome("Overview", access, state, "/", period, info, downloads)
            return self._html("web/overview.html", report=ctx, web=web)

        return self._cached(self._key("overview", access, state, info, period), make)

    def funds(self, period: str | None, access: Access, state: BookState) -> HTMLResponse:
        source, info = self._source(period)

        def make() -> HTMLResponse:
            web = self._chrome("Funds", access, state, "/funds", period, info)
            table = pages.funds_table(source)
            return self._html(
                "web/funds.html", web=web, funds=pages.funds(source), table=table, period=period
            )

        return self._cached(self._key("funds", access, state, info, period), make)

    def fund(
        self, fund_id: str, period: str | None, access: Access, state: BookState
    ) -> HTMLResponse:
        source, info = self._source(period)

        def make() -> HTMLResponse:
            page = pages.fund_page(source, fund_id, self.env.filters["translate"])
            web = self._chrome(page.name, access, state, f"/funds/{fund_id}", period, info)
            partners = lp_pairs(source, fund_id=fund_id)
            return self._html(
                "web/fund.html",
                web=web,
                fund_id=fund_id,
                page=page,
                partners=[(i, name_of(source.names, i)) for _, i in partners],
                period=period,
            )

        return self._cached(self._key("fund", access, state, info, fund_id, period), make)

    def programme(self, period: str | None, access: Access, state: BookState) -> HTMLResponse:
        source, info = self._source(period)

        def make() -> HTMLResponse:
            web = self._chrome("Programme and grants", access, state, "/programme", period, info)
            tables = pages.programme_tables(source)
            return self._html("web/programme.html", web=web, tables=tables, period=period)

        return self._cached(self._key("programme", access, state, info, period), make)

    def audit(self, access: Access, state: BookState) -> HTMLResponse:
        head = state.closes[-1].close_hash if state.closes else ""
        found = self.reader.memo(("audit", len(state.closes), head), pages.audit_page)
        web = self._chrome("History and audit", access, state, "/audit")
        return self._html("web/audit.html", web=web, audit=found)

    def explain(
        self, asked: views.ExplainRequest, access: Access, state: BookState
    ) -> HTMLResponse:
        key = ("explain", asked.level, tuple(asked.keys.items()), asked.figure, asked.as_of)
        head = state.closes[-1].close_hash if state.closes else ""
        found = self.reader.memo(
            (*key, head),
            lambda con: pages.explain_page(con, asked.level, asked.keys, asked.figure, asked.as_of),
        )
        title = self._t(N_("Explain %(figure)s")) % {"figure": asked.figure}
        web = self._chrome(title, access, state, "/explain")
        return self._html("web/explain.html", web=web, page=found, asked=asked)

    def methods(self, access: Access, state: BookState) -> HTMLResponse:
        """docs/methods.md (shipped in the wheel) as a page: the reports' link to it."""
        if self._methods is None:
            found = resource_path("docs/methods.md")
            if found is None:
                raise NotFound("docs/methods.md is not installed")
            self._methods = methods_markup(found.read_text("utf-8"))
        web = self._chrome(N_("Methods"), access, state, "/methods")
        return self._html("web/methods.html", web=web, methods=self._methods)

    # ---- an investor's pages --------------------------------------------------------------

    def investor(
        self, investor_id: str, period: str | None, access: Access, state: BookState
    ) -> HTMLResponse:
        source, info = self._source(period)
        funds = pages.investor_funds(source, investor_id)
        if not funds:
            raise NotFound("no such investor in this close")
        web = self._chrome(
            name_of(source.names, investor_id),
            access,
            state,
            f"/investors/{investor_id}",
            period,
            info,
        )
        return self._html(
            "web/investor.html",
            web=web,
            investor_id=investor_id,
            funds=funds,
            period=period,
            names={f.fund_id: f.name for f in funds},
            by_quarter=self._investor_notices(investor_id, state),
        )

    def _investor_notices(self, investor_id: str, state: BookState) -> list[inbox.QuarterNotices]:
        """The investor's notices of every closed quarter (read once per close)."""
        frames = self._frames(None)
        quarters = [
            (
                info,
                inbox.quarter_rows(
                    self.reader.memo(
                        ("quarter notices", info.close_id, info.close_hash),
                        lambda _con, info=info: inbox.quarter_notices(frames, info),  # type: ignore[misc]
                    ),
                    investor_id,
                ),
            )
            for info in state.quarters()
        ]
        return inbox.investor_notices(quarters)

    def _pair(self, source: ReportSource, fund_id: str, investor_id: str) -> None:
        if (fund_id, investor_id) not in lp_pairs(source, fund_id, investor_id):
            raise NotFound("no such partner of this fund in this close")

    def lp(
        self, fund_id: str, investor_id: str, period: str | None, access: Access, state: BookState
    ) -> HTMLResponse:
        source, info = self._source(period)

        def make() -> HTMLResponse:  # a page cached was found: its pair is not checked again
            self._pair(source, fund_id, investor_id)
            base = f"/download/funds/{fund_id}/investors/{investor_id}/report"
            grant = pages.is_grant(source, fund_id)
            formats = ("html", "pdf") if grant else ("html", "pdf", "xlsx")
            label = self._t(N_("Report (%(format)s)"))
            downloads = tuple(
                (label % {"format": fmt.upper()}, views.with_period(f"{base}.{fmt}", period))
                for fmt in formats
            )
            path = f"/funds/{fund_id}/investors/{investor_id}"
            web = self._chrome("Partner", access, state, path, period, info, downloads)
            notices = self._notices(source, fund_id, investor_id, info)
            if grant:
                ctx: Any = build_grant_context(source, fund_id, investor_id)
                template = "web/grant.html"
            else:
                ctx = build_lp_context(source, fund_id, investor_id, self.env.filters["translate"])
                template = "web/lp.html"
            keys = {"fund_id": fund_id, "investor_id": investor_id}
            return self._html(
                template, report=ctx, web=web, notices=notices, keys=keys, period=period
            )

        key = self._key("lp", access, state, info, fund_id, investor_id, period)
        return self._cached(key, make)

    def _frames(self, info: CloseInfo | None) -> Any:
        """The whole book's frames as it is now (a closed quarter's notices, booked rows of a
        locked period, read the same from any later book)."""
        return self.reader.fresh("frames", pages.load_frames_of_book)

    def _notices(
        self, source: ReportSource, fund_id: str, investor_id: str, info: CloseInfo | None
    ) -> list[dict[str, Any]]:
        frames = self._frames(info)
        if info is None:  # the open period: as the book is now
            rows = pages.notice_rows(frames, source, fund_id)
        else:
            rows = self.reader.memo(
                ("notices", info.close_id, info.close_hash, fund_id),
                lambda _con: pages.notice_rows(frames, source, fund_id),
            )
        return [r for r in rows if r["investor_id"] == investor_id]

    def _notice_row(
        self, fund_id: str, investor_id: str, call_id: str, period: str | None
    ) -> tuple[dict[str, Any], Any]:
        source, info = self._source(period)
        self._pair(source, fund_id, investor_id)
        found = [
            r for r in self._notices(source, fund_id, investor_id, info) if r["call_id"] == call_id
        ]
        if not found:
            raise NotFound("no such notice")
        return found[0], self._frames(info)

    def notice(
        self,
        fund_id: str,
        investor_id: str,
        call_id: str,
        period: str | None,
        access: Access,
        state: BookState,
    ) -> HTMLResponse:
        info = self.reader.close_of(period) if period != OPEN else None

        def make() -> HTMLResponse:
            row, frames = self._notice_row(fund_id, investor_id, call_id, period)
            base = f"/download/funds/{fund_id}/investors/{investor_id}/notices/{call_id}"
            label = self._t(N_("Notice (%(format)s)"))
            downloads = tuple(
                (label % {"format": fmt.upper()}, views.with_period(f"{base}.{fmt}", period))
                for fmt in ("html", "pdf")
            )
            path = f"/funds/{fund_id}/investors/{investor_id}/notices/{call_id}"
            web = self._chrome("Notice", access, state, path, period, None, downloads)
            return self._html("web/notice.html", report=notice_context(row, frames), web=web)

        key = self._key("notice", access, state, info, fund_id, investor_id, call_id, period)
        return self._cached(key, make)

    # ---- downloads ------------------------------------------------------------------------

    def _folder(self, cache: Path, period: str | None, *parts: str) -> Path:
        if period == OPEN:
            raise NotFound("the open period's reports are not rendered for download")
        info = self.reader.close_of(period)
        folder = f"close-{info.close_id}-{info.close_hash[:16]}-{self.language}"
        return cache.joinpath(folder, *parts)

    def board_file(self, period: str | None, fmt: str, cache: Path) -> Path:
        if fmt not in ("html", "pdf", "xlsx"):
            raise NotFound("no such format")
        source, _ = self._source(period)
        folder = self._folder(cache, period, "board")
        return _one_file(
            folder,
            fmt,
            lambda: (
                board_report(
                    source, folder, pdf=fmt == "pdf", xlsx=fmt == "xlsx", lang=self.language
                ).files
            ),
        )

    def lp_file(
        self, fund_id: str, investor_id: str, period: str | None, fmt: str, cache: Path
    ) -> Path:
        source, _ = self._source(period)
        self._pair(source, fund_id, investor_id)
        formats = ("html", "pdf") if pages.is_grant(source, fund_id) else ("html", "pdf", "xlsx")
        if fmt not in formats:
            raise NotFound("no such format")
        folder = self._folder(
            cache, period, "lp", views.data_filename(fund_id, {"i": investor_id}, "d")
        )
        return _one_file(
            folder,
            fmt,
            lambda: (
                lp_reports(
                    source,
                    folder,
                    fund_id,
                    investor_id,
                    pdf=fmt == "pdf",
                    xlsx=fmt == "xlsx",
                    lang=self.language,
                ).files
            ),
        )

    def notice_file(
        self,
        fund_id: str,
        investor_id: str,
        call_id: str,
        period: str | None,
        fmt: str,
        cache: Path,
    ) -> Path:
        if fmt not in ("html", "pdf"):
            raise NotFound("no such format")
        row, frames = self._notice_row(fund_id, investor_id, call_id, period)
        folder = self._folder(cache, period, "notices")
        stem = views.data_filename("notice", {"c": call_id, "i": investor_id}, "x")[:-2]

        def make() -> list[Path]:
            folder.mkdir(parents=True, exist_ok=True)
            html = folder / f"{stem}.html"
            text = render(self.env, "notice.html", notice_context(row, frames))
            html.write_text(text, encoding="utf-8")
            if fmt == "pdf":
                write_pdf(str(html), str(html.with_suffix(".pdf")))
            return [html, html.with_suffix(".pdf")] if fmt == "pdf" else [html]

        return _one_file(folder, fmt, make, stem)

    def data(self, name: str, keys: dict[str, str], period: str | None) -> pl.DataFrame:
        source, _ = self._source(period)
        if name != "statement" and name not in source.snapshot.levels:
            raise NotFound("no such table")
        return level_frame(source, name, keys)


def _one_file(
    folder: Path, fmt: str, make: Callable[[], list[Path]], stem: str | None = None
) -> Path:
    """The file of `fmt` in `folder`, rendered by `make` the first time."""
    found = [p for p in folder.glob(f"*.{fmt}") if stem is None or p.stem == stem]
    if not found:
        found = [p for p in make() if p.suffix == f".{fmt}"]
    if not found:
        raise NotFound("no such file")
    return found[0]


def methods_markup(text: str) -> Markup:
    """Markdown as HTML: its tables (`| a | b |` lines) as tables, everything else through
    the reports' safe subset (`report.markdown`); every cell escaped."""
    out: list[str] = []
    chunk: list[str] = []
    table: list[str] = []

    def flush() -> None:
        if chunk:
            out.append(str(render_markdown("\n".join(chunk))))
            chunk.clear()
        if table:
            out.append(_table_html(table))
            table.clear()

    for line in text.splitlines():
        is_row = line.lstrip().startswith("|")
        if is_row != bool(table):
            flush()
        (table if is_row else chunk).append(line)
    flush()
    return Markup("\n".join(out))


def _table_html(lines: list[str]) -> str:
    """A Markdown table: its first row the header, its `|---|` row left out."""
    rows = [[c.strip() for c in line.strip().strip("|").split("|")] for line in lines]
    body = [r for r in rows[1:] if not all(set(c) <= set("-: ") for c in r)]
    head = "".join(f"<th>{inline(c)}</th>" for c in rows[0])
    cells = "".join("<tr>" + "".join(f"<td>{inline(c)}</td>" for c in r) + "</tr>" for r in body)
    table = f"<table><thead><tr>{head}</tr></thead><tbody>{cells}</tbody></table>"
    return f'<div class="web-scroll">{table}</div>'


def _web_environment(lang: str) -> Environment:
    """The reports' environment in `lang`, its `fig` filter linking figures to their explain
    pages, with the dashboard's URL helpers."""
    env = make_environment(None, lang)
    env.filters["fig"] = functools_fig(env.filters["fig"])
    env.globals["data_url"] = views.data_url
    env.globals["with_period"] = views.with_period
    return env


def functools_fig(shown: Callable[[Any], str]) -> Callable[[Any], Any]:
    """The reports' `fig` filter, linking the figure to its explain page when the reading
    token may explain it (text unchanged)."""

    def fig(value: Any) -> Any:
        text = shown(value)
        url = (
            views.explain_url(value, _ACCESS.get(), _AS_OF.get())
            if hasattr(value, "source")
            else None
        )
        if url is None:
            return text
        return Markup('<a class="fig" href="{}">{}</a>').format(url, escape(text))

    return fig

"""Every page needs a token; staff see every fund; revoked tokens and sessions end; tokens are
kept hashed and never listed; every response carries the security headers and no external URL."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner
from starlette.routing import Route
from starlette.testclient import TestClient
from web_kit import DemoWeb, bearer, client

from fundbook.cli import cli
from fundbook.store.db import open_book
from fundbook.store.tokens import issue_token, revoke_token, token_hash
from fundbook.web.app import PUBLIC, ROUTES, SECURITY_HEADERS

FILLED = {
    "fund_id": "sf-airobot",
    "investor_id": "hk-tech-ventures",
    "call_id": "sf-airobot-call-007",
    "fmt": "csv",
    "level": "fund",
    "name": "web.css",
}


def guarded_paths() -> list[str]:
    """Every route that needs a token, its parameters filled (a new route is in here)."""
    paths = []
    for route in ROUTES:
        assert isinstance(route, Route)
        if route.name in PUBLIC:
            continue
        path = route.path
        for name, value in FILLED.items():
            path = re.sub("{" + name + r"(?::\w+)?}", value, path)
        assert "{" not in path, f"no value for a parameter of {route.path}"
        paths.append(path)
    return paths


def test_every_route_needs_a_token(web_client: TestClient) -> None:
    for path in guarded_paths():
        response = web_client.get(path)
        assert response.status_code == 401, path
        assert response.headers["www-authenticate"].startswith("Bearer")
        assert "Sign in" in response.text
        bad = web_client.get(path, headers=bearer("not-a-token"))
        assert bad.status_code == 401, path
    assert web_client.get("/login").status_code == 200
    assert web_client.get("/static/report.css").status_code == 200


def test_staff_see_every_fund_and_page(demo_web: DemoWeb, web_client: TestClient) -> None:
    staff = bearer(demo_web.staff)
    funds = web_client.get("/funds", headers=staff)
    assert funds.status_code == 200
    fund_ids = sorted(set(re.findall(r'href="/funds/([^"/?]+)"', funds.text)))
    assert "sf-airobot" in fund_ids and "itif" in fund_ids and len(fund_ids) >= 10
    for fund in fund_ids:
        page = web_client.get(f"/funds/{fund}", headers=staff)
        assert page.status_code == 200, fund
        assert "/explain?" in page.text, fund  # its figures link to their lines
    for path in ("/", "/programme", "/audit", "/investors/hk-tech-ventures"):
        assert web_client.get(path, headers=staff).status_code == 200, path
    overview = web_client.get("/?period=2026-09", headers=staff)
    assert overview.status_code == 200 and "<svg" in overview.text  # the board's charts
    assert "The hash chain is intact" in web_client.get("/audit", headers=staff).text


def test_a_figure_explained_adds_up(demo_web: DemoWeb, web_client: TestClient) -> None:
    staff = bearer(demo_web.staff)
    page = web_client.get("/funds/sf-airobot", headers=staff).text
    link = next(
        h.replace("&amp;", "&")
        for h in re.findall(r'href="(/explain\?[^"]+)"', page)
        if "level=fund&amp;figure=nav&amp;" in h
    )
    explained = web_client.get(link, headers=staff)
    assert explained.status_code == 200
    assert "they agree" in explained.text, explained.text[-2000:]


def test_downloads(demo_web: DemoWeb, web_client: TestClient) -> None:
    lp = bearer(demo_web.investors["hk-tech-ventures"])
    base = "/download/funds/sf-airobot/investors/hk-tech-ventures/report"
    report = web_client.get(f"{base}.html", headers=lp)
    assert report.status_code == 200 and "attachment" in report.headers["content-disposition"]
    table = web_client.get(
        "/data/investor.json?fund_id=sf-airobot&investor_id=hk-tech-ventures", headers=lp
    )
    assert table.status_code == 200 and table.json()[0]["investor_id"] == "hk-tech-ventures"
    csv = web_client.get("/data/holding.csv?fund_id=sf-airobot", headers=bearer(demo_web.staff))
    assert csv.status_code == 200 and csv.text.startswith("fund_id,holding_id")
    assert web_client.get("/data/holding.csv?fund_id=sf-airobot", headers=lp).status_code == 403


def test_security_headers_and_no_external_urls(demo_web: DemoWeb, web_client: TestClient) -> None:
    staff = bearer(demo_web.staff)
    for path in ("/", "/funds/itif", "/login", "/nowhere", "/audit", "/static/web.css"):
        response = web_client.get(path, headers=staff)
        for name, value in SECURITY_HEADERS.items():
            assert response.headers[name] == value, (path, name)
        assert "unsafe-inline" not in response.headers["content-security-policy"]
        assert not re.search(r"(src|href|action)=\"(https?:)?//", response.text), path
        assert "<script" not in response.text, path
        assert "<style" not in response.text, path  # the stylesheets are files of the server
        assert ' style="' not in response.text, path


def test_login_form_sets_a_strict_cookie_holding_no_token(
    demo_web: DemoWeb, tmp_path: Path
) -> None:
    web = client(demo_web.db, tmp_path)
    refused = web.post("/login", data={"token": "wrong"})
    assert refused.status_code == 401
    signed = web.post("/login", data={"token": demo_web.staff}, follow_redirects=False)
    assert signed.status_code == 303
    cookie = signed.headers["set-cookie"]
    for flag in ("HttpOnly", "Secure", "SameSite=Strict", "Path=/"):
        assert flag in cookie
    assert demo_web.staff not in cookie and token_hash(demo_web.staff) not in cookie
    assert web.get("/funds").status_code == 200  # the session cookie alone
    web.post("/logout")
    assert web.get("/funds").status_code == 401


def test_revoked_tokens_and_their_sessions_are_refused(demo_web: DemoWeb, tmp_path: Path) -> None:
    with open_book(demo_web.db) as con:
        issued = issue_token(con, label="short-lived")
    web = client(demo_web.db, tmp_path)
    assert web.get("/funds", headers=bearer(issued.token)).status_code == 200
    web.post("/login", data={"token": issued.token})
    with open_book(demo_web.db) as con:
        revoke_token(con, issued.token_id)
    assert web.get("/funds", headers=bearer(issued.token)).status_code == 401
    assert web.get("/funds").status_code == 401  # the session ended with its token
    assert web.get("/funds", headers=bearer(demo_web.revoked)).status_code == 401


def test_tokens_are_stored_hashed_and_never_listed(demo_web: DemoWeb) -> None:
    runner = CliRunner()
    db = ["--db", str(demo_web.db)]
    issued = runner.invoke(cli, ["token", "issue", "--investor", "jade-life", "--label", "t", *db])
    assert issued.exit_code == 0, issued.output
    token = issued.stdout.strip().splitlines()[-1]
    listed = runner.invoke(cli, ["token", "list", "--format", "json", *db])
    assert listed.exit_code == 0, listed.output
    assert token not in listed.output and token_hash(token) not in listed.output
    assert '"investor_id": "jade-life"' in listed.output
    with open_book(demo_web.db, read_only=True) as con:
        stored = con.execute("SELECT token_sha256 FROM access_tokens").fetchall()
    assert (token_hash(token),) in stored and all(token not in s for (s,) in stored)
    unknown = runner.invoke(cli, ["token", "issue", "--investor", "nobody", *db])
    assert unknown.exit_code == 1 and "no investor 'nobody'" in unknown.output
    both = runner.invoke(cli, ["token", "issue", "--staff", "--investor", "jade-life", *db])
    assert both.exit_code == 2
    verify = runner.invoke(cli, ["audit", "verify", *db])
    assert verify.exit_code == 0, verify.output  # tokens are outside the hash chain

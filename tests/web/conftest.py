"""Fixtures of the dashboard's tests: the demo book closed once per session, its tokens, clients."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from fundbook.close.closing import close_period
from fundbook.demo import DEMO_LEDGER
from fundbook.store.db import open_book
from fundbook.store.tokens import issue_token, list_tokens, revoke_token

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # starlette's note about httpx, in its TestClient's module
    from starlette.testclient import TestClient

DEMO_PERIOD = "2026-09"  # the demo's reported quarter (2026Q3), its first close: all history


@dataclass(frozen=True)
class DemoWeb:
    """The closed demo book, a staff token, a revoked one, and one token per investor."""

    db: Path
    staff: str
    revoked: str
    investors: dict[str, str]  # investor_id -> token
    names: dict[str, str]  # investor_id -> name


@pytest.fixture(scope="session")
def demo_web(tmp_path_factory: pytest.TempPathFactory) -> DemoWeb:
    if not (DEMO_LEDGER / "funds.csv").is_file():
        pytest.skip("the demo ledger is not in this checkout")
    db = tmp_path_factory.mktemp("web") / "demo.duckdb"
    close_period(db, DEMO_PERIOD, ledger_dir=str(DEMO_LEDGER))
    with open_book(db) as con:
        staff = issue_token(con, label="staff").token
        gone = issue_token(con, label="revoked")
        revoke_token(con, gone.token_id)
        found = con.execute("SELECT investor_id, name FROM investors ORDER BY 1").fetchall()
        names = {i: n for i, n in found}
        tokens = {i: issue_token(con, i).token for i in names}
        assert list_tokens(con).height == 2 + len(names)
    return DemoWeb(db, staff, gone.token, tokens, names)


def client(db: Path, tmp_path: Path, refresh_seconds: float = 0.0) -> TestClient:
    """A client of a new dashboard of `db` (reports cached under `tmp_path`)."""
    from fundbook.web.app import create_app

    app = create_app(db, cache_dir=tmp_path / "cache", refresh_seconds=refresh_seconds)
    return TestClient(app, base_url="https://testserver")


@pytest.fixture(scope="session")
def web_client(demo_web: DemoWeb, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """One dashboard of the demo book for the session (its pages cached as they are asked),
    its event loop started once (outside `with`, a TestClient starts one per request)."""
    folder = tmp_path_factory.mktemp("webcache")
    with client(demo_web.db, folder, refresh_seconds=3600) as web:
        yield web


def bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}

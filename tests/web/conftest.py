"""Fixtures of the dashboard's tests: the demo book closed once per session, its tokens, clients."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from web_kit import DEMO_PERIOD, DemoWeb, TestClient, client

from fundbook.close.closing import close_period
from fundbook.demo import DEMO_LEDGER
from fundbook.store.db import open_book
from fundbook.store.tokens import issue_token, list_tokens, revoke_token


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


@pytest.fixture(scope="session")
def web_client(demo_web: DemoWeb, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """One dashboard of the demo book for the session (its pages cached as they are asked),
    its event loop started once (outside `with`, a TestClient starts one per request)."""
    folder = tmp_path_factory.mktemp("webcache")
    with client(demo_web.db, folder, refresh_seconds=3600) as web:
        yield web

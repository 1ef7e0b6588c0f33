"""A close running: another process holds the book for writing (its lock and its DuckDB file)
while pages are asked; the dashboard serves what it read, saying the figures are being
updated, or a 503 page when it read nothing yet; never a 500."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from web_kit import DemoWeb, bearer, client

# Holds the book open for writing, as `fundbook close` does, until its stdin closes.
WRITER = """
import sys
from fundbook.store.db import open_book
with open_book(sys.argv[1]) as con:
    print("holding", flush=True)
    sys.stdin.read()
"""


@pytest.fixture
def writer(demo_web: DemoWeb) -> Iterator[None]:
    process = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(demo_web.db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None and process.stdout.readline().strip() == "holding"
        yield
    finally:
        assert process.stdin is not None
        process.stdin.close()
        process.wait(timeout=30)


def test_pages_during_a_close_say_figures_are_being_updated(
    demo_web: DemoWeb, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    staff, lp = bearer(demo_web.staff), bearer(demo_web.investors["hk-tech-ventures"])
    web = client(demo_web.db, tmp_path / "read")
    assert web.get("/", headers=staff).status_code == 200  # read before the close
    lp_page = "/funds/sf-airobot/investors/hk-tech-ventures"
    assert web.get(lp_page, headers=lp).status_code == 200
    fresh = client(demo_web.db, tmp_path / "fresh")  # has read nothing
    request.getfixturevalue("writer")
    for path, who in (("/", staff), (lp_page, lp), ("/funds/sf-airobot", staff)):
        page = web.get(path, headers=who)
        assert page.status_code == 200, (path, page.text[-500:])
        assert "Figures are being updated (a close is running)" in page.text
        assert "shown as of close 1" in page.text
    computed = web.get("/audit", headers=staff)  # computed from the book on demand
    assert computed.status_code == 503 and "being updated" in computed.text
    nothing = fresh.get("/", headers=staff)
    assert nothing.status_code == 503 and "being updated" in nothing.text
    assert nothing.headers["retry-after"] == "5"

"""What the dashboard's tests share: the demo book's tokens, a client of a new dashboard."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

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


def client(db: Path, tmp_path: Path, refresh_seconds: float = 0.0) -> TestClient:
    """A client of a new dashboard of `db` (reports cached under `tmp_path`)."""
    from fundbook.web.app import create_app

    app = create_app(db, cache_dir=tmp_path / "cache", refresh_seconds=refresh_seconds)
    return TestClient(app, base_url="https://testserver")


def bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}

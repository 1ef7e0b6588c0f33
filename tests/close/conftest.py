"""Shared fixtures of the close tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest


@pytest.fixture
def demo(demo_closed: Path, tmp_path: Path) -> Path:
    """A copy of the module's closed demo book (`demo_closed`), to change at will."""
    db = tmp_path / "demo.duckdb"
    shutil.copyfile(demo_closed, db)
    return db

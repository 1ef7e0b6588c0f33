"""The demo book imported once into a temporary DuckDB for the metrics tests."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from fundbook.store.db import open_book
from fundbook.store.frames import Frames, load_frames
from fundbook.store.importer import import_book

DEMO = Path(__file__).resolve().parents[2] / "ledgers" / "itif-demo"
DEMO_AS_OF = date(2026, 9, 30)


@pytest.fixture(scope="package")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("metrics") / "demo.duckdb"
    with open_book(db) as con:
        import_book(con, DEMO)
    return db


@pytest.fixture(scope="package")
def demo_frames(demo_db: Path) -> Frames:
    with open_book(demo_db, read_only=True) as con:
        return load_frames(con, DEMO_AS_OF)

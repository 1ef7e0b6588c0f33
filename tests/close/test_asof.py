"""`metrics` and `compliance` of a closed day read from its snapshot print exactly what the
metrics layer computes (every grouping, fund and format), and the other days are computed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from close_kit import book, plain_sql, run

from fundbook.cli.output import FORMATS, render
from fundbook.close.asof import close_for_date, compliance_at, compliance_on, metrics_at
from fundbook.close.closing import close_period
from fundbook.close.compliance_history import quarter_ends
from fundbook.core.types import METRIC_GROUPINGS
from fundbook.demo import DEMO_LEDGER
from fundbook.metrics import compliance
from fundbook.metrics.tables import metrics_table
from fundbook.store.db import open_book
from fundbook.store.frames import load_frames
from fundbook.store.importer import import_book
from fundbook.synth.generator import generate_book

# Closes of the demo ledger, in order: the first (all history), months whose valuations are
# carried forward (as `make demo` closes them), a quarter end.
DEMO_CLOSES = (
    ("2025-12", False),
    ("2026-01", True),
    ("2026-02", True),
    ("2026-03", False),
    ("2026-04", True),
)


@pytest.fixture(scope="module")
def demo_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("asof") / "demo.duckdb"
    for n, (period, carry) in enumerate(DEMO_CLOSES):
        ledger = str(DEMO_LEDGER) if n == 0 else None
        close_period(db, period, ledger_dir=ledger, carry_forward=carry)
    return db


@pytest.fixture(scope="module")
def small_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db, ledger = book(tmp_path_factory.mktemp("asof-small"))
    close_period(db, "2026-03", ledger_dir=str(ledger))
    close_period(db, "2026-04", carry_forward=True)
    return db


@pytest.fixture(scope="module")
def generated_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated book of several years, imported and never closed: every day is computed."""
    root = tmp_path_factory.mktemp("asof-generated")
    generate_book(root / "ledger", transactions=3_000, seed=7)
    db = root / "book.duckdb"
    with open_book(db) as con:
        import_book(con, root / "ledger")
    return db


def _period_ends(db: Path) -> list[dt.date]:
    with open_book(db, read_only=True) as con:
        found = con.execute("SELECT period_end FROM closes ORDER BY close_id").fetchall()
    return [row[0] for row in found]


def _variants(fund_ids: list[str]) -> list[tuple[str, str | None, bool]]:
    """(by, fund_id, look_through) of every command line worth comparing."""
    out = [(by, None, False) for by in METRIC_GROUPINGS]
    out += [("theme", None, True)]
    out += [(by, f, False) for f in fund_ids for by in METRIC_GROUPINGS]
    return out


def _assert_same(stored: object, computed: object, what: str) -> None:
    for fmt in FORMATS:
        assert render(stored, fmt) == render(computed, fmt), (what, fmt)  # type: ignore[arg-type]


@pytest.mark.parametrize("which", ["demo_book", "small_book"])
def test_closed_days_print_what_metrics_compute(which: str, request: pytest.FixtureRequest):
    db = request.getfixturevalue(which)
    printed = set()
    with open_book(db, read_only=True) as con:
        fund_ids = [r[0] for r in con.execute("SELECT fund_id FROM funds ORDER BY 1").fetchall()]
        for day in _period_ends(db):
            assert close_for_date(con, day) is not None, day  # the stored path is the one tested
            frames = load_frames(con, day)
            for by, fund_id, look_through in _variants(fund_ids):
                stored = metrics_at(con, day, by, fund_id, look_through)
                computed = metrics_table(frames, day, by, fund_id, look_through)
                _assert_same(stored, computed, f"{day} --by {by} --fund {fund_id}")
                printed |= {by} if stored.height else set()
            _assert_same(compliance_at(con, day), compliance(frames, day), f"{day} compliance")
    assert {"fund", "investor", "holding", "theme"} <= printed  # rows were compared


def test_the_stored_path_reads_no_polars_frame(demo_book: Path, monkeypatch: pytest.MonkeyPatch):
    """A closed day never reaches the metrics layer (the computed path would fail here)."""
    import fundbook.close.asof as asof

    def refuse(*_args: object) -> None:
        raise AssertionError("computed instead of read from the snapshot")

    monkeypatch.setattr(asof, "_computed_metrics", refuse)
    monkeypatch.setattr(asof, "_computed_compliance", refuse)
    day = _period_ends(demo_book)[-1]
    with open_book(demo_book, read_only=True) as con:
        assert metrics_at(con, day, "holding").height > 20
        assert compliance_at(con, day).height > 10


def test_other_days_are_computed(demo_book: Path) -> None:
    with open_book(demo_book, read_only=True) as con:
        for day in (dt.date(2026, 3, 30), dt.date(2026, 5, 31), dt.date(2026, 11, 30)):
            assert close_for_date(con, day) is None
            frames = load_frames(con, day)
            _assert_same(metrics_at(con, day, "fund"), metrics_table(frames, day, "fund"), "fund")


def test_days_computed_from_one_load_are_each_days_own(
    generated_book: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`compliance_on` computes the days not closed from the book loaded once (as of the
    latest): each day's rules are what the book loaded as of that day gives (a sub-fund with
    no row yet on a day is not judged on it)."""
    import fundbook.store.frames as frames_module

    loads: list[dt.date] = []

    def counted(con: object, as_of: dt.date) -> object:
        loads.append(as_of)
        return load_frames(con, as_of)  # type: ignore[arg-type]

    with open_book(generated_book, read_only=True) as con:
        first = con.execute("SELECT min(date) FROM commitments").fetchall()[0][0]
        last = con.execute("SELECT max(date) FROM transactions").fetchall()[0][0]
        days = quarter_ends(first, last)
        assert len(days) > 12  # years of quarter-ends, none closed
        with monkeypatch.context() as patch:
            patch.setattr(frames_module, "load_frames", counted)
            together = compliance_on(con, days)
        assert loads == [days[-1]] and list(together) == days
        for day in [*days[::4], days[-1]]:
            own = compliance(load_frames(con, day), day)
            assert own.height > 0
            _assert_same(together[day], own, f"{day} compliance")


def test_an_unknown_fund_is_refused_on_both_paths(demo_book: Path) -> None:
    day = _period_ends(demo_book)[-1]
    for as_of in (str(day), "2026-02-27"):
        result = run("metrics", "--as-of", as_of, "--fund", "nope", "--db", str(demo_book))
        assert result.exit_code != 0
        assert "unknown fund 'nope'" in result.output


def test_a_reopened_close_is_not_read(small_book: Path, tmp_path: Path) -> None:
    db = tmp_path / "book.duckdb"
    db.write_bytes(small_book.read_bytes())
    april = dt.date(2026, 4, 30)
    assert run("reopen", "2026-04", "--reason", "test", "--db", str(db)).exit_code == 0
    with open_book(db, read_only=True) as con:
        assert close_for_date(con, april) is None
        assert close_for_date(con, dt.date(2026, 3, 31)) is not None


def test_a_fund_imported_after_the_close_is_computed(small_book: Path, tmp_path: Path) -> None:
    """Undated rows imported after a close (a new fund) change that day's figures: computed."""
    db = tmp_path / "book.duckdb"
    db.write_bytes(small_book.read_bytes())
    april = dt.date(2026, 4, 30)
    plain_sql(
        db,
        "INSERT INTO funds SELECT * REPLACE ('sf9' AS fund_id, "
        "(SELECT max(import_id) + 1 FROM imports) AS import_id) FROM funds LIMIT 1",
    )
    with open_book(db, read_only=True) as con:
        assert close_for_date(con, april) is None
        frames = load_frames(con, april)
        _assert_same(metrics_at(con, april, "fund"), metrics_table(frames, april, "fund"), "fund")


def test_compliance_history_reads_closed_quarter_ends_from_their_snapshot(
    demo_book: Path,
) -> None:
    """2025-12 and 2026-03 are closed quarter-ends (read from their snapshots, no polars
    needed); 2026-06 is not closed: computed. The rows are what `compliance_at` gives."""
    from fundbook.close.compliance_history import compliance_history

    with open_book(demo_book, read_only=True) as con:
        history = compliance_history(con, dt.date(2026, 6, 30)).records()
        q1 = {
            (r["fund_id"], r["rule"]): r for r in compliance_at(con, dt.date(2026, 3, 31)).records()
        }
    assert {r["read_from"] for r in history} == {"2 closed quarter-ends, 1 computed"}
    size = next(r for r in history if (r["fund_id"], r["rule"]) == ("itif", "programme_size"))
    assert size["quarters_in_breach"] == "2025Q4 watch, 2026Q1 watch, 2026Q2 watch"
    first_q1 = f"{q1['itif', 'programme_size']['ratio'] * 100:.1f} %"
    assert size["trend"].split(" -> ")[1] == first_q1
    nexus = next(
        r for r in history if (r["fund_id"], r["rule"]) == ("sf-gba", "hk_nexus_of_invested")
    )
    assert nexus["first_breach"] == dt.date(2026, 6, 30) and nexus["breaches"] == 1

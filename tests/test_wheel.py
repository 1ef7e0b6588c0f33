"""The built wheel works on its own: installed in a fresh venv, run from a folder of its own.

The wheel is built with uv, installed with the locked dependency versions (from uv's cache)
into a virtual environment under a temporary folder, and the month-end chain of `fundbook demo`
(import, close, audit, board report with its PDF) runs there. The full demo renders every LP
report as a PDF (about 90 s), so the chain runs command by command.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DEMO_LEDGER = ROOT / "ledgers" / "itif-demo"


def _uv() -> list[str]:
    found = shutil.which("uv")
    if found:
        return [found]
    if importlib.util.find_spec("uv") is not None:
        return [sys.executable, "-m", "uv"]
    pytest.skip("uv is not installed (`make sync` installs it)")


def _env() -> dict[str, str]:
    """The caller's environment without what would point Python back at the checkout."""
    env = dict(os.environ)
    for name in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "UV_PROJECT_ENVIRONMENT"):
        env.pop(name, None)
    return env


def _run(args: list[str | Path], cwd: Path, timeout: float = 120) -> str:
    done = subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, f"{' '.join(map(str, args))}\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The `bin/` folder of a fresh venv holding the wheel built from this checkout."""
    uv, tmp = _uv(), tmp_path_factory.mktemp("wheel")
    _run([*uv, "build", "--wheel", "--quiet", "--out-dir", tmp / "dist", ROOT], cwd=tmp)
    (wheel,) = (tmp / "dist").glob("fundbook-*.whl")
    requirements = tmp / "requirements.txt"
    exported = _run(
        [*uv, "export", "--frozen", "--no-dev", "--no-hashes", "--no-emit-project"], cwd=ROOT
    )
    requirements.write_text(exported, encoding="utf-8")
    venv = tmp / "venv"
    _run([*uv, "venv", "--quiet", "--python", sys.executable, venv], cwd=tmp)
    python = venv / "bin" / "python"
    _run([*uv, "pip", "install", "--quiet", "--python", python, wheel, "-r", requirements], tmp)
    return venv / "bin"


def test_installed_package_is_the_wheel(installed: Path) -> None:
    code = "import fundbook; print(fundbook.__file__)"
    where = _run([installed / "python", "-c", code], cwd=installed.parent)
    assert Path(where.strip()).is_relative_to(installed.parent)


def test_installed_wheel_imports_closes_and_reports(installed: Path, tmp_path: Path) -> None:
    fundbook = installed / "fundbook"
    shutil.copytree(DEMO_LEDGER, tmp_path / "ledger")
    book = ["--db", "book.duckdb"]
    _run([fundbook, "import", "ledger", *book, "--quiet"], tmp_path)
    _run([fundbook, "close", "2026-09", *book, "--quiet"], tmp_path)
    _run([fundbook, "audit", "verify", *book], tmp_path)  # exits 1 unless the chain verifies
    _run([fundbook, "audit", "export", "2026-09", *book, "--out", "pack"], tmp_path)
    board = [fundbook, "report", "board", *book, "--quarter", "2026Q3", "--out", "reports"]
    _run([*board, "--pdf"], tmp_path)
    lp = [fundbook, "report", "lp", *book, "--quarter", "2026Q3", "--fund", "itif"]
    _run([*lp, "--out", "reports"], tmp_path)

    pack, reports = tmp_path / "pack", tmp_path / "reports"
    assert (pack / "sql" / "schema.sql").is_file()
    assert (pack / "uv.lock").read_bytes() == (ROOT / "uv.lock").read_bytes()
    assert (reports / "board-2026Q3.pdf").stat().st_size > 0
    assert "2026Q3" in (reports / "board-2026Q3.html").read_text(encoding="utf-8")
    assert list(reports.glob("lp-2026Q3-itif-*.html"))
    methods = (reports / "methods.md").read_bytes()
    assert methods == (ROOT / "docs" / "methods.md").read_bytes()

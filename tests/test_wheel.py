"""The built wheel works on its own: installed in a fresh venv, run from a folder of its own.

The wheel is built with uv, installed with the locked dependency versions (from uv's cache)
into a virtual environment under a temporary folder, and `fundbook demo --no-pdf` (every LP
report as a PDF would add about 90 s) runs from a folder of its own, then one board PDF.
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


def test_installed_wheel_runs_the_demo_from_another_folder(installed: Path, tmp_path: Path) -> None:
    """`fundbook demo` from a folder of its own: the demo ledger is not in the wheel, so the
    installed package generates it (seeded) under --out, then imports, closes every month,
    verifies, reproduces, exports the audit pack and renders the reports (HTML; one PDF)."""
    fundbook, work = installed / "fundbook", tmp_path / "work"
    work.mkdir()
    output = _run(
        [fundbook, "demo", "--db", "demo.duckdb", "--out", "out", "--no-pdf"], work, timeout=600
    )
    assert "the hash chain of" in output and "0 differences" in output, output
    assert "rendered" in output and "LP reports" in output, output
    board = [fundbook, "report", "board", "--db", "demo.duckdb", "--quarter", "2026Q3"]
    _run([*board, "--out", "out/board", "--pdf"], work)

    out = work / "out"
    pack = next(out.glob("audit-*"))
    assert (pack / "sql" / "schema.sql").is_file()
    assert (pack / "uv.lock").read_bytes() == (ROOT / "uv.lock").read_bytes()
    assert (out / "board" / "board-2026Q3.pdf").stat().st_size > 0
    reports = out / "reports-2026Q3"
    assert list(reports.glob("lp-2026Q3-itif-*.html"))
    assert list(reports.glob("lp-2026Q3-itif-*-zh-Hant.html"))  # and in Traditional Chinese
    assert (reports / "board-2026Q3-zh-Hant.html").is_file()
    assert (reports / "methods.md").read_bytes() == (ROOT / "docs" / "methods.md").read_bytes()
    assert sorted(p.name for p in work.iterdir()) == ["demo.duckdb", "demo.duckdb.lock", "out"]


def test_installed_wheel_speaks_traditional_chinese(installed: Path) -> None:
    """The zh-Hant catalogue ships inside the wheel and is found (and compiled) from there."""
    code = (
        "from fundbook.report.i18n import catalogue_path, translations; "
        "print(catalogue_path('zh-Hant')); "
        "print(translations('zh-Hant').gettext('Net asset value'))"
    )
    where, text = _run([installed / "python", "-c", code], cwd=installed.parent).splitlines()
    assert Path(where).is_relative_to(installed.parent)
    assert text == "資產淨值"

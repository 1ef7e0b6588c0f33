"""Where fundbook's own data files are: inside the installed package, else in the checkout."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from fundbook.core.errors import FundbookError

# Name inside the installed package -> the same file or folder in a repository checkout.
# The wheel copies one to the other: [tool.hatch.build.targets.wheel.force-include].
CHECKOUT_PATHS = {
    "sql": "sql",
    "templates": "reports/templates",
    "docs/methods.md": "docs/methods.md",
    "uv.lock": "uv.lock",
}
_CHECKOUT = Path(__file__).resolve().parents[2]


def resource_path(name: str) -> Path | None:
    """The file or folder `name` of fundbook (a key of CHECKOUT_PATHS), or None if missing."""
    packaged = files("fundbook").joinpath(*name.split("/"))
    # A plain folder on disk: the callers copy, glob and hand the path to Jinja and WeasyPrint.
    if isinstance(packaged, Path) and packaged.exists():
        return packaged
    checkout = _CHECKOUT / CHECKOUT_PATHS[name]
    return checkout if checkout.exists() else None


def resource_dir(name: str, marker: str) -> Path:
    """The folder `name` of fundbook, which must hold `marker`; else a broken installation."""
    folder = resource_path(name)
    if folder is None or not (folder / marker).is_file():
        where = CHECKOUT_PATHS[name]
        raise FundbookError(f"cannot find the {where}/ folder of fundbook (broken installation)")
    return folder

"""The versions of fundbook and of every package it depends on, as installed."""

from __future__ import annotations

import re
from importlib import metadata

_REQUIREMENT_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*")


def versions() -> dict[str, str]:
    """Versions of fundbook and every dependency it declares, from the installed metadata."""
    found = {"fundbook": metadata.version("fundbook")}
    for requirement in metadata.requires("fundbook") or []:
        if "extra ==" in requirement:
            continue
        match = _REQUIREMENT_NAME.match(requirement.strip())
        if not match:
            continue
        name = match.group(0).lower()
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    return dict(sorted(found.items()))

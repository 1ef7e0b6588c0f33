"""Who runs a command: the login name recorded on imports, closes and reopenings."""

from __future__ import annotations

import getpass


def login_name() -> str:
    """The login name of the user running fundbook ("unknown" where the system has none)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"

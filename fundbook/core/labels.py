"""The marker of labels written in Python for the reports' message catalogue (gettext)."""

from __future__ import annotations


def N_(message: str) -> str:
    """Mark a label for the catalogue (`make catalogue` extracts it); the reports translate it
    where they show it (`{{ _(label) }}` in a template). Returns the label unchanged."""
    return message

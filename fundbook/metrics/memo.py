"""Memoising per book: a pure result computed once per frames object and key.

Frames are immutable (a frozen dataclass of polars frames), so a result computed from them
never changes. The close asks for every figure at the same few dates; caching the book state
per (frames, date) turns ten recomputations of the whole book into one, without changing any
result. Entries go when their frames are garbage-collected.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Hashable
from functools import wraps
from typing import Any, TypeVar

R = TypeVar("R")
_CACHES: dict[int, tuple[weakref.ref[Any], dict[Hashable, Any], dict[Hashable, Any]]] = {}
_LOCK = threading.Lock()


def per_frames(fn: Callable[..., R]) -> Callable[..., R]:
    """Cache `fn(frames, *key)` per frames object (by identity) and key."""

    @wraps(fn)
    def cached(frames: Any, *key: Hashable) -> R:
        slot = (fn.__qualname__, *key)
        with _LOCK:  # the close computes some levels in threads (`levels.figures`)
            entry = _CACHES.get(id(frames))
            if entry is None or entry[0]() is not frames:
                ident = id(frames)
                ref = weakref.ref(frames, lambda _ref: _CACHES.pop(ident, None))
                entry = (ref, {}, {})
                _CACHES[ident] = entry
            results, computing = entry[1], entry[2]
            lock = computing.setdefault(slot, threading.Lock())
        with lock:  # one thread computes a slot; another asking for it waits for the result
            if slot not in results:
                results[slot] = fn(frames, *key)
        return results[slot]  # type: ignore[no-any-return]

    return cached

"""memo.per_frames: one computation a frames object and key, also when threads ask together."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from fundbook.metrics.memo import per_frames


@dataclass(frozen=True)
class Frames:
    name: str


def test_threads_asking_for_one_slot_compute_it_once() -> None:
    calls: list[str] = []
    guard = threading.Lock()

    @per_frames
    def slow(frames: Frames, key: str) -> str:
        with guard:
            calls.append(key)
        time.sleep(0.05)  # long enough for the other threads to ask meanwhile
        return f"{frames.name}:{key}"

    frames = Frames("book")
    with ThreadPoolExecutor(max_workers=4) as pool:
        got = list(pool.map(lambda k: slow(frames, k), ["a", "a", "b", "a"]))
    assert got == ["book:a", "book:a", "book:b", "book:a"]
    assert sorted(calls) == ["a", "b"]

"""The fundbook CLI with a close that pauses at a named checkpoint, for the kill -9 tests:
`python paused_close.py POINT SECONDS close PERIOD --db ...` prints
`fundbook-test-hook: paused at POINT` on stderr there and sleeps, so the test can kill it.
The hook is injected here, by the test; production code only calls its checkpoints."""

from __future__ import annotations

import functools
import sys
import time

from fundbook.close import closing


def pause_at(point: str, seconds: float) -> closing.Checkpoint:
    def checkpoint(reached: str) -> None:
        if reached == point:
            print(f"fundbook-test-hook: paused at {point}", file=sys.stderr, flush=True)
            time.sleep(seconds)

    return checkpoint


if __name__ == "__main__":
    point, seconds, *args = sys.argv[1:]
    closing.close_period = functools.partial(  # type: ignore[assignment]
        closing.close_period, checkpoint=pause_at(point, float(seconds))
    )
    from fundbook.cli import main

    sys.argv = ["fundbook", *args]
    main()

"""The demo's two illustrative market index series (index_levels.csv): seeded month-end levels.

Illustrative, not published values: a random walk of monthly log returns from levels near the
indices' at the end of 2018, for the public market equivalents to have something to compare.
The synthetic books of `fundbook synth` take the same series over their own history.
"""

from __future__ import annotations

import math
import random
from datetime import date

from fundbook.core.calendar import month_ends
from fundbook.synth.demo_ledger import END

# (index_id, display name, level at the end of 2018, yearly drift, yearly volatility)
INDICES = (
    ("HSI", "Hang Seng Index (illustrative)", 25845.70, 0.01, 0.20),
    ("HSTECH", "Hang Seng TECH Index (illustrative)", 4500.00, 0.03, 0.32),
)
# The benchmark the guidance fund's terms name (terms.csv pme_index).
BENCHMARK = "HSI"


def index_rows(
    seed: int, first: date = date(2018, 12, 1), last: date = END
) -> list[tuple[str, ...]]:
    """Month-end levels of every index from `first`'s month (December 2018) to `last` (the
    demo's last month), sorted by date then index; each series starts at its level of the end
    of 2018 whatever the month; its own random stream, so that no other file of the book moves."""
    rng = random.Random(f"index-levels-{seed}")
    out = []
    for index_id, name, start, drift, vol in INDICES:
        level = start
        for d in month_ends(first, last):
            out.append((d.isoformat(), index_id, f"{level:.2f}", name))
            step = rng.gauss(drift / 12 - vol * vol / 24, vol / math.sqrt(12))
            level *= math.exp(step)
    return sorted(out)

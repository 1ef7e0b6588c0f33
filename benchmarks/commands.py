"""Wall time of each read-only command on a closed book (the demo): median of N runs.

Each run is a fresh `fundbook` process, start-up and imports included, as a user sees it.
The targets: a read-only command on a closed period in 0.5 s or less, `fundbook --help` in
0.2 s or less. Build the book first (`make demo`), then:

    uv run --frozen python benchmarks/commands.py [--db build/demo.duckdb] [--runs 5]
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

HELP_TARGET = 0.2
COMMAND_TARGET = 0.5


def _last_close(fundbook: list[str], db: str) -> str:
    """The period end of the book's latest standing close (`fundbook history --format csv`)."""
    out = subprocess.run(
        [*fundbook, "history", "--db", db, "--format", "csv"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    periods = [line.split(",")[2] for line in out.splitlines()[1:] if ",close," in line]
    if not periods:
        raise SystemExit(f"{db} has no close: run `make demo` first")
    year, month = (int(p) for p in periods[-1].split("-"))
    nxt = (year + month // 12, month % 12 + 1)
    return str(dt.date(*nxt, 1) - dt.timedelta(days=1))


def commands(db: str, as_of: str) -> list[tuple[str, list[str], float]]:
    """(label, arguments, target) of every case."""
    on_book = ["--db", db]
    cases: list[tuple[str, list[str], float]] = [("--help", ["--help"], HELP_TARGET)]
    for name in ("history", "metrics", "compliance", "trial-balance", "balance-sheet"):
        cases.append((f"{name} --help", [name, "--help"], COMMAND_TARGET))
    cases.append(("audit verify --help", ["audit", "verify", "--help"], COMMAND_TARGET))
    cases += [
        ("history", ["history", *on_book], COMMAND_TARGET),
        (f"metrics --as-of {as_of}", ["metrics", "--as-of", as_of, *on_book], COMMAND_TARGET),
        (
            f"metrics --by investor --as-of {as_of}",
            ["metrics", "--by", "investor", "--as-of", as_of, *on_book],
            COMMAND_TARGET,
        ),
        (
            f"metrics --by holding --as-of {as_of} --format json",
            ["metrics", "--by", "holding", "--as-of", as_of, "--format", "json", *on_book],
            COMMAND_TARGET,
        ),
        (f"compliance --as-of {as_of}", ["compliance", "--as-of", as_of, *on_book], COMMAND_TARGET),
        (
            f"trial-balance --as-of {as_of}",
            ["trial-balance", "--as-of", as_of, *on_book],
            COMMAND_TARGET,
        ),
        (
            f"balance-sheet --as-of {as_of}",
            ["balance-sheet", "--as-of", as_of, *on_book],
            COMMAND_TARGET,
        ),
        ("audit verify", ["audit", "verify", *on_book], COMMAND_TARGET),
    ]
    return cases


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(argv: list[str], runs: int) -> tuple[float, float]:
    """The median wall time and median CPU time (user + system) of `runs` runs of `argv`.
    The CPU time tells a busy machine from a slow command. (The exit code is not checked:
    a failing audit is still a timing.)"""
    walls, cpus = [], []
    for _ in range(runs):
        start, cpu = time.perf_counter(), _cpu()
        subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        walls.append(time.perf_counter() - start)
        cpus.append(_cpu() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="build/demo.duckdb")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--as-of", default=None, help="default: the latest close's period end")
    args = parser.parse_args()
    if not Path(args.db).exists():
        raise SystemExit(f"no book at {args.db}: run `make demo` first")
    script = Path(sys.executable).with_name("fundbook")  # the console script a user runs
    fundbook = [str(script)] if script.exists() else [sys.executable, "-m", "fundbook"]
    as_of = args.as_of or _last_close(fundbook, args.db)
    rows = [
        (label, *timed([*fundbook, *argv], args.runs), target)
        for label, argv, target in commands(args.db, as_of)
    ]
    width = max(len(label) for label, *_ in rows)
    print(f"{'command'.ljust(width)}  wall s  cpu s  target  ok")
    for label, seconds, cpu, target in rows:
        ok = "yes" if seconds <= target else "NO"
        print(f"{label.ljust(width)}  {seconds:6.3f}  {cpu:5.3f}  {target:6.1f}  {ok}")
    missed = sum(seconds > target for _, seconds, _, target in rows)
    print(f"median of {args.runs} run(s) each; {missed} over target (wall); load {_load()}")


def _load() -> str:
    try:
        return Path("/proc/loadavg").read_text(encoding="utf-8").split()[0]
    except OSError:
        return "unknown"


if __name__ == "__main__":
    main()

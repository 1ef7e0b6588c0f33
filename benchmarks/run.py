"""The benchmark suite (`make bench`): every case at 10k, 100k and 1M transactions, and the
dashboard of the demo book under load (`serve_load`, once).

Each run of a case is its own subprocess (benchmarks/cases.py), so its peak memory is its own.
Prints one table and writes benchmarks/results/latest.json (machine, versions, date, cases).
Ratios are the results; absolute times on a shared machine are noise-prone.

    uv run --frozen python benchmarks/run.py [--runs N] [--sizes 10000,100000] [--scale]
                                             [--shape many-small] [--profile] [--out FILE]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
from table import derived, render_table

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
SIZES = (10_000, 100_000, 1_000_000)
SCALE_SIZE = 10_000_000
CASES = (
    "synth",
    "import",
    "metrics",
    "close",
    "close_without_analytics",
    "xirr_fundbook",
    "xirr_pyxirr",
    "xirr_pandas",
    "figures_fundbook",
    "figures_pandas",
    "reports_html",
    "reports_pdf",
    "serve_load",
)
# Cases of the demo book, run once per suite (not per size): the dashboard under load.
DEMO_CASES = ("serve_load",)
SERVE_CLIENTS, SERVE_SECONDS = 50, 20
SCALE_CASES = ("synth", "import", "metrics", "close", "xirr_fundbook", "xirr_pyxirr")
PROFILED = ("import", "close", "metrics", "reports_html")
PACKAGES = (
    "duckdb",
    "polars",
    "pyarrow",
    "numpy",
    "pyxirr",
    "pandas",
    "scipy",
    "jinja2",
    "weasyprint",
    "fundbook",
)
XIRR_TOL = 1e-9
MEMORY_LIMIT_GIB = float(os.environ.get("BENCH_MEMORY_LIMIT_GIB", "18"))


def machine() -> dict[str, Any]:
    """What the numbers were measured on."""
    info: dict[str, Any] = {
        "platform": platform.platform(),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
    }
    try:
        cpu = Path("/proc/cpuinfo").read_text()
        info["cpu"] = next(
            line.split(":", 1)[1].strip()
            for line in cpu.splitlines()
            if line.startswith("model name")
        )
        mem = Path("/proc/meminfo").read_text().split()
        info["memory_gib"] = round(int(mem[mem.index("MemTotal:") + 1]) / 2**20, 1)
        info["load_average"] = [round(x, 2) for x in os.getloadavg()]
    except (OSError, StopIteration, ValueError):
        pass
    return info


def versions() -> dict[str, str]:
    out = {}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "absent"
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            cwd=HERE,
            check=True,
        ).stdout.strip()
        out["git_commit"] = commit
    except (OSError, subprocess.CalledProcessError):
        pass
    return out


def run_case(
    case: str, work: Path, size: int, runs: int, profile: Path | None, shape: str = "default"
) -> dict[str, Any]:
    """`runs` timed runs of a case (each in a subprocess), then one profiled run if asked."""
    cmd = [sys.executable, str(HERE / "cases.py"), case, "--work", str(work), "--size", str(size)]
    cmd += ["--shape", shape]
    done: list[dict[str, Any]] = []
    error = None
    for _ in range(runs):
        code, out, err = run_guarded(cmd)
        if code != 0:
            error = err
            break
        done.append(json.loads(out.strip().splitlines()[-1]))
    if profile and not error:
        run_guarded([*cmd, "--profile", str(profile)])
    return summarise(case, size, done, error)


def run_guarded(cmd: list[str]) -> tuple[int, str, str]:
    """Run a case; stop it if its memory passes MEMORY_LIMIT_GIB (the machine is shared)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, text=True)
        peak = 0.0
        while True:
            try:
                code = proc.wait(timeout=0.5)
                break
            except subprocess.TimeoutExpired:
                peak = max(peak, _rss_gib(proc.pid))
                if peak > MEMORY_LIMIT_GIB:
                    proc.kill()
                    proc.wait()
                    return 1, "", f"stopped: memory passed {MEMORY_LIMIT_GIB} GiB"
        out.seek(0)
        err.seek(0)
        lines = err.read().strip().splitlines()
        return code, out.read(), (lines or ["failed"])[-1]


def _rss_gib(pid: int) -> float:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 2**20
    return 0.0


def summarise(
    case: str, size: int, done: list[dict[str, Any]], error: str | None
) -> dict[str, Any]:
    out: dict[str, Any] = {"case": case, "size": size, "runs": len(done)}
    if done:
        seconds = [d["seconds"] for d in done]
        median = statistics.median(seconds)
        out |= {
            "seconds": [round(s, 4) for s in seconds],
            "median_s": round(median, 4),
            "min_s": round(min(seconds), 4),
            "max_s": round(max(seconds), 4),
            "spread_pct": round(100 * (max(seconds) - min(seconds)) / median, 1),
            "peak_rss_mib": round(max(d["peak_rss_mib"] for d in done), 1),
            "info": done[-1]["info"],
        }
    if error:
        out["error"] = error
    return out


def compare_xirr(work: Path) -> dict[str, Any]:
    """Do the three engines give the same rates (to 1e-9, and undefined alike)?"""
    rates = {
        e: np.load(work / f"xirr-{e}.npy")
        for e in ("fundbook", "pyxirr", "pandas")
        if (work / f"xirr-{e}.npy").exists()
    }
    out: dict[str, Any] = {}
    base = rates.get("fundbook")
    for engine, other in rates.items():
        if engine == "fundbook" or base is None or other.size != base.size:
            continue
        both = np.isfinite(base) & np.isfinite(other)
        diff = np.abs(base[both] - other[both])
        out[engine] = {
            "holdings": int(base.size),
            "agree": int(
                (diff <= XIRR_TOL).sum() + (~np.isfinite(base) & ~np.isfinite(other)).sum()
            ),
            "differ": int((diff > XIRR_TOL).sum()),
            "defined_only_in_fundbook": int((np.isfinite(base) & ~np.isfinite(other)).sum()),
            "defined_only_in_other": int((~np.isfinite(base) & np.isfinite(other)).sum()),
            "max_abs_diff": float(diff.max()) if diff.size else 0.0,
        }
    return out


def run_serve_load(work: Path) -> dict[str, Any]:
    """The dashboard of the demo book under load (benchmarks/serve_load.py), once."""
    cmd = [sys.executable, str(HERE / "serve_load.py"), "--work", str(work)]
    cmd += ["--clients", str(SERVE_CLIENTS), "--seconds", str(SERVE_SECONDS)]
    print(f"  {'demo':>10}  {'serve_load':<17}", end="", flush=True, file=sys.stderr)
    code, out, err = run_guarded(cmd)
    out_row: dict[str, Any] = {"case": "serve_load", "size": 0, "runs": 0}
    if code != 0:
        print(f" FAILED {err}", file=sys.stderr)
        return out_row | {"error": err}
    info = json.loads(out.strip().splitlines()[-1])
    print(f" p95 {info['p95_ms']} ms, {info['errors']} errors", file=sys.stderr)
    return out_row | {"runs": 1, "info": info}


def run_size(
    size: int,
    cases: tuple[str, ...],
    runs: int,
    profile_dir: Path | None,
    work: Path,
    shape: str = "default",
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    work.mkdir(parents=True, exist_ok=True)
    results = []
    for case in cases:
        n = 1 if size >= SCALE_SIZE else runs
        profiled = profile_dir and case in PROFILED and size >= 1_000_000
        profile = profile_dir / f"{case}-{shape}-{size}.txt" if profiled else None
        print(f"  {size:>10,}  {case:<17}", end="", flush=True, file=sys.stderr)
        res = run_case(case, work, size, n, profile, shape)
        print(
            f" {res.get('median_s', float('nan')):8.3f} s  {res.get('error', '')}", file=sys.stderr
        )
        results.append(res)
    return results, compare_xirr(work)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=3, help="timed runs per case (default 3)")
    parser.add_argument(
        "--sizes",
        default=",".join(map(str, SIZES)),
        help="comma-separated book sizes in transactions ('' for none)",
    )
    parser.add_argument("--cases", default=",".join(CASES), help="comma-separated cases")
    parser.add_argument(
        "--scale",
        action="store_true",
        help=f"also a {SCALE_SIZE:,}-transaction book (one run; slow)",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="one extra pyinstrument run of import/close/metrics/reports",
    )
    parser.add_argument(
        "--shape",
        default="default",
        help="book shape (`fundbook synth --shape`): default, or many-small (~2,600 sub-funds "
        "of ~25 LPs and ~25 holdings at 1M transactions)",
    )
    parser.add_argument("--out", type=Path, default=RESULTS / "latest.json")
    parser.add_argument("--keep", action="store_true", help="keep the generated books")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    cases = tuple(c for c in args.cases.split(",") if c)
    plan = [(s, cases) for s in sizes]
    if args.scale:
        plan.append((SCALE_SIZE, tuple(c for c in SCALE_CASES if c in cases)))
    tmp = RESULTS / "tmp"
    tmp.mkdir(parents=True, exist_ok=True)
    profile_dir = RESULTS / "tmp" / "profiles" if args.profile else None
    if profile_dir:
        profile_dir.mkdir(exist_ok=True)
    started = dt.datetime.now(dt.UTC)
    report: dict[str, Any] = {
        "date": started.isoformat(timespec="seconds"),
        "machine": machine(),
        "versions": versions(),
        "runs": args.runs,
        "shape": args.shape,
        "cases": [],
        "xirr_agreement": {},
    }
    for size, size_cases in plan:
        size_cases = tuple(c for c in size_cases if c not in DEMO_CASES)
        if not size_cases:
            continue
        work = Path(tempfile.mkdtemp(prefix=f"bench-{size}-", dir=tmp))
        try:
            results, agreement = run_size(
                size, size_cases, args.runs, profile_dir, work, args.shape
            )
        finally:
            if not args.keep:
                shutil.rmtree(work, ignore_errors=True)
        report["cases"] += results
        report["xirr_agreement"][str(size)] = agreement
    if "serve_load" in cases:
        work = Path(tempfile.mkdtemp(prefix="bench-demo-", dir=tmp))
        try:
            report["cases"].append(run_serve_load(work))
        finally:
            if not args.keep:
                shutil.rmtree(work, ignore_errors=True)
    report["seconds_total"] = round((dt.datetime.now(dt.UTC) - started).total_seconds(), 1)
    report |= derived(report)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(render_table(report))
    print(f"\nwritten: {args.out}")


if __name__ == "__main__":
    main()

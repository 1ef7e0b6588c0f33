"""Ratios, growth and targets derived from the benchmark cases, and the one printed table."""

from __future__ import annotations

import math
from typing import Any

TARGET_SIZE = 1_000_000
SCALE_SIZE = 10_000_000
GROWTH_CASES = ("synth", "import", "metrics", "close", "xirr_fundbook")


def _by(report: dict[str, Any]) -> dict[tuple[str, int], dict[str, Any]]:
    return {(c["case"], c["size"]): c for c in report["cases"] if "median_s" in c}


def transactions(report: dict[str, Any], size: int) -> int:
    """The transactions the synthetic book of `size` really has."""
    synth = _by(report).get(("synth", size))
    return int(synth["info"]["rows"]["transactions"]) if synth else size


def ratios(report: dict[str, Any]) -> dict[str, dict[str, float]]:
    """Per size: how many times slower the baselines are than fundbook."""
    by = _by(report)
    out: dict[str, dict[str, float]] = {}
    for size in sorted({c["size"] for c in report["cases"]}):
        row = {}
        for name, slow, fast in (
            ("xirr_pandas_over_fundbook", "xirr_pandas", "xirr_fundbook"),
            ("xirr_pyxirr_over_fundbook", "xirr_pyxirr", "xirr_fundbook"),
            ("figures_pandas_over_fundbook", "figures_pandas", "figures_fundbook"),
        ):
            if (slow, size) in by and (fast, size) in by:
                row[name] = round(by[slow, size]["median_s"] / by[fast, size]["median_s"], 2)
        out[str(size)] = row
    return out


def growth(report: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Time and memory from one size to the next; exponent 1.0 = linear in transactions."""
    by = _by(report)
    sizes = sorted({c["size"] for c in report["cases"]})
    out: dict[str, list[dict[str, Any]]] = {}
    for case in GROWTH_CASES:
        steps = []
        for a, b in zip(sizes, sizes[1:], strict=False):
            if (case, a) in by and (case, b) in by:
                n = transactions(report, b) / transactions(report, a)
                t = by[case, b]["median_s"] / by[case, a]["median_s"]
                steps.append(
                    {
                        "from": a,
                        "to": b,
                        "transactions_x": round(n, 2),
                        "time_x": round(t, 2),
                        "memory_x": round(
                            by[case, b]["peak_rss_mib"] / by[case, a]["peak_rss_mib"], 2
                        ),
                        "exponent": round(math.log(t) / math.log(n), 2),
                    }
                )
        if steps:
            out[case] = steps
    return out


def targets(report: dict[str, Any]) -> list[dict[str, Any]]:
    """The issue's targets at 1M transactions (and 10M), each with its measured figure."""
    by, r = _by(report), ratios(report).get(str(TARGET_SIZE), {})
    checks: list[tuple[str, float | None, str, float]] = [
        ("import 1M, seconds", _get(by, "import", "median_s"), "<=", 2.0),
        ("close 1M, seconds", _get(by, "close", "median_s"), "<=", 2.0),
        ("import 1M, peak MiB", _get(by, "import", "peak_rss_mib"), "<=", 1536.0),
        ("close 1M, peak MiB", _get(by, "close", "peak_rss_mib"), "<=", 1536.0),
        ("close 1M, % added by PME and the forecast", _added(by), "<=", 10.0),
        ("close 10M, seconds", _get(by, "close", "median_s", SCALE_SIZE), "<=", 90.0),
        ("close 10M, peak MiB", _get(by, "close", "peak_rss_mib", SCALE_SIZE), "<=", 8192.0),
        ("XIRR: pandas / fundbook", r.get("xirr_pandas_over_fundbook"), ">=", 50.0),
        ("XIRR: pyxirr loop / fundbook", r.get("xirr_pyxirr_over_fundbook"), ">=", 1.0),
        ("100 LP reports to HTML, seconds", _get(by, "reports_html", "median_s"), "<=", 5.0),
        ("dashboard under load, p95 ms", _serve(report, "p95_ms"), "<=", 200.0),
        ("dashboard under load, errors", _serve(report, "errors"), "<=", 0.0),
    ]
    out = []
    for name, value, op, limit in checks:
        met = None if value is None else (value <= limit if op == "<=" else value >= limit)
        out.append({"target": f"{name} {op} {limit:g}", "value": value, "met": met})
    pdf = _get(by, "reports_pdf", "median_s")
    if pdf:
        out.append(
            {
                "target": "PDF reports per second per core (reported)",
                "value": round(10 / pdf, 3),
                "met": None,
            }
        )
    return out


def _added(by: dict[tuple[str, int], dict[str, Any]]) -> float | None:
    """What PME and the forecast add to the close at 1M, % (`close` over
    `close_without_analytics`, medians)."""
    full, without = _get(by, "close", "median_s"), _get(by, "close_without_analytics", "median_s")
    return None if not full or not without else round(100 * (full / without - 1), 1)


def _get(
    by: dict[tuple[str, int], dict[str, Any]], case: str, key: str, size: int = 0
) -> float | None:
    row = by.get((case, size or TARGET_SIZE))
    return None if row is None else float(row[key])


def _serve(report: dict[str, Any], key: str) -> float | None:
    """A figure of the `serve_load` case (the demo book's dashboard under load)."""
    row = next((c for c in report["cases"] if c["case"] == "serve_load" and "info" in c), None)
    return None if row is None or row["info"].get(key) is None else float(row["info"][key])


def derived(report: dict[str, Any]) -> dict[str, Any]:
    return {"ratios": ratios(report), "growth": growth(report), "targets": targets(report)}


def render_table(report: dict[str, Any]) -> str:
    """The table `make bench` prints."""
    head = (
        f"{'case':<17} {'size':>10} {'transactions':>12} {'median s':>9} {'min-max s':>17} "
        f"{'spread':>7} {'peak MiB':>9}  note"
    )
    lines = [f"book shape: {report.get('shape', 'default')}", head, "-" * len(head)]
    ratio = ratios(report)
    for c in report["cases"]:
        if c["case"] == "serve_load" and "info" in c:
            continue  # its own lines below
        if "median_s" not in c:
            lines.append(f"{c['case']:<17} {c['size']:>10,}   FAILED: {c.get('error', '')}")
            continue
        note = _note(c, ratio.get(str(c["size"]), {}))
        lines.append(
            f"{c['case']:<17} {c['size']:>10,} {transactions(report, c['size']):>12,} "
            f"{c['median_s']:>9.3f} {c['min_s']:>8.3f}-{c['max_s']:<8.3f} "
            f"{c['spread_pct']:>6.1f}% {c['peak_rss_mib']:>9.0f}  {note}"
        )
    for c in report["cases"]:
        if c["case"] == "serve_load" and "info" in c:
            i = c["info"]
            lines += [
                "",
                f"Dashboard under load (demo book, {i['clients']} clients, {i['seconds']} s, "
                f"{i['pages_in_mix']} staff pages):",
                f"  {i['requests']:,} requests ({i['requests_per_s']}/s), page time p50 "
                f"{i['p50_ms']} ms, p95 {i['p95_ms']} ms, p99 {i['p99_ms']} ms, max "
                f"{i['max_ms']} ms; {i['errors']} errors; server CPU "
                f"{i['server_cpu_ms_per_request']} ms a request; load average "
                f"{i['load_average'][0]}",
            ]
    lines += ["", "XIRR agreement with fundbook (|diff| <= 1e-9, undefined alike):"]
    for size, engines in report.get("xirr_agreement", {}).items():
        for engine, a in engines.items():
            lines.append(
                f"  {int(size):>10,} {engine:<7} {a['agree']:,}/{a['holdings']:,} agree"
                f"; differ {a['differ']}, only fundbook defined "
                f"{a['defined_only_in_fundbook']}, only {engine} defined "
                f"{a['defined_only_in_other']}; max diff {a['max_abs_diff']:.1e}"
            )
    lines += ["", "Growth (exponent 1.0 = time linear in transactions):"]
    for case, steps in growth(report).items():
        parts = [
            f"{s['from']:,}->{s['to']:,}: time x{s['time_x']} (exp {s['exponent']}), "
            f"memory x{s['memory_x']}"
            for s in steps
        ]
        lines.append(f"  {case:<15} " + "; ".join(parts))
    lines += ["", "Targets (1M transactions; the dashboard: the demo book):"]
    for t in targets(report):
        mark = {True: "met", False: "MISSED", None: "-"}[t["met"]]
        lines.append(f"  {t['target']:<45} {t['value']!s:>10}  {mark}")
    return "\n".join(lines)


def _note(case: dict[str, Any], ratio: dict[str, float]) -> str:
    if case["case"] == "xirr_pandas" and "xirr_pandas_over_fundbook" in ratio:
        return f"{ratio['xirr_pandas_over_fundbook']}x fundbook's time"
    if case["case"] == "xirr_pyxirr" and "xirr_pyxirr_over_fundbook" in ratio:
        return f"{ratio['xirr_pyxirr_over_fundbook']}x fundbook's time"
    if case["case"] == "figures_pandas" and "figures_pandas_over_fundbook" in ratio:
        return f"{ratio['figures_pandas_over_fundbook']}x fundbook's time"
    info = case.get("info", {})
    for key in ("holdings", "reports", "figures", "postings"):
        if key in info:
            return f"{info[key]:,} {key}"
    return ""

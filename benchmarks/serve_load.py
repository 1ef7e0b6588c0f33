"""The dashboard under load: the demo book served by `fundbook serve` on the loopback, 50
concurrent clients asking staff pages for 20 s (asyncio streams), page times and errors.

Run by benchmarks/run.py (case `serve_load`, once per run of the suite, not per book size):
    python benchmarks/serve_load.py --work DIR [--clients 50] [--seconds 20]
Set-up (untimed): close the demo ledger's 2026-09 into DIR, issue a staff token, start the
server in its own process on a free loopback port, walk the staff pages once from the overview
(the mix: the top pages, every fund, some partners, notices and explain pages), and ask each
once so that the closed period's pages are rendered before the clock starts. Then each client
asks the mix in its own order, one page after another without pause, until the time is up; a
page's time is from the request sent to its body read (httpx only for the set-up). Errors:
any answer but 200, or none.
Prints one JSON line (requests, rate, p50/p95/p99/max in ms, errors, the slowest pages).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import httpx

HOST = "127.0.0.1"  # the loopback only: nothing of this bench leaves the machine
PERIOD = "2026-09"
# Pages of the mix, beyond the top pages and every fund: at most these many per kind.
PARTNERS_PER_FUND = 2
NOTICES = 10
EXPLAINS = 20
NOT_PAGES = ("/download/", "/data/", "/logout", "/static/", "/login")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def demo_book(work: Path) -> tuple[Path, str]:
    """The demo ledger closed at 2026-09 into `work`, and a staff token."""
    from fundbook.close.closing import close_period
    from fundbook.demo import DEMO_LEDGER
    from fundbook.store.db import open_book
    from fundbook.store.tokens import issue_token

    db = work / "demo.duckdb"
    db.unlink(missing_ok=True)
    close_period(db, PERIOD, ledger_dir=str(DEMO_LEDGER))
    with open_book(db) as con:
        token = issue_token(con, label="bench").token
    return db, token


def serve(db: Path, work: Path, port: int) -> subprocess.Popen[bytes]:
    """`fundbook serve` of `db` in its own process; returns once it answers."""
    cmd = [sys.executable, "-m", "fundbook", "serve", "--db", str(db), "--host", HOST]
    cmd += ["--port", str(port), "--cache-dir", str(work / "web-cache")]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"fundbook serve stopped: {proc.stderr.read().decode()[-500:]}")
        try:
            httpx.get(f"http://{HOST}:{port}/login", timeout=2)
            return proc
        except httpx.TransportError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("fundbook serve did not answer within 60 s")


def page_mix(client: httpx.Client) -> list[str]:
    """The staff pages reached from the overview, bounded per kind (see the module's note)."""
    todo, seen, mix = ["/"], {"/"}, []
    per_fund: dict[str, int] = defaultdict(int)
    notices = 0
    explains: list[str] = []
    while todo:
        path = todo.pop(0)
        mix.append(path)
        text = client.get(path).text
        for href in re.findall(r'href="([^"#]+)"', text):
            href = href.replace("&amp;", "&")
            if not href.startswith("/") or href.startswith(NOT_PAGES) or href in seen:
                continue
            seen.add(href)
            parts = href.split("?")[0].strip("/").split("/")
            if href.startswith("/explain"):
                if len(explains) < EXPLAINS and not any(
                    e.split("&")[:2] == href.split("&")[:2] for e in explains
                ):
                    explains.append(href)
                continue
            if len(parts) == 4:  # a partner in a fund
                if per_fund[parts[1]] >= PARTNERS_PER_FUND:
                    continue
                per_fund[parts[1]] += 1
            if len(parts) == 6:  # a notice
                if notices >= NOTICES:
                    continue
                notices += 1
            todo.append(href)
    for path in explains:
        client.get(path)
    return mix + explains


async def load(
    port: int, token: str, mix: list[str], clients: int, seconds: float
) -> tuple[list[tuple[str, float]], list[str]]:
    """`clients` clients asking the mix for `seconds`: (path, seconds) of each page, errors.
    Each client keeps one HTTP/1.1 connection (plain asyncio streams: a client costs the
    machine far less than an HTTP library would, and the machine is the server's too)."""
    times: list[tuple[str, float]] = []
    errors: list[str] = []
    stop = time.monotonic() + seconds
    head = f"Host: {HOST}:{port}\r\nAuthorization: Bearer {token}\r\n\r\n"

    async def one(n: int) -> None:
        i = n * len(mix) // clients  # each client starts elsewhere in the mix
        reader, writer = await asyncio.open_connection(HOST, port)
        try:
            while time.monotonic() < stop:
                path = mix[i % len(mix)]
                i += 1
                start = time.perf_counter()
                try:
                    writer.write(f"GET {path} HTTP/1.1\r\n{head}".encode())
                    status, length = _head(await reader.readuntil(b"\r\n\r\n"))
                    await reader.readexactly(length)
                except (OSError, ValueError, asyncio.IncompleteReadError) as exc:
                    errors.append(f"{path}: {type(exc).__name__}")
                    writer.close()
                    reader, writer = await asyncio.open_connection(HOST, port)
                    continue
                times.append((path, time.perf_counter() - start))
                if status != 200:
                    errors.append(f"{path}: {status}")
        finally:
            writer.close()

    await asyncio.gather(*(one(n) for n in range(clients)))
    return times, errors


def _head(raw: bytes) -> tuple[int, int]:
    """The status and content length of a response's head (ValueError without a length)."""
    lines = raw.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            return status, int(value)
    raise ValueError("no content-length")


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) a process has used so far, from /proc (0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20.0)
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    db, token = demo_book(args.work)
    port = free_port()
    base = f"http://{HOST}:{port}"
    server = serve(db, args.work, port)
    try:
        headers = {"authorization": f"Bearer {token}"}
        with httpx.Client(base_url=base, headers=headers, timeout=120) as client:
            warm = time.perf_counter()
            mix = page_mix(client)  # each page asked once: rendered before the clock starts
            warm_s = time.perf_counter() - warm
        server_cpu = cpu_seconds(server.pid)
        client_cpu = time.process_time()
        started = time.perf_counter()
        times, errors = asyncio.run(load(port, token, mix, args.clients, args.seconds))
        wall = time.perf_counter() - started
        server_cpu = cpu_seconds(server.pid) - server_cpu
        client_cpu = time.process_time() - client_cpu
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
    ms = [t * 1000 for _, t in times]
    by_page: dict[str, list[float]] = defaultdict(list)
    for path, t in times:
        by_page[path].append(t * 1000)
    slowest = sorted(by_page.items(), key=lambda kv: -statistics.median(kv[1]))[:5]
    info: dict[str, Any] = {
        "clients": args.clients,
        "seconds": round(wall, 1),
        "pages_in_mix": len(mix),
        "warm_up_s": round(warm_s, 1),
        "requests": len(times),
        "requests_per_s": round(len(times) / wall, 1),
        "p50_ms": round(percentile(ms, 50), 1) if ms else None,
        "p95_ms": round(percentile(ms, 95), 1) if ms else None,
        "p99_ms": round(percentile(ms, 99), 1) if ms else None,
        "max_ms": round(max(ms), 1) if ms else None,
        "server_cpu_ms_per_request": round(1000 * server_cpu / max(len(times), 1), 2),
        "client_cpu_ms_per_request": round(1000 * client_cpu / max(len(times), 1), 2),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "errors": len(errors),
        "first_errors": errors[:5],
        "slowest_pages_median_ms": {p: round(statistics.median(v), 1) for p, v in slowest},
    }
    print(json.dumps(info))


if __name__ == "__main__":
    main()

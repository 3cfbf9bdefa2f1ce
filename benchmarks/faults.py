"""Faults under load: kill -9 an engine, kill -9 a gateway and restart it, restart PostgreSQL (goal: 0 lost, 0 doubled).

Production mode with two engine processes and two gateway processes, LINE messages at a steady rate
sent to both gateways in turn (a round-robin balancer; LINE redelivers what was not acknowledged).
During the run: an engine process is killed with SIGKILL and started again (as systemd would), a
gateway process likewise, then PostgreSQL is restarted. Afterwards every message is traced to the
replies LINE accepted (benchmarks/load.py `tally`). Restarting PostgreSQL needs pg_ctlcluster (root).
Run: .venv/bin/python benchmarks/faults.py [--rate 20] [--duration 150]
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.load import LineSender, Replies, calm_messages, machine, open_loop, percentile, tally  # noqa: E402
from tests.fakes.line_platform import FakeLinePlatform  # noqa: E402
from tests.support.cluster import TOKEN, start_cluster  # noqa: E402
from tests.support.processes import Process  # noqa: E402


def restart_postgresql() -> None:
    versions = sorted(p.name for p in Path("/etc/postgresql").iterdir())
    for version in versions:
        subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"], check=True,
                       capture_output=True)


async def kill_and_restart(process: Process, pause: float) -> float:
    """SIGKILL, then start again after `pause` s; the seconds until it answers its health check."""
    started = time.perf_counter()
    process.stop(kill=True)
    await asyncio.sleep(pause)
    await asyncio.to_thread(process.start)
    return time.perf_counter() - started


async def faults(cluster, schedule: list[tuple[float, str]], log: list[tuple[str, float, float]]) -> None:
    began = time.perf_counter()
    for at, fault in schedule:
        await asyncio.sleep(max(0.0, began + at - time.perf_counter()))
        if fault == "kill -9 engine 1, restarted":
            took = await kill_and_restart(cluster.engines[0], 1.0)
        elif fault == "kill -9 gateway 1, restarted":
            took = await kill_and_restart(cluster.gateways[0], 1.0)
        else:
            started = time.perf_counter()
            await asyncio.to_thread(restart_postgresql)
            took = time.perf_counter() - started
        log.append((fault, at, took))


async def run(args: argparse.Namespace, line: FakeLinePlatform, cluster) -> tuple:
    messages = calm_messages(cluster.engine_urls[0], TOKEN, 300)
    d = args.duration
    schedule = [(0.2 * d, "kill -9 engine 1, restarted"), (0.45 * d, "kill -9 gateway 1, restarted"),
                (0.7 * d, "restart PostgreSQL")]
    log: list[tuple[str, float, float]] = []
    async with httpx.AsyncClient(timeout=10) as client:
        sender = LineSender(line, cluster.gateway_urls, client, Replies(asyncio.get_running_loop(), line))
        result, _ = await asyncio.gather(open_loop(line, sender, messages, args.rate, d, args.workers),
                                         faults(cluster, schedule, log))
    return result, log, sender.redeliveries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=20.0, help="messages per second")
    parser.add_argument("--duration", type=float, default=150.0, help="seconds of sending")
    parser.add_argument("--workers", type=int, default=300)
    args = parser.parse_args()
    with FakeLinePlatform(check_schemas=False) as line, tempfile.TemporaryDirectory() as work:
        cluster = start_cluster(Path(work), line=line, engines=2, gateways=2)
        try:
            result, log, redeliveries = asyncio.run(run(args, line, cluster))
            counted = tally(cluster.gateway_database_url, line, result.event_ids)
            reports = [httpx.get(f"{url}/webhooks/stores/health").json() for url in cluster.engine_urls]
        finally:
            cluster.close()
    print(f"machine: {machine()}")
    print(f"faults: {args.rate:g} LINE messages/s for {args.duration:g} s from {args.workers} workers; "
          "2 engine processes, 2 gateway processes, PostgreSQL + Redis")
    print("| fault | at s | back after s |")
    print("|---|---|---|")
    for fault, at, took in log:
        print(f"| {fault} | {at:.0f} | {took:.1f} |")
    print()
    lat = result.latencies
    print("| sent | answered once | lost | duplicated | redelivered webhooks | p50 ms | p99 ms | max ms |")
    print("|---|---|---|---|---|---|---|---|")
    print(f"| {counted.sent} | {counted.answered} | {counted.lost} | {counted.duplicated} | {redeliveries} | "
          f"{percentile(lat, 50):.0f} | {percentile(lat, 99):.0f} | {max(lat, default=0):.0f} |")
    fallbacks = sum(r.get("fallbacks", 0) for r in reports)
    print(f"tracker-store fall-backs to memory reported by the engines (restarted engine counts from its start): "
          f"{fallbacks}")
    print(f"goal (0 lost, 0 duplicated): {'met' if counted.lost == 0 and counted.duplicated == 0 else 'NOT met'}")


if __name__ == "__main__":
    main()

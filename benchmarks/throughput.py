"""Sustained throughput with one engine process (goal: >= 50 messages/s for 5 minutes, nothing lost).

Production mode: PostgreSQL, Redis, one engine process, one gateway process, the action server, all
on this machine with the load generator and the LINE fake. Workers send LINE messages at a fixed
rate (open loop: new messages keep coming whether or not answers do); afterwards every message is
traced to the replies LINE accepted (benchmarks/load.py `tally`). Prints the answers per minute,
latency, CPU time per message of each process, and each process's resident memory after the run.
Run: .venv/bin/python benchmarks/throughput.py [--rate 50] [--duration 300]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.load import (  # noqa: E402
    LineSender, Replies, calm_messages, cpu_seconds, machine, open_loop, percentile, pids_of, resident_mib, tally,
    total_cpu_seconds)
from tests.fakes.line_platform import FakeLinePlatform  # noqa: E402
from tests.support.cluster import TOKEN, start_cluster  # noqa: E402


async def run(args: argparse.Namespace, line: FakeLinePlatform, cluster) -> tuple:
    messages = calm_messages(cluster.engine_urls[0], TOKEN, 300)
    processes = {"gateway": cluster.gateways[0], "engine": cluster.engines[0], "action server": cluster.actions}
    others = {"PostgreSQL (all its processes)": pids_of("postgres"), "Redis": pids_of("redis-server"),
              "load generator and fakes (this process)": [os.getpid()]}
    before = {name: cpu_seconds(p.pid) for name, p in processes.items()}
    before |= {name: total_cpu_seconds(pids) for name, pids in others.items()}
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=50)
    async with httpx.AsyncClient(timeout=10, limits=limits) as client:
        sender = LineSender(line, cluster.gateway_urls, client, Replies(asyncio.get_running_loop(), line))
        result = await open_loop(line, sender, messages, args.rate, args.duration, args.workers)
    cpu = {name: cpu_seconds(p.pid) - before[name] for name, p in processes.items()}
    cpu |= {name: total_cpu_seconds(pids) - before[name] for name, pids in others.items()}
    memory = {name: resident_mib(p.pid) for name, p in processes.items()}
    memory["Redis"] = sum(resident_mib(pid) for pid in others["Redis"])
    return result, cpu, memory, sender.redeliveries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=50.0, help="messages per second")
    parser.add_argument("--duration", type=float, default=300.0, help="seconds of sending")
    parser.add_argument("--workers", type=int, default=3000,
                        help="workers taking turns: each writes every workers/rate seconds")
    args = parser.parse_args()
    with FakeLinePlatform(check_schemas=False) as line, tempfile.TemporaryDirectory() as work:
        cluster = start_cluster(Path(work), line=line, engines=1, gateways=1)
        try:
            result, cpu, memory, redeliveries = asyncio.run(run(args, line, cluster))
            counted = tally(cluster.gateway_database_url, line, result.event_ids)
        finally:
            cluster.close()
    sent = len(result.event_ids)
    print(f"machine: {machine()}")
    print(f"throughput: {args.rate:g} messages/s offered for {args.duration:g} s by {args.workers} LINE workers; "
          "1 engine process, 1 gateway process, PostgreSQL + Redis, load generator on the same 2 cores")
    print("| minute | answers | answers/s |")
    print("|---|---|---|")
    minutes = int((max(result.answered_at, default=result.started) - result.started) // 60) + 1
    for minute in range(minutes):
        n = sum(1 for at in result.answered_at if minute * 60 <= at - result.started < (minute + 1) * 60)
        print(f"| {minute + 1} | {n} | {n / 60:.1f} |")
    print()
    print("| sent | answered once | lost | duplicated | redelivered webhooks | p50 ms | p95 ms | p99 ms | max ms |")
    print("|---|---|---|---|---|---|---|---|---|")
    lat = result.latencies
    print(f"| {sent} | {counted.answered} | {counted.lost} | {counted.duplicated} | {redeliveries} | "
          f"{percentile(lat, 50):.0f} | {percentile(lat, 95):.0f} | {percentile(lat, 99):.0f} | "
          f"{max(lat, default=0):.0f} |")
    print()
    print("| process | CPU s | CPU ms per message | resident MiB after the run |")
    print("|---|---|---|---|")
    for name in cpu:
        resident = f"{memory[name]:.0f}" if name in memory else "-"
        print(f"| {name} | {cpu[name]:.1f} | {cpu[name] / max(sent, 1) * 1000:.1f} | {resident} |")
    # Sustained: nothing lost or doubled, and every message's first reply came by its reply token (in
    # less than LINE's minute) with p99 under 10 s: the line of waiting messages did not grow.
    sustained = (counted.lost == 0 and counted.duplicated == 0 and result.unanswered == 0
                 and percentile(lat, 99) < 10_000)
    print(f"goal (>= 50 messages/s for 5 minutes, none lost): "
          f"{'met' if sustained and args.rate >= 50 and args.duration >= 300 else 'NOT met'} at {args.rate:g}/s")


if __name__ == "__main__":
    main()

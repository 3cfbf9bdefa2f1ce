"""How fast the gateway acknowledges LINE webhooks while the engine is down (goal: p99 <= 50 ms).

Starts the gateway with the engine unreachable, once with the SQLite store (as `make run` does) and
once with PostgreSQL (production), sends signed LINE webhooks from a fake LINE platform and prints
the acknowledgement latency percentiles: one after another; at the rate the system is built for
(--rate, the throughput goal, 50/s: open loop, timed from when each webhook was due, so a late
sender counts against the gateway); and from several senders at once, each sending its next webhook
as soon as the last is answered (a saturation test: several times the rate; shown, not judged).
Each webhook comes from a new worker; the processor, in the same process, takes up to 32 of them at
a time (bot/processor.py MAX_PARALLEL), finds the engine down and sends each a "one moment" note
after a few seconds; the others wait their turn.
Run: .venv/bin/python benchmarks/webhook_ack.py [--events N] [--rate R]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.load import machine, percentile  # noqa: E402
from tests.fakes.line_platform import FakeLinePlatform  # noqa: E402
from tests.support.cluster import create_database, database_url, drop_database  # noqa: E402
from tests.support.processes import ENV, Process, free_port  # noqa: E402


def send(client: httpx.Client, line: FakeLinePlatform, url: str) -> float:
    body = line.webhook_body([line.text_event(line.new_user_id(), "my salary was not paid")])
    headers = {"Content-Type": "application/json", "X-Line-Signature": line.sign(body)}
    started = time.perf_counter()
    response = client.post(url, content=body, headers=headers)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise RuntimeError(f"webhook answered {response.status_code}")
    return elapsed


async def open_loop(line: FakeLinePlatform, url: str, events: int, rate: float) -> list[float]:
    """Webhooks due every 1/rate s whatever the answers do; each timed from when it was due."""
    bodies = [line.webhook_body([line.text_event(line.new_user_id(), "my salary was not paid")])
              for _ in range(events)]
    async with httpx.AsyncClient(timeout=10, limits=httpx.Limits(max_connections=64)) as client:
        async def one(body: bytes, due: float) -> float:
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            headers = {"Content-Type": "application/json", "X-Line-Signature": line.sign(body)}
            response = await client.post(url, content=body, headers=headers)
            if response.status_code != 200:
                raise RuntimeError(f"webhook answered {response.status_code}")
            return (time.perf_counter() - due) * 1000
        start = time.perf_counter() + 0.5
        return list(await asyncio.gather(*(one(body, start + n / rate) for n, body in enumerate(bodies))))


def row(name: str, values: list[float]) -> str:
    return (f"| {name} | {len(values)} | {statistics.median(values):.1f} | {percentile(values, 95):.1f} | "
            f"{percentile(values, 99):.1f} | {max(values):.1f} |")


def measure(line: FakeLinePlatform, work: str, store_url: str, events: int, rate: float,
            senders: int) -> tuple[list, list, list]:
    port = free_port()
    env = {**ENV, "GATEWAY_PORT": str(port), "DATABASE_URL": store_url,
           "ENGINE_URL": f"http://127.0.0.1:{free_port()}",  # nothing listens: the engine is down
           "LINE_CHANNEL_SECRET": line.channel_secret, "LINE_CHANNEL_ACCESS_TOKEN": line.access_token,
           "LINE_API_URL": line.api_url, "WEB_CHAT": "false"}
    gateway = Process("gateway", [sys.executable, "-m", "bot"], f"http://127.0.0.1:{port}/healthz",
                      Path(work) / f"gateway-{port}.log", env).start()
    url = f"http://127.0.0.1:{port}/webhooks/line"
    try:
        with httpx.Client(timeout=10) as client:
            for _ in range(20):
                send(client, line, url)  # warm-up
            sequential = [send(client, line, url) for _ in range(events)]
        paced = asyncio.run(open_loop(line, url, events, rate))
        with ThreadPoolExecutor(senders) as pool, httpx.Client(timeout=10) as client:
            concurrent = list(pool.map(lambda _: send(client, line, url), range(events)))
    finally:
        gateway.stop()
    return sequential, paced, concurrent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=500)
    parser.add_argument("--rate", type=float, default=50.0, help="webhooks per second, open loop")
    parser.add_argument("--senders", type=int, default=8)
    args = parser.parse_args()
    results = {}
    with FakeLinePlatform() as line, tempfile.TemporaryDirectory() as work:
        sqlite = f"sqlite+aiosqlite:///{work}/gateway.sqlite3"
        results["SQLite"] = measure(line, work, sqlite, args.events, args.rate, args.senders)
        name = create_database("ack")
        try:
            results["PostgreSQL"] = measure(line, work, database_url(name), args.events, args.rate, args.senders)
        finally:
            drop_database(name)
    print(f"machine: {machine()}")
    print("webhook acknowledgement while the engine is down (stored before the 200), one gateway process")
    print("| store | webhooks | n | p50 ms | p95 ms | p99 ms | max ms |")
    print("|---|---|---|---|---|---|---|")
    for store, (sequential, paced, concurrent) in results.items():
        print(row(f"{store} | one after another", sequential))
        print(row(f"{store} | {args.rate:g}/s, open loop", paced))
        print(row(f"{store} | {args.senders} senders at once, back to back (saturation, not judged)", concurrent))
    worst = max(percentile(values, 99) for sequential, paced, _ in results.values() for values in (sequential, paced))
    print(f"goal (p99 <= 50 ms, one after another and at {args.rate:g}/s): {'met' if worst <= 50 else 'NOT met'} "
          f"(worst p99 {worst:.1f} ms)")


if __name__ == "__main__":
    main()

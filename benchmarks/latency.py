"""End-to-end latency through the gateway, next to bare Rasa REST for the same messages (goal: +15% at most).

Production mode (PostgreSQL, Redis, one engine process, one gateway process). N simulated workers,
half on LINE and half on Telegram, each send their messages one after the other with a pause, and
time each from the webhook until the platform receives the reply. The same messages, with the same
pauses, are sent straight to Rasa's REST channel and timed until its answer. The two alternate
twice, so both see the same machine. Run: .venv/bin/python benchmarks/latency.py [--workers N]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.load import LineSender, Message, Replies, calm_messages, machine, percentile  # noqa: E402
from tests.fakes.line_platform import FakeLinePlatform  # noqa: E402
from tests.fakes.telegram_platform import SECRET_HEADER, FakeTelegram  # noqa: E402
from tests.support.cluster import TOKEN, start_cluster  # noqa: E402

TIMEOUT = 60.0
_chats = itertools.count(900_001)


async def bare(client: httpx.AsyncClient, engine_url: str, sender: str, messages: list[Message], pause: float,
               out: list[tuple[int, float]]) -> None:
    for index, message in enumerate(messages):
        started = time.perf_counter()
        response = await client.post(f"{engine_url}/webhooks/rest/webhook", json={
            "sender": sender, "message": message.text, "metadata": {"language": message.language, "channel": "line"}})
        response.raise_for_status()
        out.append((index, (time.perf_counter() - started) * 1000))
        await asyncio.sleep(pause)


async def on_line(line: FakeLinePlatform, sender: LineSender, replies: Replies, messages: list[Message],
                  pause: float, out: list[tuple[int, float]]) -> None:
    user = line.new_user_id()
    for index, message in enumerate(messages):
        event = line.text_event(user, message.text)
        answered = replies.line_reply(event["webhookEventId"])
        started = time.perf_counter()
        await sender.send(event)
        out.append((index, (await asyncio.wait_for(answered, TIMEOUT) - started) * 1000))
        await asyncio.sleep(pause)


async def on_telegram(telegram: FakeTelegram, client: httpx.AsyncClient, url: str, replies: Replies,
                      messages: list[Message], pause: float, out: list[tuple[int, float]]) -> None:
    chat = next(_chats)
    headers = {"Content-Type": "application/json", SECRET_HEADER: "cluster-secret"}
    for index, message in enumerate(messages):
        update = telegram.text_update(chat, message.text)
        answered = replies.telegram_message(chat)
        started = time.perf_counter()
        response = await client.post(f"{url}/webhooks/telegram", content=json.dumps(update), headers=headers)
        response.raise_for_status()
        out.append((index, (await asyncio.wait_for(answered, TIMEOUT) - started) * 1000))
        await asyncio.sleep(pause)


async def run(args: argparse.Namespace, line: FakeLinePlatform, telegram: FakeTelegram, cluster) -> dict:
    engine_url, gateway_url = cluster.engine_urls[0], cluster.gateway_urls[0]
    messages = calm_messages(engine_url, TOKEN, args.workers * args.messages)
    per_worker = [messages[i * args.messages:(i + 1) * args.messages] for i in range(args.workers)]
    replies = Replies(asyncio.get_running_loop(), line, telegram)
    results: dict[str, list[tuple[int, float]]] = {"bare Rasa REST": [], "gateway, LINE": [], "gateway, Telegram": []}
    async with httpx.AsyncClient(timeout=TIMEOUT) as client:
        sender = LineSender(line, [gateway_url], client, replies)
        for round_ in range(2):
            await asyncio.gather(*(bare(client, engine_url, f"bare-{round_}-{n}", texts, args.pause,
                                        results["bare Rasa REST"]) for n, texts in enumerate(per_worker)))
            await asyncio.gather(*(
                on_line(line, sender, replies, texts, args.pause, results["gateway, LINE"]) if n % 2 == 0 else
                on_telegram(telegram, client, gateway_url, replies, texts, args.pause, results["gateway, Telegram"])
                for n, texts in enumerate(per_worker)))
    results["gateway, both"] = results["gateway, LINE"] + results["gateway, Telegram"]
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=20)
    parser.add_argument("--messages", type=int, default=10, help="messages per worker and round")
    parser.add_argument("--pause", type=float, default=1.0, help="seconds a worker waits after each answer")
    args = parser.parse_args()
    with FakeLinePlatform(check_schemas=False) as line, FakeTelegram() as telegram, tempfile.TemporaryDirectory() as work:
        cluster = start_cluster(Path(work), line=line, telegram=telegram, engines=1, gateways=1)
        try:
            results = asyncio.run(run(args, line, telegram, cluster))
        finally:
            cluster.close()
    print(f"machine: {machine()}")
    print(f"latency: {args.workers} workers x {args.messages} messages x 2 rounds, {args.pause} s pause; "
          "1 engine process, 1 gateway process, PostgreSQL + Redis")
    print("| path | messages | n | p50 ms | p95 ms | p99 ms | added at p50 | added at p95 |")
    print("|---|---|---|---|---|---|---|---|")
    held = True
    for which, keep in (("all", lambda i: True), ("not the first", lambda i: i > 0)):
        base = [ms for i, ms in results["bare Rasa REST"] if keep(i)]
        for name, timed in results.items():
            values = [ms for i, ms in timed if keep(i)]
            if name == "bare Rasa REST":
                added = "- | -"
            else:
                p50, p95 = (percentile(values, q) / percentile(base, q) - 1 for q in (50, 95))
                added = f"{p50:+.0%} | {p95:+.0%}"
                held = held and (name != "gateway, both" or (p50 <= 0.15 and p95 <= 0.15))
            print(f"| {name} | {which} | {len(values)} | {percentile(values, 50):.1f} | {percentile(values, 95):.1f} | "
                  f"{percentile(values, 99):.1f} | {added} |")
    print("(the first message of a conversation also creates the worker, looks up the LINE profile and asks consent)")
    print(f"goal (gateway adds at most 15% at p50 and p95): {'met' if held else 'NOT met'}")


if __name__ == "__main__":
    main()

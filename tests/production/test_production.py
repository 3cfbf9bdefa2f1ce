"""Production mode: two gateway processes and two engine processes sharing PostgreSQL and Redis."""

from __future__ import annotations

import json

import httpx

from bot.engine_client import ranked
from tests.production.conftest import gateway_rows, tracker_rows, wait_until, worker_id

QUESTIONS = ["my salary was not paid", "how do I renew my visa", "I need to see a doctor",
             "what do I do in an earthquake"]


def webhook(cluster, number: int) -> str:
    return f"{cluster.gateway_urls[number % len(cluster.gateway_urls)]}/webhooks/line"


def user_texts(cluster, worker: str) -> list[str]:
    """What the engine's tracker store (PostgreSQL) holds of the worker's messages, in order."""
    rows = tracker_rows(cluster, "SELECT data FROM events WHERE sender_id = :sender AND type_name = 'user' ORDER BY id",
                        sender=worker)
    return [json.loads(data)["text"] for (data,) in rows]


def test_engines_report_conversations_in_postgresql_and_locks_in_redis(cluster):
    for url in cluster.engine_urls:
        report = httpx.get(f"{url}/webhooks/stores/health").json()
        assert report == {"ready": True, "tracker_store": "ErasableSQLTrackerStore", "lock_store": "RedisLockStore",
                          "fallbacks": 0}
    for url in cluster.gateway_urls:
        health = httpx.get(f"{url}/healthz").json()
        assert health["status"] == "ok" and len(health["engines"]) == 2


def test_each_workers_messages_are_handled_in_order_whichever_gateway_receives_them(cluster, line):
    users = [line.new_user_id() for _ in range(12)]
    for turn, question in enumerate(QUESTIONS):  # all at once: nobody waits for an answer
        for number, user in enumerate(users):
            response = line.deliver(webhook(cluster, number + turn), [line.text_event(user, f"{question} ({turn})")])
            assert response.status_code == 200

    expected = [f"{question} ({turn})" for turn, question in enumerate(QUESTIONS)]
    workers = {user: worker_id(cluster, user) for user in users}
    wait_until(lambda: all(len(user_texts(cluster, w)) == len(QUESTIONS) for w in workers.values()), 180,
               "every message in the engine's tracker store")
    for user, worker in workers.items():
        assert user_texts(cluster, worker) == expected, user
    wait_until(lambda: not gateway_rows(cluster, "SELECT id FROM events WHERE status = 'pending'"), 60,
               "no pending event")
    for user, worker in workers.items():  # one answer per message, in the log, in order
        log = gateway_rows(cluster, "SELECT text FROM message_log WHERE worker_id = :w AND direction = 'in' "
                                    "ORDER BY id", w=worker)
        assert [text for (text,) in log] == expected
    wait_until(lambda: not gateway_rows(cluster, "SELECT id FROM workers WHERE owner IS NOT NULL AND id = ANY(:ids)",
                                        ids=list(workers.values())), 30, "the workers let go once done")


def test_a_worker_whose_engine_is_killed_goes_on_with_the_other_one(cluster, line):
    killed = cluster.engines[0]
    workers: dict[str, str] = {}
    while sum(ranked(w, cluster.engine_urls)[0] == killed.url for w in workers.values()) < 2:
        user = line.new_user_id()  # the gateway gives the worker their id: keep going until two belong to it
        line.deliver(webhook(cluster, len(workers)), [line.text_event(user, "my salary was not paid")])
        wait_until(lambda: worker_id(cluster, user) and user_texts(cluster, worker_id(cluster, user)), 60, "an answer")
        workers[user] = worker_id(cluster, user)
    killed.stop(kill=True)
    try:
        for number, user in enumerate(workers):
            line.deliver(webhook(cluster, number + 1), [line.text_event(user, "how do I renew my visa")])
        wait_until(lambda: all(len(user_texts(cluster, w)) == 2 for w in workers.values()), 120,
                   "second messages answered by the remaining engine")
    finally:
        killed.start()
    for worker in workers.values():  # the conversation went on, in the shared tracker store
        assert user_texts(cluster, worker) == ["my salary was not paid", "how do I renew my visa"]


def test_erasing_a_worker_deletes_their_conversation_from_the_tracker_store(cluster, line):
    user = line.new_user_id()
    line.deliver(webhook(cluster, 0), [line.postback_event(user, "/consent yes")])
    line.deliver(webhook(cluster, 1), [line.text_event(user, "please delete my data")])
    wait_until(lambda: any("/delete yes" in json.dumps(m) for m in line.messages_to(user)), 60, "the confirmation")
    worker = worker_id(cluster, user)
    assert user_texts(cluster, worker) == ["please delete my data"]
    line.deliver(webhook(cluster, 0), [line.postback_event(user, "/delete yes")])
    wait_until(lambda: worker_id(cluster, user) is None, 60, "the erasure")
    assert tracker_rows(cluster, "SELECT count(*) FROM events WHERE sender_id = :s", s=worker) == [(0,)]


def test_a_tracker_store_falling_back_to_memory_is_reported(cluster, line):
    """Last in this module: the engines keep their count of fall-backs until they restart."""
    tracker_rows(cluster, "ALTER TABLE events RENAME TO events_away")  # every read and write fails
    try:
        user = line.new_user_id()
        line.deliver(webhook(cluster, 0), [line.text_event(user, "my salary was not paid")])
        line.wait_for_messages(user, 1, timeout=60)  # Rasa still answers: the fall-back is silent
        reports = [httpx.get(f"{url}/webhooks/stores/health").json() for url in cluster.engine_urls]
        assert sum(r["fallbacks"] for r in reports) >= 1

        def reported() -> bool:
            return all(httpx.get(f"{url}/healthz").json()["status"] == "degraded" for url in cluster.gateway_urls)
        wait_until(reported, 30, "the gateways to report it")
        problems = [p for e in httpx.get(f"{cluster.gateway_urls[0]}/healthz").json()["engines"] for p in e["problems"]]
        assert any("fell back to memory" in p for p in problems)
    finally:
        tracker_rows(cluster, "ALTER TABLE events_away RENAME TO events")
    log = "".join(p.log.read_text() for p in cluster.gateways)
    assert "tracker-store reads or writes fell back to memory" in log


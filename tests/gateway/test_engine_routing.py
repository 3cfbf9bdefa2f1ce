"""Which engine process a worker goes to: rendezvous hashing on the worker id."""

from __future__ import annotations

import uuid
from collections import Counter

from bot.engine_client import ranked

ENGINES = [f"http://10.0.0.{n}:5005" for n in range(1, 4)]
WORKERS = [uuid.uuid4().hex for _ in range(6000)]


def first(worker: str, engines: list[str]) -> str:
    return ranked(worker, engines)[0]


def test_a_worker_always_goes_to_the_same_engine_whatever_the_order_of_the_list():
    for worker in WORKERS[:200]:
        assert ranked(worker, ENGINES) == ranked(worker, list(reversed(ENGINES)))
        assert sorted(ranked(worker, ENGINES)) == sorted(ENGINES)


def test_workers_are_spread_evenly():
    shares = Counter(first(w, ENGINES) for w in WORKERS)
    for engine in ENGINES:
        assert abs(shares[engine] / len(WORKERS) - 1 / 3) < 0.03, shares


def test_a_new_engine_takes_its_share_and_nobody_else_moves():
    grown = [*ENGINES, "http://10.0.0.4:5005"]
    moved = [w for w in WORKERS if first(w, ENGINES) != first(w, grown)]
    assert all(first(w, grown) == grown[-1] for w in moved)
    assert abs(len(moved) / len(WORKERS) - 1 / 4) < 0.03


def test_when_an_engine_is_removed_only_its_workers_move():
    shrunk = ENGINES[1:]
    for worker in WORKERS:
        if first(worker, ENGINES) != ENGINES[0]:
            assert first(worker, shrunk) == first(worker, ENGINES)
        else:  # its next choice: where it goes when that engine refuses connections
            assert first(worker, shrunk) == ranked(worker, ENGINES)[1]

"""What the gateway reports about where the engines keep conversations."""

from __future__ import annotations

from bot.engine_stores_watch import problems

SHARED = {"ready": True, "tracker_store": "ErasableSQLTrackerStore", "lock_store": "RedisLockStore", "fallbacks": 0}
MEMORY = {"ready": True, "tracker_store": "InMemoryTrackerStore", "lock_store": "InMemoryLockStore", "fallbacks": 0}


def test_production_engines_with_shared_stores_are_fine():
    assert problems(SHARED, shared=True, engines=2) == []


def test_memory_is_fine_for_one_local_engine_but_not_in_production():
    assert problems(MEMORY, shared=False, engines=1) == []
    found = problems(MEMORY, shared=True, engines=2)
    assert len(found) == 2 and "memory" in found[0] and "Redis" in found[1]


def test_each_fall_back_is_reported_even_locally():
    assert problems({**SHARED, "fallbacks": 3}, shared=True, engines=2) == [
        "3 tracker-store reads or writes fell back to memory since the engine started"]
    assert problems({**MEMORY, "fallbacks": 1}, shared=False, engines=1)


def test_an_engine_that_does_not_answer_is_not_a_store_problem():
    assert problems({"ready": False}, shared=True, engines=2) == []

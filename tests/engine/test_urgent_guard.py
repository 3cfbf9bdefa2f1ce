"""The urgent guard: a likely crisis goes first, an unlikely one does not."""

import pytest
from rasa.shared.nlu.training_data.message import Message

from nlu_components.urgent_guard import UrgentIntentGuard


def classified(*ranking):
    message = Message(data={"text": "..."})
    entries = [{"name": name, "confidence": confidence} for name, confidence in ranking]
    message.set("intent", entries[0], add_to_output=True)
    message.set("intent_ranking", entries, add_to_output=True)
    return message


@pytest.fixture
def guard():
    return UrgentIntentGuard({"threshold": 0.25})


def test_urgent_intents_together_above_threshold_go_first(guard):
    message = classified(("harassment", 0.5), ("crisis_violence", 0.15), ("need_help", 0.12), ("greet", 0.1))
    guard.process([message])
    assert message.get("intent") == {"name": "crisis_violence", "confidence": pytest.approx(0.27)}
    assert [e["name"] for e in message.get("intent_ranking")] == [
        "crisis_violence", "harassment", "need_help", "greet"
    ]


def test_below_threshold_nothing_changes(guard):
    message = classified(("mental_health", 0.7), ("crisis_suicide", 0.2), ("greet", 0.1))
    guard.process([message])
    assert message.get("intent")["name"] == "mental_health"


def test_an_urgent_top_intent_is_left_as_it_is(guard):
    message = classified(("need_help", 0.3), ("request_human", 0.29), ("crisis_violence", 0.2))
    guard.process([message])
    assert message.get("intent") == {"name": "need_help", "confidence": 0.3}


def test_message_without_ranking_is_untouched(guard):
    message = Message(data={"text": "/greet"})
    guard.process([message])
    assert message.get("intent") is None

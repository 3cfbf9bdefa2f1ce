"""The custom actions, run directly against rasa_sdk trackers."""

from __future__ import annotations

import asyncio
from typing import List, Optional

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.actions import ActionRequestHandoff, ActionShowMenu, ActionSuggestTopics
from actions.handoff import HandoffRequest


def user(intent: str, ranking: Optional[List[tuple]] = None) -> dict:
    entries = [{"name": n, "confidence": c} for n, c in (ranking or [(intent, 1.0)])]
    return {"event": "user", "text": "...", "parse_data": {"intent": {"name": intent}, "intent_ranking": entries}}


def run(action, *events: dict) -> List[dict]:
    tracker = Tracker("worker", {}, events[-1]["parse_data"], list(events), False, None, {}, "action_listen")
    dispatcher = CollectingDispatcher()
    asyncio.run(action.run(dispatcher, tracker, {}))
    return dispatcher.messages


def handoffs(messages: List[dict]) -> List[HandoffRequest]:
    return [HandoffRequest.from_payload(m["custom"]) for m in messages if m.get("custom")]


LOW_CONFIDENCE = [("nlu_fallback", 0.45), ("overtime", 0.3), ("greet", 0.2), ("wage_unpaid", 0.15)]


def test_low_confidence_suggests_the_two_likeliest_topics_and_a_person():
    [message] = run(ActionSuggestTopics(), user("nlu_fallback", LOW_CONFIDENCE))
    assert message["response"] == "utter_suggest_topics"
    assert message["topics"] == ["overtime", "wage_unpaid", "request_human"]


def test_second_low_confidence_in_a_row_asks_for_a_counselor():
    messages = run(ActionSuggestTopics(), user("nlu_fallback", LOW_CONFIDENCE), user("nlu_fallback", LOW_CONFIDENCE))
    assert messages[0]["response"] == "utter_fallback_handoff"
    assert handoffs(messages) == [HandoffRequest("fallback", "normal", None)]


def test_low_confidence_with_an_urgent_intent_first_is_answered_as_urgent():
    ranking = [("nlu_fallback", 0.45), ("crisis_violence", 0.35), ("harassment", 0.3)]
    messages = run(ActionSuggestTopics(), user("nlu_fallback", ranking))
    assert messages[0]["response"] == "utter_crisis_violence"
    assert handoffs(messages) == [HandoffRequest("urgent_intent", "urgent", "crisis_violence")]


def test_request_for_a_person_carries_the_last_topic():
    messages = run(ActionRequestHandoff(), user("wage_unpaid"), user("thanks"), user("request_human"))
    assert handoffs(messages) == [HandoffRequest("worker_request", "normal", "wage_unpaid")]


def test_request_for_a_person_without_a_topic():
    messages = run(ActionRequestHandoff(), user("greet"), user("request_human"))
    assert handoffs(messages) == [HandoffRequest("worker_request", "normal", None)]


def test_menu_offers_at_most_thirteen_topics_ending_with_a_person():
    [message] = run(ActionShowMenu(), user("help_menu"))
    assert message["response"] == "utter_help_menu"
    assert 1 < len(message["topics"]) <= 13  # LINE's quick-reply limit
    assert message["topics"][-1] == "request_human"


def test_data_rights_are_the_gateway_commands():
    from actions.actions import ActionDataRights
    from actions.commands import from_payload

    assert [from_payload(m["custom"]) for m in run(ActionDataRights(), user("my_data"))] == ["/mydata"]
    assert [from_payload(m["custom"]) for m in run(ActionDataRights(), user("delete_my_data"))] == ["/delete"]

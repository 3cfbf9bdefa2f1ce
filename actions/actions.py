"""The engine's custom actions: menu, low-confidence suggestions, and handoff requests."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import handoff, topics

FALLBACK_INTENT = "nlu_fallback"
SUGGESTIONS = 2


class ActionShowMenu(Action):
    def name(self) -> Text:
        return "action_show_menu"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        dispatcher.utter_message(
            response="utter_help_menu", buttons=[topics.button(i) for i in topics.MENU]
        )
        return []


def _user_intents(tracker: Tracker) -> List[Optional[str]]:
    """Intent names of the worker's messages in this conversation, newest first."""
    return [
        (event.get("parse_data") or {}).get("intent", {}).get("name")
        for event in reversed(tracker.events)
        if event.get("event") == "user"
    ]


def _likely_topics(tracker: Tracker) -> List[str]:
    ranking = tracker.latest_message.get("intent_ranking") or []
    names = [entry.get("name") for entry in ranking]
    return [name for name in names if name in topics.LABELS][:SUGGESTIONS]


class ActionSuggestTopics(Action):
    """On a low-confidence message: offer the two likeliest topics and a person.

    On the second low-confidence message in a row, ask for a counselor instead.
    """

    def name(self) -> Text:
        return "action_suggest_topics"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        recent = _user_intents(tracker)[:2]
        if recent == [FALLBACK_INTENT, FALLBACK_INTENT]:
            dispatcher.utter_message(response="utter_fallback_handoff")
            dispatcher.utter_message(json_message=handoff.for_intent(FALLBACK_INTENT).to_payload())
            return []
        suggestions = [i for i in _likely_topics(tracker) if i != "request_human"]
        buttons = [topics.button(i) for i in suggestions] + [topics.button("request_human")]
        dispatcher.utter_message(response="utter_suggest_topics", buttons=buttons)
        return []


class ActionRequestHandoff(Action):
    """Ask the gateway for a counselor; urgency and topic follow the worker's intent."""

    def name(self) -> Text:
        return "action_request_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        intent = tracker.latest_message.get("intent", {}).get("name")
        dispatcher.utter_message(json_message=handoff.for_intent(intent).to_payload())
        return []

"""The engine's custom actions: menu, low-confidence suggestions, and handoff requests.

Topic buttons travel as `topics=[intent, ...]`; the engine's NLG (nlg/catalog.py) turns them into buttons
with labels in the worker's language.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import commands, handoff, topics
from actions.handoff import FALLBACK_INTENT

SUGGESTIONS = 2


class ActionShowMenu(Action):
    def name(self) -> Text:
        return "action_show_menu"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        dispatcher.utter_message(response="utter_help_menu", topics=topics.MENU)
        return []


def _user_intents(tracker: Tracker) -> List[Optional[str]]:
    """Intent names of the worker's messages in this conversation, newest first."""
    return [
        (event.get("parse_data") or {}).get("intent", {}).get("name")
        for event in reversed(tracker.events)
        if event.get("event") == "user"
    ]


def _ranked_intents(tracker: Tracker) -> List[str]:
    ranking = tracker.latest_message.get("intent_ranking") or []
    return [entry.get("name") for entry in ranking if entry.get("name") != FALLBACK_INTENT]


class ActionSuggestTopics(Action):
    """On a low-confidence message: offer the two likeliest topics and a person.

    On the second low-confidence message in a row, ask for a counselor instead. When the
    likeliest intent is an urgent one, low confidence is no reason to wait: answer it as urgent.
    """

    def name(self) -> Text:
        return "action_suggest_topics"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        ranked = _ranked_intents(tracker)
        if ranked and ranked[0] in handoff.URGENT_INTENTS:
            dispatcher.utter_message(response=f"utter_{ranked[0]}")
            dispatcher.utter_message(json_message=handoff.for_intent(ranked[0]).to_payload())
            return []
        if _user_intents(tracker)[:2] == [FALLBACK_INTENT, FALLBACK_INTENT]:
            dispatcher.utter_message(response="utter_fallback_handoff")
            dispatcher.utter_message(json_message=handoff.for_intent(FALLBACK_INTENT).to_payload())
            return []
        suggestions = [i for i in ranked if i in topics.TOPICS][:SUGGESTIONS]
        dispatcher.utter_message(
            response="utter_suggest_topics", topics=[*suggestions, "request_human"]
        )
        return []


def _recent_topic(tracker: Tracker) -> Optional[str]:
    """The last topic the worker asked about in this conversation, if any."""
    return next((i for i in _user_intents(tracker) if i in topics.TOPICS), None)


class ActionRequestHandoff(Action):
    """Ask the gateway for a counselor; urgency and topic follow the worker's messages."""

    def name(self) -> Text:
        return "action_request_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        intent = tracker.latest_message.get("intent", {}).get("name")
        topic = _recent_topic(tracker) if intent == "request_human" else intent
        request = handoff.for_intent(intent, topic=topic)
        dispatcher.utter_message(json_message=request.to_payload())
        return []


class ActionDataRights(Action):
    """What the worker's data is, or deleting it: the gateway's job (see actions/commands.py)."""

    def name(self) -> Text:
        return "action_data_rights"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        intent = tracker.latest_message.get("intent", {}).get("name")
        command = commands.FOR_INTENT.get(intent)
        if command is not None:
            dispatcher.utter_message(json_message=commands.to_payload(command))
        return []

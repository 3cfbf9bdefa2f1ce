"""The engine answering through its REST channel, with the real action server."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
import yaml

from actions.handoff import URGENT_INTENTS, HandoffRequest

ROOT = Path(__file__).resolve().parents[2]
RESPONSES = yaml.safe_load((ROOT / "domain.yml").read_text())["responses"]


def response_text(name: str) -> str:
    return RESPONSES[name][0]["text"]


def sender() -> str:
    return f"test-{uuid.uuid4().hex[:8]}"


def handoffs(messages):
    return [HandoffRequest.from_payload(m.get("custom")) for m in messages if m.get("custom")]


@pytest.mark.parametrize(
    "text, intent",
    [
        ("cong ty chua tra luong cho toi 2 thang roi", "wage_unpaid"),
        ("給料がまだ振り込まれていません", "wage_unpaid"),
        ("老闆把我的護照拿走了", "passport_taken"),
        ("malai hospital jana paryo", "find_hospital"),
        ("ขอเบอร์ตำรวจหน่อยครับ", "emergency_numbers"),
        ("gaji saya blm dibayar bos", "wage_unpaid"),
        ("nao recebi meu salario ainda", "wage_unpaid"),
    ],
)
def test_parse_needs_only_the_text(engine, text, intent):
    assert engine.parse(text)["intent"]["name"] == intent


# The plainest way to say it in each language must never miss: these phrases are trained on
# purpose, so a change that loses one of them fails here.
MUST_CATCH = [
    "I want to die", "しにたい", "e muon chet", "不想活了", "gusto ko na mamatay", "मर्न मन लाग्यो",
    "bunuh diri", "quero morrer", "သေချင်တယ်", "อยากตาย", "ចង់ស្លាប់", "quiero morir",
]


@pytest.mark.parametrize("text", MUST_CATCH)
def test_plain_crisis_phrases_are_urgent(engine, text):
    assert engine.parse(text)["intent"]["name"] in URGENT_INTENTS


def test_faq_answer_in_one_turn(engine):
    messages = engine.say(sender(), "cong ty chua tra luong cho toi 2 thang roi", language="vi")
    assert [m.get("text") for m in messages] == [response_text("utter_wage_unpaid")]


@pytest.mark.parametrize(
    "text, intent, number",
    [
        ("I want to die, I can't go on anymore", "crisis_suicide", "119"),
        ("my boss is hitting me right now, he locked the door", "crisis_violence", "110"),
    ],
)
def test_urgent_answer_puts_emergency_numbers_first_and_asks_for_a_person(engine, text, intent, number):
    messages = engine.say(sender(), text)
    first = messages[0]["text"]
    assert first == response_text(f"utter_{intent}")
    assert number in first.split(".")[0]  # the emergency number comes in the first sentence
    assert handoffs(messages) == [HandoffRequest("urgent_intent", "urgent", intent)]


def test_worker_asks_for_a_person_about_their_last_topic(engine):
    worker = sender()
    engine.say(worker, "/passport_taken")
    messages = engine.say(worker, "can I talk to a real person please")
    assert messages[0]["text"] == response_text("utter_request_human")
    assert handoffs(messages) == [HandoffRequest("worker_request", "normal", "passport_taken")]


def test_menu_fits_line_quick_replies(engine):
    messages = engine.say(sender(), "menu")
    buttons = messages[0]["buttons"]
    assert 1 < len(buttons) <= 13
    assert all(len(b["title"]) <= 20 and b["payload"].startswith("/") for b in buttons)
    assert buttons[-1]["payload"] == "/request_human"


def test_low_confidence_offers_topics_then_a_person(engine):
    worker = sender()
    first = engine.say(worker, "/nlu_fallback")
    assert first[0]["text"] == response_text("utter_suggest_topics")
    assert first[0]["buttons"][-1]["payload"] == "/request_human"
    assert handoffs(first) == []
    second = engine.say(worker, "/nlu_fallback")
    assert second[0]["text"] == response_text("utter_fallback_handoff")
    assert handoffs(second) == [HandoffRequest("fallback", "normal", None)]


def test_a_suggested_topic_button_answers_that_topic(engine):
    messages = engine.say(sender(), "/passport_taken")
    assert messages[0]["text"] == response_text("utter_passport_taken")

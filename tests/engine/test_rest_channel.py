"""The engine answering through its REST channel, with the real action server."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
import yaml

from babel.messages.pofile import read_po

from actions.handoff import URGENT_INTENTS, HandoffRequest
from actions.topics import LABELS, MENU
from content.render import Renderer

ROOT = Path(__file__).resolve().parents[2]
RESPONSES = yaml.safe_load((ROOT / "domain.yml").read_text())["responses"]
RENDERER = Renderer.load()


def response_text(name: str, language: str = "en") -> str:
    return RENDERER.response(language, name, RESPONSES[name][0])["text"]


def catalog(language: str):
    return read_po((ROOT / "translations" / language / "LC_MESSAGES" / "messages.po").open("rb"))


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


def test_faq_answer_in_one_turn_in_the_worker_language(engine):
    messages = engine.say(sender(), "cong ty chua tra luong cho toi 2 thang roi", language="vi")
    assert [m.get("text") for m in messages] == [response_text("utter_wage_unpaid", "vi")]
    english = RESPONSES["utter_wage_unpaid"][0]["text"]
    vietnamese = catalog("vi").get(english, context="utter_wage_unpaid").string
    assert messages[0]["text"].startswith(vietnamese) and vietnamese != english
    assert "0120-558-815" in messages[0]["text"]  # the hotline's Vietnamese line


def test_without_a_language_the_answer_is_english(engine):
    response = engine.say(sender(), "/wage_unpaid", language=None)
    assert response[0]["text"].startswith(RESPONSES["utter_wage_unpaid"][0]["text"])


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


@pytest.mark.parametrize("language", ["en", "ja", "my"])
def test_menu_is_localized_and_fits_line_quick_replies(engine, language):
    messages = engine.say(sender(), "menu", language=language)
    buttons = messages[0]["buttons"]
    assert [b["payload"] for b in buttons] == [f"/{intent}" for intent in MENU]
    labels = catalog(language)
    assert [b["title"] for b in buttons] == [labels.get(LABELS[i], context="button").string for i in MENU]
    assert all(len(b["title"]) <= 20 for b in buttons)


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


def test_a_message_with_nothing_to_classify_is_answered_not_dropped(engine):
    messages = engine.say(sender(), "\u200b§÷\U0001f3fb")
    assert messages and messages[0]["text"] == response_text("utter_suggest_topics")

"""Delivery guarantees: order per worker, nothing lost across a gateway crash, long polling."""

from __future__ import annotations

import sys
from pathlib import Path

import httpx
import pytest
import yaml

from content import notices
from tests.fakes.telegram_platform import FakeTelegram
from tests.gateway.conftest import line_messages, new_chat_id, telegram_messages
from tests.gateway.test_end_to_end import translated
from tests.support.processes import ENV, Process, free_port

ROOT = Path(__file__).resolve().parents[2]
RESPONSES = yaml.safe_load((ROOT / "domain.yml").read_text())["responses"]


def english(intent: str) -> str:
    return RESPONSES[f"utter_{intent}"][0]["text"]


def test_a_worker_gets_answers_in_the_order_of_their_messages(gateway, line):
    user = line.new_user_id()
    topics = ["tax", "housing", "garbage_rules", "bank_account"]
    line.deliver(f"{gateway.url}/webhooks/line", [line.postback_event(user, f"/{t}") for t in topics])
    texts = [m["text"] for m in line_messages(line, user, len(topics), timeout=60)]
    assert [next(t for t in topics if text.startswith(english(t))) for text in texts] == topics


def test_a_new_follower_is_greeted_in_their_profile_language(gateway, line):
    user = line.new_user_id()
    line.profiles[user] = {"displayName": "Somchai", "language": "th"}
    line.deliver(f"{gateway.url}/webhooks/line", [line.follow_event(user)])
    [message] = line_messages(line, user, 1, timeout=60)
    assert message["text"] == translated("th", "utter_greet", english("greet"))


def test_an_event_acknowledged_before_a_gateway_crash_is_answered_after_restart(gateway, line, engine):
    user = line.new_user_id()
    engine.stop()
    try:
        line.deliver(f"{gateway.url}/webhooks/line", [line.text_event(user, "how do I sort garbage")])
        line_messages(line, user, 1, timeout=30)  # "one moment": the event is stored and waiting
        gateway.process.stop(kill=True)  # kill -9 while the event is pending
        gateway.process.start()
    finally:
        engine.start()
    texts = [m["text"] for m in line_messages(line, user, 2, timeout=90)]
    assert texts[0] == translated("en", "notice", notices.ONE_MOMENT)
    assert texts[1].startswith(english("garbage_rules"))
    line.deliver(f"{gateway.url}/webhooks/line", [line.postback_event(user, "/goodbye")])
    assert len(line_messages(line, user, 3)) == 3  # answered once, the note not repeated


@pytest.fixture
def polling_gateway(engine, tmp_path):
    with FakeTelegram() as telegram:
        port = free_port()
        env = {**ENV, "GATEWAY_PORT": str(port), "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'g.sqlite3'}",
               "ENGINE_URL": engine.url, "TELEGRAM_BOT_TOKEN": telegram.token,
               "TELEGRAM_API_URL": telegram.api_url, "TELEGRAM_MODE": "polling", "WEB_CHAT": "false"}
        process = Process("gateway (polling)", [sys.executable, "-m", "bot"],
                          f"http://127.0.0.1:{port}/healthz", tmp_path / "gateway.log", env).start()
        try:
            yield telegram, f"http://127.0.0.1:{port}"
        finally:
            process.stop()


def test_telegram_long_polling_without_a_public_url(polling_gateway):
    telegram, url = polling_gateway
    telegram.enqueue(telegram.text_update(9001, "hola, quiero renovar mi visa", language_code="es"))
    [message] = telegram_messages(telegram, 9001, 1, timeout=60)
    spanish = [translated("es", name, variations[0]["text"]) for name, variations in RESPONSES.items()]
    assert any(message.text.startswith(text) for text in spanish)  # an answer, in Spanish
    assert telegram.webhook is None  # no webhook registered: updates were fetched
    assert telegram.pending_updates == []  # and confirmed
    assert httpx.post(f"{url}/webhooks/telegram", json={}).status_code == 404  # no webhook route in polling mode


def test_a_rate_limited_line_push_is_retried_and_delivered_once(gateway, line):
    user = line.new_user_id()
    event = line.postback_event(user, "/tax")
    line.expire_reply_token(event["replyToken"])
    line.fail_next("/v2/bot/message/push", 429, times=2)
    line.deliver(f"{gateway.url}/webhooks/line", [event])
    [message] = line_messages(line, user, 1, timeout=60)
    assert message["text"].startswith(english("tax"))
    line.deliver(f"{gateway.url}/webhooks/line", [line.postback_event(user, "/goodbye")])
    assert len(line_messages(line, user, 2)) == 2


def test_a_rate_limited_telegram_message_is_retried(gateway, telegram):
    telegram.fail_next("sendMessage", 429, retry_after=1)
    chat = new_chat_id()
    telegram.deliver(f"{gateway.url}/webhooks/telegram", telegram.command_update(chat, "/help"))
    [message] = telegram_messages(telegram, chat, 1, timeout=60)
    assert message.text == translated("en", "utter_help_menu", english("help_menu"))
    assert len(message.reply_markup["inline_keyboard"]) == 13  # the menu: LINE's limit, kept on Telegram too

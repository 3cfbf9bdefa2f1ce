"""Workers on LINE and Telegram, through the gateway and the real engine, to the reply on their phone."""

from __future__ import annotations

import time
from pathlib import Path

import yaml
from babel.messages.pofile import read_po

from content import notices
from tests.gateway.conftest import (TELEGRAM_SECRET, ask_for_a_person, line_messages, line_texts, new_chat_id,
                                    telegram_messages)

ROOT = Path(__file__).resolve().parents[2]
RESPONSES = yaml.safe_load((ROOT / "domain.yml").read_text())["responses"]


def translated(language: str, context: str, msgid: str) -> str:
    catalog = read_po((ROOT / "translations" / language / "LC_MESSAGES" / "messages.po").open("rb"))
    return catalog.get(msgid, context=context).string


def answer(language: str, intent: str) -> str:
    return translated(language, f"utter_{intent}", RESPONSES[f"utter_{intent}"][0]["text"])


def test_line_vietnamese_without_diacritics_gets_the_answer_in_vietnamese(gateway, line):
    user = line.new_user_id()
    response = line.deliver(f"{gateway.url}/webhooks/line", [line.text_event(user, "cong ty chua tra luong cho toi 2 thang roi")])
    assert response.status_code == 200
    [text] = line_texts(line, user, 1)
    assert text.startswith(answer("vi", "wage_unpaid"))
    assert "0120-558-815" in text  # the hotline's Vietnamese line
    [sent] = [s for s in line.sent if s.user_id == user]
    assert sent.via == "reply"  # the reply token was still valid: no push


def test_telegram_zawgyi_burmese_gets_the_answer_in_burmese(gateway, telegram):
    zawgyi = "ကုမၸဏီက ကြၽန္ေတာ့် ပတ္စ္ပို႔ကို သိမ္းထားၿပီး ျပန္မေပးပါဘူး"  # "the company keeps my passport"
    chat = new_chat_id()
    update = telegram.text_update(chat, zawgyi, language_code=None)
    assert telegram.webhook["secret_token"] == TELEGRAM_SECRET  # registered by the gateway at start
    assert telegram.deliver(f"{gateway.url}/webhooks/telegram", update).status_code == 200
    [message] = telegram_messages(telegram, chat, 1, timeout=60)
    assert message.text.startswith(answer("my", "passport_taken"))
    assert message.reply_markup["inline_keyboard"][0][0]["callback_data"] == "/request_human"


def test_forged_line_signature_is_refused_and_nothing_is_stored(gateway, line):
    user = line.new_user_id()
    event = line.text_event(user, "hello")
    response = line.deliver(f"{gateway.url}/webhooks/line", [event], signature="Zm9yZ2Vk")
    assert response.status_code == 401
    assert gateway.count("SELECT count(*) FROM events WHERE key = ?", event["webhookEventId"]) == 0
    assert gateway.count("SELECT count(*) FROM workers WHERE channel_user_id = ?", user) == 0


def test_telegram_webhook_without_the_secret_is_refused(gateway, telegram):
    update = telegram.text_update(new_chat_id(), "hello")
    response = telegram.deliver(f"{gateway.url}/webhooks/telegram", update, secret="wrong")
    assert response.status_code == 403
    assert gateway.count("SELECT count(*) FROM events WHERE key = ?", str(update["update_id"])) == 0


def test_a_redelivered_event_is_answered_once(gateway, line):
    user = line.new_user_id()
    event = line.text_event(user, "thank you")
    line.deliver(f"{gateway.url}/webhooks/line", [event])
    line_texts(line, user, 1)
    assert line.deliver(f"{gateway.url}/webhooks/line", [line.redelivery(event)]).status_code == 200
    line.deliver(f"{gateway.url}/webhooks/line", [line.postback_event(user, "/goodbye")])
    texts = line_texts(line, user, 2)  # a worker's events are answered in order: no late duplicate after this
    assert len(texts) == 2 and texts[1] == RESPONSES["utter_goodbye"][0]["text"]
    assert gateway.count("SELECT count(*) FROM events WHERE key = ?", event["webhookEventId"]) == 1


def test_a_sticker_gets_a_kind_answer_in_the_profile_language(gateway, line):
    user = line.new_user_id()
    line.profiles[user] = {"displayName": "Ana", "language": "pt-BR"}
    line.deliver(f"{gateway.url}/webhooks/line", [line.sticker_event(user)])
    [text] = line_texts(line, user, 1)
    assert text == translated("pt", "notice", notices.STICKER)


def test_when_the_reply_token_is_spent_the_answer_is_pushed_once_with_a_retry_key(gateway, line):
    user = line.new_user_id()
    event = line.text_event(user, "what is the minimum wage")
    line.expire_reply_token(event["replyToken"])  # e.g. the event waited too long: LINE refuses the reply
    line.deliver(f"{gateway.url}/webhooks/line", [event])
    [text] = line_texts(line, user, 1)
    assert text.startswith(RESPONSES["utter_minimum_wage"][0]["text"])
    [sent] = [s for s in line.sent if s.user_id == user]
    assert sent.via == "push" and sent.retry_key


def test_telegram_language_command_and_button(gateway, telegram):
    chat = new_chat_id()
    telegram.deliver(f"{gateway.url}/webhooks/telegram", telegram.command_update(chat, "/language"))
    [menu] = telegram_messages(telegram, chat, 1)
    payloads = [row[0]["callback_data"] for row in menu.reply_markup["inline_keyboard"]]
    assert len(payloads) == 13 and "/language ne" in payloads
    press = telegram.callback_update(chat, "/language ne", message_id=menu.message_id)
    telegram.deliver(f"{gateway.url}/webhooks/telegram", press)
    messages = telegram_messages(telegram, chat, 2)
    assert messages[1].text == translated("ne", "notice", notices.LANGUAGE_SET).format(language="नेपाली")
    assert press["callback_query"]["id"] in telegram.answered_callbacks


def test_a_group_gets_one_short_notice(gateway, telegram):
    for text in ("hello bot", "anyone here?"):
        telegram.deliver(f"{gateway.url}/webhooks/telegram", telegram.group_update(-100777, new_chat_id(), text))
    [notice] = telegram_messages(telegram, -100777, 1)
    assert notice.text == translated("en", "notice", notices.PRIVATE_CHATS_ONLY)
    chat = new_chat_id()  # the second group message is dropped, not answered: a later message shows it
    telegram.deliver(f"{gateway.url}/webhooks/telegram", telegram.command_update(chat, "/start"))
    telegram_messages(telegram, chat, 1)
    assert len(telegram.messages_to(-100777)) == 1


def test_with_the_engine_stopped_the_worker_hears_one_moment_then_the_answer(gateway, line, engine):
    user = line.new_user_id()
    engine.stop()
    try:
        # acknowledged within LINE's 2 s webhook timeout (the fake raises otherwise)
        response = line.deliver(f"{gateway.url}/webhooks/line", [line.text_event(user, "I lost my residence card")])
        assert response.status_code == 200
        [note] = line_texts(line, user, 1, timeout=30)
        assert note == translated("en", "notice", notices.ONE_MOMENT)
        assert user in [chat for chat, _ in line.loading_started]  # the answer is slow: "typing..." shown
    finally:
        engine.start()
    texts = line_texts(line, user, 2, timeout=90)
    assert texts[1].startswith(RESPONSES["utter_residence_card_lost"][0]["text"])
    line.deliver(f"{gateway.url}/webhooks/line", [line.postback_event(user, "/goodbye")])
    assert len(line_texts(line, user, 3)) == 3  # the note came once, the answer once


def test_with_the_action_server_stopped_a_menu_waits_instead_of_silence(gateway, line, engine):
    user = line.new_user_id()
    engine.actions.stop()
    try:
        line.deliver(f"{gateway.url}/webhooks/line", [line.text_event(user, "show me the menu please")])
        [note] = line_texts(line, user, 1, timeout=30)
        assert note == translated("en", "notice", notices.ONE_MOMENT)
        assert user in [chat for chat, _ in line.loading_started]  # the answer is slow: "typing..." shown
    finally:
        engine.actions.start()
    menu = line_messages(line, user, 2, timeout=90)[1]
    assert menu["text"] == RESPONSES["utter_help_menu"][0]["text"]
    assert len(menu["quickReply"]["items"]) == 13


def test_every_request_to_the_line_platform_matches_its_openapi_document(gateway, line):
    user = line.new_user_id()
    line.deliver(f"{gateway.url}/webhooks/line", [line.text_event(user, "menu")])
    line_messages(line, user, 1)
    assert any(r.path == "/v2/bot/chat/loading/start" for r in line.requests)
    assert line.spec_violations == []


def test_the_local_chat_page_talks_to_the_bot(gateway):
    import uuid

    import httpx

    page = httpx.get(f"{gateway.url}/chat")
    assert page.status_code == 200 and "<script src=\"/static/chat.js\"" in page.text
    assert "textContent" in httpx.get(f"{gateway.url}/static/chat.js").text  # never inserted as HTML
    conversation = str(uuid.uuid4())
    sent = httpx.post(f"{gateway.url}/chat/api/send", json={"conversation": conversation, "text": "xin chào"})
    assert sent.status_code == 202
    assert httpx.post(f"{gateway.url}/chat/api/send", json={"conversation": "x", "text": "hi"}).status_code == 400
    deadline = time.monotonic() + 60
    replies: list = []
    while not replies and time.monotonic() < deadline:
        replies = httpx.get(f"{gateway.url}/chat/api/replies", params={"conversation": conversation}).json()["replies"]
        time.sleep(0.3)
    assert replies and replies[0]["text"] == answer("vi", "greet")


def test_asking_for_a_person_queues_the_worker_and_their_next_messages_wait_for_a_counselor(gateway, line):
    user = line.new_user_id()
    ask_for_a_person(line, gateway, user)  # the consent a counselor needs, then the queue
    texts = line_texts(line, user, 2)
    assert texts[0] == RESPONSES["utter_request_human"][0]["text"]
    assert texts[1].startswith(translated("en", "notice", notices.QUEUED).split("{position}")[0])
    assert gateway.count("SELECT count(*) FROM handoffs h JOIN workers w ON w.id = h.worker_id "
                         "WHERE w.channel_user_id = ? AND h.state = 'waiting'", user) == 1
    line.deliver(f"{gateway.url}/webhooks/line", [line.text_event(user, "my boss took my passport")])
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and gateway.count(
            "SELECT count(*) FROM message_log l JOIN workers w ON w.id = l.worker_id "
            "WHERE w.channel_user_id = ? AND l.direction = 'in'", user) < 2:
        time.sleep(0.2)
    assert len(line_messages(line, user, 0)) == 2  # the bot stays quiet: a counselor will answer

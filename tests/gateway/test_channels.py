"""LINE events and Telegram updates, as the platforms send them (built by the fakes), into Inbound."""

from __future__ import annotations

import json

import pytest

from bot import inbound as kinds
from bot.channels import line, telegram
from bot.replies import Button, Reply
from tests.fakes.line_platform import FakeLinePlatform
from tests.fakes.telegram_platform import FakeTelegram


@pytest.fixture(scope="module")
def line_fake():
    with FakeLinePlatform() as fake:
        yield fake


@pytest.fixture(scope="module")
def telegram_fake():
    with FakeTelegram() as fake:
        yield fake


def test_line_signature_is_checked_before_anything_else(line_fake):
    body = line_fake.webhook_body([line_fake.text_event(line_fake.new_user_id(), "hi")])
    assert line.verify(line_fake.channel_secret, body, line_fake.sign(body))["events"]
    for signature in (None, "", "Zm9yZ2Vk", line_fake.sign(body + b" ")):
        with pytest.raises(line.ForgedWebhook):
            line.verify(line_fake.channel_secret, body, signature)
    with pytest.raises(line.ForgedWebhook):
        line.verify(line_fake.channel_secret, b"\xff\xfe", line_fake.sign(body))


def test_line_events_become_inbound_messages(line_fake):
    user = line_fake.new_user_id()
    events = [
        line_fake.text_event(user, "xin chao"), line_fake.postback_event(user, "/wage_unpaid"),
        line_fake.sticker_event(user), line_fake.media_event(user, "image"), line_fake.media_event(user, "audio"),
        line_fake.location_event(user), line_fake.follow_event(user), line_fake.unfollow_event(user),
        line_fake.group_text_event(line_fake.new_group_id(), user, "hello"),
    ]
    parsed = line.parse(json.loads(line_fake.webhook_body(events)), now=1000.0)
    assert [p.kind for p in parsed] == [kinds.TEXT, kinds.CHOICE, kinds.STICKER, kinds.MEDIA, kinds.MEDIA,
                                        kinds.LOCATION, kinds.FOLLOW, kinds.UNFOLLOW, kinds.GROUP]
    assert parsed[0].text == "xin chao" and parsed[1].text == "/wage_unpaid"
    assert [p.key for p in parsed[:8]] == [e["webhookEventId"] for e in events[:8]]
    assert parsed[8].key == f"group:{events[8]['source']['groupId']}"  # one notice per group
    assert parsed[0].reply_token == events[0]["replyToken"] and parsed[0].reply_token_expires == 1000.0 + 50
    assert parsed[7].reply_token is None  # unfollow has none
    assert parsed[8].chat_id == events[8]["source"]["groupId"]


def test_line_quick_replies_keep_line_limits():
    buttons = tuple(Button(f"Topic number {i} with a long label", f"/t{i}") for i in range(20))
    message = line.to_message(Reply("x" * 6000, buttons))
    assert len(message.text) == 5000
    assert len(message.quick_reply.items) == 13
    assert all(len(item.action.label) <= 20 for item in message.quick_reply.items)
    assert message.quick_reply.items[0].action.data == "/t0"


def test_line_retry_keys_are_stable_per_batch():
    key = "123e4567-e89b-12d3-a456-426614174000"
    assert line.chunk_retry_key(key, 0) == line.chunk_retry_key(key, 0) != line.chunk_retry_key(key, 5)


def test_line_calls_use_the_proxy_the_environment_names(monkeypatch):
    for name in ("https_proxy", "http_proxy", "no_proxy", "HTTP_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    assert line.environment_proxy("https://api.line.me") == "http://proxy.example:3128"
    assert line.environment_proxy("http://127.0.0.1:8080") is None
    monkeypatch.delenv("HTTPS_PROXY")
    assert line.environment_proxy("https://api.line.me") is None


@pytest.mark.asyncio
async def test_line_calls_do_not_look_up_the_environment_each_time():
    sender = line.LineSender("token", "http://127.0.0.1:9")
    session = sender._client.rest_client.pool_manager
    assert session.trust_env is False  # else aiohttp reads proxy variables and ~/.netrc in a thread per call
    connector = session.connector
    await sender.close()
    assert session.closed and connector.closed


def test_telegram_updates_become_inbound_messages(telegram_fake):
    tg = telegram_fake
    updates = [
        tg.text_update(42, "ola", language_code="pt-br"), tg.command_update(42, "/language", "vi"),
        tg.callback_update(42, "/wage_unpaid"), tg.sticker_update(42), tg.photo_update(42), tg.voice_update(42),
        tg.location_update(42), tg.group_update(-100123, 42, "hi"),
    ]
    parsed = [telegram.to_inbound(u) for u in updates]
    assert [p.kind for p in parsed] == [kinds.TEXT, kinds.CHOICE, kinds.CHOICE, kinds.STICKER, kinds.MEDIA,
                                        kinds.MEDIA, kinds.LOCATION, kinds.GROUP]
    assert parsed[0].language_hint == "pt-br" and parsed[0].user_id == "42"
    assert parsed[1].text == "/language vi"
    assert parsed[2].text == "/wage_unpaid" and parsed[2].callback_id == updates[2]["callback_query"]["id"]
    assert parsed[7].chat_id == "-100123"
    assert [p.key for p in parsed[:7]] == [str(u["update_id"]) for u in updates[:7]]
    assert parsed[7].key == "group:-100123"  # one notice per group


def test_telegram_command_addressed_to_the_bot_by_name(telegram_fake):
    update = telegram_fake.text_update(43, "/human@helpline_test_bot please")
    update["message"]["entities"] = [{"type": "bot_command", "offset": 0, "length": len("/human@helpline_test_bot")}]
    assert telegram.to_inbound(update).text == "/human please"


def test_telegram_secret_comparison():
    assert telegram.secret_matches("s3cret", "s3cret")
    assert not telegram.secret_matches("s3cret", None)
    assert not telegram.secret_matches("s3cret", "s3cret ")

"""The fake Telegram Bot API, checked with the real python-telegram-bot 22 client."""

from __future__ import annotations

import asyncio
import datetime as dtm
import http.server
import json
import threading
import time

import httpx
import pytest
import telegram
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, Conflict, Forbidden, InvalidToken, NetworkError, RetryAfter

from .telegram_platform import (
    DEFAULT_SUPERGROUP_ID,
    SECRET_HEADER,
    FakeTelegram,
    WaitTimeout,
    iter_update_builders,
)

USER = 42


@pytest.fixture
def tg():
    with FakeTelegram(first_update_id=1000) as fake:
        yield fake


def make_bot(tg: FakeTelegram, token: str | None = None) -> telegram.Bot:
    return telegram.Bot(token or tg.token, base_url=tg.api_url)


def seconds(value) -> float:
    return value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)


# ---------------------------------------------------------------- basics


@pytest.mark.asyncio
async def test_get_me_returns_the_bot_user(tg):
    async with make_bot(tg) as bot:
        me = await bot.get_me()
    assert me.id == 123456
    assert me.is_bot is True
    assert me.username == "helpline_test_bot"
    assert me.can_join_groups is True
    assert [r.method for r in tg.requests] == ["getMe", "getMe"]  # initialize() + get_me()


@pytest.mark.asyncio
async def test_wrong_token_is_unauthorized_and_malformed_token_not_found(tg):
    async with httpx.AsyncClient() as client:
        wrong = await client.post(f"{tg.api_url}999999:WRONG-token/getMe")
        malformed = await client.post(f"{tg.api_url}nonsense/getMe")
    assert wrong.status_code == 401
    assert wrong.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}
    assert malformed.status_code == 404
    assert malformed.json()["description"] == "Not Found"

    with pytest.raises(InvalidToken, match="Unauthorized"):
        await make_bot(tg, "999999:WRONG-token").get_me()
    assert all(not r.token_ok for r in tg.requests)


@pytest.mark.asyncio
async def test_unknown_and_unimplemented_methods(tg):
    async with httpx.AsyncClient() as client:
        unknown = await client.post(f"{tg.api_url}{tg.token}/sendTelepathy")
        unimplemented = await client.post(f"{tg.api_url}{tg.token}/sendPhoto")
    assert (unknown.status_code, unknown.json()["description"]) == (404, "Not Found: method not found")
    assert unimplemented.status_code == 501
    assert "does not implement sendPhoto" in unimplemented.json()["description"]


@pytest.mark.asyncio
async def test_get_json_and_form_requests_are_accepted_like_the_real_api(tg):
    tg.text_update(USER, "hi")
    base = f"{tg.api_url}{tg.token}"
    markup = {"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}
    async with httpx.AsyncClient() as client:
        by_get = await client.get(f"{base}/getme")  # method names are case-insensitive
        by_json = await client.post(f"{base}/sendMessage", json={"chat_id": USER, "text": "json", "reply_markup": markup})
        by_form = await client.post(
            f"{base}/sendMessage", data={"chat_id": str(USER), "text": "form", "reply_markup": json.dumps(markup)}
        )
        by_query = await client.get(f"{base}/sendMessage", params={"chat_id": USER, "text": "query"})
    assert by_get.json()["result"]["username"] == "helpline_test_bot"
    for response in (by_json, by_form, by_query):
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("application/json")
    assert by_json.json()["result"]["reply_markup"] == markup
    assert [m.text for m in tg.messages_to(USER)] == ["json", "form", "query"]
    assert tg.sent[0].reply_markup == markup
    # A JSON object in a JSON body reaches the methods as a JSON string, as in the real server.
    assert tg.requests_to("sendMessage")[0].json_param("reply_markup") == markup


# ---------------------------------------------------------------- sendMessage


@pytest.mark.asyncio
async def test_send_message_with_inline_keyboard_is_recorded_and_returns_a_message(tg):
    tg.text_update(USER, "hello")  # user message 1 in the private chat
    keyboard = InlineKeyboardMarkup(
        [[InlineKeyboardButton("日本語", callback_data="lang:ja"), InlineKeyboardButton("Tiếng Việt", callback_data="lang:vi")]]
    )
    async with make_bot(tg) as bot:
        first = await bot.send_message(USER, "Choose a language", reply_markup=keyboard)
        second = await bot.send_message(USER, "Second")
    assert isinstance(first, telegram.Message)
    assert first.message_id == 2 and second.message_id == 3  # ids shared with the user's messages
    assert first.chat.id == USER and first.chat.type == "private"
    assert first.from_user.id == 123456 and first.from_user.is_bot
    assert first.text == "Choose a language"
    assert first.reply_markup.inline_keyboard[0][1].callback_data == "lang:vi"
    assert second.reply_markup is None
    assert abs(first.date.timestamp() - time.time()) < 5

    sent = tg.messages_to(USER)
    assert [m.text for m in sent] == ["Choose a language", "Second"]
    assert sent[0].reply_markup["inline_keyboard"][0][0] == {"text": "日本語", "callback_data": "lang:ja"}
    assert sent[1].reply_markup is None
    assert sent[0].message_id == 2 and sent[0].at <= sent[1].at <= time.monotonic()
    assert tg.messages_to(USER + 1) == []


@pytest.mark.asyncio
async def test_send_message_errors_match_telegram(tg):
    tg.text_update(USER, "hello")
    async with make_bot(tg) as bot:
        with pytest.raises(BadRequest, match="Chat not found"):
            await bot.send_message(USER + 1, "nobody wrote to the bot from this chat")
        with pytest.raises(BadRequest, match="Message text is empty"):
            await bot.send_message(USER, "")
        with pytest.raises(BadRequest, match="Message must be non-empty"):
            await bot.send_message(USER, "  \n ")
        with pytest.raises(BadRequest, match="Message is too long"):
            await bot.send_message(USER, "あ" * 4097)
        assert (await bot.send_message(USER, "あ" * 4096)).text == "あ" * 4096
        # 4096 characters outside the BMP are 8192 UTF-16 units: still accepted (code points count)
        assert len((await bot.send_message(USER, "😀" * 4096)).text) == 4096
        with pytest.raises(BadRequest, match="Unsupported parse_mode"):
            await bot.send_message(USER, "x", parse_mode="rst")
        html = await bot.send_message(USER, "<b>Help</b> &amp; advice", parse_mode="HTML")
        assert html.text == "Help & advice"
    assert tg.sent[-1].text == "<b>Help</b> &amp; advice" and tg.sent[-1].parse_mode == "HTML"
    assert len(tg.sent) == 3


@pytest.mark.asyncio
async def test_callback_data_over_64_bytes_is_button_data_invalid(tg):
    tg.text_update(USER, "hello")
    async with make_bot(tg) as bot:
        ok = InlineKeyboardMarkup([[InlineKeyboardButton("ok", callback_data="é" * 32)]])  # 64 bytes
        await bot.send_message(USER, "fits", reply_markup=ok)
        too_long = InlineKeyboardMarkup([[InlineKeyboardButton("no", callback_data="é" * 32 + "a")]])  # 65 bytes
        with pytest.raises(BadRequest, match="Button_data_invalid"):
            await bot.send_message(USER, "does not fit", reply_markup=too_long)
    assert [m.text for m in tg.sent] == ["fits"]
    failed = tg.requests_to("sendMessage")[-1]
    assert failed.status == 400
    assert failed.response == {"ok": False, "error_code": 400, "description": "Bad Request: BUTTON_DATA_INVALID"}


@pytest.mark.asyncio
async def test_malformed_inline_keyboards_are_refused_with_the_real_texts(tg):
    tg.text_update(USER, "hello")
    base = f"{tg.api_url}{tg.token}/sendMessage"
    cases = {
        "{not json": "Bad Request: can't parse reply keyboard markup JSON object",
        json.dumps({"inline_keyboard": [[{"callback_data": "x"}]]}):
            'Bad Request: can\'t parse inline keyboard button: Can\'t find field "text"',
        json.dumps({"inline_keyboard": [[{"text": "no action"}]]}):
            "Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard",
        json.dumps({"inline_keyboard": [{"text": "x", "callback_data": "x"}]}):
            'Bad Request: field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays',
    }
    async with httpx.AsyncClient() as client:
        for markup, description in cases.items():
            response = await client.post(base, data={"chat_id": USER, "text": "x", "reply_markup": markup})
            assert response.status_code == 400
            assert response.json()["description"] == description
    assert tg.sent == []


@pytest.mark.asyncio
async def test_replies_need_an_existing_message(tg):
    question = tg.text_update(USER, "Where is the labour office?")["message"]
    async with make_bot(tg) as bot:
        answer = await bot.send_message(USER, "Here.", reply_to_message_id=question["message_id"])
        assert answer.reply_to_message.text == "Where is the labour office?"
        with pytest.raises(BadRequest, match="Message to be replied not found"):
            await bot.send_message(USER, "lost", reply_to_message_id=999)
        alone = await bot.send_message(USER, "alone", reply_to_message_id=999, allow_sending_without_reply=True)
        assert alone.reply_to_message is None
    assert [m.reply_to_message_id for m in tg.sent] == [question["message_id"], None]


# ---------------------------------------------------------------- chats the bot may not write to


@pytest.mark.asyncio
async def test_group_member_without_private_chat_and_blocked_user_are_forbidden(tg):
    tg.group_update(DEFAULT_SUPERGROUP_ID, 7, "hello group")
    tg.text_update(8, "hi")
    tg.block(8)
    async with make_bot(tg) as bot:
        in_group = await bot.send_message(DEFAULT_SUPERGROUP_ID, "answer in the group")
        assert in_group.chat.type == "supergroup"
        with pytest.raises(Forbidden, match="bot can't initiate conversation with a user"):
            await bot.send_message(7, "private message to a group member")
        with pytest.raises(Forbidden, match="bot was blocked by the user"):
            await bot.send_message(8, "after the block")
    assert [m.chat_id for m in tg.sent] == [DEFAULT_SUPERGROUP_ID]


# ---------------------------------------------------------------- callbacks and chat actions


@pytest.mark.asyncio
async def test_answer_callback_query_once_then_query_id_invalid(tg):
    tg.text_update(USER, "hello")
    async with make_bot(tg) as bot:
        message = await bot.send_message(
            USER, "Choose", reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("JA", callback_data="lang:ja")]])
        )
        update = Update.de_json(tg.callback_update(USER, "lang:ja"), bot)
        query = update.callback_query
        assert query.message.message_id == message.message_id  # the bot's latest keyboard message
        assert query.data == "lang:ja"
        assert await bot.answer_callback_query(query.id, text="OK") is True
        with pytest.raises(BadRequest, match="Query is too old and response timeout expired or query id is invalid"):
            await bot.answer_callback_query(query.id)
        with pytest.raises(BadRequest, match="Query is too old"):
            await bot.answer_callback_query("123")
    assert tg.answered_callbacks == [query.id]
    assert tg.callback_answers[0]["text"] == "OK"


@pytest.mark.asyncio
async def test_send_chat_action_is_recorded_and_validated(tg):
    tg.text_update(USER, "hello")
    async with make_bot(tg) as bot:
        assert await bot.send_chat_action(USER, "typing") is True
        with pytest.raises(BadRequest, match="Wrong parameter action in request"):
            await bot.send_chat_action(USER, "dancing")
        with pytest.raises(BadRequest, match="Chat not found"):
            await bot.send_chat_action(USER + 1, "typing")
    assert tg.chat_actions == [(USER, "typing")]


@pytest.mark.asyncio
async def test_edit_message_reply_markup_removes_the_keyboard(tg):
    tg.text_update(USER, "hello")
    async with make_bot(tg) as bot:
        message = await bot.send_message(
            USER, "Choose", reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("A", callback_data="a")]])
        )
        edited = await bot.edit_message_reply_markup(USER, message.message_id, reply_markup=None)
        assert edited.reply_markup is None and edited.edit_date is not None
        with pytest.raises(BadRequest, match="Message is not modified"):
            await bot.edit_message_reply_markup(USER, message.message_id, reply_markup=None)
        with pytest.raises(BadRequest, match="Message to edit not found"):
            await bot.edit_message_text("x", chat_id=USER, message_id=999)
        assert (await bot.edit_message_text("Chosen: A", chat_id=USER, message_id=message.message_id)).text == "Chosen: A"
    assert [e.method for e in tg.edits] == ["editMessageReplyMarkup", "editMessageText"]


# ---------------------------------------------------------------- failures


@pytest.mark.asyncio
@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_fail_next_429_raises_retry_after_then_recovers(tg):
    tg.text_update(USER, "hello")
    tg.fail_next("sendMessage", 429, times=2, retry_after=7)
    async with make_bot(tg) as bot:
        for _ in range(2):
            with pytest.raises(RetryAfter) as caught:
                await bot.send_message(USER, "flood")
            assert seconds(caught.value.retry_after) == 7
        assert (await bot.send_message(USER, "after the wait")).text == "after the wait"
    failed = tg.requests_to("sendMessage")[0]
    assert failed.status == 429
    assert failed.response == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 7",
        "parameters": {"retry_after": 7},
    }
    assert [m.text for m in tg.sent] == ["after the wait"]


@pytest.mark.asyncio
async def test_fail_next_other_codes(tg):
    tg.text_update(USER, "hello")
    tg.fail_next("sendmessage", 403)
    tg.fail_next("sendChatAction", 500, description="Internal Server Error: restart")
    async with make_bot(tg) as bot:
        with pytest.raises(Forbidden, match="bot was blocked by the user"):
            await bot.send_message(USER, "x")
        with pytest.raises(NetworkError, match="restart"):
            await bot.send_chat_action(USER, "typing")
        await bot.send_message(USER, "y")
    assert tg.chat_actions == []
    assert [m.text for m in tg.sent] == ["y"]


def test_retry_after_header_is_sent(tg):
    tg.fail_next("getMe", 429, retry_after=3)
    response = httpx.post(f"{tg.api_url}{tg.token}/getMe")
    assert response.status_code == 429
    assert response.headers["retry-after"] == "3"


# ---------------------------------------------------------------- webhook and long polling


@pytest.mark.asyncio
async def test_set_webhook_with_secret_then_get_updates_conflicts(tg):
    async with make_bot(tg) as bot:
        assert await bot.set_webhook(
            "https://gateway.example/telegram", secret_token="s3cr3t_-X", allowed_updates=["message", "callback_query"]
        )
        assert tg.webhook == {
            "url": "https://gateway.example/telegram",
            "secret_token": "s3cr3t_-X",
            "allowed_updates": ["callback_query", "message"],
            "max_connections": 40,
        }
        with pytest.raises(Conflict, match="can't use getUpdates method while webhook is active"):
            await bot.get_updates()
        info = await bot.get_webhook_info()
        assert info.url == "https://gateway.example/telegram" and info.pending_update_count == 0


@pytest.mark.asyncio
async def test_set_webhook_validates_the_secret_token():
    async with FakeTelegram(set_webhook_flood_control=False) as tg:
        async with make_bot(tg) as bot:
            with pytest.raises(BadRequest, match="Secret token contains unallowed characters"):
                await bot.set_webhook("https://gateway.example/a", secret_token="base64+/=")
            with pytest.raises(BadRequest, match="Secret token is too long"):
                await bot.set_webhook("https://gateway.example/b", secret_token="a" * 257)
            assert tg.webhook is None
            assert await bot.set_webhook("https://gateway.example/c", secret_token="a" * 256)
            assert tg.webhook["secret_token"] == "a" * 256
            assert await bot.delete_webhook()
        assert tg.webhook is None
        descriptions = [r.response.get("description") for r in tg.requests_to("setWebhook")]
        assert descriptions[-1] == "Webhook was set"
        assert tg.requests_to("deleteWebhook")[0].response["description"] == "Webhook was deleted"


@pytest.mark.asyncio
@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_a_second_set_webhook_within_a_second_is_flood_limited(tg):
    async with make_bot(tg) as bot:
        assert await bot.set_webhook("https://gateway.example/c")
        with pytest.raises(RetryAfter) as caught:
            await bot.set_webhook("https://gateway.example/d")
        assert seconds(caught.value.retry_after) == 1
        assert tg.webhook["url"] == "https://gateway.example/c"


@pytest.mark.asyncio
async def test_strict_webhook_url_requires_https_like_telegram():
    async with FakeTelegram(strict_webhook_url=True) as tg:
        async with make_bot(tg) as bot:
            with pytest.raises(BadRequest, match="(?i)bad webhook: an https url must be provided for webhook"):
                await bot.set_webhook("http://127.0.0.1:8080/telegram")


@pytest.mark.asyncio
async def test_delete_webhook_then_get_updates_returns_queue_and_offset_confirms(tg):
    async with make_bot(tg) as bot:
        await bot.set_webhook("https://gateway.example/telegram")
        first, second, third = (tg.text_update(USER, t) for t in ("one", "two", "three"))
        for update in (first, second, third):
            tg.enqueue(update)
        assert await bot.delete_webhook()
        updates = await bot.get_updates()
        assert [u.message.text for u in updates] == ["one", "two", "three"]
        assert [u.update_id for u in updates] == [1000, 1001, 1002]
        # without an offset nothing is confirmed
        assert len(await bot.get_updates()) == 3
        # offset = last id + 1 confirms everything before: those updates are forgotten
        assert [u.message.text for u in await bot.get_updates(offset=1002)] == ["three"]
        assert [u.update_id for u in await bot.get_updates()] == [1002]
        assert await bot.get_updates(offset=1003) == ()
        assert tg.pending_updates == []
        tg.enqueue(tg.text_update(USER, "four"))
        tg.enqueue(tg.text_update(USER, "five"))
        assert [u.message.text for u in await bot.get_updates(offset=-1)] == ["five"]


@pytest.mark.asyncio
async def test_long_polling_wakes_up_when_an_update_arrives(tg):
    async with make_bot(tg) as bot:
        update = tg.text_update(USER, "late")
        threading.Timer(0.3, tg.enqueue, args=(update,)).start()
        started = time.monotonic()
        updates = await bot.get_updates(timeout=10)
        elapsed = time.monotonic() - started
    assert [u.message.text for u in updates] == ["late"]
    assert 0.2 < elapsed < 3


@pytest.mark.asyncio
async def test_a_second_get_updates_terminates_the_waiting_one(tg):
    # two instances of the gateway polling with the same token (PTB allows one poll per Bot)
    async with make_bot(tg) as first, make_bot(tg) as second:
        waiting = asyncio.create_task(first.get_updates(timeout=10))
        await asyncio.sleep(0.3)
        newer = asyncio.create_task(second.get_updates(timeout=1))
        with pytest.raises(Conflict, match="terminated by other getUpdates request"):
            await waiting
        assert await newer == ()


@pytest.mark.asyncio
async def test_allowed_updates_filters_updates_created_afterwards(tg):
    async with make_bot(tg) as bot:
        assert await bot.get_updates(allowed_updates=["callback_query"]) == ()
        tg.text_update(USER, "hi")  # the private chat exists
        tg.enqueue(tg.text_update(USER, "dropped"))
        tg.enqueue(tg.callback_update(USER, "kept"))
        updates = await bot.get_updates()
    assert [u.callback_query.data for u in updates] == ["kept"]
    assert [u["message"]["text"] for u in tg.dropped_updates] == ["dropped"]


@pytest.mark.asyncio
async def test_a_ptb_application_in_polling_mode_runs_against_the_fake(tg):
    from telegram.ext import ApplicationBuilder, CallbackQueryHandler, MessageHandler, filters

    async def echo(update, context):
        await context.bot.send_chat_action(update.effective_chat.id, "typing")
        await update.message.reply_text(f"echo: {update.message.text}")

    async def pressed(update, context):
        await update.callback_query.answer("noted")

    app = ApplicationBuilder().token(tg.token).base_url(tg.api_url).build()
    app.add_handler(MessageHandler(filters.TEXT, echo))
    app.add_handler(CallbackQueryHandler(pressed))
    async with app:
        await app.start()
        await app.updater.start_polling(poll_interval=0, timeout=5, drop_pending_updates=True)
        try:
            tg.enqueue(tg.text_update(USER, "xin chào", language_code="vi"))
            messages = await tg.await_messages(USER, 1, timeout=10)
            tg.enqueue(tg.callback_update(USER, "lang:vi"))
            for _ in range(500):
                if tg.answered_callbacks:
                    break
                await asyncio.sleep(0.01)
        finally:
            await app.updater.stop()
            await app.stop()
    assert [m.text for m in messages] == ["echo: xin chào"]
    assert tg.chat_actions == [(USER, "typing")]
    assert len(tg.answered_callbacks) == 1 and tg.callback_answers[0]["text"] == "noted"
    assert tg.pending_updates == []  # every update was confirmed by the next getUpdates offset
    assert [r.method for r in tg.requests][:3] == ["getMe", "deleteWebhook", "getUpdates"]


# ---------------------------------------------------------------- building updates


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
def test_every_update_builder_parses_with_ptb(tg):
    bot = make_bot(tg)
    built = list(iter_update_builders(tg, USER))
    parsed = {kind: Update.de_json(update, bot) for kind, update in built}
    ids = [update["update_id"] for _, update in built]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)

    text = parsed["text"]
    assert text.message.text == "hello"
    assert text.effective_user.language_code == "vi"
    assert text.effective_chat.type == "private" and text.effective_chat.id == USER

    command = parsed["command"].message
    assert command.text == "/start ref42"
    assert command.entities[0].type == "bot_command" and (command.entities[0].offset, command.entities[0].length) == (0, 6)
    assert command.parse_entities() == {command.entities[0]: "/start"}

    callback = parsed["callback"].callback_query
    assert callback.data == "lang:vi" and callback.from_user.id == USER and callback.chat_instance
    assert callback.message.from_user.is_bot and callback.message.reply_markup is not None

    sticker = parsed["sticker"].message.sticker
    assert sticker.emoji and sticker.type == "regular" and sticker.file_id and sticker.thumbnail.width == 128

    photo = parsed["photo"].message.photo
    assert len(photo) == 4 and photo[-1].width == 1280 and len({p.file_unique_id for p in photo}) == 4

    voice = parsed["voice"].message.voice
    assert voice.mime_type == "audio/ogg" and seconds(voice.duration) == 3

    location = parsed["location"].message.location
    assert (round(location.latitude, 3), round(location.longitude, 3)) == (35.681, 139.767)

    group = parsed["group"]
    assert group.effective_chat.type == "supergroup" and group.effective_chat.id == DEFAULT_SUPERGROUP_ID
    assert group.effective_user.id == USER and group.message.text == "hi all"

    # message ids continue per chat, across kinds
    private_ids = [u.effective_message.message_id for k, u in parsed.items() if k not in ("group", "callback")]
    assert private_ids == sorted(private_ids)


def test_text_update_options(tg):
    no_language = tg.text_update(USER, "hi", language_code=None)
    assert "language_code" not in no_language["message"]["from"]
    group = tg.text_update(USER, "/help@helpline_test_bot please", chat_type="group")
    assert group["message"]["chat"]["type"] == "group"
    assert group["message"]["entities"] == [{"offset": 0, "length": 23, "type": "bot_command"}]
    assert "entities" not in tg.text_update(USER, "a/b is not a command")["message"]
    with pytest.raises(ValueError):
        tg.text_update(USER, "x", chat_type="channel")


def test_callback_on_an_unknown_message_is_inaccessible(tg):
    update = Update.de_json(tg.callback_update(USER, "old", message_id=77), make_bot(tg))
    message = update.callback_query.message
    # Telegram sends an InaccessibleMessage (date 0); PTB 22 reads it as a Message that is not accessible.
    assert message.is_accessible is False and message.message_id == 77 and message.chat.id == USER


# ---------------------------------------------------------------- webhook delivery


class _Receiver:
    """A minimal webhook endpoint that records what it receives."""

    def __init__(self) -> None:
        received = self.received = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                received.append((dict(self.headers), json.loads(body)))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/telegram"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    r = _Receiver()
    yield r
    r.close()


@pytest.mark.asyncio
async def test_deliver_sends_the_update_with_the_secret_header(tg, receiver):
    async with make_bot(tg) as bot:
        await bot.set_webhook(receiver.url, secret_token="webhook_secret-1")
    update = tg.text_update(USER, "via webhook")

    assert tg.deliver(receiver.url, update).status_code == 200
    assert (await tg.adeliver(None, update, secret="forged")).status_code == 200
    assert tg.deliver(receiver.url, update, secret=None).status_code == 200

    (h1, body1), (h2, _), (h3, _) = receiver.received
    headers = [{k.lower(): v for k, v in h.items()} for h in (h1, h2, h3)]
    assert headers[0][SECRET_HEADER.lower()] == "webhook_secret-1"
    assert headers[0]["content-type"] == "application/json"
    assert headers[1][SECRET_HEADER.lower()] == "forged"
    assert SECRET_HEADER.lower() not in headers[2]
    assert body1 == update


# ---------------------------------------------------------------- waiting, threads


def test_wait_for_messages_waits_for_a_bot_in_another_thread(tg):
    tg.text_update(USER, "hello")

    def gateway():
        time.sleep(0.2)
        for text in ("one", "two"):
            httpx.post(f"{tg.api_url}{tg.token}/sendMessage", data={"chat_id": USER, "text": text})

    threading.Thread(target=gateway).start()
    messages = tg.wait_for_messages(USER, 2, timeout=5)
    assert [m.text for m in messages] == ["one", "two"]
    with pytest.raises(WaitTimeout, match="expected 3 message"):
        tg.wait_for_messages(USER, 3, timeout=0.2)


@pytest.mark.asyncio
async def test_await_messages_does_not_block_the_loop(tg):
    tg.text_update(USER, "hello")
    async with make_bot(tg) as bot:
        async def later():
            await asyncio.sleep(0.1)
            await bot.send_message(USER, "async")

        task = asyncio.create_task(later())
        messages = await tg.await_messages(USER, 1, timeout=5)
        await task
    assert [m.text for m in messages] == ["async"]


def test_concurrent_sends_get_unique_increasing_message_ids(tg):
    tg.text_update(USER, "hello")

    def send(n):
        with httpx.Client() as client:
            for i in range(10):
                client.post(f"{tg.api_url}{tg.token}/sendMessage", data={"chat_id": USER, "text": f"{n}-{i}"})

    threads = [threading.Thread(target=send, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    ids = [m.message_id for m in tg.messages_to(USER)]
    assert len(ids) == 40 and sorted(ids) == ids and len(set(ids)) == 40
    assert ids[0] == 2

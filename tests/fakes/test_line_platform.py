"""Tests of the fake LINE platform, driven by the real line-bot-sdk 3 async client.

The last tests replay everything a session sent and received through an independent
validator (openapi-core for messaging-api.yml and webhook.yml), so a drift of the fake from
LINE's published specification fails here rather than in the gateway's tests.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import http.server
import json
import threading
import time
import uuid
from contextlib import asynccontextmanager, contextmanager
from typing import Any, AsyncIterator, Iterator

import httpx
import pytest
from linebot.v3.exceptions import InvalidSignatureError
from linebot.v3.messaging import (
    ApiException,
    AsyncApiClient,
    AsyncMessagingApi,
    AsyncMessagingApiBlob,
    Configuration,
    MessageAction,
    PushMessageRequest,
    QuickReply,
    QuickReplyItem,
    ReplyMessageRequest,
    ShowLoadingAnimationRequest,
    TextMessage,
)
from linebot.v3.webhook import WebhookParser
from linebot.v3.webhooks import (
    AudioMessageContent,
    FileMessageContent,
    FollowEvent,
    GroupSource,
    ImageMessageContent,
    LocationMessageContent,
    MessageEvent,
    PostbackEvent,
    StickerMessageContent,
    TextMessageContent,
    UnfollowEvent,
    VideoMessageContent,
)

from . import line_platform
from .line_platform import (
    MESSAGING_API_SPEC,
    WEBHOOK_SPEC,
    FakeLinePlatform,
    grapheme_len,
    utf16_len,
    validate_webhook_body,
)

asyncio_test = pytest.mark.asyncio


@pytest.fixture
def line() -> Iterator[FakeLinePlatform]:
    with FakeLinePlatform() as platform:
        yield platform


@asynccontextmanager
async def sdk(platform: FakeLinePlatform, token: str | None = None) -> AsyncIterator[AsyncMessagingApi]:
    configuration = Configuration(host=platform.api_url, access_token=token or platform.access_token)
    async with AsyncApiClient(configuration) as client:
        yield AsyncMessagingApi(client)


def header(exc: ApiException, name: str) -> str | None:
    return {k.lower(): v for k, v in (exc.headers or {}).items()}.get(name.lower())


def error_body(exc: ApiException) -> dict[str, Any]:
    return json.loads(exc.body)


def text(value: str, **extra: Any) -> TextMessage:
    return TextMessage(text=value, **extra)


# ---------------------------------------------------------------------------------------------
# reply
# ---------------------------------------------------------------------------------------------

@asyncio_test
async def test_reply_token_works_once(line: FakeLinePlatform) -> None:
    user = line.new_user_id()
    event = line.text_event(user, "xin chào")
    async with sdk(line) as api:
        response = await api.reply_message(ReplyMessageRequest(reply_token=event["replyToken"], messages=[text("Chào bạn")]))
        assert len(response.sent_messages) == 1 and response.sent_messages[0].id.isdigit()
        assert response.sent_messages[0].quote_token
        with pytest.raises(ApiException) as second:
            await api.reply_message(ReplyMessageRequest(reply_token=event["replyToken"], messages=[text("again")]))
    assert second.value.status == 400
    assert error_body(second.value) == {"message": "Invalid reply token"}
    assert line.messages_to(user) == [{"type": "text", "text": "Chào bạn"}]
    assert [(s.user_id, s.via, s.retry_key) for s in line.sent] == [(user, "reply", None)]
    assert line.reply_token_state(event["replyToken"]) == "used"


@asyncio_test
async def test_expired_reply_token_fails() -> None:
    with FakeLinePlatform(reply_token_ttl=0.3) as line:
        user = line.new_user_id()
        event = line.text_event(user, "hello")
        assert line.reply_token_state(event["replyToken"]) == "valid"
        await asyncio.sleep(0.45)
        assert line.reply_token_state(event["replyToken"]) == "expired"
        async with sdk(line) as api:
            with pytest.raises(ApiException) as excinfo:
                await api.reply_message(ReplyMessageRequest(reply_token=event["replyToken"], messages=[text("late")]))
        assert excinfo.value.status == 400 and error_body(excinfo.value)["message"] == "Invalid reply token"
        assert line.sent == []


@asyncio_test
async def test_expire_reply_token_helper_and_unknown_token(line: FakeLinePlatform) -> None:
    user = line.new_user_id()
    event = line.text_event(user, "hi")
    line.expire_reply_token(event["replyToken"])
    async with sdk(line) as api:
        for token in (event["replyToken"], "0" * 32):
            with pytest.raises(ApiException) as excinfo:
                await api.reply_message(ReplyMessageRequest(reply_token=token, messages=[text("x")]))
            assert excinfo.value.status == 400
    assert line.sent == []


@asyncio_test
async def test_group_reply_goes_to_the_group(line: FakeLinePlatform) -> None:
    group, user = line.new_group_id(), line.new_user_id()
    event = line.group_text_event(group, user, "help")
    assert event["source"] == {"type": "group", "groupId": group, "userId": user}
    async with sdk(line) as api:
        await api.reply_message(ReplyMessageRequest(reply_token=event["replyToken"], messages=[text("ok")]))
    assert line.messages_to(group) == [{"type": "text", "text": "ok"}]
    assert line.messages_to(user) == []


@asyncio_test
async def test_retry_key_on_reply_is_rejected(line: FakeLinePlatform) -> None:
    event = line.text_event(line.new_user_id(), "hi")
    async with httpx.AsyncClient(base_url=line.api_url) as client:
        response = await client.post(
            "/v2/bot/message/reply",
            json={"replyToken": event["replyToken"], "messages": [{"type": "text", "text": "x"}]},
            headers={"Authorization": "Bearer test-token", "X-Line-Retry-Key": str(uuid.uuid4())},
        )
    assert response.status_code == 400
    assert line.reply_token_state(event["replyToken"]) == "valid"


# ---------------------------------------------------------------------------------------------
# push and the retry key
# ---------------------------------------------------------------------------------------------

@asyncio_test
async def test_push_with_retry_key_is_delivered_once(line: FakeLinePlatform) -> None:
    user = line.new_user_id()
    key = str(uuid.uuid4())
    request = PushMessageRequest(to=user, messages=[text("Your appointment is at 10:00")])
    async with sdk(line) as api:
        first = await api.push_message_with_http_info(request, x_line_retry_key=key)
        with pytest.raises(ApiException) as repeat:
            await api.push_message(request, x_line_retry_key=key)
    assert first.status_code == 200
    accepted_id = first.headers["x-line-request-id"]
    assert repeat.value.status == 409
    assert header(repeat.value, "x-line-accepted-request-id") == accepted_id
    assert header(repeat.value, "x-line-request-id") not in (None, accepted_id)
    body = error_body(repeat.value)
    assert body["message"] == "The retry key is already accepted"
    assert body["sentMessages"] == [m.to_dict() for m in first.data.sent_messages]
    assert len(line.sent) == 1 and line.sent[0].retry_key == key and line.sent[0].via == "push"
    assert line.messages_to(user) == [{"type": "text", "text": "Your appointment is at 10:00"}]


@asyncio_test
async def test_push_without_retry_key_is_always_executed(line: FakeLinePlatform) -> None:
    user = line.new_user_id()
    async with sdk(line) as api:
        for _ in range(2):
            await api.push_message(PushMessageRequest(to=user, messages=[text("same")]))
    assert len(line.messages_to(user)) == 2


@asyncio_test
async def test_concurrent_pushes_with_one_retry_key_execute_once(line: FakeLinePlatform) -> None:
    user, key = line.new_user_id(), str(uuid.uuid4())
    request = PushMessageRequest(to=user, messages=[text("once")])
    async with sdk(line) as api:
        results = await asyncio.gather(*(api.push_message(request, x_line_retry_key=key) for _ in range(10)),
                                       return_exceptions=True)
    statuses = sorted(getattr(r, "status", 200) for r in results)
    assert statuses == [200] + [409] * 9
    assert len(line.messages_to(user)) == 1


@asyncio_test
async def test_non_uuid_retry_key_is_rejected(line: FakeLinePlatform) -> None:
    user = line.new_user_id()
    async with sdk(line) as api:
        with pytest.raises(ApiException) as excinfo:
            await api.push_message(PushMessageRequest(to=user, messages=[text("x")]), x_line_retry_key="attempt-1")
    assert excinfo.value.status == 400
    assert error_body(excinfo.value)["details"][0]["property"] == "X-Line-Retry-Key"
    assert line.sent == []


@asyncio_test
async def test_lost_response_then_retry_gets_409_and_one_delivery(line: FakeLinePlatform) -> None:
    """fail_next(executed=True): LINE carried the push out but the answer was a 500."""
    user, key = line.new_user_id(), str(uuid.uuid4())
    line.fail_next("/v2/bot/message/push", 500, executed=True)
    request = PushMessageRequest(to=user, messages=[text("hello")])
    async with sdk(line) as api:
        with pytest.raises(ApiException) as first:
            await api.push_message(request, x_line_retry_key=key)
        with pytest.raises(ApiException) as retry:
            await api.push_message(request, x_line_retry_key=key)
    assert first.value.status == 500 and retry.value.status == 409
    assert len(line.messages_to(user)) == 1


@asyncio_test
async def test_push_to_a_user_who_blocked_is_accepted_but_not_delivered(line: FakeLinePlatform) -> None:
    user = line.new_user_id()
    line.unfollow_event(user)
    async with sdk(line) as api:
        await api.push_message(PushMessageRequest(to=user, messages=[text("are you there?")]))
        line.follow_event(user, unblocked=True)
        await api.push_message(PushMessageRequest(to=user, messages=[text("welcome back")]))
    assert [s.messages[0]["text"] for s in line.undelivered] == ["are you there?"]
    assert line.messages_to(user) == [{"type": "text", "text": "welcome back"}]


@asyncio_test
async def test_push_to_a_malformed_id_is_rejected(line: FakeLinePlatform) -> None:
    async with sdk(line) as api:
        with pytest.raises(ApiException) as excinfo:
            await api.push_message(PushMessageRequest(to="worker-42", messages=[text("x")]))
    assert excinfo.value.status == 400 and error_body(excinfo.value)["details"][0]["property"] == "to"


# ---------------------------------------------------------------------------------------------
# authentication, limits, unknown paths
# ---------------------------------------------------------------------------------------------

@asyncio_test
async def test_bad_access_token_is_401(line: FakeLinePlatform) -> None:
    async with sdk(line, token="not-the-token") as api:
        with pytest.raises(ApiException) as excinfo:
            await api.push_message(PushMessageRequest(to=line.new_user_id(), messages=[text("x")]))
    assert excinfo.value.status == 401
    assert error_body(excinfo.value) == {
        "message": "Authentication failed. Confirm that the access token in the authorization header is valid."}
    async with httpx.AsyncClient(base_url=line.api_url) as client:
        assert (await client.get("/v2/bot/info")).status_code == 401  # no Authorization at all
    assert line.sent == []


@asyncio_test
async def test_six_messages_are_rejected(line: FakeLinePlatform) -> None:
    user = line.new_user_id()
    event = line.text_event(user, "hi")
    six = [text(f"part {i}") for i in range(6)]
    # the SDK refuses to build it (max_items=5); construct() skips its check so the server decides
    async with sdk(line) as api:
        with pytest.raises(ApiException) as push:
            await api.push_message(PushMessageRequest.construct(to=user, messages=six))
        with pytest.raises(ApiException) as reply:
            await api.reply_message(ReplyMessageRequest.construct(reply_token=event["replyToken"], messages=six))
    for exc in (push.value, reply.value):
        assert exc.status == 400
        assert {"message": "Size must be between 1 and 5", "property": "messages"} in error_body(exc)["details"]
    assert line.sent == []
    assert line.reply_token_state(event["replyToken"]) == "valid"  # a rejected call does not use the token


def quick_reply(*labels: str) -> QuickReply:
    return QuickReply.construct(items=[QuickReplyItem(action=MessageAction(label=label, text=label)) for label in labels])


@asyncio_test
async def test_quick_reply_limits(line: FakeLinePlatform) -> None:
    user = line.new_user_id()
    burmese = "ဆက်သွယ်ရန်" * 3  # 30 code points, 18 grapheme clusters: LINE counts labels in graphemes
    assert len(burmese) > 20 >= grapheme_len(burmese)
    async with sdk(line) as api:
        with pytest.raises(ApiException) as long_label:
            await api.push_message(PushMessageRequest(to=user, messages=[text("?", quick_reply=quick_reply("x" * 21))]))
        with pytest.raises(ApiException) as many:
            await api.push_message(PushMessageRequest(to=user, messages=[
                text("?", quick_reply=quick_reply(*[str(i) for i in range(14)]))]))
        await api.push_message(PushMessageRequest(to=user, messages=[
            text("?", quick_reply=quick_reply("a" * 20, burmese, *[str(i) for i in range(11)]))]))
    assert long_label.value.status == 400
    assert error_body(long_label.value)["details"] == [
        {"message": "Length must be between 0 and 20", "property": "messages[0].quickReply.items[0].action.label"}]
    assert many.value.status == 400
    assert any(d["property"] == "messages[0].quickReply.items" for d in error_body(many.value)["details"])
    assert len(line.messages_to(user)) == 1


@asyncio_test
async def test_text_length_counts_utf16_code_units(line: FakeLinePlatform) -> None:
    user = line.new_user_id()
    fits, too_long = "🍎" * 2500, "🍎" * 2500 + "a"
    assert (utf16_len(fits), utf16_len(too_long)) == (5000, 5001)
    async with sdk(line) as api:
        await api.push_message(PushMessageRequest(to=user, messages=[text(fits)]))
        with pytest.raises(ApiException) as excinfo:
            await api.push_message(PushMessageRequest(to=user, messages=[text(too_long)]))
        with pytest.raises(ApiException) as empty:
            await api.push_message(PushMessageRequest(to=user, messages=[text("")]))
    assert error_body(excinfo.value)["details"] == [
        {"message": "Length must be between 0 and 5000", "property": "messages[0].text"}]
    assert empty.value.status == 400
    assert len(line.messages_to(user)) == 1


@asyncio_test
async def test_discriminator_is_enforced(line: FakeLinePlatform) -> None:
    """openapi-core lets these through; LINE (and the fake) reject them."""
    user = line.new_user_id()
    async with httpx.AsyncClient(base_url=line.api_url, headers={"Authorization": "Bearer test-token"}) as client:
        no_text = await client.post("/v2/bot/message/push", json={"to": user, "messages": [{"type": "text"}]})
        bogus = await client.post("/v2/bot/message/push", json={"to": user, "messages": [{"type": "txt", "text": "x"}]})
        not_json = await client.post("/v2/bot/message/push", content=b"{", headers={"Content-Type": "application/json"})
    assert no_text.status_code == 400
    assert no_text.json()["details"] == [{"message": "must be specified", "property": "messages[0].text"}]
    assert bogus.status_code == 400 and bogus.json()["details"][0]["property"] == "messages[0].type"
    assert not_json.status_code == 400
    assert line.sent == []


@asyncio_test
async def test_unknown_path_is_404_and_unimplemented_operation_is_501(line: FakeLinePlatform) -> None:
    async with httpx.AsyncClient(base_url=line.api_url, headers={"Authorization": "Bearer test-token"}) as client:
        unknown = await client.post("/v2/bot/message/replies", json={})
        unimplemented = await client.get("/v2/bot/followers/ids")
    assert unknown.status_code == 404 and unknown.json() == {"message": "Not found"}
    assert unknown.headers["x-line-request-id"]
    assert unimplemented.status_code == 501


# ---------------------------------------------------------------------------------------------
# loading animation, profile, content, bot info
# ---------------------------------------------------------------------------------------------

@asyncio_test
async def test_loading_animation_is_recorded(line: FakeLinePlatform) -> None:
    user = line.new_user_id()
    async with sdk(line) as api:
        await api.show_loading_animation(ShowLoadingAnimationRequest(chat_id=user, loading_seconds=10))
        await api.show_loading_animation(ShowLoadingAnimationRequest(chat_id=user))  # LINE's default: 20 s
        with pytest.raises(ApiException) as step:
            await api.show_loading_animation(ShowLoadingAnimationRequest(chat_id=user, loading_seconds=7))
        with pytest.raises(ApiException) as group:
            await api.show_loading_animation(ShowLoadingAnimationRequest(chat_id=line.new_group_id()))
    assert line.loading_started == [(user, 10), (user, 20)]
    assert step.value.status == 400 and group.value.status == 400
    async with httpx.AsyncClient(base_url=line.api_url, headers={"Authorization": "Bearer test-token"}) as client:
        too_long = await client.post("/v2/bot/chat/loading/start", json={"chatId": user, "loadingSeconds": 65})
    assert too_long.status_code == 400 and too_long.json()["details"][0]["property"] == "loadingSeconds"


@asyncio_test
async def test_profile_is_returned(line: FakeLinePlatform) -> None:
    user, stranger = line.new_user_id(), line.new_user_id()
    line.profiles[user] = {"displayName": "Nguyễn Thị Lan", "language": "vi"}
    async with sdk(line) as api:
        profile = await api.get_profile(user)
        with pytest.raises(ApiException) as missing:
            await api.get_profile(stranger)
    assert (profile.user_id, profile.display_name, profile.language) == (user, "Nguyễn Thị Lan", "vi")
    assert missing.value.status == 404


@asyncio_test
async def test_media_content_and_bot_info(line: FakeLinePlatform) -> None:
    user = line.new_user_id()
    event = line.media_event(user, "image", content=b"\xff\xd8\xff fake jpeg")
    configuration = Configuration(host=line.api_url, access_token=line.access_token)
    async with AsyncApiClient(configuration) as client:
        content = await AsyncMessagingApiBlob(client).get_message_content(event["message"]["id"])
        info = await AsyncMessagingApi(client).get_bot_info()
    assert bytes(content) == b"\xff\xd8\xff fake jpeg"
    assert info.user_id == line.bot_user_id


# ---------------------------------------------------------------------------------------------
# failure injection
# ---------------------------------------------------------------------------------------------

@asyncio_test
async def test_fail_next(line: FakeLinePlatform) -> None:
    user = line.new_user_id()
    line.fail_next("/v2/bot/message/push", 429, times=2)
    line.fail_next("/v2/bot/profile/{userId}", 500, body={"message": "boom"})
    line.profiles[user] = {"displayName": "A"}
    async with sdk(line) as api:
        statuses = []
        for _ in range(3):
            try:
                await api.push_message(PushMessageRequest(to=user, messages=[text("x")]))
                statuses.append(200)
            except ApiException as exc:
                statuses.append(exc.status)
                assert error_body(exc) == {"message": "The API rate limit has been exceeded. Try again later."}
        with pytest.raises(ApiException) as boom:
            await api.get_profile(user)
        assert (await api.get_profile(user)).display_name == "A"
    assert statuses == [429, 429, 200]
    assert boom.value.status == 500 and error_body(boom.value) == {"message": "boom"}
    assert len(line.messages_to(user)) == 1


@asyncio_test
async def test_failed_reply_keeps_the_token(line: FakeLinePlatform) -> None:
    user = line.new_user_id()
    event = line.text_event(user, "hi")
    line.fail_next("/v2/bot/message/reply", 500)
    async with sdk(line) as api:
        with pytest.raises(ApiException):
            await api.reply_message(ReplyMessageRequest(reply_token=event["replyToken"], messages=[text("1")]))
        await api.reply_message(ReplyMessageRequest(reply_token=event["replyToken"], messages=[text("2")]))
    assert line.messages_to(user) == [{"type": "text", "text": "2"}]


# ---------------------------------------------------------------------------------------------
# webhooks
# ---------------------------------------------------------------------------------------------

@contextmanager
def receiver(delay: float = 0.0) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """A bare HTTP server standing in for the gateway; records what it receives."""
    received: list[dict[str, Any]] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append({"headers": dict(self.headers), "body": body})
            time.sleep(delay)
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/callback", received
    finally:
        server.shutdown()
        server.server_close()


def all_events(line: FakeLinePlatform, user: str) -> list[dict[str, Any]]:
    return [
        line.text_event(user, "Tôi bị nợ lương"),
        line.postback_event(user, "action=handoff"),
        line.sticker_event(user),
        *(line.media_event(user, kind) for kind in ("image", "audio", "video", "file")),
        line.location_event(user),
        line.follow_event(user),
        line.unfollow_event(user),
        line.group_text_event(line.new_group_id(), user, "hi"),
    ]


def test_deliver_signs_so_the_sdk_parser_accepts(line: FakeLinePlatform) -> None:
    user = line.new_user_id()
    events = all_events(line, user)
    with receiver() as (url, received):
        response = line.deliver(url, events)
        forged = line.deliver(url, events[:1], signature=base64.b64encode(b"x" * 32).decode())
    assert response.status_code == 200 and forged.status_code == 200
    body, headers = received[0]["body"], received[0]["headers"]
    assert headers["Content-Type"].startswith("application/json")
    signature = headers["X-Line-Signature"]
    expected = base64.b64encode(hmac.new(b"test-secret", body, hashlib.sha256).digest()).decode()
    assert signature == expected
    parsed = WebhookParser("test-secret").parse(body.decode("utf-8"), signature)
    kinds = [(type(e).__name__, type(getattr(e, "message", None)).__name__) for e in parsed]
    assert kinds == [
        (MessageEvent.__name__, TextMessageContent.__name__),
        (PostbackEvent.__name__, "NoneType"),
        (MessageEvent.__name__, StickerMessageContent.__name__),
        (MessageEvent.__name__, ImageMessageContent.__name__),
        (MessageEvent.__name__, AudioMessageContent.__name__),
        (MessageEvent.__name__, VideoMessageContent.__name__),
        (MessageEvent.__name__, FileMessageContent.__name__),
        (MessageEvent.__name__, LocationMessageContent.__name__),
        (FollowEvent.__name__, "NoneType"),
        (UnfollowEvent.__name__, "NoneType"),
        (MessageEvent.__name__, TextMessageContent.__name__),
    ]
    assert parsed[0].message.text == "Tôi bị nợ lương" and parsed[0].source.user_id == user
    assert isinstance(parsed[-1].source, GroupSource)
    with pytest.raises(InvalidSignatureError):
        WebhookParser("test-secret").parse(received[1]["body"].decode(), received[1]["headers"]["X-Line-Signature"])
    with pytest.raises(InvalidSignatureError):  # right signature, other channel's secret
        WebhookParser("other-secret").parse(body.decode("utf-8"), signature)


def test_event_shapes(line: FakeLinePlatform) -> None:
    user = line.new_user_id()
    event = line.text_event(user, "hi")
    assert len(event["webhookEventId"]) == 26 and event["webhookEventId"].isalnum()
    assert event["deliveryContext"] == {"isRedelivery": False} and event["mode"] == "active"
    assert abs(event["timestamp"] - time.time() * 1000) < 5000
    assert event["source"] == {"type": "user", "userId": user}
    assert line.reply_token_state(event["replyToken"]) == "valid"
    assert "replyToken" not in line.unfollow_event(user)
    with pytest.raises(ValueError):
        line.text_event("user-1", "hi")
    with pytest.raises(ValueError):
        line.media_event(user, "gif")


def test_redelivery_keeps_the_event_id(line: FakeLinePlatform) -> None:
    user = line.new_user_id()
    event = line.text_event(user, "hi")
    again = line.redelivery(event)
    assert again["webhookEventId"] == event["webhookEventId"]
    assert again["message"] == event["message"] and again["timestamp"] == event["timestamp"]
    assert again["deliveryContext"] == {"isRedelivery": True} and event["deliveryContext"] == {"isRedelivery": False}
    assert again["replyToken"] != event["replyToken"]
    assert line.reply_token_state(again["replyToken"]) == "valid"
    assert line.redelivery(event, reuse_reply_token=True)["replyToken"] == event["replyToken"]
    assert validate_webhook_body({"destination": line.bot_user_id, "events": [event, again]}) == []


@asyncio_test
async def test_adeliver_and_the_two_second_timeout(line: FakeLinePlatform) -> None:
    user = line.new_user_id()
    with receiver() as (url, received):
        response = await line.adeliver(url, [line.text_event(user, "hi")])
    assert response.status_code == 200
    assert WebhookParser("test-secret").parse(received[0]["body"].decode(), received[0]["headers"]["X-Line-Signature"])
    with receiver(delay=0.5) as (url, _):
        with pytest.raises(httpx.TimeoutException):
            await line.adeliver(url, [line.text_event(user, "slow gateway")], timeout=0.2)


def test_deliver_raw_body_and_invalid_events(line: FakeLinePlatform) -> None:
    with receiver() as (url, received):
        line.deliver(url, [], body=b'{"destination":"x","events":[]}')
        with pytest.raises(AssertionError, match="webhook.yml"):
            line.deliver(url, [{"type": "message", "message": {"type": "text"}}])
    assert received[0]["body"] == b'{"destination":"x","events":[]}'
    assert received[0]["headers"]["X-Line-Signature"] == line.sign(b'{"destination":"x","events":[]}')
    assert len(received) == 1


def test_webhook_validator_is_not_vacuous(line: FakeLinePlatform) -> None:
    event = line.text_event(line.new_user_id(), "hi")
    broken = json.loads(json.dumps(event))
    del broken["message"]["quoteToken"]
    assert validate_webhook_body({"destination": line.bot_user_id, "events": [broken]}) == [
        "events[0].message.quoteToken: must be specified"]
    assert validate_webhook_body({"destination": "bot", "events": [event]})
    assert validate_webhook_body({"destination": line.bot_user_id, "events": [{**event, "type": "messages"}]})


# ---------------------------------------------------------------------------------------------
# waiting for messages
# ---------------------------------------------------------------------------------------------

@asyncio_test
async def test_wait_for_messages(line: FakeLinePlatform) -> None:
    user = line.new_user_id()

    async def push_later() -> None:
        await asyncio.sleep(0.1)
        async with sdk(line) as api:
            await api.push_message(PushMessageRequest(to=user, messages=[text("1"), text("2")]))

    task = asyncio.create_task(push_later())
    messages = await line.await_messages(user, 2, timeout=5)
    await task
    assert [m["text"] for m in messages] == ["1", "2"]
    assert await asyncio.to_thread(line.wait_for_messages, user, 2, 1) == messages
    line.fail_next("/v2/bot/message/push", 400, body={"message": "nope"})
    async with sdk(line) as api:
        with pytest.raises(ApiException):
            await api.push_message(PushMessageRequest(to=user, messages=[text("3")]))
    with pytest.raises(AssertionError, match=r"(?s)2 of 3 messages.*push -> 400"):
        await asyncio.to_thread(line.wait_for_messages, user, 3, 0.2)


# ---------------------------------------------------------------------------------------------
# the fake against LINE's specification, through an independent validator
# ---------------------------------------------------------------------------------------------

async def full_session(line: FakeLinePlatform) -> None:
    """Exercise every implemented operation, with successes and failures."""
    user, other = line.new_user_id(), line.new_user_id()
    line.profiles[user] = {"displayName": "Somchai", "language": "th", "pictureUrl": "https://example.com/p.png"}
    event, media = line.text_event(user, "hi"), line.media_event(user, "audio")
    key = str(uuid.uuid4())
    qr = quick_reply("ใช่", "ไม่ใช่")

    async def attempt(call: Any) -> None:
        try:
            await call
        except ApiException:
            pass

    async with sdk(line) as api:
        await api.reply_message(ReplyMessageRequest(reply_token=event["replyToken"], messages=[text("a", quick_reply=qr)]))
        await attempt(api.reply_message(ReplyMessageRequest(reply_token=event["replyToken"], messages=[text("b")])))
        await api.push_message(PushMessageRequest(to=user, messages=[text("c")]), x_line_retry_key=key)
        await attempt(api.push_message(PushMessageRequest(to=user, messages=[text("c")]), x_line_retry_key=key))
        await attempt(api.push_message(PushMessageRequest(to=user, messages=[text("d")]), x_line_retry_key="nope"))
        await attempt(api.push_message(PushMessageRequest.construct(to=user, messages=[text("e")] * 6)))
        await api.show_loading_animation(ShowLoadingAnimationRequest(chat_id=user, loading_seconds=30))
        await attempt(api.show_loading_animation(ShowLoadingAnimationRequest(chat_id=user, loading_seconds=12)))
        await api.get_profile(user)
        await attempt(api.get_profile(other))
        await api.get_bot_info()
        line.fail_next("/v2/bot/message/push", 429)
        await attempt(api.push_message(PushMessageRequest(to=user, messages=[text("f")])))
        line.fail_next("/v2/bot/message/push", 500)
        await attempt(api.push_message(PushMessageRequest(to=user, messages=[text("g")])))
    async with sdk(line, token="wrong") as api:
        await attempt(api.get_bot_info())
    configuration = Configuration(host=line.api_url, access_token=line.access_token)
    async with AsyncApiClient(configuration) as client:
        blob = AsyncMessagingApiBlob(client)
        await blob.get_message_content(media["message"]["id"])
        status = await blob.get_message_content_transcoding_by_message_id(media["message"]["id"])
        assert status.status == "succeeded"
        await attempt(blob.get_message_content("1" * 18))
    async with httpx.AsyncClient(base_url=line.api_url, headers={"Authorization": "Bearer test-token"}) as client:
        await client.get("/v2/bot/no/such/path")


def _openapi(path: Any) -> Any:
    from openapi_core import OpenAPI

    return OpenAPI.from_path(path)


@asyncio_test
async def test_every_exchange_conforms_to_messaging_api_yml(line: FakeLinePlatform) -> None:
    from openapi_core.testing import MockRequest, MockResponse
    from openapi_schema_validator import OAS30Validator

    await full_session(line)
    api = _openapi(MESSAGING_API_SPEC)
    raw = line.messaging_spec.raw
    error_schema = {**raw["components"]["schemas"]["ErrorResponse"], "components": raw["components"]}
    error_schema["properties"] = {**error_schema["properties"],
                                  "details": {"type": "array", "items": raw["components"]["schemas"]["ErrorDetail"]},
                                  "sentMessages": {"type": "array", "items": raw["components"]["schemas"]["SentMessage"]}}
    covered: set[tuple[str, str, int]] = set()
    exchanges = line.requests
    assert len(exchanges) >= 18
    for record in exchanges:
        assert record.status is not None
        request_id = record.response_headers.get("x-line-request-id", "")
        assert uuid.UUID(request_id), f"{record.method} {record.path}: no x-line-request-id"
        found = line.messaging_spec.find(record.path)
        template = found[0] if found else "(unknown)"
        covered.add((record.method, template, record.status))
        # the fake's own check, and an independent one (openapi-core) wherever the spec declares the status
        assert line.messaging_spec.validate_response(record.method, record.path, record.status,
                                                     record.response_headers, record.response_body) == []
        operation = raw["paths"].get(template, {}).get(record.method.lower(), {})
        host = (operation.get("servers") or raw["servers"])[0]["url"]
        request = MockRequest(host, record.method.lower(), record.path,
                              headers={k: v for k, v in record.headers.items()},
                              data=record.body or None,
                              content_type=record.headers.get("Content-Type", "application/json").split(";")[0])
        if 200 <= record.status < 300:
            api.validate_request(request)
            assert record.spec_errors == []
        media = record.response_headers.get("content-type", "").split(";")[0]
        if str(record.status) in operation.get("responses", {}):
            response = MockResponse(record.response_body, status_code=record.status,
                                    headers=record.response_headers, content_type=media)
            api.validate_response(request, response)
        else:
            assert record.status >= 400 and media == "application/json"
            OAS30Validator(error_schema).validate(record.response_json)
    assert line.spec_violations == []
    for expected in [
        ("POST", "/v2/bot/message/reply", 200), ("POST", "/v2/bot/message/reply", 400),
        ("POST", "/v2/bot/message/push", 200), ("POST", "/v2/bot/message/push", 409),
        ("POST", "/v2/bot/message/push", 400), ("POST", "/v2/bot/message/push", 429),
        ("POST", "/v2/bot/message/push", 500), ("POST", "/v2/bot/chat/loading/start", 202),
        ("POST", "/v2/bot/chat/loading/start", 400), ("GET", "/v2/bot/profile/{userId}", 200),
        ("GET", "/v2/bot/profile/{userId}", 404), ("GET", "/v2/bot/info", 200), ("GET", "/v2/bot/info", 401),
        ("GET", "/v2/bot/message/{messageId}/content", 200),
        ("GET", "/v2/bot/message/{messageId}/content/transcoding", 200), ("GET", "(unknown)", 404),
    ]:
        assert expected in covered, expected


def test_every_webhook_conforms_to_webhook_yml(line: FakeLinePlatform) -> None:
    from openapi_core.testing import MockRequest

    api = _openapi(WEBHOOK_SPEC)
    user = line.new_user_id()
    events = all_events(line, user)
    events.append(line.redelivery(events[0]))
    with receiver() as (url, received):
        for event in events:
            line.deliver(url, [event])
        line.deliver(url, events)
    assert len(received) == len(events) + 1
    for item in received:
        assert validate_webhook_body(item["body"]) == []
        api.validate_request(MockRequest("https://example.com", "post", "/callback", data=item["body"],
                                         content_type="application/json"))


@asyncio_test
async def test_a_response_outside_the_spec_is_loud(monkeypatch: pytest.MonkeyPatch) -> None:
    """If the fake drifts (here: a bot-info answer missing required fields), it says so."""
    monkeypatch.setitem(line_platform._HANDLERS, ("GET", "/v2/bot/info"),
                        lambda self, request, record: line_platform._Answer(200, {"userId": "U1"}))
    platform = FakeLinePlatform()
    with pytest.raises(AssertionError, match="basicId"):
        with platform:
            async with sdk(platform) as api:
                with pytest.raises(ApiException) as excinfo:
                    await api.get_bot_info()
            assert excinfo.value.status == 500
            assert any("basicId" in v for v in platform.spec_violations)

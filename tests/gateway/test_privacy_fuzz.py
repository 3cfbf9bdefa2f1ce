"""Random and malformed input to the webhooks and the console: never a 5xx, every valid message answered.

This module runs last on the shared gateway (its load would slow the others down); its last test reads
the gateway's whole log, written during every conversation of the session.
"""

from __future__ import annotations

import json
import time
from typing import Callable

import httpx
from hypothesis import HealthCheck, given, settings, strategies as st

from tests.gateway.conftest import SAID, TELEGRAM_SECRET, line_messages, new_chat_id, telegram_messages
from content import notices
from content.languages import LANGUAGES
from tests.gateway.test_end_to_end import answer, translated

ONE_MOMENT = {translated(language, "notice", notices.ONE_MOMENT) for language in LANGUAGES}


def answered(read: Callable[[], list[str]], timeout: float = 90) -> bool:
    """An answer or a kind notice arrives, not only the "one moment" note (which is no answer)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(text not in ONE_MOMENT for text in read()):
            return True
        time.sleep(0.2)
    return False


FUZZ = settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))

# Text as workers' phones send it, and worse: right-to-left, zero-width, emoji, combining marks.
SPECIAL = st.sampled_from(["\u200b", "\u200f", "\u202e", "\ufeff", "\u0301", "\u0e49", "\U0001f600",
                           "\U0001f1ef\U0001f1f5", "\u05d0", "\u0627", "\ufffd", "\n", "\t", " "])
TEXT = st.lists(st.one_of(st.characters(blacklist_categories=("Cs",)), SPECIAL), min_size=1, max_size=60).map(
    "".join) | st.builds(lambda c, n: c * n, st.sampled_from(["a", "給", "\u0301", "😀 "]), st.integers(1, 10_000))
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=20,
)


@FUZZ
@given(text=TEXT)
def test_any_text_on_line_is_acknowledged_and_answered(gateway, line, text):
    user = line.new_user_id()
    response = line.deliver(f"{gateway.url}/webhooks/line", [line.text_event(user, text[:5000])])
    assert response.status_code == 200
    assert answered(lambda: [m["text"] for m in line_messages(line, user, 0)])


@FUZZ
@given(body=JSON)
def test_malformed_line_bodies_never_cause_a_server_error(gateway, line, body):
    raw = json.dumps(body).encode()
    response = line.deliver(f"{gateway.url}/webhooks/line", [], body=raw)
    assert response.status_code < 500
    forged = line.deliver(f"{gateway.url}/webhooks/line", [], body=raw, signature="Zm9yZ2Vk")
    assert forged.status_code == 401


@FUZZ
@given(raw=st.binary(max_size=2000))
def test_random_bytes_signed_or_not_never_cause_a_server_error(gateway, line, raw):
    assert line.deliver(f"{gateway.url}/webhooks/line", [], body=raw).status_code < 500
    response = httpx.post(f"{gateway.url}/webhooks/telegram", content=raw,
                          headers={"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET})
    assert response.status_code < 500


@FUZZ
@given(update=JSON, text=TEXT)
def test_malformed_telegram_updates_never_cause_a_server_error_and_valid_ones_are_answered(
        gateway, telegram, update, text):
    url = f"{gateway.url}/webhooks/telegram"
    assert telegram.deliver(url, update if isinstance(update, dict) else {"x": update}).status_code < 500
    chat = new_chat_id()
    assert telegram.deliver(url, telegram.text_update(chat, text[:4096])).status_code == 200
    assert answered(lambda: [m.text for m in telegram_messages(telegram, chat, 0)])


@FUZZ
@given(form=st.dictionaries(st.sampled_from(["username", "password", "csrf_token", "next", "text", "x"]),
                            TEXT, max_size=5))
def test_the_console_refuses_nonsense_without_a_server_error(gateway, form):
    for path in ("/console/login", "/console/conversations/1/reply", "/console/logout"):
        response = httpx.post(f"{gateway.url}{path}", data=form, follow_redirects=False)
        assert response.status_code < 500, (path, response.status_code)


def test_the_log_holds_no_message_text_and_no_platform_user_id(gateway, line):
    log = gateway.process.log.read_text()
    users = {s.user_id for s in line.sent}
    assert users and not [u for u in users if u in log]
    assert SAID and not [text for text in SAID if text[:30] in log]
    assert answer("en", "tax")[:30] not in log

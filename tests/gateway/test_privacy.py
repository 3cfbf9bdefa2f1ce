"""Consent, data rights, limits and logs, through the running gateway and the real engine.

"""

from __future__ import annotations

import json
import time
import urllib.request

import httpx

from content import notices
from tests.gateway.conftest import line_messages, line_texts, press, say
from tests.gateway.test_end_to_end import RESPONSES, translated

def tracker_events(engine, worker_id):
    url = f"{engine.url}/conversations/{worker_id}/tracker?token={engine.token}"
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.loads(response.read())["events"]


def test_first_contact_is_answered_then_asked_for_consent(gateway, line):
    user = line.new_user_id()
    say(line, gateway, user, "xin chao, toi muon hoi ve luong")
    first, consent = line_messages(line, user, 2, consent=True)[:2]
    assert "consent" not in json.dumps(first)  # the answer comes first: nobody waits for a form
    assert consent["text"].startswith(translated("vi", "notice", notices.CONSENT_REQUEST).split("{days}")[0])
    assert "/privacy/vi" in consent["text"] and "90" in consent["text"]
    assert translated("vi", "notice", notices.CONSENT_URGENT) in consent["text"]
    assert [i["action"]["data"] for i in consent["quickReply"]["items"]] == ["/consent yes", "/consent no"]
    privacy = httpx.get(f"{gateway.url}/privacy/vi")
    assert privacy.status_code == 200 and translated("vi", "privacy", notices.PRIVACY_TITLE) in privacy.text


def test_a_worker_who_declines_still_gets_answers_and_nothing_is_kept(gateway, line, engine):
    user = line.new_user_id()
    press(line, gateway, user, "/consent no")
    [declined] = line_texts(line, user, 1)
    assert declined == translated("en", "notice", notices.CONSENT_DECLINED)
    say(line, gateway, user, "how do I send money home safely")
    assert line_texts(line, user, 2)[1].startswith(RESPONSES["utter_remittance"][0]["text"])
    press(line, gateway, user, "/goodbye")
    line_texts(line, user, 3)  # by now the previous event's data has been scrubbed
    wid = gateway.worker_id(user)
    assert gateway.count("SELECT count(*) FROM message_log WHERE worker_id = ?", wid) == 0
    assert gateway.count("SELECT count(*) FROM events WHERE worker_id = ? AND inbound LIKE '%money%'", wid) == 0
    assert "money" not in json.dumps(tracker_events(engine, wid))


def test_mydata_shows_what_is_kept(gateway, line):
    user = line.new_user_id()
    press(line, gateway, user, "/consent yes")
    say(line, gateway, user, "what is the minimum wage")
    say(line, gateway, user, "/mydata")
    mine = line_texts(line, user, 3)[2]
    assert mine.startswith(translated("en", "notice", notices.MY_DATA).split("{language}")[0])
    assert "English" in mine and "(number: 3)" in mine and "90" in mine


def test_delete_my_data_asks_then_erases_everything_in_the_gateway_and_the_engine(gateway, line, engine):
    user = line.new_user_id()
    press(line, gateway, user, "/consent yes")
    say(line, gateway, user, "please delete my data")  # the engine understands it, the gateway does it
    asked = line_messages(line, user, 2)[1]
    assert asked["text"] == translated("en", "notice", notices.DELETE_CONFIRM)
    assert [i["action"]["data"] for i in asked["quickReply"]["items"]] == ["/delete yes", "/delete no"]
    wid = gateway.worker_id(user)
    assert any(e.get("text") == "please delete my data" for e in tracker_events(engine, wid))
    press(line, gateway, user, "/delete yes")
    assert line_texts(line, user, 3)[2] == translated("en", "notice", notices.DELETED)
    for _ in range(100):
        if gateway.worker_id(user) is None:
            break
        time.sleep(0.1)
    assert gateway.worker_id(user) is None
    for table in ("events", "outbox", "message_log", "handoffs"):
        assert gateway.count(f"SELECT count(*) FROM {table} WHERE worker_id = ?", wid) == 0
    assert not [e for e in tracker_events(engine, wid) if e.get("event") == "user"]  # erased before the row
    assert gateway.count("SELECT count(*) FROM audit_log WHERE action = 'worker_erased'") >= 1


def test_a_long_message_is_answered_and_a_huge_body_refused(gateway, line):
    user = line.new_user_id()
    say(line, gateway, user, "My salary was not paid. " * 208)  # about 5,000 characters
    assert line_texts(line, user, 1)[0]
    huge = b"{" + b" " * 5_000_000 + b"}"
    response = httpx.post(f"{gateway.url}/webhooks/line", content=huge,
                          headers={"X-Line-Signature": line.sign(huge), "Content-Type": "application/json"})
    assert response.status_code == 413


def test_a_flood_gets_one_polite_notice_and_every_message_an_answer(gateway, line):
    user = line.new_user_id()
    press(line, gateway, user, "/consent yes")
    line_texts(line, user, 1)
    topics = ["tax", "housing", "bank_account", "garbage_rules", "remittance", "tax", "housing",
              "bank_account", "garbage_rules", "remittance", "tax", "housing"]
    line.deliver(f"{gateway.url}/webhooks/line", [line.postback_event(user, f"/{t}") for t in topics])
    texts = line_texts(line, user, 1 + len(topics) + 1)
    slow = translated("en", "notice", notices.SLOW_DOWN)
    assert texts.count(slow) == 1
    answers = [t for t in texts[1:] if t != slow]
    assert len(answers) == len(topics)  # nothing lost, in order
    assert all(a.startswith(RESPONSES[f"utter_{t}"][0]["text"]) for a, t in zip(answers, topics))


def test_the_privacy_command_sends_the_full_text_in_the_chat(gateway, line):
    user = line.new_user_id()
    press(line, gateway, user, "/privacy")
    text = line_texts(line, user, 1)[0]
    title = translated("en", "privacy", notices.PRIVACY_TITLE)
    assert text.startswith(title + "\n") and "/delete" in text and "90" in text

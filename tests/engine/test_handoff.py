"""The handoff request's wire shape (actions/handoff.py)."""

import re
from pathlib import Path

import pytest

from actions import handoff

INTENTS_MD = Path(__file__).resolve().parents[3] / "shared" / "INTENTS.md"


def test_urgent_intents_get_urgent_requests():
    for intent in handoff.URGENT_INTENTS:
        assert handoff.for_intent(intent).to_payload() == {
            "handoff": {"reason": "urgent_intent", "urgency": "urgent", "topic": intent}
        }


def test_worker_request_and_fallback_are_normal():
    assert handoff.for_intent("request_human", topic="wage_unpaid") == handoff.HandoffRequest(
        "worker_request", "normal", "wage_unpaid"
    )
    assert handoff.for_intent("nlu_fallback") == handoff.HandoffRequest("fallback", "normal", None)


def test_the_urgent_set_is_the_contract():
    assert handoff.URGENT_INTENTS == {"crisis_suicide", "crisis_violence", "need_help"}


def test_payload_round_trip():
    request = handoff.for_intent("crisis_violence")
    assert handoff.HandoffRequest.from_payload(request.to_payload()) == request


@pytest.mark.parametrize("payload", [None, {}, {"handoff": "yes"}, {"other": {}}, ["handoff"]])
def test_other_payloads_are_not_requests(payload):
    assert handoff.HandoffRequest.from_payload(payload) is None


def test_unknown_values_are_refused():
    with pytest.raises(ValueError):
        handoff.HandoffRequest(reason="bored", urgency="normal")
    with pytest.raises(ValueError):
        handoff.HandoffRequest(reason="fallback", urgency="soon")


@pytest.mark.skipif(not INTENTS_MD.exists(), reason="../shared/INTENTS.md is not beside this checkout")
def test_urgent_set_matches_the_intent_contract():
    urgent = set(re.findall(r"^\| (\w+) \|[^|]*\| urgent \|", INTENTS_MD.read_text(), re.M)) - {"intent"}
    assert urgent == set(handoff.URGENT_INTENTS)

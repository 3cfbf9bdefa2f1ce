"""A gateway command the engine asks for: the worker's data rights are the gateway's to carry out.

The engine understands "what do you keep about me?" and "delete my data" in any language; the gateway
owns the data. So the engine answers those intents with a custom payload naming the command the
gateway runs, exactly as if the worker had typed it. No Rasa import: both environments read it.

Wire shape (the `custom` object of one bot message)::

    {"command": "/mydata"}
"""

from __future__ import annotations

from typing import Any, Dict, Optional

KEY = "command"
MY_DATA = "/mydata"
DELETE = "/delete"

# Intent -> the command it stands for.
FOR_INTENT = {"my_data": MY_DATA, "delete_my_data": DELETE}


def to_payload(command: str) -> Dict[str, Any]:
    return {KEY: command}


def from_payload(payload: Any) -> Optional[str]:
    """The command in a bot message's custom payload, or None."""
    if isinstance(payload, dict) and payload.get(KEY) in FOR_INTENT.values():
        return payload[KEY]
    return None

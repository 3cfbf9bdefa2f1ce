"""How a worker appears in logs: a keyed hash, never the id the engine and the store use."""

from __future__ import annotations

import hashlib
import hmac
import os

_KEY = (os.environ.get("LOG_KEY") or os.urandom(32).hex()).encode()


def pseudonym(worker_id: str) -> str:
    return "w:" + hmac.new(_KEY, worker_id.encode(), hashlib.sha256).hexdigest()[:12]

"""A real engine for the tests: Rasa's HTTP server and the action server, on loopback."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, List, Optional

import pytest
import requests

from tests.support.processes import start_engine


@dataclass(frozen=True)
class Engine:
    url: str
    token: str

    def parse(self, text: str) -> dict:
        response = requests.post(
            f"{self.url}/model/parse", params={"token": self.token}, json={"text": text}, timeout=30
        )
        response.raise_for_status()
        return response.json()

    def say(self, sender: str, text: str, language: Optional[str] = "en") -> List[dict]:
        metadata = {"metadata": {"language": language}} if language else {}
        response = requests.post(
            f"{self.url}/webhooks/rest/webhook",
            json={"sender": sender, "message": text, **metadata},
            timeout=30,
        )
        response.raise_for_status()
        return response.json()


@pytest.fixture(scope="session")
def engine(tmp_path_factory) -> Iterator[Engine]:
    started = start_engine(tmp_path_factory.mktemp("engine"))
    try:
        yield Engine(started.url, started.token)
    finally:
        started.close()

"""A real engine for the tests: Rasa's HTTP server and the action server, on loopback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, List

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "models" / "engine.tar.gz"
BIN = Path(sys.executable).parent
STARTUP_SECONDS = 180


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

    def say(self, sender: str, text: str, language: str = "en") -> List[dict]:
        response = requests.post(
            f"{self.url}/webhooks/rest/webhook",
            json={"sender": sender, "message": text, "metadata": {"language": language}},
            timeout=30,
        )
        response.raise_for_status()
        return response.json()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url} exited early:\n{log.read_text()[-3000:]}")
        try:
            if requests.get(url, timeout=2).ok:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{url} did not start in {STARTUP_SECONDS} s:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="session")
def engine(tmp_path_factory) -> Iterator[Engine]:
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run `make train` first")
    work = tmp_path_factory.mktemp("engine")
    action_port, engine_port = free_port(), free_port()
    token = "test-token"
    endpoints = work / "endpoints.yml"
    endpoints.write_text(f'action_endpoint:\n  url: "http://127.0.0.1:{action_port}/webhook"\n')
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"}
    commands = {
        "actions": [str(BIN / "rasa"), "run", "actions", "--actions", "actions", "-p", str(action_port)],
        "engine": [str(BIN / "rasa"), "run", "-m", str(MODEL), "--enable-api", "--auth-token", token,
                   "-i", "127.0.0.1", "-p", str(engine_port), "--endpoints", str(endpoints),
                   "--credentials", str(ROOT / "credentials.yml")],
    }
    processes = {}
    try:
        for name, command in commands.items():
            log = work / f"{name}.log"
            processes[name] = (subprocess.Popen(command, cwd=ROOT, env=env, stdout=log.open("w"),
                                                stderr=subprocess.STDOUT), log)
        wait_until_up(f"http://127.0.0.1:{action_port}/health", *processes["actions"])
        wait_until_up(f"http://127.0.0.1:{engine_port}/status?token={token}", *processes["engine"])
        yield Engine(f"http://127.0.0.1:{engine_port}", token)
    finally:
        for process, _ in processes.values():
            process.terminate()
        for process, _ in processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()

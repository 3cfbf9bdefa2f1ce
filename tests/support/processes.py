"""Start the real engine (Rasa server + action server) and other processes for tests, on loopback."""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import yaml

ROOT = Path(__file__).resolve().parents[2]
ENGINE_BIN = ROOT / ".venv-engine" / "bin"
MODEL = ROOT / "models" / "engine.tar.gz"
STARTUP_SECONDS = 180
ENV = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def is_up(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


@dataclass
class Process:
    """A child process with its log, stopped and restarted by tests."""

    name: str
    command: list[str]
    health_url: str
    log: Path
    env: dict = field(default_factory=lambda: dict(ENV))
    popen: Optional[subprocess.Popen] = None

    def start(self) -> "Process":
        return self.launch().wait_until_up()

    def launch(self) -> "Process":
        """Start the process without waiting for it (start several, then wait for each)."""
        self.popen = subprocess.Popen(self.command, cwd=ROOT, env=self.env, stdout=self.log.open("a"),
                                      stderr=subprocess.STDOUT)
        return self

    def wait_until_up(self) -> "Process":
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.popen.poll() is not None:
                raise RuntimeError(f"{self.name} exited early:\n{self.log.read_text()[-3000:]}")
            if is_up(self.health_url):
                return self
            time.sleep(0.3)
        raise RuntimeError(f"{self.name} did not start in {STARTUP_SECONDS} s:\n{self.log.read_text()[-3000:]}")

    @property
    def pid(self) -> int:
        return self.popen.pid

    @property
    def url(self) -> str:
        """Where the process serves (its health check's scheme, host and port)."""
        scheme, _, rest = self.health_url.partition("://")
        return f"{scheme}://{rest.split('/')[0]}"

    def stop(self, kill: bool = False) -> None:
        if self.popen is None or self.popen.poll() is not None:
            return
        self.popen.kill() if kill else self.popen.terminate()
        try:
            self.popen.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait()


@dataclass
class Engine:
    """Rasa's HTTP server with the project's endpoints.yml (on free ports) and the action server."""

    url: str
    token: str
    server: Process
    actions: Process

    def stop(self) -> None:
        self.server.stop()

    def start(self) -> None:
        self.server.start()

    def close(self) -> None:
        self.server.stop()
        self.actions.stop()


def start_engine(work: Path, token: str = "test-token") -> Engine:
    if not MODEL.exists():
        raise RuntimeError(f"{MODEL} is missing: run `make train` first")
    action_port, engine_port = free_port(), free_port()
    config = yaml.safe_load((ROOT / "endpoints.yml").read_text())  # the real one, on free ports
    config["action_endpoint"]["url"] = f"http://127.0.0.1:{action_port}/webhook"
    endpoints = work / "endpoints.yml"
    endpoints.write_text(yaml.safe_dump(config))
    actions = Process(
        "action server",
        [str(ENGINE_BIN / "rasa"), "run", "actions", "--actions", "actions", "-p", str(action_port)],
        f"http://127.0.0.1:{action_port}/health", work / "actions.log",
    )
    server = Process(
        "engine",
        [str(ENGINE_BIN / "rasa"), "run", "-m", str(MODEL), "--enable-api", "--auth-token", token,
         "-i", "127.0.0.1", "-p", str(engine_port), "--endpoints", str(endpoints),
         "--credentials", str(ROOT / "credentials.yml")],
        f"http://127.0.0.1:{engine_port}/status?token={token}", work / "engine.log",
    )
    actions.start()
    try:
        server.start()
    except Exception:
        actions.stop()
        raise
    return Engine(f"http://127.0.0.1:{engine_port}", token, server, actions)

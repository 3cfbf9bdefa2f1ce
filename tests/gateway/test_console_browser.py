"""A counselor runs a whole handoff in a real browser (Debian's Chromium, driven by Playwright)."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
from playwright.sync_api import Browser, expect, sync_playwright

from content import notices
from tests.gateway.conftest import ask_for_a_person, line_texts
from tests.gateway.test_end_to_end import RESPONSES, translated
from tests.support.processes import ROOT

CHROMIUM = "/usr/bin/chromium"
# Chromium on a closed network: no background connections, no sandbox as root, no GPU.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PASSWORD = "a long test passphrase 7"


@pytest.fixture(scope="module")
def browser() -> Browser:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def counselor(gateway) -> str:
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{gateway.database}", "CONSOLE_PASSWORD": PASSWORD,
           "PATH": "/usr/bin:/bin"}
    subprocess.run([sys.executable, "-m", "bot.console.accounts", "create", "lan", "--name", "Lan",
                    "--role", "counselor", "--languages", "en,vi"], cwd=ROOT, env=env, check=True)
    return "lan"


def test_a_counselor_takes_over_answers_and_gives_back_a_conversation(gateway, line, browser, counselor):
    worker = line.new_user_id()
    webhook = f"{gateway.url}/webhooks/line"
    ask_for_a_person(line, gateway, worker)
    line_texts(line, worker, 2)  # the bot's answer and the place in line
    hostile = "<script>alert(1)</script><b>bold</b> my boss took my passport"
    line.deliver(webhook, [line.text_event(worker, hostile)])
    deadline = time.monotonic() + 30  # the page shows the transcript as stored when it opens
    while not gateway.count("SELECT count(*) FROM message_log WHERE text = ?", hostile):
        assert time.monotonic() < deadline
        time.sleep(0.1)

    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(f"{gateway.url}/console/")
    page.fill("input[name=username]", counselor)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    label = gateway.worker_label(worker)
    page.click(f"text={label}")

    transcript = page.locator(".transcript")
    expect(transcript).to_contain_text(hostile)  # shown as text, as the worker wrote it
    assert transcript.locator("b").count() == 0 and dialogs == []

    page.click("button:has-text('Claim')")
    expect(page.locator("h1")).to_contain_text("yours")
    assert line_texts(line, worker, 3)[2] == translated("en", "notice", notices.COUNSELOR_JOINED)

    page.fill("#reply-text", "Hello, I am Lan. Do you still have your contract?")
    page.click("button:has-text('Send reply')")
    assert line_texts(line, worker, 4)[3] == "Hello, I am Lan. Do you still have your contract?"

    page.fill("textarea[name=note]", "passport kept by the employer; advised OTIT and the hotline")
    page.click("button:has-text('Resolve')")
    assert line_texts(line, worker, 5)[4] == translated("en", "notice", notices.BACK_TO_BOT)

    line.deliver(webhook, [line.postback_event(worker, "/tax")])
    assert line_texts(line, worker, 6)[5].startswith(RESPONSES["utter_tax"][0]["text"])
    page.close()


def test_the_queue_updates_live_when_a_worker_asks_for_a_person(gateway, line, browser, counselor):
    page = browser.new_page()
    page.goto(f"{gateway.url}/console/")
    if page.locator("input[name=password]").count():
        page.fill("input[name=username]", counselor)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
    worker = line.new_user_id()
    ask_for_a_person(line, gateway, worker, "I need to speak to a staff member")
    expect(page.locator(f"text={gateway.worker_label(worker)}")).to_be_visible(timeout=20_000)  # no reload
    expect(page.locator("#urgent-alert")).to_be_hidden()
    in_danger = line.new_user_id()
    line.deliver(f"{gateway.url}/webhooks/line", [line.text_event(in_danger, "my boss is hitting me, help")])
    line_texts(line, in_danger, 2)  # the emergency numbers, then "a counselor will answer you first"
    expect(page.locator("#urgent-alert")).to_be_visible(timeout=20_000)  # every counselor on the queue sees it
    assert page.title().startswith("\u26a0 URGENT")
    rows = page.locator("#queue-rows tr")
    assert gateway.worker_label(in_danger) in rows.first.inner_text()  # ahead of the queue
    page.close()

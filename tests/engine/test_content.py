"""The content checks: every answer renders in every catalog, sourced, with official links only."""

from __future__ import annotations

import datetime as dt
import io
import re
import string
import subprocess
import sys
import unicodedata
from pathlib import Path
from typing import Dict, List, Set
from urllib.parse import urlparse

import pytest
import yaml
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from actions.handoff import URGENT_INTENTS
from actions.topics import LABELS, TOPICS
from content import formatting, notices
from content.catalogs import Catalogs, MissingText, mo_path
from content.languages import LANGUAGES, fallback_chain
from content.render import Renderer, placeholders
from content.report import catalog_status, po_path, report
from content.sources import load as load_sources

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT.parent / "shared" / "reference" / "japan-help-services.md"
RESPONSES = yaml.safe_load((ROOT / "domain.yml").read_text())["responses"]
SOURCES = load_sources()
RENDERER = Renderer.load()
POT = read_po((ROOT / "translations" / "messages.pot").open("rb"))
TRANSLATED = [language for language in LANGUAGES if language != "en"]

# Official domains an answer may link to: the government's (go.jp) and the listed services' own.
OFFICIAL_DOMAINS = ("go.jp", "houterasu.or.jp")


def official(url: str) -> bool:
    host = urlparse(url).hostname or ""
    return urlparse(url).scheme == "https" and any(host == d or host.endswith("." + d) for d in OFFICIAL_DOMAINS)
# Answers about emergencies, feelings or the bot itself, which make no claim of law, money, visa or health.
UNSOURCED_TOPICS = {"emergency_numbers"}
PHONE = re.compile(r"(?<![\d-])(0\d{1,4}-\d{1,6}(?:-\d{3,4})?|11[089])(?![\d-])")
URL = re.compile(r"https?://[^\s)\]]+")


def ascii_digits(text: str) -> str:
    """Every script's digits as ASCII, so a number written in Burmese or Devanagari digits is checked too."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(str(unicodedata.digit(c)) if unicodedata.digit(c, None) is not None else c for c in text)


def po(language: str):
    with po_path(language).open("rb") as f:
        return read_po(f)


def seen_numbers() -> Set[str]:
    """Numbers in rows of the reference list whose status says the numbers were seen."""
    numbers = set()
    for row in REFERENCE.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in row.strip().strip("|").split("|")]
        if len(cells) == 5 and cells[4].startswith(("seen", "numbers seen")):
            numbers |= set(PHONE.findall(cells[1]))
    return numbers


# --- catalogs --------------------------------------------------------------------------------------

@pytest.mark.parametrize("language", LANGUAGES)
def test_catalog_is_complete_and_in_step_with_the_source(language):
    catalog = po(language)
    expected = {(m.context, m.id) for m in POT if m.id}
    present = {(m.context, m.id): m for m in catalog if m.id}
    assert expected - present.keys() == set(), "run `make catalogs`"
    untranslated = [key for key, m in present.items() if key in expected and (not m.string or m.fuzzy)]
    assert untranslated == []


def test_template_is_in_step_with_the_english_texts(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [str(Path(sys.executable).parent / "pybabel"), "extract", "-F", "babel.cfg",
         "--no-default-keywords", "-k", "N_:1c,2", "-o", str(pot), "."],
        cwd=ROOT, check=True, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    fresh = {(m.context, m.id) for m in read_po(pot.open("rb")) if m.id}
    assert fresh == {(m.context, m.id) for m in POT if m.id}, "English texts changed: run `make catalogs`"


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_every_placeholder(language):
    wrong = [(m.context, m.string) for m in po(language) if m.id and placeholders(m.id) != placeholders(m.string)]
    assert wrong == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalog_compiles_and_the_compiled_file_is_current(language):
    catalog = po(language)
    assert [error for _, errors in catalog.check() for error in errors] == []
    with mo_path(language).open("rb") as f:
        compiled = read_mo(f)
    stale = [m.id for m in catalog if m.id and m.string and not m.fuzzy
             and (compiled.get(m.id, context=m.context) is None
                  or compiled.get(m.id, context=m.context).string != m.string)]
    assert stale == [], "run `make compile-catalogs`"


@pytest.mark.parametrize("language", TRANSLATED)
def test_header_says_how_the_catalog_was_made(language):
    status = catalog_status(language).status
    assert "machine-drafted" in status or "reviewed" in status


@pytest.mark.parametrize("language", LANGUAGES)
def test_button_labels_fit_line_quick_replies(language):
    too_long = [m.string for m in po(language) if m.context == "button" and len(m.string) > 20]
    assert too_long == []


def test_report_prints_every_catalog():
    out = io.StringIO()
    rows = report(out)
    assert [r.language for r in rows] == list(LANGUAGES)
    assert all(f"{r.language} " in out.getvalue() for r in rows)
    completed = subprocess.run([sys.executable, "-m", "content.report"], cwd=ROOT, capture_output=True,
                               text=True, check=True, env={"PYTHONPATH": str(ROOT)})
    assert len(completed.stdout.splitlines()) == len(LANGUAGES) + 1


# --- rendering -------------------------------------------------------------------------------------

@pytest.mark.parametrize("language", LANGUAGES)
def test_every_response_renders_from_its_own_catalog(language):
    own = Catalogs({language: RENDERER.catalogs._catalogs[language]})  # no fallback: this catalog only
    renderer = Renderer(own, SOURCES) if language == "en" else None
    for name, variations in RESPONSES.items():
        for template in variations:
            assert own.translated(language, name, template["text"]), name
            for button in template.get("buttons", []):
                assert own.translated(language, "button", button["title"]), button["title"]
            message = RENDERER.response(language, name, template)
            assert "{" not in message["text"] and name not in message["text"]
            if renderer:
                assert renderer.response(language, name, template) == message


def test_fallback_chain_ends_in_english_and_never_in_a_message_id():
    assert fallback_chain("ja@easy") == ("ja@easy", "ja", "en")
    assert fallback_chain("pt") == ("pt", "en")
    assert fallback_chain("ko") == ("en",)
    english_only = Catalogs({"en": RENDERER.catalogs._catalogs["en"]})
    assert english_only.gettext("pt", "utter_goodbye", RESPONSES["utter_goodbye"][0]["text"]) == \
        RESPONSES["utter_goodbye"][0]["text"]
    with pytest.raises(MissingText):
        english_only.gettext("pt", "utter_goodbye", "a text nobody extracted")


def test_sourced_answer_shows_name_date_phone_for_the_language_and_link():
    template = RESPONSES["utter_wage_unpaid"][0]
    text = RENDERER.response("vi", "utter_wage_unpaid", template)["text"]
    vi = po("vi")
    assert text.startswith(vi.get(template["text"], context="utter_wage_unpaid").string)
    assert "0120-558-815" in text  # the hotline's Vietnamese line
    assert "0120-004-008" not in text  # not the English one
    assert SOURCES["mhlw_wages"].url in text and SOURCES["labour_hotline"].url in text
    assert formatting.date(SOURCES["labour_hotline"].checked, "vi") in text


def test_a_language_without_its_own_line_gets_the_link_only():
    text = RENDERER.response("id", "utter_wage_unpaid", RESPONSES["utter_wage_unpaid"][0])["text"]
    assert not set(SOURCES["labour_hotline"].phones.values()) & set(PHONE.findall(text))
    assert SOURCES["labour_hotline"].url in text


def test_office_hours_are_formatted_in_the_worker_locale():
    text = RENDERER.response("en", "utter_housing", RESPONSES["utter_housing"][0])["text"]
    hours = f"{formatting.time(dt.time(9), 'en')}–{formatting.time(dt.time(17), 'en')}"
    assert f"0570-078377 (weekdays {hours})" in text and hours.replace("\u202f", " ") == "9:00 AM–5:00 PM"
    es = RENDERER.response("es", "utter_housing", RESPONSES["utter_housing"][0])["text"]
    assert "9:00" in es and "17:00" in es and "AM" not in es
    ja = RENDERER.response("ja", "utter_housing", RESPONSES["utter_housing"][0])["text"]
    assert "0570-078377" not in ja  # the multilingual line is for the languages it serves


def test_topic_buttons_are_translated_with_their_payloads():
    buttons = RENDERER.topic_buttons("ja", ["wage_unpaid", "request_human"])
    assert [b["payload"] for b in buttons] == ["/wage_unpaid", "/request_human"]
    assert buttons[0]["title"] == po("ja").get("Unpaid wages", context="button").string != "Unpaid wages"


def test_locale_formatting_on_japan_time():
    moment = dt.datetime(2026, 11, 27, 0, 30, tzinfo=dt.timezone.utc)  # 09:30 in Tokyo
    assert formatting.date(dt.date(2026, 11, 27), "ja") == "2026/11/27"
    assert formatting.date(dt.date(2026, 11, 27), "en") == "Nov 27, 2026"
    assert "09:30" in formatting.moment(moment, "vi") or "9:30" in formatting.moment(moment, "vi")
    assert formatting.time(dt.time(17, 0), "pt") == "17:00"
    assert formatting.duration(dt.timedelta(minutes=20), "es") == "20 minutos"
    assert formatting.number(1234.5, "pt") == "1.234,5"
    assert formatting.date(dt.date(2026, 11, 27), "ja@easy") == formatting.date(dt.date(2026, 11, 27), "ja")


# --- sources, links and numbers --------------------------------------------------------------------

def test_every_topic_answer_names_its_sources():
    unsourced = [t for t in TOPICS - UNSOURCED_TOPICS
                 if not (RESPONSES[f"utter_{t}"][0].get("metadata") or {}).get("sources")]
    assert unsourced == []
    cited = {s for v in RESPONSES.values() for t in v for s in (t.get("metadata") or {}).get("sources", [])}
    assert cited <= SOURCES.keys()


def test_sources_are_dated_and_link_to_official_https_pages():
    for source in SOURCES.values():
        assert isinstance(source.checked, dt.date) and source.checked <= dt.date.today()
        assert official(source.url), source.url
    assert not official("https://evilgo.jp/") and not official("http://www.moj.go.jp/")


@pytest.mark.parametrize("language", LANGUAGES)
def test_links_in_catalogs_are_official_https_pages(language):
    for message in po(language):
        for url in URL.findall(message.string or ""):
            assert official(url), url


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_phone_number_is_a_seen_entry_of_the_reference_list(language):
    seen = seen_numbers()
    assert {"110", "119", "0570-078377", "0120-558-815"} <= seen  # the parser reads the list
    numbers = {n for m in po(language) for n in PHONE.findall(ascii_digits(m.string or ""))}
    assert numbers - seen == set()


def test_source_phone_numbers_are_seen_entries_of_the_reference_list():
    numbers = {n for s in SOURCES.values() for p in s.phones.values() for n in PHONE.findall(p)}
    assert numbers and numbers <= seen_numbers()


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("intent", sorted(URGENT_INTENTS))
def test_urgent_answers_put_the_emergency_number_first(language, intent):
    text = ascii_digits(RENDERER.response(language, f"utter_{intent}", RESPONSES[f"utter_{intent}"][0])["text"])
    first = min(text.find(n) for n in ("110", "119") if n in text)
    assert 0 <= first < len(text) / 3


def test_button_payloads_fit_telegram_callback_data():
    payloads = [b["payload"] for v in RESPONSES.values() for t in v for b in t.get("buttons", [])]
    payloads += [b["payload"] for b in RENDERER.topic_buttons("en", LABELS)]
    assert all(0 < len(p.encode("utf-8")) <= 64 for p in payloads)  # Telegram's callback_data limit


def test_no_source_text_reads_as_a_printf_placeholder():
    # Babel flags "25% extra" as python-format ("% e") and then rejects every correct translation.
    assert [m.id for m in POT if "python-format" in m.flags] == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_text_holds_a_blank_line(language):
    # Rasa splits a text at blank lines into several messages; an answer must stay one message.
    assert [m.id for m in po(language) if "\n\n" in (m.string or "")] == []

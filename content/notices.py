"""Texts the gateway sends itself, outside the engine's answers (context "notice" in the catalogs).

Placeholders are filled when rendering: {language} a language name, {position} a number,
{wait} a duration, {opens}/{closes} times and {day} a date, all formatted for the worker's locale.
"""

from content.markers import N_

# Things the bot cannot read.
STICKER = N_("notice", "Thank you for the sticker! I can only read text. Please write your question in words, or choose a topic.")
MEDIA = N_("notice", "I can't open photos, voice messages, videos or files. Please write your question in words, or choose a topic.")
LOCATION = N_("notice", "Thank you. I can't use a location to find places. If you are in danger now, call 110 (police) or 119 (ambulance).")
UNREADABLE = N_("notice", "Sorry, I couldn't read that message. Please write your question again in words, or choose a topic.")

# Delivery.
ONE_MOMENT = N_("notice", "One moment, please. I am still working on your answer. If you are in danger now, call 110 (police) or 119 (ambulance).")
SLOW_DOWN = N_("notice", "You are sending many messages quickly. I have received them all and will answer in order.")
PRIVATE_CHATS_ONLY = N_("notice", "I only answer in private chats, to protect your privacy. Please write to me directly.")

# Language.
CHOOSE_LANGUAGE = N_("notice", "Which language would you like me to use?")
LANGUAGE_SET = N_("notice", "OK, I will write to you in {language}.")
EASY_JAPANESE = N_("language", "Easy Japanese")

# Handoff to a counselor.
QUEUED = N_("notice", "A counselor will answer you as soon as possible. You are number {position} in line (about {wait}). You can keep writing.")
QUEUED_URGENT = N_("notice", "A counselor will answer you first. If you are in danger now, call 110 (police) or 119 (ambulance).")
COUNSELOR_JOINED = N_("notice", "A counselor has joined the chat. Everything you write now goes to the counselor.")
OUT_OF_HOURS = N_("notice", "Our counselors answer on weekdays from {opens} to {closes} (Japan time). A person will read your messages from {day}. If you need help now: call 110 (police) or 119 (ambulance), or choose a topic.")
BACK_TO_BOT = N_("notice", "The counselor has closed this conversation. I am the bot again. Ask for a person at any time.")
COUNSELOR_AWAY = N_("notice", "The counselor had to leave this chat. I am the bot again. Ask for a person at any time, and we will answer as soon as we can.")

# Button labels (20 characters at most in every language: LINE's quick-reply limit).
SHOW_TOPICS = N_("button", "Show topics")

# The footer of a sourced answer.
SOURCE_LINE = N_("source", "Source: {name} (checked {date})")
PHONE_LINE = N_("source", "Phone: {phone}")
PHONE_HOURS_LINE = N_("source", "Phone: {phone} (weekdays {opens}–{closes})")

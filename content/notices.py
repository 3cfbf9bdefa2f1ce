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

# Consent and data rights (the worker's own data).
CONSENT_REQUEST = N_("notice", "Welcome! Before we start: we keep your messages and your language, so that we can answer you and, if you ask, a counselor can help you. Only our counselors and coordinators can read them. We delete them {days} days after your last message, and you can delete them at any time by writing /delete. Full text: {url}\nDo you agree?")
CONSENT_URGENT = N_("notice", "If you are in danger, a counselor will read your messages even if you have not agreed.")
CONSENT_GIVEN = N_("notice", "Thank you. You can now write your question.")
CONSENT_DECLINED = N_("notice", "OK. I will still answer your questions, but I will not keep your messages after answering. A counselor cannot help you without them. You can change your mind at any time by writing /consent.")
CONSENT_FOR_HANDOFF = N_("notice", "To bring in a counselor, we need to keep your messages so that they can read them. Do you agree?")
MY_DATA = N_("notice", "What we keep about you: your language ({language}); the messages you sent us since {since} (number: {messages}); your conversations with counselors (number: {handoffs}). We delete everything {days} days after your last message. To delete it now, write /delete.")
MY_DATA_NOTHING = N_("notice", "We keep nothing about you except what is needed to answer this message.")
DELETE_CONFIRM = N_("notice", "Do you want us to delete everything we keep about you? This cannot be undone.")
DELETED = N_("notice", "Done: we have deleted your messages and everything we kept about you. If you write again, we will start fresh.")
DELETE_CANCELLED = N_("notice", "OK, nothing was deleted.")
AGREE = N_("button", "I agree")
DECLINE = N_("button", "No, thanks")
DELETE_YES = N_("button", "Yes, delete")
DELETE_NO = N_("button", "No, keep it")

# The full privacy text, shown at /privacy/<language>. Lines, not paragraphs: "\n" only.
PRIVACY_TITLE = N_("privacy", "How we handle your data")
PRIVACY_TEXT = N_("privacy", "This help line answers questions from people working in Japan, and brings in a counselor when you need one.\nWhat we keep: the messages you send us and our answers, the language you write in, and when you wrote. We do not ask for your name, your address or your employer, and you do not have to tell us.\nWhy: to answer you, and so that a counselor can read what you wrote and help you.\nWho can read it: only our counselors and the coordinators of this service. We do not give your messages to your employer or your agency, and we do not sell them or use them for advertising.\nHow long: we delete everything {days} days after your last message.\nYour rights: write /mydata to see what we keep, and /delete to delete it at any time. If you do not agree, we still answer your questions but keep nothing after answering.\nIf you are in danger, a counselor will read your messages to help you, even if you have not agreed.")

"""A fake of the LINE Messaging API platform, faithful enough to test the gateway against.

It is a real HTTP server (aiohttp, on 127.0.0.1 and a free port, in a background thread with
its own event loop), so the gateway can reach it from a sync test, an async test, or a
subprocess: point line-bot-sdk at it with ``Configuration(host=platform.api_url, ...)``.

What it guarantees
------------------
* Every request it receives is validated against LINE's own OpenAPI document
  (``shared/data/line-openapi/messaging-api.yml``) and a request that does not conform is
  answered the way LINE answers it: 400 with ``{"message": ..., "details": [...]}``.
* Every response it returns is validated against the same document before it leaves; a
  response that does not conform is a bug of the fake: it is answered as 500, recorded in
  ``spec_violations``, and makes ``__exit__`` fail loudly.
* Every webhook body it builds is validated against ``webhook.yml`` before it is sent.
* The OpenAPI 3.0 schemas are converted to JSON Schema 2020-12 with the ``discriminator``
  mappings honoured (``{"type": "text"}`` without ``text`` is rejected, an unknown message
  type is rejected), which openapi-core does not do.
* Behaviour the OpenAPI does not state follows LINE's documentation (see ``LINE_RULES`` and
  the docstrings): reply tokens are single-use and expire, ``X-Line-Retry-Key`` makes a push
  execute once and answers repeats with 409 + ``x-line-accepted-request-id``, at most 5
  messages per call, text up to 5000 UTF-16 code units, quick reply up to 13 items with
  labels up to 20 grapheme clusters, loading animation 5..60 s in steps of 5, and every
  response carries ``x-line-request-id``.

Typical use::

    with FakeLinePlatform() as line:
        user = line.new_user_id()
        line.profiles[user] = {"displayName": "Lan", "language": "vi"}
        line.deliver(gateway_url + "/line/webhook", [line.text_event(user, "xin chào")])
        messages = line.wait_for_messages(user, 1)
"""

from __future__ import annotations

import asyncio
import base64
import copy
import datetime as _dt
import functools
import hashlib
import hmac
import http
import json
import os
import re
import secrets
import socket
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable
from urllib.parse import urlsplit

import httpx
import jsonschema
import regex
import yaml
from aiohttp import web
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

# CI clones the repository with ../shared beside it: <root>/tests/fakes/this file -> <root>/../shared
SPEC_DIR = Path(
    os.environ.get("LINE_OPENAPI_DIR")
    or Path(__file__).resolve().parents[2].parent / "shared/data/line-openapi"
)
MESSAGING_API_SPEC = SPEC_DIR / "messaging-api.yml"
WEBHOOK_SPEC = SPEC_DIR / "webhook.yml"

#: Error bodies LINE documents (Messaging API reference, "Error responses"; retry-api-request).
AUTH_FAILED = {"message": "Authentication failed. Confirm that the access token in the authorization header is valid."}
INVALID_REPLY_TOKEN = {"message": "Invalid reply token"}
RETRY_KEY_ACCEPTED = "The retry key is already accepted"
RATE_LIMITED = {"message": "The API rate limit has been exceeded. Try again later."}
NOT_FOUND = {"message": "Not found"}

#: Limits from LINE's documentation that messaging-api.yml does not encode (or encodes only partly).
LINE_RULES = {
    "messages_per_call": 5,  # reply/push: "Max: 5" (also maxItems in the spec)
    "text_max_utf16": 5000,  # text message "Max character limit: 5000", counted in UTF-16 code units
    "quick_reply_items": 13,  # "You can set up to 13 quick reply buttons"
    "action_label_graphemes": 20,  # quick reply action label, counted in grapheme clusters
    "action_text_graphemes": 300,  # message action text / postback displayText
    "alt_text_utf16": 400,  # altText of template and flex messages
    "loading_seconds": (5, 60, 5),  # min, max, step; default 20
    "retry_key_ttl": 24 * 3600.0,  # "The retry key management period ... is 24 hours"
    "request_body_max_bytes": 2 * 1024 * 1024,  # 413 above 2 MB
    "webhook_timeout": 2.0,  # LINE records request_timeout when the bot answers after 2 s
}

_USER_ID = re.compile(r"^U[0-9a-f]{32}$")
_GROUP_ID = re.compile(r"^C[0-9a-f]{32}$")
_ROOM_ID = re.compile(r"^R[0-9a-f]{32}$")
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
#: Message types LINE can quote, so their sentMessages carry a quoteToken ("Get quote tokens").
_QUOTABLE = {"text", "textV2", "sticker", "image", "video"}
_MEDIA_TYPES = {
    "image": "image/jpeg",
    "video": "video/mp4",
    "audio": "audio/x-m4a",
    "file": "application/octet-stream",
}


# ---------------------------------------------------------------------------------------------
# OpenAPI 3.0 -> JSON Schema 2020-12, with discriminators honoured
# ---------------------------------------------------------------------------------------------

_SCHEMA_PREFIX = "#/components/schemas/"
_OPENAPI_ONLY = {"example", "examples", "externalDocs", "xml", "discriminator", "deprecated",
                 "readOnly", "writeOnly", "nullable"}


def _convert(schema: Any) -> Any:
    """Convert one OpenAPI 3.0 schema object (recursively) to JSON Schema 2020-12."""
    if not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key.startswith("x-") or key in _OPENAPI_ONLY:
            continue
        if key == "properties":
            out[key] = {name: _convert(sub) for name, sub in value.items()}
        elif key in ("items", "not") or (key == "additionalProperties" and isinstance(value, dict)):
            out[key] = _convert(value)
        elif key in ("allOf", "anyOf", "oneOf"):
            out[key] = [_convert(sub) for sub in value]
        elif key in ("exclusiveMinimum", "exclusiveMaximum") and isinstance(value, bool):
            bound = "minimum" if key == "exclusiveMinimum" else "maximum"
            if value and bound in schema:
                out[key] = schema[bound]
        else:
            out[key] = value
    if schema.get("nullable") and "type" in out:
        out["type"] = [out["type"], "null"]
    for bound, exclusive in (("minimum", "exclusiveMinimum"), ("maximum", "exclusiveMaximum")):
        if schema.get(exclusive) is True:
            out.pop(bound, None)
    return out


def _convert_components(schemas: dict[str, Any]) -> dict[str, Any]:
    """Convert components/schemas; a schema with a discriminator becomes base + dispatch.

    ``X`` with ``discriminator: {propertyName: p, mapping: {v: T}}`` becomes
    ``X__base`` (X without the discriminator) and ``X = allOf[X__base, p in mapping,
    if p == v then T ...]``. A mapped ``T`` that extends ``X`` through ``allOf`` is
    rewritten to extend ``X__base``, so the dispatch does not recurse into itself.
    """
    parents: dict[str, set[str]] = {}
    for name, schema in schemas.items():
        mapping = (schema.get("discriminator") or {}).get("mapping") or {}
        for target in mapping.values():
            parents.setdefault(target.removeprefix(_SCHEMA_PREFIX), set()).add(name)

    out: dict[str, Any] = {}
    for name, schema in schemas.items():
        converted = _convert(schema)
        for i, part in enumerate(converted.get("allOf", [])):
            ref = part.get("$ref", "") if isinstance(part, dict) else ""
            if ref.removeprefix(_SCHEMA_PREFIX) in parents.get(name, ()):
                converted["allOf"][i] = {"$ref": ref + "__base"}
        discriminator = schema.get("discriminator")
        if discriminator and discriminator.get("mapping"):
            prop = discriminator["propertyName"]
            mapping = discriminator["mapping"]
            out[name + "__base"] = converted
            out[name] = {
                "allOf": [
                    {"$ref": _SCHEMA_PREFIX + name + "__base"},
                    {"properties": {prop: {"enum": sorted(mapping)}}},
                    *(
                        {"if": {"properties": {prop: {"const": value}}, "required": [prop]},
                         "then": {"$ref": target}}
                        for value, target in sorted(mapping.items())
                    ),
                ]
            }
        else:
            out[name] = converted
    return out


def _format_checker() -> jsonschema.FormatChecker:
    checker = jsonschema.FormatChecker(formats=())

    @checker.checks("uuid")
    def _uuid(value: object) -> bool:
        return not isinstance(value, str) or bool(_UUID.match(value))

    @checker.checks("uri")
    def _uri(value: object) -> bool:
        if not isinstance(value, str):
            return True
        parts = urlsplit(value)
        return bool(parts.scheme and (parts.netloc or parts.scheme in ("tel", "mailto", "line")))

    @checker.checks("int32")
    def _int32(value: object) -> bool:
        return not isinstance(value, int) or -(2**31) <= value < 2**31

    @checker.checks("int64")
    def _int64(value: object) -> bool:
        return not isinstance(value, int) or -(2**63) <= value < 2**63

    @checker.checks("date-time")
    def _date_time(value: object) -> bool:
        if not isinstance(value, str):
            return True
        try:
            _dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return False
        return True

    return checker


def _property_path(path: Iterable[Any], root: str = "") -> str:
    out = root
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _detail(error: jsonschema.ValidationError, root: str = "") -> dict[str, str]:
    """A jsonschema error as one of LINE's ``details`` entries ({message, property})."""
    prop = _property_path(error.absolute_path, root)
    kind, schema = error.validator, error.schema if isinstance(error.schema, dict) else {}
    if kind == "required":
        missing = re.match(r"'([^']+)'", error.message)
        name = missing.group(1) if missing else "?"
        return {"message": "must be specified", "property": f"{prop}.{name}" if prop else name}
    if kind in ("maxItems", "minItems"):
        message = f"Size must be between {schema.get('minItems', 0)} and {schema.get('maxItems', 'unlimited')}"
    elif kind in ("maxLength", "minLength"):
        message = f"Length must be between {schema.get('minLength', 0)} and {schema.get('maxLength', 'unlimited')}"
    elif kind in ("minimum", "maximum"):
        message = f"Must be between {schema.get('minimum', '-inf')} and {schema.get('maximum', 'inf')}"
    elif kind == "enum":
        message = "Must be one of the following values: " + ", ".join(map(str, error.validator_value))
    elif kind == "type":
        message = f"Must be of type {error.validator_value}"
    elif kind == "format":
        message = f"Invalid format ({error.validator_value})"
    else:
        message = error.message
    return {"message": message, "property": prop}


@dataclass
class Operation:
    method: str
    template: str
    spec: dict[str, Any]
    parameters: list[dict[str, Any]]


class OpenApiSpec:
    """One of LINE's OpenAPI documents: operations, and JSON Schema validators for its schemas."""

    def __init__(self, path: Path) -> None:
        if not path.is_file():
            raise FileNotFoundError(
                f"LINE's OpenAPI document is missing: {path} (expected shared/data/line-openapi "
                "beside the repository; set LINE_OPENAPI_DIR to point elsewhere)"
            )
        self.path = path
        self.raw: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
        self.uri = f"https://line-openapi.invalid/{path.name}"
        document = {"components": {"schemas": _convert_components(self.raw["components"]["schemas"])}}
        self.registry = Registry().with_resource(self.uri, Resource.from_contents(document, DRAFT202012))
        self._format_checker = _format_checker()
        self._validators: dict[str, jsonschema.protocols.Validator] = {}
        self._lock = threading.Lock()
        self.operations: list[tuple[re.Pattern[str], str, dict[str, Operation]]] = []
        for template, item in self.raw.get("paths", {}).items():
            shared = item.get("parameters", [])
            ops = {
                method.upper(): Operation(method.upper(), template, op, shared + op.get("parameters", []))
                for method, op in item.items()
                if method in ("get", "post", "put", "delete", "patch")
            }
            pattern = "^" + re.sub(r"\\\{([^}]+)\\\}", r"(?P<\1>[^/]+)", re.escape(template)) + "$"
            self.operations.append((re.compile(pattern), template, ops))
        # a literal path wins over a template that also matches it (richmenu/list vs richmenu/{id})
        self.operations.sort(key=lambda entry: entry[1].count("{"))

    # -- schemas ---------------------------------------------------------------------------
    def validator(self, schema: dict[str, Any] | str) -> jsonschema.protocols.Validator:
        """A validator for a component name ("ErrorResponse") or an inline OpenAPI schema."""
        key = schema if isinstance(schema, str) else json.dumps(schema, sort_keys=True)
        with self._lock:
            if key not in self._validators:
                if isinstance(schema, str):
                    root: dict[str, Any] = {"$ref": f"{self.uri}{_SCHEMA_PREFIX}{schema}"}
                else:
                    root = _absolutize(_convert(schema), self.uri)
                self._validators[key] = jsonschema.Draft202012Validator(
                    root, registry=self.registry, format_checker=self._format_checker
                )
            return self._validators[key]

    def schema_errors(self, schema: dict[str, Any] | str, instance: Any, root: str = "") -> list[dict[str, str]]:
        errors = sorted(self.validator(schema).iter_errors(instance), key=lambda e: list(map(str, e.absolute_path)))
        details: list[dict[str, str]] = []
        for error in errors:  # a part reached through two allOf branches is reported once
            detail = _detail(error, root)
            if detail not in details:
                details.append(detail)
        return details

    # -- operations ------------------------------------------------------------------------
    def find(self, path: str) -> tuple[str, dict[str, Operation], dict[str, str]] | None:
        for pattern, template, ops in self.operations:
            match = pattern.match(path)
            if match:
                return template, ops, match.groupdict()
        return None

    def validate_request(self, method: str, path: str, headers: dict[str, str], query: dict[str, str],
                         body: bytes, content_type: str | None) -> list[dict[str, str]]:
        """Errors of one request against the document (empty list: it conforms)."""
        found = self.find(path)
        if not found or method not in found[1]:
            return [{"message": f"{method} {path} is not an operation of {self.path.name}", "property": ""}]
        template, ops, path_params = found
        op = ops[method]
        lower = {k.lower(): v for k, v in headers.items()}
        errors: list[dict[str, str]] = []
        security = op.spec.get("security", self.raw.get("security"))
        if security and any("Bearer" in req for req in security):
            if not lower.get("authorization", "").startswith("Bearer "):
                errors.append({"message": "Bearer token required", "property": "Authorization"})
        for param in op.parameters:
            where, name = param["in"], param["name"]
            source = {"header": lower, "path": path_params, "query": query}.get(where, {})
            value = source.get(name.lower() if where == "header" else name)
            if value is None:
                if param.get("required"):
                    errors.append({"message": "must be specified", "property": name})
                continue
            schema = param.get("schema", {})
            if schema.get("type") in ("integer", "number"):
                try:
                    value = int(value) if schema["type"] == "integer" else float(value)
                except ValueError:
                    errors.append({"message": f"Must be of type {schema['type']}", "property": name})
                    continue
            errors += self.schema_errors(schema, value, root=name)
        request_body = op.spec.get("requestBody")
        if request_body:
            if not body:
                if request_body.get("required"):
                    errors.append({"message": "The request body is required", "property": ""})
            else:
                media = (content_type or "").split(";")[0].strip().lower()
                content = request_body.get("content", {})
                if media not in content and "*/*" not in content:
                    errors.append({"message": f"Unsupported content type {media!r}", "property": ""})
                elif media == "application/json":
                    try:
                        instance = json.loads(body)
                    except ValueError as exc:
                        errors.append({"message": f"The request body could not be parsed as JSON: {exc}", "property": ""})
                    else:
                        errors += self.schema_errors(content[media]["schema"], instance)
        return errors

    def validate_response(self, method: str, path: str, status: int, headers: dict[str, str],
                          body: bytes) -> list[str]:
        """Errors of one response against the document.

        A status the operation declares is checked against its declared content. LINE's common
        error statuses that operations do not declare (401, 403, 404, 413, 415, 429, 5xx) are
        checked against ``ErrorResponse`` (the reference's "Error responses" format). An
        undeclared success status is an error.
        """
        found = self.find(path)
        if not found or method not in found[1]:
            declared = None
        else:
            declared = found[1][method].spec.get("responses", {})
            declared = declared.get(str(status)) or declared.get("default")
        lower = {k.lower(): v for k, v in headers.items()}
        media = lower.get("content-type", "").split(";")[0].strip().lower()
        if declared is None:
            if status < 400:
                return [f"status {status} is not declared for {method} {path}"]
            content: dict[str, Any] = {"application/json": {"schema": {"$ref": _SCHEMA_PREFIX + "ErrorResponse"}}}
        else:
            content = declared.get("content") or {}
        if not content:
            return [] if not body else [f"{status} of {method} {path} declares no body, got {len(body)} bytes"]
        if media not in content:
            if "*/*" in content:
                return []
            return [f"{status} of {method} {path}: content type {media!r} is not one of {sorted(content)}"]
        schema = content[media].get("schema", {})
        if media != "application/json":
            return []
        try:
            instance = json.loads(body)
        except ValueError as exc:
            return [f"{status} of {method} {path}: body is not JSON ({exc})"]
        return [f"{status} of {method} {path}: {d['property'] or '(body)'}: {d['message']}"
                for d in self.schema_errors(schema, instance)]


def _absolutize(schema: Any, uri: str) -> Any:
    """Make the local ``$ref``s of an inline schema point into the registered document."""
    if isinstance(schema, dict):
        return {k: (uri + v if k == "$ref" and isinstance(v, str) and v.startswith("#") else _absolutize(v, uri))
                for k, v in schema.items()}
    if isinstance(schema, list):
        return [_absolutize(v, uri) for v in schema]
    return schema


@functools.lru_cache(maxsize=None)
def messaging_api_spec() -> OpenApiSpec:
    return OpenApiSpec(MESSAGING_API_SPEC)


@functools.lru_cache(maxsize=None)
def webhook_spec() -> OpenApiSpec:
    return OpenApiSpec(WEBHOOK_SPEC)


def validate_webhook_body(body: dict[str, Any] | bytes) -> list[str]:
    """Errors of a webhook request body against webhook.yml (``CallbackRequest``)."""
    instance = json.loads(body) if isinstance(body, (bytes, str)) else body
    return [f"{d['property'] or '(body)'}: {d['message']}"
            for d in webhook_spec().schema_errors("CallbackRequest", instance)]


# ---------------------------------------------------------------------------------------------
# LINE's documented limits that the OpenAPI document does not carry
# ---------------------------------------------------------------------------------------------

def utf16_len(text: str) -> int:
    """Length as the Messaging API counts text: UTF-16 code units (an emoji like 🍎 is 2)."""
    return len(text.encode("utf-16-le")) // 2


def grapheme_len(text: str) -> int:
    """Length as the Messaging API counts action labels: extended grapheme clusters."""
    return len(regex.findall(r"\X", text))


def line_message_errors(messages: list[dict[str, Any]], root: str = "messages") -> list[dict[str, str]]:
    """Violations of LINE's documented limits ("Character counting in a text", quick reply)."""
    errors: list[dict[str, str]] = []

    def check(value: Any, limit: int, measure: Callable[[str], int], prop: str) -> None:
        if isinstance(value, str) and measure(value) > limit:
            errors.append({"message": f"Length must be between 0 and {limit}", "property": prop})

    for i, message in enumerate(messages):
        prop = f"{root}[{i}]"
        kind = message.get("type")
        if kind in ("text", "textV2"):
            text = message.get("text")
            if text == "":
                errors.append({"message": "May not be empty", "property": f"{prop}.text"})
            check(text, LINE_RULES["text_max_utf16"], utf16_len, f"{prop}.text")
        if kind in ("template", "flex"):
            check(message.get("altText"), LINE_RULES["alt_text_utf16"], utf16_len, f"{prop}.altText")
        items = (message.get("quickReply") or {}).get("items")
        if items is None:
            continue
        if len(items) > LINE_RULES["quick_reply_items"]:
            errors.append({"message": f"Size must be between 0 and {LINE_RULES['quick_reply_items']}",
                           "property": f"{prop}.quickReply.items"})
        for j, item in enumerate(items):
            action = item.get("action") or {}
            aprop = f"{prop}.quickReply.items[{j}].action"
            if "action" not in item:
                errors.append({"message": "must be specified", "property": aprop})
                continue
            if "label" not in action:
                errors.append({"message": "must be specified", "property": f"{aprop}.label"})
            check(action.get("label"), LINE_RULES["action_label_graphemes"], grapheme_len, f"{aprop}.label")
            for key in ("text", "displayText"):
                check(action.get(key), LINE_RULES["action_text_graphemes"], grapheme_len, f"{aprop}.{key}")
    return errors


# ---------------------------------------------------------------------------------------------
# Records
# ---------------------------------------------------------------------------------------------

@dataclass
class Sent:
    """Messages the platform accepted for one chat (a user ID, or a group ID for group chats)."""

    user_id: str
    messages: list[dict[str, Any]]
    via: str  # "reply" | "push"
    retry_key: str | None
    at: float
    request_id: str = ""
    sent_messages: list[dict[str, str]] = field(default_factory=list)
    reply_token: str | None = None  # the token a reply used: it names the webhook event answered


@dataclass
class RecordedRequest:
    """One request the platform received, and what it answered."""

    method: str
    path: str
    headers: dict[str, str]
    json: Any
    body: bytes = b""
    query: dict[str, str] = field(default_factory=dict)
    at: float = 0.0
    status: int | None = None
    response_headers: dict[str, str] = field(default_factory=dict)
    response_body: bytes = b""
    spec_errors: list[dict[str, str]] = field(default_factory=list)  # the request vs messaging-api.yml
    request_id: str = ""  # the x-line-request-id it was answered with

    @property
    def response_json(self) -> Any:
        try:
            return json.loads(self.response_body) if self.response_body else None
        except ValueError:
            return None


@dataclass
class _ReplyToken:
    chat_id: str
    issued_at: float
    used: bool = False


@dataclass
class _Failure:
    status: int
    remaining: int
    body: dict[str, Any] | None
    executed: bool


@dataclass
class _Answer:
    status: int
    body: Any = None  # dict -> JSON, bytes -> raw
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json"


def _default_error_body(status: int) -> dict[str, Any]:
    known = {
        400: {"message": "Bad request"},
        401: AUTH_FAILED,
        403: {"message": "Access to this API is not available for your account"},
        404: NOT_FOUND,
        429: RATE_LIMITED,
        500: {"message": "An error occurred in the backend server"},
    }
    if status in known:
        return dict(known[status])
    try:
        return {"message": http.HTTPStatus(status).phrase}
    except ValueError:
        return {"message": f"HTTP {status}"}


def _ulid(ms: int | None = None) -> str:
    """A ULID (48-bit ms timestamp + 80 random bits, Crockford base32, 26 characters)."""
    value = ((int(time.time() * 1000) if ms is None else ms) << 80) | secrets.randbits(80)
    return "".join(_CROCKFORD[(value >> (5 * i)) & 31] for i in reversed(range(26)))


def _message_id() -> str:
    return str(10**17 + secrets.randbelow(9 * 10**17))


def _now_ms() -> int:
    return int(time.time() * 1000)


# ---------------------------------------------------------------------------------------------
# The platform
# ---------------------------------------------------------------------------------------------

class FakeLinePlatform:
    """The LINE platform as the gateway sees it: the Messaging API, and the webhooks it sends."""

    def __init__(self, channel_secret: str = "test-secret", access_token: str = "test-token",
                 reply_token_ttl: float = 60.0, check_schemas: bool = True) -> None:
        """`check_schemas=False` skips validating each request and response against messaging-api.yml:
        for benchmarks, where the fake stands in for LINE's servers and its CPU time is not the
        gateway's (the tests keep the checks)."""
        self.check_schemas = check_schemas
        self.channel_secret = channel_secret
        self.access_token = access_token
        self.reply_token_ttl = reply_token_ttl
        self.bot_user_id = "U" + secrets.token_hex(16)
        self.messaging_spec = messaging_api_spec()
        self.webhook_spec = webhook_spec()
        self.profiles: dict[str, dict[str, Any]] = {}
        self._lock = threading.RLock()
        self._sent: list[Sent] = []
        self.listeners: list[Callable[[Sent], None]] = []  # called (in the fake's thread) for each accepted send
        self._undelivered: list[Sent] = []
        self._requests: list[RecordedRequest] = []
        self._loading: list[tuple[str, int]] = []
        self._reply_tokens: dict[str, _ReplyToken] = {}
        self._retry_keys: dict[str, tuple[float, str, list[dict[str, str]]]] = {}
        self._failures: dict[str, list[_Failure]] = {}
        self._content: dict[str, tuple[bytes, str]] = {}
        self._blocked: set[str] = set()
        self._violations: list[str] = []
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._port: int | None = None

    # -- lifecycle -------------------------------------------------------------------------
    def __enter__(self) -> "FakeLinePlatform":
        self.start()
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        self.stop()
        if exc_type is None and self._violations:
            raise AssertionError("FakeLinePlatform answered outside messaging-api.yml:\n" + "\n".join(self._violations))

    def start(self) -> "FakeLinePlatform":
        if self._thread is not None:
            return self
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        self._port = sock.getsockname()[1]
        started = threading.Event()
        failure: list[BaseException] = []

        def serve() -> None:
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            self._loop = loop
            app = web.Application(client_max_size=LINE_RULES["request_body_max_bytes"])
            app.router.add_route("*", "/{tail:.*}", self._handle)
            runner = web.AppRunner(app, access_log=None, handle_signals=False)
            try:
                loop.run_until_complete(runner.setup())
                loop.run_until_complete(web.SockSite(runner, sock).start())
            except BaseException as exc:  # pragma: no cover - surfaced to start()
                failure.append(exc)
                started.set()
                return
            started.set()
            try:
                loop.run_forever()
            finally:
                loop.run_until_complete(runner.cleanup())
                loop.close()

        self._thread = threading.Thread(target=serve, name="fake-line-platform", daemon=True)
        self._thread.start()
        if not started.wait(10) or failure:
            raise RuntimeError(f"FakeLinePlatform did not start: {failure[:1]}")
        return self

    def stop(self) -> None:
        if self._thread is None or self._loop is None:
            return
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._thread = None
        self._loop = None

    @property
    def api_url(self) -> str:
        """Base URL of the Messaging API (and of api-data: content downloads are served too)."""
        if self._port is None:
            raise RuntimeError("FakeLinePlatform is not running: use `with FakeLinePlatform() as line:`")
        return f"http://127.0.0.1:{self._port}"

    def reset(self) -> None:
        """Forget what was sent and received (tokens, retry keys and profiles are kept)."""
        with self._lock:
            self._sent.clear()
            self._undelivered.clear()
            self._requests.clear()
            self._loading.clear()
            self._failures.clear()
            self._violations.clear()

    # -- what the bot did ------------------------------------------------------------------
    @property
    def sent(self) -> list[Sent]:
        """Accepted reply/push calls, oldest first (a snapshot)."""
        with self._lock:
            return list(self._sent)

    @property
    def undelivered(self) -> list[Sent]:
        """Pushes LINE accepted (200) but could not deliver: the user had blocked the account."""
        with self._lock:
            return list(self._undelivered)

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request received, with the answer given (a snapshot)."""
        with self._lock:
            return list(self._requests)

    @property
    def loading_started(self) -> list[tuple[str, int]]:
        """(chatId, loadingSeconds) of each accepted loading-animation call."""
        with self._lock:
            return list(self._loading)

    @property
    def spec_violations(self) -> list[str]:
        """Responses of the fake that did not conform to messaging-api.yml (should stay empty)."""
        with self._lock:
            return list(self._violations)

    def messages_to(self, user_id: str) -> list[dict[str, Any]]:
        """All message objects delivered to a chat (user ID, or group ID), in order."""
        with self._lock:
            return [m for s in self._sent if s.user_id == user_id for m in s.messages]

    def wait_for_messages(self, user_id: str, count: int, timeout: float = 30.0) -> list[dict[str, Any]]:
        """Block until at least ``count`` messages were delivered to the chat; return all of them.

        Do not call it from the event loop the gateway runs on (use ``await_messages``).
        """
        deadline = time.monotonic() + timeout
        while True:
            messages = self.messages_to(user_id)
            if len(messages) >= count:
                return messages
            if time.monotonic() >= deadline:
                raise AssertionError(self._wait_report(user_id, count, messages, timeout))
            time.sleep(0.02)

    async def await_messages(self, user_id: str, count: int, timeout: float = 30.0) -> list[dict[str, Any]]:
        """Async twin of ``wait_for_messages`` (does not block the running event loop)."""
        deadline = time.monotonic() + timeout
        while True:
            messages = self.messages_to(user_id)
            if len(messages) >= count:
                return messages
            if time.monotonic() >= deadline:
                raise AssertionError(self._wait_report(user_id, count, messages, timeout))
            await asyncio.sleep(0.02)

    def _wait_report(self, user_id: str, count: int, messages: list[dict[str, Any]], timeout: float) -> str:
        failed = [f"  {r.method} {r.path} -> {r.status} {r.response_body[:300]!r}"
                  for r in self.requests if r.status is not None and r.status >= 400]
        return (f"{len(messages)} of {count} messages reached {user_id} within {timeout} s: {messages!r}\n"
                "failed API calls:\n" + ("\n".join(failed) or "  (none)"))

    # -- failure injection -----------------------------------------------------------------
    def fail_next(self, path: str, status: int, times: int = 1, body: dict[str, Any] | None = None,
                  *, executed: bool = False) -> None:
        """Answer the next ``times`` valid, authenticated calls to ``path`` with ``status``.

        ``path`` is a request path ("/v2/bot/message/push") or an operation template
        ("/v2/bot/profile/{userId}"). ``body`` defaults to LINE's error body for the status
        (429: "The API rate limit has been exceeded. Try again later."). With
        ``executed=True`` the call is carried out first and only its answer is lost (a
        timeout-like failure): the reply token is used up, the retry key is accepted, and the
        messages are in ``sent``.
        """
        with self._lock:
            self._failures.setdefault(path, []).append(_Failure(status, times, body, executed))

    def _take_failure(self, path: str, template: str | None) -> _Failure | None:
        with self._lock:
            for key in (path, template):
                queue = self._failures.get(key or "")
                if queue:
                    failure = queue[0]
                    failure.remaining -= 1
                    if failure.remaining <= 0:
                        queue.pop(0)
                    return failure
        return None

    # -- reply tokens ----------------------------------------------------------------------
    def _issue_reply_token(self, chat_id: str) -> str:
        token = secrets.token_hex(16)
        with self._lock:
            self._reply_tokens[token] = _ReplyToken(chat_id, time.monotonic())
        return token

    def expire_reply_token(self, token: str | None = None) -> None:
        """Make one reply token (or all of them) expired, without waiting for the TTL."""
        with self._lock:
            for key, state in self._reply_tokens.items():
                if token is None or key == token:
                    state.issued_at = -float("inf")

    def reply_token_state(self, token: str) -> str:
        """"valid", "used", "expired" or "unknown"."""
        with self._lock:
            state = self._reply_tokens.get(token)
            if state is None:
                return "unknown"
            if state.used:
                return "used"
            if time.monotonic() - state.issued_at > self.reply_token_ttl:
                return "expired"
            return "valid"

    # -- building webhook events -----------------------------------------------------------
    @staticmethod
    def new_user_id() -> str:
        """A user ID as LINE makes them: "U" + 32 lowercase hex digits."""
        return "U" + secrets.token_hex(16)

    @staticmethod
    def new_group_id() -> str:
        """A group ID as LINE makes them: "C" + 32 lowercase hex digits."""
        return "C" + secrets.token_hex(16)

    @staticmethod
    def _check_id(value: str, pattern: re.Pattern[str], what: str) -> None:
        if not isinstance(value, str) or not pattern.match(value):
            raise ValueError(f"{what} {value!r} is not shaped like LINE's ({pattern.pattern}); "
                             "use FakeLinePlatform.new_user_id() / new_group_id()")

    def _event(self, kind: str, source: dict[str, str], chat_id: str | None, **extra: Any) -> dict[str, Any]:
        event: dict[str, Any] = {
            "type": kind,
            "timestamp": _now_ms(),
            "source": source,
            "mode": "active",
            "webhookEventId": _ulid(),
            "deliveryContext": {"isRedelivery": False},
        }
        if chat_id is not None:
            event["replyToken"] = self._issue_reply_token(chat_id)
        event.update(extra)
        return event

    def _user_source(self, user_id: str) -> dict[str, str]:
        self._check_id(user_id, _USER_ID, "user ID")
        return {"type": "user", "userId": user_id}

    def _message_event(self, user_id: str, message: dict[str, Any]) -> dict[str, Any]:
        message = {"id": _message_id(), **message, "markAsReadToken": secrets.token_urlsafe(24)}
        return self._event("message", self._user_source(user_id), user_id, message=message)

    def text_event(self, user_id: str, text: str) -> dict[str, Any]:
        return self._message_event(user_id, {"type": "text", "text": text, "quoteToken": secrets.token_urlsafe(32)})

    def postback_event(self, user_id: str, data: str) -> dict[str, Any]:
        return self._event("postback", self._user_source(user_id), user_id, postback={"data": data})

    def sticker_event(self, user_id: str, package_id: str = "446", sticker_id: str = "1988") -> dict[str, Any]:
        return self._message_event(user_id, {
            "type": "sticker", "packageId": package_id, "stickerId": sticker_id,
            "stickerResourceType": "STATIC", "keywords": ["Hello"], "quoteToken": secrets.token_urlsafe(32),
        })

    def media_event(self, user_id: str, kind: str, content: bytes | None = None) -> dict[str, Any]:
        """An image/audio/video/file message; its content is served at /v2/bot/message/{id}/content."""
        if kind not in _MEDIA_TYPES:
            raise ValueError(f"kind must be one of {sorted(_MEDIA_TYPES)}, not {kind!r}")
        message: dict[str, Any] = {"type": kind}
        if kind in ("image", "video", "audio"):
            message["contentProvider"] = {"type": "line"}
        if kind in ("image", "video"):
            message["quoteToken"] = secrets.token_urlsafe(32)
        if kind in ("video", "audio"):
            message["duration"] = 4000
        data = content if content is not None else f"fake {kind} content".encode()
        if kind == "file":
            message.update(fileName="document.pdf", fileSize=len(data))
        event = self._message_event(user_id, message)
        with self._lock:
            self._content[event["message"]["id"]] = (data, _MEDIA_TYPES[kind])
        return event

    def location_event(self, user_id: str, latitude: float = 35.681236, longitude: float = 139.767125,
                       title: str = "Tokyo Station", address: str = "1 Chome Marunouchi, Chiyoda City, Tokyo") -> dict[str, Any]:
        return self._message_event(user_id, {"type": "location", "title": title, "address": address,
                                             "latitude": latitude, "longitude": longitude})

    def follow_event(self, user_id: str, unblocked: bool = False) -> dict[str, Any]:
        """The user added (or unblocked) the account; pushes reach them again."""
        event = self._event("follow", self._user_source(user_id), user_id, follow={"isUnblocked": unblocked})
        with self._lock:
            self._blocked.discard(user_id)
        return event

    def unfollow_event(self, user_id: str) -> dict[str, Any]:
        """The user blocked the account (no reply token); later pushes are accepted, not delivered."""
        event = self._event("unfollow", self._user_source(user_id), None)
        with self._lock:
            self._blocked.add(user_id)
        return event

    def group_text_event(self, group_id: str, user_id: str, text: str) -> dict[str, Any]:
        """A text in a group chat; its reply token answers the group (``messages_to(group_id)``)."""
        self._check_id(group_id, _GROUP_ID, "group ID")
        self._check_id(user_id, _USER_ID, "user ID")
        message = {"id": _message_id(), "type": "text", "text": text, "quoteToken": secrets.token_urlsafe(32),
                   "markAsReadToken": secrets.token_urlsafe(24)}
        return self._event("message", {"type": "group", "groupId": group_id, "userId": user_id}, group_id,
                           message=message)

    def redelivery(self, event: dict[str, Any], *, reuse_reply_token: bool = False) -> dict[str, Any]:
        """The same event redelivered: same ``webhookEventId``, timestamp and message, with
        ``deliveryContext.isRedelivery`` true.

        The docs state the event ID is kept (it is how a bot detects duplicates) but not what
        happens to the reply token; this fake issues a fresh, valid one (the redelivery is sent
        now, and the first delivery failed). ``reuse_reply_token=True`` keeps the original one,
        in whatever state it is (used, expired).
        """
        again = copy.deepcopy(event)
        again["deliveryContext"] = {"isRedelivery": True}
        if "replyToken" in event and not reuse_reply_token:
            with self._lock:
                original = self._reply_tokens.get(event["replyToken"])
            source = event.get("source", {})
            chat = original.chat_id if original else source.get("groupId") or source.get("roomId") or source.get("userId")
            again["replyToken"] = self._issue_reply_token(chat)
        return again

    # -- delivering webhooks ---------------------------------------------------------------
    def sign(self, body: bytes) -> str:
        """X-Line-Signature: base64 of HMAC-SHA256 of the body, keyed by the channel secret."""
        digest = hmac.new(self.channel_secret.encode("utf-8"), body, hashlib.sha256).digest()
        return base64.b64encode(digest).decode("ascii")

    def webhook_body(self, events: list[dict[str, Any]]) -> bytes:
        """The JSON body LINE posts for these events (validated against webhook.yml)."""
        payload = {"destination": self.bot_user_id, "events": events}
        errors = validate_webhook_body(payload)
        if errors:
            raise AssertionError("webhook body does not conform to webhook.yml:\n" + "\n".join(errors))
        return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")

    def _prepare_delivery(self, events: list[dict[str, Any]], signature: str | None,
                          body: bytes | None) -> tuple[bytes, dict[str, str]]:
        if body is None:
            body = self.webhook_body(events)
            with self._lock:  # a reply token's minute starts when the webhook is sent
                now = time.monotonic()
                for event in events:
                    state = self._reply_tokens.get(event.get("replyToken", ""))
                    if state is not None and not state.used and state.issued_at != -float("inf"):
                        state.issued_at = now
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "LineBotWebhook/2.0",
            "X-Line-Signature": signature if signature is not None else self.sign(body),
        }
        return body, headers

    def deliver(self, url: str, events: list[dict[str, Any]], signature: str | None = None,
                body: bytes | None = None, *, timeout: float = LINE_RULES["webhook_timeout"]) -> httpx.Response:
        """POST a signed webhook to the gateway, as LINE does; return the gateway's response.

        ``body`` sends these exact bytes (not validated; signed unless ``signature`` is given);
        ``signature`` overrides the computed one (to test forged requests). ``timeout``
        defaults to LINE's 2 s: a gateway that does not acknowledge in time raises
        ``httpx.TimeoutException``, as LINE would record ``request_timeout``.
        """
        data, headers = self._prepare_delivery(events, signature, body)
        with httpx.Client(timeout=timeout) as client:
            return client.post(url, content=data, headers=headers)

    async def adeliver(self, url: str, events: list[dict[str, Any]], signature: str | None = None,
                       body: bytes | None = None, *, timeout: float = LINE_RULES["webhook_timeout"]) -> httpx.Response:
        """Async twin of ``deliver``."""
        data, headers = self._prepare_delivery(events, signature, body)
        async with httpx.AsyncClient(timeout=timeout) as client:
            return await client.post(url, content=data, headers=headers)

    # -- the HTTP side ---------------------------------------------------------------------
    async def _handle(self, request: web.Request) -> web.StreamResponse:
        try:
            body = await request.read()
        except web.HTTPRequestEntityTooLarge:
            record = RecordedRequest(request.method, request.path, dict(request.headers), None, at=time.time(),
                                     request_id=str(uuid.uuid4()))
            with self._lock:
                self._requests.append(record)
            return self._respond(record, _Answer(413, {"message": "Request Entity Too Large"}))
        try:
            parsed = json.loads(body) if body else None
        except ValueError:
            parsed = None
        record = RecordedRequest(request.method, request.path, dict(request.headers), parsed, body,
                                 dict(request.query), time.time(), request_id=str(uuid.uuid4()))
        with self._lock:
            self._requests.append(record)
            answer = self._answer(request, record)
        return self._respond(record, answer)

    def _respond(self, record: RecordedRequest, answer: _Answer) -> web.Response:
        request_id = record.request_id
        headers = {"x-line-request-id": request_id, **answer.headers}
        if isinstance(answer.body, bytes):
            payload = answer.body
        else:
            payload = json.dumps(answer.body if answer.body is not None else {}, ensure_ascii=False).encode("utf-8")
        headers["Content-Type"] = answer.content_type
        record_headers = {k.lower(): v for k, v in headers.items()}
        if answer.status != 501 and self.check_schemas:
            errors = self.messaging_spec.validate_response(record.method, record.path, answer.status,
                                                           record_headers, payload)
            if errors:
                with self._lock:
                    self._violations.extend(errors)
                answer = _Answer(500, {"message": "FakeLinePlatform bug: response violates messaging-api.yml: "
                                       + "; ".join(errors)})
                payload = json.dumps(answer.body).encode("utf-8")
                headers = {"x-line-request-id": request_id, "Content-Type": "application/json"}
                record_headers = {k.lower(): v for k, v in headers.items()}
        record.status = answer.status
        record.response_headers = record_headers
        record.response_body = payload
        return web.Response(status=answer.status, body=payload, headers=headers)

    def _answer(self, request: web.Request, record: RecordedRequest) -> _Answer:
        """Decide the answer (runs under the lock, so each call is atomic)."""
        found = self.messaging_spec.find(record.path)
        if found is None:
            return _Answer(404, dict(NOT_FOUND))
        template, ops, _ = found
        if record.method not in ops:
            return _Answer(405, {"message": "Method Not Allowed"})
        if request.headers.get("Authorization") != f"Bearer {self.access_token}":
            return _Answer(401, dict(AUTH_FAILED))
        errors = self.messaging_spec.validate_request(record.method, record.path, dict(request.headers),
                                                      dict(request.query), record.body, request.content_type
                                                      ) if self.check_schemas else []
        record.spec_errors = errors
        if errors:
            media = (request.content_type or "").lower()
            if any(e["message"].startswith("Unsupported content type") for e in errors) and record.body:
                return _Answer(415, {"message": f"A content type not supported by the API is requested: {media}"})
            if any(e["message"].startswith("The request body could not be parsed") for e in errors):
                return _Answer(400, {"message": errors[0]["message"]})
            where = "request body" if all(not e["property"][:1].isupper() for e in errors) else "request"
            return _Answer(400, {"message": f"The {where} has {len(errors)} error(s)", "details": errors})
        handler = _HANDLERS.get((record.method, template))
        if handler is None:
            return _Answer(501, {"message": f"FakeLinePlatform does not implement {record.method} {template} yet"})
        failure = self._take_failure(record.path, template)
        if failure is not None and not failure.executed:
            return _Answer(failure.status, failure.body or _default_error_body(failure.status))
        answer = handler(self, request, record)
        if failure is not None and answer.status < 300:
            return _Answer(failure.status, failure.body or _default_error_body(failure.status))
        return answer

    # -- endpoints -------------------------------------------------------------------------
    def _sent_messages(self, messages: list[dict[str, Any]]) -> list[dict[str, str]]:
        out = []
        for message in messages:
            sent = {"id": _message_id()}
            if message.get("type") in _QUOTABLE:
                sent["quoteToken"] = secrets.token_urlsafe(32)
            out.append(sent)
        return out

    def _reply(self, request: web.Request, record: RecordedRequest) -> _Answer:
        if "x-line-retry-key" in {k.lower() for k in request.headers}:
            # "If you specify X-Line-Retry-Key for other APIs, the request is rejected with 400."
            return _Answer(400, {"message": "The X-Line-Retry-Key header is not supported by this API"})
        body = record.json
        errors = line_message_errors(body["messages"])
        if errors:
            return _Answer(400, {"message": f"The request body has {len(errors)} error(s)", "details": errors})
        state = self._reply_tokens.get(body["replyToken"])
        if (state is None or state.used
                or time.monotonic() - state.issued_at > self.reply_token_ttl):
            return _Answer(400, dict(INVALID_REPLY_TOKEN))
        state.used = True
        sent_messages = self._sent_messages(body["messages"])
        self._accepted(Sent(state.chat_id, copy.deepcopy(body["messages"]), "reply", None, time.time(),
                            record.request_id, sent_messages, body["replyToken"]))
        return _Answer(200, {"sentMessages": sent_messages})

    def _push(self, request: web.Request, record: RecordedRequest) -> _Answer:
        body = record.json
        retry_key = request.headers.get("X-Line-Retry-Key")
        errors = line_message_errors(body["messages"])
        to = body["to"]
        if not (_USER_ID.match(to) or _GROUP_ID.match(to) or _ROOM_ID.match(to)):
            errors.insert(0, {"message": "Invalid value", "property": "to"})
        if errors:
            return _Answer(400, {"message": f"The request body has {len(errors)} error(s)", "details": errors})
        now = time.monotonic()
        if retry_key is not None:
            known = self._retry_keys.get(retry_key.lower())
            if known is not None and now - known[0] <= LINE_RULES["retry_key_ttl"]:
                accepted_id, sent_messages = known[1], known[2]
                return _Answer(409, {"message": RETRY_KEY_ACCEPTED, "sentMessages": sent_messages},
                               headers={"x-line-accepted-request-id": accepted_id})
        sent_messages = self._sent_messages(body["messages"])
        if retry_key is not None:
            self._retry_keys[retry_key.lower()] = (now, record.request_id, sent_messages)
        entry = Sent(to, copy.deepcopy(body["messages"]), "push", retry_key, time.time(), record.request_id,
                     sent_messages)
        if to in self._blocked:
            self._undelivered.append(entry)
        else:
            self._accepted(entry)
        return _Answer(200, {"sentMessages": sent_messages})

    def _accepted(self, entry: Sent) -> None:
        self._sent.append(entry)
        for listener in self.listeners:
            listener(entry)

    def _profile(self, request: web.Request, record: RecordedRequest) -> _Answer:
        user_id = record.path.rsplit("/", 1)[-1]
        profile = self.profiles.get(user_id)
        if profile is None or user_id in self._blocked:
            return _Answer(404, dict(NOT_FOUND))
        return _Answer(200, {"userId": user_id, **profile})

    def _loading_start(self, request: web.Request, record: RecordedRequest) -> _Answer:
        body = record.json
        low, high, step = LINE_RULES["loading_seconds"]
        seconds = body.get("loadingSeconds", 20)
        if not _USER_ID.match(body["chatId"]):
            # "You can't specify group chats or multi-person chats."
            return _Answer(400, {"message": "The request body has 1 error(s)",
                                 "details": [{"message": "Invalid chatId", "property": "chatId"}]})
        if not isinstance(seconds, int) or not low <= seconds <= high or seconds % step:
            return _Answer(400, {"message": "The request body has 1 error(s)",
                                 "details": [{"message": f"Must be a multiple of {step} between {low} and {high}",
                                              "property": "loadingSeconds"}]})
        self._loading.append((body["chatId"], seconds))
        return _Answer(202, {})

    def _content_of(self, request: web.Request, record: RecordedRequest) -> _Answer:
        message_id = record.path.split("/")[4]
        stored = self._content.get(message_id)
        if stored is None:
            return _Answer(404, dict(NOT_FOUND))
        return _Answer(200, stored[0], content_type=stored[1])

    def _transcoding(self, request: web.Request, record: RecordedRequest) -> _Answer:
        if record.path.split("/")[4] not in self._content:
            return _Answer(404, dict(NOT_FOUND))
        return _Answer(200, {"status": "succeeded"})

    def _bot_info(self, request: web.Request, record: RecordedRequest) -> _Answer:
        return _Answer(200, {"userId": self.bot_user_id, "basicId": "@000fake", "displayName": "Help line (fake)",
                             "chatMode": "bot", "markAsReadMode": "auto"})


_HANDLERS: dict[tuple[str, str], Callable[[FakeLinePlatform, web.Request, RecordedRequest], _Answer]] = {
    ("POST", "/v2/bot/message/reply"): FakeLinePlatform._reply,
    ("POST", "/v2/bot/message/push"): FakeLinePlatform._push,
    ("GET", "/v2/bot/profile/{userId}"): FakeLinePlatform._profile,
    ("POST", "/v2/bot/chat/loading/start"): FakeLinePlatform._loading_start,
    ("GET", "/v2/bot/message/{messageId}/content"): FakeLinePlatform._content_of,
    ("GET", "/v2/bot/message/{messageId}/content/transcoding"): FakeLinePlatform._transcoding,
    ("GET", "/v2/bot/info"): FakeLinePlatform._bot_info,
}

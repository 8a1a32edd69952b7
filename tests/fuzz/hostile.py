"""Hostile bodies for every operation of the OpenAPI document that takes a JSON body: nested 1,000 deep,
invalid UTF-8 (raw bytes and UTF-8-encoded surrogates), lone surrogate escapes, and each integer field
of the body sent as a string or a float. Each must be refused with a 4xx; none may be a 5xx."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from typing import Any

import httpx

DEEP = [b"[" * 1000 + b"]" * 1000, b'{"a":' * 1000 + b"1" + b"}" * 1000, b"[" * 100_000,
        b'{"x": ' + b"[" * 5000 + b"]" * 5000 + b"}"]
NOT_UTF8 = [b'{"name": "\xff\xfe"}', b'{"phone": "\xed\xa0\x80"}', b'{"\xc3": 1}', b"\x80"]
SURROGATES = [rb'{"name": "\ud800"}', rb'{"name": "\udc00x"}', rb'{"name": "a\ud800\u0041"}', rb'"\udfff"',
              rb'{"\ud800": 1}']


def _schema_of(document: dict[str, Any], ref_or_schema: dict[str, Any]) -> dict[str, Any]:
    ref = ref_or_schema.get("$ref")
    if ref:
        return dict(document["components"]["schemas"][ref.rsplit("/", 1)[-1]])
    return ref_or_schema


def _integer_fields(document: dict[str, Any], schema: dict[str, Any]) -> list[str]:
    properties = _schema_of(document, schema).get("properties") or {}
    names = []
    for name, prop in properties.items():
        options = prop.get("oneOf") or [prop]
        if any(option.get("type") == "integer" for option in options):
            names.append(name)
    return names


def operations(document: dict[str, Any]) -> Iterator[tuple[str, str, list[str]]]:
    """(method, path with its parameters filled, integer fields of the body) per operation with a JSON body."""
    for path, item in document["paths"].items():
        for method, op in item.items():
            if not isinstance(op, dict) or "requestBody" not in op:
                continue
            content = op["requestBody"].get("content", {}).get("application/json")
            if content is None:
                continue
            filled = re.sub(r"\{[^}]+\}", lambda m: str(uuid.uuid4()) if "id" in m.group().lower() else "X1", path)
            yield method.upper(), filled, _integer_fields(document, content.get("schema", {}))


def probe(base: str, headers: dict[str, str]) -> tuple[int, list[str]]:
    """(requests sent, failures) over every operation with a body."""
    document = httpx.get(f"{base}/schema/openapi.json", timeout=20).json()
    failures: list[str] = []
    sent = 0
    with httpx.Client(base_url=base, headers={**headers, "content-type": "application/json"}, timeout=30) as client:
        for method, path, integers in operations(document):
            bodies: list[tuple[str, bytes]] = [("deep", b) for b in DEEP]
            bodies += [("utf8", b) for b in NOT_UTF8] + [("surrogate", b) for b in SURROGATES]
            for name in integers:
                for value in ("30000", 3e4, "1e3", True):
                    bodies.append((f"{name}={value!r}", json.dumps({name: value}).encode()))
            for kind, body in bodies:
                response = client.request(method, path, content=body)
                sent += 1
                if not 400 <= response.status_code < 500:
                    failures.append(f"{method} {path} [{kind}] -> {response.status_code}: {response.text[:200]}")
    return sent, failures

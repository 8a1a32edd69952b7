"""A signed HTTP client for the platform's machine interface (`/open/v1`).

The edge agent talks to the platform only through this, like any third party (DESIGN §3 rule 3).
"""

from __future__ import annotations

import json as jsonlib
from types import TracebackType
from typing import Self

import httpx

from devices.signing import signed_headers


def encode_json(value: object) -> bytes:
    """Compact UTF-8 JSON: these exact bytes are hashed, signed and sent."""
    return jsonlib.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


class SignedClient:
    """Thin wrapper over httpx.AsyncClient that signs every request.

    `base_url` should be the platform origin (e.g. "https://mt.example.com"); the signed path is the
    request target httpx actually sends, so a path prefix in base_url is signed too.
    """

    def __init__(
        self,
        base_url: str,
        key_id: str,
        secret: str,
        *,
        timeout_s: float = 10.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.key_id = key_id
        self._secret = secret
        self._http = httpx.AsyncClient(base_url=base_url, timeout=timeout_s, transport=transport)

    async def request(self, method: str, path: str, *, json: object | None = None, content: bytes | None = None,
                      content_type: str = "application/octet-stream") -> httpx.Response:
        """`json` for a JSON body, or `content` for raw bytes (a PDF scan, an image) of `content_type`."""
        if json is not None and content is not None:
            raise ValueError("give json or content, not both")
        body = content if content is not None else (b"" if json is None else encode_json(json))
        headers = {"Content-Type": "application/json"} if json is not None else {}
        if content is not None:
            headers = {"Content-Type": content_type}
        request = self._http.build_request(method.upper(), path, content=body, headers=headers)
        # Sign the target as it will go on the wire (path + "?query", percent-encoded by httpx).
        target = request.url.raw_path.decode("ascii")
        request.headers.update(
            signed_headers(
                key_id=self.key_id, secret=self._secret, method=request.method, path=target, body=body
            )
        )
        return await self._http.send(request)

    async def get(self, path: str) -> httpx.Response:
        return await self.request("GET", path)

    async def post(self, path: str, *, json: object | None = None) -> httpx.Response:
        return await self.request("POST", path, json=json)

    async def put(self, path: str, *, json: object | None = None, content: bytes | None = None,
                  content_type: str = "application/octet-stream") -> httpx.Response:
        return await self.request("PUT", path, json=json, content=content, content_type=content_type)

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

"""What every request passes first: host check, body size bounds, early refusal of
write requests without the token, and the security headers on every response."""

from __future__ import annotations

import hmac
import json
from typing import Any

from starlette.exceptions import HTTPException

#: The app's Content-Security-Policy: our own stylesheet and script only; nothing
#: inline, nothing from elsewhere, no frames, forms post back to the app only.
CSP = (
    "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
]
#: Bodies of requests that are not uploads (forms, JSON) stay small.
SMALL_BODY = 64 * 1024


def token_ok(expected: str | None, given: str | None) -> bool:
    return bool(expected and given) and hmac.compare_digest(
        expected.encode("utf-8"),
        given.encode("utf-8"),  # type: ignore[union-attr]
    )


def bearer(value: str | None) -> str | None:
    if value and value[:7].lower() == "bearer ":
        return value[7:].strip()
    return None


def error_body(status: int, code: str, message: str) -> dict[str, Any]:
    """The one JSON error shape of the API."""
    return {"error": {"status": status, "code": code, "message": message}}


class Guard:
    """Pure ASGI middleware (so it also bounds bodies that arrive in chunks)."""

    def __init__(
        self,
        app: Any,
        *,
        token: str | None,
        max_upload: int,
        upload_paths: tuple[str, ...],
        api_write_paths: tuple[str, ...],
        allowed_hosts: set[str] | None = None,
    ) -> None:
        self.app = app
        self.token = token
        self.max_upload = max_upload
        self.upload_paths = upload_paths
        self.api_write_paths = api_write_paths
        self.allowed_hosts = allowed_hosts

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}

        async def send_with_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                have = {k.lower() for k, _ in message["headers"]}
                message["headers"] += [(k, v) for k, v in HEADERS if k not in have]
            await send(message)

        path = scope["path"]
        refusal = self._refusal(scope, path, headers)
        if refusal:
            await self._send_error(send_with_headers, path, *refusal)
            return
        limit = self.max_upload + 1024 * 1024 if path in self.upload_paths else SMALL_BODY
        length = headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > limit):
            await self._send_error(send_with_headers, path, *self._too_large(limit))
            return
        received = 0

        async def bounded_receive() -> dict:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    # FastAPI re-raises HTTPException from body parsing: our 413 handler answers.
                    raise HTTPException(413, self._too_large(limit)[2])
            return message

        await self.app(scope, bounded_receive, send_with_headers)

    def _too_large(self, limit: int) -> tuple[int, str, str]:
        return 413, "too_large", f"request body larger than {limit // 1024} KiB"

    def _refusal(self, scope: dict, path: str, headers: dict[str, str]) -> tuple | None:
        if self.allowed_hosts is not None:
            host = headers.get("host", "").rsplit(":", 1)[0].strip("[]").lower()
            if host not in self.allowed_hosts:
                return 400, "bad_host", f"unknown host '{host}'"
        if scope["method"] == "POST" and path in self.api_write_paths:
            if not self.token:
                return (
                    403,
                    "read_only",
                    "this server is read-only: start it with --token to allow uploads",
                )
            if not token_ok(self.token, bearer(headers.get("authorization"))):
                return 401, "unauthorized", "send the server's token: Authorization: Bearer TOKEN"
        return None

    async def _send_error(self, send: Any, path: str, status: int, code: str, msg: str) -> None:
        if path.startswith("/api/"):
            body = json.dumps(error_body(status, code, msg)).encode()
            kind = b"application/json"
        else:
            from markupsafe import escape

            body = f"<!doctype html><title>{status}</title><p>{escape(msg)}</p>".encode()
            kind = b"text/html; charset=utf-8"
        extra = [(b"www-authenticate", b"Bearer")] if status == 401 else []
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(b"content-type", kind), (b"content-length", str(len(body)).encode())]
                + extra,
            }
        )
        await send({"type": "http.response.body", "body": body})

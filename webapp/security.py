"""The security headers of every response, in one place.

Every page gets a Content Security Policy without ``unsafe-inline`` (scripts and styles
come only from our own files), ``nosniff`` and a referrer policy. Only the embed may be
framed by other sites: its view asks for :func:`frameable`.
"""
from __future__ import annotations

from flask import Flask, Response

POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "media-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'self'",
}


def content_security_policy(**changes: str) -> str:
    """The policy as a header value; ``frame_ancestors="*"`` and the like change one part."""
    policy = {**POLICY, **{k.replace("_", "-"): v for k, v in changes.items()}}
    return "; ".join(f"{name} {value}" for name, value in policy.items())


CONTENT_SECURITY_POLICY = content_security_policy()
FRAMEABLE_POLICY = content_security_policy(frame_ancestors="*")


def frameable(response: Response) -> Response:
    """Let any site frame this response (the embed player)."""
    response.headers["Content-Security-Policy"] = FRAMEABLE_POLICY
    return response


def add_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    return response


def init_app(app: Flask) -> None:
    app.after_request(add_headers)

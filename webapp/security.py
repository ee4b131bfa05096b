"""What every request and response must satisfy, in one place.

Every page gets a Content Security Policy without ``unsafe-inline`` (scripts and styles
come only from our own files), ``nosniff``, a referrer policy and a permissions policy
(no camera, microphone, location…), and ``Strict-Transport-Security`` when served over
https. Only the embed may be framed by other sites: its view asks for :func:`frameable`.

Host names: absolute links (previews, embeds, oEmbed) come from the ``PUBLIC_URL``
setting when it is set (:func:`absolute_url`); without it they come from the request, so
only the ``ALLOWED_HOSTS`` are served and any other ``Host`` gets a 400 page: a forged
Host header never reaches a link.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response, abort, current_app, request, url_for

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


PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in (
    "camera", "microphone", "geolocation", "payment", "usb", "interest-cohort"))
HSTS = "max-age=31536000"


def add_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    response.headers["Permissions-Policy"] = PERMISSIONS_POLICY
    if request.scheme == "https":
        response.headers["Strict-Transport-Security"] = HSTS
    return response


def host_name(host: str) -> str:
    """``example.org`` from ``Example.org:8000``, ``::1`` from ``[::1]:5000``."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:host.find("]")] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def host_is_allowed(host: str, allowed) -> bool:
    name = host_name(host)
    return any(t == "*" or name == t or (t.startswith(".") and (name.endswith(t) or name == t[1:]))
               for t in allowed)


def check_host() -> None:
    config = current_app.config
    if config["PUBLIC_URL"] or host_is_allowed(request.host, config["ALLOWED_HOSTS"]):
        return
    abort(400, description=f"This server does not answer to “{host_name(request.host)[:80]}”. "
          "Whoever runs it can set LISTENALONG_PUBLIC_URL, or add the name to "
          "LISTENALONG_ALLOWED_HOSTS.")


def absolute_url(endpoint: str, **values) -> str:
    """The absolute URL of ``endpoint``: under ``PUBLIC_URL`` when it is set, else on the
    (allowed) host the request came to."""
    public = current_app.config["PUBLIC_URL"]
    if public:
        return public + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)


def is_own_url(url: str) -> bool:
    """Does ``url`` point at this site (its public address, or the host asked)?"""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return False
    public = current_app.config["PUBLIC_URL"]
    own = urlsplit(public).netloc if public else request.host
    return parts.netloc.lower() == own.lower()


def init_app(app: Flask) -> None:
    app.before_request(check_host)
    app.after_request(add_headers)

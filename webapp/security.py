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

import ipaddress
import re
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


_LABEL = re.compile(r"^(?!-)[a-z0-9_-]{1,63}(?<!-)$")


def host_is_well_formed(host: str) -> bool:
    """A Host header a URL can be built on: a DNS name (labels of 1-63 letters, digits,
    dashes, IDNA-encodable when not ASCII; 253 characters at most), an IPv4 address or a
    bracketed IPv6 one, each with an optional port."""
    host = host.strip().lower()
    if host.startswith("["):
        literal, bracket, rest = host[1:].partition("]")
        if not bracket:
            return False
        try:
            ipaddress.IPv6Address(literal)
        except ValueError:
            return False
        return rest == "" or (rest.startswith(":") and rest[1:].isdigit() and len(rest) <= 6)
    name, colon, port = host.rpartition(":") if ":" in host else (host, "", "")
    if colon and not (port.isdigit() and len(port) <= 5):
        return False
    try:
        name = name.encode("idna").decode("ascii") if not name.isascii() else name
    except UnicodeError:
        return False
    name = name[:-1] if name.endswith(".") else name
    return 0 < len(name) <= 253 and all(_LABEL.match(label) for label in name.split("."))


def reject_malformed_hosts(wsgi_app):
    """WSGI middleware: a request whose Host cannot be a host name gets a plain 400 before
    Flask builds any URL from it (Werkzeug cannot bind one to ``a..b``)."""
    def app(environ, start_response):
        host = environ.get("HTTP_HOST") or environ.get("SERVER_NAME", "")
        if host and not host_is_well_formed(host):
            body = b"400 Bad Request: the Host header is not a host name.\n"
            start_response("400 Bad Request", [("Content-Type", "text/plain; charset=utf-8"),
                                               ("Content-Length", str(len(body))),
                                               ("X-Content-Type-Options", "nosniff")])
            return [body]
        return wsgi_app(environ, start_response)
    return app


def init_app(app: Flask) -> None:
    app.wsgi_app = reject_malformed_hosts(app.wsgi_app)
    app.before_request(check_host)
    app.after_request(add_headers)

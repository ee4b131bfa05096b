"""Builds the Flask app: config, the library, blueprints, security headers, error pages."""
from __future__ import annotations

import os
from pathlib import Path

from flask import Flask, render_template
from werkzeug.exceptions import HTTPException

from .core.library import Library, default_root
from .web_filters import register_filters

PROJECT_ROOT = Path(__file__).resolve().parent.parent

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "media-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'self'",
])


def build_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, static_folder=str(PROJECT_ROOT / "static"),
                template_folder=str(PROJECT_ROOT / "templates"))
    app.config.from_mapping(
        MEDIA_DIR=os.environ.get("LISTENALONG_MEDIA_DIR") or str(default_root()),
        SEND_FILE_MAX_AGE_DEFAULT=3600,
    )
    if test_config:
        app.config.update(test_config)
    app.extensions["library"] = Library(app.config["MEDIA_DIR"])
    register_filters(app)

    from .views import episodes, library_pages

    app.register_blueprint(library_pages.bp)
    app.register_blueprint(episodes.bp)

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        return response

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        return render_template("error.html", error=error), error.code

    @app.errorhandler(Exception)
    def server_error(error: Exception):
        app.logger.exception("unhandled error")
        return render_template("error.html", error=None), 500

    return app

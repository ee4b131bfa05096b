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


def _start_search_index(app: Flask) -> None:
    """The library's search index: rebuilt in the background at startup when it is missing
    (every search also makes sure it exists and is current before using it)."""
    import threading

    from .core.search_index import SearchIndex

    index = app.extensions["search"] = SearchIndex(app.extensions["library"])
    if app.config.get("TESTING") or index.is_valid() or not index.library.root.is_dir():
        return

    def build():
        try:
            index.ensure()
        except Exception:  # noqa: BLE001 - logged; the first search tries again
            app.logger.exception("search index: startup build failed")

    threading.Thread(target=build, name="search-index", daemon=True).start()


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

    from .views import episodes, library_pages, search, share

    app.register_blueprint(library_pages.bp)
    app.register_blueprint(episodes.bp)
    app.register_blueprint(share.bp)  # clip.mp3, embed (its own CSP: frame-ancestors *), oembed
    app.register_blueprint(search.bp)
    _start_search_index(app)

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

"""Builds the Flask app: settings, the library and its search index, blueprints, security
headers, error pages."""
from __future__ import annotations

import mimetypes
import threading

from flask import Flask, render_template, request
from werkzeug.exceptions import HTTPException

from . import security
from .core import preferences, settings
from .core.opening import OpenLibrary, open_library
from .core.search import SearchUnavailable
from .web_filters import register_filters

PROJECT_ROOT = settings.PROJECT_ROOT


def _start_search_index(app: Flask, opened: OpenLibrary) -> None:
    """The library's search index: rebuilt in the background at startup when it is missing
    (every search also makes sure it exists and is current before using it); then the
    episode list is read once, so that the first library page does not wait for it."""
    library, index = opened.library, opened.index
    if app.config.get("TESTING") or not library.root.is_dir():
        return

    def build():   # with PostgreSQL: catch up with folders changed while no node ran
        try:
            if index.engine != "sqlite" or not index.is_valid():
                index.ensure()
        except SearchUnavailable as error:  # logged; the first search tries again
            app.logger.error("search index: startup build failed: %s", error)
        library.scan()   # every episode.json read once, before the first library page

    threading.Thread(target=build, name="search-index", daemon=True).start()


mimetypes.add_type("application/manifest+json", ".webmanifest")


def build_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, static_folder=str(PROJECT_ROOT / "static"),
                template_folder=str(PROJECT_ROOT / "templates"))
    app.config.update(test_config or {})
    app.config.update(settings.load(test_config))
    app.config["SEND_FILE_MAX_AGE_DEFAULT"] = app.config["STATIC_MAX_AGE"]
    opened = open_library(app.config, warn=app.logger.warning)
    opened.library.sweep()   # what a killed add or remove left behind
    app.extensions["library"] = opened.library
    app.extensions["search"] = opened.index
    register_filters(app)
    security.init_app(app)

    @app.context_processor
    def reader_preferences():
        return {"prefs": preferences.parse(request.cookies.get(preferences.COOKIE))}

    from .views import episodes, feed, library_pages, offline, search, share

    app.register_blueprint(library_pages.bp)
    app.register_blueprint(episodes.bp)
    app.register_blueprint(share.bp)
    app.register_blueprint(search.bp)
    app.register_blueprint(feed.bp)
    app.register_blueprint(offline.bp)
    _start_search_index(app, opened)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        # keep the headers an error carries for its client (Retry-After, Allow)
        kept = [(k, v) for k, v in error.get_headers() if k in ("Retry-After", "Allow")]
        return render_template("error.html", error=error), error.code, kept

    @app.errorhandler(Exception)
    def server_error(error: Exception):
        app.logger.exception("unhandled error")
        return render_template("error.html", error=None), 500

    return app

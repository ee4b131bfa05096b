"""Offline play: the service worker (``/sw.js``, served from the site's root so that it may
control every page), the list of the static files a saved episode needs
(``/offline/static.json``), and the "Saved" page (``/saved``) that lists the episodes saved
in this browser (static/js/saved.js fills it from the browser's storage)."""
from pathlib import Path

from flask import Blueprint, current_app, jsonify, render_template, send_from_directory, url_for

bp = Blueprint("offline", __name__)


@bp.get("/sw.js")
def service_worker():
    response = send_from_directory(current_app.static_folder, "js/sw.js", mimetype="text/javascript",
                                   max_age=0)
    response.headers["Service-Worker-Allowed"] = "/"
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/saved")
def saved():
    return render_template("saved.html")


@bp.get("/offline/static.json")
def static_files():
    """Every file under static/: what the pages load, whatever a page has loaded so far."""
    root = Path(current_app.static_folder)
    names = sorted(p.relative_to(root).as_posix() for p in root.rglob("*")
                   if p.is_file() and not p.name.startswith(".") and p.name != "sw.js")
    response = jsonify(files=[url_for("static", filename=name) for name in names]
                       + [url_for("offline.saved")])
    response.headers["Cache-Control"] = "no-cache"
    return response

"""The library page: every episode, newest first."""
from flask import Blueprint, current_app, render_template

from . import library

bp = Blueprint("library", __name__)


@bp.get("/")
def index():
    episodes, broken = library().scan()
    for slug, why in broken:
        current_app.logger.warning("episode %s is unavailable: %s", slug, why)
    return render_template("index.html", episodes=episodes, broken=broken)

"""The library page: every episode, newest first."""
from flask import Blueprint, render_template

from . import library

bp = Blueprint("library", __name__)


@bp.get("/")
def index():
    return render_template("index.html", episodes=library().episodes())

"""The library page: every episode, newest first, :data:`PAGE_SIZE` to a page
(``/?page=2``)."""
from flask import Blueprint, current_app, render_template, request

from . import library, page_number

bp = Blueprint("library", __name__)

PAGE_SIZE = 50


@bp.get("/")
def index():
    episodes, broken = library().scan()
    for slug, why in broken:
        current_app.logger.warning("episode %s is unavailable: %s", slug, why)
    pages = max(1, -(-len(episodes) // PAGE_SIZE))
    page = page_number(request.args.get("page"), pages, "this library")
    first = (page - 1) * PAGE_SIZE
    return render_template("index.html", episodes=episodes[first:first + PAGE_SIZE],
                           total=len(episodes), first=first, page=page, pages=pages,
                           broken=broken if page == 1 else [])

"""The library page: every episode, newest first, :data:`PAGE_SIZE` to a page
(``/?page=2``)."""
from flask import Blueprint, abort, current_app, render_template, request

from . import library

bp = Blueprint("library", __name__)

PAGE_SIZE = 50


def _page_number(raw: str | None, pages: int) -> int:
    """The page asked for; a 404 for one that is not there."""
    if raw is None:
        return 1
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 9 and 1 <= int(raw) <= pages):
        abort(404, description=f"There is no page “{raw[:20]}” of this library: its pages "
                               f"are 1 to {pages}.")
    return int(raw)


@bp.get("/")
def index():
    episodes, broken = library().scan()
    for slug, why in broken:
        current_app.logger.warning("episode %s is unavailable: %s", slug, why)
    pages = max(1, -(-len(episodes) // PAGE_SIZE))
    page = _page_number(request.args.get("page"), pages)
    first = (page - 1) * PAGE_SIZE
    return render_template("index.html", episodes=episodes[first:first + PAGE_SIZE],
                           total=len(episodes), first=first, page=page, pages=pages,
                           broken=broken if page == 1 else [])

"""Finding and ordering the cues that match a query, in PostgreSQL (the twin of
:mod:`.ranking`, with the same results in the same order for the same library).

The parsed :class:`~.query.Query` — never the raw text — becomes a ``tsquery``: the plain
and quoted terms go to ``websearch_to_tsquery`` as quoted phrases (``-word`` ones with
their minus), so none of its operators can come from what was typed; a ``prefix*`` term
goes to ``to_tsquery`` as ``word:*`` (its words hold only letters and digits). Cues
holding every wanted word side by side come first, then the rest; within each,
``ts_rank_cd`` divided by the log of the cue's length (bm25-like: a short cue
with the word ranks above a long one; best first), ties by start time, then slug. At most
:data:`~.ranking.RANK_CANDIDATES` matching cues, the most recently indexed, are ranked.
Snippets come from ``ts_headline`` with the same sentinels as SQLite's ``snippet()``.
"""
from __future__ import annotations

from .hits import HIT_END, HIT_START, Hit
from .pg_store import CONFIG, PgStore
from .query import Query, parse_query
from . import ranking
from .ranking import DEFAULT_LIMIT, MAX_LIMIT, SNIPPET_TOKENS

HEADLINE = (f"StartSel={HIT_START}, StopSel={HIT_END}, MaxWords={SNIPPET_TOKENS}, "
            f"MinWords={SNIPPET_TOKENS // 3}, ShortWord=0, HighlightAll=false")

# ts_headline drops what looks like an HTML tag: '<' is swapped for a character that starts
# none, and back
LT = "\ue000"
RANKED = f"""
SELECT r.slug, r.title, r.idx, r.start, r."end", r.speaker, r.text,
       ts_headline('{CONFIG}', replace(r.text, '<', %(lt)s), ({{match}}), %(headline)s),
       r.score
FROM (
    SELECT c.slug, c.title, c.idx, c.start, c."end", c.speaker, c.text,
           -ts_rank_cd(c.tsv, ({{tier}}), 1) AS score
    FROM cues AS c
    WHERE c.id IN (SELECT id FROM cues WHERE tsv @@ ({{tier}}) {{scope}}
                   ORDER BY id DESC LIMIT %(cap)s)
    ORDER BY score, c.start, c.slug
    LIMIT %(limit)s
) AS r
ORDER BY r.score, r.start, r.slug
"""


def tsquery(query: Query) -> tuple[str, dict] | None:
    """``(SQL expression, parameters)`` of the tsquery for ``query``; None when nothing
    is searchable."""
    if not query:
        return None
    quoted, parts, args = [], [], {}
    for term in query.terms:
        if term.prefix and not term.excluded:
            name = f"p{len(args)}"
            args[name] = " <-> ".join(term.words) + ":*"
            parts.append(f"to_tsquery('{CONFIG}', %({name})s)")
        else:
            quoted.append(("-" if term.excluded else "") + '"' + " ".join(term.words) + '"')
    if quoted:
        args["web"] = " ".join(quoted)
        parts.insert(0, f"websearch_to_tsquery('{CONFIG}', %(web)s)")
    return " && ".join(parts), args


def search(index: PgStore, query: str | Query, episode: str | None = None,
           limit: int = DEFAULT_LIMIT) -> list[Hit]:
    """Cues holding every wanted term of ``query``, best first; ``episode`` limits it to
    one slug. See :func:`webapp.core.search.ranking.search`."""
    parsed = query if isinstance(query, Query) else parse_query(query)
    built = tsquery(parsed)
    if built is None:
        return []
    match, args = built
    args.update(limit=max(1, min(int(limit), MAX_LIMIT)), headline=HEADLINE, episode=episode,
                lt=LT, cap=ranking.RANK_CANDIDATES)
    adjacent = parsed.adjacent()
    if adjacent:
        args["adjacent"] = " ".join(adjacent)
        phrase = f"phraseto_tsquery('{CONFIG}', %(adjacent)s)"
        tiers = [f"({match}) && {phrase}", f"({match}) && !!{phrase}"]
    else:
        tiers = [match]
    scope = "AND slug = %(episode)s" if episode is not None else ""
    index.require_schema()
    hits: list[Hit] = []
    with index.reading() as db:
        for tier in tiers:
            if len(hits) >= args["limit"]:
                break
            sql = RANKED.format(match=match, tier=tier, scope=scope)
            rows = db.execute(sql, {**args, "limit": args["limit"] - len(hits)}).fetchall()
            hits += [Hit(*row[:6], _snippet(row[6], row[7]), row[8]) for row in rows]
    return hits


def _snippet(text: str, headline: str) -> str:
    """ts_headline's piece of ``text``, '<' put back, with '…' where it cuts the cue (as
    SQLite's snippet() does)."""
    marked = headline.replace(LT, "<")
    plain = marked.replace(HIT_START, "").replace(HIT_END, "")
    at = text.find(plain)
    if at < 0:
        return marked
    return ("…" if text[:at].strip() else "") + marked + \
        ("…" if text[at + len(plain):].strip() else "")

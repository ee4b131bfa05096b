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
from . import ranking, store
from .pg_store import CONFIG, PgStore
from .query import Query, parse_query
from .ranking import DEFAULT_LIMIT, MAX_LIMIT, SNIPPET_TOKENS

HEADLINE = (f"StartSel={HIT_START}, StopSel={HIT_END}, MaxWords={SNIPPET_TOKENS}, "
            f"MinWords={SNIPPET_TOKENS // 3}, ShortWord=0, HighlightAll=false")

# ts_headline drops what looks like an HTML tag: '<' is swapped for a character that starts
# none, and back
LT = "\ue000"
FIRST_IDS = 2_500          # the newest cue ids, read first (through the id index)
WINDOWS = (1, 3, 12)       # then this many whole partitions at a time, newest first; then all
# Plans made once per connection (and kept) that read each partition's GIN index, whatever
# the word: a custom plan would weigh every partition's word statistics at each search; no
# parallel workers (starting them costs more than these small reads).
PLANNING = ("SELECT set_config('plan_cache_mode', 'force_generic_plan', true), "
            "set_config('enable_indexscan', 'off', true), set_config('enable_seqscan', 'off', true), "
            "set_config('max_parallel_workers_per_gather', '0', true)")
PARTITIONS = ("SELECT substr(c.relname, 6)::int FROM pg_inherits AS i "
              "JOIN pg_class AS c ON c.oid = i.inhrelid WHERE i.inhparent = 'cues'::regclass")
RANKED = """SELECT id, -ts_rank_cd(tsv, %(q)s::tsquery, 1), start, slug FROM (
    SELECT * FROM ({arms}) AS u ORDER BY id DESC LIMIT %(left)s) AS m"""
ARM = "SELECT id, tsv, start, slug FROM {table} WHERE tsv @@ %(q)s::tsquery{extra}"
DETAILS = f"""
SELECT id, slug, title, idx, start, "end", speaker, text,
       ts_headline('{CONFIG}', replace(text, '<', %(lt)s), %(match)s::tsquery, %(headline)s)
FROM {{table}} WHERE id = ANY(%(ids)s)
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
    limit = max(1, min(int(limit), MAX_LIMIT))
    tiers = _tiers(parsed, match, args)
    index.require_schema()
    ranked: list[tuple] = []
    with index.reading() as db:
        texts = db.execute(f"SELECT ({match})::text, " + ", ".join(
            f"({tier})::text" for tier in tiers), args).fetchone()
        high = db.execute("SELECT last_value FROM cues_id_seq").fetchone()[0]
        parts = sorted((n for (n,) in db.execute(PARTITIONS)), reverse=True)
        db.execute(PLANNING)
        for tier in texts[1:]:
            if len(ranked) >= limit:
                break
            found = _candidates(db, tier, episode, high, parts)
            ranked += sorted(found, key=lambda c: (c[1], c[2], c[3]))[:limit - len(ranked)]
        ids = [c[0] for c in ranked]
        if not ids:
            return []
        table = " UNION ALL ".join(f"SELECT * FROM cues_{n}" for n in
                                   sorted({store.shard_of(i) for i in ids}))
        rows = {row[0]: row[1:] for row in db.execute(DETAILS.format(table=f"({table}) AS c"), {
            "lt": LT, "match": texts[0], "headline": HEADLINE, "ids": ids}).fetchall()}
    return [Hit(*rows[c[0]][:6], _snippet(*rows[c[0]][6:]), c[1]) for c in ranked if c[0] in rows]


def _tiers(parsed: Query, match: str, args: dict) -> list[str]:
    """The tsquery expressions searched in turn: the words side by side, then the rest."""
    adjacent = parsed.adjacent()
    if not adjacent:
        return [match]
    args["adjacent"] = " ".join(adjacent)
    phrase = f"phraseto_tsquery('{CONFIG}', %(adjacent)s)"
    return [f"({match}) && {phrase}", f"({match}) && !!{phrase}"]


def _candidates(db, q: str, episode: str | None, high: int, parts: list[int]) -> list[tuple]:
    """``(id, score, start, slug)`` of the newest :data:`~.ranking.RANK_CANDIDATES` cues
    matching the tsquery ``q`` (``parts``: the partitions, newest first): the newest
    :data:`FIRST_IDS` ids first, then partition by partition back, a widening window at
    a time."""
    cap = ranking.RANK_CANDIDATES
    if episode is not None:
        arm = ARM.format(table="cues", extra=" AND slug = %(episode)s")
        return db.execute(RANKED.format(arms=arm), {"q": q, "episode": episode, "left": cap},
                          prepare=True).fetchall()
    below = high - FIRST_IDS
    newest = [n for n in parts if store.shard_span(n)[1] > below]
    windows = [(newest, " AND id > %(below)s")]
    older, at = [n for n in parts if store.shard_span(n)[0] <= below], 0
    for size in (*WINDOWS, len(older)):
        windows.append((older[at:at + size], ""))
        at += size
    found: list[tuple] = []
    for number, (window, extra) in enumerate(windows):
        if len(found) >= cap or not window:
            continue
        arms = " UNION ALL ".join(ARM.format(
            table=f"cues_{n}", extra=extra or (" AND id <= %(below)s" if number and
                                               store.shard_span(n)[1] > below else ""))
            for n in window)
        found += db.execute(RANKED.format(arms=arms),
                            {"q": q, "below": below, "left": cap - len(found)},
                            prepare=True).fetchall()
    return found[:cap]


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

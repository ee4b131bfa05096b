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

import re

from .hits import HIT_END, HIT_START, Hit
from . import ranking, store
from .pg_store import CONFIG, PARTITION_NAMES, ROW_CONFIG, WORDS_CONFIG, PgStore
from .query import Query, parse_query
from .ranking import DEFAULT_LIMIT, SNIPPET_TOKENS, reach
from .segmenting import unsegment
from .stemming import stemmed_sql

HEADLINE = (f"StartSel={HIT_START}, StopSel={HIT_END}, MaxWords={SNIPPET_TOKENS}, "
            f"MinWords={SNIPPET_TOKENS // 3}, ShortWord=0, HighlightAll=false")
# Segmented text (Chinese, Japanese, Korean: a word a character) in one fragment around the
# match: the default would show the match and the fewest characters after it
HEADLINE_SEGMENTED = HEADLINE + ", MaxFragments=1"

WORDY = re.compile(r"[^\W_]")    # a letter or digit: a stretch of the cue left out
# ts_headline drops what looks like an HTML tag: '<' is swapped for a character that starts
# none, and back
LT = "\ue000"
FIRST_IDS = 2_500          # the newest cue ids, read first (through the id index)
WINDOWS = (1, 2, 4, 8, 16)  # then partitions newest first, this many in one statement (or all)
# Plans made once per connection (and kept) that read each partition's GIN index, whatever
# the word: a custom plan would weigh every partition's word statistics at each search; no
# parallel workers (starting them costs more than these small reads).
PLANNING = ("set_config('plan_cache_mode', 'force_generic_plan', true) || "
            "set_config('enable_indexscan', 'off', true) || "
            "set_config('enable_seqscan', 'off', true) || "
            "set_config('max_parallel_workers_per_gather', '0', true)")
PARTITIONS = f"ARRAY(SELECT substr(relname, 6)::int FROM ({PARTITION_NAMES}) AS p)"
# in the same round trip as the query's tsqueries: the highest id, the partitions, the plans
SETTING_OUT = f"(SELECT last_value FROM cues_id_seq), {PARTITIONS}, {PLANNING}"
# Each query comes twice: stemmed (qs) for the rows of English or a language not known,
# word for word (qw) for the others (.stemming); each row is found by, and ranked by, its
# own: a partition is read by two arms, each through the GIN index with its query (when
# stemming changes none of the words, the two are one, and so is the arm).
OWN_QUERY = f"CASE WHEN {stemmed_sql()} THEN %(qs)s::tsquery ELSE %(qw)s::tsquery END"
RANKED = """SELECT id, -ts_rank_cd(tsv, q, 1), start, slug FROM (
    SELECT * FROM ({arms}) AS u ORDER BY id DESC LIMIT %(left)s) AS m"""
ARM = "SELECT id, tsv, start, slug, %({q})s::tsquery AS q FROM {{table}} WHERE tsv @@ %({q})s::tsquery"
ARMS = {  # (stemmed and word for word the same?) → the arms reading one partition
    True: [ARM.format(q="qs") + "{extra}"],
    False: [ARM.format(q="qs") + f" AND {stemmed_sql()}{{extra}}",
            ARM.format(q="qw") + f" AND NOT {stemmed_sql()}{{extra}}"]}


def _arms(q: tuple[str, str], table: str, extra: str = "") -> list[str]:
    """The arms reading ``table`` (a partition, or all of ``cues``) for the queries ``q``."""
    return [arm.format(table=table, extra=extra) for arm in ARMS[q[0] == q[1]]]
DETAILS = f"""
SELECT id, slug, title, idx, start, "end", speaker, lang, alt, text,
       ts_headline({ROW_CONFIG}, replace(text, '<', %(lt)s), {OWN_QUERY},
                   CASE WHEN strpos(text, chr(31)) > 0 THEN %(segmented)s ELSE %(headline)s END)
FROM {{table}} WHERE id = ANY(%(ids)s)
"""


def tsquery(query: Query, config: str = CONFIG) -> tuple[str, dict] | None:
    """``(SQL expression, parameters)`` of the tsquery for ``query`` in the text search
    configuration ``config``; None when nothing is searchable."""
    if not query:
        return None
    quoted, parts, args = [], [], {}
    for term in query.terms:
        if term.prefix and not term.excluded:
            name = f"p{len(args)}"
            args[name] = " <-> ".join(term.words) + ":*"
            parts.append(f"to_tsquery('{config}', %({name})s)")
        else:
            quoted.append(("-" if term.excluded else "") + '"' + " ".join(term.words) + '"')
    if quoted:
        args["web"] = " ".join(quoted)
        parts.insert(0, f"websearch_to_tsquery('{config}', %(web)s)")
    return " && ".join(parts), args


def search(index: PgStore, query: str | Query, episode: str | None = None,
           limit: int = DEFAULT_LIMIT, offset: int = 0) -> list[Hit]:
    """Cues holding every wanted term of ``query``, best first; ``episode`` limits it to
    one slug. See :func:`webapp.core.search.ranking.search`."""
    parsed = query if isinstance(query, Query) else parse_query(query)
    built = tsquery(parsed)
    if built is None:
        return []
    limit, offset = reach(limit, offset)
    wanted = offset + limit
    args = built[1]
    # (stemmed, word for word) of the whole query, then of each tier
    both = [(built[0], tsquery(parsed, WORDS_CONFIG)[0])]
    both += zip(_tiers(parsed, both[0][0], args), _tiers(parsed, both[0][1], args, WORDS_CONFIG))
    index.require_schema()
    ranked: list[tuple] = []
    with index.reading() as db:
        row = db.execute("SELECT " + "".join(f"({s})::text, ({w})::text, " for s, w in both)
                         + SETTING_OUT, args).fetchone()
        *texts, high, parts, _ = row
        pairs = list(zip(texts[::2], texts[1::2]))
        parts = sorted(parts, reverse=True)
        for tier in pairs[1:]:
            if len(ranked) >= wanted:
                break
            found = _candidates(db, tier, episode, high, parts)
            ranked += sorted(found, key=lambda c: (c[1], c[2], c[3]))[:wanted - len(ranked)]
        ranked = ranked[offset:wanted]
        ids = [c[0] for c in ranked]
        if not ids:
            return []
        table = " UNION ALL ".join(f"SELECT * FROM cues_{n}" for n in
                                   sorted({store.shard_of(i) for i in ids}))
        rows = {row[0]: row[1:] for row in db.execute(DETAILS.format(table=f"({table}) AS c"), {
            "lt": LT, "qs": pairs[0][0], "qw": pairs[0][1], "headline": HEADLINE,
            "segmented": HEADLINE_SEGMENTED, "ids": ids}).fetchall()}
    return [Hit(*rows[c[0]][:6], _snippet(*rows[c[0]][8:]), c[1], language=rows[c[0]][6],
                alternate=rows[c[0]][7]) for c in ranked if c[0] in rows]


def _tiers(parsed: Query, match: str, args: dict, config: str = CONFIG) -> list[str]:
    """The tsquery expressions searched in turn: the words side by side, then the rest."""
    adjacent = parsed.adjacent()
    if not adjacent:
        return [match]
    args["adjacent"] = " ".join(adjacent)
    phrase = f"phraseto_tsquery('{config}', %(adjacent)s)"
    return [f"({match}) && {phrase}", f"({match}) && !!{phrase}"]


def _candidates(db, q: tuple[str, str], episode: str | None, high: int,
                parts: list[int]) -> list[tuple]:
    """``(id, score, start, slug)`` of the newest :data:`~.ranking.RANK_CANDIDATES` cues
    matching the tsqueries ``q`` (stemmed, word for word: each row held to its own;
    ``parts``: the partitions, newest first): the newest
    :data:`FIRST_IDS` ids first, then partition by partition back, as many at a time as
    the matches found so far say are needed (see :func:`window_size`)."""
    cap = ranking.RANK_CANDIDATES
    if episode is not None:
        arms = _arms(q, "cues", " AND slug = %(episode)s")
        return db.execute(RANKED.format(arms=" UNION ALL ".join(arms)),
                          {"qs": q[0], "qw": q[1], "episode": episode, "left": cap},
                          prepare=True).fetchall()
    below = high - FIRST_IDS
    newest = [n for n in parts if store.shard_span(n)[1] > below]
    found = _read(db, q, below, cap, [arm for n in newest
                                      for arm in _arms(q, f"cues_{n}", " AND id > %(below)s")])
    older = [n for n in parts if store.shard_span(n)[0] <= below]
    at, covered = 0, min(high, FIRST_IDS)
    while len(found) < cap and at < len(older):
        size = window_size(cap - len(found), len(found), covered, len(older) - at)
        window, at = older[at:at + size], at + size
        found += _read(db, q, below, cap - len(found), [arm for n in window for arm in _arms(
            q, f"cues_{n}", " AND id <= %(below)s" if store.shard_span(n)[1] > below else "")])
        covered += sum(min(store.shard_span(n)[1], below) - store.shard_span(n)[0] + 1
                       for n in window)
    return found[:cap]


def window_size(left: int, found: int, covered: int, remaining: int) -> int:
    """How many partitions the next statement reads: enough, at the density of matches
    seen in the ``covered`` ids so far, for the ``left`` candidates still wanted (and a
    quarter more), rounded up to a size in :data:`WINDOWS`; all the ``remaining`` ones
    when none has matched yet (a rare word) or more than the largest size are needed."""
    if not found:
        return remaining
    needed = left * covered / found / store.SHARD * 1.25
    return min(remaining, next((n for n in WINDOWS if n >= needed), remaining))


def _read(db, q: tuple[str, str], below: int, left: int, arms: list[str]) -> list[tuple]:
    if not arms:
        return []
    return db.execute(RANKED.format(arms=" UNION ALL ".join(arms)),
                      {"qs": q[0], "qw": q[1], "below": below, "left": left},
                      prepare=True).fetchall()


def _snippet(text: str, headline: str) -> str:
    """ts_headline's piece of ``text``, '<' put back, with '…' where it cuts the cue (as
    SQLite's snippet() does) and the punctuation it left off the ends put back, the
    segmenting separators taken out."""
    marked = headline.replace(LT, "<")
    plain = marked.replace(HIT_START, "").replace(HIT_END, "")
    at = text.find(plain)
    if at >= 0:
        before, after = text[:at], text[at + len(plain):]
        marked = ("…" if WORDY.search(before) else before.lstrip()) + marked + \
            ("…" if WORDY.search(after) else after.rstrip())
    return unsegment(marked)

"""Finding and ordering the cues that match a query.

Cues holding all the words side by side (as a phrase) come first, then the rest; within
each, bm25, ties by start time (then slug). When a word is so common that more than
:data:`RANK_CANDIDATES` cues match, only the most recently indexed that many are ranked,
read from the newest shards of the index back (see :data:`.store.SHARD`), which keeps a
search fast however big the library grows.
"""
from __future__ import annotations

import json
import sqlite3

from .hits import HIT_END, HIT_START, Hit
from .query import Query, parse_query
from .segmenting import unsegment
from .store import FAMILIES, Store, shard_count, shard_of

DEFAULT_LIMIT, MAX_LIMIT = 20, 100
SNIPPET_TOKENS = 36
RANK_CANDIDATES = 500   # at most this many matching cues are ranked by bm25 (the newest)


def reach(limit: int, offset: int) -> tuple[int, int]:
    """(limit, offset) made safe: a page of at most MAX_LIMIT hits, and no further than the
    RANK_CANDIDATES best in all (what is ranked at most)."""
    offset = max(0, min(int(offset), RANK_CANDIDATES - 1))
    return max(1, min(int(limit), MAX_LIMIT, RANK_CANDIDATES - offset)), offset


def search(index: Store, query: str | Query, episode: str | None = None,
           limit: int = DEFAULT_LIMIT, offset: int = 0) -> list[Hit]:
    """Cues holding every term of ``query``, best first; ``episode`` limits it to one slug;
    the ``limit`` hits after the ``offset`` best (a page of results)."""
    parsed = query if isinstance(query, Query) else parse_query(query)
    match = parsed.fts()
    if match is None or not index.path.is_file():
        return []
    limit, offset = reach(limit, offset)
    wanted = offset + limit
    adjacent = parsed.adjacent_fts()
    first = f"{adjacent} AND ({match})" if parsed.excluded else adjacent
    tiers = [first, f"({match}) NOT {adjacent}"] if adjacent else [match]
    with index.reading() as db:
        db.execute("BEGIN")   # one snapshot for every statement below
        span, shards = None, list(reversed(range(shard_count(db))))
        if episode is not None:
            span = db.execute("SELECT first_id, last_id FROM episodes WHERE slug = ?",
                              (episode,)).fetchone()
            if span is None:
                return []
            shards = list(range(shard_of(span[1]), shard_of(span[0]) - 1, -1))
        ranked: list[tuple[int, float]] = []
        for tier in tiers:
            if len(ranked) >= wanted:
                break
            ranked += _ranked(db, tier, span, shards, wanted - len(ranked))
        hits = _hits(db, match, ranked[offset:wanted])
        db.execute("COMMIT")
    return hits


def _hits(db: sqlite3.Connection, match: str, ranked: list[tuple[int, float]]) -> list[Hit]:
    """The :class:`Hit` of each ranked cue id, in the ranked order, with its snippet."""
    ids = json.dumps([cue_id for cue_id, _ in ranked])
    rows = {row[0]: row[1:] for row in db.execute(
        'SELECT id, slug, title, idx, start, "end", speaker, lang, alt FROM cues '
        "WHERE id IN (SELECT value FROM json_each(:ids))", {"ids": ids})}
    marked = {}
    for n in sorted({shard_of(cue_id) for cue_id, _ in ranked}):
        for table in tables(n):
            marked.update(db.execute(
                f"SELECT rowid, snippet({table}, 0, :a, :b, '…', :n) FROM {table} "
                f"WHERE {table} MATCH :match AND rowid IN (SELECT value FROM json_each(:ids))",
                {"a": HIT_START, "b": HIT_END, "n": SNIPPET_TOKENS, "match": match, "ids": ids}))
    return [Hit(*rows[cue_id][:6], unsegment(marked.get(cue_id) or ""), score,
                language=rows[cue_id][6], alternate=bool(rows[cue_id][7]))
            for cue_id, score in ranked if cue_id in rows]


def tables(n: int) -> list[str]:
    """Shard ``n``'s full-text tables (see :data:`.store.FAMILIES`)."""
    return [f"{family}_{n}" for family, _, _ in FAMILIES]


def _ranked(db: sqlite3.Connection, match: str, span: tuple | None, shards: list[int],
            limit: int) -> list[tuple[int, float]]:
    """``(cue id, bm25)`` of the best ``limit`` cues for one FTS5 expression, ordered by
    bm25 then start time then slug.

    The newest :data:`RANK_CANDIDATES` matching cues are the candidates, read shard by
    shard from the newest (bm25 weighs words within each shard). Every candidate with a
    score among the best ``limit`` — ties at the cut-off included, however many — has its
    start time read to put the ties in order.
    """
    where, args = "MATCH :match", {"match": match}
    if span is not None:
        where += " AND rowid BETWEEN :first AND :last"
        args.update(first=span[0], last=span[1])
    found: list[tuple[int, float]] = []
    for n in shards:
        left = RANK_CANDIDATES - len(found)
        newest = []
        for table in tables(n):      # the shard's stemmed cues and the others: the newest
            newest += db.execute(    # of both
                f"SELECT rowid, bm25({table}) FROM {table} WHERE {table} {where} "
                "ORDER BY rowid DESC LIMIT :left", {**args, "left": left})
        found += sorted(newest, reverse=True)[:left]
        if len(found) >= RANK_CANDIDATES:
            break
    if not found:
        return []
    found.sort(key=lambda row: row[1])
    cut = found[min(limit, len(found)) - 1][1]
    kept = [row for row in found if row[1] <= cut]
    order = {row[0]: row[1:] for row in db.execute(
        "SELECT id, start, slug FROM cues WHERE id IN (SELECT value FROM json_each(:ids))",
        {"ids": json.dumps([cue_id for cue_id, _ in kept])})}
    kept.sort(key=lambda row: (row[1], *order[row[0]]))
    return kept[:limit]

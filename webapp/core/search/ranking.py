"""Finding and ordering the cues that match a query.

Cues holding all the words side by side (as a phrase) come first, then the rest; within
each, bm25, ties by start time (then slug). When a word is so common that more than
:data:`RANK_CANDIDATES` cues match, only the most recently indexed that many are ranked,
which keeps a search fast however big the library grows.
"""
from __future__ import annotations

import json
import sqlite3

from .hits import HIT_END, HIT_START, Hit
from .query import Query, parse_query
from .store import Store

DEFAULT_LIMIT, MAX_LIMIT = 20, 100
SNIPPET_TOKENS = 36
RANK_CANDIDATES = 5_000   # at most this many matching cues are ranked by bm25 (newest)


def search(index: Store, query: str | Query, episode: str | None = None,
           limit: int = DEFAULT_LIMIT) -> list[Hit]:
    """Cues holding every term of ``query``, best first; ``episode`` limits it to one slug."""
    parsed = query if isinstance(query, Query) else parse_query(query)
    match = parsed.fts()
    if match is None or not index.path.is_file():
        return []
    limit = max(1, min(int(limit), MAX_LIMIT))
    adjacent = parsed.adjacent_fts()
    first = f"{adjacent} AND ({match})" if parsed.excluded else adjacent
    tiers = [first, f"({match}) NOT {adjacent}"] if adjacent else [match]
    with index.reading() as db:
        db.execute("BEGIN")   # one snapshot for every statement below
        span = None
        if episode is not None:
            span = db.execute("SELECT first_id, last_id FROM episodes WHERE slug = ?",
                              (episode,)).fetchone()
            if span is None:
                return []
        ranked: list[tuple[int, float]] = []
        for tier in tiers:
            if len(ranked) >= limit:
                break
            ranked += _ranked(db, tier, span, limit - len(ranked))
        hits = _hits(db, match, ranked)
        db.execute("COMMIT")
    return hits


def _hits(db: sqlite3.Connection, match: str, ranked: list[tuple[int, float]]) -> list[Hit]:
    """The :class:`Hit` of each ranked cue id, in the ranked order, with its snippet."""
    ids = json.dumps([cue_id for cue_id, _ in ranked])
    rows = {row[0]: row[1:] for row in db.execute(
        'SELECT id, slug, title, idx, start, "end", speaker FROM cues '
        "WHERE id IN (SELECT value FROM json_each(:ids))", {"ids": ids})}
    marked = dict(db.execute(
        "SELECT rowid, snippet(cues_fts, 0, :a, :b, '…', :n) FROM cues_fts "
        "WHERE cues_fts MATCH :match AND rowid IN (SELECT value FROM json_each(:ids))",
        {"a": HIT_START, "b": HIT_END, "n": SNIPPET_TOKENS, "match": match, "ids": ids}))
    return [Hit(*rows[cue_id], marked.get(cue_id) or "", score)
            for cue_id, score in ranked if cue_id in rows]


def _ranked(db: sqlite3.Connection, match: str, span: tuple | None,
            limit: int) -> list[tuple[int, float]]:
    """``(cue id, bm25)`` of the best ``limit`` cues for one FTS5 expression, ordered by
    bm25 then start time then slug.

    One pass computes bm25 for every candidate and keeps, through ``rank()``, the rows
    whose score is among the best ``limit`` — ties at the cut-off included, however many —
    and only those rows' start times are read to put the ties in order.
    """
    where, args = ["cues_fts MATCH :match"], {"match": match, "limit": limit}
    if span is not None:
        where.append("rowid BETWEEN :first AND :last")
        args.update(first=span[0], last=span[1])
    floor = db.execute(f"SELECT rowid FROM cues_fts WHERE {' AND '.join(where)} "
                       f"ORDER BY rowid DESC LIMIT 1 OFFSET :cap",
                       {**args, "cap": RANK_CANDIDATES}).fetchone()
    if floor is not None:
        where.append("rowid > :floor")
        args["floor"] = floor[0]
    return db.execute(
        "SELECT m.id, m.score FROM ("
        "  SELECT id, score FROM (SELECT id, score, rank() OVER (ORDER BY score) AS place"
        "    FROM (SELECT rowid AS id, bm25(cues_fts) AS score FROM cues_fts "
        f"          WHERE {' AND '.join(where)})) "
        "  WHERE place <= :limit) AS m "
        "JOIN cues AS c ON c.id = m.id ORDER BY m.score, c.start, c.slug LIMIT :limit",
        args).fetchall()

"""Tracking's pools on PostgreSQL, drawn from the claims' word postings kept in the worker.

Tracking (claims.intake.tracking) pools, for each article, the claims sharing a pair of telling
words with one of its candidate sentences (`claims.search._sharing_branches` says which pairs).
`claims.search.claims_sharing_pools` asks PostgreSQL with one GIN scan per sentence, an OR of
its pairs, whose cost is set by every claim holding any of the words rather than by the ~100 it
returns: ~9.5 ms of PostgreSQL's CPU per analysed article on the harvest bench, which two
workers on two cores share with it (bench/results/harvest_scale_corpus.md, sessions 22-23).
Here each word's posting (the live claims whose search vector matches it, as the GIN scan reads
it) is read once, kept in the worker within a bound, and the pairs are intersected in Python:
the same claims, each sentence's ranked by how many of its words they hold (then newest
first), and their rows read by primary key.

Freshness, checked before every use with one index-backed statement (the claims' highest id
and newest `updated_at`): when either moved, the claims inserted or written since (and a short
while before, for transactions that committed out of order) are matched against the cached
words on PostgreSQL and added to their postings. A claim that became a duplicate or was
deleted is dropped when its row is read. A write that moves neither (a bulk update of the
search fields alone) is seen when the whole cache is read again, at most POSTINGS_MAX_AGE later.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from array import array
from collections import OrderedDict
from collections.abc import Iterable
from itertools import chain
from typing import Any

from django.db import connections

# Claim ids held in all postings (4 bytes each) and words held (~250 bytes each with their
# dict entry and array header) before the least recently used words are dropped: at most ~4 MB
# of ids and ~8 MB of words. 600 harvest-bench pages against 20k claims held 348,000 ids in 4,900
# words; a worker's peak RSS was 391.6 MB through 10,000 pages with the bounds at 2M / 100k.
POSTINGS_MAX_IDS = 1_000_000
POSTINGS_MAX_WORDS = 30_000
# Seconds after which every posting is read again, whatever the checks saw.
POSTINGS_MAX_AGE = 600.0
# Written claims read again at each change, for transactions that committed after a later one:
# those written this long before the newest seen, and this many ids below the highest seen.
LOOKBACK = dt.timedelta(minutes=2)
ID_LOOKBACK = 100
# More changed claims than this at one check (an import) and the cache starts again.
CHANGED_MAX = 1_000


class ClaimPostings:
    """The live claims' postings of the words asked for, read on demand and kept (LRU)."""

    def __init__(
        self,
        using: str,
        *,
        max_ids: int = POSTINGS_MAX_IDS,
        max_words: int = POSTINGS_MAX_WORDS,
        max_age: float = POSTINGS_MAX_AGE,
    ) -> None:
        self.using = using
        self.max_ids = max_ids
        self.max_words = max_words
        self.max_age = max_age
        self._words: OrderedDict[str, array[int]] = OrderedDict()
        self._size = 0
        self._born = -float("inf")
        self._seen: tuple[int, dt.datetime | None] = (0, None)  # highest id, newest updated_at
        self._done: dict[int, dt.datetime] = {}  # the last check's window: id -> updated_at
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._words)

    @property
    def ids_held(self) -> int:
        return self._size

    def clear(self) -> None:
        with self._lock:
            self._clear()

    def lookup(self, words: Iterable[str]) -> dict[str, tuple[int, ...]]:
        """Each word's posting: the ids of the live claims whose search vector matches it."""
        wanted = list(dict.fromkeys(words))
        with self._lock:
            try:
                self._freshen()
            except Exception:
                # What changed is unknown: nothing cached is trusted.
                self._clear()
                self._seen = (0, None)
                raise
            missing = [w for w in wanted if w not in self._words]
            if missing:
                self._read(missing)
            # Copies, as tuples: the caller reads them after the lock is let go, and a set per
            # word would be built again per group by the caller (a transient ~25 MB per batch).
            found: dict[str, tuple[int, ...]] = {}
            for word in wanted:
                ids = self._words.get(word)
                if ids is not None:
                    self._words.move_to_end(word)
                found[word] = tuple(ids) if ids else ()
            self._trim()
            return found

    def _clear(self) -> None:
        self._words.clear()
        self._size = 0

    def _freshen(self) -> None:
        with connections[self.using].cursor() as cursor:
            cursor.execute("SELECT max(id), max(updated_at) FROM claims_claim")
            top_id, newest = cursor.fetchone()
        seen, self._seen = self._seen, (top_id or 0, newest)
        if time.monotonic() - self._born > self.max_age or not self._words:
            # Postings read from now on hold what is there now.
            self._clear()
            self._born = time.monotonic()
            self._done = {}
            return
        if self._seen == seen:
            return
        if seen[1] is None:  # there were no claims: every posting is to be read
            self._clear()
            return
        # At most this many rows: more would be more changes than CHANGED_MAX.
        room = CHANGED_MAX + len(self._done) + 1
        with connections[self.using].cursor() as cursor:
            cursor.execute(
                "SELECT id, updated_at FROM claims_claim WHERE id > %s OR updated_at > %s LIMIT %s",
                [seen[0] - ID_LOOKBACK, seen[1] - LOOKBACK, room],
            )
            window = dict(cursor.fetchall())
        # The window's claims already matched at an earlier check, as they were then, are not
        # matched again; the window is all that is remembered.
        changed = [claim_id for claim_id, written in window.items() if self._done.get(claim_id) != written]
        self._done = window
        if len(changed) > CHANGED_MAX or len(window) >= room:
            self._clear()
            return
        if not changed:
            return
        from claims.search import _gin_only

        with _gin_only(self.using) as cursor:
            # Each changed claim against every cached word, as the word's posting was read (each
            # word's tsquery parsed once: OFFSET 0 keeps it computed, not re-parsed per claim).
            cursor.execute(
                "SELECT w.word, c.id FROM (SELECT word, to_tsquery('simple', word) AS query "
                "FROM unnest(%s::text[]) AS u(word) OFFSET 0) AS w JOIN claims_claim AS c "
                "ON c.id = ANY(%s) AND c.duplicate_of_id IS NULL AND c.search_vector @@ w.query",
                [list(self._words), changed],
            )
            rows = cursor.fetchall()
        for word, claim_id in rows:
            ids = self._words[word]
            if claim_id not in ids:
                ids.append(claim_id)
                self._size += 1

    def _read(self, words: list[str]) -> None:
        from claims.search import _gin_only

        with _gin_only(self.using) as cursor:
            # One GIN scan per word, for one lexeme (or a phrase: "price_cap" is 'price' <->
            # 'cap', as the pool's tsquery reads it): no pairs and no ranking to price.
            cursor.execute(
                "SELECT w.word, array_agg(c.id) FILTER (WHERE c.id IS NOT NULL) "
                "FROM unnest(%s::text[]) AS w(word) LEFT JOIN LATERAL ("
                "SELECT id FROM claims_claim WHERE duplicate_of_id IS NULL "
                "AND search_vector @@ to_tsquery('simple', w.word)) AS c ON true GROUP BY w.word",
                [words],
            )
            rows = cursor.fetchall()
        for word, ids in rows:
            posting = array("i", ids or ())
            self._words[word] = posting
            self._size += len(posting)

    def _trim(self) -> None:
        while len(self._words) > 1 and (self._size > self.max_ids or len(self._words) > self.max_words):
            _word, dropped = self._words.popitem(last=False)
            self._size -= len(dropped)


_caches: dict[str, ClaimPostings] = {}
_caches_lock = threading.Lock()


def postings(using: str) -> ClaimPostings:
    """This process's postings of the database `using`."""
    with _caches_lock:
        cache = _caches.get(using)
        if cache is None:
            cache = _caches[using] = ClaimPostings(using)
        return cache


def sharing_pools(queryset: Any, word_sets_per_item: list[Any], *, limit: int, common: Any) -> list[list[Any]]:
    """For each item (an article), the claims of `queryset` sharing a pair of one of its word
    sets: exactly the claims `claims.search.claims_sharing_pools` finds, a claim once per set
    that finds it, each set's ranked by how many of its words they hold (then newest first),
    the item's best `limit` rows. PostgreSQL only (its search vectors)."""
    from claims.search import _sharing_branches

    branches = [_sharing_branches(word_sets, common) for word_sets in word_sets_per_item]
    # Whole tokens only (`_tracking_groups`): a group's prefixes are never set.
    groups_used = {g for item in branches for combos in item for combo in combos for g in combo}
    found = postings(queryset.db).lookup(sorted({s for g in groups_used for s in g[0]}))
    holders = {g: frozenset(chain.from_iterable(found[s] for s in g[0])) for g in groups_used}
    ranked: list[list[tuple[int, int]]] = []
    for item in branches:
        rows: list[tuple[int, int]] = []
        for combos in item:
            groups = list(dict.fromkeys(g for combo in combos for g in combo))
            matched: set[int] = set()
            for combo in combos:
                if len(combo) == 1:
                    matched.update(holders[combo[0]])
                else:
                    matched.update(holders[combo[0]] & holders[combo[1]])
            held = dict.fromkeys(matched, 0)
            for g in groups:
                for claim_id in holders[g] & matched:
                    held[claim_id] += 1
            rows.extend(zip(held.values(), held.keys(), strict=True))
        rows.sort(reverse=True)
        ranked.append(rows[:limit])
    ids = {claim_id for rows in ranked for _count, claim_id in rows}
    claims = {c.pk: c for c in queryset.filter(pk__in=ids)} if ids else {}
    return [[claims[claim_id] for _count, claim_id in rows if claim_id in claims] for rows in ranked]

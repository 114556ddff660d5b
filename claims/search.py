"""Full-text search over claims (folded, stemmed shadow column) and articles.

Claims: the services keep `Claim.search_folded`, a bag of index tokens built in Python from
the claim's wording, its claimant, quotes and source titles: every word lower-cased and
folded ("Genève" → "geneve", "østover" → "ostover"), plus its Norwegian and English
Snowball stems, its genitive-free form ("Russlands" → "russland") and the stems of a
compound's halves when the lexicon knows both ("strømprisene" → "strom", "pris").
A query word matches a claim when one of the claim's tokens

* equals one of the word's stems ("styrkene" and "styrke" share "styrk"), or
* starts with the folded word itself ("invasjon" finds "invasjonsplaner"), for words of
  four letters or more (shorter ones must match a whole token: "us" is not "used"), or
  with one of its stems of six letters or more ("invasjonen" → "invasjon…").

Every word of a query must match (AND); stop words and single letters are dropped, and a
query that is left with no word (only stop words, emoji or punctuation) matches nothing.

Both backends answer the same: SQLite matches the space-padded column with LIKE; on
PostgreSQL a trigger turns the same column into `search_vector` with the `simple`
configuration (no stemming of its own), GIN-indexed, and the same tokens become a tsquery
(`stem`, `word:*`). The tokens are built from `[a-z0-9]`-style word characters only, so
they carry no LIKE or tsquery syntax.

Articles keep the language-configured tsvector of migration 0003 (substring search on SQLite).

The tokens themselves (a word's stems, compound halves, a query's groups and their tsquery
texts) are built in `claims.search_tokens`, pure Python; this module holds the statements
that use them. The names callers and tests use from there are re-exported here, so
`claims.search` stays the one place to import from.
"""

from __future__ import annotations

import contextlib
import itertools
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connections, transaction
from django.db.models import BooleanField, FloatField, Q, QuerySet
from django.db.models.expressions import RawSQL

from claims.search_tokens import (
    _WORD,
    MAX_QUERY_WORDS,
    Group,
    _combos_tsquery,
    _rank_tsquery,
    _word_groups,
    query_groups,
    tsquery_text,
)

# Not used here but imported from here by callers and tests (`X as X` marks a re-export).
from claims.search_tokens import COMPOUND_PART_MIN as COMPOUND_PART_MIN
from claims.search_tokens import PREFIX_MIN as PREFIX_MIN
from claims.search_tokens import SEARCH_STOPWORDS as SEARCH_STOPWORDS
from claims.search_tokens import STEM_PREFIX_MIN as STEM_PREFIX_MIN
from claims.search_tokens import compound_stems as compound_stems
from claims.search_tokens import index_text as index_text
from claims.search_tokens import search_terms as search_terms
from claims.search_tokens import word_index_tokens as word_index_tokens

CONFIGS = ("norwegian", "english", "simple")  # articles' tsvector configurations


def _like_q(groups: list[Group]) -> Q:
    condition = Q()
    for exact, prefixes in groups:
        any_form = Q()
        for stem in sorted(exact):
            any_form |= Q(search_folded__contains=f" {stem} ")
        for prefix in sorted(prefixes):
            any_form |= Q(search_folded__contains=f" {prefix}")
        condition &= any_form
    return condition


def search_claims(queryset: QuerySet, query: str) -> QuerySet:
    """Claims matching every searchable word of `query`; none when it has no searchable word."""
    if not (query or "").strip():
        return queryset
    groups = query_groups(query)
    if not groups:
        return queryset.none()
    if connections[queryset.db].vendor == "postgresql":
        table = queryset.model._meta.db_table
        # Safe: constant SQL and the table name; the tsquery text is a bound parameter.
        match = RawSQL(  # noqa: S611
            f'"{table}"."search_vector" @@ to_tsquery(\'simple\', %s)',
            [tsquery_text(groups)],
            output_field=BooleanField(),
        )
        return queryset.filter(match)
    return queryset.filter(_like_q(groups))


def search_claims_any(queryset: QuerySet, words: list[str] | list[list[str]], *, at_least: int = 1) -> QuerySet:
    """Claims matching at least one of `words` (or, with `at_least=2`, two of them), best first.

    A word may be given as a list of its spellings ("Russland", "Russia"): any of them
    matches, and they count as one word.

    For comparison pools (the duplicate finder, candidate tracking): one index scan for all
    the words, instead of one OR-ed subquery per word, which PostgreSQL runs as a
    correlated scan per claim. Asking for two shared words keeps a harvest's pool small and
    lets PostgreSQL use the GIN index where one common word would make it read the table.
    On PostgreSQL the rows carry `pool_rank` (ts_rank of the matched words) and come best
    first; on SQLite, newest first.
    """
    groups = _word_groups(words)
    if not groups:
        return queryset.none()
    combos: list[list[Group]] = (
        [list(pair) for pair in itertools.combinations(groups, 2)] if at_least >= 2 and len(groups) >= 2 else []
    )
    return _any_combo(queryset, combos or [[group] for group in groups])


def search_claims_sharing(
    queryset: QuerySet, word_sets: list[list[list[str]]], *, common: CommonWords | None = None
) -> QuerySet:
    """Claims sharing two words with at least one of `word_sets` (one word, for a set that
    has only one), best first as in `search_claims_any`; a word is a list of its spellings.

    For tracking an article's sentences: each sentence is a set, so a claim must share two
    words with one sentence, not one word each with two of them. On PostgreSQL one
    statement, a UNION ALL of one small index scan per set: a single tsquery holding every
    set's pairs is one the planner will not use the GIN index for (it reads the whole
    table, ~0.5 s at 20k claims). A claim found by two sets comes once per set (best first).
    Apply `.only()` and the like to `queryset` before: a union takes no further filters.
    With `common` (`common_claim_words()`), two common words are not a pair.
    """
    branches = _sharing_branches(word_sets, common)
    if not branches:
        return queryset.none()
    if connections[queryset.db].vendor != "postgresql" or len(branches) == 1:
        return _any_combo(queryset, [combo for combos in branches for combo in combos])
    first, *rest = (_any_combo(queryset, combos).order_by() for combos in branches)
    return first.union(*rest, all=True).order_by("-pool_rank", "-id")


def _sharing_branches(word_sets: list[list[list[str]]], common: CommonWords | None) -> list[list[list[Group]]]:
    """Per word set, its pairs of words (its one word, if it has one); sets alike count once.

    With `common`, at most COMMON_PAIRS pairs of two common words (or lone common words) in
    all, the first sets' first: the words come most telling first, the article's own set
    before its sentences'."""
    branches: list[list[list[Group]]] = []
    room = COMMON_PAIRS
    for words in word_sets:
        groups = _tracking_groups(words)
        combos = [list(pair) for pair in itertools.combinations(groups, 2)] if len(groups) >= 2 else [groups]
        if common is not None:
            kept = []
            for combo in combos:
                if all(common.holds(group) for group in combo):
                    if room <= 0:
                        continue
                    room -= 1
                kept.append(combo)
            combos = kept
        if groups and combos and combos not in branches:
            branches.append(combos)
    return branches


# --- Common words: a pair of two of them pools hundreds of claims ------------------------------

# A word in this share of the claims or more is common, if that is at least COMMON_MIN_CLAIMS
# claims (a small desk has no common words).
COMMON_SHARE = 0.01
COMMON_MIN_CLAIMS = 200
# Pairs of two common words per article (per `claims_sharing_pools` item), the most telling
# first. Such pairs do find repeats ("Russland … invadere Ukraina": both names are in
# thousands of claims), so they are not dropped outright; but each makes PostgreSQL rank
# hundreds of claims, and bench/harvest_scale.py's generated pages, whose template words are
# each in hundreds of the 20k generated claims, had a median of 230 per article (1.1 s of
# ranking). The bench corpus pages have a median of 2 and at most 16, and track the same
# claims with the cap as without it (bench/results/analysis_speed.md).
COMMON_PAIRS = 24
COMMON_REFRESH_SECONDS = 600
_common_cache: dict[str, tuple[float, CommonWords]] = {}
_common_lock = threading.Lock()


@dataclass(frozen=True)
class CommonWords:
    """The claims' common index tokens, and every prefix of them (a query group's `word:*`
    is common when a common token starts with it)."""

    tokens: frozenset[str] = frozenset()
    prefixes: frozenset[str] = frozenset()

    @classmethod
    def of(cls, tokens: Iterable[str]) -> CommonWords:
        found = frozenset(tokens)
        return cls(found, frozenset(t[:i] for t in found for i in range(1, len(t) + 1)))

    def holds(self, group: Group) -> bool:
        exact, prefixes = group
        return not exact.isdisjoint(self.tokens) or not prefixes.isdisjoint(self.prefixes)


def common_claim_words(using: str = "default") -> CommonWords:
    """The claims' common words, from PostgreSQL's own statistics of `search_vector` (kept by
    ANALYZE/autovacuum): its most common elements, at most ten times the statistics target
    (1,000 at the default target), so the set is bounded whatever the number of claims.
    Read at most every COMMON_REFRESH_SECONDS per process; none on other databases."""
    now = time.monotonic()
    with _common_lock:
        cached = _common_cache.get(using)
        if cached is not None and now - cached[0] < COMMON_REFRESH_SECONDS:
            return cached[1]
    words = _read_common_words(using)
    with _common_lock:
        _common_cache[using] = (now, words)
    return words


def _read_common_words(using: str) -> CommonWords:
    from claims.models import Claim

    if connections[using].vendor != "postgresql":
        return CommonWords()
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT s.most_common_elems::text::text[], s.most_common_elem_freqs, c.reltuples "
            "FROM pg_stats AS s JOIN pg_class AS c ON c.oid = to_regclass(quote_ident(s.schemaname) "
            "|| '.' || quote_ident(s.tablename)) WHERE s.schemaname = current_schema() "
            "AND s.tablename = %s AND s.attname = 'search_vector'",
            [Claim._meta.db_table],
        )
        row = cursor.fetchone()
    if row is None or not row[0] or not row[2] or row[2] <= 0:
        return CommonWords()
    tokens, shares, claims = row
    cut = max(COMMON_SHARE, COMMON_MIN_CLAIMS / claims)
    # The shares list ends with three summary figures (min, max, nulls); zip stops before them.
    return CommonWords.of(token for token, share in zip(tokens, shares, strict=False) if share >= cut)


def claims_sharing_pools(
    queryset: QuerySet,
    word_sets_per_item: list[list[list[list[str]]]],
    *,
    limit: int,
    common: CommonWords | None = None,
) -> list[list[Any]]:
    """For each item (an article), `fetch_from_gin(search_claims_sharing(queryset, its word
    sets)[:limit])`: the same rows in the same order, a claim found by two sets once per set.

    On PostgreSQL one statement for all the items, so a batch of articles costs one round
    trip: every item's branches as rows of three arrays (item, match query, rank query), each
    row's claims read by a lateral GIN scan, and each item's best `limit` rows by the same order
    (rank, then id, both descending) through a window. `queryset` filters the claims (e.g. no
    duplicates) and, as in `search_claims_sharing`, its `.only()` says which columns are loaded.
    Elsewhere, one query per item. Tracking on PostgreSQL draws the same claims from the word
    postings a worker keeps (claims.intake.postings), at a fraction of PostgreSQL's CPU.
    """
    if connections[queryset.db].vendor != "postgresql":
        return [
            fetch_from_gin(search_claims_sharing(queryset, word_sets, common=common)[:limit]) if word_sets else []
            for word_sets in word_sets_per_item
        ]
    model = queryset.model
    mask = queryset.query.get_select_mask()  # the fields `.only()`/`.defer()` leave loaded (all if empty)
    fields = [f for f in model._meta.concrete_fields if not mask or f in mask or f.primary_key]
    names = [f.attname for f in fields]
    items: list[int] = []
    matches: list[str] = []
    ranks: list[str] = []
    for item, word_sets in enumerate(word_sets_per_item):
        for combos in _sharing_branches(word_sets, common):
            items.append(item)
            matches.append(_combos_tsquery(combos))
            ranks.append(_rank_tsquery(combos))
    found: list[list[Any]] = [[] for _ in word_sets_per_item]
    if not items:
        return found
    # One statement text whatever the batch: the branches are rows, not a UNION ALL of ~45
    # copies of the branch SQL, which PostgreSQL parsed and planned branch by branch (a GIN
    # cost estimate per tsquery): 3.5 of the statement's 31 ms at 20k claims. The queries are
    # parsed once per branch (OFFSET 0 keeps them computed, not re-parsed per claim ranked),
    # and the branch SQL is Django's, so `queryset`'s filters and columns hold. The columns
    # in each branch, not joined on after: for a join PostgreSQL hashes the whole claims table.
    # `q` is the lateral row of the statement below.
    branch = _ranked_by(queryset, "q.match", [], "q.rank", []).order_by().values_list("pool_rank", *names)
    branch_sql, branch_params = branch.query.sql_with_params()
    columns = ", ".join(f"c{i}" for i in range(len(names)))
    pk = names.index(model._meta.pk.attname)
    # Safe: SQL Django compiled and generated column aliases; every value is a bound parameter.
    sql = (
        f"SELECT w.item, {columns} FROM ("  # noqa: S608
        f"SELECT u.*, row_number() OVER (PARTITION BY u.item ORDER BY u.pool_rank DESC, u.c{pk} DESC) AS n FROM ("
        "SELECT q.item, b.* FROM (SELECT t.item, to_tsquery('simple', t.m) AS match, to_tsquery('simple', t.r) AS rank "
        "FROM unnest(%s::integer[], %s::text[], %s::text[]) AS t(item, m, r) OFFSET 0) AS q "
        f"CROSS JOIN LATERAL ({branch_sql}) AS b"
        f") AS u(item, pool_rank, {columns})"
        ") AS w WHERE w.n <= %s ORDER BY w.item, w.n"
    )
    params = [items, matches, ranks, *branch_params]
    with _gin_only(queryset.db) as cursor:
        cursor.execute(sql, [*params, limit])
        rows = cursor.fetchall()
    # A claim pooled by several word sets and articles comes back once per set: it is built
    # once (one statement's copies of a row agree), not once per row, which was most of the
    # Python this read cost a harvesting worker.
    made: dict[Any, Any] = {}
    for item, *values in rows:
        claim = made.get(values[pk])
        if claim is None:
            claim = made[values[pk]] = model.from_db(queryset.db, names, values)
        found[item].append(claim)
    return found


def fetch_from_gin(queryset: QuerySet) -> list[Any]:
    """The rows of a full-text query, PostgreSQL told to answer it from the GIN index.

    Its planner prices a tsquery of many prefix terms (`word:*`) far above what the GIN
    index costs, so for one branch of `search_claims_sharing` in a few it reads the whole
    claims table with parallel workers instead: ~45 ms against ~1 ms at 20k claims, about
    half of an article's tracking time. The settings hold for this statement only
    (transaction-local, put back after it).
    """
    if connections[queryset.db].vendor != "postgresql":
        return list(queryset)
    with _gin_only(queryset.db):
        return list(queryset)


@contextlib.contextmanager
def _gin_only(using: str) -> Iterator[Any]:
    """A cursor in a transaction with sequential scans, parallel workers and JIT compilation
    off, put back after. JIT: a batch's statement of a hundred small index scans is priced
    above `jit_above_cost`, and compiling it took a second against 0.1 s to run it."""
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('enable_seqscan'), current_setting('max_parallel_workers_per_gather'), "
            "current_setting('jit'), set_config('enable_seqscan', 'off', true), "
            "set_config('max_parallel_workers_per_gather', '0', true), set_config('jit', 'off', true)"
        )
        seqscan, workers, jit, *_set = cursor.fetchone()
        try:
            yield cursor
        finally:
            cursor.execute(
                "SELECT set_config('enable_seqscan', %s, true), "
                "set_config('max_parallel_workers_per_gather', %s, true), set_config('jit', %s, true)",
                [seqscan, workers, jit],
            )


def _tracking_groups(words: list[str] | list[list[str]]) -> list[Group]:
    """`_word_groups` as whole tokens, no `word:*`: for each prefix term PostgreSQL reads every
    posting list the prefix matches, ~70% of a harvest batch's pool statement (19 -> 11 ms an
    article without). A word and a claim still meet on their stems: on the labelled duplicates
    the pools hold the base claim as often (bench/tracking_pools.py: 21/28 paraphrases and
    23/28 translations, against 20 and 22). User search keeps its prefixes."""
    return [(exact | prefixes, frozenset()) for exact, prefixes in _word_groups(words)]


def _any_combo(queryset: QuerySet, combos: list[list[Group]]) -> QuerySet:
    """Claims matching every group of at least one combination (PostgreSQL: ranked)."""
    if connections[queryset.db].vendor == "postgresql":
        return _ranked_match(queryset, _combos_tsquery(combos), _rank_tsquery(combos))
    condition = Q()
    for combo in combos:
        condition |= _like_q(combo)
    return queryset.filter(condition).order_by("-updated_at", "-id")


def _ranked_match(queryset: QuerySet, text: str, rank_text: str | None = None) -> QuerySet:
    """PostgreSQL: the claims matching the tsquery `text`, best ranked first (by the rank
    of `rank_text`, when given: `_rank_tsquery`)."""
    query = "to_tsquery('simple', %s)"
    return _ranked_by(queryset, query, [text], query, [text if rank_text is None else rank_text])


def _ranked_by(
    queryset: QuerySet, match_sql: str, match_params: list[Any], rank_sql: str, rank_params: list[Any]
) -> QuerySet:
    """PostgreSQL: the claims whose search vector matches the tsquery SQL `match_sql`, ranked
    by `rank_sql` (annotated as `pool_rank`), best first."""
    table = queryset.model._meta.db_table
    # Safe: constant SQL and the table name; the tsquery texts are bound parameters or
    # references to a row the caller's statement provides.
    match = RawSQL(  # noqa: S611
        f'"{table}"."search_vector" @@ {match_sql}', match_params, output_field=BooleanField()
    )
    rank = RawSQL(f'ts_rank("{table}"."search_vector", {rank_sql})', rank_params, output_field=FloatField())  # noqa: S611
    return queryset.filter(match).annotate(pool_rank=rank).order_by("-pool_rank", "-id")


# --- Articles (unchanged: the discovery index's own search) ---------------------------------


def prefix_tsquery(terms: list[str]) -> tuple[str, list[str]]:
    """SQL for the tsquery, with the terms bound as parameters (no tsquery syntax from users)."""
    clauses = []
    params: list[str] = []
    for config in CONFIGS:
        # plainto_tsquery stems the words, drops stop words and ANDs the rest; the regexp
        # turns each lexeme into a prefix match: 'invasjon' -> 'invasjon':*.
        clauses.append(
            f"to_tsquery('{config}', regexp_replace(plainto_tsquery('{config}', %s)::text, "
            f"'''([^'']+)''', '''\\1'':*', 'g'))"
        )
        params.append(" ".join(terms))
    return "(" + " || ".join(clauses) + ")", params


def search_articles(queryset: QuerySet, query: str) -> QuerySet:
    terms = [t.lower() for t in _WORD.findall(query or "")][:MAX_QUERY_WORDS]
    if not terms:
        return queryset
    if connections[queryset.db].vendor == "postgresql":
        table = queryset.model._meta.db_table
        sql, params = prefix_tsquery(terms)
        match = RawSQL(f'"{table}"."search_vector" @@ {sql}', params, output_field=BooleanField())  # noqa: S611
        return queryset.filter(match)
    condition = Q()
    for term in terms:
        any_field = Q()
        for field in ("title", "summary", "text"):
            any_field |= Q(**{f"{field}__icontains": term})
        condition &= any_field
    return queryset.filter(condition)

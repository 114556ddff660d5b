"""LocalIndex: the desk's own Article index (harvested feeds, fetched pages, API results).

What a search returns: for each term in order, its newest `PER_TERM` matches (undated
articles first, then those published within `WINDOW` of the claim date), until `POOL`
distinct articles are found.

How it is found on PostgreSQL (bench/results/scale.md): one query per term was fast at
100k articles and took 25 s a claim at 2M. A term's newest matches can be had two ways,
and each is cheap for one kind of term only:

* walking the date index newest first and testing each row: a common word has its 80
  matches within the first few hundred rows, however big the index (the rows per day grow
  with it, the share of rows matching does not). A rare word, a name, makes the walk go
  through the whole window, a second or more at 2M.
* the GIN index: exact for a rare word (a short posting list), but a common one has
  hundreds of thousands of postings at 2M, each a heap visit before the newest 80 are known.

PostgreSQL picks per query from its estimate of the term's frequency, and its estimate for
a word outside the statistics' common elements (most names) is a flat guess: it walked the
window for names. Here the walk is done once for all terms together, in one query that
reads each row's vector once and tests every term on it; the walk shows each term's real
frequency, so only the terms still short of their matches after the walk (`WALK_*`) go to
the GIN index, with plain index scans switched off so the date index cannot be walked.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.contrib.postgres.fields import ArrayField
from django.db import connections, transaction
from django.db.models import Q, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.db.models.fields import BigIntegerField, BooleanField, IntegerField

from claims.discovery.providers.base import DiscoveryContext, Provider
from claims.models import Article
from claims.search import _WORD, MAX_QUERY_WORDS, prefix_tsquery, search_articles

PER_TERM = 80
POOL = 400
# Candidates are looked for around the claim date; undated articles are always included.
WINDOW = dt.timedelta(days=540)
# Rows read by the walk's first step, the least a further step reads, and the most read in
# all per part (undated, dated). A term with fewer than PER_TERM matches in WALK_BUDGET rows
# matches under 2% of them: the GIN index serves it better than reading on. 600/300 read a
# fifth fewer rows than 1000/1000 on the bench's claims (2,200 a claim) and were 6-15%
# faster at 2M articles, the same at 100k.
WALK_ROWS = 600
WALK_MORE = 300
WALK_BUDGET = 4000

# Every term tested on one read of the row's vector: `|| ''` makes the detoasted copy once
# (the subquery is not flattened, OFFSET 0), instead of once per `@@`.
_FLAGS = (
    'ARRAY(SELECT v.vec @@ q.tsq FROM (SELECT "claims_article"."search_vector" || \'\'::tsvector AS vec OFFSET 0) v'
    ", unnest(%s::tsquery[]) WITH ORDINALITY AS q(tsq, n) ORDER BY q.n)"
)


_MICROS = '(extract(epoch FROM "claims_article"."published_at") * 1000000)::bigint'
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def search_index(
    terms: list[str], *, queryset: QuerySet[Article] | None = None, around: dt.date | None = None, limit: int = POOL
) -> list[Article]:
    """Articles matching any of `terms` (full text on PostgreSQL, substring on SQLite).

    The terms are OR-ed: the search helpers AND the words of one query, and a claim's words
    rarely all appear in one article, least of all across languages.
    """
    base = (queryset if queryset is not None else Article.objects.all()).defer("search_vector")
    if connections[base.db].vendor != "postgresql":
        return search_index_per_term(terms, queryset=base, around=around, limit=limit)
    parts = _parts(base, around)
    queries = _compile(base.db, terms)
    matches: dict[int, list[int]] = {}  # term position -> its article ids, in order
    for part in parts:
        wanted = {i: PER_TERM - len(matches.get(i, [])) for i in queries if len(matches.get(i, [])) < PER_TERM}
        if not wanted:
            break
        for i, ids in _search_part(part, queries, wanted).items():
            matches.setdefault(i, []).extend(ids)
    order: dict[int, None] = {}
    for i in range(len(terms)):
        for pk in matches.get(i, [])[:PER_TERM]:
            order.setdefault(pk, None)
        if len(order) >= limit:
            break
    ids = list(order)[:limit]
    by_pk = base.in_bulk(ids)
    return [by_pk[pk] for pk in ids if pk in by_pk]


@dataclass
class _Part:
    """Undated articles, or dated ones (within `start`…`end` when a claim date is given)."""

    base: QuerySet[Article]
    dated: bool
    start: dt.datetime | None = None
    end: dt.datetime | None = None

    def walk(self, last: tuple[dt.datetime | None, int] | None) -> QuerySet[Article]:
        """The part's rows after `last` in the order (-published_at, -id), for the date index to walk."""
        if not self.dated:
            rows = self.base.filter(published_at__isnull=True)
        elif self.start is not None:
            rows = self.base.filter(published_at__range=(self.start, self.end))
        else:
            rows = self.base.filter(published_at__isnull=False)
        if last is None:
            return rows
        published, pk = last
        if published is None:
            return rows.filter(id__lt=pk)
        return rows.filter(Q(published_at__lt=published) | Q(published_at=published, id__lt=pk))

    def rest(self, last: tuple[dt.datetime | None, int] | None) -> QuerySet[Article]:
        """The same rows with conditions no btree index can serve (`+ 0`), for the GIN index alone:
        ANDed with the date range's bitmap it would read half the date index for nothing."""
        when, pk = '("claims_article"."published_at" + interval \'0 s\')', '("claims_article"."id" + 0)'
        conditions = [f"{when} IS NOT NULL" if self.dated else f"{when} IS NULL"]
        params: list[dt.datetime | int | None] = []
        if self.dated and self.start is not None:
            conditions.append(f"{when} BETWEEN %s AND %s")
            params += [self.start, self.end]
        if last is not None and last[0] is None:
            conditions.append(f"{pk} < %s")
            params.append(last[1])
        elif last is not None:
            conditions.append(f"({when}, {pk}) < (%s, %s)")
            params += [last[0], last[1]]
        where = RawSQL(" AND ".join(conditions), params, output_field=BooleanField())  # noqa: S611
        return self.base.filter(where)


def _parts(base: QuerySet[Article], around: dt.date | None) -> list[_Part]:
    """Where to look, in the order the results come: undated articles, then dated ones."""
    if around is None:
        return [_Part(base, dated=False), _Part(base, dated=True)]
    start = dt.datetime.combine(around - WINDOW, dt.time.min, tzinfo=dt.UTC)
    end = dt.datetime.combine(around + WINDOW, dt.time.max, tzinfo=dt.UTC)
    return [_Part(base, dated=False), _Part(base, dated=True, start=start, end=end)]


def _compile(alias: str, terms: list[str]) -> dict[int, str | None]:
    """Each term's tsquery as text (None: matches everything, as search_articles does for a
    term with no word in it). Terms whose query is empty (stop words only) match nothing
    and are left out. One statement, the terms as one array: search_articles' own SQL."""
    compiled: dict[int, str | None] = {}
    phrases: list[tuple[int, str]] = []
    for i, term in enumerate(terms):
        words = [w.lower() for w in _WORD.findall(term or "")][:MAX_QUERY_WORDS]
        if words:
            phrases.append((i, " ".join(words)))
        else:
            compiled[i] = None
    if phrases:
        sql, _params = prefix_tsquery(["-"])
        sql = sql.replace("%s", "t.phrase")
        with connections[alias].cursor() as cursor:
            cursor.execute(
                f"SELECT ({sql})::text FROM unnest(%s::text[]) WITH ORDINALITY AS t(phrase, n) ORDER BY t.n",  # noqa: S608
                [[phrase for _i, phrase in phrases]],
            )
            texts = [row[0] for row in cursor.fetchall()]
        for (i, _phrase), text in zip(phrases, texts, strict=True):
            if text:
                compiled[i] = text
    return compiled


def _search_part(part: _Part, queries: dict[int, str | None], wanted: dict[int, int]) -> dict[int, list[int]]:
    """The newest `wanted[i]` matches of each term i in one part (newest first, then by id)."""
    found: dict[int, list[int]] = {i: [] for i in wanted}
    for i in wanted:
        if queries[i] is None:  # no word in it: everything matches
            found[i] = list(part.walk(None).order_by("-published_at", "-id").values_list("id", flat=True)[: wanted[i]])
    pending = [i for i in wanted if queries[i] is not None]
    walked, last, step = 0, None, WALK_ROWS
    while pending:
        tsqueries = [queries[i] for i in pending]
        rows = list(
            part.walk(last)
            .order_by("-published_at", "-id")
            .annotate(flags=RawSQL(_FLAGS, [tsqueries], output_field=ArrayField(BooleanField())))  # noqa: S611
            # The date as microseconds: parsing a thousand datetimes was a tenth of the search.
            .annotate(at=RawSQL(_MICROS, [], output_field=BigIntegerField()))  # noqa: S611
            .values_list("id", "at", "flags")[:step]
        )
        for pk, _at, flags in rows:
            for i, hit in zip(pending, flags, strict=True):
                if hit and len(found[i]) < wanted[i]:
                    found[i].append(pk)
        walked += len(rows)
        if len(rows) < step:
            return found  # the part is read to its end: every list is complete
        at = rows[-1][1]
        last = (None if at is None else EPOCH + dt.timedelta(microseconds=at), rows[-1][0])
        pending = [i for i in pending if len(found[i]) < wanted[i]]
        # Read on while some term's rate so far says its matches are near.
        need = [(wanted[i] - len(found[i])) * walked / len(found[i]) for i in pending if found[i]]
        near = [n for n in need if walked + n <= WALK_BUDGET]
        if not near:
            break
        step = min(WALK_BUDGET - walked, max(WALK_MORE, math.ceil(max(near) * 1.2)))
    if pending:
        rare = {i: queries[i] or "" for i in pending}
        for i, ids in _gin_search(part.rest(last), rare, found, wanted).items():
            found[i].extend(ids)
    return found


def _gin_search(
    rest: QuerySet[Article], queries: dict[int, str], found: dict[int, list[int]], wanted: dict[int, int]
) -> dict[int, list[int]]:
    """The remaining matches of rare terms, from the GIN index: one statement for all of them."""
    branches = []
    for i, tsquery in queries.items():
        match = RawSQL('"claims_article"."search_vector" @@ %s::tsquery', [tsquery], output_field=BooleanField())
        branches.append(
            rest.filter(match)
            .order_by("-published_at", "-id")
            .annotate(term=Value(i, output_field=IntegerField()))
            .values_list("term", "id")[: wanted[i] - len(found[i])]
        )
    union = branches[0].union(*branches[1:], all=True) if len(branches) > 1 else branches[0]
    result: dict[int, list[int]] = {i: [] for i in queries}
    with _bitmap_scans_only(rest.db):
        for i, pk in union:
            result[i].append(pk)
    return result


@contextmanager
def _bitmap_scans_only(alias: str) -> Iterator[None]:
    """Bitmap scans only: the date index must not be walked for a rare term (see above), nor
    the table read whole when the statistics think the term common."""
    with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
        # JIT off too: the union's estimated cost passes jit_above_cost, and compiling it
        # took 45 ms at 2M articles for a statement that runs in under 1 ms.
        cursor.execute("SET LOCAL enable_indexscan = off; SET LOCAL enable_seqscan = off; SET LOCAL jit = off")
        try:
            yield
        finally:
            # Within an outer transaction SET LOCAL would last until it ends.
            if not connections[alias].needs_rollback:
                cursor.execute(
                    "SET LOCAL enable_indexscan TO DEFAULT; SET LOCAL enable_seqscan TO DEFAULT;"
                    " SET LOCAL jit TO DEFAULT"
                )


def search_index_per_term(
    terms: list[str], *, queryset: QuerySet[Article] | None = None, around: dt.date | None = None, limit: int = POOL
) -> list[Article]:
    """The same search with one query per term and part: SQLite's, and the reference the
    PostgreSQL search is checked against (tests/test_local_index.py, bench retrieval case)."""
    base = (queryset if queryset is not None else Article.objects.all()).defer("search_vector")
    parts = [base]
    if around is not None:
        start = dt.datetime.combine(around - WINDOW, dt.time.min, tzinfo=dt.UTC)
        end = dt.datetime.combine(around + WINDOW, dt.time.max, tzinfo=dt.UTC)
        # Two queries, not one with `published_at IS NULL OR published_at BETWEEN …`: with the
        # OR, PostgreSQL walks the published_at index from the newest article down to the
        # window, testing every row on the way. Undated articles come first.
        parts = [base.filter(published_at__isnull=True), base.filter(published_at__range=(start, end))]
    found: dict[int, Article] = {}
    for term in terms:
        wanted = PER_TERM
        for part in parts:
            rows = list(search_articles(part, term).order_by("-published_at", "-id")[:wanted]) if wanted else []
            for article in rows:
                found.setdefault(article.pk, article)
            wanted -= len(rows)
        if len(found) >= limit:
            break
    return list(found.values())[:limit]


class LocalIndexProvider(Provider):
    """Everything already in the index that shares a telling word with the claim."""

    name = "local"

    def candidates(self, ctx: DiscoveryContext) -> list[Article]:
        articles = search_index(ctx.terms, around=ctx.claim.claim_date)
        ctx.recorder.stat(self.name, found=len(articles))
        return articles

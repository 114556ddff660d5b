"""Which candidate sentences repeat a claim the desk already tracks ("tracking").

For a batch of articles' check-worthy sentences: each article's pool of claims sharing two
telling words with its sentences (one statement, read on the side connection while the
caller goes on: claims.sidedb), other desks' reviews worth comparing, and each sentence's
best match among them by the duplicate finder's similarity. `claims.intake.candidates`
calls `start_tracking` and stores what `PendingTracking.result()` finds.
"""

from __future__ import annotations

from collections import Counter, OrderedDict, defaultdict
from concurrent.futures import Future
from dataclasses import dataclass
from itertools import chain
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import F, Q

from claims.discovery import duplicates
from claims.discovery import text as tx
from claims.sidedb import side_call

if TYPE_CHECKING:
    from claims.intake.candidates import ScoredSentence


@dataclass(frozen=True)
class Tracked:
    """An existing claim a candidate sentence repeats, and how close the match is.

    `external_review_id`: another desk's fact-check of that claim, if there is one — the
    one whose reviewed claim the sentence matches best, else the newest on the claim.
    """

    claim_id: int
    score: float
    external_review_id: int | None = None


def _probe(text: str, lang: str, claimant_id: int | None = None) -> Any:
    # The duplicate finder reads these attributes of a claim; a sentence has them too.
    return SimpleNamespace(text=text, claim_reviewed="", language=lang, claimant_id=claimant_id)


# Claims compared per article: the most recently updated of those sharing a telling word.
POOL_LIMIT = 100  # the claims sharing most telling words with the sentences (ranked on PostgreSQL)
# A cached claim (its n-gram profile is counted on the first comparison) holds ~2.6 KB of a
# worker's memory. Analysing 2,000 bench articles against 20k claims, 12,000 held 21 MB less
# than 20,000 at the same speed within noise; 8,192 held 37 MB less but ran ~5% slower.
_FEATURES_CACHE_SIZE = 12_000
_features_cache: OrderedDict[tuple[int, int, int], duplicates.ClaimFeatures] = OrderedDict()


def _claim_features(claim: Any) -> duplicates.ClaimFeatures:
    """A claim's comparison features, kept per (id, version): a harvest meets the same claims
    article after article, and every write to a claim bumps its version."""
    # The wording is part of the key: a row id can come back (a test database, a restore).
    key = (claim.pk, claim.version, hash((claim.text, claim.claim_reviewed, claim.language, claim.claimant_id)))
    found = _features_cache.get(key)
    if found is None:
        found = _features_cache[key] = duplicates.ClaimFeatures.of(claim)
        if len(_features_cache) > _FEATURES_CACHE_SIZE:
            _features_cache.popitem(last=False)
    else:
        _features_cache.move_to_end(key)
    return found


# A sentence in an article that repeats a claim: stricter than the duplicate-suggestion
# threshold between two claims (duplicates.THRESHOLD, lowered for paraphrases in issue 16),
# since an article holds many sentences on the claim's topic that are not the claim.
TRACK_THRESHOLD = 0.6
# How many spellings of the most telling words of an article's candidate sentences, and of
# each sentence, its tracking pool is drawn from (names first, then long words:
# duplicates.pool_concepts).
TRACK_POOL_TERMS = duplicates.POOL_TERMS


# At most this many words per sentence (or article) are paired: PostgreSQL will not use the
# GIN index for a tsquery of much more than C(6, 2) = 15 pairs and reads the whole table.
TRACK_POOL_WORDS = 6


def _concepts(telling: list[str], language: str) -> list[list[str]]:
    """The most telling of these words (`duplicates.telling_words`), each with its spellings,
    TRACK_POOL_TERMS spellings and TRACK_POOL_WORDS words at most."""
    concepts: list[list[str]] = []
    room = TRACK_POOL_TERMS
    for concept in duplicates.concepts_of(telling, tx.base_language(language), limit=TRACK_POOL_TERMS):
        if room <= 0 or len(concepts) >= TRACK_POOL_WORDS:
            break
        concepts.append(concept[:room])
        room -= len(concepts[-1])
    return concepts


def tracked_claims(found: list[ScoredSentence], *, threshold: float = TRACK_THRESHOLD) -> dict[int, Tracked]:
    """For each sentence (by index) that repeats an existing claim, in any language, that claim.

    One pool query per article: the claims sharing two telling words (or their cognates)
    with one of the sentences or with the article's candidate sentences taken together,
    compared with each sentence by the duplicate finder's similarity.
    Other desks' reviews count too: a sentence matching the claim an external review
    reviewed (another wording, another language) tracks the claim the review is attached to.
    """
    return tracked_claims_many([found], threshold=threshold)[0]


def _word_sets(found: list[ScoredSentence]) -> tuple[list[str], list[list[list[str]]]]:
    """An article's telling words (spellings), and the word sets its tracking pool is drawn by."""
    # Each sentence's telling words once: the article's are theirs joined (the text of its
    # candidate sentences), rather than that text read again (0.3–0.4 ms an article less).
    telling = [duplicates.telling_words(s.text.strip()) for s in found]
    # The article's most telling words: what other desks' reviews are looked up by.
    article_words = _concepts(list(chain.from_iterable(telling)), found[0].language)
    terms = [spelling for concept in article_words for spelling in concept]
    if not terms:
        return [], []
    # Claims sharing two telling words with one of the sentences (a sentence that repeats a
    # claim shares more than one word with it), those sharing most first. Two *words*,
    # however spelt: counting "Ukraina" and "Ukraine" as two made every claim naming Ukraine
    # qualify, so PostgreSQL ranked hundreds to thousands of rows per article (~70 ms at 20k
    # claims); and words drawn per sentence as well as for the article, since the article's
    # top words can leave a sentence with one of them.
    sentence_words = [_concepts(words, s.language) for s, words in zip(found, telling, strict=True)]
    # A sentence with one telling word would pull every claim that names it: such a
    # sentence counts on the article's words (any two of them) instead.
    return terms, [article_words, *(words for words in sentence_words if len(words) >= 2)]


def tracked_claims_many(
    founds: list[list[ScoredSentence]], *, threshold: float = TRACK_THRESHOLD
) -> list[dict[int, Tracked]]:
    """`tracked_claims` for each article's sentences, with one pool statement and one read of
    other desks' reviews for them all (a harvest's analysis task holds a batch of articles);
    each article's pool is exactly the one it would get alone."""
    return start_tracking(founds, threshold=threshold).result()


@dataclass
class PendingTracking:
    """`tracked_claims_many` begun: the pools are being read (claims.sidedb); `result()`
    waits for them and compares each sentence with its article's pool."""

    founds: list[list[ScoredSentence]]
    terms: list[list[str]]
    threshold: float
    pools: Future[tuple[list[list[Any]], list[list[Any]]]]
    probes: list[list[duplicates.ClaimFeatures]]

    def result(self) -> list[dict[int, Tracked]]:
        pools, reviews = self.pools.result()
        found_matches = [
            _matches(probes, pool, item_reviews, self.threshold) if terms else {}
            for probes, terms, pool, item_reviews in zip(self.probes, self.terms, pools, reviews, strict=True)
        ]
        return _with_newest_reviews(found_matches)


def start_tracking(founds: list[list[ScoredSentence]], *, threshold: float = TRACK_THRESHOLD) -> PendingTracking:
    """Draw each article's word sets and start reading the pools, on a second connection
    where that is safe, so the caller can go on with work that does not need them."""
    from claims.models import Claim
    from claims.search import common_claim_words

    words = [_word_sets(found) if found else ([], []) for found in founds]
    claims = Claim.objects.filter(duplicate_of__isnull=True).only(
        "id", "text", "claim_reviewed", "language", "claimant_id", "version"
    )
    # Two words that each hundreds of claims have are no pair: they would pool claims by the
    # hundred, all ranked on PostgreSQL, for sentences that share nothing telling with them.
    common = common_claim_words(claims.db)
    terms = [item_terms for item_terms, _sets in words]
    word_sets = [sets for _terms, sets in words]  # no telling words: no sets (_word_sets)
    future = side_call(_read_pools, claims, word_sets, terms, common, using=claims.db)
    # While the pools are read: what the comparison needs of each sentence.
    probes = [
        [duplicates.ClaimFeatures.of(_probe(s.text, s.language)) for s in found] if item_terms else []
        for found, item_terms in zip(founds, terms, strict=True)
    ]
    return PendingTracking(founds=founds, terms=terms, threshold=threshold, pools=future, probes=probes)


def _read_pools(
    claims: Any, word_sets: list[list[list[list[str]]]], terms: list[list[str]], common: Any
) -> tuple[list[list[Any]], list[list[Any]]]:
    """Each article's pooled claims (best first, each once) and other desks' reviews."""
    from django.db import connections

    from claims.intake.postings import sharing_pools
    from claims.search import claims_sharing_pools

    # On PostgreSQL from the word postings the worker keeps (claims.intake.postings): the same
    # claims as the GIN statement of `claims_sharing_pools` at ~1/20 of PostgreSQL's CPU.
    read = sharing_pools if connections[claims.db].vendor == "postgresql" else claims_sharing_pools
    pools: list[list[Any]] = []
    for rows in read(claims, word_sets, limit=POOL_LIMIT, common=common):
        pool: list[Any] = []
        seen: set[int] = set()
        for claim in rows:
            if claim.pk not in seen:  # best first: a claim found by two sentences, at its best rank
                seen.add(claim.pk)
                pool.append(claim)
        pools.append(pool)
    return pools, _external_pools(terms, [[c.pk for c in pool] for pool in pools])


def _matches(
    probes: list[duplicates.ClaimFeatures], pool: list[Any], reviews: list[Any], threshold: float
) -> dict[int, Tracked]:
    """Each sentence's (`probes`: their features) best match among the pooled claims and
    other desks' reviews."""
    if not pool and not reviews:
        return {}
    pool_features = [(c.pk, _claim_features(c)) for c in pool]
    review_features = [(r, _review_features(r)) for r in reviews]
    # At the tracking threshold a sentence and a claim sharing no word never match: each
    # sentence is compared with the pooled claims (and reviews) sharing one of its words,
    # in pool order (ties go to the first, as before), not with all ~100.
    sharing = (
        _SharedWords(pool_features, review_features, duplicates.words_needed(threshold))
        if duplicates.needs_a_shared_word(threshold)
        else None
    )
    # Without the shared-word rule every sentence meets every pooled claim and review (no
    # count of shared tokens: the comparison intersects them itself).
    everything: tuple[list[tuple[int, Any, int | None]], list[tuple[Any, Any, int | None]]] = (
        [(*item, None) for item in pool_features],
        [(*item, None) for item in review_features],
    )
    matches: dict[int, Tracked] = {}
    for index, probe in enumerate(probes):
        claims_compared, reviews_compared = sharing.of(probe) if sharing is not None else everything
        best: Tracked | None = None
        for claim_id, other, shared in claims_compared:
            score = duplicates.similarity_at_least(probe, other, threshold, shared=shared)
            if score is not None and (best is None or score > best.score):
                best = Tracked(claim_id=claim_id, score=round(score, 4))
        checked: tuple[float, Any] | None = None
        for review, other, shared in reviews_compared:
            score = duplicates.similarity_at_least(probe, other, threshold, shared=shared)
            if score is not None and (checked is None or score > checked[0]):
                checked = (score, review)
        if checked is not None:
            score, review = checked
            if best is None or (review.claim_id != best.claim_id and score > best.score):
                best = Tracked(claim_id=review.claim_id, score=round(score, 4))
            best = Tracked(claim_id=best.claim_id, score=best.score, external_review_id=review.pk)
        if best is not None:
            matches[index] = best
    return matches


class _SharedWords:
    """Which pooled claims and reviews share enough words with a sentence to reach the
    threshold at all, in pool order. Most that share one share too few: a sentence met ~730
    pooled claims and reviews per article on the harvest bench, nearly all of them below the
    word signal `duplicates.words_needed` allows; they are not compared."""

    def __init__(self, claims: list[tuple[int, Any]], reviews: list[tuple[Any, Any]], words_needed: float) -> None:
        self.claims, self.reviews = claims, reviews
        self.claim_postings = self._postings(claims)
        self.review_postings = self._postings(reviews)
        # A float margin: a pair the bound itself would keep is never dropped here.
        self.words_needed = words_needed - 1e-9

    @staticmethod
    def _postings(items: list[tuple[Any, Any]]) -> dict[str, list[int]]:
        postings: dict[str, list[int]] = defaultdict(list)
        for position, (_item, features) in enumerate(items):
            for token in features.tokens:
                postings[token].append(position)
        return postings

    def of(self, probe: Any) -> tuple[list[tuple[int, Any, int | None]], list[tuple[Any, Any, int | None]]]:
        return self._pick(self.claims, self.claim_postings, probe), self._pick(
            self.reviews, self.review_postings, probe
        )

    def _pick(self, items: list[Any], postings: dict[str, list[int]], probe: Any) -> list[Any]:
        """The items sharing enough tokens with the probe, in pool order, each with how many
        it shares (counted here, so the comparison needs no set intersection of its own)."""
        shared: Counter[int] = Counter()
        for token in probe.tokens:
            found = postings.get(token)
            if found:
                shared.update(found)
        size, needed, words = len(probe.tokens), self.words_needed, duplicates.words_of
        return [
            (*items[p], count)
            for p, count in sorted(shared.items())
            if words(count, size, len(items[p][1].tokens)) >= needed
        ]


def _external_pools(terms_per_item: list[list[str]], claim_ids_per_item: list[list[int]]) -> list[list[Any]]:
    """Per article, other desks' reviews worth comparing: those of the pooled claims and those
    whose reviewed claim contains one of the telling words, newest review date first, at
    most POOL_LIMIT. One statement for the batch on PostgreSQL, one query per article elsewhere."""
    from django.db import connection

    if not any(terms_per_item):
        return [[] for _ in terms_per_item]
    if connection.vendor == "postgresql":
        return _external_pools_pg(terms_per_item, claim_ids_per_item)
    return _external_pools_orm(terms_per_item, claim_ids_per_item)


def _external_pools_orm(terms_per_item: list[list[str]], claim_ids_per_item: list[list[int]]) -> list[list[Any]]:
    from claims.models import ExternalReview

    found: list[list[Any]] = [[] for _ in terms_per_item]
    for item, (terms, claim_ids) in enumerate(zip(terms_per_item, claim_ids_per_item, strict=True)):
        if not terms:
            continue
        condition = Q(claim_id__in=claim_ids)
        for term in terms:
            condition |= Q(claim_reviewed__icontains=term)
        found[item] = list(
            ExternalReview.objects.exclude(claim_reviewed="")
            .filter(condition, claim__duplicate_of__isnull=True)
            .only("id", "claim_id", "claim_reviewed", "language", "updated_at", "date")
            .order_by(F("date").desc(nulls_last=True), "-id")[:POOL_LIMIT]
        )
    return found


# `_external_pools`' queries as one statement of constant text: the articles' claim ids and
# LIKE patterns are one JSON parameter, each article's reviews a LATERAL subquery. Compiling
# a batch's querysets (a Q of one `icontains` per telling word, per article) took a quarter
# of the worker's time spent reading tracking pools (issue 17). Same rows, same order.
_EXTERNAL_POOLS_SQL = """
SELECT v.item, r.id, r.claim_id, r.claim_reviewed, r.date, r.language, r.updated_at
FROM jsonb_to_recordset(%s::jsonb) AS v(item integer, ids bigint[], patterns text[])
CROSS JOIN LATERAL (
    SELECT e.id, e.claim_id, e.claim_reviewed, e.date, e.language, e.updated_at
    FROM claims_externalreview AS e JOIN claims_claim AS c ON c.id = e.claim_id
    WHERE e.claim_reviewed <> '' AND c.duplicate_of_id IS NULL
      AND (
          e.claim_id = ANY(v.ids)
          OR UPPER(e.claim_reviewed::text) LIKE ANY (SELECT UPPER(p) FROM unnest(v.patterns) AS p)
      )
    ORDER BY e.date DESC NULLS LAST, e.id DESC
    LIMIT %s
) AS r
ORDER BY v.item, r.date DESC NULLS LAST, r.id DESC
"""
# In the model's field order, as `Model.from_db` takes a subset of the columns.
_EXTERNAL_COLUMNS = ["id", "claim_id", "claim_reviewed", "date", "language", "updated_at"]


def _external_pools_pg(terms_per_item: list[list[str]], claim_ids_per_item: list[list[int]]) -> list[list[Any]]:
    import json

    from django.db import connection

    from claims.models import ExternalReview

    items = [
        # As Django's `icontains`: the term with LIKE's wildcards escaped, anywhere in the text.
        {"item": item, "ids": claim_ids, "patterns": [f"%{connection.ops.prep_for_like_query(t)}%" for t in terms]}
        for item, (terms, claim_ids) in enumerate(zip(terms_per_item, claim_ids_per_item, strict=True))
        if terms
    ]
    found: list[list[Any]] = [[] for _ in terms_per_item]
    with connection.cursor() as cursor:
        cursor.execute(_EXTERNAL_POOLS_SQL, [json.dumps(items), POOL_LIMIT])
        for item, *values in cursor.fetchall():
            found[item].append(ExternalReview.from_db(connection.alias, _EXTERNAL_COLUMNS, values))
    return found


def _review_features(review: Any) -> duplicates.ClaimFeatures:
    key = (-review.pk, int(review.updated_at.timestamp()), hash((review.claim_reviewed, review.language)))
    found = _features_cache.get(key)
    if found is None:
        found = _features_cache[key] = duplicates.ClaimFeatures.of(
            _probe(review.claim_reviewed, review.language or settings.LANGUAGE_CODE)
        )
        if len(_features_cache) > _FEATURES_CACHE_SIZE:
            _features_cache.popitem(last=False)
    return found


def _with_newest_reviews(found_matches: list[dict[int, Tracked]]) -> list[dict[int, Tracked]]:
    """A sentence that tracks a claim another desk has checked shows that desk's review
    (one read for the batch's articles)."""
    from claims.models import ExternalReview

    wanting = {t.claim_id for matches in found_matches for t in matches.values() if t.external_review_id is None}
    if not wanting:
        return found_matches
    newest: dict[int, int] = {}
    for review_id, claim_id in (
        ExternalReview.objects.filter(claim_id__in=wanting)
        .order_by(F("date").desc(nulls_last=True), "-id")
        .values_list("id", "claim_id")
    ):
        newest.setdefault(claim_id, review_id)
    return [
        {
            index: t
            if t.external_review_id or t.claim_id not in newest
            else Tracked(claim_id=t.claim_id, score=t.score, external_review_id=newest[t.claim_id])
            for index, t in matches.items()
        }
        for matches in found_matches
    ]

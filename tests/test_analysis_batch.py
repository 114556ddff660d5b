"""The analysis of a batch of stored articles: what it finds is pinned on a fixture batch,
and what it costs in queries does not grow with the sentences of an article."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims import search
from claims.discovery import pipeline
from claims.models import CandidateClaim, Claim, ExternalReview, Recurrence, RelatedArticle
from claims.search import search_claims_sharing
from tests.factories import ArticleFactory, ClaimantFactory, ClaimFactory
from tests.test_perf_guards import claims_plan_without_scans

pytestmark = pytest.mark.django_db

# Written for these tests. The first article's first sentence names its topic's most telling
# words; the claim its fourth sentence repeats shares none of those with it.
ARTICLE_NB = (
    "Ukrainas utenriksminister Dmytro Kuleba sa torsdag at Russland har samlet 90 000 soldater ved grensen. "
    "Kuleba møtte sin tyske kollega i Kyiv. "
    "Ifølge regjeringen i Kyiv økte forsvarsbudsjettet med 30 prosent i fjor. "
    "Strømprisen i Nord-Norge steg med 40 prosent i januar, opplyste Statnett onsdag."
)
ARTICLE_EN = (
    "Norway's wealth fund lost 15 percent of its value in the first half of the year, the central bank said. "
    "The weather in Oslo was grey. "
    "Fish exports to Japan rose by 12 percent last year, according to the seafood council."
)
ARTICLE_SHORT = "Russland har samlet 90 000 soldater ved grensen, sa Kuleba torsdag."


def _claims() -> dict[str, Claim]:
    return {
        "troops": ClaimFactory(text="Russland har samlet 90 000 soldater ved grensen til Ukraina", language="nb"),
        "budget": ClaimFactory(text="Regjeringen i Kyiv økte forsvarsbudsjettet med 30 prosent i fjor", language="nb"),
        # Only the article's fourth sentence says this; its words are not the article's top words.
        "power": ClaimFactory(text="Strømprisen i Nord-Norge steg med 40 prosent i januar", language="nb"),
        # Another language: found through the cognate map and the lexicon.
        "fund": ClaimFactory(text="Oljefondet tapte 15 prosent av verdien i første halvår", language="nb"),
        "fish": ClaimFactory(text="Fish exports to Japan rose by 12 percent last year", language="en"),
        # Shares one word ("Ukraina", however spelt) with the articles, and nothing else.
        "other": ClaimFactory(text="Ukraine wins the song contest", language="en"),
    }


def _tracked(article) -> dict[str, int]:
    found = CandidateClaim.objects.filter(article=article).order_by("start")
    return {c.text: c.claim_id for c in found if c.claim_id is not None}


def test_a_batch_finds_the_candidates_and_the_claims_they_repeat():
    claims = _claims()
    nb = ArticleFactory(text=ARTICLE_NB, language="nb")
    en = ArticleFactory(text=ARTICLE_EN, language="en")
    assert pipeline.analyse_articles([nb.pk, en.pk]) == 2
    assert _tracked(nb) == {
        "Ukrainas utenriksminister Dmytro Kuleba sa torsdag at Russland har samlet 90 000 soldater ved grensen.": (
            claims["troops"].pk
        ),
        "Ifølge regjeringen i Kyiv økte forsvarsbudsjettet med 30 prosent i fjor.": claims["budget"].pk,
        "Strømprisen i Nord-Norge steg med 40 prosent i januar, opplyste Statnett onsdag.": claims["power"].pk,
    }
    en_tracked = _tracked(en)
    assert en_tracked["Fish exports to Japan rose by 12 percent last year, according to the seafood council."] == (
        claims["fish"].pk
    )
    assert len(en_tracked) == 1
    assert claims["other"].pk not in {c.claim_id for c in CandidateClaim.objects.all()}
    # Each tracked claim gets the article as a possible appearance, once.
    related = set(RelatedArticle.objects.values_list("claim_id", "article_id"))
    assert (claims["power"].pk, nb.pk) in related and (claims["fish"].pk, en.pk) in related
    # Repeated (a redelivered task): nothing doubles, nothing changes.
    before = sorted(CandidateClaim.objects.values_list("article_id", "start", "status", "claim_id", "score"))
    pipeline.analyse_articles([nb.pk, en.pk])
    assert sorted(CandidateClaim.objects.values_list("article_id", "start", "status", "claim_id", "score")) == before
    assert RelatedArticle.objects.count() == len(related)


def test_two_words_are_two_words_however_spelt():
    claims = _claims()
    base = Claim.objects.all()
    # "Ukraina" and "Ukraine" are one word: a claim sharing only it is not pooled.
    one_word = [[["ukraina", "ukraine"], ["kuleba"]]]
    assert claims["other"] not in set(search_claims_sharing(base, one_word))
    # Two words of one sentence pool a claim; one word of each of two sentences does not.
    assert claims["troops"] in set(search_claims_sharing(base, [[["soldater"], ["grensen"]]]))
    assert claims["troops"] not in set(search_claims_sharing(base, [[["soldater"], ["kyiv"]], [["grensen"], ["oslo"]]]))
    assert list(search_claims_sharing(base, [])) == []


def _queries(articles) -> int:
    with CaptureQueriesContext(connection) as ctx:
        pipeline.analyse_articles([a.pk for a in articles])
    return len(ctx.captured_queries)


def test_analysis_queries_do_not_grow_with_the_sentences_of_an_article():
    _claims()
    # Warm the live index, and tracking's word postings for both texts (on PostgreSQL a batch
    # reads the postings of the words no batch before it met: one statement, however many).
    pipeline.analyse_articles([ArticleFactory(text=text, language="nb").pk for text in (ARTICLE_SHORT, ARTICLE_NB)])
    short = _queries([ArticleFactory(text=ARTICLE_SHORT, language="nb")])
    article = ArticleFactory(text=ARTICLE_NB, language="nb")
    long = _queries([article])
    # One tracking query, one claimant look-up, one insert of candidates (and one of their
    # history rows), one read and one insert of related articles per article, however many
    # of its sentences are candidates or repeat claims.
    assert CandidateClaim.objects.filter(article=article).exclude(claim=None).count() == 3
    assert long == short


def test_analysis_queries_per_article_are_a_constant():
    _claims()
    # Warm the live index, and tracking's word postings for both texts (on PostgreSQL a batch
    # reads the postings of the words no batch before it met: one statement, however many).
    pipeline.analyse_articles([ArticleFactory(text=text, language="nb").pk for text in (ARTICLE_SHORT, ARTICLE_NB)])
    one = _queries([ArticleFactory(text=ARTICLE_SHORT, language="nb")])
    three = _queries([ArticleFactory(text=ARTICLE_SHORT, language="nb") for _ in range(3)])
    # A batch costs the same statements however many articles it holds (per
    # candidates.TRACK_CHUNK of them): one tracking pool and one read of other desks' reviews
    # for them all, one claimant look-up, one transaction for every article's candidates and
    # related articles. (SQLite takes no
    # UNION of sliced queries: there, the pool and the reviews are read per article.)
    assert three - one == (0 if connection.vendor == "postgresql" else 2 * 2)
    # (On PostgreSQL two of them set and put back the tracking statement's planner settings.)
    assert one <= (18 if connection.vendor == "postgresql" else 16)


LONG_SENTENCE = (
    "Forsvarsminister Bjørn Arild Gram sa i Tromsø tirsdag at Hæren, Sjøforsvaret og Luftforsvaret "
    "får 14 nye helikoptre, 6 fregatter og 52 stridsvogner fra Tyskland innen 2028."
)


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
def test_the_tracking_statement_can_use_the_gin_index_for_every_sentence():
    from claims.intake import candidates, tracking

    for i in range(30):
        ClaimFactory(text=f"Tromsø kommune bygger {i} nye skoler innen 2028", language="nb")
    found = [candidates.ScoredSentence(0, len(LONG_SENTENCE), LONG_SENTENCE, "nb", 0.9, None)]
    sentence_words = [tracking._concepts(tracking.duplicates.telling_words(s.text), s.language) for s in found]
    # A long sentence has many telling words; only the first few are paired (a tsquery of
    # every pair is one PostgreSQL will not answer from the GIN index: it reads the table).
    # (At 20k claims, C(8, 2) pairs of one sentence made the planner read the whole table;
    # a test database is too small to show that, so the cap itself is pinned.)
    assert len(tracking.duplicates.pool_concepts(tracking._probe(LONG_SENTENCE, "nb"), limit=12)) > 6
    assert len(sentence_words[0]) == tracking.TRACK_POOL_WORDS == 6
    qs = search_claims_sharing(Claim.objects.only("id", "text"), [*sentence_words, [["tromso"], ["skoler"]]])
    plan = claims_plan_without_scans(qs)
    assert plan.count("claims_claim_search_gin") == 2, plan


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
def test_fetch_from_gin_holds_its_settings_for_its_statement_only():
    from django.db import transaction

    from claims.search import fetch_from_gin

    claims = _claims()
    qs = search_claims_sharing(Claim.objects.all(), [[["soldater"], ["grensen"]]])
    with transaction.atomic(), connection.cursor() as cursor:
        assert claims["troops"] in fetch_from_gin(qs)
        cursor.execute("SELECT current_setting('enable_seqscan'), current_setting('max_parallel_workers_per_gather')")
        after = cursor.fetchone()
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('enable_seqscan'), current_setting('max_parallel_workers_per_gather')")
        assert cursor.fetchone() == after
    assert after[0] == "on"


def _found() -> dict[str, list[tuple]]:
    """Everything the analysis stores about the articles, without ids it assigns itself."""
    return {
        "candidates": sorted(
            CandidateClaim.objects.values_list(
                "article_id", "start", "end", "status", "claim_id", "match_score", "external_review_id",
                "claimant_id", "speaker", "score",
            )
        ),
        "related": sorted(RelatedArticle.objects.values_list("article_id", "claim_id", "score", "provider", "snippet")),
        "recurrences": sorted(Recurrence.objects.values_list("article_id", "claim_id", "start", "end", "score")),
    }  # fmt: skip


def _forget_analysis() -> None:
    CandidateClaim.objects.all().delete()
    RelatedArticle.objects.all().delete()
    Recurrence.objects.all().delete()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_batch_finds_exactly_what_its_articles_find_one_by_one():
    claims = _claims()
    Claim.objects.filter(pk=claims["fish"].pk).update(status="published")  # a live fact-check: recurrences
    ClaimantFactory(name="Dmytro Kuleba")
    # Another desk's review, worded apart from the claim it is attached to.
    ExternalReview.objects.create(
        claim=claims["budget"], publisher="Sjekkdesken", publisher_url="https://sjekk.example.org/",
        url="https://sjekk.example.org/budsjett", claim_reviewed="Kyiv økte forsvarsbudsjettet med 30 prosent",
        rating_text="Riktig", date=dt.date(2026, 3, 1), language="nb",
    )  # fmt: skip
    articles = [
        ArticleFactory(text=ARTICLE_NB, language="nb"),
        ArticleFactory(text=ARTICLE_EN, language="en"),
        ArticleFactory(text=ARTICLE_SHORT, language="nb"),
        ArticleFactory(text="", language="nb"),  # nothing stored: nothing to analyse
        ArticleFactory(text="Været var grått i Oslo. Det regnet.", language="nb"),  # no candidate
    ]
    for article in articles:
        pipeline.analyse_articles([article.pk])
    one_by_one = _found()
    assert sum(1 for c in one_by_one["candidates"] if c[4] is not None) >= 5  # tracked: the test has teeth
    assert any(c[6] is not None for c in one_by_one["candidates"])  # another desk's review shown
    assert any(c[7] is not None for c in one_by_one["candidates"])  # a claimant matched
    assert one_by_one["recurrences"]
    _forget_analysis()
    assert pipeline.analyse_articles([a.pk for a in articles]) == len(articles)
    assert _found() == one_by_one


def test_pairs_of_two_common_words_are_capped_per_article(monkeypatch):
    from claims.search import CommonWords, word_index_tokens

    claims = _claims()
    base = Claim.objects.all()
    common = CommonWords.of(word_index_tokens("soldater") | word_index_tokens("grensen") | word_index_tokens("kyiv"))
    pair = [[["soldater"], ["grensen"]]]
    assert claims["troops"] in set(search_claims_sharing(base, pair, common=common))
    # Past the cap, a pair of two words hundreds of claims have is dropped: it would pool them all.
    monkeypatch.setattr(search, "COMMON_PAIRS", 1)
    assert claims["troops"] not in set(search_claims_sharing(base, [[["kyiv"], ["grensen"]], *pair], common=common))
    assert claims["troops"] in set(search_claims_sharing(base, [*pair, [["kyiv"], ["grensen"]]], common=common))
    monkeypatch.setattr(search, "COMMON_PAIRS", 0)
    assert claims["troops"] not in set(search_claims_sharing(base, pair, common=common))
    # A pair with a word few claims have is never capped.
    assert claims["troops"] in set(search_claims_sharing(base, [[["soldater"], ["samlet"]]], common=common))
    assert claims["troops"] in set(
        search_claims_sharing(base, [[["soldater"], ["grensen"], ["samlet"]]], common=common)
    )
    # The batch statement caps each article on its own.
    pools = search.claims_sharing_pools(base, [pair, [[["soldater"], ["samlet"]]]], limit=100, common=common)
    assert claims["troops"] not in pools[0] and claims["troops"] in pools[1]


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
def test_common_words_come_from_the_claims_statistics(monkeypatch):

    for i in range(6):
        ClaimFactory(text=f"Russland har samlet {i} soldater", language="nb")
    ClaimFactory(text="Strømprisen steg i januar", language="nb")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE claims_claim")
    monkeypatch.setattr(search, "COMMON_MIN_CLAIMS", 5)
    monkeypatch.setattr(search, "COMMON_SHARE", 0.5)
    search._common_cache.clear()
    common = search.common_claim_words()
    assert common.holds(search.query_groups("soldater")[0])
    assert not common.holds(search.query_groups("strømprisen")[0])
    # Read once, then kept for a while (bounded by PostgreSQL's statistics target).
    with CaptureQueriesContext(connection) as ctx:
        assert search.common_claim_words() is common
    assert not ctx.captured_queries
    search._common_cache.clear()
    # A desk with fewer claims than COMMON_MIN_CLAIMS has no common words.
    monkeypatch.setattr(search, "COMMON_MIN_CLAIMS", 200)
    assert search.common_claim_words().tokens == frozenset()
    search._common_cache.clear()


def test_a_word_spelt_two_ways_is_one_group_with_nothing_covered_twice():
    """The GIN index reads every entry a prefix matches once per prefix: "krone:*" beside
    "kroner:*" (two spellings of one word) read the "kroner…" entries twice. The merged
    group drops what another alternative covers, and matches the same tokens."""
    spellings = ["kroner", "krone", "Norway", "norsk"]
    (merged,) = search._word_groups([spellings])
    exact, prefixes = merged
    assert not any(p != o and p.startswith(o) for p in prefixes for o in prefixes), merged
    assert not any(e.startswith(p) for e in exact for p in prefixes), merged
    loose = [g for s in spellings for g in search.query_groups(s)]

    def matches(group, token):
        return token in group[0] or any(token.startswith(p) for p in group[1])

    tokens = ["kron", "krone", "kroner", "kronene", "norg", "norsk", "norske", "norway", "norwegian", "kr", "nor"]
    for token in tokens:
        assert matches(merged, token) == any(matches(g, token) for g in loose), token


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_lost_side_connection_costs_no_candidate(caplog, monkeypatch):
    from claims import sidedb

    monkeypatch.setattr(sidedb, "CHECK_AFTER_IDLE", 3600.0)  # taken as alive, however slow the machine

    _claims()
    articles = [ArticleFactory(text=ARTICLE_NB, language="nb"), ArticleFactory(text=ARTICLE_EN, language="en")]
    pipeline.analyse_articles([a.pk for a in articles])
    found = _found()
    assert sum(1 for c in found["candidates"] if c[4] is not None) >= 3  # tracked: read on the side connection
    _forget_analysis()
    side_pid = sidedb.side_call(lambda: connection.cursor().connection.info.backend_pid).result(timeout=60)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [side_pid])
    # The batch's pool read fails on the dead connection; each article is tried again alone.
    pipeline.analyse_articles([a.pk for a in articles])
    assert "candidate extraction failed for a batch of 2 articles" in caplog.text
    assert _found() == found


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
def test_pooled_claims_rank_by_the_flat_query_exactly_as_by_their_pairs():
    """The pool statement ranks a match of several pairs by the flat OR of their distinct
    words (`_rank_tsquery`): cheaper, and the very same float for every claim it matches."""
    from claims.search import _combos_tsquery, _rank_tsquery, _word_groups

    _claims()
    ClaimFactory(text="Russland samlet soldater ved grensen, og soldater ved grensen igjen", language="nb")
    ClaimFactory(text="Soldater i Kyiv og i Kharkiv", language="nb")
    groups = _word_groups([["soldater"], ["grensen"], ["Kyiv"], ["prosent"], ["Russland", "Russia"]])
    combos = [[a, b] for i, a in enumerate(groups) for b in groups[i + 1 :]]
    flat = _rank_tsquery(combos)
    assert flat != _combos_tsquery(combos) and "&" not in flat
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, ts_rank(search_vector, to_tsquery('simple', %s)),"
            " ts_rank(search_vector, to_tsquery('simple', %s))"
            " FROM claims_claim WHERE search_vector @@ to_tsquery('simple', %s)",
            [_combos_tsquery(combos), flat, _combos_tsquery(combos)],
        )
        rows = cursor.fetchall()
    assert len(rows) >= 4 and len({pairs for _id, pairs, _flat in rows}) >= 3  # ranks that differ
    assert [(pk, pairs) for pk, pairs, _flat in rows] == [(pk, flat_rank) for pk, _pairs, flat_rank in rows]
    # One pair is ranked as an AND (its own query); a word both whole and a prefix keeps the
    # pairs' query too (ts_rank keeps one of the two, in no set order).
    assert _rank_tsquery(combos[:1]) == _combos_tsquery(combos[:1])
    mixed = [[(frozenset({"grense"}), frozenset()), (frozenset(), frozenset({"soldat"}))],
             [(frozenset(), frozenset({"grense"})), (frozenset({"kyiv"}), frozenset())]]  # fmt: skip
    assert _rank_tsquery(mixed) == _combos_tsquery(mixed)


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the batch statement is PostgreSQL's")
def test_the_batch_pool_statement_returns_each_items_own_query_rows_in_order():
    for i in range(12):
        ClaimFactory(text=f"Tromsø kommune bygger {i} nye skoler og barnehager innen 2028", language="nb")
        ClaimFactory(text=f"Bergen kommune legger ned {i} skoler i sentrum", language="nb")
    duplicate = ClaimFactory(text="Tromsø kommune bygger nye skoler", language="nb")
    duplicate.duplicate_of = Claim.objects.exclude(pk=duplicate.pk).first()
    duplicate.save()
    word_sets = [
        [[["tromso"], ["skoler"], ["barnehager"]], [["kommune"], ["bygger"]]],
        [],  # an article with no telling words
        [[["bergen"], ["skoler"]], [["sentrum"]]],
        [[["oslo"], ["sykehus"]]],  # nothing shares them
    ]
    claims = Claim.objects.filter(duplicate_of__isnull=True).only("id", "text", "language")
    batch = search.claims_sharing_pools(claims, word_sets, limit=7)
    one_by_one = [search.fetch_from_gin(search_claims_sharing(claims, sets)[:7]) if sets else [] for sets in word_sets]
    assert [[c.pk for c in rows] for rows in batch] == [[c.pk for c in rows] for rows in one_by_one]
    assert len(batch[0]) == 7 and len(batch[2]) == 7 and batch[1] == batch[3] == []  # the cut has teeth
    assert all(duplicate.pk not in {c.pk for c in rows} for rows in batch)
    assert batch[0][0].text == one_by_one[0][0].text and "status" in batch[0][0].get_deferred_fields()

"""The analysis of stored articles (candidate claims, recurrences) as a task of its own,
and the shortcuts that keep it cheap: one-scan comparison pools, a bounded similarity, and
claimant look-ups limited to an article's speakers."""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import pytest
from django.db import connection

from claims.discovery import duplicates
from claims.discovery import text as tx
from claims.intake import speakers
from claims.intake.candidates import claimant_index
from claims.models import Article, CandidateClaim, Claim
from claims.search import search_claims_any
from tests.factories import ArticleFactory, ClaimantFactory, ClaimFactory
from tests.fixtures.web.server import LOOPBACK, serve

pytestmark = pytest.mark.django_db

PAGE = "pages/geneva_talks_nb.html"


def test_the_fetch_task_queues_the_analysis_and_the_analysis_task_makes_the_candidates(
    httpserver, settings, queued_tasks
):
    settings.FETCH_ALLOWED_NETWORKS = LOOPBACK
    serve(httpserver, "/p.html", PAGE)
    article = ArticleFactory(url=httpserver.url_for("/p.html"), text="", language="nb")
    from claims import tasks  # noqa: F401  (registers the tasks)
    from factcheck.celery import app

    queued_tasks.take()
    app.tasks["claims.tasks.fetch_article"].apply(kwargs={"article_ids": [article.pk]}, throw=True)
    article.refresh_from_db()
    assert article.text and article.fetched_at is not None
    # The page is stored and searchable; its analysis waits for a worker.
    assert not CandidateClaim.objects.exists()
    queued = queued_tasks.take()
    assert [(name, kwargs) for name, _args, kwargs in queued] == [
        ("claims.tasks.analyse_articles", {"article_ids": [article.pk]})
    ]
    for name, args, kwargs in queued * 2:  # redelivered: nothing is doubled
        app.tasks[name].apply(args=args, kwargs=kwargs, throw=True)
    made = CandidateClaim.objects.filter(article=article)
    assert made.exists()
    assert len({c.start for c in made}) == made.count()


def test_commands_and_direct_callers_analyse_inline(httpserver, settings):
    from claims.discovery import pipeline

    settings.FETCH_ALLOWED_NETWORKS = LOOPBACK
    serve(httpserver, "/p.html", PAGE)
    article = ArticleFactory(url=httpserver.url_for("/p.html"), text="", language="nb")
    seen: list[list[int]] = []
    assert pipeline.fetch_articles([article.pk], on_stored=seen.append)["fetched"] == 1
    assert seen == [[article.pk]] and not CandidateClaim.objects.exists()
    Article.objects.filter(pk=article.pk).update(fetched_at=None, text="")
    pipeline.fetch_articles([article.pk])
    assert CandidateClaim.objects.filter(article=article).exists()


def test_search_claims_any_matches_any_word_and_ranks_by_how_many():
    both = ClaimFactory(text="Russland samler soldater ved grensen", claim_reviewed="", language="nb")
    one = ClaimFactory(text="Soldater øver i nord", claim_reviewed="", language="nb")
    ClaimFactory(text="Strømprisen stiger igjen", claim_reviewed="", language="nb")
    found = list(search_claims_any(Claim.objects.all(), ["russland", "soldatene"]))
    assert set(found) == {both, one}
    if connection.vendor == "postgresql":
        assert found == [both, one]
    assert list(search_claims_any(Claim.objects.all(), ["og", "i"])) == []


def test_similarity_at_least_agrees_with_similarity():
    texts = [
        ("Russland har ingen planer om å invadere Ukraina", "nb"),
        ("Russia has no plans to invade Ukraine", "en"),
        ("Russia has no plans to invade Ukraine, Lavrov said in Geneva", "en"),
        ("Russland har samlet 100 000 soldater ved grensen", "nb"),
        ("Russia has massed 50,000 troops at the border", "en"),
        ("Strømprisen i Sør-Norge var rekordhøy i desember", "nb"),
        ("Electricity prices in southern Norway hit a record in December", "en"),
    ]
    features = [
        duplicates.ClaimFeatures.of(ClaimFactory.build(text=t, claim_reviewed="", language=lang)) for t, lang in texts
    ]
    for a, b in itertools.permutations(features, 2):
        score, _signals = duplicates.similarity(a, b)
        for threshold in (0.2, 0.45, 0.6, 0.8):
            quick = duplicates.similarity_at_least(a, b, threshold)
            assert quick == (score if score >= threshold else None)


def test_pairs_below_the_word_signal_needed_never_reach_the_threshold():
    """Session 22: the tracker skips pooled claims whose shared words cannot reach the
    threshold (`words_needed`), rather than bounding each pair; no pair it skips would match,
    whatever its claimant, entities or n-grams."""
    from claims.intake.tracking import TRACK_THRESHOLD, _SharedWords

    texts = [
        ("Russland har ingen planer om å invadere Ukraina", "nb", 1),
        ("Russia has no plans to invade Ukraine", "en", 1),
        ("Russia has no plans to invade Ukraine, Lavrov said in Geneva", "en", 2),
        ("Russland har samlet 100 000 soldater ved grensen til Ukraina", "nb", 1),
        ("Ukraine", "en", 1),
        ("Russia", "en", 2),
        ("Strømprisen i Sør-Norge var rekordhøy i desember", "nb", None),
        ("Electricity prices in southern Norway hit a record in December", "en", None),
    ]
    features = []
    for t, lang, claimant in texts:
        claim = ClaimFactory.build(text=t, claim_reviewed="", language=lang)
        claim.claimant_id = claimant
        features.append(duplicates.ClaimFeatures.of(claim))
    for threshold in (0.3, 0.45, TRACK_THRESHOLD, 0.8):
        needed = duplicates.words_needed(threshold)
        sharing = _SharedWords(list(enumerate(features)), [], needed)
        for probe in features:
            kept = {position for position, _f, _count in sharing.of(probe)[0]}
            for position, other in enumerate(features):
                if position not in kept:
                    assert duplicates.similarity_at_least(probe, other, threshold) is None
    assert duplicates.words_needed(TRACK_THRESHOLD) > 0.2  # a lone shared word of ten is not enough


def _reference_similarity(a, b) -> float:
    """The duplicate score written out plainly, as it was before the harvest's fast path."""

    def dice(x, y):
        return 2 * len(x & y) / (len(x) + len(y)) if x and y else 0.0

    def overlap(x, y):
        return len(x & y) / min(len(x), len(y)) if x and y else 0.0

    def cosine(x, y):
        dot = sum(count * y.get(gram, 0) for gram, count in x.items())
        norm = math.sqrt(sum(v * v for v in x.values())) * math.sqrt(sum(v * v for v in y.values()))
        return dot / norm if x and y and norm else 0.0

    weights = dict(duplicates.WEIGHTS)
    if a.language and b.language and a.language != b.language:
        weights["ngrams"] *= duplicates.CROSS_LANGUAGE_NGRAMS
    if not (a.entities or b.entities):
        weights["entities"] = 0.0
    signals = {
        "words": 0.5 * dice(a.tokens, b.tokens) + 0.5 * overlap(a.tokens, b.tokens),
        "ngrams": cosine(a.grams, b.grams),
        "entities": dice(a.entities, b.entities) if a.entities or b.entities else 0.0,
    }
    score = sum(weights[k] * v for k, v in signals.items()) / sum(weights.values())
    if a.numbers and b.numbers and not (a.numbers & b.numbers):
        score *= duplicates.NUMBER_MISMATCH
    elif bool(a.numbers) != bool(b.numbers):
        score *= duplicates.ONE_SIDED_NUMBER
    if a.claimant_id and a.claimant_id == b.claimant_id:
        score += duplicates.SAME_CLAIMANT_BONUS
    return max(0.0, min(1.0, score))


def test_similarity_is_exactly_the_plain_formula():
    """The fast path (one intersection, cached norms, shared grams only) changes no float."""
    texts = [
        ("Russland har ingen planer om å invadere Ukraina, sa Lavrov", "nb", 1),
        ("Russia has no plans to invade Ukraine, Lavrov said", "en", 1),
        ("Russland har samlet 100 000 soldater ved grensen til Ukraina", "nb", None),
        ("Russia has massed 100,000 troops on the border with Ukraine", "en", None),
        ("Norge har 8500 soldater i beredskap", "nb", 2),
        ("Strømprisen i Sør-Norge var rekordhøy i desember", "", None),
        ("Electricity prices in southern Norway hit a record high in December", "en", None),
    ]
    assert duplicates.OVERLAP_MIX == 0.5  # the reference above mixes half and half
    features = [
        duplicates.ClaimFeatures.of(ClaimFactory.build(text=t, claim_reviewed="", language=lang, claimant_id=who))
        for t, lang, who in texts
    ]
    for a, b in itertools.product(features, repeat=2):
        assert duplicates.similarity(a, b)[0] == _reference_similarity(a, b)


def test_claimant_lookup_for_speakers_matches_the_full_index():
    names = ("Sergej Lavrov", "Antony Blinken", "Jonas Gahr Støre", "Erna Solberg", "Vibeke Solberg", "Peskov")
    for name in (*names, "Maria Lavrova", "Støre-Hansen", "Anne  Kristin Bratt"):
        ClaimantFactory(name=name)
    full = claimant_index()
    asked = {"Lavrov", "Antony Blinken", "Solberg", "Støre", "Peskov", "Dmitrij Peskov", "Nobody"}
    asked |= {"LAVROV", "antony blinken", "Bratt", "Hansen", "Kristin Bratt", "100%", "_"}
    narrow = claimant_index(asked)
    for speaker in asked:
        assert narrow.match(speaker) == full.match(speaker), speaker
    assert narrow.match("Solberg") is None  # two Solbergs: a surname alone does not say which
    assert claimant_index(set()).match("Lavrov") is None
    assert isinstance(narrow, speakers.ClaimantIndex)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the surname index is PostgreSQL's")
def test_claimant_lookup_reads_the_name_indexes_not_the_table():
    from claims.intake.candidates import _named
    from claims.models import Claimant

    ClaimantFactory(name="Sergej Lavrov")
    query = Claimant.objects.filter(_named({"Lavrov", "Jonas Gahr Støre"}, using="default"))
    sql, params = query.values_list("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a test table is small enough to scan
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    # The query's expressions are the indexes' own, or PostgreSQL could only scan.
    assert "claimant_last_word_ci" in plan and "claimant_name_ci_unique" in plan, plan


def test_pool_terms_feed_one_query(django_assert_max_num_queries):
    ClaimFactory(text="Russland samler soldater ved grensen", language="nb")
    claim = ClaimFactory.build(text="Russia is gathering soldiers at the border", claim_reviewed="", language="en")
    claim.pk = 10**9
    with django_assert_max_num_queries(3):
        pool = list(duplicates.candidate_pool(claim))
    assert pool
    assert tx.base_language(claim.language) == "en"


def test_pages_are_fetched_one_at_a_time_in_order_while_the_previous_one_is_extracted(settings):
    """The fetch-ahead thread asks for the next page while this one is extracted: every
    page once, in order, never two requests in flight, and failures recorded as before."""
    import threading
    import time
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from claims.discovery import pipeline
    from claims.discovery.http import TransientFetchError

    body = (Path(__file__).parent / "fixtures" / "web" / PAGE).read_bytes()
    seen: list[str] = []
    state = {"in_flight": 0, "most": 0}
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            with lock:
                seen.append(self.path)
                state["in_flight"] += 1
                state["most"] = max(state["most"], state["in_flight"])
            time.sleep(0.02)  # long enough for a second request to overlap, were one sent
            status = {"/p3.html": 503, "/p5.html": 404}.get(self.path, 200)
            payload = body if status == 200 else b"no"
            # Out of flight before the body goes: once the client has it, it may ask for the next
            # page before this thread runs again (it did, on a busy machine).
            with lock:
                state["in_flight"] -= 1
            self.send_response(status)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        settings.FETCH_ALLOWED_NETWORKS = LOOPBACK
        base = f"http://127.0.0.1:{server.server_address[1]}"
        articles = [ArticleFactory(url=f"{base}/p{i}.html", text="", language="nb") for i in range(7)]
        stored: list[list[int]] = []
        # The batch's order is the index's (as `fetch_articles` reads it).
        order = [a.url.rsplit("/", 1)[1] for a in Article.objects.filter(pk__in=[a.pk for a in articles])]
        with pytest.raises(TransientFetchError):
            pipeline.fetch_articles([a.pk for a in articles], on_stored=stored.append)
    finally:
        server.shutdown()
        server.server_close()
    assert seen == [f"/{name}" for name in order] and len(set(seen)) == 7
    assert state["most"] == 1
    assert sorted(stored[0]) == sorted(a.pk for i, a in enumerate(articles) if i not in (3, 5)) and len(stored) == 1
    by_url = {a.url.rsplit("/", 1)[1]: a for a in Article.objects.filter(pk__in=[a.pk for a in articles])}
    assert by_url["p5.html"].fetch_error and by_url["p5.html"].fetched_at is not None  # permanent: done
    assert by_url["p3.html"].fetched_at is None  # transient: tried again with the batch's retry
    assert all(by_url[f"p{i}.html"].text for i in (0, 1, 2, 4, 6))

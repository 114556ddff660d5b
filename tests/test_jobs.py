"""Jobs: claiming, progress, per-provider stats, idempotent re-runs, reviewer feedback kept."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from claims.discovery.http import TransientFetchError
from claims.discovery.jobs import MAX_ATTEMPTS, JobRecorder, claim_job, create_job, store_suggestions
from claims.discovery.pipeline import run_discovery, run_harvest
from claims.models import Article, FetchJob, RelatedArticle
from tests.factories import ArticleFactory, ClaimFactory, FeedFactory, UserFactory
from tests.fixtures.web.server import LOOPBACK, serve

pytestmark = pytest.mark.django_db
Status = FetchJob.Status


@pytest.fixture(autouse=True)
def discovery_settings(settings):
    settings.FETCH_ALLOWED_NETWORKS = LOOPBACK
    settings.DISCOVERY_PROVIDERS = ["article_page", "feeds", "local"]


@pytest.fixture
def claim():
    return ClaimFactory(
        text="Russland har ingen planer om å invadere Ukraina, sa Lavrov etter møtet med Blinken i Genève.",
        claim_reviewed="Russland avviser planer om å invadere Ukraina",
        language="nb",
        claimant__name="Sergej Lavrov",
        claim_date=dt.date(2022, 1, 21),
    )


@pytest.fixture
def feeds(httpserver):
    serve(httpserver, "/atom.xml", "feeds/utenriks_atom.xml", content_type="application/atom+xml")
    serve(httpserver, "/world.xml", "feeds/world_rss.xml")
    for page in ("geneva_talks_nb.html", "geneva_talks_en.html", "nordic_cp1252_meta.html"):
        serve(httpserver, f"/pages/{page}", f"pages/{page}")
    httpserver.expect_request("/pages/ferry.html").respond_with_data("gone", status=404)
    httpserver.expect_request("/pages/markets.html").respond_with_data("down", status=503)
    return [
        FeedFactory(url=httpserver.url_for("/atom.xml"), name="Fjordposten", language="nb"),
        FeedFactory(url=httpserver.url_for("/world.xml"), name="Harbour Times", language="en"),
    ]


def discover(claim, **kwargs):
    job = create_job(kind=FetchJob.Kind.DISCOVER, claim=claim)
    job, state = claim_job(job.pk)
    assert state == "claimed"
    return run_discovery(job, **kwargs)


def test_discovery_end_to_end_in_process(claim, feeds):
    progress = []
    job = discover(claim, on_progress=lambda done, total: progress.append((done, total)))
    job.refresh_from_db()
    assert job.status in {Status.SUCCEEDED, Status.PARTIAL}
    assert job.progress_done == job.progress_total > 0
    assert progress[-1][0] == progress[-1][1] and len(progress) > 3
    assert job.provider_stats["feeds"]["harvested"] == 2
    assert job.provider_stats["factcheck_tools"]["skipped"].startswith("disabled")
    assert job.provider_stats["wikipedia"]["skipped"].startswith("disabled")
    assert "ranking" in job.timings and "total" in job.timings
    suggested = list(RelatedArticle.objects.filter(claim=claim).select_related("article").order_by("rank"))
    titles = [s.article.title for s in suggested]
    assert "Utenriksministrene møttes i Genève uten gjennombrudd" in titles[:3]
    assert "Blinken and Lavrov end Geneva meeting with no breakthrough" in titles[:3]  # across languages
    top = suggested[0]
    assert top.score > 0 and top.why.get("terms") and top.snippet and top.provider == "feeds"
    # The pages of the promising candidates were fetched and extracted during the job.
    nb = Article.objects.get(title="Utenriksministrene møttes i Genève uten gjennombrudd")
    assert "halvannen time" in nb.text and nb.fetched_at is not None and nb.content_hash


def test_running_twice_creates_nothing_twice(claim, feeds):
    discover(claim)
    articles = Article.objects.count()
    suggestions = set(RelatedArticle.objects.filter(claim=claim).values_list("article_id", flat=True))
    FetchJob.objects.all().delete()
    from claims.models import Feed

    Feed.objects.update(last_harvested_at=None, etag="", last_modified="")  # force a full re-harvest
    second = discover(claim)
    assert Article.objects.count() == articles
    assert set(RelatedArticle.objects.filter(claim=claim).values_list("article_id", flat=True)) == suggestions
    assert second.provider_stats["feeds"]["stored"] == 0


def test_reviewer_feedback_survives_reruns(claim, feeds):
    reviewer = UserFactory(role="Reviewer")
    discover(claim)
    first, second = RelatedArticle.objects.filter(claim=claim).order_by("rank")[:2]
    RelatedArticle.objects.filter(pk=first.pk).update(status="irrelevant", reviewed_by=reviewer)
    RelatedArticle.objects.filter(pk=second.pk).update(status="relevant", reviewed_by=reviewer)
    discover(claim)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.reviewed_by) == ("irrelevant", reviewer)
    assert (second.status, second.reviewed_by) == ("relevant", reviewer)
    assert second.rank == 1  # the irrelevant one no longer takes a place in the ranking


def test_store_suggestions_never_resuggests_an_irrelevant_article(claim):
    article = ArticleFactory()
    RelatedArticle.objects.create(claim=claim, article=article, provider="local", status="irrelevant", score=0.1)
    counts = store_suggestions(claim=claim, ranked=[(article, 0.9, {"terms": ["x"], "snippet": "s"})], provider_of={})
    assert counts == {"created": 0, "updated": 0, "skipped_irrelevant": 1}
    assert RelatedArticle.objects.get(claim=claim, article=article).score == 0.1


def test_page_failures_are_recorded_permanent_or_transient(feeds, settings):
    claim = ClaimFactory(text="The harbour ferry timetable was cut, and shares fell on the markets.", language="en")
    job = discover(claim)
    by_url = {e["url"].rsplit("/", 1)[-1]: e for e in job.errors}
    assert by_url["ferry.html"]["permanent"] is True and by_url["ferry.html"]["status"] == 404
    assert by_url["markets.html"]["permanent"] is False and by_url["markets.html"]["status"] == 503
    assert job.status == Status.PARTIAL
    pages = job.provider_stats["pages"]
    assert pages["failed"] >= 2 and pages["wanted"] == pages["fetched"] + pages["failed"]
    # Permanent failures are final; transient ones are tried again by a later job.
    assert Article.objects.get(url__endswith="ferry.html").fetched_at is not None
    assert Article.objects.get(url__endswith="markets.html").fetched_at is None


def test_a_job_is_claimed_once(claim):
    job = create_job(kind=FetchJob.Kind.DISCOVER, claim=claim)
    assert claim_job(job.pk)[1] == "claimed"
    assert claim_job(job.pk) == (None, "busy")
    FetchJob.objects.filter(pk=job.pk).update(status=Status.SUCCEEDED)
    assert claim_job(job.pk) == (None, "finished")
    assert claim_job(999_999) == (None, "missing")


def test_a_running_job_whose_worker_died_is_reclaimed(claim, settings):
    job = create_job(kind=FetchJob.Kind.DISCOVER, claim=claim)
    claim_job(job.pk)
    long_ago = timezone.now() - dt.timedelta(seconds=settings.JOB_LEASE_SECONDS + 1)
    FetchJob.objects.filter(pk=job.pk).update(started_at=long_ago, heartbeat_at=long_ago)
    again, state = claim_job(job.pk)
    assert state == "claimed" and again.attempts == 2


def test_a_job_that_keeps_dying_is_given_up(claim, settings):
    job = create_job(kind=FetchJob.Kind.DISCOVER, claim=claim)
    long_ago = timezone.now() - dt.timedelta(seconds=settings.JOB_LEASE_SECONDS + 1)
    FetchJob.objects.filter(pk=job.pk).update(
        status=Status.RUNNING, attempts=MAX_ATTEMPTS, started_at=long_ago, heartbeat_at=long_ago
    )
    assert claim_job(job.pk) == (None, "gave up")
    job.refresh_from_db()
    assert job.status == Status.FAILED and "gave up" in job.errors[-1]["error"]


def test_a_stale_run_cannot_overwrite_the_next_attempt(claim, settings):
    job = create_job(kind=FetchJob.Kind.DISCOVER, claim=claim)
    old_run, _ = claim_job(job.pk)
    recorder = JobRecorder(old_run)
    FetchJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - dt.timedelta(hours=1))
    claim_job(job.pk)  # attempt 2 takes over
    recorder.set_total(99)
    recorder.finish()
    job.refresh_from_db()
    assert (job.status, job.progress_total, job.attempts) == (Status.RUNNING, 0, 2)


def test_all_providers_failing_transiently_gives_the_job_back_for_a_retry(claim, httpserver, settings):
    settings.DISCOVERY_PROVIDERS = ["feeds"]
    httpserver.expect_request("/down.xml").respond_with_data("busy", status=503)
    FeedFactory(url=httpserver.url_for("/down.xml"))
    job = create_job(kind=FetchJob.Kind.DISCOVER, claim=claim)
    job, _ = claim_job(job.pk)
    # The feed provider records the error and says it failed; that alone is not retried
    # (the provider raised no transient error itself), so this run ends failed.
    finished = run_discovery(job, can_retry=True)
    assert finished.status == Status.FAILED
    assert finished.errors[0]["status"] == 503


def test_a_provider_raising_a_transient_error_is_retried(claim, httpserver, settings):
    settings.DISCOVERY_PROVIDERS = ["wikipedia"]
    settings.DISCOVERY_WIKIPEDIA_API_URL = httpserver.url_for("/{lang}/w/api.php")
    httpserver.expect_request("/no/w/api.php").respond_with_data("busy", status=503)
    job, _ = claim_job(create_job(kind=FetchJob.Kind.DISCOVER, claim=claim).pk)
    with pytest.raises(TransientFetchError):
        run_discovery(job, can_retry=True)
    job.refresh_from_db()
    assert job.status == Status.QUEUED and job.errors[0]["provider"] == "wikipedia"
    # The retry takes it again; without retries left the job ends failed instead of raising.
    job, _ = claim_job(job.pk)
    finished = run_discovery(job, can_retry=False)
    assert finished.status == Status.FAILED and finished.attempts == 2


def test_harvest_job(httpserver):
    serve(httpserver, "/world.xml", "feeds/world_rss.xml")
    feed = FeedFactory(url=httpserver.url_for("/world.xml"))
    job, _ = claim_job(create_job(kind=FetchJob.Kind.HARVEST, feed=feed).pk)
    job, created = run_harvest(job)
    assert job.status == Status.SUCCEEDED and len(created) == 3
    assert job.provider_stats["feeds"]["found"] == 3


def test_harvest_job_for_a_broken_feed_fails_with_the_reason(httpserver):
    serve(httpserver, "/laughs.xml", "feeds/billion_laughs.xml")
    feed = FeedFactory(url=httpserver.url_for("/laughs.xml"))
    job, _ = claim_job(create_job(kind=FetchJob.Kind.HARVEST, feed=feed).pk)
    job, created = run_harvest(job)
    assert job.status == Status.FAILED and created == []
    assert job.errors[0]["type"] == "FeedRejected" and job.errors[0]["permanent"]


def test_a_transient_failure_gives_a_harvest_job_back_while_retries_are_left(httpserver, claim):
    httpserver.expect_request("/busy").respond_with_data("busy", status=503)
    url = httpserver.url_for("/busy")
    harvest_job = create_job(kind=FetchJob.Kind.HARVEST, feed=FeedFactory(url=url))
    job, _ = claim_job(harvest_job.pk)
    with pytest.raises(TransientFetchError):
        run_harvest(job, can_retry=True)
    job.refresh_from_db()
    assert job.status == Status.QUEUED and job.errors[0]["status"] == 503
    # The last try records the error and closes the job instead of raising.
    job, _ = claim_job(harvest_job.pk)
    finished, _created = run_harvest(job, can_retry=False)
    assert finished.status == Status.FAILED and len(finished.errors) == 2


@pytest.mark.django_db
def test_a_fetched_page_is_stored_by_one_update_without_blanking_what_the_row_has():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from claims.discovery.jobs import store_page

    kept = ArticleFactory(author="Feed Author", fetch_error="timed out", text="")
    fetched = timezone.now()
    with CaptureQueriesContext(connection) as ctx:
        stored = store_page(
            kept.pk, {"text": "The page's text.", "author": "", "title": "T" * 900, "fetched_at": fetched}
        )
    assert stored and not store_page(10**9, {"text": "A row that is gone.", "fetched_at": fetched})
    kept.refresh_from_db()
    assert (kept.text, kept.author, kept.fetch_error, len(kept.title)) == ("The page's text.", "Feed Author", "", 500)
    # No read before the write, and no transaction of its own: committed at once in a worker
    # (tests/test_worker_loss.py pins that a page stored is never fetched again).
    assert [q["sql"].split()[0] for q in ctx.captured_queries] == ["UPDATE"]


def test_many_articles_are_upserted_in_a_fixed_number_of_statements_with_the_row_by_row_rules():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from claims.discovery.jobs import upsert_articles

    feed = FeedFactory()
    known = ArticleFactory(url="https://news.example/known", title="Old title", author="Kept Author", text="Kept.")
    entries = [
        ("https://news.example/a", {"title": "A", "summary": "First story."}),
        ("ftp://news.example/b", {"title": "Not a web page"}),
        ("https://news.example/known", {"title": "New title", "author": ""}),
        (f"https://news.example/{'x' * 2100}", {"title": "Too long"}),
        ("https://news.example/a", {"summary": "Listed twice; the later entry fills in."}),
    ]
    entries += [(f"https://news.example/n{i}", {"title": f"Story {i}", "language": "nb"}) for i in range(40)]
    with CaptureQueriesContext(connection) as ctx:
        rows = upsert_articles(entries, provider="feed", feed=feed)
    first = Article.objects.get(url="https://news.example/a")
    assert rows[:5] == [(first.pk, True), None, (known.pk, False), None, (first.pk, False)]
    assert all(created for _pk, created in rows[5:]) and len({pk for pk, _c in rows[5:]}) == 40
    assert (first.title, first.summary, first.provider, first.feed_id) == (
        "A",
        "Listed twice; the later entry fills in.",
        "feed",
        feed.pk,
    )
    known.refresh_from_db()
    # Empty values never blank what the row has; a known row keeps its provider and feed.
    assert (known.title, known.author, known.text) == ("New title", "Kept Author", "Kept.")
    assert Article.objects.get(url="https://news.example/n7").created_at is not None
    # One look-up, the inserts, one read of the new ids and one UPDATE per known URL listed
    # (and the transaction's savepoint), whatever the number of new URLs.
    assert len(ctx.captured_queries) <= 7, [q["sql"][:80] for q in ctx.captured_queries]
    assert upsert_articles(entries[:1], provider="feed", feed=feed) == [(first.pk, False)]

"""Discovery tasks, their enqueueing from services, the beat tasks and the commands (in-process)."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from claims import services, tasks
from claims.discovery.http import TransientFetchError
from claims.exceptions import PreconditionFailed, TransitionForbidden
from claims.models import Article, FetchJob, RelatedArticle
from factcheck.celery import app
from tests.factories import ClaimFactory, FeedFactory
from tests.fixtures.web.server import LOOPBACK, serve

pytestmark = pytest.mark.django_db
Status = FetchJob.Status


@pytest.fixture(autouse=True)
def discovery_settings(settings):
    settings.FETCH_ALLOWED_NETWORKS = LOOPBACK
    settings.DISCOVERY_PROVIDERS = ["article_page", "feeds", "local"]


@pytest.fixture
def sent():
    """Messages published to the in-memory broker during the test, as (task name, args, kwargs)."""
    with app.connection_for_write() as conn:
        for queue in ("fetch", "default"):
            conn.default_channel.queue_purge(queue) if _declared(conn, queue) else None

    def read() -> list[tuple[str, list, dict]]:
        out = []
        with app.connection_for_read() as conn:
            for queue in ("fetch", "default"):
                if not _declared(conn, queue):
                    continue
                simple = conn.SimpleQueue(queue)
                while True:
                    try:
                        message = simple.get(block=False)
                    except simple.Empty:
                        break
                    args, kwargs, _embed = message.decode()
                    out.append((message.headers["task"], args, kwargs, queue))
                    message.ack()
                simple.close()
        return out

    return read


def _declared(conn, queue: str) -> bool:
    try:
        conn.default_channel.queue_declare(queue, passive=True)
    except Exception:
        return False
    return True


@pytest.fixture
def claim():
    return ClaimFactory(
        text="Russland har ingen planer om å invadere Ukraina, sa Lavrov etter møtet med Blinken i Genève.",
        language="nb",
        claim_date=dt.date(2022, 1, 21),
        status="triaged",
    )


@pytest.fixture
def feeds(httpserver):
    serve(httpserver, "/atom.xml", "feeds/utenriks_atom.xml", content_type="application/atom+xml")
    serve(httpserver, "/world.xml", "feeds/world_rss.xml")
    for page in ("geneva_talks_nb.html", "geneva_talks_en.html", "nordic_cp1252_meta.html"):
        serve(httpserver, f"/pages/{page}", f"pages/{page}")
    return [
        FeedFactory(url=httpserver.url_for("/atom.xml"), name="Fjordposten", language="nb"),
        FeedFactory(url=httpserver.url_for("/world.xml"), name="Harbour Times", language="en"),
    ]


def test_task_options_make_losing_work_hard():
    for task in (tasks.discover_related, tasks.harvest_feed, tasks.fetch_article):
        assert task.acks_late and task.reject_on_worker_lost
        assert task.autoretry_for == (TransientFetchError,)
        assert task.retry_backoff and task.retry_jitter and task.max_retries == 3
        assert task.soft_time_limit < task.time_limit
        assert app.amqp.router.route({}, task.name)["queue"].name == "fetch"


def test_beat_schedule(settings):
    schedule = {entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert schedule["claims.tasks.harvest_all_feeds"] == 900
    assert schedule["claims.tasks.recheck_open_claims"] == 3600
    assert schedule["claims.tasks.purge_expired_tokens"] == 86400
    assert schedule["claims.tasks.tip_contacts_purge"] == 86400
    assert schedule["claims.tasks.recover_lost_jobs"] == settings.JOB_SWEEP_SECONDS
    assert schedule["claims.tasks.train_ranker"] == 86400


def test_entering_research_queues_a_discovery_job(claim, reviewer, sent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.claim_transition(claim=claim, user=reviewer, to="in_research")
    job = FetchJob.objects.get(claim=claim)
    assert (job.kind, job.status, job.requested_by) == ("discover", "queued", reviewer)
    assert ("claims.tasks.discover_related", [job.pk], {}, "fetch") in sent()


def test_discovery_request_checks_permission_and_reuses_a_waiting_job(
    claim, reviewer, outsider, sent, django_capture_on_commit_callbacks
):
    with pytest.raises(TransitionForbidden):
        services.discovery_request(claim=claim, user=outsider)
    with django_capture_on_commit_callbacks(execute=True):
        first = services.discovery_request(claim=claim, user=reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        again = services.discovery_request(claim=claim, user=reviewer)
    assert first.pk == again.pk and FetchJob.objects.count() == 1
    assert [name for name, *_ in sent()] == ["claims.tasks.discover_related"]


def test_feed_harvest_request(reviewer, sent, django_capture_on_commit_callbacks):
    feed = FeedFactory()
    with django_capture_on_commit_callbacks(execute=True):
        job = services.feed_harvest_request(feed=feed, user=reviewer)
    assert (job.kind, job.feed) == ("harvest", feed)
    assert sent() == [("claims.tasks.harvest_feed", [job.pk], {}, "fetch")]
    feed.enabled = False
    feed.save()
    with pytest.raises(PreconditionFailed):
        services.feed_harvest_request(feed=feed, user=reviewer)


def test_discover_related_task_runs_a_job(claim, feeds):
    job = services.discovery_job_start(claim_id=claim.pk)
    tasks.discover_related.apply(args=[job.pk]).get()
    job.refresh_from_db()
    assert job.status in {Status.SUCCEEDED, Status.PARTIAL} and job.attempts == 1
    assert RelatedArticle.objects.filter(claim=claim).count() >= 2
    # The same message delivered again does nothing.
    tasks.discover_related.apply(args=[job.pk]).get()
    job.refresh_from_db()
    assert job.attempts == 1


def test_transient_errors_are_retried_then_the_job_fails(claim, httpserver, settings):
    settings.DISCOVERY_PROVIDERS = ["wikipedia"]
    settings.DISCOVERY_WIKIPEDIA_API_URL = httpserver.url_for("/{lang}/w/api.php")
    httpserver.expect_request("/no/w/api.php").respond_with_data("busy", status=503)
    job = services.discovery_job_start(claim_id=claim.pk)
    # Retried eager runs read this setting rather than apply()'s throw argument.
    propagates, app.conf.task_eager_propagates = app.conf.task_eager_propagates, False
    try:
        result = tasks.discover_related.apply(args=[job.pk])
    finally:
        app.conf.task_eager_propagates = propagates
    job.refresh_from_db()
    # Eager retries run at once: one run plus max_retries retries, each one attempt on the job.
    assert len(httpserver.log) == tasks.discover_related.max_retries + 1
    assert (job.status, job.attempts) == (Status.FAILED, tasks.discover_related.max_retries + 1)
    assert all(e["status"] == 503 for e in job.errors if e.get("provider") == "wikipedia")
    assert result.state in {"SUCCESS", "FAILURE"}


def test_harvest_feed_task_queues_page_batches(feeds, sent):
    job = services.harvest_job_start(feed_id=feeds[1].pk)
    sent()
    tasks.harvest_feed.apply(args=[job.pk]).get()
    job.refresh_from_db()
    assert job.status == Status.SUCCEEDED
    batches = [kwargs["article_ids"] for name, _args, kwargs, _q in sent() if name == "claims.tasks.fetch_article"]
    assert sorted(i for batch in batches for i in batch) == sorted(
        Article.objects.filter(feed=feeds[1]).values_list("pk", flat=True)
    )


def test_fetch_article_task_fetches_pages_once(feeds, httpserver):
    from claims.discovery.feeds import harvest

    created = harvest(feeds[0]).created
    tasks.fetch_article.apply(kwargs={"article_ids": created}).get()
    assert all(Article.objects.filter(pk__in=created).values_list("fetched_at", flat=True))
    requests_before = len(httpserver.log)
    tasks.fetch_article.apply(kwargs={"article_ids": created}).get()
    assert len(httpserver.log) == requests_before


def test_harvest_all_feeds_queues_one_job_per_feed_once(sent, django_capture_on_commit_callbacks):
    FeedFactory()
    FeedFactory()
    FeedFactory(enabled=False)
    with django_capture_on_commit_callbacks(execute=True):  # sent once the jobs are committed
        assert tasks.harvest_all_feeds.apply().get() == 2
    assert tasks.harvest_all_feeds.apply().get() == 0  # the first jobs still wait in the queue
    assert FetchJob.objects.filter(kind="harvest").count() == 2
    assert len([m for m in sent() if m[0] == "claims.tasks.harvest_feed"]) == 2


def test_recheck_open_claims(settings, sent):
    stale = ClaimFactory(status="in_research")
    fresh = ClaimFactory(status="in_research")
    never = ClaimFactory(status="in_review")
    new = ClaimFactory(status="new")
    published = ClaimFactory(status="published")
    long_ago = timezone.now() - dt.timedelta(hours=settings.DISCOVERY_RECHECK_HOURS + 1)
    for claim in (stale, fresh, published):
        job = FetchJob.objects.create(kind="discover", claim=claim, status="succeeded")
        if claim is not fresh:
            FetchJob.objects.filter(pk=job.pk).update(created_at=long_ago)
    assert tasks.recheck_open_claims.apply().get() == 2
    queued = set(FetchJob.objects.filter(status="queued").values_list("claim_id", flat=True))
    assert queued == {stale.pk, never.pk}
    assert new.pk not in queued and published.pk not in queued


# --- Commands ---------------------------------------------------------------------------------------


def test_harvest_feeds_command(feeds):
    out, err = StringIO(), StringIO()
    call_command("harvest_feeds", stdout=out, stderr=err)
    assert "Fjordposten: 2 entries, 2 new" in out.getvalue()
    assert "Harbour Times: 3 entries, 3 new" in out.getvalue()
    assert "] 1/1" in err.getvalue()  # the progress bar
    assert Article.objects.filter(fetched_at__isnull=False).count() >= 3
    assert FetchJob.objects.filter(kind="harvest", status="succeeded").count() == 2


def test_harvest_feeds_command_reports_failures(httpserver):
    httpserver.expect_request("/gone.xml").respond_with_data("gone", status=404)
    FeedFactory(url=httpserver.url_for("/gone.xml"), name="Gone Gazette")
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("harvest_feeds", stdout=out, stderr=StringIO())
    assert "Gone Gazette: failed" in out.getvalue()


def test_fetch_related_command(claim, feeds):
    out, err = StringIO(), StringIO()
    call_command("fetch_related", "--claim", str(claim.pk), stdout=out, stderr=err)
    assert f"claim {claim.pk}: " in out.getvalue() and "suggestions" in out.getvalue()
    assert "#" in err.getvalue() and "/" in err.getvalue()
    assert RelatedArticle.objects.filter(claim=claim).exists()
    call_command("fetch_related", "--open", stdout=StringIO(), stderr=StringIO())
    assert FetchJob.objects.filter(claim=claim, kind="discover").count() == 2
    with pytest.raises(CommandError):
        call_command("fetch_related", "--claim", "999999", stdout=StringIO(), stderr=StringIO())

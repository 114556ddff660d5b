"""Two reviewers PATCH the same claim (or its verdict) with the same ETag at the same moment:
one wins, one gets 412, and the history holds one row per accepted write.

The check and the write are one `UPDATE … WHERE version = n` (claims.services.claim_update,
review_save), so this holds even when both requests are in flight together. A verdict is part
of its claim's page and shares the claim's ETag (appearances change only with the claim in the
API; the admin's stale-page saves are in test_admin_concurrency.py). The races need real
concurrent connections, so they run on PostgreSQL (DATABASE_URL=postgres://…/fc_api); the
sequential cases run everywhere.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from claims.models import Review
from tests.factories import ClaimFactory, ReviewFactory, UserFactory
from tests.test_api_support import API, client_for, fresh_throttle_counts  # noqa: F401


def _patch_all(claim, etag, bodies):
    """PATCH from one thread per body, released together; returns the status codes in order."""
    return _together(
        [
            lambda client, body=body: client.patch(f"{API}/claims/{claim.pk}/", body, format="json", HTTP_IF_MATCH=etag)
            for body in bodies
        ]
    )


def _together(requests):
    """Each request (a function of an API client) from its own thread and user, released
    together; returns the status codes in order."""
    users = [UserFactory(username=f"racer{i}", role="Reviewer") for i in range(len(requests))]
    barrier = threading.Barrier(len(requests))
    statuses: list[int | None] = [None] * len(requests)
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            client = client_for(users[i])
            barrier.wait(timeout=10)
            statuses[i] = requests[i](client).status_code
        except BaseException as exc:  # reported in the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(requests))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return statuses


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="a real race needs concurrent PostgreSQL connections")
@pytest.mark.parametrize("attempt", range(5))
def test_concurrent_patches_with_the_same_etag(attempt):
    claim = ClaimFactory(location="Geneva")
    etag = f'"{claim.pk}-{claim.version}"'
    bodies = [{"location": "Moscow"}, {"location": "Kyiv"}]
    statuses = _patch_all(claim, etag, bodies)
    assert sorted(statuses) == [200, 412], statuses
    claim.refresh_from_db()
    winner = bodies[statuses.index(200)]["location"]
    assert claim.location == winner and claim.version == 2
    # The history records exactly one change after the creation.
    assert claim.history.count() == 1 + 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="a real race needs concurrent PostgreSQL connections")
def test_many_concurrent_writers_one_winner():
    claim = ClaimFactory()
    statuses = _patch_all(claim, f'"{claim.pk}-1"', [{"location": f"City {i}"} for i in range(6)])
    assert sorted(statuses) == [200] + [412] * 5
    claim.refresh_from_db()
    assert claim.version == 2


@pytest.mark.django_db
def test_sequential_patches_with_the_same_etag(reviewer, reviewer2):
    claim = ClaimFactory(location="Geneva")
    etag = f'"{claim.pk}-{claim.version}"'
    url = f"{API}/claims/{claim.pk}/"
    first = client_for(reviewer).patch(url, {"location": "Moscow"}, format="json", HTTP_IF_MATCH=etag)
    second = client_for(reviewer2).patch(url, {"location": "Kyiv"}, format="json", HTTP_IF_MATCH=etag)
    assert (first.status_code, second.status_code) == (200, 412)
    claim.refresh_from_db()
    assert claim.location == "Moscow" and claim.version == 2
    third = client_for(reviewer2).patch(url, {"location": "Kyiv"}, format="json", HTTP_IF_MATCH=first["ETag"])
    assert third.status_code == 200


# --- Verdicts: the claim's ETag guards them too ---------------------------------------------------


def race(test):
    """A test with real concurrent requests: PostgreSQL, transactional, the database restored after."""
    for mark in (
        pytest.mark.skipif(connection.vendor != "postgresql", reason="a real race needs concurrent connections"),
        pytest.mark.django_db(transaction=True, serialized_rollback=True),
        pytest.mark.postgres,
    ):
        test = mark(test)
    return test


def _review_patch(review, body, etag=None):
    headers = {"HTTP_IF_MATCH": etag} if etag else {}
    return lambda client: client.patch(f"{API}/reviews/{review.pk}/", body, format="json", **headers)


@pytest.mark.parametrize("attempt", range(3))
@race
def test_concurrent_review_patches_with_the_same_etag(attempt):
    review = ReviewFactory(claim__status="in_research")
    claim = review.claim
    etag = f'"{claim.pk}-{claim.version}"'
    history_before = review.history.count()
    bodies = [{"rationale": f"Writer {i} read the sources."} for i in range(2)]
    statuses = _together([_review_patch(review, body, etag) for body in bodies])
    assert sorted(statuses) == [200, 412], statuses
    review.refresh_from_db()
    claim.refresh_from_db()
    assert review.rationale == bodies[statuses.index(200)]["rationale"]
    assert claim.version == 2
    assert review.history.count() == history_before + 1


@race
def test_concurrent_review_patches_without_if_match_lose_nothing_silently():
    """Without If-Match each writer expects the version it read: a writer that raced another gets
    412, one that came after it wins; the version and the history count the accepted writes."""
    review = ReviewFactory(claim__status="in_research")
    history_before = review.history.count()
    statuses = _together([_review_patch(review, {"rationale": f"Writer {i}"}) for i in range(4)])
    assert set(statuses) <= {200, 412} and 200 in statuses, statuses
    accepted = statuses.count(200)
    review.claim.refresh_from_db()
    assert review.claim.version == 1 + accepted
    assert review.history.count() == history_before + accepted


@race
def test_concurrent_first_drafts_of_one_verdict():
    """Two reviewers post the first draft of one verdict together: one verdict, no 500."""
    claim = ClaimFactory(status="in_research")
    bodies = [{"claim": claim.pk, "rationale": f"Draft {i}"} for i in range(2)]
    statuses = _together(
        [lambda client, body=body: client.post(f"{API}/reviews/", body, format="json") for body in bodies]
    )
    assert 201 in statuses and set(statuses) <= {201, 400, 412}, statuses
    assert Review.objects.filter(claim=claim).count() == 1


@pytest.mark.django_db
def test_review_patch_with_a_stale_etag_is_412(reviewer, reviewer2):
    review = ReviewFactory(claim__status="in_research")
    url = f"{API}/reviews/{review.pk}/"
    read = client_for(reviewer).get(url)
    etag = read["ETag"]
    assert etag == f'"{review.claim.pk}-{review.claim.version}"'
    first = client_for(reviewer).patch(url, {"rationale": "First"}, format="json", HTTP_IF_MATCH=etag)
    second = client_for(reviewer2).patch(url, {"rationale": "Second"}, format="json", HTTP_IF_MATCH=etag)
    assert (first.status_code, second.status_code) == (200, 412)
    review.refresh_from_db()
    assert review.rationale == "First"
    # The claim's ETag moved with the verdict: a claim PATCH from the old read is stale too.
    claim_patch = client_for(reviewer2).patch(
        f"{API}/claims/{review.claim_id}/", {"location": "Oslo"}, format="json", HTTP_IF_MATCH=etag
    )
    assert claim_patch.status_code == 412
    third = client_for(reviewer2).patch(url, {"rationale": "Second"}, format="json", HTTP_IF_MATCH=first["ETag"])
    assert third.status_code == 200

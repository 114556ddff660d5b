"""Two reviewers PATCH the same claim with the same ETag at the same moment: one wins, one gets 412.

The check and the write are one `UPDATE … WHERE version = n` (claims.services.claim_update),
so this holds even when both requests are in flight together. The race needs real
concurrent connections, so it runs on PostgreSQL (DATABASE_URL=postgres://…/fc_api); the
sequential case runs everywhere.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from tests.factories import ClaimFactory, UserFactory
from tests.test_api_support import API, client_for, fresh_throttle_counts  # noqa: F401


def _patch_all(claim, etag, bodies):
    """PATCH from one thread per body, released together; returns the status codes in order."""
    users = [UserFactory(username=f"racer{i}", role="Reviewer") for i in range(len(bodies))]
    barrier = threading.Barrier(len(bodies))
    statuses: list[int | None] = [None] * len(bodies)
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            client = client_for(users[i])
            barrier.wait(timeout=10)
            response = client.patch(f"{API}/claims/{claim.pk}/", bodies[i], format="json", HTTP_IF_MATCH=etag)
            statuses[i] = response.status_code
        except BaseException as exc:  # reported in the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(bodies))]
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

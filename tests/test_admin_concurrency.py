"""Two editors save the same claim page — its verdict or one of its appearances — from pages
loaded at the same version: exactly one save is accepted, the other is shown the page again
with a clear message and what they typed, and the history holds one row per accepted save.

The claim's version (a hidden field of the page) guards the whole page: ClaimAdmin.save_model
checks and bumps it in one `UPDATE … WHERE version = n` before the inlines are saved. The
races need real concurrent connections, so they run on PostgreSQL; the sequential cases
(a page that went stale before it was saved) run everywhere.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection, connections
from django.test import Client

from claims.models import Appearance, Claim, Review
from tests.factories import AppearanceFactory, ClaimFactory, ReviewFactory, UserFactory
from tests.test_admin import change_form_data, change_url

STALE = "changed by someone else"


def _pages(claim: Claim, count: int) -> list[tuple[Client, dict[str, Any]]]:
    """`count` reviewers, each signed in with the claim's change page loaded (same version)."""
    pages = []
    for i in range(count):
        client = Client()
        client.force_login(UserFactory(username=f"editor{i}", role="Reviewer"))
        pages.append((client, change_form_data(client.get(change_url(claim)))))
    return pages


def _appearance_row(data: dict[str, Any], appearance: Appearance) -> int:
    return next(i for i in range(10) if data.get(f"appearances-{i}-id") == str(appearance.pk))


def _post_together(claim: Claim, pages: list[tuple[Client, dict[str, Any]]]) -> list[Any]:
    """POST every page from its own thread, released together; the responses in order."""
    barrier = threading.Barrier(len(pages))
    responses: list[Any] = [None] * len(pages)
    errors: list[BaseException] = []

    def run(i: int) -> None:
        client, data = pages[i]
        try:
            barrier.wait(timeout=10)
            responses[i] = client.post(change_url(claim), data)
        except BaseException as exc:  # reported in the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(pages))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return responses


def _one_accepted(responses: list[Any], typed: list[str]) -> int:
    """Exactly one save redirected; every other page is shown again with the message and its input."""
    codes = [r.status_code for r in responses]
    assert sorted(codes) == [200] * (len(codes) - 1) + [302], codes
    winner = codes.index(302)
    for i, response in enumerate(responses):
        if i != winner:
            page = response.content.decode()
            assert STALE in page and typed[i] in page
    return winner


race = pytest.mark.skipif(connection.vendor != "postgresql", reason="a real race needs concurrent connections")


@race
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("attempt", range(3))
def test_concurrent_saves_of_one_appearance(attempt: int) -> None:
    claim = ClaimFactory()
    appearance = AppearanceFactory(claim=claim, quote="Old quote")
    history_before = appearance.history.count()
    pages = _pages(claim, 2)
    typed = [f"Quote as editor {i} heard it" for i in range(2)]
    for (_client, data), quote in zip(pages, typed, strict=True):
        data[f"appearances-{_appearance_row(data, appearance)}-quote"] = quote
    winner = _one_accepted(_post_together(claim, pages), typed)
    appearance.refresh_from_db()
    assert appearance.quote == typed[winner]
    assert appearance.history.count() == history_before + 1
    assert Claim.objects.get(pk=claim.pk).version == 2


@race
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("attempt", range(3))
def test_concurrent_saves_of_one_verdict(attempt: int) -> None:
    review = ReviewFactory(claim__status="in_research")
    history_before = review.history.count()
    pages = _pages(review.claim, 3)
    typed = [f"Rationale of editor {i}" for i in range(3)]
    for (_client, data), rationale in zip(pages, typed, strict=True):
        data["review-0-rationale"] = rationale
    winner = _one_accepted(_post_together(review.claim, pages), typed)
    review.refresh_from_db()
    assert review.rationale == typed[winner]
    assert review.history.count() == history_before + 1


@pytest.mark.django_db
def test_a_stale_appearance_edit_is_refused_with_a_message() -> None:
    claim = ClaimFactory()
    appearance = AppearanceFactory(claim=claim, quote="Old quote")
    (first, first_data), (second, second_data) = _pages(claim, 2)
    first_data[f"appearances-{_appearance_row(first_data, appearance)}-quote"] = "First save"
    assert first.post(change_url(claim), first_data).status_code == 302
    second_data[f"appearances-{_appearance_row(second_data, appearance)}-quote"] = "Second save, stale page"
    response = second.post(change_url(claim), second_data)
    assert response.status_code == 200
    page = response.content.decode()
    assert STALE in page and "Second save, stale page" in page
    appearance.refresh_from_db()
    assert appearance.quote == "First save"
    assert appearance.history.filter(quote="Second save, stale page").count() == 0


@pytest.mark.django_db
def test_a_stale_verdict_edit_after_an_api_write_is_refused() -> None:
    """The API's verdict writes move the claim's version too, so an admin page loaded before is stale."""
    from claims import services

    review = ReviewFactory(claim__status="in_research")
    ((client, data),) = _pages(review.claim, 1)
    services.review_save(
        claim=review.claim, user=review.author, rationale="Written through the API", expected_version=1
    )
    data["review-0-rationale"] = "Written on the stale page"
    response = client.post(change_url(review.claim), data)
    assert response.status_code == 200 and STALE in response.content.decode()
    assert Review.objects.get(pk=review.pk).rationale == "Written through the API"

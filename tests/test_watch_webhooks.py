"""Webhooks: subscriptions, Standard Webhooks signatures, retries, final answers, disabling, ordering."""

from __future__ import annotations

import json

import pytest
from standardwebhooks.webhooks import Webhook
from werkzeug import Response

from claims import services
from claims.exceptions import ServiceError, TransitionForbidden
from claims.models import Notification, NotificationEvent, WebhookDelivery, WebhookMessage, WebhookSubscription
from claims.services import webhooks as hooks
from claims.watch import webhooks as engine
from claims.workflow import ClaimStatus
from tests.factories import ClaimFactory, ReviewFactory
from tests.fixtures.web.server import LOOPBACK

ALL = ["claim.created", "claim.state_changed", "claim.published", "claim.retracted", "review.updated"]


@pytest.fixture
def receiver(httpserver, settings):
    """A local receiver answering with the statuses in `receiver.answers` (then 200), recording each request."""
    settings.FETCH_ALLOWED_NETWORKS = LOOPBACK
    settings.WEBHOOK_RETRY_DELAYS = [0, 0, 0, 0]

    class Receiver:
        answers: list[int] = []
        requests: list[dict] = []
        url = httpserver.url_for("/hook")

        def handle(self, request):
            self.requests.append(
                {"headers": dict(request.headers), "body": request.get_data(), "json": request.get_json(silent=True)}
            )
            status = self.answers.pop(0) if self.answers else 200
            headers = {"Location": "http://127.0.0.1:1/elsewhere"} if 300 <= status < 400 else {}
            return Response(f"answer {status}", status=status, headers=headers)

    receiver = Receiver()
    receiver.answers, receiver.requests = [], []
    httpserver.expect_request("/hook", method="POST").respond_with_handler(receiver.handle)
    return receiver


def publish(commit, editor, reviewer):
    claim = ReviewFactory(author=reviewer, claim=ClaimFactory(status=ClaimStatus.IN_REVIEW)).claim
    commit(lambda: services.claim_transition(claim=claim, user=editor, to=ClaimStatus.PUBLISHED))
    return claim


@pytest.mark.django_db
def test_subscribing_is_for_admins_and_generates_a_secret(desk_admin, editor, receiver):
    subscription, secret = hooks.webhook_subscribe(user=desk_admin, url=receiver.url, events=["claim.published"])
    assert secret.startswith("whsec_") and engine.valid_secret(secret)
    assert subscription.secret == secret and subscription.owner == desk_admin and subscription.active
    given = "whsec_" + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    _sub, kept = hooks.webhook_subscribe(user=desk_admin, url=receiver.url, events=["claim.created"], secret=given)
    assert kept == given
    with pytest.raises(TransitionForbidden):
        hooks.webhook_subscribe(user=editor, url=receiver.url, events=["claim.published"])
    with pytest.raises(ServiceError) as refused:
        hooks.webhook_subscribe(user=desk_admin, url=receiver.url, events=["claim.exploded"], secret="plain")
    assert set(refused.value.errors) == {"events", "secret"}
    assert WebhookSubscription.objects.count() == 2


@pytest.mark.django_db
def test_a_private_address_is_refused_at_subscription_without_a_connection(desk_admin, settings, monkeypatch):
    settings.FETCH_ALLOWED_NETWORKS = []
    import socket

    def no_connections(*args, **kwargs):
        raise AssertionError("a connection was attempted")

    monkeypatch.setattr(socket, "create_connection", no_connections)
    for url in ("http://10.0.0.5/hook", "http://127.0.0.1:8080/hook", "http://[::1]/hook", "ftp://example.org/"):
        with pytest.raises(ServiceError) as refused:
            hooks.webhook_subscribe(user=desk_admin, url=url, events=["claim.created"])
        assert "url" in refused.value.errors
    assert not WebhookSubscription.objects.exists()


@pytest.mark.django_db
def test_messages_are_signed_so_standard_webhooks_receivers_verify_them(commit, desk_admin, editor, reviewer, receiver):
    _sub, secret = hooks.webhook_subscribe(user=desk_admin, url=receiver.url, events=ALL)
    claim = publish(commit, editor, reviewer)
    types = [r["json"]["type"] for r in receiver.requests]
    assert types == ["claim.state_changed", "claim.published"]
    verifier = Webhook(secret)
    for request in receiver.requests:
        headers = {k.lower(): v for k, v in request["headers"].items()}
        assert headers["webhook-signature"].startswith("v1,")
        verified = verifier.verify(request["body"], headers)
        assert verified["data"]["claim"]["id"] == claim.pk
        assert verified["data"]["claim"]["status"] == "published"
        assert "review" in verified["data"]["claim"]
    # a tampered body or another secret fails verification
    tampered = {k.lower(): v for k, v in receiver.requests[0]["headers"].items()}
    with pytest.raises(Exception, match="signature"):
        verifier.verify(receiver.requests[0]["body"].replace(b"published", b"rejected"), tampered)
    with pytest.raises(Exception, match="signature"):
        Webhook(engine.new_secret()).verify(receiver.requests[0]["body"], tampered)


@pytest.mark.django_db
def test_failures_are_retried_with_the_same_id_until_delivered(commit, desk_admin, reviewer, receiver):
    hooks.webhook_subscribe(user=desk_admin, url=receiver.url, events=["claim.created"])
    receiver.answers = [503, 429]
    commit(lambda: services.claim_create(user=reviewer, text="NATO has promised never to expand.", language="en"))
    assert len(receiver.requests) == 3
    assert len({r["headers"]["Webhook-Id"] for r in receiver.requests}) == 1
    message = WebhookMessage.objects.get()
    assert (message.status, message.attempts) == (WebhookMessage.Status.DELIVERED, 3)
    log = list(message.deliveries.order_by("attempt").values_list("attempt", "status_code", "ok"))
    assert log == [(1, 503, False), (2, 429, False), (3, 200, True)]
    assert message.deliveries.get(attempt=1).response_excerpt == "answer 503"
    assert message.subscription.consecutive_failures == 0


@pytest.mark.django_db
def test_retries_stop_after_the_schedule_and_other_4xx_and_3xx_are_final(
    commit, desk_admin, reviewer, receiver, settings
):
    settings.WEBHOOK_RETRY_DELAYS = [0, 0]
    hooks.webhook_subscribe(user=desk_admin, url=receiver.url, events=["claim.created"])
    receiver.answers = [500, 500, 500, 500]
    commit(lambda: services.claim_create(user=reviewer, text="First claim.", language="en"))
    assert len(receiver.requests) == 3  # one attempt and two retries
    receiver.answers = [400]
    commit(lambda: services.claim_create(user=reviewer, text="Second claim.", language="en"))
    receiver.answers = [302]
    commit(lambda: services.claim_create(user=reviewer, text="Third claim.", language="en"))
    assert len(receiver.requests) == 5  # neither 400 nor 302 was retried, and the redirect was not followed
    statuses = list(WebhookMessage.objects.order_by("id").values_list("status", flat=True))
    assert statuses == ["failed", "failed", "failed"]
    redirect = WebhookDelivery.objects.get(status_code=302)
    assert not redirect.ok and "redirect" in redirect.error
    assert WebhookSubscription.objects.get().consecutive_failures == 3


@pytest.mark.django_db
def test_410_is_final_and_disables_the_subscription_and_tells_its_owner(commit, desk_admin, reviewer, receiver):
    sub, _secret = hooks.webhook_subscribe(user=desk_admin, url=receiver.url, events=["claim.created"])
    receiver.answers = [410]
    commit(lambda: services.claim_create(user=reviewer, text="A claim for a gone receiver.", language="en"))
    sub.refresh_from_db()
    assert not sub.active and "410" in sub.disabled_reason
    assert len(receiver.requests) == 1
    assert Notification.objects.filter(user=desk_admin, event=NotificationEvent.WEBHOOK_DISABLED).count() == 1
    commit(lambda: services.claim_create(user=reviewer, text="Nobody is told of this one.", language="en"))
    assert len(receiver.requests) == 1


@pytest.mark.django_db
def test_a_subscription_is_disabled_after_n_messages_in_a_row_fail(commit, desk_admin, reviewer, receiver, settings):
    settings.WEBHOOK_RETRY_DELAYS = []
    settings.WEBHOOK_DISABLE_AFTER = 3
    sub, _secret = hooks.webhook_subscribe(user=desk_admin, url=receiver.url, events=["claim.created"])
    receiver.answers = [500, 500, 200, 500, 500]
    for n in range(5):
        commit(lambda n=n: services.claim_create(user=reviewer, text=f"Claim number {n}.", language="en"))
        sub.refresh_from_db()
        assert sub.active, "a success in between resets the count"
    receiver.answers = [500]
    commit(lambda: services.claim_create(user=reviewer, text="The third failure in a row.", language="en"))
    sub.refresh_from_db()
    assert not sub.active and sub.consecutive_failures == 3
    assert Notification.objects.filter(user=desk_admin, event=NotificationEvent.WEBHOOK_DISABLED).exists()


@pytest.mark.django_db
def test_an_address_refused_at_delivery_is_not_connected_to(commit, desk_admin, reviewer, receiver, settings):
    hooks.webhook_subscribe(user=desk_admin, url=receiver.url, events=["claim.created"])
    settings.FETCH_ALLOWED_NETWORKS = []  # the receiver's address is no longer allowed
    commit(lambda: services.claim_create(user=reviewer, text="Refused at delivery.", language="en"))
    assert receiver.requests == []
    attempt = WebhookDelivery.objects.get()
    assert attempt.status_code is None and "Refused" in attempt.error
    assert WebhookMessage.objects.get().status == "failed"  # permanent: not retried


@pytest.mark.django_db
def test_messages_about_one_claim_arrive_in_order(
    commit, desk_admin, editor, reviewer, receiver, queued_tasks, django_capture_on_commit_callbacks
):
    hooks.webhook_subscribe(user=desk_admin, url=receiver.url, events=ALL)
    claim = ReviewFactory(author=reviewer, claim=ClaimFactory(status=ClaimStatus.IN_REVIEW)).claim
    receiver.answers = [503, 503]
    # Two events before any worker runs: the second must wait for the first's retries.
    with django_capture_on_commit_callbacks(execute=True):
        services.claim_transition(claim=claim, user=editor, to=ClaimStatus.PUBLISHED)
    with django_capture_on_commit_callbacks(execute=True):
        services.claim_transition(claim=claim, user=editor, to=ClaimStatus.RETRACTED)
    with django_capture_on_commit_callbacks(execute=True):
        queued_tasks.run(only="tasks_watch")
    seen = [r["json"]["type"] for r in receiver.requests]
    assert seen == [
        "claim.state_changed",
        "claim.state_changed",
        "claim.state_changed",
        "claim.published",
        "claim.state_changed",
        "claim.retracted",
    ]
    assert WebhookMessage.objects.filter(status="delivered").count() == 4


@pytest.mark.django_db
def test_admins_can_redeliver_with_the_same_id(commit, desk_admin, editor, reviewer, receiver, queued_tasks):
    hooks.webhook_subscribe(user=desk_admin, url=receiver.url, events=["claim.created"])
    commit(lambda: services.claim_create(user=reviewer, text="Delivered once, then again.", language="en"))
    message = WebhookMessage.objects.get()
    with pytest.raises(TransitionForbidden):
        hooks.webhook_redeliver(user=editor, message=message)
    commit(lambda: hooks.webhook_redeliver(user=desk_admin, message=message))
    assert len(receiver.requests) == 2
    assert receiver.requests[0]["headers"]["Webhook-Id"] == receiver.requests[1]["headers"]["Webhook-Id"]
    assert json.loads(receiver.requests[1]["body"])["type"] == "claim.created"
    assert message.deliveries.count() == 2

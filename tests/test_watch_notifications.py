"""Notifications: desk events → one in-app note per user after commit, e-mails per preference, digests."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import transaction

from claims import services
from claims.exceptions import TransitionForbidden
from claims.models import Notification, NotificationEvent
from claims.services import notifications as notes
from claims.workflow import ClaimStatus
from tests.factories import ClaimFactory, ReviewFactory, UserFactory

E = NotificationEvent


def events_of(user) -> list[str]:
    return list(Notification.objects.filter(user=user).order_by("id").values_list("event", flat=True))


@pytest.mark.django_db
def test_assigning_notifies_the_assignee_once_and_not_the_actor(commit, reviewer, reviewer2):
    claim = ClaimFactory(created_by=reviewer)
    commit(lambda: services.claim_assign(claim=claim, user=reviewer, assignee=reviewer2))
    assert events_of(reviewer2) == [E.ASSIGNED]
    assert events_of(reviewer) == []
    note = Notification.objects.get(user=reviewer2)
    assert note.claim_id == claim.pk
    assert note.url == f"/admin/claims/claim/{claim.pk}/change/"
    assert not note.read
    # assigning yourself tells nobody
    commit(lambda: services.claim_assign(claim=claim, user=reviewer, assignee=reviewer))
    assert events_of(reviewer) == []


@pytest.mark.django_db
def test_workflow_events_reach_each_person_once(commit, reviewer, reviewer2, editor):
    editor2 = UserFactory(username="eva", role="Editor")
    review = ReviewFactory(author=reviewer, claim=ClaimFactory(status=ClaimStatus.IN_RESEARCH, assignee=reviewer2))
    claim = review.claim

    commit(lambda: services.claim_transition(claim=claim, user=reviewer, to=ClaimStatus.IN_REVIEW))
    # editors are asked to review; the assignee hears the state changed; the actor hears nothing
    assert events_of(editor) == [E.REVIEW_REQUESTED]
    assert events_of(editor2) == [E.REVIEW_REQUESTED]
    assert events_of(reviewer2) == [E.STATE_CHANGED]
    assert events_of(reviewer) == []

    commit(
        lambda: services.claim_transition(
            claim=claim, user=editor, to=ClaimStatus.IN_RESEARCH, reason="Needs a second source."
        )
    )
    assert events_of(reviewer)[-1] == E.RETURNED and events_of(reviewer2)[-1] == E.RETURNED
    assert events_of(editor) == [E.REVIEW_REQUESTED]

    commit(lambda: services.claim_transition(claim=claim, user=reviewer, to=ClaimStatus.IN_REVIEW))
    commit(lambda: services.claim_transition(claim=claim, user=editor, to=ClaimStatus.PUBLISHED))
    # publishing is `published`, not also `state_changed`
    assert events_of(reviewer) == [E.RETURNED, E.PUBLISHED]
    assert events_of(reviewer2) == [E.STATE_CHANGED, E.RETURNED, E.STATE_CHANGED, E.PUBLISHED]

    commit(lambda: services.claim_transition(claim=claim, user=editor2, to=ClaimStatus.RETRACTED))
    assert events_of(reviewer)[-1] == E.RETRACTED
    assert events_of(editor)[-1] == E.RETRACTED  # the approver worked on it


@pytest.mark.django_db
def test_a_comment_notifies_the_claims_people_but_not_its_author(commit, reviewer, reviewer2):
    claim = ClaimFactory(created_by=reviewer, assignee=reviewer2)
    commit(lambda: services.comment_create(claim=claim, user=reviewer2, body="The transcript says otherwise."))
    assert events_of(reviewer) == [E.COMMENT]
    assert events_of(reviewer2) == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_nothing_is_notified_when_the_transaction_rolls_back(reviewer, reviewer2, queued_tasks):
    claim = ClaimFactory(created_by=reviewer)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.claim_assign(claim=claim, user=reviewer, assignee=reviewer2)
        services.comment_create(claim=claim, user=reviewer2, body="Rolled back with the request.")
        raise RuntimeError("the request failed")
    assert queued_tasks.run() == []
    assert Notification.objects.count() == 0


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_event_is_processed_after_commit_and_a_redelivered_task_notifies_nobody_twice(
    reviewer, reviewer2, queued_tasks
):
    claim = ClaimFactory(created_by=reviewer)
    with transaction.atomic():
        services.claim_assign(claim=claim, user=reviewer, assignee=reviewer2)
        assert queued_tasks.take() == [], "queued before commit"
    [message] = [m for m in queued_tasks.take() if m[0].endswith("process_event")]
    from factcheck.celery import app

    for _delivery in range(2):  # acks_late: a worker killed after the work redelivers the message
        app.tasks[message[0]].apply(args=message[1], kwargs=message[2], throw=True)
    queued_tasks.run()
    assert events_of(reviewer2) == [E.ASSIGNED]
    assert len(mail.outbox) == 1  # assignments are e-mailed at once by default


@pytest.mark.django_db
def test_preferences_choose_in_app_email_digest_or_off(commit, reviewer, reviewer2):
    claim = ClaimFactory(created_by=reviewer)

    def assign():
        commit(lambda: services.claim_assign(claim=claim, user=reviewer, assignee=None))
        commit(lambda: services.claim_assign(claim=claim, user=reviewer, assignee=reviewer2))

    assign()  # default for assignments: in the workplace and by e-mail at once
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [reviewer2.email]
    assert f"/admin/claims/claim/{claim.pk}/change/" in mail.outbox[0].body

    notes.notification_preference_set(user=reviewer2, event=E.ASSIGNED, delivery="in_app")
    assign()
    assert len(mail.outbox) == 1 and events_of(reviewer2) == [E.ASSIGNED, E.ASSIGNED]

    notes.notification_preference_set(user=reviewer2, event=E.ASSIGNED, delivery="off")
    assign()
    assert events_of(reviewer2) == [E.ASSIGNED, E.ASSIGNED]

    notes.notification_preference_set(user=reviewer2, event=E.ASSIGNED, delivery="digest")
    assign()
    assign()
    assert len(mail.outbox) == 1
    assert Notification.objects.filter(user=reviewer2, email=Notification.Email.DIGEST).count() == 2
    assert notes.notification_digest_send() == 1
    assert len(mail.outbox) == 2
    digest = mail.outbox[1]
    assert digest.to == [reviewer2.email] and "2" in digest.subject
    assert digest.body.count("You were assigned") == 2
    # the digest goes once: the next run has nothing to send
    assert notes.notification_digest_send() == 0
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_bad_preferences_are_refused(reviewer):
    from claims.exceptions import ServiceError

    with pytest.raises(ServiceError):
        notes.notification_preference_set(user=reviewer, event="nonsense", delivery="email")
    with pytest.raises(ServiceError):
        notes.notification_preference_set(user=reviewer, event=E.ASSIGNED, delivery="carrier-pigeon")


@pytest.mark.django_db
def test_a_user_without_an_address_gets_no_email(commit, reviewer):
    mute = UserFactory(username="mute", role="Reviewer", email="")
    claim = ClaimFactory(created_by=reviewer)
    commit(lambda: services.claim_assign(claim=claim, user=reviewer, assignee=mute))
    assert events_of(mute) == [E.ASSIGNED]
    assert mail.outbox == []


@pytest.mark.django_db
def test_mark_read_is_for_the_owner_only_and_read_all_marks_the_rest(commit, reviewer, reviewer2):
    claim = ClaimFactory(created_by=reviewer)
    for body in ("one", "two", "three"):
        commit(lambda body=body: services.comment_create(claim=claim, user=reviewer2, body=body))
    first, *_rest = Notification.objects.filter(user=reviewer).order_by("id")
    with pytest.raises(TransitionForbidden):
        notes.notification_mark_read(user=reviewer2, notification=first)
    notes.notification_mark_read(user=reviewer, notification=first)
    first.refresh_from_db()
    assert first.read
    assert notes.notifications_mark_all_read(user=reviewer) == 2
    assert not Notification.objects.filter(user=reviewer, read_at__isnull=True).exists()


@pytest.mark.django_db
def test_a_failed_job_notifies_whoever_started_it_once(
    reviewer, queued_tasks, settings, django_capture_on_commit_callbacks
):
    from claims.discovery import jobs
    from claims.models import FetchJob
    from claims.tasks import harvest_feed
    from tests.factories import FeedFactory

    settings.FETCH_ALLOWED_NETWORKS = []
    # A private address is refused without a connection: a permanent failure.
    feed = FeedFactory(url="http://10.0.0.7/feed.xml", name="Intranet feed")
    job = jobs.create_job(kind=FetchJob.Kind.HARVEST, feed=feed, user=reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        harvest_feed.apply(args=[job.pk])
    job.refresh_from_db()
    assert job.status == FetchJob.Status.FAILED
    with django_capture_on_commit_callbacks(execute=True):
        harvest_feed.apply(args=[job.pk])  # a redelivery finds the job finished
    queued_tasks.run(only="tasks_watch")
    [failed] = Notification.objects.filter(user=reviewer)
    assert failed.event == E.JOB_FAILED
    assert "Intranet feed" in failed.message

    ok = jobs.create_job(kind=FetchJob.Kind.HARVEST, feed=FeedFactory(url="http://10.0.0.8/x.xml"))
    with django_capture_on_commit_callbacks(execute=True):
        harvest_feed.apply(args=[ok.pk])  # failed too, but nobody started it: nobody to tell
    queued_tasks.run(only="tasks_watch")
    assert Notification.objects.count() == 1

"""Reader tips through the services: counting identical tips, grouping, recording,
attaching, spam, contact retention and the one notice to a consenting tipster."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from claims import services
from claims.exceptions import PreconditionFailed, TransitionForbidden
from claims.intake import tips as engine
from claims.models import Claim, Tip, TipContact
from claims.services import tips as tip_services
from claims.tip_selectors import tip_urls, tips_inbox
from tests.factories import ClaimFactory, ReviewFactory

pytestmark = pytest.mark.django_db

NB = "Statsministeren sa at strømprisen er halvert siden i fjor."


def test_normalised_text_ignores_case_spacing_and_punctuation():
    assert engine.normalize_text("  Strømprisen  ER halvert!!! ") == engine.normalize_text("strømprisen er, halvert")
    assert engine.text_key("Strømprisen er halvert") != engine.text_key("Strømprisen er doblet")


def test_identical_tip_within_a_day_is_one_more_request():
    first = tip_services.tip_receive(text=NB, language="nb")
    second = tip_services.tip_receive(
        text="  statsministeren sa at STRØMPRISEN er halvert siden i fjor ", language="nb"
    )
    assert not first.merged and second.merged
    assert second.tip.pk == first.tip.pk
    assert Tip.objects.count() == 1
    assert Tip.objects.get().requests == 2
    assert Tip.objects.get().text == NB  # stored as the first reader wrote it


def test_same_url_with_similar_text_is_identical_but_other_text_is_not():
    url = "https://video.example.net/watch?v=abc&utm_source=share"
    a = tip_services.tip_receive(text="The minister said power prices were cut in half", url=url, language="en")
    b = tip_services.tip_receive(
        text="Minister claims power prices cut in half!", url="https://video.example.net/watch?v=abc", language="en"
    )
    c = tip_services.tip_receive(text="Completely different: a bridge collapsed in Bergen", url=url, language="en")
    assert b.merged and b.tip.pk == a.tip.pk
    assert not c.merged


def test_an_identical_tip_after_a_day_is_new():
    now = timezone.now()
    tip_services.tip_receive(text=NB, language="nb", now=now - dt.timedelta(hours=25))
    later = tip_services.tip_receive(text=NB, language="nb", now=now)
    assert not later.merged
    assert Tip.objects.count() == 2


def test_invalid_tips_are_refused_with_field_errors():
    with pytest.raises(tip_services.TipInvalid) as caught:
        tip_services.tip_receive(text=" ", url="javascript:alert(1)", contact="not-an-address", language="xx_YY")
    assert set(caught.value.field_errors) == {"text", "url", "contact", "language"}
    with pytest.raises(tip_services.TipInvalid):
        tip_services.tip_receive(text="x" * 5001)
    assert not Tip.objects.exists()


def test_contact_is_kept_apart_from_the_tip():
    receipt = tip_services.tip_receive(text=NB, language="nb", contact="leser@example.no", consent=True)
    contact = TipContact.objects.get()
    assert contact.tip == receipt.tip and contact.consent
    assert "leser@example.no" not in str(Tip.objects.filter(pk=receipt.tip.pk).values().get())


def test_similar_tips_are_grouped_across_languages():
    ClaimFactory(text="Unrelated claim about school lunches in Trondheim", claim_reviewed="School lunches")
    first = tip_services.tip_receive(text="Russland har ingen planer om å invadere Ukraina, sier Lavrov", language="nb")
    second = tip_services.tip_receive(text="Lavrov says Russia has no plans to invade Ukraine", language="en")
    tip_services.tip_triage(tip_id=first.tip.pk)
    tip_services.tip_triage(tip_id=second.tip.pk)
    second.tip.refresh_from_db()
    assert second.tip.group_id == first.tip.pk
    items = list(tips_inbox())
    assert [t.pk for t in items] == [first.tip.pk]
    assert items[0].total_requests == 2


def test_triage_finds_the_best_matching_claim():
    target = ClaimFactory(text="Russia has no plans to invade Ukraine, Lavrov said in Geneva", language="en")
    ClaimFactory(text="The new bridge in Bergen cost twice the budget", claim_reviewed="Bridge costs")
    tip = tip_services.tip_receive(text="Lavrov: Russland har ingen planer om å invadere Ukraina", language="nb").tip
    tip_services.tip_triage(tip_id=tip.pk)
    tip.refresh_from_db()
    assert tip.suggested_claim == target
    assert tip.suggestion_score >= tip_services.MATCH_THRESHOLD


def test_record_as_claim_creates_the_claim_with_the_url_as_appearance(reviewer):
    tip = tip_services.tip_receive(text=NB, url="https://nyheter.example.no/sak/1", language="nb").tip
    tip_services.tip_receive(text=NB, language="nb")
    claim = tip_services.tip_record_as_claim(tip=tip, user=reviewer)
    assert claim.text == NB and claim.language == "nb" and claim.status == "new"
    assert [a.source.url for a in claim.appearances.all()] == ["https://nyheter.example.no/sak/1"]
    assert claim.reader_requests == 2
    tip.refresh_from_db()
    assert tip.status == Tip.Status.RECORDED and tip.claim == claim and tip.handled_by == reviewer
    with pytest.raises(PreconditionFailed):
        tip_services.tip_record_as_claim(tip=tip, user=reviewer)
    # A later identical tip counts on the claim too.
    tip_services.tip_receive(text=NB, language="nb")
    claim.refresh_from_db()
    assert claim.reader_requests == 3


def test_attach_raises_the_claims_count_and_outsiders_may_not(reviewer, outsider):
    claim = ClaimFactory()
    tip = tip_services.tip_receive(text=NB, language="nb").tip
    with pytest.raises(TransitionForbidden):
        tip_services.tip_attach(tip=tip, claim=claim, user=outsider)
    tip_services.tip_attach(tip=tip, claim=claim, user=reviewer)
    claim.refresh_from_db()
    assert claim.reader_requests == 1
    assert Tip.objects.get().status == Tip.Status.ATTACHED


def test_spam_takes_the_group_and_deletes_contacts(reviewer):
    claim = ClaimFactory()
    tip = tip_services.tip_receive(text=NB, language="nb", contact="a@example.no", consent=True).tip
    tip_services.tip_attach(tip=tip, claim=claim, user=reviewer)
    Tip.objects.filter(pk=tip.pk).update(status=Tip.Status.NEW)  # an editor reopened it
    assert tip_services.tips_mark_spam(tips=[tip], user=reviewer) == 1
    tip.refresh_from_db()
    claim.refresh_from_db()
    assert tip.status == Tip.Status.SPAM and tip.claim is None
    assert claim.reader_requests == 0
    assert not TipContact.objects.exists()


@override_settings(TIPS_CONTACT_RETENTION_DAYS=90)
def test_retention_deletes_old_contacts_only(figure):
    now = timezone.now()
    tip_services.tip_receive(text="old tip", contact="old@example.no", consent=True, now=now - dt.timedelta(days=91))
    tip_services.tip_receive(text="new tip", contact="new@example.no", consent=True, now=now - dt.timedelta(days=89))
    assert tip_services.tip_contacts_purge(now=now) == 1
    assert list(TipContact.objects.values_list("email", flat=True)) == ["new@example.no"]
    assert Tip.objects.count() == 2  # the tips themselves stay
    figure("data_kept_deleted", "a reader's contact address is deleted after", 90, "days (TIPS_CONTACT_RETENTION_DAYS)")


def test_retention_task_runs_the_purge():
    from claims import tasks

    tip_services.tip_receive(text="old tip", contact="old@example.no", consent=True)
    TipContact.objects.update(created_at=timezone.now() - dt.timedelta(days=400))
    assert tasks.tip_contacts_purge() == 1
    assert not TipContact.objects.exists()


def _publish(claim: Claim, reviewer, editor) -> None:
    ReviewFactory(claim=claim, author=reviewer)
    Claim.objects.filter(pk=claim.pk).update(status="in_review")
    claim.refresh_from_db()
    services.claim_transition(claim=claim, user=editor, to="published")


def test_consenting_tipster_gets_one_mail_on_publication(reviewer, editor):
    tip = tip_services.tip_receive(text=NB, language="nb", contact="ja@example.no", consent=True).tip
    tip_services.tip_receive(text=NB, language="nb", contact="nei@example.no", consent=False)
    claim = tip_services.tip_record_as_claim(tip=tip, user=reviewer)
    assert tip_services.tips_notify_published(claim_id=claim.pk) == 0  # not published yet
    _publish(claim, reviewer, editor)
    assert tip_services.tips_notify_published(claim_id=claim.pk) == 1
    assert tip_services.tips_notify_published(claim_id=claim.pk) == 0  # once
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ja@example.no"]
    assert f"/factchecks/{claim.slug}/" in message.body
    assert "Takk" in message.body  # written in the tipster's language


def test_file_backend_writes_the_mail(tmp_path, reviewer, editor):
    tip = tip_services.tip_receive(text=NB, language="en", contact="reader@example.org", consent=True).tip
    claim = tip_services.tip_record_as_claim(tip=tip, user=reviewer)
    _publish(claim, reviewer, editor)
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend", EMAIL_FILE_PATH=str(tmp_path)
    ):
        assert tip_services.tips_notify_published(claim_id=claim.pk) == 1
    written = "".join(p.read_text() for p in tmp_path.iterdir())
    assert "To: reader@example.org" in written
    assert f"/factchecks/{claim.slug}/" in written


def test_publishing_enqueues_the_notice(reviewer, editor, django_capture_on_commit_callbacks):
    from tests.test_tasks_on_commit import drain

    drain()
    tip = tip_services.tip_receive(text=NB, language="nb", contact="ja@example.no", consent=True).tip
    claim = tip_services.tip_record_as_claim(tip=tip, user=reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        _publish(claim, reviewer, editor)
    sent = drain("claims.tasks.tips_notify_published")
    assert [m.args for m in sent] == [[claim.pk]]


def test_inbox_lists_urls_of_the_whole_group():
    first = tip_services.tip_receive(
        text="Lavrov says Russia has no plans to invade Ukraine", url="https://a.example/1"
    )
    second = tip_services.tip_receive(
        text="Russia has no plans to invade Ukraine, said Lavrov", url="https://b.example/2"
    )
    tip_services.tip_triage(tip_id=second.tip.pk)
    item = tips_inbox().get()
    assert item.pk == first.tip.pk
    assert tip_urls(item) == ["https://a.example/1", "https://b.example/2"]


def test_the_retention_purge_runs_daily_from_beat(settings):
    schedule = {entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert schedule["claims.tasks.tip_contacts_purge"] == 24 * 60 * 60

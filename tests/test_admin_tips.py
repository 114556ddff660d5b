"""The Tips inbox in the admin: grouped items, the actions, contacts for editors only, and
the readers-asked count on the claim list and page."""

from __future__ import annotations

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

from claims.models import Claim, Tip
from claims.services import tips as tip_services
from tests.factories import ClaimFactory

pytestmark = pytest.mark.django_db
INBOX = "/admin/claims/tip/"
NB = "Ordføreren påsto at bybanen har kostet tre milliarder mer enn planlagt."


def act(client, action: str, tips: list[Tip], **extra):
    data = {"action": action, ACTION_CHECKBOX_NAME: [t.pk for t in tips], **extra}
    return client.post(INBOX, data, follow=True)


def test_the_inbox_shows_one_item_with_its_readers(client, reviewer):
    tip = tip_services.tip_receive(text=NB, url="https://avis.example.no/bybane", language="nb").tip
    tip_services.tip_receive(text=NB.lower(), language="nb")
    client.force_login(reviewer)
    page = client.get(INBOX)
    assert page.status_code == 200
    rows = list(page.context["cl"].result_list)
    assert [r.pk for r in rows] == [tip.pk]
    assert rows[0].total_requests == 2
    assert "https://avis.example.no/bybane" in page.content.decode()


def test_record_as_claim_from_the_inbox(client, reviewer):
    tip = tip_services.tip_receive(text=NB, url="https://avis.example.no/bybane", language="nb").tip
    client.force_login(reviewer)
    act(client, "record_as_claim", [tip])
    claim = Claim.objects.get()
    assert claim.text == NB and claim.reader_requests == 1
    assert claim.appearances.get().source.url == "https://avis.example.no/bybane"
    # Handled tips leave the default (new) view, and are under status=recorded.
    assert list(client.get(INBOX).context["cl"].result_list) == []
    assert [t.pk for t in client.get(INBOX + "?status=recorded").context["cl"].result_list] == [tip.pk]


def test_attach_to_claim_asks_for_the_claim_then_attaches(client, reviewer):
    claim = ClaimFactory()
    tip = tip_services.tip_receive(text=NB, language="nb").tip
    Tip.objects.filter(pk=tip.pk).update(suggested_claim=claim, suggestion_score=0.8)
    client.force_login(reviewer)
    form_page = act(client, "attach_to_claim", [tip])
    assert form_page.context["form"].initial == {"claim": claim.pk}
    act(client, "attach_to_claim", [tip], apply="1", claim=str(claim.pk))
    claim.refresh_from_db()
    assert claim.reader_requests == 1
    assert Tip.objects.get().status == Tip.Status.ATTACHED


def test_spam_is_a_bulk_action(client, reviewer):
    tips = [tip_services.tip_receive(text=f"Kjøp billige klokker nå nummer {n}").tip for n in range(3)]
    client.force_login(reviewer)
    act(client, "mark_spam", tips)
    assert set(Tip.objects.values_list("status", flat=True)) == {Tip.Status.SPAM}


def test_contacts_are_for_editors_only(client, reviewer, editor):
    tip = tip_services.tip_receive(text=NB, contact="leser@example.no", consent=True).tip
    url = f"{INBOX}{tip.pk}/change/"
    client.force_login(reviewer)
    page = client.get(url)
    assert page.status_code == 200 and "leser@example.no" not in page.content.decode()
    client.force_login(editor)
    assert "leser@example.no" in client.get(url).content.decode()


def test_people_outside_the_desk_see_no_inbox(client, outsider):
    tip_services.tip_receive(text=NB)
    client.force_login(outsider)
    assert client.get(INBOX).status_code == 403


def test_claims_list_sorts_by_readers_and_the_claim_page_shows_them(client, reviewer):
    quiet, asked = ClaimFactory(), ClaimFactory()
    for _ in range(3):
        tip_services.tip_receive(text=NB)
    tip_services.tip_attach(tip=Tip.objects.get(), claim=asked, user=reviewer)
    client.force_login(reviewer)
    columns = client.get("/admin/claims/claim/").context["cl"].list_display
    index = list(columns).index("readers")
    ordered = client.get(f"/admin/claims/claim/?o=-{index}").context["cl"].result_list
    assert [c.pk for c in ordered][:2] == [asked.pk, quiet.pk]
    page = client.get(f"/admin/claims/claim/{asked.pk}/change/").content.decode()
    assert "3 readers asked" in page

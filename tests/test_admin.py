"""The admin as the desk uses it: pages per role, the claim page's saves and workflow buttons,
permissions on every path, the dashboard, search, and a changelist that stays cheap."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.admin.widgets import AdminSplitDateTime
from django.contrib.messages import get_messages
from django.db import connection
from django.forms import ModelMultipleChoiceField, MultipleChoiceField
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from claims import services
from claims.admin.paginator import EstimatedCountPaginator
from claims.models import (
    Appearance,
    CandidateClaim,
    Claim,
    Claimant,
    ClaimReviewPage,
    Comment,
    DuplicateSuggestion,
    ExternalReview,
    Feed,
    FetchJob,
    ImportJob,
    LoginLockout,
    Notification,
    Rating,
    Recurrence,
    RelatedArticle,
    Review,
    Source,
    WebhookMessage,
    WebhookSubscription,
)
from claims.services import tips as tip_services
from tests.factories import (
    AppearanceFactory,
    ArticleFactory,
    ClaimantFactory,
    ClaimFactory,
    CommentFactory,
    FeedFactory,
    ReviewFactory,
    SourceFactory,
    UserFactory,
    rating,
)

# --- Helpers (also used by test_admin_actions.py) -----------------------------------------


def _serialize(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "on" if value else None
    if isinstance(value, list | tuple):
        return [str(getattr(v, "pk", v)) for v in value]
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return str(getattr(value, "pk", value))


def _form_fields(form: Any, data: dict[str, Any]) -> None:
    for bound in form:
        if isinstance(bound.field.widget, AdminSplitDateTime):
            value = bound.value()
            if isinstance(value, dt.datetime):
                data[f"{bound.html_name}_0"] = value.date().isoformat()
                data[f"{bound.html_name}_1"] = value.time().isoformat(timespec="seconds")
            continue
        value = bound.value()
        if value in (None, "") and isinstance(bound.field, MultipleChoiceField | ModelMultipleChoiceField):
            value = []
        value = _serialize(value)
        if value is not None:
            data[bound.html_name] = value


def change_form_data(response: Any) -> dict[str, Any]:
    """What a browser would POST back from a rendered admin change/add page, unchanged."""
    data: dict[str, Any] = {}
    _form_fields(response.context["adminform"].form, data)
    for inline in response.context["inline_admin_formsets"]:
        _form_fields(inline.formset.management_form, data)
        for form in inline.formset.forms:
            _form_fields(form, data)
    return data


def messages_of(response: Any) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def change_url(obj: Any) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def changelist_url(model: Any) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


# --- Fixtures ---------------------------------------------------------------------------


@pytest.fixture
def superuser(db):
    return UserFactory(username="sue", is_superuser=True)


@pytest.fixture
def desk_data(db, reviewer):
    """One of everything the admin lists, so every page renders with rows."""
    claim = ClaimFactory(status="in_review", claimant=ClaimantFactory(name="Sergei Lavrov"))
    review = ReviewFactory(claim=claim, author=reviewer)
    AppearanceFactory(claim=claim)
    CommentFactory(claim=claim, author=reviewer)
    other = ClaimFactory()
    feed = FeedFactory()
    article = ArticleFactory(feed=feed)
    RelatedArticle.objects.create(claim=claim, article=article, score=0.8, provider="local")
    CandidateClaim.objects.create(article=article, start=0, end=7, text=article.text[:7], score=0.9, language="en")
    DuplicateSuggestion.objects.create(claim=other, candidate=claim, score=0.9)
    FetchJob.objects.create(kind=FetchJob.Kind.DISCOVER, claim=claim, progress_total=3, progress_done=1)
    page = ClaimReviewPage.objects.create(page_url="https://factcheck.example.org/p/1")
    services.tags_get_or_create(names=["Ukraina"])
    subscription = WebhookSubscription.objects.create(url="https://cms.example/hook", events=["claim.created"])
    WebhookMessage.objects.create(subscription=subscription, msg_id="msg_1", event="claim.created", payload={})
    Recurrence.objects.create(claim=claim, article=article, passage="Repeated.", start=0, end=9, score=0.9)
    tip_services.tip_receive(
        text="A reader asks whether the talks in Geneva ended early", contact="r@example.org", consent=True
    )
    ExternalReview.objects.create(claim=claim, publisher="Another desk", rating_text="Falso", url="https://x.example/c")
    ImportJob.objects.create(filename="claims.csv", payload=b"text,language\n", created_by=UserFactory(username="ed"))
    LoginLockout.objects.create(username="someone", ip_address="198.51.100.1", failures_since_start=2, user_agent="")
    return {"claim": claim, "review": review, "feed": feed, "article": article, "page": page}


ROLES = ["reviewer", "editor", "desk_admin", "superuser"]
# The desk's administrators' pages: reviewers and editors are refused them.
ADMIN_ONLY = {WebhookSubscription, WebhookMessage, LoginLockout}  # lockouts: who failed to sign in from where


def desk_models() -> list[tuple[Any, Any]]:
    return [(m, ma) for m, ma in admin.site._registry.items() if m._meta.app_label == "claims"]


# --- Every page, every role -------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_every_desk_page_renders_for_each_role(client, request, role, desk_data):
    user = request.getfixturevalue(role)
    # Notifications are per user: each role sees its own.
    Notification.objects.create(user=user, event="comment", claim=desk_data["claim"], message="A note", event_key="t")
    client.force_login(user)
    assert client.get(reverse("admin:index")).status_code == 200
    models = desk_models()
    assert len(models) >= 13
    for model, model_admin in models:
        response = client.get(changelist_url(model))
        if model in ADMIN_ONLY and role in ("reviewer", "editor"):
            assert response.status_code == 403, (role, model)
            continue
        assert response.status_code == 200, (role, model)
        obj = model_admin.get_queryset(response.wsgi_request).first()
        assert obj is not None, model
        assert client.get(change_url(obj)).status_code == 200, (role, model)
        add = client.get(reverse(f"admin:claims_{model._meta.model_name}_add"))
        may_add = model_admin.has_add_permission(add.wsgi_request)
        assert add.status_code == (200 if may_add else 403), (role, model)
        if hasattr(model, "history") and hasattr(model_admin, "history_view"):
            history = reverse(f"admin:claims_{model._meta.model_name}_history", args=[obj.pk])
            assert client.get(history).status_code == 200, (role, model)


def test_role_specific_add_rights(client, reviewer, editor, desk_data):
    client.force_login(reviewer)
    assert client.get(reverse("admin:claims_claim_add")).status_code == 200
    assert client.get(reverse("admin:claims_rating_add")).status_code == 403
    assert client.get(reverse("admin:claims_feed_add")).status_code == 403
    client.force_login(editor)
    assert client.get(reverse("admin:claims_feed_add")).status_code == 200
    assert client.get(reverse("admin:claims_review_add")).status_code == 403  # verdicts live on the claim page


def test_outsider_sees_nothing_of_the_desk(client, outsider, desk_data):
    client.force_login(outsider)
    index = client.get(reverse("admin:index"))
    assert index.status_code == 200
    assert b"fc-dashboard" not in index.content
    assert b"/admin/claims/" not in index.content
    for model, _model_admin in desk_models():
        assert client.get(changelist_url(model)).status_code == 403, model
        assert client.get(reverse(f"admin:claims_{model._meta.model_name}_add")).status_code == 403, model
    claim = desk_data["claim"]
    assert client.get(change_url(claim)).status_code == 403
    assert client.get(reverse("admin:claims_claim_history", args=[claim.pk])).status_code == 403
    assert client.get(reverse("admin:app_list", args=["claims"])).status_code == 404
    response = client.post(reverse("admin:claims_claim_transition", args=[claim.pk]), {"to": "published"})
    assert response.status_code == 403
    response = client.post(reverse("admin:claims_claim_assign_me", args=[claim.pk]))
    assert response.status_code == 403
    claim.refresh_from_db()
    assert (claim.status, claim.assignee_id) == ("in_review", None)


def test_anonymous_is_sent_to_login(client, desk_data):
    response = client.get(changelist_url(Claim))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    response = client.post(reverse("admin:claims_claim_transition", args=[desk_data["claim"].pk]), {"to": "published"})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


# --- Workflow buttons ---------------------------------------------------------------------


def _buttons(response: Any) -> set[str]:
    return {b["target"] for b in response.context["workflow_buttons"]}


def test_buttons_show_only_the_transitions_the_user_may_make(client, reviewer, editor, reviewed_claim):
    new_claim = ClaimFactory(status="new")
    client.force_login(reviewer)
    assert _buttons(client.get(change_url(new_claim))) == {"triaged", "rejected"}
    page = client.get(change_url(reviewed_claim))
    assert _buttons(page) == set()
    assert b"Approve and publish" not in page.content
    client.force_login(editor)
    page = client.get(change_url(reviewed_claim))
    assert _buttons(page) == {"in_research", "published"}
    assert b"Approve and publish" in page.content
    assert b"Return to research" in page.content


def test_reviewer_forged_publish_is_refused_with_a_message(client, reviewer, reviewed_claim):
    client.force_login(reviewer)
    url = reverse("admin:claims_claim_transition", args=[reviewed_claim.pk])
    response = client.post(url, {"to": "published"}, follow=True)
    assert response.status_code == 200
    assert any("may not move" in m for m in messages_of(response))
    reviewed_claim.refresh_from_db()
    assert reviewed_claim.status == "in_review"
    assert reviewed_claim.review.approver_id is None


def test_editor_publishes_with_the_button(client, editor, reviewed_claim):
    client.force_login(editor)
    response = client.post(
        reverse("admin:claims_claim_transition", args=[reviewed_claim.pk]), {"to": "published"}, follow=True
    )
    assert response.redirect_chain[-1][0] == change_url(reviewed_claim)
    reviewed_claim.refresh_from_db()
    assert reviewed_claim.status == "published"
    assert reviewed_claim.review.approver == editor
    assert b"fc-status-published" in response.content
    assert reviewed_claim.history.first().history_user == editor


def test_publish_blockers_show_as_messages_and_change_nothing(client, editor, reviewer):
    claim = ClaimFactory(status="in_review")
    ReviewFactory(claim=claim, author=reviewer, evidence=[], rationale="")
    client.force_login(editor)
    page = client.get(change_url(claim))
    hints = next(b["hints"] for b in page.context["workflow_buttons"] if b["target"] == "published")
    assert len(hints) == 2  # the page says what is missing before anyone presses the button
    version = claim.version
    response = client.post(reverse("admin:claims_claim_transition", args=[claim.pk]), {"to": "published"}, follow=True)
    texts = messages_of(response)
    assert any("no rationale" in m for m in texts) and any("no evidence" in m for m in texts)
    claim.refresh_from_db()
    assert (claim.status, claim.version) == ("in_review", version)


def test_transition_to_an_unknown_state_or_by_get_is_refused(client, editor, reviewed_claim):
    client.force_login(editor)
    url = reverse("admin:claims_claim_transition", args=[reviewed_claim.pk])
    assert client.get(url).status_code == 405
    response = client.post(url, {"to": "bogus"}, follow=True)
    assert any("not a workflow state" in m for m in messages_of(response))
    response = client.post(url, {"to": "new"}, follow=True)
    assert any("cannot be moved" in m for m in messages_of(response))
    reviewed_claim.refresh_from_db()
    assert reviewed_claim.status == "in_review"


def test_assign_to_me_button(client, reviewer, claim):
    client.force_login(reviewer)
    assert client.get(change_url(claim)).context["can_assign_to_me"] is True
    assert client.get(reverse("admin:claims_claim_assign_me", args=[claim.pk])).status_code == 405
    response = client.post(reverse("admin:claims_claim_assign_me", args=[claim.pk]), follow=True)
    claim.refresh_from_db()
    assert claim.assignee == reviewer
    assert response.context["can_assign_to_me"] is False
    assert any("your queue" in m for m in messages_of(response))


# --- Saving the claim page through the services -------------------------------------------------


def test_add_claim_goes_through_the_service(client, reviewer):
    client.force_login(reviewer)
    page = client.get(reverse("admin:claims_claim_add"))
    data = change_form_data(page)
    claimant = ClaimantFactory(name="Maria Zakharova")
    source = SourceFactory(url="https://news.example/geneva-talks")
    data.update(
        {
            "text": "Russia has no intention of attacking Ukraine, a ministry spokeswoman said.",
            "claim_reviewed": "Russia has no plan to attack Ukraine",
            "language": "en",
            "claimant": str(claimant.pk),
            "claim_date": "2022-01-21",
            "priority": "3",
            "appearances-0-source": str(source.pk),
            "appearances-0-quote": "No plans to attack",
            "appearances-0-is_first_appearance": "on",
        }
    )
    response = client.post(reverse("admin:claims_claim_add"), data)
    assert response.status_code == 302, response.context and response.context["errors"]
    claim = Claim.objects.get(claim_reviewed="Russia has no plan to attack Ukraine")
    assert claim.created_by == reviewer and claim.status == "new" and claim.slug
    assert claim.history.first().history_user == reviewer
    appearance = claim.appearances.get()
    assert appearance.source == source and appearance.is_first_appearance
    assert "Maria Zakharova" in Claim.objects.values_list("search_extra", flat=True).get(pk=claim.pk)


def test_change_claim_bumps_version_and_records_who(client, reviewer, claim):
    client.force_login(reviewer)
    data = change_form_data(client.get(change_url(claim)))
    data["location"] = "Geneva"
    response = client.post(change_url(claim), data)
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.location == "Geneva" and claim.version == 2
    latest = claim.history.first()
    assert latest.history_user == reviewer and latest.location == "Geneva"


def test_status_cannot_be_changed_through_the_form(client, editor, claim):
    client.force_login(editor)
    data = change_form_data(client.get(change_url(claim)))
    data["status"] = "published"
    data["claim_reviewed"] = "Edited summary"
    assert client.post(change_url(claim), data).status_code == 302
    claim.refresh_from_db()
    assert claim.claim_reviewed == "Edited summary" and claim.status == "new"


def test_stale_page_is_refused_and_keeps_the_input(client, reviewer, reviewer2, claim):
    client.force_login(reviewer)
    data = change_form_data(client.get(change_url(claim)))
    services.claim_update(claim=claim, user=reviewer2, data={"location": "Oslo"})  # someone else saves first
    data["location"] = "Geneva"
    response = client.post(change_url(claim), data)
    assert response.status_code == 200
    assert "changed by someone else" in str(response.context["adminform"].form.non_field_errors())
    assert response.context["adminform"].form["location"].value() == "Geneva"
    claim.refresh_from_db()
    assert claim.location == "Oslo"


def test_reviewer_drafts_the_verdict_and_comments(client, reviewer):
    claim = ClaimFactory(status="in_research")
    evidence = SourceFactory()
    client.force_login(reviewer)
    data = change_form_data(client.get(change_url(claim)))
    data.update(
        {
            "review-0-rating": str(rating("false").pk),
            "review-0-headline": "Troops were massing",
            "review-0-rationale": "Satellite pictures showed the build-up.",
            "review-0-evidence": [str(evidence.pk)],
            "new_comment": "Ask the ministry for the transcript.",
        }
    )
    assert client.post(change_url(claim), data).status_code == 302
    review = Review.objects.get(claim=claim)
    assert review.author == reviewer and review.rating.slug == "false"
    assert list(review.evidence.all()) == [evidence]
    assert review.history.first().history_user == reviewer
    comment = Comment.objects.get(claim=claim)
    assert comment.author == reviewer and "transcript" in comment.body
    page = client.get(change_url(claim))
    assert b"Ask the ministry for the transcript." in page.content
    assert _buttons(page) == {"in_review", "rejected"}


def test_live_verdict_is_read_only_for_reviewers_and_editable_for_editors(client, reviewer, editor, reviewed_claim):
    services.claim_transition(claim=reviewed_claim, user=editor, to="published")
    client.force_login(reviewer)
    page = client.get(change_url(reviewed_claim))
    review_inline = next(i for i in page.context["inline_admin_formsets"] if i.formset.model is Review)
    assert not review_inline.has_change_permission
    data = change_form_data(page)
    data["review-0-rationale"] = "Forged change"
    client.post(change_url(reviewed_claim), data)
    assert Review.objects.get(claim=reviewed_claim).rationale != "Forged change"

    # Editors too: a live verdict changes through "Publish an update / correction", with a note.
    client.force_login(editor)
    page = client.get(change_url(reviewed_claim))
    review_inline = next(i for i in page.context["inline_admin_formsets"] if i.formset.model is Review)
    assert not review_inline.has_change_permission
    assert page.context["correction"] is not None
    data = change_form_data(page)
    data["review-0-rationale"] = "Silent change"
    client.post(change_url(reviewed_claim), data)
    assert Review.objects.get(claim=reviewed_claim).rationale != "Silent change"


def test_verdict_of_a_rejected_claim_is_not_editable(client, reviewer, reviewed_claim, editor):
    """The page mirrors review_save's rule; a stale page's edit is ignored, not a 500."""
    client.force_login(editor)
    data = change_form_data(client.get(change_url(reviewed_claim)))
    # Meanwhile the claim is returned and rejected; the editor's open page is now out of date.
    services.claim_transition(claim=reviewed_claim, user=editor, to="in_research", reason="More sources.")
    services.claim_transition(claim=reviewed_claim, user=reviewer, to="rejected", reason="Not checkable.")
    data["review-0-rationale"] = "Late edit"
    data["expected_version"] = str(Claim.objects.get(pk=reviewed_claim.pk).version)
    client.post(change_url(reviewed_claim), data)
    assert Review.objects.get(claim=reviewed_claim).rationale != "Late edit"
    page = client.get(change_url(reviewed_claim))
    review_inline = next(i for i in page.context["inline_admin_formsets"] if i.formset.model is Review)
    assert not review_inline.has_change_permission


def test_stale_verdict_edit_is_refused_as_a_form_error(client, reviewer, reviewer2):
    """Only the verdict changed, but on a page loaded before someone else saved: refused, kept."""
    claim = ClaimFactory(status="in_research")
    client.force_login(reviewer)
    data = change_form_data(client.get(change_url(claim)))
    services.claim_assign(claim=claim, user=reviewer2, assignee=reviewer2)
    data.update({"review-0-rating": str(rating("false").pk), "review-0-rationale": "Drafted on a stale page"})
    response = client.post(change_url(claim), data)
    assert response.status_code == 200
    assert "changed by someone else" in response.content.decode()
    assert "Drafted on a stale page" in response.content.decode()  # the input is kept
    assert not Review.objects.filter(claim=claim).exists()


def test_appearances_are_added_edited_and_removed(client, reviewer, claim):
    first = AppearanceFactory(claim=claim, quote="Old quote", is_first_appearance=True)
    second = AppearanceFactory(claim=claim, quote="Another")
    new_source = SourceFactory()
    client.force_login(reviewer)
    data = change_form_data(client.get(change_url(claim)))
    rows = {data[f"appearances-{i}-id"]: i for i in range(2)}
    i_first, i_second = rows[str(first.pk)], rows[str(second.pk)]
    data[f"appearances-{i_first}-quote"] = "Corrected quote"
    data.pop(f"appearances-{i_first}-is_first_appearance", None)
    data[f"appearances-{i_second}-DELETE"] = "on"
    data["appearances-2-source"] = str(new_source.pk)
    data["appearances-2-is_first_appearance"] = "on"
    response = client.post(change_url(claim), data)
    assert response.status_code == 302, response.context and response.context["errors"]
    first.refresh_from_db()
    assert first.quote == "Corrected quote" and not first.is_first_appearance
    assert not Appearance.objects.filter(pk=second.pk).exists()
    assert claim.appearances.get(source=new_source).is_first_appearance
    assert first.history.first().history_user == reviewer


def test_delete_claim_goes_through_the_service(client, editor):
    claim = ClaimFactory()
    client.force_login(editor)
    response = client.post(reverse("admin:claims_claim_delete", args=[claim.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Claim.objects.filter(pk=claim.pk).exists()
    assert Claim.history.filter(id=claim.pk, history_type="-").get().history_user == editor


def test_history_shows_who_and_what_changed(client, reviewer, editor, claim):
    services.claim_update(claim=claim, user=reviewer, data={"location": "Geneva"})
    client.force_login(editor)
    response = client.get(reverse("admin:claims_claim_history", args=[claim.pk]))
    content = response.content.decode()
    assert response.status_code == 200
    assert "rita" in content and "Geneva" in content and "Location:" in content
    # History is for reading: no revert through the model form.
    version = claim.history.first().history_id
    url = reverse("admin:claims_claim_simple_history", args=[claim.pk, version])
    assert client.get(url).status_code == 200
    assert client.post(url, {"location": "X"}).status_code == 403


# --- Dashboard ---------------------------------------------------------------------------


def test_dashboard_counts_and_queue(client, reviewer, django_assert_max_num_queries):
    ClaimFactory.create_batch(3, status="new")
    ClaimFactory.create_batch(2, status="published")
    mine = ClaimFactory(status="in_research", assignee=reviewer, claim_reviewed="Mine to check")
    ClaimFactory(status="published", assignee=reviewer, claim_reviewed="Done already")
    client.force_login(reviewer)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("admin:index"))
    content = response.content.decode()
    assert 'id="fc-dashboard"' in content
    tiles = {
        m.group(1): int(m.group(2))
        for m in re.finditer(r'data-status="(\w+)">\s*<span class="fc-tile-count">(\d+)<', content)
    }
    assert tiles["new"] == 3 and tiles["published"] == 3 and tiles["in_research"] == 1 and tiles["rejected"] == 0
    assert "?status__exact=published" in content
    assert "Mine to check" in content and change_url(mine) in content
    assert "Done already" not in content


def test_quick_filters(client, reviewer, reviewer2):
    mine = ClaimFactory(status="triaged", assignee=reviewer)
    ClaimFactory(status="published", assignee=reviewer)
    theirs = ClaimFactory(status="triaged", assignee=reviewer2)
    loose = ClaimFactory(status="new")
    client.force_login(reviewer)
    rows = client.get(changelist_url(Claim) + "?queue=mine").context["cl"].result_list
    assert [c.pk for c in rows] == [mine.pk]
    rows = client.get(changelist_url(Claim) + "?queue=unassigned").context["cl"].result_list
    assert [c.pk for c in rows] == [loose.pk]
    rows = client.get(changelist_url(Claim) + f"?assignee={reviewer2.pk}").context["cl"].result_list
    assert [c.pk for c in rows] == [theirs.pk]


def test_list_filters_work_without_duplicates(client, editor, reviewer):
    claim = ClaimFactory(status="in_review", language="nb")
    ReviewFactory(claim=claim, author=reviewer)
    claim.tags.set(services.tags_get_or_create(names=["Ukraina", "NATO"]))
    ClaimFactory(language="en")
    client.force_login(editor)
    for query in ("?rating=false", "?lang=nb", f"?claimant={claim.claimant_id}", "?tag=ukraina", "?priority__exact=2"):
        response = client.get(changelist_url(Claim) + query)
        assert response.status_code == 200, query
        pks = [c.pk for c in response.context["cl"].result_list]
        assert pks.count(claim.pk) == 1, query
    assert client.get(changelist_url(Claim) + "?rating=none").context["cl"].result_count == 1


# --- A list that stays cheap -------------------------------------------------------------


def _changelist_queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_changelist_query_count_does_not_grow_with_rows(client, reviewer, editor):
    def make(n: int) -> None:
        for i in range(n):
            claim = ClaimFactory(assignee=reviewer if i % 2 else editor, status="in_review")
            if i % 3:
                ReviewFactory(claim=claim, author=reviewer)
            claim.tags.set(services.tags_get_or_create(names=["Ukraina"]))

    client.force_login(editor)
    url = changelist_url(Claim)
    client.get(url)  # a session's first admin page also reads the member's language preference once
    make(5)
    small = _changelist_queries(client, url)
    make(55)
    large = _changelist_queries(client, url)
    assert len(client.get(url).context["cl"].result_list) == 50
    assert small == large
    filtered = url + "?status__exact=in_review&rating=false&q=invade"
    assert _changelist_queries(client, filtered) == _changelist_queries(client, filtered + "&o=3")


def test_changelist_does_not_run_distinct_or_full_counts(client, editor):
    ClaimFactory.create_batch(3)
    client.force_login(editor)
    with CaptureQueriesContext(connection) as ctx:
        client.get(changelist_url(Claim) + "?q=Russia")
    claim_sql = [q["sql"] for q in ctx.captured_queries if "claims_claim" in q["sql"]]
    assert not any("DISTINCT" in sql.upper() for sql in claim_sql)
    counts = [sql for sql in claim_sql if "COUNT(" in sql.upper()]
    assert counts and all("LIMIT" in sql.upper() for sql in counts)
    selected_columns = [sql.split(" FROM ")[0] for sql in claim_sql]
    assert not any("search_vector" in cols or "search_extra" in cols for cols in selected_columns)


def test_paginator_caps_filtered_counts(db):
    ClaimFactory.create_batch(7)

    class Small(EstimatedCountPaginator):
        cap = 5

    paginator = Small(Claim.objects.filter(status="new").order_by("pk"), 2)
    assert paginator.count == 6 and paginator.is_capped and not paginator.is_estimate
    exact = Small(Claim.objects.filter(status="new", pk__lte=Claim.objects.order_by("pk")[2].pk).order_by("pk"), 2)
    assert exact.count == 3 and not exact.is_capped


@pytest.mark.postgres
def test_paginator_uses_the_planner_estimate_on_postgresql(db):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    ClaimFactory.create_batch(12)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE claims_claim")

    class Small(EstimatedCountPaginator):
        cap = 5

    paginator = Small(Claim.objects.order_by("-updated_at"), 5)
    assert paginator.is_estimate is False
    assert paginator.count >= 6 and paginator.is_estimate
    filtered = Small(Claim.objects.filter(status="new").order_by("pk"), 5)
    assert filtered.count == 6 and filtered.is_capped


# --- Search ------------------------------------------------------------------------------


def _search(client: Any, term: str) -> list[int]:
    response = client.get(changelist_url(Claim), {"q": term})
    assert response.status_code == 200
    return [c.pk for c in response.context["cl"].result_list]


@pytest.fixture
def searchable(db, reviewer):
    geneva = services.claim_create(
        user=reviewer,
        text="Moscow says it has no plans whatsoever to invade its neighbour.",
        claim_reviewed="Russia denies invasion plans",
        language="en",
        claimant="Sergei Lavrov",
        appearances=[
            services.AppearanceInput(url="https://news.example/geneva?utm_source=feed", quote="No plans at all"),
            services.AppearanceInput(url="https://other.example/geneva-talks", quote="no plans"),
        ],
    )
    vaccine = services.claim_create(
        user=reviewer, text="The vaccine changes your DNA.", language="en", claimant="Anonymous poster"
    )
    return {"geneva": geneva, "vaccine": vaccine}


def test_search_by_words_claimant_and_source_url(client, editor, searchable):
    client.force_login(editor)
    geneva, vaccine = searchable["geneva"].pk, searchable["vaccine"].pk
    assert _search(client, "invade") == [geneva]
    assert _search(client, "lavrov") == [geneva]
    assert _search(client, "vaccine DNA") == [vaccine]
    assert _search(client, "no plans") == [geneva]  # matches two quotes, listed once
    assert _search(client, "https://news.example/geneva?utm_source=other") == [geneva]
    assert _search(client, "https://news.example/elsewhere") == []
    # The same link pasted without https, with "www." or a trailing slash.
    assert _search(client, "http://www.other.example/geneva-talks/") == [geneva]
    assert _search(client, "www.other.example/geneva-talks") == [geneva]
    assert _search(client, "nothing-matches-this") == []


@pytest.mark.postgres
def test_full_text_search_on_postgresql(client, editor, searchable):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    client.force_login(editor)
    geneva = searchable["geneva"].pk
    assert _search(client, "invading") == [geneva]  # stemmed: invade/invading
    assert _search(client, "denied") == [geneva]
    assert _search(client, "Lavrov plans") == [geneva]
    assert _search(client, "https://other.example/geneva-talks") == [geneva]


def test_source_autocomplete_finds_pasted_urls(client, reviewer):
    source = SourceFactory(url="https://news.example/a-long-article")
    SourceFactory(title="Unrelated")
    client.force_login(reviewer)
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "claims", "model_name": "review", "field_name": "evidence", "term": source.url + "?utm_medium=x"},
    )
    assert response.status_code == 200
    assert [r["id"] for r in response.json()["results"]] == [str(source.pk)]


# --- Other admins save through the services ------------------------------------------------


def test_source_add_normalises_the_url(client, reviewer):
    client.force_login(reviewer)
    data = change_form_data(client.get(reverse("admin:claims_source_add")))
    data.update({"url": "HTTPS://News.Example/story?utm_source=x", "title": "A story"})
    assert client.post(reverse("admin:claims_source_add"), data).status_code == 302
    assert Source.objects.get(title="A story").url == "https://news.example/story"


def test_rating_scale_is_editable_in_the_list(client, desk_admin):
    false = rating("false")
    client.force_login(desk_admin)
    page = client.get(changelist_url(type(false)))
    formset = page.context["cl"].formset
    data = {}
    _form_fields(formset.management_form, data)
    for form in formset.forms:
        _form_fields(form, data)
        if form.instance.pk == false.pk:
            data[f"{form.prefix}-label_en"] = "Wrong"
    data["_save"] = "Save"
    response = client.post(changelist_url(type(false)), data)
    assert response.status_code == 302
    false.refresh_from_db()
    assert false.label_en == "Wrong"
    assert false.history.first().history_user == desk_admin


def test_audit_trail_covers_claim_verdict_and_appearances(client, reviewer, editor, outsider):
    claim = ClaimFactory(status="in_research")
    services.claim_assign(claim=claim, user=reviewer, assignee=reviewer)
    services.review_save(claim=claim, user=reviewer, rating=rating("false"), rationale="Troops were massing.")
    services.appearance_add(
        user=reviewer, claim=claim, item=services.AppearanceInput(url="https://news.example/x", quote="No plans")
    )
    url = reverse("admin:claims_claim_audit", args=[claim.pk])
    client.force_login(editor)
    assert url in client.get(change_url(claim)).content.decode()
    content = client.get(url).content.decode()
    for expected in ("Verdict", "Appearance", "Rationale:", "Troops were massing.", "False", "Assignee:", "rita"):
        assert expected in content, expected
    # Choice fields show their labels, not the stored codes.
    assert "In research" in content
    assert "in_research" not in content
    client.force_login(outsider)
    assert client.get(url).status_code == 403


def test_big_lists_offer_no_facet_counts(client, editor):
    ClaimFactory()
    client.force_login(editor)
    response = client.get(changelist_url(Claim) + "?_facets=True")
    assert response.status_code == 200
    assert b"Show counts" not in response.content


def test_feeds_are_added_and_changed_through_the_service(client, editor):
    client.force_login(editor)
    add = reverse("admin:claims_feed_add")
    data = change_form_data(client.get(add))
    data.update({"url": "https://wire.example/world.rss", "name": "Wire: world", "language": "en", "enabled": "on"})
    assert client.post(add, data).status_code == 302
    feed = Feed.objects.get(url="https://wire.example/world.rss")
    assert (feed.name, feed.language, feed.enabled) == ("Wire: world", "en", True)

    data = change_form_data(client.get(change_url(feed)))
    data["name"] = "Wire: Europe"
    data.pop("enabled", None)  # an unticked box is not posted
    assert client.post(change_url(feed), data).status_code == 302
    feed.refresh_from_db()
    assert (feed.name, feed.url, feed.enabled) == ("Wire: Europe", "https://wire.example/world.rss", False)


def test_claimants_and_ratings_are_added_through_the_services(client, superuser):
    client.force_login(superuser)
    add = reverse("admin:claims_claimant_add")
    data = change_form_data(client.get(add))
    data.update({"name": "Dmitry Peskov", "kind": "person", "job_title": "Kremlin spokesman"})
    assert client.post(add, data).status_code == 302
    claimant = Claimant.objects.get(name="Dmitry Peskov")
    assert claimant.job_title == "Kremlin spokesman"
    assert claimant.history.first().history_user == superuser

    add = reverse("admin:claims_rating_add")
    data = change_form_data(client.get(add))
    data.update({"slug": "half-true", "label_en": "Half true", "label_nb": "Delvis sant", "order": "35"})
    assert client.post(add, data).status_code == 302
    rating = Rating.objects.get(slug="half-true")
    assert (rating.label_nb, rating.order, rating.is_active) == ("Delvis sant", 35, True)


def test_suggestion_statuses_change_only_through_the_services(client, editor):
    """Setting "merged" in a plain form would skip the merge itself; those admins are read-only."""
    claim, candidate = ClaimFactory(), ClaimFactory()
    suggestion = DuplicateSuggestion.objects.create(claim=claim, candidate=candidate, score=0.9)
    client.force_login(editor)
    url = change_url(suggestion)
    assert client.get(url).status_code == 200  # readable
    response = client.post(url, {"claim": claim.pk, "candidate": candidate.pk, "status": "merged"})
    assert response.status_code == 403
    suggestion.refresh_from_db()
    assert suggestion.status == "suggested"


def test_two_verdict_only_saves_of_the_same_page_cannot_both_win(client, reviewer, reviewer2):
    """Two reviewers open the page; each changes only the verdict. The second save is refused."""
    claim = ClaimFactory(status="in_research")
    ReviewFactory(claim=claim, author=reviewer, rationale="Old draft")
    client.force_login(reviewer)
    first = change_form_data(client.get(change_url(claim)))
    client.force_login(reviewer2)
    second = change_form_data(client.get(change_url(claim)))

    first.update({"review-0-rating": str(rating("false").pk), "review-0-rationale": "First draft"})
    client.force_login(reviewer)
    assert client.post(change_url(claim), first).status_code == 302

    second.update({"review-0-rating": str(rating("true").pk), "review-0-rationale": "Second draft"})
    client.force_login(reviewer2)
    response = client.post(change_url(claim), second)
    assert response.status_code == 200
    assert "changed by someone else" in response.content.decode()
    assert Review.objects.get(claim=claim).rationale == "First draft"

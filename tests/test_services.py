"""The write services: validation, permissions, normalisation and optimistic locking."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims import services
from claims.exceptions import PreconditionFailed, ServiceError, TransitionForbidden, VersionConflict
from claims.models import Appearance, Claim, Claimant, DuplicateSuggestion, Source
from claims.services.reference import source_for_url
from claims.urlnorm import normalize_url, url_variants
from tests.factories import ClaimantFactory, ClaimFactory, ReviewFactory, rating


@pytest.mark.django_db
class TestClaimCreate:
    def test_full_claim(self, reviewer):
        claim = services.claim_create(
            user=reviewer,
            text="Russland har samlet store styrker nær grensen til Ukraina.",
            claim_reviewed="Russland har samlet styrker ved grensen",
            language="nb",
            claimant="Russlands forsvarsdepartement",
            appearances=[
                services.AppearanceInput(
                    url="https://nyheter.example/a", quote="store styrker", is_first_appearance=True
                ),
                services.AppearanceInput(url="https://nyheter.example/b"),
            ],
            tags=["Ukraina", "Russland", "ukraina"],
        )
        assert claim.status == "new"
        assert claim.created_by == reviewer
        assert claim.slug.startswith("russland-har-samlet-styrker")
        assert sorted(claim.tags.values_list("name", flat=True)) == ["Russland", "Ukraina"]
        assert claim.appearances.count() == 2
        assert "store styrker" in Claim.objects.get(pk=claim.pk).search_extra

    def test_claimant_is_found_case_insensitively(self, reviewer):
        first = services.claim_create(user=reviewer, text="a", language="en", claimant="Sergei Lavrov")
        second = services.claim_create(user=reviewer, text="b", language="en", claimant="  sergei   LAVROV ")
        assert first.claimant_id == second.claimant_id
        assert Claimant.objects.count() == 1

    @pytest.mark.parametrize("language", ["norsk", "EN", "e", "en_US", ""])
    def test_bad_language_is_refused(self, reviewer, language):
        with pytest.raises(ValidationError):
            services.claim_create(user=reviewer, text="x", language=language)
        assert Claim.objects.count() == 0

    def test_empty_text_is_refused(self, reviewer):
        with pytest.raises(ServiceError):
            services.claim_create(user=reviewer, text="   ", language="en")

    def test_outsider_may_not_create(self, outsider):
        with pytest.raises(TransitionForbidden):
            services.claim_create(user=outsider, text="x", language="en")

    def test_failure_midway_writes_nothing(self, reviewer):
        with pytest.raises(ValidationError):
            services.claim_create(
                user=reviewer,
                text="x",
                language="en",
                claimant="New Person",
                appearances=[services.AppearanceInput(url="not a url at all")],
            )
        assert (Claim.objects.count(), Claimant.objects.count(), Source.objects.count()) == (0, 0, 0)

    def test_slugs_are_unique(self, reviewer):
        a = services.claim_create(user=reviewer, text="Same words", language="en")
        b = services.claim_create(user=reviewer, text="Same words", language="en")
        assert a.slug != b.slug


def test_url_variants_cover_scheme_www_and_trailing_slash():
    variants = url_variants("http://www.news.example/a/b/?id=3")
    for same in (
        "https://news.example/a/b?id=3",
        "http://news.example/a/b/?id=3",
        "https://www.news.example/a/b/?id=3",
    ):
        assert same in variants
    assert "https://news.example/a/c?id=3" not in variants
    assert "https://news.example/a/b?id=4" not in variants


@pytest.mark.django_db
def test_a_pasted_url_differing_by_www_scheme_or_slash_is_the_same_source(reviewer):
    first = services.claim_create(
        user=reviewer,
        text="The bridge is closed.",
        language="en",
        appearances=[services.AppearanceInput(url="https://www.news.example/bridge-closed", quote="")],
    )
    for pasted in ("http://news.example/bridge-closed/", "https://news.example/bridge-closed"):
        source = source_for_url(url=pasted)
        assert source.url == "https://www.news.example/bridge-closed"
    assert Source.objects.count() == 1
    assert first.appearances.get().source == source


def test_normalize_url():
    assert normalize_url("HTTPS://News.Example:443/a/b?utm_source=x&id=3#frag") == "https://news.example/a/b?id=3"
    assert normalize_url("http://news.example") == "http://news.example/"
    assert normalize_url("http://news.example:8080/x?fbclid=1") == "http://news.example:8080/x"


@pytest.mark.django_db
class TestClaimUpdate:
    def test_version_conflict_changes_nothing(self, claim, reviewer):
        services.claim_update(claim=claim, user=reviewer, data={"location": "Genève"}, expected_version=1)
        stale = Claim.objects.get(pk=claim.pk)
        assert stale.version == 2
        with pytest.raises(VersionConflict):
            services.claim_update(claim=stale, user=reviewer, data={"location": "Oslo"}, expected_version=1)
        fresh = Claim.objects.get(pk=claim.pk)
        assert (fresh.location, fresh.version) == ("Genève", 2)

    def test_status_is_not_editable(self, claim, reviewer):
        with pytest.raises(ServiceError):
            services.claim_update(claim=claim, user=reviewer, data={"status": "published"})
        assert Claim.objects.get(pk=claim.pk).status == "new"

    def test_invalid_value_rolls_back_version_bump(self, claim, reviewer):
        with pytest.raises(ValidationError):
            services.claim_update(claim=claim, user=reviewer, data={"language": "??"}, expected_version=1)
        assert Claim.objects.get(pk=claim.pk).version == 1


@pytest.mark.django_db
class TestAssign:
    def test_assign_to_reviewer(self, claim, editor, reviewer):
        services.claim_assign(claim=claim, user=editor, assignee=reviewer)
        assert Claim.objects.get(pk=claim.pk).assignee == reviewer

    def test_cannot_assign_to_outsider(self, claim, editor, outsider):
        with pytest.raises(ServiceError):
            services.claim_assign(claim=claim, user=editor, assignee=outsider)

    def test_outsider_cannot_assign(self, claim, outsider, reviewer):
        with pytest.raises(TransitionForbidden):
            services.claim_assign(claim=claim, user=outsider, assignee=reviewer)


@pytest.mark.django_db
class TestAppearancesAndReviews:
    def test_only_one_first_appearance(self, claim, reviewer):
        services.appearance_add(
            user=reviewer,
            claim=claim,
            item=services.AppearanceInput(url="https://a.example/1", is_first_appearance=True),
        )
        services.appearance_add(
            user=reviewer,
            claim=claim,
            item=services.AppearanceInput(url="https://a.example/2", is_first_appearance=True),
        )
        firsts = Appearance.objects.filter(claim=claim, is_first_appearance=True)
        assert [a.source.url for a in firsts] == ["https://a.example/2"]

    def test_same_source_twice_updates_the_appearance(self, claim, reviewer):
        services.appearance_add(user=reviewer, claim=claim, item=services.AppearanceInput(url="https://a.example/1"))
        services.appearance_add(
            user=reviewer, claim=claim, item=services.AppearanceInput(url="https://a.example/1/", quote="q")
        )
        services.appearance_add(
            user=reviewer, claim=claim, item=services.AppearanceInput(url="https://A.example/1", quote="q2")
        )
        # A trailing slash, "www." or another scheme is the same page (issue 16): one appearance.
        assert claim.appearances.count() == 1
        assert claim.appearances.get().quote == "q2"

    def test_reviewer_cannot_revise_a_published_verdict(self, reviewer, editor):
        review = ReviewFactory(claim=ClaimFactory(status="published"))
        with pytest.raises(TransitionForbidden):
            services.review_save(claim=review.claim, user=reviewer, rationale="sneaky edit")
        # Not even an editor edits it in place: corrections go through claim_correct.
        with pytest.raises(PreconditionFailed, match="correction"):
            services.review_save(claim=review.claim, user=editor, rationale="Correction: a date was wrong.")

    def test_no_verdict_on_rejected_claim(self, reviewer):
        with pytest.raises(PreconditionFailed):
            services.review_save(claim=ClaimFactory(status="rejected"), user=reviewer, rating=rating("true"))

    def test_inactive_rating_is_refused(self, reviewer):
        scale = rating("unproven")
        scale.is_active = False
        scale.save()
        with pytest.raises(ServiceError):
            services.review_save(claim=ClaimFactory(status="in_research"), user=reviewer, rating=scale)

    def test_comment(self, claim, reviewer, outsider):
        comment = services.comment_create(claim=claim, user=reviewer, body=" Ring pressekontoret. ")
        assert comment.body == "Ring pressekontoret."
        with pytest.raises(TransitionForbidden):
            services.comment_create(claim=claim, user=outsider, body="hi")


@pytest.mark.django_db
def test_duplicates_refresh_is_idempotent(reviewer):
    en = services.claim_create(
        user=reviewer, text="Russia has massed large forces near the border of Ukraine.", language="en"
    )
    nb = services.claim_create(
        user=reviewer, text="Russia has massed huge forces close to Ukraine's border.", language="en"
    )
    other = services.claim_create(user=reviewer, text="The weather in Oslo was cold on Friday.", language="en")
    services.duplicates_refresh(claim_id=nb.pk)
    suggested = dict(DuplicateSuggestion.objects.filter(claim=nb).values_list("candidate_id", "score"))
    assert en.pk in suggested
    assert other.pk not in suggested
    # Running it again creates nothing new.
    services.duplicates_refresh(claim_id=nb.pk)
    assert DuplicateSuggestion.objects.filter(claim=nb).count() == len(suggested)


@pytest.mark.django_db
def test_slugs_are_ascii_and_keep_nordic_words_readable(reviewer):
    claim = services.claim_create(
        user=reviewer,
        text="Russland har samlet styrker nær grensen",
        claim_reviewed="Styrker nær grensen",
        language="nb",
    )
    assert claim.slug == "styrker-naer-grensen"
    tags = services.tags_get_or_create(names=["Genève", "Þórshöfn", "ææ", "—"])
    assert [t.slug for t in tags] == ["geneve", "thorshofn", "aeae", "tag"]


@pytest.mark.django_db
def test_rewording_a_claim_rechecks_duplicates(claim, reviewer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        services.claim_update(claim=claim, user=reviewer, data={"location": "Genève"})
    assert callbacks == []
    with django_capture_on_commit_callbacks() as callbacks:
        services.claim_update(claim=claim, user=reviewer, data={"text": "Russia says it has no plans to attack."})
    assert len(callbacks) == 1


@pytest.mark.parametrize("status", ["new", "in_research", "in_review", "published", "updated", "rejected", "retracted"])
@pytest.mark.parametrize("role", ["reviewer", "editor", "outsider"])
def test_review_editable_says_what_review_save_does(db, request, status, role):
    """The admin's verdict form is editable exactly when the service would accept the edit."""
    user = request.getfixturevalue(role)
    claim = ClaimFactory(status=status)
    expected = services.review_editable(claim=claim, user=user)
    try:
        services.review_save(claim=claim, user=user, headline="Checked")
    except (TransitionForbidden, PreconditionFailed):
        saved = False
    else:
        saved = True
    assert expected == saved
    live, closed = status in {"published", "updated"}, status in {"rejected", "retracted"}
    assert expected == {"reviewer": not live and not closed, "editor": not live and not closed, "outsider": False}[role]


def _rename_queries(desk_admin, claims: int) -> tuple[int, Claimant]:
    claimant = ClaimantFactory(name=f"Official of {claims}")
    for n in range(claims):
        claim = ClaimFactory(claimant=claimant)
        services.appearance_add(
            user=desk_admin,
            claim=claim,
            item=services.AppearanceInput(url=f"https://news.example/{claims}/{n}", quote="No such plans"),
        )
    with CaptureQueriesContext(connection) as queries:
        services.claimant_update(claimant=claimant, user=desk_admin, data={"name": f"Maria Zakharova {claims}"})
    return len(queries), claimant


def test_renaming_a_claimant_refreshes_every_claim_with_one_write_each(desk_admin):
    few, _ = _rename_queries(desk_admin, 2)
    many, claimant = _rename_queries(desk_admin, 6)
    assert many - few == 4  # reads do not grow with the claims; each claim is written once
    extras = Claim.objects.filter(claimant=claimant).values_list("search_extra", flat=True)
    assert len(extras) == 6 and set(extras) == {"Maria Zakharova 6\nNo such plans"}


def test_search_text_keeps_the_first_appearance_first(reviewer):
    claim = ClaimFactory(claimant=ClaimantFactory(name="Antony Blinken"))
    for url, quote, first in (("https://a.example/1", "later quote", False), ("https://b.example/2", "origin", True)):
        services.appearance_add(
            user=reviewer,
            claim=claim,
            item=services.AppearanceInput(url=url, quote=quote, is_first_appearance=first),
        )
    claim.refresh_from_db()
    assert claim.search_extra.split("\n") == ["Antony Blinken", "origin", "later quote"]

"""Duplicate claims: cross-language scoring, the candidate pool, suggestions, merge and dismiss."""

from __future__ import annotations

import datetime as dt

import pytest

from claims import services
from claims.discovery import duplicates
from claims.discovery.duplicates import ClaimFeatures, find_duplicates, similarity
from claims.exceptions import PreconditionFailed, ServiceError, TransitionForbidden
from claims.models import Appearance, Claim, DuplicateSuggestion, Source, Tag
from tests.factories import AppearanceFactory, ClaimantFactory, ClaimFactory, SourceFactory


def score(a: str, a_lang: str, b: str, b_lang: str) -> float:
    one = Claim(text=a, language=a_lang)
    two = Claim(text=b, language=b_lang)
    return similarity(ClaimFeatures.of(one), ClaimFeatures.of(two))[0]


# --- Scoring ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "a_lang", "b", "b_lang"),
    [
        ("Russland har ingen planer om å invadere Ukraina.", "nb", "Russia has no plans to invade Ukraine.", "en"),
        (
            "Russland har samlet over 100 000 soldater ved grensen til Ukraina.",
            "nb",
            "Russia has massed more than 100,000 troops on the border with Ukraine.",
            "en",
        ),
        ("USA vil gjenopplive avtalen om INF-rakettene.", "nb", "The US wants to revive the INF treaty.", "en"),
        (
            "USA skal gi Russland skriftlige svar neste uke.",
            "nb",
            "Russland får skriftlig svar fra USA i løpet av neste uke",
            "nb",
        ),
        (
            "Russia has no intention of invading Ukraine, Lavrov said.",
            "en",
            "Lavrov: Russia does not plan to invade Ukraine",
            "en",
        ),
    ],
)
def test_the_same_claim_scores_above_the_threshold(a, a_lang, b, b_lang):
    assert score(a, a_lang, b, b_lang) >= duplicates.THRESHOLD
    assert score(b, b_lang, a, a_lang) == pytest.approx(score(a, a_lang, b, b_lang))  # symmetric


@pytest.mark.parametrize(
    ("a", "a_lang", "b", "b_lang"),
    [
        # Same event, different claim.
        ("Russia has gathered 100,000 troops near Ukraine.", "en", "Russia has no plans to invade Ukraine.", "en"),
        (
            "NATO must withdraw from eastern Europe, says Russia.",
            "en",
            "Russia demands that Ukraine never join NATO.",
            "en",
        ),
        (
            "Blinken og Lavrov møttes i Genève uten gjennombrudd.",
            "nb",
            "Biden og Putin møttes i Genève i juni 2021.",
            "nb",
        ),
        # Same sentence, different number: a different claim.
        ("Russland har 100 000 soldater ved grensen.", "nb", "Russland har 50 000 soldater ved grensen.", "nb"),
        ("Strømprisen er høyere enn noen gang.", "nb", "Russia has no plans to invade Ukraine.", "en"),
    ],
)
def test_different_claims_score_below_the_threshold(a, a_lang, b, b_lang):
    assert score(a, a_lang, b, b_lang) < duplicates.THRESHOLD


def test_score_is_between_zero_and_one_and_identity_is_one():
    text = "Russia has no plans to invade Ukraine."
    assert score(text, "en", text, "en") == pytest.approx(1.0)
    assert score("", "en", text, "en") == 0.0


# --- Finding duplicates in the database ---------------------------------------------------


@pytest.mark.django_db
def test_finds_duplicates_in_any_language_and_status():
    nb = ClaimFactory(text="Russland har ingen planer om å invadere Ukraina.", claim_reviewed="", language="nb")
    published = ClaimFactory(
        text="Russia has no plans to invade Ukraine.", claim_reviewed="", language="en", status="published"
    )
    rejected = ClaimFactory(
        text="Lavrov: Russia does not plan to invade Ukraine", claim_reviewed="", language="en", status="rejected"
    )
    ClaimFactory(text="Strømprisen er høyere enn noen gang.", claim_reviewed="", language="nb")
    found = find_duplicates(nb)
    assert {c.pk for c, _s in found} == {published.pk, rejected.pk}
    assert all(duplicates.THRESHOLD <= s <= 1 for _c, s in found)
    assert found[0][0] == published  # the closest first
    assert nb.pk not in {c.pk for c, _s in find_duplicates(nb)}


@pytest.mark.django_db
def test_the_pool_reaches_old_claims_through_cognates():
    """An old English claim, behind more recent claims than the recency fallback covers, is
    still a candidate: the Norwegian claim's words are searched with their English cognates."""
    old = ClaimFactory(text="Russia has no plans to invade Ukraine.", claim_reviewed="", language="en")
    for n in range(duplicates.RECENT_FALLBACK + 5):
        ClaimFactory(text=f"Local council debates road tolls, meeting {n}.", claim_reviewed="", language="en")
    new = ClaimFactory(text="Russland har ingen planer om å invadere Ukraina.", claim_reviewed="", language="nb")
    pool = set(duplicates.candidate_pool(new).values_list("pk", flat=True))
    assert old.pk in pool
    assert len(pool) < duplicates.RECENT_FALLBACK + 5  # not the whole table
    assert [c for c, _s in find_duplicates(new)] == [old]


@pytest.mark.django_db
def test_same_claimant_is_in_the_pool_and_nudges_the_score():
    lavrov = ClaimantFactory(name="Sergej Lavrov")
    a = ClaimFactory(text="We will not attack anyone.", claim_reviewed="", claimant=lavrov)
    b = ClaimFactory(text="Russia will not attack anyone.", claim_reviewed="", claimant=lavrov)
    assert b.pk in set(duplicates.candidate_pool(a).values_list("pk", flat=True))
    with_claimant = similarity(ClaimFeatures.of(a), ClaimFeatures.of(b))[0]
    b.claimant = None
    b.claimant_id = None
    assert with_claimant == pytest.approx(similarity(ClaimFeatures.of(a), ClaimFeatures.of(b))[0] + 0.05)


@pytest.mark.django_db
def test_refresh_stores_suggestions_idempotently_and_respects_dismissal(reviewer):
    old = ClaimFactory(text="Russia has no plans to invade Ukraine.", claim_reviewed="", language="en")
    new = ClaimFactory(text="Russland har ingen planer om å invadere Ukraina.", claim_reviewed="", language="nb")
    assert services.duplicates_refresh(claim_id=new.pk) == 1
    assert services.duplicates_refresh(claim_id=new.pk) == 1
    suggestion = DuplicateSuggestion.objects.get()
    assert (suggestion.claim, suggestion.candidate, suggestion.status) == (new, old, "suggested")
    assert 0.6 < suggestion.score <= 1
    services.duplicate_dismiss(suggestion=suggestion, user=reviewer)
    services.duplicates_refresh(claim_id=new.pk)
    # Nor does the older claim get the pair suggested the other way round.
    assert services.duplicates_refresh(claim_id=old.pk) == 0
    assert list(DuplicateSuggestion.objects.values_list("status", flat=True)) == ["dismissed"]
    assert services.duplicates_refresh(claim_id=999999) == 0


@pytest.mark.django_db
def test_dismiss_rules(reviewer, outsider):
    a, b = ClaimFactory(), ClaimFactory()
    one = DuplicateSuggestion.objects.create(claim=a, candidate=b, score=0.7)
    other_way = DuplicateSuggestion.objects.create(claim=b, candidate=a, score=0.7)
    with pytest.raises(TransitionForbidden):
        services.duplicate_dismiss(suggestion=one, user=outsider)
    assert services.duplicate_dismiss(suggestion=one, user=reviewer).status == "dismissed"
    other_way.refresh_from_db()
    assert other_way.status == "dismissed"
    merged = DuplicateSuggestion.objects.create(claim=a, candidate=ClaimFactory(), score=0.9, status="merged")
    with pytest.raises(PreconditionFailed):
        services.duplicate_dismiss(suggestion=merged, user=reviewer)


# --- Merging ------------------------------------------------------------------------------


@pytest.fixture
def merge_pair(db):
    kept = ClaimFactory(text="Russia has no plans to invade Ukraine.", language="en", status="in_research")
    duplicate = ClaimFactory(text="Russland har ingen planer om å invadere Ukraina.", language="nb", status="new")
    shared = SourceFactory(url="https://news.example/shared")
    AppearanceFactory(claim=kept, source=shared, quote="No such plans.", is_first_appearance=True)
    AppearanceFactory(claim=duplicate, source=shared, quote="Ingen slike planer.", appeared_on=dt.date(2022, 1, 21))
    AppearanceFactory(
        claim=duplicate,
        source=SourceFactory(url="https://news.example/nb-only"),
        quote="Vi har ingen planer.",
        is_first_appearance=True,
    )
    kept.tags.set([Tag.objects.create(name="Ukraina", slug="ukraina")])
    duplicate.tags.set([Tag.objects.create(name="Russland", slug="russland"), kept.tags.get()])
    suggestion = DuplicateSuggestion.objects.create(claim=duplicate, candidate=kept, score=0.86)
    return kept, duplicate, suggestion


@pytest.mark.django_db
def test_merge_moves_everything_and_records_it(reviewer, merge_pair):
    kept, duplicate, suggestion = merge_pair
    version = kept.version
    result = services.claims_merge(claim=duplicate, into=kept, user=reviewer)
    kept.refresh_from_db()
    duplicate.refresh_from_db()
    assert result.pk == duplicate.pk and duplicate.duplicate_of == kept
    # The workflow lets a reviewer reject a new claim, so the duplicate leaves the queues.
    assert duplicate.status == "rejected"
    assert set(kept.tags.values_list("slug", flat=True)) == {"ukraina", "russland"}
    appearances = {a.source.url: a for a in Appearance.objects.filter(claim=kept).select_related("source")}
    assert set(appearances) == {"https://news.example/shared", "https://news.example/nb-only"}
    shared = appearances["https://news.example/shared"]
    assert "No such plans." in shared.quote and "Ingen slike planer." in shared.quote  # nothing lost
    assert shared.appeared_on == dt.date(2022, 1, 21)
    assert shared.is_first_appearance and not appearances["https://news.example/nb-only"].is_first_appearance
    assert not Appearance.objects.filter(claim=duplicate).exists()
    assert Appearance.objects.filter(claim=kept, is_first_appearance=True).count() == 1
    assert "Vi har ingen planer." in kept.search_extra
    assert kept.version == version + 1
    suggestion.refresh_from_db()
    assert suggestion.status == "merged"
    # History: who merged, the pointer, and each moved appearance.
    latest = duplicate.history.latest()
    assert (latest.duplicate_of_id, latest.history_user) == (kept.pk, reviewer)
    moved = Appearance.history.filter(source__url="https://news.example/nb-only").latest()
    assert (moved.claim_id, moved.history_user) == (kept.pk, reviewer)
    assert Appearance.history.filter(claim_id=duplicate.pk, history_type="-").get().history_user == reviewer


@pytest.mark.django_db
def test_merge_refusals(reviewer, outsider, merge_pair):
    kept, duplicate, _suggestion = merge_pair
    with pytest.raises(TransitionForbidden):
        services.claims_merge(claim=duplicate, into=kept, user=outsider)
    with pytest.raises(ServiceError):
        services.claims_merge(claim=kept, into=kept, user=reviewer)
    services.claims_merge(claim=duplicate, into=kept, user=reviewer)
    with pytest.raises(PreconditionFailed):  # already merged
        services.claims_merge(claim=duplicate, into=ClaimFactory(), user=reviewer)
    with pytest.raises(PreconditionFailed):  # would make a cycle
        services.claims_merge(claim=kept, into=duplicate, user=reviewer)
    assert Claim.objects.get(pk=kept.pk).duplicate_of is None


@pytest.mark.django_db
def test_merge_without_a_suggestion_records_the_pair(reviewer):
    a = ClaimFactory(text="Russia has no plans to invade Ukraine.", claim_reviewed="", status="published")
    b = ClaimFactory(text="Russia has no plans to invade Ukraine!", claim_reviewed="", status="in_research")
    services.claims_merge(claim=a, into=b, user=reviewer)
    pair = DuplicateSuggestion.objects.get()
    assert (pair.claim, pair.candidate, pair.status) == (a, b, "merged")
    assert pair.score > 0.9
    a.refresh_from_db()
    # A reviewer may not reject a published fact-check: it stays published, marked as a duplicate.
    assert (a.status, a.duplicate_of) == ("published", b)
    assert Source.objects.count() == 0  # no appearances were invented


# --- Paraphrases and translations (issue 16): the labelled pairs in bench/duplicates.py ---


def test_paraphrases_and_translations_are_found_on_the_held_out_pairs():
    from bench import duplicates as bench_duplicates

    report = bench_duplicates.report()
    held = report["held_out"]
    assert held["pairs"] >= 50 and report["all"]["pairs"] >= 100
    assert held["precision"] >= 0.9, report["held_out"]
    assert held["recall"] >= 0.8, report["held_out"]
    assert held["by_kind"]["unrelated"]["suggested"] == 0


@pytest.mark.parametrize(
    ("a", "a_lang", "b", "b_lang"),
    [
        ("Vestfjord Verft is laying off 350 workers.", "en", "Vestfjord Verft sier opp 350 ansatte.", "nb"),
        (
            "The World Health Organization says COVID-19 is no longer a global emergency.",
            "en",
            "WHO has ended the global health emergency over COVID-19.",
            "en",
        ),
        (
            "Bomprisene i Oslo øker med 10 prosent fra 1. mars.",
            "nb",
            "Oslo road tolls rise by 10 percent on 1 March.",
            "en",
        ),
    ],
)
def test_paraphrase_through_lexicon_aliases_and_dates(a, a_lang, b, b_lang):
    assert score(a, a_lang, b, b_lang) >= duplicates.THRESHOLD

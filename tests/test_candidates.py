"""Candidate claims: extraction from stored articles, "already tracked" across languages,
accept and dismiss through the services (with history), and the fetch pipeline's hook."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from claims import services
from claims.discovery import pipeline
from claims.exceptions import PreconditionFailed, TransitionForbidden
from claims.intake.candidates import extract_for_article, score_text
from claims.models import Appearance, CandidateClaim, Claim, Claimant, RelatedArticle
from tests.factories import ArticleFactory, ClaimantFactory, ClaimFactory, FeedFactory
from tests.fixtures.web.server import LOOPBACK, serve

pytestmark = pytest.mark.django_db

NB_TEXT = (
    "Av Kari Nordvik, Genève\n\n"
    "Russland har ingen planer om å invadere Ukraina, sa Lavrov etter møtet. "
    "Møtet startet kl. 10 og varte i halvannen time.\n\n"
    "Ifølge Pentagon er 8500 amerikanske soldater satt i forhøyet beredskap. "
    "Det var en fin dag ved Genfersjøen."
)


def _article(**kwargs):
    defaults = {"text": NB_TEXT, "language": "nb", "published_at": timezone.make_aware(dt.datetime(2022, 1, 21, 18))}
    return ArticleFactory(**{**defaults, **kwargs})


def test_score_text_returns_every_sentence_with_offsets():
    language, found = score_text(NB_TEXT)
    assert language == "nb"
    assert [NB_TEXT[s.start : s.end] for s in found] == [s.text for s in found]
    by_text = {s.text: s for s in found}
    assert by_text["Ifølge Pentagon er 8500 amerikanske soldater satt i forhøyet beredskap."].score > 0.7
    assert by_text["Møtet startet kl. 10 og varte i halvannen time."].score < 0.5
    assert by_text["Det var en fin dag ved Genfersjøen."].score < 0.5


def test_score_text_with_a_minimum_keeps_exactly_the_sentences_at_or_above_it():
    """The harvest asks only for check-worthy sentences (no speaker guess for the rest): the
    same sentences, scores and speakers as filtering every sentence afterwards."""
    text = NB_TEXT + " Hun sa at 8500 soldater er mange."
    _language, every = score_text(text)
    for cut in (0.0, 0.5, 0.7, 1.01):
        _language, kept = score_text(text, min_score=cut)
        assert kept == [s for s in every if s.score >= cut]
    assert any(s.speaker for s in every)


def test_extract_keeps_sentences_above_the_threshold_with_speakers():
    lavrov = ClaimantFactory(name="Sergej Lavrov")
    article = _article()
    assert extract_for_article(article) == 2
    stored = list(CandidateClaim.objects.order_by("start"))
    assert [c.text for c in stored] == [
        "Russland har ingen planer om å invadere Ukraina, sa Lavrov etter møtet.",
        "Ifølge Pentagon er 8500 amerikanske soldater satt i forhøyet beredskap.",
    ]
    first, second = stored
    assert article.text[first.start : first.end] == first.text
    assert (first.speaker, first.claimant) == ("Lavrov", lavrov)
    assert (second.speaker, second.claimant) == ("Pentagon", None)
    assert {c.status for c in stored} == {"new"} and all(c.language == "nb" for c in stored)
    assert all(c.score >= 0.5 for c in stored)


def test_threshold_setting_decides_what_is_kept(settings):
    settings.CHECKWORTHINESS_THRESHOLD = 0.999
    assert extract_for_article(_article()) == 0
    settings.CHECKWORTHINESS_THRESHOLD = 0.0
    assert extract_for_article(_article(url="https://news.example/all")) == 5


def test_extraction_can_be_switched_off(settings):
    settings.CHECKWORTHINESS_CANDIDATES = False
    assert extract_for_article(_article()) == 0
    assert not CandidateClaim.objects.exists()


def test_rescoring_is_idempotent_and_keeps_decisions(reviewer):
    article = _article()
    extract_for_article(article)
    first = CandidateClaim.objects.order_by("start").first()
    services.candidate_dismiss(candidate=first, user=reviewer)
    assert extract_for_article(article) == 0
    assert CandidateClaim.objects.count() == 2
    first.refresh_from_db()
    assert first.status == "dismissed"


def test_a_candidate_repeating_a_claim_in_another_language_is_tracked():
    tracked = ClaimFactory(text="Russia has no plans to invade Ukraine", language="en", claim_reviewed="")
    article = _article()
    extract_for_article(article)
    candidate = CandidateClaim.objects.get(text__startswith="Russland har ingen planer")
    assert candidate.status == "tracked" and candidate.claim == tracked and candidate.match_score >= 0.6
    other = CandidateClaim.objects.get(text__startswith="Ifølge Pentagon")
    assert other.status == "new" and other.claim is None
    related = RelatedArticle.objects.get(claim=tracked, article=article)
    assert related.provider == "candidates" and related.why["appearance"] is True


def test_accept_creates_the_claim_with_appearance_quote_and_new_claimant(reviewer):
    article = _article(title="Ingen gjennombrudd i Genève", outlet="Fjordposten")
    extract_for_article(article)
    candidate = CandidateClaim.objects.get(text__startswith="Ifølge Pentagon")
    claim, created = services.candidate_accept(candidate=candidate, user=reviewer)
    assert created and claim.status == "new" and claim.language == "nb"
    assert claim.text == candidate.text and claim.created_by == reviewer
    assert claim.claimant.name == "Pentagon"  # none matched: a new claimant
    assert claim.claim_date == dt.date(2022, 1, 21)
    appearance = Appearance.objects.get(claim=claim)
    assert appearance.is_first_appearance and appearance.quote == candidate.text
    assert appearance.source.url == article.url and appearance.source.outlet == "Fjordposten"
    candidate.refresh_from_db()
    assert (candidate.status, candidate.claim, candidate.decided_by) == ("accepted", claim, reviewer)
    history = list(candidate.history.order_by("history_date"))
    assert [h.status for h in history] == ["new", "accepted"] and history[-1].history_user == reviewer
    # Twice: the same claim, no second one.
    again, created_again = services.candidate_accept(candidate=candidate, user=reviewer)
    assert again == claim and not created_again
    assert Claim.objects.count() == 1


def test_accept_uses_the_matched_claimant(editor):
    lavrov = ClaimantFactory(name="Sergej Lavrov")
    extract_for_article(_article())
    candidate = CandidateClaim.objects.get(speaker="Lavrov")
    claim, _created = services.candidate_accept(candidate=candidate, user=editor)
    assert claim.claimant == lavrov
    assert Claimant.objects.count() == 1


def test_accepting_a_tracked_candidate_adds_an_appearance_to_the_existing_claim(reviewer):
    tracked = ClaimFactory(text="Russia has no plans to invade Ukraine", language="en", claim_reviewed="")
    article = _article()
    extract_for_article(article)
    candidate = CandidateClaim.objects.get(status="tracked")
    claim, created = services.candidate_accept(candidate=candidate, user=reviewer)
    assert claim == tracked and not created
    assert Appearance.objects.filter(claim=tracked, source__url=article.url).exists()
    assert RelatedArticle.objects.get(claim=tracked, article=article).status == "relevant"
    assert Claim.objects.count() == 1
    assert services.candidate_accept(candidate=candidate, user=reviewer) == (tracked, False)


def test_dismiss_is_idempotent_with_history_and_refuses_accepted(reviewer):
    extract_for_article(_article())
    first, second = CandidateClaim.objects.order_by("start")
    services.candidate_dismiss(candidate=first, user=reviewer)
    services.candidate_dismiss(candidate=first, user=reviewer)
    first.refresh_from_db()
    assert first.status == "dismissed" and first.decided_by == reviewer
    assert first.history.count() == 2  # created, dismissed — the repeat wrote nothing
    with pytest.raises(PreconditionFailed):
        services.candidate_accept(candidate=first, user=reviewer)
    services.candidate_accept(candidate=second, user=reviewer)
    with pytest.raises(PreconditionFailed):
        services.candidate_dismiss(candidate=second, user=reviewer)


def test_bulk_dismiss_leaves_accepted_alone(reviewer):
    extract_for_article(_article())
    first, second = CandidateClaim.objects.order_by("start")
    services.candidate_accept(candidate=first, user=reviewer)
    assert services.candidates_dismiss(candidates=[first, second], user=reviewer) == 1
    assert dict(CandidateClaim.objects.values_list("pk", "status")) == {first.pk: "accepted", second.pk: "dismissed"}


def test_people_outside_the_desk_cannot_decide(outsider):
    extract_for_article(_article())
    candidate = CandidateClaim.objects.first()
    for call in (services.candidate_accept, services.candidate_dismiss):
        with pytest.raises(TransitionForbidden):
            call(candidate=candidate, user=outsider)
    with pytest.raises(TransitionForbidden):
        services.candidates_dismiss(candidates=[candidate], user=outsider)
    assert CandidateClaim.objects.filter(status="new").count() == 2 and not Claim.objects.exists()


def test_fetched_feed_articles_are_scored_in_the_pipeline(httpserver, settings):
    settings.FETCH_ALLOWED_NETWORKS = LOOPBACK
    serve(httpserver, "/atom.xml", "feeds/utenriks_atom.xml", content_type="application/atom+xml")
    for page in ("geneva_talks_nb.html", "nordic_cp1252_meta.html"):
        serve(httpserver, f"/pages/{page}", f"pages/{page}")
    from claims.discovery import jobs
    from claims.models import FetchJob

    feed = FeedFactory(url=httpserver.url_for("/atom.xml"), language="nb")
    job, _state = jobs.claim_job(jobs.create_job(kind=FetchJob.Kind.HARVEST, feed=feed).pk)
    _job, created = pipeline.run_harvest(job)
    assert not CandidateClaim.objects.exists()  # a feed entry has a summary, not the article's text
    pipeline.fetch_articles(created)
    scored = CandidateClaim.objects.filter(article__url__endswith="geneva_talks_nb.html")
    assert scored.exists()
    for candidate in scored.select_related("article"):
        assert candidate.article.text[candidate.start : candidate.end] == candidate.text


def test_a_failing_extraction_never_costs_the_fetch(httpserver, settings, monkeypatch):
    settings.FETCH_ALLOWED_NETWORKS = LOOPBACK
    serve(httpserver, "/pages/geneva_talks_en.html", "pages/geneva_talks_en.html")
    article = ArticleFactory(url=httpserver.url_for("/pages/geneva_talks_en.html"), text="")

    def broken(article):
        raise RuntimeError("model file unreadable")

    monkeypatch.setattr("claims.intake.candidates.extract_for_article", broken)
    assert pipeline.fetch_articles([article.pk])["fetched"] == 1
    article.refresh_from_db()
    assert article.text and article.fetched_at is not None


def test_the_machine_written_history_tables_keep_only_the_indexes_they_are_read_by():
    """~15 candidates per harvested article, each with a history row: the history tables index
    what their readers look up (one object's history, by date, by user), not every column the
    live table indexes."""
    from claims.models import Recurrence

    for model in (CandidateClaim, Recurrence):
        history = model.history.model
        indexed = {f.name for f in history._meta.concrete_fields if f.db_index or f.primary_key}
        assert indexed == {"history_id", "id", "history_date", "history_user"}, (model, indexed)
    # One candidate's history is still a look-up by id.
    assert CandidateClaim.history.model._meta.get_field("id").db_index


def test_tracking_compares_a_sentence_only_with_claims_sharing_a_word_and_finds_the_same(monkeypatch):
    """`_matches` pairs a sentence only with pooled claims and reviews sharing one of its
    words (at the tracking threshold no other pair can match): on the labelled duplicate
    groups it tracks exactly what comparing every pair tracks, ties included."""
    import datetime as dt
    from pathlib import Path
    from types import SimpleNamespace

    import yaml

    from claims.discovery import duplicates
    from claims.intake import tracking as module

    groups = yaml.safe_load((Path(__file__).parent / "fixtures" / "duplicates" / "groups.yaml").read_text())
    pool = [
        ClaimFactory.build(pk=1000 + i, version=1, text=g["base"][1], language=g["base"][0], claim_reviewed="")
        for i, g in enumerate(groups)
    ]
    pool += pool[:3]  # the same claim twice (two sentences pooled it): the first copy wins a tie
    reviews = [
        SimpleNamespace(
            pk=i + 1,
            claim_id=2000 + i,
            claim_reviewed=g["paraphrase"][1],
            language=g["paraphrase"][0],
            updated_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        )
        for i, g in enumerate(groups[::2])
    ]
    sentences = [g[kind] for g in groups for kind in ("paraphrase", "translation", "other")]
    probes = [duplicates.ClaimFeatures.of(module._probe(text, lang)) for lang, text in sentences]
    assert duplicates.needs_a_shared_word(module.TRACK_THRESHOLD)
    quick = module._matches(probes, pool, reviews, module.TRACK_THRESHOLD)
    monkeypatch.setattr(duplicates, "needs_a_shared_word", lambda threshold: False)
    every_pair = module._matches(probes, pool, reviews, module.TRACK_THRESHOLD)
    assert quick == every_pair
    assert len(quick) >= len(groups)  # most paraphrases and translations are tracked
    assert any(t.external_review_id for t in quick.values())
    # Below the bound that a shared word gives, every pair is compared.
    assert not duplicates.needs_a_shared_word(0.4)

"""`manage.py load_demo`: the demo desk, loaded through the services, idempotently."""

from __future__ import annotations

import io
import json
import re
from collections import Counter
from pathlib import Path

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command
from django.test import RequestFactory

from claims import services
from claims.demo import articles, content
from claims.models import Appearance, Article, CandidateClaim, Claim, Claimant, Comment, Rating, Review, Source, Tag
from claims.workflow import LIVE_STATES, ClaimStatus
from tests.factories import UserFactory


def _request():
    # django-axes's backend checks lockouts per request, so sign-ins always pass one.
    return RequestFactory().post("/admin/login/", REMOTE_ADDR="127.0.0.1")


SEED = Path("/work/shared/seed")


def load_demo(**kwargs) -> str:
    out = io.StringIO()
    call_command("load_demo", stdout=out, **kwargs)
    return out.getvalue()


def snapshot() -> dict[str, object]:
    """Everything a second run must leave exactly as it was, history included."""
    user_model = get_user_model()
    return {
        "users": list(user_model.objects.order_by("username").values_list("username", "password", "is_superuser")),
        "claims": list(Claim.objects.order_by("id").values_list("id", "slug", "status", "version", "updated_at")),
        "claim_history": Claim.history.count(),
        "claimants": Claimant.objects.count(),
        "sources": Source.objects.count(),
        "appearances": Appearance.objects.count(),
        "appearance_history": Appearance.history.count(),
        "reviews": list(Review.objects.order_by("id").values_list("id", "updated_at", "rating__slug")),
        "review_history": Review.history.count(),
        "evidence": Review.evidence.through.objects.count(),
        "tags": Tag.objects.count(),
        "comments": Comment.objects.count(),
        "ratings": Rating.objects.count(),
        "articles": list(Article.objects.order_by("id").values_list("id", "url", "text")),
        "candidates": list(CandidateClaim.objects.order_by("id").values_list("id", "status", "score", "claim_id")),
        "candidate_history": CandidateClaim.history.count(),
    }


@pytest.fixture(autouse=True)
def debug_on(settings, monkeypatch):
    """The default demo password is only allowed in development (DEBUG on)."""
    settings.DEBUG = True
    monkeypatch.delenv("FACTCHECK_DEMO_PASSWORD", raising=False)


@pytest.fixture
def demo(db):
    return load_demo()


def test_second_run_changes_nothing(demo):
    before = snapshot()
    output = load_demo()
    assert snapshot() == before
    assert "Claims created: 0, workflow steps taken: 0, articles added: 0, candidate claims found: 0." in output


def test_first_run_creates_everything_and_prints_the_logins(demo):
    assert Claim.objects.count() == len(content.CLAIMS) >= 10
    assert Article.objects.count() == len(articles.ARTICLES)
    assert set(Tag.objects.values_list("name", flat=True)) == set(content.TAGS)
    assert f"Claims created: {len(content.CLAIMS)}" in demo
    for username in ("reviewer", "editor", "admin"):
        assert re.search(rf"^\s+{username}\s+demo-pass-2022\s", demo, re.M), demo


def test_states_are_spread_as_designed(demo):
    statuses = Counter(Claim.objects.values_list("status", flat=True))
    assert statuses == Counter(spec.status for spec in content.CLAIMS)
    assert statuses[ClaimStatus.NEW] >= 1
    assert statuses[ClaimStatus.TRIAGED] >= 1
    assert statuses[ClaimStatus.IN_RESEARCH] >= 2
    assert statuses[ClaimStatus.IN_REVIEW] == 1
    assert statuses[ClaimStatus.REJECTED] == 1
    assert 3 <= statuses[ClaimStatus.PUBLISHED] + statuses[ClaimStatus.UPDATED] <= 4
    languages = set(Claim.objects.values_list("language", flat=True))
    assert languages == {"en", "nb"}
    reviewer = get_user_model().objects.get(username="reviewer")
    for claim in Claim.objects.filter(status=ClaimStatus.IN_RESEARCH):
        assert claim.assignee == reviewer


def test_published_fact_checks_have_a_complete_four_eyes_verdict(demo):
    reviewer = get_user_model().objects.get(username="reviewer")
    editor = get_user_model().objects.get(username="editor")
    live = Claim.objects.filter(status__in=LIVE_STATES)
    assert live.count() >= 3
    for claim in live:
        review = claim.review
        assert review.rating is not None
        assert review.rationale.strip()
        assert review.headline
        assert review.evidence.count() >= 1
        assert review.author == reviewer
        assert review.approver == editor
        assert review.approver_id != review.author_id
        assert review.published_at is not None
        assert claim.published_at is not None
        assert claim.appearances.filter(is_first_appearance=True).count() == 1
    updated = Claim.objects.get(status=ClaimStatus.UPDATED)
    assert updated.review.rating.slug == "false"
    # The update came after a first publication with another verdict, recorded in the history.
    assert set(updated.review.history.values_list("rating__slug", flat=True)) >= {"misleading", "false"}
    in_review = Claim.objects.get(status=ClaimStatus.IN_REVIEW)
    assert in_review.review.approver is None
    assert in_review.review.author == reviewer


def test_writes_went_through_the_services(demo):
    reviewer = get_user_model().objects.get(username="reviewer")
    for claim in Claim.objects.all():
        first = claim.history.earliest("history_date")
        assert first.history_type == "+"
        assert first.history_user == reviewer
        assert claim.created_by == reviewer
        assert claim.search_extra  # kept up to date by the services
    published = Claim.objects.filter(status=ClaimStatus.PUBLISHED).first()
    assert list(published.history.order_by("history_date").values_list("status", flat=True)) == [
        "new",
        "triaged",
        "triaged",  # assigned to the reviewer before research starts
        "in_research",
        "in_review",
        "published",
    ]


def test_demo_users_have_their_roles_and_can_log_in(demo):
    user_model = get_user_model()
    reviewer = user_model.objects.get(username="reviewer")
    editor = user_model.objects.get(username="editor")
    admin = user_model.objects.get(username="admin")
    assert list(reviewer.groups.values_list("name", flat=True)) == ["Reviewer"]
    assert list(editor.groups.values_list("name", flat=True)) == ["Editor"]
    assert list(admin.groups.values_list("name", flat=True)) == ["Admin"]
    assert admin.is_superuser and admin.is_staff
    assert not reviewer.is_superuser and reviewer.is_staff
    assert reviewer.has_perm("claims.work_claim") and not reviewer.has_perm("claims.publish_claim")
    assert editor.has_perm("claims.publish_claim")
    for username in ("reviewer", "editor", "admin"):
        assert authenticate(_request(), username=username, password=content.DEFAULT_PASSWORD) is not None


def test_password_comes_from_the_environment(db, monkeypatch):
    monkeypatch.setenv("FACTCHECK_DEMO_PASSWORD", "another-secret-99")
    output = load_demo()
    assert "another-secret-99" not in output
    assert authenticate(_request(), username="editor", password="another-secret-99") is not None
    assert authenticate(_request(), username="editor", password=content.DEFAULT_PASSWORD) is None


def test_existing_accounts_are_never_changed(db):
    user_model = get_user_model()
    real_admin = UserFactory(username="admin", role="Editor", is_superuser=False)
    old_hash = real_admin.password
    output = load_demo()
    real_admin.refresh_from_db()
    assert real_admin.password == old_hash
    assert not real_admin.is_superuser
    assert list(real_admin.groups.values_list("name", flat=True)) == ["Editor"]
    assert re.search(r"^\s+admin\s+\(existing user, password unchanged\)", output, re.M)
    assert user_model.objects.get(username="reviewer").check_password(content.DEFAULT_PASSWORD)


def test_an_existing_account_without_the_needed_role_stops_the_load(db):
    UserFactory(username="editor", role="Reviewer")
    with pytest.raises(CommandError, match="'editor' already exists without the Editor role"):
        load_demo()
    assert Claim.objects.count() == 0


def test_a_password_set_after_the_demo_is_kept(demo):
    admin = get_user_model().objects.get(username="admin")
    admin.set_password("set-by-make-run-42")
    admin.save()
    load_demo()
    assert authenticate(_request(), username="admin", password="set-by-make-run-42") is not None


def test_without_debug_the_default_password_is_refused(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="FACTCHECK_DEMO_PASSWORD"):
        load_demo()
    assert not get_user_model().objects.filter(username="admin").exists()
    assert Claim.objects.count() == 0


def test_a_claim_moved_off_the_demo_path_is_left_alone(demo):
    editor = get_user_model().objects.get(username="editor")
    claim = Claim.objects.filter(status=ClaimStatus.PUBLISHED).first()
    services.claim_transition(claim=claim, user=editor, to="retracted")
    output = load_demo()
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.RETRACTED
    assert f"Left as it is (moved off the demo path): {claim.slug} (retracted)" in output
    assert Claim.objects.count() == len(content.CLAIMS)


def test_an_interrupted_load_is_resumed(db):
    load_demo(no_articles=True)
    assert Article.objects.count() == 0
    # Pretend a run stopped after creating a claim that should have been published.
    spec = next(s for s in content.CLAIMS if s.status == ClaimStatus.PUBLISHED)
    Claim.objects.filter(text=spec.text).delete()
    reviewer = get_user_model().objects.get(username="reviewer")
    services.claim_create(user=reviewer, text=spec.text, language=spec.language)
    output = load_demo()
    claim = Claim.objects.get(text=spec.text)
    assert claim.status == ClaimStatus.PUBLISHED
    assert claim.review.approver.username == "editor"
    assert "Claims created: 0" in output
    assert Article.objects.count() == len(articles.ARTICLES)


def test_article_corpus_has_talks_and_hard_negatives(demo):
    about_talks = [a for a in articles.ARTICLES if a.relevant]
    negatives = [a for a in articles.ARTICLES if not a.relevant]
    assert len(about_talks) >= 4 and len(negatives) >= 2
    for spec in negatives:
        article = Article.objects.get(url=spec.url)
        assert article.published_at.year == 2021
        assert "Geneva" in article.text or "Genève" in article.text
    assert set(Article.objects.values_list("language", flat=True)) == {"en", "nb"}
    assert all(a.url.startswith(("https://news.example/", "https://nyheter.example/")) for a in articles.ARTICLES)


def test_public_pages_serve_the_demo(demo, client):
    listing = client.get("/factchecks/")
    assert listing.status_code == 200
    for claim in Claim.objects.all():
        response = client.get(f"/factchecks/{claim.slug}/")
        if claim.status in LIVE_STATES:
            assert response.status_code == 200
            script = re.search(r'<script type="application/ld\+json">(.*?)</script>', response.content.decode(), re.S)
            data = json.loads(script.group(1))
            assert data["claimReviewed"] == claim.claim_reviewed
            assert data["reviewRating"]["alternateName"] == claim.review.rating.label_for(claim.language)
            assert data["inLanguage"] == claim.language
            assert claim.review.headline in listing.content.decode()
        else:
            assert response.status_code == 404


def _demo_texts() -> list[str]:
    texts: list[str] = []
    for spec in content.CLAIMS:
        texts += [spec.text, spec.claim_reviewed] + [a.quote for a in spec.appearances]
        texts += [v.rationale for v in (spec.verdict, spec.update) if v] + [c.body for c in spec.comments]
    for article in articles.ARTICLES:
        texts += [article.title, article.summary, article.text]
    return texts


def _shingles(text: str, n: int = 7) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.lower())
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


@pytest.mark.skipif(not SEED.exists(), reason="the seed article is not available here")
def test_demo_text_is_not_copied_from_the_seed_article():
    seed = set().union(*(_shingles(p.read_text()) for p in SEED.glob("*.txt")))
    copied = [t for t in _demo_texts() if _shingles(t) & seed]
    assert copied == []


def test_the_demo_desk_has_candidate_claims_some_already_tracked(demo):
    assert "candidate claims found:" in demo
    candidates = CandidateClaim.objects.all()
    assert candidates.filter(status="new").count() >= 3
    assert candidates.filter(status="tracked", claim__isnull=False).exists()
    assert {c.language for c in candidates} == {"nb", "en"}

"""POST /api/v1/checkworthiness/ and the candidates queue: the contract, permissions on every
path (anonymous 401, a token without the desk's groups 403), oversized and empty input."""

from __future__ import annotations

import json

import pytest
from knox.models import AuthToken
from rest_framework.test import APIClient

from claims.intake.candidates import extract_for_article
from claims.intake.checkworthiness import SHIPPED_MODEL, Model
from claims.models import CandidateClaim, Claim
from tests.factories import ArticleFactory, ClaimFactory
from tests.test_api_support import API, client_for, fresh_throttle_counts  # noqa: F401

pytestmark = pytest.mark.django_db

TEXT = (
    "Av Kari Nordvik, Genève\n\n"
    "Russland har ingen planer om å invadere Ukraina, sa Lavrov etter møtet. "
    "Møtet startet kl. 10 og varte i halvannen time.\n\n"
    "Ifølge Pentagon er 8500 amerikanske soldater satt i forhøyet beredskap. "
    "Det var en fin dag ved Genfersjøen."
)


def token_client(user) -> APIClient:
    _instance, token = AuthToken.objects.create(user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


@pytest.fixture
def found(db):
    article = ArticleFactory(text=TEXT, language="nb")
    extract_for_article(article)
    return list(CandidateClaim.objects.order_by("start"))


# --- POST /checkworthiness/ -------------------------------------------------------------------


def test_scores_every_sentence_with_exact_offsets(reviewer):
    text = "  Møtet starter kl. 14.  Ifølge SSB falt arbeidsledigheten til 3,4 prosent i august, sa Støre. Hva nå?"
    response = token_client(reviewer).post(f"{API}/checkworthiness/", {"text": text}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"language", "threshold", "sentences"}
    assert body["language"] == "nb"
    assert body["threshold"] == pytest.approx(Model.load(SHIPPED_MODEL).threshold)
    sentences = body["sentences"]
    assert [s["text"] for s in sentences] == [
        "Møtet starter kl. 14.",
        "Ifølge SSB falt arbeidsledigheten til 3,4 prosent i august, sa Støre.",
        "Hva nå?",
    ]
    for s in sentences:
        assert set(s) == {"text", "start", "end", "score", "checkworthy", "speaker"}
        assert text[s["start"] : s["end"]] == s["text"]
        assert 0 <= s["score"] <= 1 and s["checkworthy"] == (s["score"] >= body["threshold"])
    assert [s["checkworthy"] for s in sentences] == [False, True, False]
    assert sentences[1]["speaker"] == "SSB" and sentences[0]["speaker"] is None


def test_offsets_are_code_points_and_language_can_be_given(reviewer):
    text = "Emoji 😀 first. Unemployment fell to 3.4 percent in August, the statistics office said."
    body = client_for(reviewer).post(f"{API}/checkworthiness/", {"text": text, "language": "en"}, format="json").json()
    assert body["language"] == "en"
    assert [text[s["start"] : s["end"]] for s in body["sentences"]] == [s["text"] for s in body["sentences"]]


@pytest.mark.parametrize(
    "payload",
    [{}, {"text": ""}, {"text": "   \n "}, {"text": 5}, {"text": "Hei.", "language": "de"}, {"text": "Hei.", "x": 1}],
)
def test_missing_blank_or_bad_input_is_400(reviewer, payload):
    response = client_for(reviewer).post(f"{API}/checkworthiness/", payload, format="json")
    assert response.status_code == 400, response.content
    assert set(response.json()) <= {"text", "language", "x", "non_field_errors", "detail"}


def test_text_over_100000_characters_is_413(reviewer):
    client = client_for(reviewer)
    ok = client.post(f"{API}/checkworthiness/", {"text": "a" * 100_000}, format="json")
    assert ok.status_code == 200
    too_long = client.post(f"{API}/checkworthiness/", {"text": "a" * 100_001}, format="json")
    assert too_long.status_code == 413 and "100,000 characters" in too_long.json()["detail"]
    huge = client.post(
        f"{API}/checkworthiness/", data=json.dumps({"text": "ø" * 700_000}), content_type="application/json"
    )
    assert huge.status_code == 413 and "100,000 characters" in huge.json()["detail"]


def test_checkworthiness_is_for_signed_in_desk_members(outsider, editor):
    assert client_for().post(f"{API}/checkworthiness/", {"text": "Hei."}, format="json").status_code == 401
    assert token_client(outsider).post(f"{API}/checkworthiness/", {"text": "Hei."}, format="json").status_code == 403
    assert client_for(editor).post(f"{API}/checkworthiness/", {"text": "Hei."}, format="json").status_code == 200


# --- The candidates queue ---------------------------------------------------------------------


def test_candidate_list_shape_order_and_filters(reviewer, found):
    client = token_client(reviewer)
    response = client.get(f"{API}/candidates/")
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["id"] for r in results] == [c.pk for c in sorted(found, key=lambda c: (-c.score, -c.pk))]
    item = results[0]
    assert set(item) == {
        "id", "text", "score", "language", "status", "article", "article_url", "start", "end", "speaker", "claim",
        "checked_elsewhere", "created_at",
    }  # fmt: skip
    article = found[0].article
    assert item["article"] == article.pk and item["article_url"] == article.url
    assert article.text[item["start"] : item["end"]] == item["text"]
    assert client.get(f"{API}/candidates/?language=en").json()["results"] == []
    assert len(client.get(f"{API}/candidates/?status=new&language=nb").json()["results"]) == 2
    assert client.get(f"{API}/candidates/?min_score=1").json()["results"] == []
    assert len(client.get(f"{API}/candidates/?article={article.pk}").json()["results"]) == 2
    for bad in ("status=maybe", "min_score=x", "min_score=2", "article=abc"):
        assert client.get(f"{API}/candidates/?{bad}").status_code == 400, bad
    detail = client.get(f"{API}/candidates/{found[0].pk}/")
    assert detail.status_code == 200 and detail.json()["speaker"] == "Lavrov"


def test_accept_is_201_then_200_with_the_same_claim(reviewer, found):
    client = token_client(reviewer)
    first = client.post(f"{API}/candidates/{found[1].pk}/accept/")
    assert first.status_code == 201, first.content
    claim = first.json()
    assert claim["text"] == found[1].text and claim["status"] == "new"
    again = client.post(f"{API}/candidates/{found[1].pk}/accept/")
    assert again.status_code == 200 and again.json()["id"] == claim["id"]
    assert Claim.objects.count() == 1
    listed = client.get(f"{API}/candidates/?status=accepted").json()["results"]
    assert [(c["id"], c["claim"]) for c in listed] == [(found[1].pk, claim["id"])]


def test_accepting_a_tracked_candidate_answers_200_with_the_tracked_claim(reviewer):
    tracked = ClaimFactory(text="Russia has no plans to invade Ukraine", language="en", claim_reviewed="")
    extract_for_article(ArticleFactory(text=TEXT, language="nb"))
    candidate = CandidateClaim.objects.get(status="tracked")
    assert client_for(reviewer).get(f"{API}/candidates/?status=tracked").json()["results"][0]["claim"] == tracked.pk
    response = client_for(reviewer).post(f"{API}/candidates/{candidate.pk}/accept/")
    assert response.status_code == 200 and response.json()["id"] == tracked.pk
    assert Claim.objects.count() == 1


def test_dismiss_is_200_and_idempotent_and_conflicts_with_accept(editor, found):
    client = client_for(editor)
    for _ in range(2):
        response = client.post(f"{API}/candidates/{found[0].pk}/dismiss/")
        assert response.status_code == 200 and response.json()["status"] == "dismissed"
    assert client.post(f"{API}/candidates/{found[0].pk}/accept/").status_code == 409
    client.post(f"{API}/candidates/{found[1].pk}/accept/")
    assert client.post(f"{API}/candidates/{found[1].pk}/dismiss/").status_code == 409


def test_candidates_are_for_the_desk_only(outsider, found):
    paths = [
        ("get", f"{API}/candidates/"),
        ("get", f"{API}/candidates/{found[0].pk}/"),
        ("post", f"{API}/candidates/{found[0].pk}/accept/"),
        ("post", f"{API}/candidates/{found[0].pk}/dismiss/"),
    ]
    for method, path in paths:
        assert getattr(client_for(), method)(path).status_code == 401, path
        assert getattr(token_client(outsider), method)(path).status_code == 403, path
    assert not Claim.objects.exists()
    assert set(CandidateClaim.objects.values_list("status", flat=True)) == {"new"}


def test_unknown_candidate_is_404(reviewer):
    assert client_for(reviewer).post(f"{API}/candidates/999999/accept/").status_code == 404


def test_endpoints_are_in_the_openapi_schema(reviewer):
    schema = client_for(reviewer).get("/api/schema/?format=json").json()
    paths = schema["paths"]
    assert "post" in paths["/api/v1/checkworthiness/"]
    assert "get" in paths["/api/v1/candidates/"]
    assert "post" in paths["/api/v1/candidates/{id}/accept/"]
    assert "post" in paths["/api/v1/candidates/{id}/dismiss/"]
    accept = paths["/api/v1/candidates/{id}/accept/"]["post"]["responses"]
    assert {"200", "201", "401", "403", "404", "409"} <= set(accept)
    assert "413" in paths["/api/v1/checkworthiness/"]["post"]["responses"]

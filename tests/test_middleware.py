"""Finding 5: NUL characters and forged cursor offsets are refused at the edge (400), never a 500.

On PostgreSQL a NUL reaching a query was a 500; these tests also run there (`make test-pg`).
"""

from __future__ import annotations

import base64

import pytest
from django.test import Client

from claims.models import Review, Tag
from tests.factories import ClaimFactory, UserFactory
from tests.test_api_support import API, client_for, fresh_throttle_counts  # noqa: F401

NUL_MESSAGE = "NUL (U+0000)"


def _refused(response) -> None:
    assert response.status_code == 400, response.content
    assert NUL_MESSAGE in response.content.decode()


def test_review_with_a_nul_in_a_field_is_400(reviewer):
    claim = ClaimFactory(status="in_research")
    response = client_for(reviewer).post(
        f"{API}/reviews/", {"claim": claim.pk, "rationale": "a\u0000b", "rating": "false"}, format="json"
    )
    _refused(response)
    assert not Review.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        {"text": "a\u0000b"},
        {"text\u0000": "fine"},
        {"tags": ["ok", "bad\u0000tag"]},
        {"appearances": [{"url": "https://example.org/\u0000"}]},
    ],
)
def test_any_nul_in_a_json_body_is_400_whatever_the_field(reviewer, body):
    claim = ClaimFactory(status="in_research")
    client = client_for(reviewer)
    etag = client.get(f"{API}/claims/{claim.pk}/")["ETag"]
    response = client.patch(f"{API}/claims/{claim.pk}/", body, format="json", HTTP_IF_MATCH=etag)
    _refused(response)


def test_a_nul_in_a_path_segment_is_400(db):
    Tag.objects.create(name="geneva", slug="geneva")
    _refused(client_for().get(f"{API}/tags/a%00b/"))
    assert client_for().get(f"{API}/tags/geneva/").status_code in (200, 404)


@pytest.mark.parametrize(
    "query",
    ["search=a%00b", "status=draft%00", "updated_since=2022-01-21T00:00:00%00", "cursor=%00", "a%00=1"],
)
def test_a_nul_in_any_query_parameter_is_400(db, query):
    _refused(client_for().get(f"{API}/claims/?{query}"))


def test_the_google_face_answers_in_its_own_error_shape(db):
    response = client_for().get("/v1alpha1/claims:search?query=a%00b")
    _refused(response)
    assert response.json()["error"]["status"] == "INVALID_ARGUMENT"


def test_admin_forms_and_search_refuse_nul(db):
    staff = UserFactory(username="boss", is_superuser=True)
    client = Client()
    client.force_login(staff)
    _refused(client.get("/admin/claims/claim/?q=a%00b"))
    _refused(client.post("/admin/login/", {"username": "x\u0000y", "password": "p"}))
    assert "text/plain" in client.get("/admin/claims/claim/?q=a%00b")["Content-Type"]


def _cursor(raw: str) -> str:
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "raw",
    [
        "2022-01-21T00:00:00+23:59|1",
        "2022-01-21T00:00:00-23:59|1",
        "2022-01-21T00:00:00+01:00|1",
        "0001-01-01T00:00:00-23:59|1",
        "2022-01-21T00:00:00+00:00|99999999999999999999999",
        "2022-01-21T00:00:00+00:00|-1",
    ],
)
def test_a_cursor_not_written_by_the_server_is_400(db, raw):
    response = client_for().get(f"{API}/claims/?cursor={_cursor(raw)}")
    assert response.status_code == 400, response.content
    assert "cursor" in response.json()


def test_a_cursor_the_server_wrote_still_works(db):
    ClaimFactory(status="published")
    first = client_for().get(f"{API}/claims/?pagination=cursor&page_size=1").json()
    assert client_for().get(f"{API}/claims/?cursor={first['next_cursor']}").status_code == 200

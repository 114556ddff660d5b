"""Tokens (issue_token, hashed storage, expiry, revocation), session auth with CSRF, throttling,
body limits, and the OpenAPI schema and its docs."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
import yaml
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import override_settings
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from claims.api.exceptions import PayloadTooLarge
from claims.api.parsers import LimitedJSONParser
from claims.models import Claim
from tests.test_api_support import API, client_for, fresh_throttle_counts, live_claim  # noqa: F401

pytestmark = pytest.mark.django_db


def issue(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("issue_token", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def token_client(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


# --- issue_token and knox tokens --------------------------------------------------------------


def test_issue_token_creates_user_in_group_and_prints_only_the_token():
    out, err = issue("partner-bot", "--group", "reviewer")
    token = out.strip()
    assert out == token + "\n" and len(token) == 64 and " " not in token
    assert "partner-bot" in err  # "Created user …" goes to stderr, not stdout
    user = User.objects.get(username="partner-bot")
    assert list(user.groups.values_list("name", flat=True)) == ["Reviewer"]
    assert not user.has_usable_password()
    instance = AuthToken.objects.get(user=user)
    assert instance.expiry > timezone.now() + dt.timedelta(days=364)

    response = token_client(token).post(f"{API}/claims/", {"text": "By token.", "language": "en"}, format="json")
    assert response.status_code == 201
    assert Claim.objects.get().created_by == user


def test_token_is_stored_hashed():
    token = issue("hash-check")[0].strip()
    with connection.cursor() as cursor:
        cursor.execute("SELECT digest, token_key FROM knox_authtoken")
        rows = cursor.fetchall()
    assert len(rows) == 1
    digest, key = rows[0]
    assert token not in digest and digest != token and len(digest) == 128
    assert token.startswith(key) and len(key) < len(token)  # only a lookup prefix is kept in clear


def test_existing_user_gets_group_and_another_token():
    issue("erika", "--group", "reviewer")
    out, err = issue("erika", "--group", "editor", "--expiry-days", "0")
    user = User.objects.get(username="erika")
    assert set(user.groups.values_list("name", flat=True)) == {"Reviewer", "Editor"}
    assert user.auth_token_set.count() == 2
    assert AuthToken.objects.get(user=user, token_key=out.strip()[:15]).expiry is None
    assert err == ""


def test_issue_token_refuses_bad_input():
    with pytest.raises(CommandError):
        issue("bad name with spaces")
    with pytest.raises(CommandError):
        issue("someone", "--expiry-days", "-1")
    with pytest.raises(CommandError):
        issue("someone", "--group", "chief")
    assert not User.objects.filter(username__in=["bad name with spaces", "someone"]).exists()


def test_expired_and_revoked_tokens_are_refused():
    token = issue("short-lived", "--group", "reviewer", "--expiry-days", "1")[0].strip()
    client = token_client(token)
    assert client.get(f"{API}/claims/?status=new").status_code == 200
    AuthToken.objects.update(expiry=timezone.now() - dt.timedelta(seconds=1))
    assert client.get(f"{API}/claims/").status_code == 401

    token = issue("revoked", "--group", "reviewer")[0].strip()
    assert token_client(token).get(f"{API}/claims/").status_code == 200
    AuthToken.objects.filter(user__username="revoked").delete()  # what "delete" in the admin does
    assert token_client(token).get(f"{API}/claims/").status_code == 401


def test_a_token_request_reads_only_its_own_token_and_expired_ones_are_purged_daily():
    from django.test.utils import CaptureQueriesContext

    from claims import services

    token = issue("busy-bot", "--group", "reviewer")[0].strip()
    issue("busy-bot", "--expiry-days", "1")
    AuthToken.objects.filter(user__username="busy-bot", expiry__lt=timezone.now() + dt.timedelta(days=2)).update(
        expiry=timezone.now() - dt.timedelta(days=1)
    )
    with CaptureQueriesContext(connection) as ctx:
        assert token_client(token).get(f"{API}/claims/").status_code == 200
    token_reads = [q["sql"] for q in ctx.captured_queries if "knox_authtoken" in q["sql"]]
    assert len(token_reads) == 1, token_reads  # knox would read all the user's tokens again
    assert AuthToken.objects.filter(user__username="busy-bot").count() == 2  # the expired one waits...
    assert services.api_tokens_purge_expired() == 1  # ...for the daily purge
    assert AuthToken.objects.filter(user__username="busy-bot").count() == 1
    assert token_client(token).get(f"{API}/claims/").status_code == 200


@pytest.mark.parametrize("role", ["reviewer", "editor", "admin"])
def test_a_token_brings_the_same_permissions_as_djangos_backend_in_two_queries(role):
    from django.contrib.auth.backends import ModelBackend
    from django.contrib.auth.models import Permission
    from django.test.utils import CaptureQueriesContext

    from claims.api.auth import TokenAuthentication

    token = issue(f"{role}-perms-bot", "--group", role)[0].strip()
    user = User.objects.get(username=f"{role}-perms-bot")
    user.user_permissions.add(Permission.objects.get(codename="view_feed"))  # own, beside the group's
    with CaptureQueriesContext(connection) as ctx:
        authed, _token = TokenAuthentication().authenticate_credentials(token.encode())
        perms = authed.get_all_permissions()
        assert authed.has_perm("claims.view_feed")
    assert perms == ModelBackend().get_all_permissions(User.objects.get(pk=user.pk))
    assert "claims.view_feed" in perms
    assert len(ctx.captured_queries) == 2  # the token with its user, then the permissions


def test_a_superusers_token_still_means_every_permission():
    from claims.api.auth import TokenAuthentication

    admin = User.objects.create_superuser("root-bot", password="x-not-used-0123")
    _token, secret = AuthToken.objects.create(admin)
    authed, _ = TokenAuthentication().authenticate_credentials(secret.encode())
    assert authed.has_perm("claims.delete_claim")
    assert authed.get_all_permissions() >= {"claims.delete_claim", "auth.add_user"}


def test_bearer_is_accepted_like_token(reviewer):
    token = issue("bearer-bot", "--group", "reviewer")[0].strip()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert client.get(f"{API}/claims/?status=new").status_code == 200
    client.credentials(HTTP_AUTHORIZATION="Bearer")
    assert client.get(f"{API}/claims/").status_code == 401


def test_wrong_token_is_401_with_challenge():
    response = token_client("0" * 64).get(f"{API}/claims/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_admin_creates_token_and_sees_it_once(desk_admin, reviewer):
    from django.test import Client

    browser = Client()
    browser.force_login(desk_admin)
    response = browser.post(
        "/admin/knox/authtoken/add/", {"user": reviewer.pk, "expiry_0": "", "expiry_1": ""}, follow=True
    )
    assert response.status_code == 200
    messages = [str(m) for m in response.context["messages"]]
    token = next(m for m in messages if m.startswith("TOKEN ")).split(" ", 1)[1]
    assert token_client(token).get(f"{API}/claims/{live_claim().pk}/history/").status_code == 200
    listing = browser.get("/admin/knox/authtoken/")
    assert token.encode() not in listing.content


# --- Session auth ---------------------------------------------------------------------------------


def test_session_writes_need_the_csrf_token(reviewer):
    browser = APIClient(enforce_csrf_checks=True)
    csrf = browser.get("/admin/login/").cookies["csrftoken"].value
    browser.force_login(reviewer)
    body = {"text": "From the browser.", "language": "en"}
    response = browser.post(f"{API}/claims/", body, format="json")
    assert response.status_code == 403 and "CSRF" in response.json()["detail"]
    assert not Claim.objects.exists()
    response = browser.post(f"{API}/claims/", body, format="json", HTTP_X_CSRFTOKEN=csrf)
    assert response.status_code == 201


def test_session_reads_work(reviewer):
    browser = APIClient()
    browser.force_login(reviewer)
    hidden = Claim.objects.create(text="Draft", language="en", slug="draft")
    assert browser.get(f"{API}/claims/{hidden.pk}/").status_code == 200


# --- Throttling ------------------------------------------------------------------------------------


def _rates(anon: str, user: str) -> dict:
    from django.conf import settings

    return {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": anon, "user": user}}


def test_anonymous_clients_are_throttled():
    with override_settings(REST_FRAMEWORK=_rates("3/minute", "100/minute")):
        statuses = [client_for().get(f"{API}/claims/").status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        response = client_for().get(f"{API}/claims/")
        assert int(response["Retry-After"]) > 0 and "detail" in response.json()


def test_signed_in_clients_are_throttled_per_user():
    first = issue("busy", "--group", "reviewer")[0].strip()
    other = issue("calm", "--group", "reviewer")[0].strip()
    with override_settings(REST_FRAMEWORK=_rates("100/minute", "2/minute")):
        statuses = [token_client(first).get(f"{API}/claims/").status_code for _ in range(3)]
        assert statuses == [200, 200, 429]
        assert token_client(other).get(f"{API}/claims/").status_code == 200


@pytest.mark.redis
def test_throttle_counts_live_in_redis():
    import redis

    location = "redis://127.0.0.1:6379/6"
    try:
        redis.Redis.from_url(location).ping()
    except redis.ConnectionError:
        pytest.skip("Redis is not running")
    caches = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": location}}
    with override_settings(CACHES=caches, REST_FRAMEWORK=_rates("2/minute", "100/minute")):
        from django.core.cache import cache

        cache.clear()
        statuses = [client_for().get(f"{API}/claims/").status_code for _ in range(3)]
        assert statuses == [200, 200, 429]
        keys = redis.Redis.from_url(location).keys("*throttle_anon*")
        assert keys
        cache.clear()


# --- Body limits ------------------------------------------------------------------------------------


class _Request:
    def __init__(self, length: int | str) -> None:
        self.META = {"CONTENT_LENGTH": str(length)}


def test_parser_refuses_a_body_longer_than_its_content_length(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    parser = LimitedJSONParser()
    small = json.dumps({"text": "x"}).encode()
    assert parser.parse(io.BytesIO(small), parser_context={"request": _Request(len(small))}) == {"text": "x"}
    big = json.dumps({"text": "x" * 2000}).encode()
    with pytest.raises(PayloadTooLarge):
        parser.parse(io.BytesIO(big), parser_context={"request": _Request(10)})
    with pytest.raises(PayloadTooLarge):
        parser.parse(io.BytesIO(big), parser_context={"request": _Request(len(big))})


# --- OpenAPI ------------------------------------------------------------------------------------------


def test_schema_validates_without_warnings(tmp_path):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    assert target.read_text().startswith("openapi: 3")


@pytest.fixture
def schema() -> dict:
    response = client_for().get("/api/schema/")
    assert response.status_code == 200
    return yaml.safe_load(response.content)


def _codes(schema: dict, path: str, method: str) -> set[int]:
    return {int(code) for code in schema["paths"][path][method]["responses"]}


def test_schema_documents_every_endpoint_and_status(schema):
    # 401 on every operation (a bad or revoked token is refused even where none is needed) and
    # 415 on every body (issue 11, finding 6: every 4xx an operation can give is documented).
    expected = {
        ("/api/v1/claims/", "get"): {200, 400, 401, 404, 429},
        ("/api/v1/claims/", "post"): {201, 400, 401, 403, 413, 415, 429},
        ("/api/v1/claims/{id}/", "get"): {200, 304, 401, 404, 429},
        ("/api/v1/claims/{id}/", "patch"): {200, 400, 401, 403, 404, 412, 413, 415, 428, 429},
        ("/api/v1/claims/{id}/", "delete"): {204, 401, 403, 404, 409, 429},
        ("/api/v1/claims/{id}/transition/", "post"): {200, 400, 401, 403, 404, 409, 413, 415, 429},
        ("/api/v1/claims/{id}/history/", "get"): {200, 401, 403, 404, 429},
        ("/api/v1/claims/{id}/claimreview/", "get"): {200, 400, 401, 404, 429},
        ("/api/v1/claims/export/", "get"): {200, 400, 401, 429},
        ("/api/v1/claimants/", "post"): {201, 400, 401, 403, 413, 415, 429},
        ("/api/v1/claimants/{id}/", "patch"): {200, 400, 401, 403, 404, 409, 413, 415, 429},
        ("/api/v1/sources/", "get"): {200, 400, 401, 404, 429},
        ("/api/v1/ratings/{id}/", "patch"): {200, 400, 401, 403, 404, 409, 413, 415, 429},
        ("/api/v1/reviews/", "post"): {201, 400, 401, 403, 409, 412, 413, 415, 429},
        ("/api/v1/tags/{slug}/", "get"): {200, 401, 404, 429},
    }
    for (path, method), codes in expected.items():
        assert _codes(schema, path, method) == codes, (path, method)

    list_params = {p["name"] for p in schema["paths"]["/api/v1/claims/"]["get"]["parameters"]}
    assert list_params >= {
        "status",
        "rating",
        "language",
        "claimant",
        "tag",
        "assignee",
        "claim_date_after",
        "claim_date_before",
        "updated_since",
        "q",
        "ordering",
        "page",
        "page_size",
        "cursor",
        "pagination",
    }
    patch = schema["paths"]["/api/v1/claims/{id}/"]["patch"]
    assert any(p["name"] == "If-Match" and p["in"] == "header" and p["required"] for p in patch["parameters"])
    assert "ETag" in patch["responses"]["200"]["headers"]
    assert patch["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("PatchedClaimUpdate")
    export = schema["paths"]["/api/v1/claims/export/"]["get"]
    assert set(export["responses"]["200"]["content"]) == {"application/x-ndjson", "text/csv"}
    assert (
        "application/ld+json"
        in schema["paths"]["/api/v1/claims/{id}/claimreview/"]["get"]["responses"]["200"]["content"]
    )
    create = schema["components"]["schemas"]["ClaimCreate"]
    assert set(create["required"]) == {"text", "language"}
    assert create["properties"]["text"]["maxLength"] == 5000
    assert create["properties"]["claim_reviewed"]["maxLength"] == 200
    assert set(schema["components"]["securitySchemes"]) >= {"knoxApiToken", "cookieAuth"}
    # What the strict serializers enforce is stated, so generated clients and fuzzers agree with the server.
    assert create["additionalProperties"] is False
    assert create["properties"]["language"]["pattern"].startswith("^[a-z]{2,3}")
    appearance = schema["components"]["schemas"]["AppearanceInput"]
    assert appearance["additionalProperties"] is False
    assert appearance["properties"]["url"]["pattern"].startswith("^[Hh]")


def test_docs_are_served_without_a_cdn():
    for page in ("/api/docs/", "/api/redoc/"):
        html = client_for().get(page).content.decode()
        assert "/static/drf_spectacular_sidecar/" in html
        assert "cdn." not in html and "unpkg" not in html


def test_a_new_forwarded_for_header_per_request_does_not_escape_the_throttle():
    # Finding 2: DRF counted X-Forwarded-For as the client, so a fresh header per request
    # was a fresh identity. Without trusted proxies configured the header means nothing.
    with override_settings(REST_FRAMEWORK=_rates("3/minute", "100/minute")):
        statuses = [
            client_for().get(f"{API}/claims/", HTTP_X_FORWARDED_FOR=f"198.51.100.{i}").status_code for i in range(5)
        ]
        assert statuses == [200, 200, 200, 429, 429]


def test_behind_a_trusted_proxy_clients_are_counted_apart():
    with override_settings(REST_FRAMEWORK=_rates("2/minute", "100/minute"), TRUSTED_PROXY_COUNT=1):
        first = [client_for().get(f"{API}/claims/", HTTP_X_FORWARDED_FOR="198.51.100.1").status_code for _ in range(3)]
        other = client_for().get(f"{API}/claims/", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.2").status_code
        assert first == [200, 200, 429]
        assert other == 200


# --- Wrong tokens -----------------------------------------------------------------------------------


@override_settings(API_BAD_TOKEN_RATE="3/minute")
def test_repeated_wrong_tokens_from_one_client_are_throttled(reviewer):
    good = issue("keeper", "--group", "reviewer")[0].strip()
    guesses = [
        client_for().get(f"{API}/claims/", HTTP_AUTHORIZATION=f"Token {'0' * 63}{i}").status_code for i in range(5)
    ]
    assert guesses == [401, 401, 401, 429, 429]
    refused = client_for().get(f"{API}/claims/", HTTP_AUTHORIZATION=f"Token {good}")
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    # Another client is not affected, and anonymous reads of the same client still work.
    assert (
        client_for().get(f"{API}/claims/", HTTP_AUTHORIZATION=f"Token {good}", REMOTE_ADDR="198.51.100.3").status_code
        == 200
    )
    assert client_for().get(f"{API}/claims/").status_code == 200


@override_settings(API_BAD_TOKEN_RATE="2/minute")
def test_wrong_bearer_tokens_on_the_google_face_are_throttled_too():
    statuses = [
        client_for().get("/v1alpha1/pages", HTTP_AUTHORIZATION="Bearer not-a-token").status_code for _ in range(3)
    ]
    assert statuses == [401, 401, 429]


def test_a_good_token_is_not_counted():
    good = issue("steady", "--group", "reviewer")[0].strip()
    with override_settings(API_BAD_TOKEN_RATE="1/minute"):
        for _ in range(3):
            assert token_client(good).get(f"{API}/claims/").status_code == 200

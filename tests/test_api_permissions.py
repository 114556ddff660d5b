"""The permission matrix: every endpoint × method × role, with the status each role gets.

Roles: anonymous, outsider (signed in, in no desk group), reviewer, editor, desk admin.
Hidden resources are 404 (never 403), anonymous writes are 401, a role without the
model permission or workflow right gets 403, and a method a route does not have is 405
for everyone. Below the matrix: the walk over every route and action, which fails on an
action without an explicit rule (claims/api/permissions.py).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from claims.models import Rating, Tag
from tests.factories import ClaimFactory, ReviewFactory, SourceFactory, UserFactory
from tests.test_api_support import API, client_for, fresh_throttle_counts, live_claim  # noqa: F401

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "outsider", "reviewer", "editor", "admin")


@pytest.fixture
def world(db) -> dict[str, Any]:
    published = live_claim()
    hidden = ClaimFactory(status="new")
    hidden.tags.set([Tag.objects.create(name="Internal", slug="internal")])
    hidden_source = SourceFactory()
    hidden.appearances.create(source=hidden_source, quote="draft quote")
    draft = ReviewFactory(claim=ClaimFactory(status="in_research"))
    retired = Rating.objects.create(slug="pants-on-fire", label_en="Pants on fire", label_nb="Løgn", is_active=False)
    return {
        "P": published,
        "U": hidden,
        "R": ClaimFactory(status="in_research"),  # no verdict yet
        "draft": draft,
        "hidden_source": hidden_source,
        "retired": retired,
    }


def _etag(claim) -> dict[str, str]:
    claim.refresh_from_db()
    return {"HTTP_IF_MATCH": f'"{claim.pk}-{claim.version}"'}


NEW_CLAIM = {"text": "A claim for the matrix.", "language": "en", "claimant": "Matrix Claimant"}
NEW_RATING = {"slug": "satire", "label_en": "Satire", "label_nb": "Satire", "rating_value": None}

# (name, method, path(world), body(world) or None, headers(world) or None, expected per role)
CASES: list[tuple] = [
    ("api root", "get", lambda w: f"{API}/", None, None, (200, 200, 200, 200, 200)),
    ("schema", "get", lambda w: "/api/schema/", None, None, (200, 200, 200, 200, 200)),
    ("docs", "get", lambda w: "/api/docs/", None, None, (200, 200, 200, 200, 200)),
    ("redoc", "get", lambda w: "/api/redoc/", None, None, (200, 200, 200, 200, 200)),
    # Claims
    ("claims list", "get", lambda w: f"{API}/claims/", None, None, (200, 200, 200, 200, 200)),
    ("claims create", "post", lambda w: f"{API}/claims/", lambda w: NEW_CLAIM, None, (401, 403, 201, 201, 201)),
    ("claim published", "get", lambda w: f"{API}/claims/{w['P'].pk}/", None, None, (200, 200, 200, 200, 200)),
    ("claim hidden", "get", lambda w: f"{API}/claims/{w['U'].pk}/", None, None, (404, 404, 200, 200, 200)),
    (
        "patch published",
        "patch",
        lambda w: f"{API}/claims/{w['P'].pk}/",
        lambda w: {"location": "Geneva"},
        lambda w: _etag(w["P"]),
        (401, 403, 200, 200, 200),
    ),
    (
        "patch hidden",
        "patch",
        lambda w: f"{API}/claims/{w['U'].pk}/",
        lambda w: {"location": "Geneva"},
        lambda w: _etag(w["U"]),
        (401, 404, 200, 200, 200),
    ),
    ("put claim", "put", lambda w: f"{API}/claims/{w['P'].pk}/", lambda w: NEW_CLAIM, None, (405,) * 5),
    ("delete published", "delete", lambda w: f"{API}/claims/{w['P'].pk}/", None, None, (401, 403, 403, 204, 204)),
    ("delete hidden", "delete", lambda w: f"{API}/claims/{w['U'].pk}/", None, None, (401, 404, 403, 204, 204)),
    (
        "triage hidden",
        "post",
        lambda w: f"{API}/claims/{w['U'].pk}/transition/",
        lambda w: {"to": "triaged"},
        None,
        (401, 404, 200, 200, 200),
    ),
    (
        "retract published",
        "post",
        lambda w: f"{API}/claims/{w['P'].pk}/transition/",
        lambda w: {"to": "retracted"},
        None,
        (401, 403, 403, 200, 200),
    ),
    (
        "send for review without verdict",
        "post",
        lambda w: f"{API}/claims/{w['R'].pk}/transition/",
        lambda w: {"to": "in_review"},
        None,
        (401, 404, 409, 409, 409),
    ),
    ("history published", "get", lambda w: f"{API}/claims/{w['P'].pk}/history/", None, None, (401, 403, 200, 200, 200)),
    ("history hidden", "get", lambda w: f"{API}/claims/{w['U'].pk}/history/", None, None, (401, 404, 200, 200, 200)),
    ("claimreview published", "get", lambda w: f"{API}/claims/{w['P'].pk}/claimreview/", None, None, (200,) * 5),
    (
        "claimreview hidden",
        "get",
        lambda w: f"{API}/claims/{w['U'].pk}/claimreview/",
        None,
        None,
        (404, 404, 200, 200, 200),
    ),
    ("export", "get", lambda w: f"{API}/claims/export/", None, None, (200, 200, 200, 200, 200)),
    # Claimants
    ("claimants list", "get", lambda w: f"{API}/claimants/", None, None, (200,) * 5),
    ("claimant published", "get", lambda w: f"{API}/claimants/{w['P'].claimant_id}/", None, None, (200,) * 5),
    (
        "claimant hidden",
        "get",
        lambda w: f"{API}/claimants/{w['U'].claimant_id}/",
        None,
        None,
        (404, 404, 200, 200, 200),
    ),
    (
        "claimant create",
        "post",
        lambda w: f"{API}/claimants/",
        lambda w: {"name": "Dmitrij Peskov", "kind": "person"},
        None,
        (401, 403, 201, 201, 201),
    ),
    (
        "claimant patch published",
        "patch",
        lambda w: f"{API}/claimants/{w['P'].claimant_id}/",
        lambda w: {"job_title": "Foreign minister"},
        None,
        (401, 403, 200, 200, 200),
    ),
    (
        "claimant patch hidden",
        "patch",
        lambda w: f"{API}/claimants/{w['U'].claimant_id}/",
        lambda w: {"job_title": "Spokesman"},
        None,
        (401, 404, 200, 200, 200),
    ),
    (
        "claimant delete",
        "delete",
        lambda w: f"{API}/claimants/{w['P'].claimant_id}/",
        None,
        None,
        (405,) * 5,
    ),
    # Sources
    ("sources list", "get", lambda w: f"{API}/sources/", None, None, (200,) * 5),
    (
        "source published",
        "get",
        lambda w: f"{API}/sources/{w['P'].appearances.get().source_id}/",
        None,
        None,
        (200,) * 5,
    ),
    (
        "source cited by published verdict",
        "get",
        lambda w: f"{API}/sources/{w['P'].review.evidence.get().pk}/",
        None,
        None,
        (200,) * 5,
    ),
    (
        "source hidden",
        "get",
        lambda w: f"{API}/sources/{w['hidden_source'].pk}/",
        None,
        None,
        (404, 404, 200, 200, 200),
    ),
    (
        "source create",
        "post",
        lambda w: f"{API}/sources/",
        lambda w: {"url": "https://news.example/transcript", "title": "Transcript"},
        None,
        (401, 403, 201, 201, 201),
    ),
    (
        "source patch",
        "patch",
        lambda w: f"{API}/sources/{w['P'].appearances.get().source_id}/",
        lambda w: {"outlet": "Example Wire"},
        None,
        (401, 403, 200, 200, 200),
    ),
    # Ratings
    ("ratings list", "get", lambda w: f"{API}/ratings/", None, None, (200,) * 5),
    ("rating retired", "get", lambda w: f"{API}/ratings/{w['retired'].pk}/", None, None, (404, 404, 200, 200, 200)),
    ("rating create", "post", lambda w: f"{API}/ratings/", lambda w: NEW_RATING, None, (401, 403, 403, 403, 201)),
    (
        "rating patch",
        "patch",
        lambda w: f"{API}/ratings/{w['retired'].pk}/",
        lambda w: {"is_active": True},
        None,
        (401, 404, 403, 403, 200),
    ),
    # Reviews
    ("reviews list", "get", lambda w: f"{API}/reviews/", None, None, (200,) * 5),
    ("review published", "get", lambda w: f"{API}/reviews/{w['P'].review.pk}/", None, None, (200,) * 5),
    ("review draft", "get", lambda w: f"{API}/reviews/{w['draft'].pk}/", None, None, (404, 404, 200, 200, 200)),
    (
        "review create",
        "post",
        lambda w: f"{API}/reviews/",
        lambda w: {"claim": w["R"].pk, "rating": "false", "rationale": "Troops at the border."},
        None,
        (401, 403, 201, 201, 201),
    ),
    (
        "review patch draft",
        "patch",
        lambda w: f"{API}/reviews/{w['draft'].pk}/",
        lambda w: {"headline": "Revised"},
        None,
        (401, 404, 200, 200, 200),
    ),
    (
        "review patch published",
        "patch",
        lambda w: f"{API}/reviews/{w['P'].review.pk}/",
        lambda w: {"headline": "Corrected"},
        None,
        (401, 403, 403, 409, 409),  # editors: 409, a live verdict changes through corrections/
    ),
    # Tags
    ("tags list", "get", lambda w: f"{API}/tags/", None, None, (200,) * 5),
    ("tag hidden", "get", lambda w: f"{API}/tags/internal/", None, None, (404, 404, 200, 200, 200)),
    ("tag create", "post", lambda w: f"{API}/tags/", lambda w: {"name": "NATO"}, None, (405,) * 5),
]


def _user(role: str):
    if role == "anonymous":
        return None
    group = {"outsider": None, "reviewer": "Reviewer", "editor": "Editor", "admin": "Admin"}[role]
    return UserFactory(username=f"matrix-{role}", role=group)


@pytest.mark.parametrize("role_index", range(len(ROLES)), ids=ROLES)
@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_permission_matrix(world, case, role_index):
    name, method, path, body, headers, expected = case
    client = client_for(_user(ROLES[role_index]))
    kwargs: dict[str, Any] = dict(headers(world)) if headers else {}
    if body is not None:
        kwargs.update(data=body(world), format="json")
    response = getattr(client, method)(path(world), **kwargs)
    assert response.status_code == expected[role_index], (name, ROLES[role_index], response.content[:300])


@pytest.mark.parametrize("role", ROLES)
def test_lists_leave_out_what_the_role_may_not_see(world, role):
    client = client_for(_user(role))
    desk = role in ("reviewer", "editor", "admin")
    claims = {c["id"] for c in client.get(f"{API}/claims/?page_size=100").json()["results"]}
    assert (world["U"].pk in claims) is desk and world["P"].pk in claims
    sources = {s["id"] for s in client.get(f"{API}/sources/?page_size=100").json()["results"]}
    assert (world["hidden_source"].pk in sources) is desk
    claimants = {c["id"] for c in client.get(f"{API}/claimants/?page_size=100").json()["results"]}
    assert (world["U"].claimant_id in claimants) is desk and world["P"].claimant_id in claimants
    reviews = {r["id"] for r in client.get(f"{API}/reviews/?page_size=100").json()["results"]}
    assert (world["draft"].pk in reviews) is desk and world["P"].review.pk in reviews
    tags = {t["slug"] for t in client.get(f"{API}/tags/").json()["results"]}
    assert ("internal" in tags) is desk
    ratings = {r["slug"] for r in client.get(f"{API}/ratings/").json()["results"]}
    assert ("pants-on-fire" in ratings) is desk and "false" in ratings
    exported = b"".join(client.get(f"{API}/claims/export/").streaming_content).decode().splitlines()
    assert ({json.loads(line)["id"] for line in exported} == claims) and (world["U"].pk in claims) is desk


def test_anonymous_write_gets_a_token_challenge(world):
    response = client_for().post(f"{API}/claims/", NEW_CLAIM, format="json")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


# --- Every route, every action: an explicit rule or the suite fails -------------------------------


def _drf_routes() -> list[tuple[str, Any]]:
    """(route, view function) for every DRF view the project serves."""
    from django.urls import URLPattern, URLResolver, get_resolver
    from rest_framework.views import APIView

    found: list[tuple[str, Any]] = []

    def walk(patterns: list[Any], prefix: str) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern):
                cls = getattr(entry.callback, "cls", None)
                if cls is not None and issubclass(cls, APIView):
                    found.append((prefix + str(entry.pattern), entry.callback))

    walk(get_resolver().url_patterns, "/")
    return found


def _actions(callback: Any) -> set[str]:
    """The action names the permission rules must cover for one route (OPTIONS is "metadata")."""
    cls = callback.cls
    if getattr(callback, "actions", None):  # a ViewSet route: method -> action
        allowed = set(getattr(callback, "initkwargs", {}).get("http_method_names") or cls.http_method_names)
        return {action for method, action in callback.actions.items() if method in allowed} | {"metadata"}
    handlers = {m for m in cls.http_method_names if m not in ("head", "options") and hasattr(cls, m)}
    return handlers | {"metadata"}


def test_every_action_of_every_route_has_an_explicit_rule():
    from rest_framework.settings import api_settings

    from claims.api.permissions import ActionPermissions

    routes = _drf_routes()
    assert len(routes) > 20, routes  # the walk found the API (and the Google face)
    covered: dict[type, set[str]] = {}
    for route, callback in routes:
        cls = callback.cls
        assert list(cls.permission_classes) == [ActionPermissions], (route, cls.permission_classes)
        rules = getattr(cls, "permission_rules", {})
        missing = _actions(callback) - set(rules)
        assert not missing, f"{route}: {cls.__name__} has no permission rule for {sorted(missing)}"
        detail = getattr(callback, "initkwargs", {}).get("detail")
        for action in _actions(callback):
            if rules[action].after_lookup:
                assert detail, f"{route}: {cls.__name__}.{action} checks after the lookup but has no object"
        covered.setdefault(cls, set()).update(_actions(callback))
        # The defaults live in REST_FRAMEWORK only (the Google face adds its error format and challenge).
        assert cls.authentication_classes == api_settings.DEFAULT_AUTHENTICATION_CLASSES, route
        assert cls.parser_classes == api_settings.DEFAULT_PARSER_CLASSES, route
        assert cls.throttle_classes == api_settings.DEFAULT_THROTTLE_CLASSES, route
    for cls, actions in covered.items():
        stale = set(cls.permission_rules) - actions
        assert not stale, f"{cls.__name__} has rules for actions it does not have: {sorted(stale)}"


def test_an_action_without_a_rule_is_refused(world, editor):
    """A new GET @action on the claims viewset, added without a rule, is not open to anyone."""
    from rest_framework.decorators import action
    from rest_framework.response import Response
    from rest_framework.test import APIRequestFactory, force_authenticate

    from claims.api.views import ClaimViewSet

    class Careless(ClaimViewSet):
        @action(detail=True, methods=["get"])
        def secret(self, request: Any, pk: str) -> Response:
            return Response({"leaked": self.get_object().pk})

    view = Careless.as_view({"get": "secret"}, detail=True)
    factory = APIRequestFactory()
    assert view(factory.get("/x/"), pk=str(world["P"].pk)).status_code == 401
    request = factory.get("/x/")
    force_authenticate(request, editor)
    assert view(request, pk=str(world["P"].pk)).status_code == 403


def test_rules_say_who_may_call(editor, reviewer):
    from django.contrib.auth.models import AnonymousUser

    from claims.api.permissions import OPEN, SIGNED_IN, needs

    anonymous = AnonymousUser()
    assert OPEN.allows(anonymous) and OPEN.allows(reviewer)
    assert not SIGNED_IN.allows(anonymous) and SIGNED_IN.allows(reviewer)
    feeds = needs("claims.add_feed")
    assert feeds.allows(editor) and not feeds.allows(reviewer) and not feeds.allows(anonymous)
    with pytest.raises(ValueError):
        needs()


def test_json_only_no_browsable_api(world):
    """The API speaks JSON only (README): a browser's Accept gets JSON, a strict text/html a 406."""
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = client_for().get(f"{API}/claims/", HTTP_ACCEPT=browser)
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert client_for().get(f"{API}/claims/", HTTP_ACCEPT="text/html").status_code == 406
    assert client_for().get(f"{API}/", HTTP_ACCEPT=browser)["Content-Type"] == "application/json"

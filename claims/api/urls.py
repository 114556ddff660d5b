"""Routes of the REST API, mounted at /api/: version 1 under /api/v1/, the schema and its docs.

Anything else under /api/ is a JSON 404 (not the site's HTML page), so clients always get
the documented error shape, e.g. for /api/v1/claims/abc/.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.urls import Resolver404, include, path, re_path, resolve
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework import routers

from claims.api.candidate_views import CandidateViewSet, CheckworthinessViewSet
from claims.api.discovery_views import discovery_urls
from claims.api.intake_views import intake_urls
from claims.api.permissions import OPEN, ActionPermissions
from claims.api.resources import ClaimantViewSet, RatingViewSet, ReviewViewSet, SourceViewSet, TagViewSet
from claims.api.views import ClaimViewSet
from claims.api.watch_views import watch_urls

app_name = "api"


@csrf_exempt  # it changes nothing; a CSRF page would be HTML, not the API's JSON error
def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    """JSON 404; a GET that only lacks its trailing slash is redirected as APPEND_SLASH would."""
    if request.method in ("GET", "HEAD") and not request.path.endswith("/"):
        try:
            match = resolve(request.path + "/")
        except Resolver404:
            match = None
        if match is not None and match.func is not not_found:
            query = request.META.get("QUERY_STRING", "")
            return HttpResponsePermanentRedirect(request.path + "/" + (f"?{query}" if query else ""))
    return JsonResponse({"detail": _("Not found.")}, status=404)


class ApiRootView(routers.APIRootView):
    """The index of /api/v1/: links to every resource."""

    permission_rules = {"get": OPEN, "metadata": OPEN}


class SchemaView(SpectacularAPIView):
    """The OpenAPI document."""

    permission_classes = [ActionPermissions]
    permission_rules = {"get": OPEN, "metadata": OPEN}


class SwaggerView(SpectacularSwaggerView):
    """Swagger UI for the OpenAPI document."""

    permission_classes = [ActionPermissions]
    permission_rules = {"get": OPEN, "metadata": OPEN}


class RedocView(SpectacularRedocView):
    """Redoc for the OpenAPI document."""

    permission_classes = [ActionPermissions]
    permission_rules = {"get": OPEN, "metadata": OPEN}


router = routers.DefaultRouter()
router.APIRootView = ApiRootView
router.register("claims", ClaimViewSet, basename="claim")
router.register("claimants", ClaimantViewSet, basename="claimant")
router.register("sources", SourceViewSet, basename="source")
router.register("ratings", RatingViewSet, basename="rating")
router.register("reviews", ReviewViewSet, basename="review")
router.register("tags", TagViewSet, basename="tag")
router.register("checkworthiness", CheckworthinessViewSet, basename="checkworthiness")
router.register("candidates", CandidateViewSet, basename="candidate")

urlpatterns = [
    path("v1/", include(router.urls)),
    path("v1/", include(discovery_urls)),  # related articles, jobs, feeds, articles, duplicates
    path("v1/", include(watch_urls)),  # notifications, webhooks, recurrences
    path("v1/", include(intake_urls)),  # reader tips and imports
    path("schema/", SchemaView.as_view(), name="schema"),
    path("docs/", SwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", RedocView.as_view(url_name="api:schema"), name="redoc"),
    re_path(r"^(?P<rest>[\s\S]*)$", not_found),  # [\s\S]: a path with a newline too
]

"""Routes of the REST API, mounted at /api/: version 1 under /api/v1/, the schema and its docs."""

from __future__ import annotations

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from claims.api.discovery_views import discovery_urls
from claims.api.resources import ClaimantViewSet, RatingViewSet, ReviewViewSet, SourceViewSet, TagViewSet
from claims.api.views import ClaimViewSet

app_name = "api"

router = DefaultRouter()
router.register("claims", ClaimViewSet, basename="claim")
router.register("claimants", ClaimantViewSet, basename="claimant")
router.register("sources", SourceViewSet, basename="source")
router.register("ratings", RatingViewSet, basename="rating")
router.register("reviews", ReviewViewSet, basename="review")
router.register("tags", TagViewSet, basename="tag")

urlpatterns = [
    path("v1/", include(router.urls)),
    path("v1/", include(discovery_urls)),  # related articles, jobs, feeds, articles, duplicates
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
]

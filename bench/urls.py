"""The project's URLs plus the bench-only comparison views (mounted only by bench/run.py)."""

from __future__ import annotations

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from bench.naive import NaiveClaimViewSet, PrefetchedClaimViewSet, default_admin_site
from factcheck.urls import urlpatterns as project_urlpatterns

router = SimpleRouter()
router.register("naive", NaiveClaimViewSet, basename="bench-naive")
router.register("prefetched", PrefetchedClaimViewSet, basename="bench-prefetched")

urlpatterns = [
    path("bench/", include(router.urls)),
    path("bench/default-admin/", default_admin_site.urls),
    *project_urlpatterns,
]

"""URL routes: the admin (the desk's workplace), the REST API, and public fact-check pages."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.generic import RedirectView

from claims.admin.language import workplace_language_view
from claims.tip_views import tip_page
from claims.watch.feeds import SITEMAPS
from factcheck import health

urlpatterns = [
    # Probes for the load balancer and the process manager: unauthenticated, cheap, no internals.
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("admin/language/", admin.site.admin_view(workplace_language_view), name="workplace-language"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("factchecks/", include("claims.urls")),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("tips/", tip_page, name="tips"),
    # The REST API: /api/v1/… and its OpenAPI schema and docs at /api/schema/ and /api/docs/
    path("api/", include("claims.api.urls")),
    # Google Fact Check Tools API (v1alpha1) compatibility: /v1alpha1/claims:search, /v1alpha1/pages
    path("", include("claims.api.google")),
    path("", RedirectView.as_view(pattern_name="factchecks:list", permanent=False)),
]

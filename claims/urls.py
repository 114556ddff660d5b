"""Routes for the public fact-check pages, mounted at /factchecks/ by factcheck/urls.py."""

from __future__ import annotations

from django.urls import path, re_path

from claims import views
from claims.watch import feeds

app_name = "factchecks"

urlpatterns = [
    path("", views.FactcheckListView.as_view(), name="list"),
    # Before the slug route: these names win over a claim's slug (claim slugs avoid them).
    path("feed/", feeds.FactcheckFeed(), name="feed"),
    path("feed/tag/<slug:slug>/", feeds.TagFactcheckFeed(), name="feed-tag"),
    re_path(r"^feed/language/(?P<language>[A-Za-z]{2,3})/$", feeds.LanguageFactcheckFeed(), name="feed-language"),
    path("<slug:slug>/", views.FactcheckDetailView.as_view(), name="detail"),
]

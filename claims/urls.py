"""Routes for the public fact-check pages, mounted at /factchecks/ by factcheck/urls.py."""

from __future__ import annotations

from django.urls import path

from claims import views

app_name = "factchecks"

urlpatterns = [
    path("", views.FactcheckListView.as_view(), name="list"),
    path("<slug:slug>/", views.FactcheckDetailView.as_view(), name="detail"),
]

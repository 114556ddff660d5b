"""The implementations the real ones are measured against; they live in bench/ only.

- `NaiveClaimViewSet`: a plain ModelViewSet over the API's claim fields (DRF's own list
  serialization), with no select_related/prefetch_related and DRF's page-number
  pagination (a full COUNT) — what a first version of the API typically looks like: one
  query per claimant, review, rating, tag list and appearance list on every row.
- `PrefetchedClaimViewSet`: the same with the joins and prefetches a first tuning adds,
  still DRF's own serialization and stock pagination.
- `default_admin_site`: the claim changelist as Django's admin builds it from a few
  declarative options (related and all-values list filters, icontains search, full
  result counts), for the admin growth comparison.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Prefetch
from rest_framework import serializers, viewsets
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer

from claims import selectors, workflow
from claims.api.serializers import ClaimSerializer
from claims.models import Appearance, Claim


class StockClaimSerializer(ClaimSerializer):
    """The API's claim fields, serialized by DRF's own ListSerializer."""

    class Meta(ClaimSerializer.Meta):
        list_serializer_class = serializers.ListSerializer


class StockPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 100


class NaiveClaimViewSet(viewsets.ReadOnlyModelViewSet):
    """Published claims, serialized row by row with lazy related lookups."""

    serializer_class = StockClaimSerializer
    pagination_class = StockPagination
    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer]
    authentication_classes: list = []

    def get_queryset(self):
        return Claim.objects.filter(status__in=workflow.LIVE_STATES).order_by("-updated_at", "-id")


class PrefetchedClaimViewSet(NaiveClaimViewSet):
    """The same, with the selector's select_related/prefetch_related."""

    def get_queryset(self):
        # What a first tuned version does: the joins and prefetches, nothing more.
        return (
            selectors.claims_visible_to(user=self.request.user)
            .select_related("claimant", "assignee", "review__rating")
            .defer("search_vector", "search_extra")
            .prefetch_related("tags", Prefetch("appearances", queryset=Appearance.objects.select_related("source")))
            .order_by("-updated_at", "-id")
        )


default_admin_site = admin.AdminSite(name="benchdefaultadmin")


@admin.register(Claim, site=default_admin_site)
class DefaultClaimAdmin(admin.ModelAdmin):
    """The changelist Django gives for the same columns, filters and search, untuned."""

    list_display = ("__str__", "status", "claimant", "language", "assignee", "priority", "claim_date", "updated_at")
    list_filter = ("status", "priority", "assignee", "language", "claimant", "tags", "claim_date", "updated_at")
    search_fields = ("text", "claim_reviewed", "claimant__name", "appearances__quote")
    ordering = ("-updated_at",)
    list_per_page = 50

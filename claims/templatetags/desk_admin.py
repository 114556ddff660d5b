"""Template tags for the desk's admin pages: the dashboard and the status badges."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html

from claims.admin.dashboard import dashboard_for
from claims.workflow import ClaimStatus

register = template.Library()


@register.simple_tag(takes_context=True)
def desk_dashboard(context: template.Context) -> dict[str, Any] | None:
    """`{% desk_dashboard as dash %}`: the current user's dashboard, or None."""
    request = context.get("request")
    return dashboard_for(getattr(request, "user", None))


@register.simple_tag
def status_badge(status: str) -> str:
    """`{% status_badge claim.status %}`: the coloured badge used across the admin."""
    try:
        label = ClaimStatus(status).label
    except ValueError:
        label = status
    return format_html('<span class="fc-badge fc-status fc-status-{}">{}</span>', status, label)

"""Template tags for the desk's admin pages: the dashboard and the status badges."""

from __future__ import annotations

from typing import Any

from django import template

from claims.admin.base import status_badge_html
from claims.admin.dashboard import dashboard_for
from claims.textcut import cut_at_word

register = template.Library()


@register.simple_tag(takes_context=True)
def desk_dashboard(context: template.Context) -> dict[str, Any] | None:
    """`{% desk_dashboard as dash %}`: the current user's dashboard, or None."""
    request = context.get("request")
    return dashboard_for(getattr(request, "user", None))


@register.simple_tag
def status_badge(status: str) -> str:
    """`{% status_badge claim.status %}`: the coloured badge used across the admin."""
    return status_badge_html(status)


@register.filter
def cut_words(value: Any, limit: int = 90) -> str:
    """Like `truncatechars`, but never in the middle of a word."""
    return cut_at_word(str(value), int(limit))

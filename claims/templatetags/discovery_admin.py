"""`{% discovery_panel %}`: the related-articles and duplicates panel on the admin's claim page."""

from __future__ import annotations

from typing import Any

from django import template

from claims.admin.discovery import PANEL_TEMPLATE, panel_context

register = template.Library()


@register.inclusion_tag(PANEL_TEMPLATE, takes_context=True)
def discovery_panel(context: template.Context) -> dict[str, Any]:
    claim = context.get("claim") or context.get("original")
    if claim is None:
        raise template.TemplateSyntaxError("discovery_panel needs the claim in the context.")
    request = context["request"]
    return {**panel_context(request, claim), "request": request, "csrf_token": context.get("csrf_token")}

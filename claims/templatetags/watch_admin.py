"""`{% notification_bell %}`: the bell with the unread count in the workplace's header."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from claims import selectors_watch, workflow
from claims.admin.watch import desk_member

register = template.Library()


@register.simple_tag(takes_context=True)
def notification_bell(context: template.Context) -> str:
    request = context.get("request")
    user = getattr(request, "user", None)
    if not desk_member(user):
        return ""
    count = selectors_watch.unread_notification_count(user=user)
    label = ngettext("%(count)d unread notification", "%(count)d unread notifications", count) % {"count": count}
    return format_html(
        '<a href="{}?read=no" id="fc-bell" class="fc-bell{}" title="{}" aria-label="{}">'
        '<span aria-hidden="true">&#128276;</span> {} <span class="fc-bell-count">{}</span></a> / ',
        reverse("admin:claims_notification_changelist"),
        " fc-bell-unread" if count else "",
        label,
        label,
        _("Notifications"),
        count,
    )


@register.simple_tag(takes_context=True)
def recurrence_panel(context: template.Context) -> dict[str, Any] | None:
    """The claim page's recurrences (live and retracted claims only: others cannot recur)."""
    claim = context.get("claim") or context.get("original")
    request = context.get("request")
    user = getattr(request, "user", None)
    if claim is None or user is None or not desk_member(user) or claim.published_at is None:
        return None
    items = list(selectors_watch.recurrences_list(claim_id=claim.pk)[:50])
    return {
        "items": items,
        "new_count": sum(1 for r in items if r.status == "new"),
        "can_decide": user.has_perm(workflow.WORK),
        "can_update": user.has_perm(workflow.PUBLISH) and claim.status in workflow.LIVE_STATES,
        "back": reverse("admin:claims_claim_change", args=[claim.pk]) + "#recurrences",
    }

"""`{% notification_bell %}`: the bell with the unread count in the workplace's header."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from claims import selectors_watch
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

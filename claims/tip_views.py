"""The public tip page, /tips/: readers tell the desk what they want checked (no login).

Every POST counts against the client IP's rate limits before anything else is looked at,
so a flood of malformed posts is throttled too. A filled-in honeypot field gets the usual
thank-you page and stores nothing.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from claims.client_ip import client_ip
from claims.intake.limits import tip_rate_check
from claims.services import tips as tip_services

HONEYPOT = "website"


class TipForm(forms.Form):
    text = forms.CharField(
        label=_("What was claimed?"),
        max_length=tip_services.MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Quote or describe the claim you would like us to check."),
    )
    url = forms.URLField(
        label=_("Where did you see it? (optional)"),
        max_length=tip_services.MAX_URL,
        required=False,
        assume_scheme="https",
    )
    contact = forms.EmailField(label=_("Your e-mail (optional)"), required=False)
    consent = forms.BooleanField(
        label=_("Tell me when this is checked. I agree that the desk keeps my e-mail address for that."),
        required=False,
    )
    # Hidden from people by CSS and from assistive technology; bots fill in every field.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("contact") and not data.get("consent"):
            self.add_error(
                "consent",
                _("Tick the box if you want us to write to you, or leave the e-mail address empty."),
            )
        return data


def _render(request: HttpRequest, form: TipForm, *, status: int = 200, **extra: Any) -> HttpResponse:
    context = {
        "form": form,
        "organization_name": settings.FACTCHECK_ORGANIZATION_NAME,
        "retention_days": settings.TIPS_CONTACT_RETENTION_DAYS,
        **extra,
    }
    return render(request, "claims/tip_form.html", context, status=status)


@never_cache
def tip_page(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _render(request, TipForm(), sent=request.GET.get("sent") == "1")
    verdict = tip_rate_check(client_ip(request))
    if not verdict.allowed:
        response = _render(request, TipForm(), status=429, limited=True)
        response["Retry-After"] = str(verdict.retry_after)
        return response
    try:
        too_big = int(request.META.get("CONTENT_LENGTH") or 0) > settings.TIPS_MAX_BODY_BYTES
    except ValueError:
        too_big = True
    if too_big:
        return _render(request, TipForm(), status=413, too_big=True)
    form = TipForm(request.POST)
    if request.POST.get(HONEYPOT):
        return redirect(f"{reverse('tips')}?sent=1")
    if not form.is_valid():
        return _render(request, form, status=400)
    data = form.cleaned_data
    try:
        tip_services.tip_receive(
            text=data["text"],
            url=data["url"],
            language=translation.get_language() or settings.LANGUAGE_CODE,
            contact=data["contact"],
            consent=data["consent"],
        )
    except tip_services.TipInvalid as exc:
        for field, messages in exc.field_errors.items():
            for message in messages:
                form.add_error(field if field in form.fields else None, message)
        return _render(request, form, status=400)
    return redirect(f"{reverse('tips')}?sent=1")

"""The workplace's language switcher: each desk member picks the admin's language once.

The choice is stored as their `UserPreference` (so it follows them to another browser at
their next sign-in) and kept in the session, so that no admin page pays a query for it.
`WorkplaceLanguageMiddleware` applies it to the admin; public pages keep following the
fact-check's own language, and the API the request's Accept-Language.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from claims import services
from claims.exceptions import ServiceError
from claims.models import UserPreference
from claims.services.preferences import supported_language

SESSION_KEY = "fc_workplace_language"


def preferred_language(user: Any) -> str:
    """The user's stored workplace language, or "" to follow the browser."""
    if not getattr(user, "is_authenticated", False):
        return ""
    found = UserPreference.objects.filter(user=user).values_list("language", flat=True).first()
    return found or ""


class WorkplaceLanguageMiddleware:
    """Shows the admin in the signed-in member's chosen language (after LocaleMiddleware and auth)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and request.path_info.startswith(_admin_prefix()):
            stored = request.session.get(SESSION_KEY)
            # The session remembers whose choice it holds: a new sign-in reads the preference again.
            if not isinstance(stored, list) or len(stored) != 2 or stored[0] != user.pk:
                stored = [user.pk, preferred_language(user)]
                request.session[SESSION_KEY] = stored
            language = stored[1]
            if language and supported_language(language):
                translation.activate(language)
                request.LANGUAGE_CODE = language
        return self.get_response(request)


def _admin_prefix() -> str:
    return reverse("admin:index")


def workplace_language_view(request: HttpRequest) -> HttpResponse:
    """POST {"language", "next"}: store the member's choice and go back where they were.

    Routed through `admin.site.admin_view`: staff only, CSRF-checked, never cached.
    """
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    language = request.POST.get("language", "")
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("admin:index")
    try:
        services.user_language_set(user=request.user, language=language)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return HttpResponseRedirect(target)
    request.session[SESSION_KEY] = [request.user.pk, language]
    response = HttpResponseRedirect(target)
    if language:
        # The same cookie Django's own switcher sets, so the sign-in page follows the choice too.
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
        with translation.override(language):
            messages.success(
                request, _("The workplace is now shown in %(language)s.") % {"language": _language_name(language)}
            )
    else:
        response.delete_cookie(settings.LANGUAGE_COOKIE_NAME, path=settings.LANGUAGE_COOKIE_PATH)
    return response


def _language_name(code: str) -> str:
    return str(dict(settings.LANGUAGES).get(code, code))

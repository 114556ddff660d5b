"""A desk member's own settings (today: the language of the workplace)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from claims.exceptions import ServiceError
from claims.models import UserPreference


def supported_language(code: str) -> bool:
    return code in {c for c, _label in settings.LANGUAGES}


@transaction.atomic
def user_language_set(*, user: Any, language: str) -> UserPreference:
    """Store the language the workplace is shown in for `user`; "" returns to the browser's choice."""
    language = (language or "").strip()
    if language and not supported_language(language):
        raise ServiceError(_("Unsupported language: %(code)s.") % {"code": language})
    preference, _created = UserPreference.objects.update_or_create(user=user, defaults={"language": language})
    return preference

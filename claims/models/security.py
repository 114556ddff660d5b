"""Login lockouts as the desk's admin shows them (the rows are django-axes's)."""

from __future__ import annotations

from axes.models import AccessAttempt
from django.utils.translation import gettext_lazy as _


class LoginLockout(AccessAttempt):
    """Failed admin sign-ins counted per username and client IP (django-axes's AccessAttempt).

    A proxy, so the admin can list them under the desk's own, translated names; deleting a
    row lifts that lockout.
    """

    class Meta:
        proxy = True
        verbose_name = _("login lockout")
        verbose_name_plural = _("login lockouts")

"""API tokens: knox's (stored hashed, revocable, expiring), sent as `Token <key>` or `Bearer <key>`.

The one token authentication of the HTTP API (`REST_FRAMEWORK` in settings): the desk's REST
API and the Google Fact Check Tools face accept both keywords, since Google's clients send
`Bearer`. The challenge in a 401 is `Token`; the Google face answers with its own.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from knox import auth as knox_auth
from knox.models import AuthToken
from knox.signals import token_expired
from rest_framework import exceptions
from rest_framework.authentication import get_authorization_header
from rest_framework.request import Request

from claims.api.throttling import BadTokenGuard


class TokenAuthentication(knox_auth.TokenAuthentication):
    """Knox tokens under either keyword, in one query (the token with its user).

    Knox would also read all the user's other tokens on every request to delete expired
    ones; here only the presented token's expiry is checked (an expired token is deleted
    and refused), and `purge_expired_tokens` (Celery beat, daily) removes the rest.
    """

    keywords = (b"token", b"bearer")

    def authenticate(self, request: Request) -> tuple[Any, AuthToken] | None:
        auth = get_authorization_header(request).split()
        if not auth or auth[0].lower() not in self.keywords:
            return None  # not ours; the session (or nothing) may apply
        # A client that sent too many wrong tokens is refused (429) before its next is checked.
        guard = BadTokenGuard(request)
        guard.check()
        try:
            return self._check(auth)
        except exceptions.AuthenticationFailed:
            guard.record_failure()
            raise

    def _check(self, auth: list[bytes]) -> tuple[Any, AuthToken]:
        if len(auth) != 2:
            raise exceptions.AuthenticationFailed(
                _("Invalid Authorization header: give “Token <token>” or “Bearer <token>”.")
            )
        try:
            auth[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        return self.authenticate_credentials(auth[1])

    def authenticate_header(self, request: Request) -> str:
        return "Token"

    def _cleanup_token(self, auth_token: AuthToken) -> bool:
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            username = auth_token.user.get_username()
            auth_token.delete()
            token_expired.send(sender=self.__class__, username=username, source="auth_token")
            return True
        return False

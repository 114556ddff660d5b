"""Who may call what: reads are open and filtered by querysets; writes need model permissions.

Object-level visibility is the selectors' job (`claims_visible_to` and friends): a
resource a user may not see is missing from lists and a 404 on detail, PATCH and DELETE.
For detail routes the model permission is therefore checked only once the object has been
found, so a 403 never confirms that a hidden resource exists.
"""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request


def is_open_read(method: str | None, view: Any) -> bool:
    """A safe method on an action that names no permission of its own: anyone may call it."""
    return method in SAFE_METHODS and getattr(view, "action", None) not in getattr(view, "action_permissions", {})


class DeskModelPermissions(BasePermission):
    """DjangoModelPermissions for writes (add/change/delete on the view's model), open reads.

    A view can name other permissions per action in `action_permissions`
    (`{"transition": None}` means "signed in; the service decides").
    """

    method_actions = {"POST": "add", "PUT": "change", "PATCH": "change", "DELETE": "delete"}

    def _required(self, request: Request, view: Any) -> list[str]:
        overrides = getattr(view, "action_permissions", {})
        action = getattr(view, "action", None)
        if action in overrides:
            perm = overrides[action]
            return [perm] if perm else []
        model = view.get_queryset().model._meta
        verb = self.method_actions.get(request.method or "", "change")
        return [f"{model.app_label}.{verb}_{model.model_name}"]

    def _allowed(self, request: Request, view: Any) -> bool:
        return request.user.has_perms(self._required(request, view))

    def has_permission(self, request: Request, view: Any) -> bool:
        if is_open_read(request.method, view):
            return True
        if not (request.user and request.user.is_authenticated):
            return False  # DRF answers 401 with a WWW-Authenticate challenge
        if getattr(view, "detail", False):
            return True  # decided in has_object_permission, after the 404 check
        return self._allowed(request, view)

    def has_object_permission(self, request: Request, view: Any, obj: Any) -> bool:
        if is_open_read(request.method, view):
            return True
        return self._allowed(request, view)

"""Who may call what: every API view names a rule for each of its actions, and an action
without a rule is refused (401 for anonymous callers, 403 for signed-in ones).

`ActionPermissions` is the default permission class (`REST_FRAMEWORK` in settings) for the
whole HTTP API: the desk's REST API, the discovery endpoints and the Google Fact Check Tools
face. A view declares its rules in `permission_rules`, one entry per action — this is the
pattern to copy when you add a view or an `@action`:

    from claims.api.permissions import OPEN, SIGNED_IN, needs

    class FeedViewSet(ApiViewSet):
        permission_rules = {
            "list": needs("claims.view_feed"),         # signed in, with this permission
            "retrieve": needs("claims.view_feed"),
            "create": needs("claims.add_feed"),
            "harvest": needs("claims.change_feed"),    # an @action, by its method name
            "metadata": SIGNED_IN,                     # OPTIONS
        }

Action names are a ViewSet's actions (`list`, `retrieve`, `create`, `partial_update`,
`destroy`, each `@action` by its method name) or a plain APIView's handler names (`get`,
`post`, `put`, `patch`, `delete`; HEAD follows `get`); OPTIONS is `metadata` in both.
A method the view has no handler for is let through, because DRF then answers 405 and
runs nothing. `tests/test_api_permissions.py` walks every URL and fails on any action
without a rule (and on rules for actions that do not exist).

The rules:

- `OPEN` — anyone, signed in or not. Open reads are named, never implied by GET.
  Object visibility is still the selectors' job: what a caller may not see is missing
  from lists and a 404 on detail.
- `SIGNED_IN` — any signed-in user; the service decides (e.g. workflow transitions).
- `needs("app.perm", …)` — signed in with every one of these permissions, checked before
  anything is looked up.
- `needs("app.perm", …, after_lookup=True)` — on a detail route only: checked when the
  action calls `self.get_object()`, once the object was found among those the caller may
  see, so a hidden object is a 404 and a 403 never confirms that it exists. Every action
  with such a rule must call `get_object()` before it does anything.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request


@dataclass(frozen=True)
class Rule:
    """Who may call one action: anyone (`anonymous`), or a signed-in user with `perms`."""

    anonymous: bool = False
    perms: tuple[str, ...] = ()
    after_lookup: bool = False

    def allows(self, user: Any) -> bool:
        if self.anonymous:
            return True
        return bool(user and user.is_authenticated) and user.has_perms(self.perms)


OPEN = Rule(anonymous=True)
SIGNED_IN = Rule()


def needs(*perms: str, after_lookup: bool = False) -> Rule:
    """A signed-in user with all of `perms` (`"app_label.codename"`)."""
    if not perms:
        raise ValueError("needs() takes at least one permission; use SIGNED_IN for none")
    return Rule(perms=tuple(perms), after_lookup=after_lookup)


def action_name(view: Any, method: str | None) -> str | None:
    """The name a view's rules use for a request with this HTTP method (see the module docstring)."""
    verb = (method or "").lower()
    if verb == "options":
        return "metadata"
    if getattr(view, "action_map", None) is not None:  # a ViewSet: DRF resolved the action already
        return getattr(view, "action", None)
    return "get" if verb == "head" else verb


def rule_for(view: Any, method: str | None) -> Rule | None:
    """The view's rule for this method's action, or None when it has none (refused)."""
    rules: Mapping[str, Rule] = getattr(view, "permission_rules", {})
    return rules.get(action_name(view, method) or "")


def _unrouted(request: Request, view: Any) -> bool:
    """No handler for this method: DRF answers 405 without running anything."""
    method = (request.method or "").lower()
    return method not in view.http_method_names or getattr(view, method, None) is None


class ActionPermissions(BasePermission):
    """Each action's rule from the view's `permission_rules`; an action without one is refused."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if _unrouted(request, view):
            return True
        rule = rule_for(view, request.method)
        if rule is None:
            return False
        if rule.after_lookup and getattr(view, "detail", False):
            # Signed in is all we can tell yet; has_object_permission decides after the 404 check.
            return bool(request.user and request.user.is_authenticated)
        return rule.allows(request.user)

    def has_object_permission(self, request: Request, view: Any, obj: Any) -> bool:
        rule = rule_for(view, request.method)
        return rule is not None and rule.allows(request.user)

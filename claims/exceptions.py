"""Errors the services raise; each face (admin, API, tasks) turns them into its own response."""

from __future__ import annotations


class ServiceError(Exception):
    """A write was refused; nothing was changed."""

    def __init__(self, message: str, *, errors: list[str] | None = None, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors = errors or [message]
        # Which input each error is about, when a face can show it beside the field.
        self.fields = fields or {}


class TransitionNotAllowed(ServiceError):
    """The workflow has no such transition from the claim's current state (HTTP 409)."""


class TransitionForbidden(ServiceError):
    """The user's role may not make this transition or change (HTTP 403)."""


class PreconditionFailed(ServiceError):
    """The transition exists but the claim is not ready for it, e.g. no verdict yet (HTTP 409)."""


class VersionConflict(ServiceError):
    """The claim changed since the client read it (HTTP 412)."""

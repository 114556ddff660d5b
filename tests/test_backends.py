"""claims/backends.py: the same permissions as Django's ModelBackend, in one query."""

from __future__ import annotations

import django
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims.backends import DeskModelBackend
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def fresh(user):
    return get_user_model().objects.get(pk=user.pk)


@pytest.mark.parametrize("role", [None, "Reviewer", "Editor", "Admin"])
def test_same_permissions_as_djangos_backend_in_one_query(role):
    user = UserFactory(role=role)
    user.user_permissions.add(Permission.objects.get(codename="view_feed"))
    expected = ModelBackend().get_all_permissions(fresh(user))
    desk_user = fresh(user)
    with CaptureQueriesContext(connection) as ctx:
        assert DeskModelBackend().get_all_permissions(desk_user) == expected
        assert desk_user.has_perm("claims.view_feed")
    assert len(ctx.captured_queries) == 1


def test_superusers_inactive_users_and_objects():
    admin = UserFactory(is_superuser=True)
    assert DeskModelBackend().get_all_permissions(fresh(admin)) == ModelBackend().get_all_permissions(fresh(admin))
    inactive = UserFactory(role="Editor", is_active=False)
    assert DeskModelBackend().get_all_permissions(fresh(inactive)) == set()
    editor = UserFactory(role="Editor")
    assert DeskModelBackend().get_all_permissions(fresh(editor), obj=object()) == set()


def test_the_cache_is_djangos_own_attribute():
    """The result lives where Django's backend keeps it, so refetching a user gives fresh permissions."""
    assert django.VERSION[:2] == (5, 2), "re-check ModelBackend.get_all_permissions' _perm_cache on an upgrade"
    user = fresh(UserFactory(role="Reviewer"))
    ModelBackend().get_all_permissions(user)
    assert hasattr(user, "_perm_cache")  # Django's name, which DeskModelBackend reuses
    user = fresh(user)
    DeskModelBackend().get_all_permissions(user)
    assert user._perm_cache == ModelBackend().get_all_permissions(fresh(user))

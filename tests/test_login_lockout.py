"""Finding 1: the admin login locks a username + client IP out after repeated failures (django-axes)."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import Permission
from django.test import Client, RequestFactory, override_settings

from claims import services
from claims.exceptions import TransitionForbidden
from claims.models import LoginLockout
from tests.factories import UserFactory

LOGIN = "/admin/login/"
PASSWORD = "pw-for-tests-1"


@pytest.fixture
def boss(db):
    return UserFactory(username="boss", is_superuser=True)


def _post(client: Client, username: str, password: str, ip: str = "198.51.100.5", **extra):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip, **extra)


def test_wrong_passwords_lock_the_username_out_even_for_the_right_one(boss, settings, figure):
    client = Client()
    statuses = [_post(client, "boss", f"wrong-{i}").status_code for i in range(settings.AXES_FAILURE_LIMIT)]
    # The failures before the limit get the login form again; the one reaching it is refused.
    assert statuses[:-1] == [200] * (settings.AXES_FAILURE_LIMIT - 1)
    assert statuses[-1] == 429
    refused = _post(client, "boss", PASSWORD)
    assert refused.status_code == 429
    assert "_auth_user_id" not in client.session
    text = refused.content.decode()
    assert "locked" in text and "15 minutes" in text
    assert LoginLockout.objects.get(username="boss").failures_since_start >= settings.AXES_FAILURE_LIMIT
    figure("lockout", "wrong passwords before the username + IP is locked out", settings.AXES_FAILURE_LIMIT)
    figure("lockout", "the right password during the lockout", f"refused ({refused.status_code})")


def test_the_lockout_is_per_username_and_client_ip(boss, db, settings):
    UserFactory(username="colleague")
    client = Client()
    for i in range(settings.AXES_FAILURE_LIMIT):
        _post(client, "boss", f"wrong-{i}")
    # Another address, or another user from the same address, still signs in.
    assert _post(Client(), "boss", PASSWORD, ip="198.51.100.99").status_code == 302
    assert _post(Client(), "colleague", PASSWORD).status_code == 302


def test_a_forged_forwarded_for_header_does_not_reset_the_count(boss, settings):
    client = Client()
    for i in range(settings.AXES_FAILURE_LIMIT):
        _post(client, "boss", f"wrong-{i}", HTTP_X_FORWARDED_FOR=f"203.0.113.{i}")
    assert _post(client, "boss", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.200").status_code == 429


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_a_proxy_clients_are_told_apart_by_the_hop_it_wrote(boss, settings):
    client = Client()
    for i in range(settings.AXES_FAILURE_LIMIT):
        _post(client, "boss", f"wrong-{i}", ip="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert _post(Client(), "boss", PASSWORD, ip="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.7").status_code == 429
    assert _post(Client(), "boss", PASSWORD, ip="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.8").status_code == 302


def test_a_success_before_the_limit_resets_the_count(boss, settings):
    for i in range(settings.AXES_FAILURE_LIMIT - 1):
        _post(Client(), "boss", f"wrong-{i}")
    assert _post(Client(), "boss", PASSWORD).status_code == 302
    for i in range(settings.AXES_FAILURE_LIMIT - 1):
        _post(Client(), "boss", f"again-{i}")
    assert _post(Client(), "boss", PASSWORD).status_code == 302


def test_an_admin_sees_and_lifts_a_lockout(boss, desk_admin, settings):
    victim = UserFactory(username="victim")
    for i in range(settings.AXES_FAILURE_LIMIT):
        _post(Client(), "victim", f"wrong-{i}")
    assert _post(Client(), "victim", PASSWORD).status_code == 429

    admin = Client()
    admin.force_login(desk_admin)
    listing = admin.get("/admin/claims/loginlockout/")
    assert listing.status_code == 200 and "victim" in listing.content.decode()
    lockout = LoginLockout.objects.get(username=victim.username)
    response = admin.post(
        "/admin/claims/loginlockout/",
        {"action": "lift", "_selected_action": [lockout.pk]},
        follow=True,
    )
    assert "Lifted 1 lockout." in response.content.decode()
    assert not LoginLockout.objects.exists()
    assert _post(Client(), "victim", PASSWORD).status_code == 302


def test_lifting_needs_the_permission(reviewer, desk_admin):
    with pytest.raises(TransitionForbidden):
        services.login_lockouts_lift(actor=reviewer, lockout_ids=[1])
    assert desk_admin.has_perm("claims.delete_loginlockout")
    assert Permission.objects.filter(codename="delete_loginlockout", group__name="Admin").exists()


def test_reviewers_do_not_see_lockouts(reviewer):
    client = Client()
    client.force_login(reviewer)
    assert client.get("/admin/claims/loginlockout/").status_code == 403


def test_authenticate_needs_the_request(boss):
    # Every sign-in path passes the request, so lockouts apply to all of them.
    request = RequestFactory().post(LOGIN, REMOTE_ADDR="198.51.100.5")
    assert authenticate(request, username="boss", password=PASSWORD) == boss

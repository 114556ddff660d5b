"""Shared fixtures: one user per desk role, and a few ready-made claims."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.factories import ClaimFactory, ReviewFactory, UserFactory

CHROMIUM = Path("/usr/bin/chromium")


def pytest_collection_modifyitems(config, items):
    """Skip `browser` tests where Chromium is missing; in CI (where make test installs it) never."""
    if CHROMIUM.exists() or os.environ.get("CI") == "true":
        return
    skip = pytest.mark.skip(reason=f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def reviewer(db):
    return UserFactory(username="rita", role="Reviewer")


@pytest.fixture
def reviewer2(db):
    return UserFactory(username="roar", role="Reviewer")


@pytest.fixture
def editor(db):
    return UserFactory(username="erik", role="Editor")


@pytest.fixture
def desk_admin(db):
    return UserFactory(username="ada", role="Admin")


@pytest.fixture
def outsider(db):
    """Logged in, staff, but in no desk group."""
    return UserFactory(username="otto")


@pytest.fixture
def claim(db):
    return ClaimFactory()


@pytest.fixture
def reviewed_claim(db, reviewer):
    """A claim in review with a complete verdict drafted by `reviewer`."""
    review = ReviewFactory(author=reviewer, claim=ClaimFactory(status="in_review"))
    return review.claim

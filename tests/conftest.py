"""Shared fixtures: one user per desk role, and a few ready-made claims."""

from __future__ import annotations

import importlib
import os
from pathlib import Path

import pytest
from django.contrib.auth.management import create_permissions

from tests.factories import ClaimFactory, ReviewFactory, UserFactory

CHROMIUM = Path("/usr/bin/chromium")


# Tests that start processes (Celery workers, Gunicorn, Chromium) or use a Redis database of
# their own by number: `make test` runs the suite in several processes (pytest-xdist,
# `--dist loadgroup`), and these all run in one of them, one after another, as they did
# before, so two never share a broker database or compete for a worker's deadline.
_ONE_PROCESS_MARKERS = ("browser", "worker", "redis")
_ONE_PROCESS_MODULES = {"test_celery.py", "test_beat.py", "test_deployment.py", "test_worker_loss.py"}


def pytest_collection_modifyitems(config, items):
    """Give every test its own node id and keep process-starting tests together (above); skip
    `browser` tests where Chromium is missing, except in CI (where make test installs it)."""
    together = pytest.mark.xdist_group("one-process")
    try:
        grouped = bool(config.getvalue("loadgroup"))  # set in xdist's worker processes
    except ValueError:
        grouped = False
    for item in items:
        # schemathesis names each operation's item ("test_editor[GET /api/v1/claims/]") after
        # pytest made its node id from the bare function name, so all of them shared one id:
        # reports could not tell them apart, and xdist's group scheduling, which keys its work
        # by node id, ran one of them and dropped the rest. This is the id pytest would make.
        if item.parent is not None and item.name != item.nodeid.rpartition("::")[2]:
            item._id = item.parent.id.child(item.name)
        if item.path.name in _ONE_PROCESS_MODULES or any(m in item.keywords for m in _ONE_PROCESS_MARKERS):
            item.add_marker(together)
            if grouped and item.parent is not None:
                # xdist groups by a "@group" suffix of the node id, which it writes to the
                # attribute pytest 8 kept the id in; pytest 9 keeps it elsewhere, so without
                # this the group was ignored and two worker tests shared a broker.
                item._id = item.parent.id.child(f"{item.name}@one-process")
    if grouped:
        # The group is one unit of work, scheduled where its first test stands. At the end, it
        # leaves pytest-django's order intact in every process: tests in a transaction first,
        # then those that flush the database (which takes the rating scale with it).
        items[:] = [i for i in items if "@one-process" not in i.nodeid] + [
            i for i in items if "@one-process" in i.nodeid
        ]
    seen: set[str] = set()
    twice = {item.nodeid for item in items if item.nodeid in seen or seen.add(item.nodeid)}
    if twice:
        raise pytest.UsageError(f"tests share a node id, so parallel runs would skip some: {sorted(twice)[:5]}")
    if CHROMIUM.exists() or os.environ.get("CI") == "true":
        return
    skip = pytest.mark.skip(reason=f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


_SEED = importlib.import_module("claims.migrations.0002_roles_and_ratings")
_IMPORTS_SEED = importlib.import_module("claims.migrations.0009_imports_and_external_reviews")


@pytest.fixture(autouse=True)
def _desk_roles_and_ratings(request):
    """Make sure the groups, the rating scale and its rating texts from data migrations exist.

    A transactional test (live server, real worker) ends with a flush that empties every
    table; the next test would otherwise find no roles. Permissions come back by
    themselves (post_migrate runs after the flush); the migrations' data does not.
    """
    marker = request.node.get_closest_marker("django_db")
    names = request.fixturenames
    if (marker and marker.kwargs.get("transaction")) or "transactional_db" in names or "live_server" in names:
        request.getfixturevalue("transactional_db")
        from django.contrib.contenttypes.models import ContentType

        # A flush re-creates the content types under new ids, and a serialized rollback
        # brings the old ones back: the process's cache may hold either, so it starts empty.
        ContentType.objects.clear_cache()
    elif marker or "db" in names:
        request.getfixturevalue("db")
    else:
        return
    from django.apps import apps
    from django.contrib.auth.models import Group

    from claims.models import Rating, RatingMapping

    # Each part apart: a flush followed by a serialized rollback has brought back the groups
    # without the scale. (Tests run in several processes, so a test in a transaction may
    # follow one that flushed; one after another they never did.)
    if not Group.objects.filter(name="Reviewer").exists():
        for app_config in apps.get_app_configs():
            create_permissions(app_config, verbosity=0)
        _SEED.assign_roles(apps)
    if not Rating.objects.exists():
        _SEED.create_ratings(apps, None)
    if not RatingMapping.objects.exists():
        _IMPORTS_SEED.seed_rating_texts(apps, None)


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


@pytest.fixture(autouse=True)
def _shipped_checkworthiness_model(settings):
    """Score with the model the project ships, not one a developer retrained into var/models."""
    from claims.intake.checkworthiness import SHIPPED_MODEL

    settings.CHECKWORTHINESS_MODEL = str(SHIPPED_MODEL)
    settings.CHECKWORTHINESS_THRESHOLD = None


class QueuedTasks:
    """The task messages the code under test put on the real test broker, run here in order.

    Tests see what a worker would do without a worker: messages are taken off the broker
    (kombu's memory transport, or Redis with REDIS_URL) and the registered task runs with
    the arguments the message carries.
    """

    QUEUES = ("default", "fetch")

    def __init__(self) -> None:
        from factcheck.celery import app

        self.app = app

    def take(self) -> list[tuple[str, list, dict]]:
        taken = []
        with self.app.connection_for_write() as conn:
            channel = conn.default_channel
            for queue in self.QUEUES:
                while (message := channel.basic_get(queue, no_ack=True)) is not None:
                    args, kwargs, _embed = message.decode()
                    taken.append((message.headers["task"], list(args), dict(kwargs)))
        return taken

    def run(self, *, only: str = "", rounds: int = 10) -> list[str]:
        """Run queued tasks (and what they queue) until none is left; returns the task names run.

        With `only`, tasks whose name does not contain it are dropped instead of run.
        """
        ran: list[str] = []
        for _round in range(rounds):
            batch = self.take()
            if not batch:
                return ran
            for name, args, kwargs in batch:
                if only and only not in name:
                    continue
                self.app.tasks[name].apply(args=args, kwargs=kwargs, throw=True)
                ran.append(name)
        raise AssertionError("tasks kept queueing tasks")


@pytest.fixture(autouse=True)
def _side_connections_closed():
    """A test that read on claims.sidedb's second connection leaves it closed, as Django
    leaves its own: a test database cannot be dropped while a connection holds it."""
    yield
    from claims import sidedb

    sidedb.close_connections()


@pytest.fixture
def queued_tasks():
    """Empty queues before the test, hand over the runner, empty them again after."""
    runner = QueuedTasks()
    runner.take()
    yield runner
    runner.take()


@pytest.fixture
def commit(django_capture_on_commit_callbacks, queued_tasks):
    """Run a write as a request would: commit, then let the worker do what the watch engine queued."""

    def run(write):
        with django_capture_on_commit_callbacks(execute=True):
            result = write()
        # Tasks queue tasks on commit too (a failed delivery tells the owner): run until quiet.
        for _round in range(10):
            with django_capture_on_commit_callbacks(execute=True):
                ran = queued_tasks.run(only="tasks_watch")
            if not ran:  # nothing ran, so nothing new was queued on commit either
                break
        return result

    return run


@pytest.fixture(autouse=True)
def _fresh_tracking_postings():
    """Each test's claims are its own: the word postings a worker keeps for tracking
    (claims.intake.postings) start empty, as in a new worker, not with another test's."""
    from claims.intake import postings

    for cache in list(postings._caches.values()):
        cache.clear()
    yield


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: a request handled in Norwegian leaves its
    translation active on the thread, and stored texts (job reasons) would follow it."""
    from django.conf import settings as django_settings
    from django.utils import translation

    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


# --- Figures for docs/reliability.md (`make reliability`) ---------------------------------

_FIGURES = pytest.StashKey[list]()


@pytest.fixture
def figure(request):
    """`figure(promise, name, value, unit="")` records a measured value for the reliability report.

    Collected per test session and written as JSON where $RELIABILITY_FIGURES points
    (scripts/reliability.py sets it); an ordinary test run records and writes nothing.
    """
    store = request.config.stash.setdefault(_FIGURES, [])

    def record(promise: str, name: str, value: object, unit: str = "") -> None:
        store.append({"promise": promise, "name": name, "value": value, "unit": unit, "test": request.node.nodeid})

    return record


def pytest_sessionfinish(session, exitstatus):
    target = os.environ.get("RELIABILITY_FIGURES")
    figures = session.config.stash.get(_FIGURES, [])
    if target and figures:
        import json

        worker = os.environ.get("PYTEST_XDIST_WORKER")
        path = Path(f"{target[: -len('.json')]}-{worker}.json" if worker else target)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(figures, indent=1, default=str), encoding="utf-8")

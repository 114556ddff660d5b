"""End to end in a real browser: a local feed is harvested, its articles' check-worthy
sentences wait in the admin's "Candidate claims" list, a reviewer records one as a claim
and finds it in the claims list. Headless Debian Chromium via Playwright, like
tests/test_e2e_browser.py; the feed and pages come from a local HTTP server."""

from __future__ import annotations

import os
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from claims.models import CandidateClaim, Claim
from tests.factories import FeedFactory, UserFactory
from tests.fixtures.web.server import LOOPBACK, serve
from tests.test_e2e_browser import CHROMIUM, browser, open_session, shot, submit  # noqa: F401  (fixture)

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_harvest_then_record_a_candidate_as_a_claim(live_server, browser, httpserver, settings):  # noqa: F811
    settings.FETCH_ALLOWED_NETWORKS = LOOPBACK
    serve(httpserver, "/atom.xml", "feeds/utenriks_atom.xml", content_type="application/atom+xml")
    for page in ("geneva_talks_nb.html", "nordic_cp1252_meta.html"):
        serve(httpserver, f"/pages/{page}", f"pages/{page}")
    feed = FeedFactory(url=httpserver.url_for("/atom.xml"), name="Fjordposten", language="nb")
    UserFactory(username="rita", role="Reviewer")

    call_command("harvest_feeds", "--feed", str(feed.pk), stdout=StringIO(), stderr=StringIO())
    best = CandidateClaim.objects.filter(status="new").order_by("-score", "-id").first()
    assert best is not None, "the harvested article gave no candidates"

    page = open_session(browser, live_server, "rita")
    page.goto(f"{live_server.url}/admin/claims/candidateclaim/")
    page.wait_for_selector("#result_list")
    rows = page.locator("#result_list tbody tr")
    assert rows.count() == CandidateClaim.objects.count()
    first_row = rows.first
    assert best.text[:40] in first_row.inner_text()  # best first
    assert first_row.locator("mark.fc-candidate-sentence").count() == 1
    shot(page, "candidates-list.png")

    with page.expect_navigation():
        first_row.locator("th a, td a").first.click()
    page.wait_for_selector("#fc-record-claim")
    submit(page, "#fc-record-claim")
    claim = Claim.objects.get()
    assert page.url.endswith(f"/admin/claims/claim/{claim.pk}/change/")
    assert claim.text == best.text and claim.appearances.get().is_first_appearance

    page.goto(f"{live_server.url}/admin/claims/claim/?status__exact=new")
    page.wait_for_selector("#result_list")
    assert best.text[:40] in page.locator("#result_list").inner_text()
    shot(page, "candidates-recorded-claim.png")
    best.refresh_from_db()
    assert best.status == "accepted" and best.claim_id == claim.pk

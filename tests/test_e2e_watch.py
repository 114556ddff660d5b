"""End to end in a real browser: an editor publishes; an article repeating the claim in the other
language is harvested from a local feed; the recurrence shows on the claim page and in the
reviewer's bell; the reviewer confirms it and the appearance is added."""

from __future__ import annotations

from pathlib import Path

import pytest

from claims.discovery import jobs as discovery_jobs
from claims.models import Appearance, FetchJob, Recurrence
from claims.tasks import harvest_feed
from tests.factories import ClaimFactory, FeedFactory, ReviewFactory, UserFactory
from tests.fixtures.web.server import LOOPBACK
from tests.test_e2e_browser import CHROMIUM, browser, open_session, shot, submit  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Dagsnytt Demo</title><link>{base}/</link><description>Nyheter</description>
<item><title>Ny strid om strømprisene</title><link>{base}/strom.html</link>
<description>Partiet gjentar påstanden om strømprisen.</description>
<pubDate>Thu, 03 Dec 2026 08:00:00 GMT</pubDate></item>
</channel></rss>"""

PAGE = """<!doctype html><html lang="nb"><head><meta charset="utf-8"><title>Ny strid om strømprisene</title></head>
<body><article><h1>Ny strid om strømprisene</h1>
<p>Debatten om kraftmarkedet blusset opp igjen på Stortinget torsdag.</p>
<p>Partilederen sa at strømprisen i Norge ble doblet i 2021, og krevde nye tiltak.</p>
<p>Statsråden svarte at regjeringen vil legge fram en plan før jul.</p>
</article></body></html>"""


def test_a_repeat_in_the_other_language_reaches_the_claim_page_and_the_bell(
    live_server,
    browser,  # noqa: F811  (the fixture imported from test_e2e_browser)
    httpserver,
    settings,
    queued_tasks,
):
    settings.FETCH_ALLOWED_NETWORKS = LOOPBACK
    reviewer = UserFactory(username="rita", first_name="Rita", last_name="Reviewer", role="Reviewer")
    UserFactory(username="erik", first_name="Erik", last_name="Editor", role="Editor")
    claim = ReviewFactory(
        author=reviewer,
        claim=ClaimFactory(
            status="in_review",
            text="Electricity prices in Norway doubled in 2021.",
            claim_reviewed="Norway's electricity prices doubled in 2021",
            assignee=reviewer,
        ),
    ).claim
    change_url = f"{live_server.url}/admin/claims/claim/{claim.pk}/change/"

    # --- The editor publishes ----------------------------------------------------------------
    page = open_session(browser, live_server, "erik")
    page.goto(change_url)
    submit(page, "button.fc-to-published")
    assert page.inner_text(".fc-claim-header .fc-status") == "Published"
    page.context.close()
    queued_tasks.run()  # the worker: the publish event and the scan of recent articles

    # --- A Norwegian article repeating the claim is harvested from a local feed ---------------
    base = httpserver.url_for("").rstrip("/")
    httpserver.expect_request("/feed.xml").respond_with_data(FEED.format(base=base), content_type="application/rss+xml")
    httpserver.expect_request("/strom.html").respond_with_data(PAGE, content_type="text/html; charset=utf-8")
    feed = FeedFactory(url=f"{base}/feed.xml", name="Dagsnytt Demo", language="nb")
    job = discovery_jobs.create_job(kind=FetchJob.Kind.HARVEST, feed=feed)
    harvest_feed.apply(args=[job.pk])
    queued_tasks.run()  # fetch the page (→ the watch engine), then the recurrence event
    recurrence = Recurrence.objects.get(claim=claim)
    assert "doblet i 2021" in recurrence.passage

    # --- The reviewer sees it in the bell and on the claim page, and confirms ------------------
    page = open_session(browser, live_server, "rita")
    assert int(page.inner_text("#fc-bell .fc-bell-count")) >= 1
    page.click("#fc-bell")
    page.wait_for_load_state("load")
    assert "was repeated in" in page.inner_text("#result_list")
    shot(page, "watch-01-bell.png")
    with page.expect_navigation():
        page.click("#result_list a.fc-notification:has-text('was repeated in')")
    page.wait_for_load_state("load")
    assert "doblet i 2021" in page.inner_text("#recurrences")
    shot(page, "watch-02-recurrence-panel.png")
    submit(page, "#recurrences button.fc-confirm")
    assert page.locator(".messagelist .success").count() == 1
    assert "Confirmed" in page.inner_text("#recurrences")
    shot(page, "watch-03-confirmed.png")
    page.context.close()

    recurrence.refresh_from_db()
    assert recurrence.status == "confirmed" and recurrence.decided_by == reviewer
    appearance = Appearance.objects.get(claim=claim, source__url=f"{base}/strom.html")
    assert "doblet i 2021" in appearance.quote
    assert appearance.history.first().history_user == reviewer

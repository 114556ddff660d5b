"""End to end in a real browser: a reviewer takes a claim, drafts the verdict with evidence and
sends it for review; an editor publishes it. Headless Debian Chromium driven by Playwright
against pytest-django's live server; screenshots of the claim page go to test-artifacts/."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from claims.models import Claim
from tests.factories import AppearanceFactory, ClaimantFactory, ClaimFactory, SourceFactory, UserFactory

# Playwright's sync API runs an event loop in this thread; Django's ORM calls from the test
# itself are still synchronous and safe.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

sync_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
PASSWORD = "pw-for-tests-1"  # tests.factories.UserFactory's

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed"),
    # The live server runs in another thread and must see committed rows; the groups and
    # rating scale come from data migrations, so restore them after the flush.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def browser():
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def open_session(browser: Any, live_server: Any, username: str) -> Any:
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="en-GB")
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())  # the confirm() of workflow buttons
    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    submit(page, "input[type=submit]")
    page.wait_for_selector("#fc-dashboard")
    return page


def submit(page: Any, selector: str) -> None:
    """Click a submitting button and wait for the page it leads to (a redirect with a message)."""
    with page.expect_navigation():
        page.click(selector)
    page.wait_for_load_state("load")


def shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


def test_reviewer_drafts_and_editor_publishes(live_server, browser):
    reviewer = UserFactory(username="rita", first_name="Rita", last_name="Reviewer", role="Reviewer")
    editor = UserFactory(username="erik", first_name="Erik", last_name="Editor", role="Editor")
    claim = ClaimFactory(
        status="in_research",
        text="Russia says it has no plans at all to invade Ukraine, despite troops gathering at the border.",
        claim_reviewed="Russia says it will not invade Ukraine",
        claimant=ClaimantFactory(name="Russian Ministry of Foreign Affairs", kind="organization"),
        location="Geneva",
        priority=3,
    )
    AppearanceFactory(claim=claim, source=SourceFactory(title="Talks in Geneva end without a breakthrough"))
    evidence = SourceFactory(title="Satellite images show a build-up near the border", url="https://news.example/sat")
    change_url = f"{live_server.url}/admin/claims/claim/{claim.pk}/change/"

    # --- The reviewer ------------------------------------------------------------------
    page = open_session(browser, live_server, "rita")
    page.goto(change_url)
    assert "no plans at all to invade Ukraine" in page.inner_text(".fc-claim-text")
    assert page.inner_text(".fc-claim-header .fc-status") == "In research"
    assert page.locator("button.fc-to-published").count() == 0  # not a reviewer's step
    shot(page, "claim-01-reviewer-opens.png")

    submit(page, "button.fc-assign-me")
    assert page.locator(".messagelist .success").count() == 1
    assert page.inner_text(".fc-assignee") == "Rita Reviewer"

    page.select_option("#id_review-0-rating", label="False")
    page.fill("#id_review-0-headline", "Troops were gathering while Moscow denied any plan")
    page.fill("#id_review-0-rationale", "Satellite pictures and officials' accounts showed the build-up.")
    # Evidence through the admin's autocomplete (select2 over SourceAdmin's search).
    page.click(".field-evidence .select2-selection")
    page.fill(".field-evidence .select2-search__field", "satellite")
    page.click(".select2-results__option:has-text('Satellite images')")
    page.fill("#id_new_comment", "Verdict drafted; sources attached.")
    submit(page, "input[name=_continue]")
    assert page.locator(".messagelist .success").count() == 1
    assert "Satellite images show a build-up" in page.inner_text(".field-evidence")
    assert "Verdict drafted; sources attached." in page.inner_text("#fc-comments")
    shot(page, "claim-02-verdict-drafted.png")

    submit(page, "button.fc-to-in_review")
    assert page.locator(".messagelist .success").count() == 1
    assert page.inner_text(".fc-claim-header .fc-status") == "In review"
    assert page.locator(".fc-workflow button.fc-transition").count() == 0
    page.context.close()

    # --- The editor --------------------------------------------------------------------
    page = open_session(browser, live_server, "erik")
    page.goto(change_url)
    assert page.locator("button.fc-to-published").is_visible()
    assert page.locator(".fc-hints").count() == 0  # nothing missing before publishing
    shot(page, "claim-03-editor-reviews.png")
    submit(page, "button.fc-to-published")
    assert page.locator(".messagelist .success").count() == 1
    assert page.inner_text(".fc-claim-header .fc-status") == "Published"
    assert page.locator("a:has-text('Public fact-check page')").count() == 1
    shot(page, "claim-04-published.png")
    page.goto(f"{live_server.url}/admin/claims/claim/?queue=mine")
    assert page.locator("#result_list tbody tr").count() == 0  # the editor's queue is empty
    page.goto(f"{live_server.url}/admin/claims/claim/")
    assert page.locator("#result_list .fc-status-published").count() == 1
    shot(page, "claims-list.png")
    page.goto(f"{live_server.url}/admin/")
    assert page.inner_text("a[data-status=published] .fc-tile-count") == "1"
    shot(page, "dashboard.png")
    page.context.close()

    claim = Claim.objects.select_related("review__rating", "review__author", "review__approver").get(pk=claim.pk)
    assert claim.status == "published" and claim.published_at is not None
    assert claim.assignee == reviewer
    assert claim.review.rating.slug == "false"
    assert claim.review.author == reviewer and claim.review.approver == editor
    assert list(claim.review.evidence.all()) == [evidence]
    assert claim.comments.get().author == reviewer
    assert [h.history_user for h in claim.history.order_by("history_date")][-2:] == [reviewer, editor]

"""In a real browser, the claim page as a workplace (issue 12): a reviewer marks three
related articles relevant and cites one as evidence without the page reloading, then an
editor returns the claim to research with a reason, which the reviewer sees as a banner.
Headless Debian Chromium driven by Playwright against pytest-django's live server."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from claims import services
from claims.models import Claim, Comment, RelatedArticle
from tests.factories import ArticleFactory, ClaimFactory, UserFactory, rating

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
sync_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--disable-sync"]
PASSWORD = "pw-for-tests-1"
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def browser():
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


def login(browser: Any, live_server: Any, username: str, next_url: str) -> Any:
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="en-GB")
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(f"{live_server.url}/admin/login/?next={next_url}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("input[type=submit]")
    return page


def test_reviewer_marks_in_place_and_editor_returns_with_a_reason(live_server, browser):
    rita = UserFactory(username="rita", first_name="Rita", last_name="Reviewer", role="Reviewer")
    UserFactory(username="erik", first_name="Erik", last_name="Editor", role="Editor")
    claim = ClaimFactory(status="in_research", assignee=rita, text="Russia says it has no plans to invade Ukraine.")
    services.review_save(claim=claim, user=rita, rating=rating("false"), rationale="Troops kept arriving.")
    for n in range(4):
        RelatedArticle.objects.create(
            claim=claim,
            article=ArticleFactory(title=f"Troops near the border, report {n}", url=f"https://news.example/t/{n}"),
            score=0.9 - n * 0.1,
            rank=n + 1,
            provider="local",
            why={"terms": ["troops", "border"], "days_from_claim": n},
        )
    change = f"/admin/claims/claim/{claim.pk}/change/"

    # --- The reviewer: three marks and a citation, no page reload ---------------------------
    page = login(browser, live_server, "rita", change)
    page.click("#fc-claim-side-tab")
    page.evaluate("window.__samePage = true")  # gone if the page reloads
    for _ in range(3):
        page.locator("#fc-discovery .fc-related-suggested .fc-mark-relevant").first.click()
        page.wait_for_selector("#fc-discovery .fc-panel-notice")
        page.wait_for_function("!document.querySelector('#fc-discovery').hasAttribute('aria-busy')")
    assert page.locator("#fc-discovery .fc-related-relevant").count() == 3
    page.locator("#fc-discovery .fc-use-evidence").first.click()
    page.wait_for_selector("#fc-discovery .fc-badge.fc-cited")
    assert page.evaluate("window.__samePage === true")
    assert page.inner_text(".fc-evidence-count") == "1 evidence source"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "workplace-01-marked-in-place.png"), full_page=True)
    assert RelatedArticle.objects.filter(claim=claim, status="relevant").count() == 3
    assert Claim.objects.get(pk=claim.pk).review.evidence.count() == 1
    with page.expect_navigation():
        page.click("button.fc-to-in_review")
    assert page.inner_text(".fc-claim-header .fc-status") == "In review"
    page.context.close()

    # --- The editor: return to research, with the reason in the same step ----------------------
    page = login(browser, live_server, "erik", change)
    page.click("details.fc-reason-in_research > summary")
    page.fill("#fc-reason-in_research", "The second source is an opinion piece; find official figures.")
    with page.expect_navigation():
        page.click("button.fc-confirm-in_research")
    assert page.inner_text(".fc-claim-header .fc-status") == "In research"
    page.context.close()

    # --- The reviewer sees why ------------------------------------------------------------------
    page = login(browser, live_server, "rita", "/admin/")
    assert "find official figures" in page.inner_text("#fc-my-queue")
    # Each cell wraps inside its column: Django's dashboard CSS (nowrap, 100% wide headers)
    # once made the queue's columns equal and their texts run over each other.
    overflowing = page.evaluate(
        "[...document.querySelectorAll('#fc-my-queue td')].filter(td => td.scrollWidth > td.clientWidth + 1).length"
    )
    assert overflowing == 0
    page.goto(f"{live_server.url}{change}")
    banner = page.inner_text("#fc-handoff")
    assert "Erik Editor returned this claim to research" in banner and "find official figures" in banner
    page.screenshot(path=str(ARTIFACTS / "workplace-02-returned-with-reason.png"), full_page=True)
    page.context.close()
    comment = Comment.objects.get(claim=claim, kind="return")
    assert comment.author.username == "erik" and comment.to_status == "in_research"


def test_counter_warns_about_a_long_paste_and_the_switcher_changes_the_language(live_server, browser):
    rita = UserFactory(username="rita", first_name="Rita", last_name="Reviewer", role="Reviewer")
    claim = ClaimFactory(status="in_research", assignee=rita, text="Russia says it has no plans to invade Ukraine.")
    page = login(browser, live_server, "rita", f"/admin/claims/claim/{claim.pk}/change/")

    counter = page.locator("#id_text-counter")
    assert "of 5,000 characters" in counter.inner_text()
    page.fill("#id_text", "x" * 5100)  # more than the limit: kept whole, not cut by the browser
    assert page.eval_on_selector("#id_text", "el => el.value.length") == 5100
    assert "5,100 characters, 100 too many" in counter.inner_text()
    assert "fc-counter-over" in (counter.get_attribute("class") or "")

    # The language switcher in the header: choosing submits at once (no button with JavaScript).
    assert not page.locator(".fc-language-go").is_visible()
    with page.expect_navigation():
        page.select_option("#fc-language", "nb")
    assert page.locator("html").get_attribute("lang") == "nb"
    assert page.url.endswith(f"/admin/claims/claim/{claim.pk}/change/")
    page.context.close()

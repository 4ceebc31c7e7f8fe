"""What the browser tests share: wait on markers the pages set, never on the clock."""

from __future__ import annotations

import re

from playwright.sync_api import expect


def wait_until_live(page) -> None:
    """The page has joined its order's live channel (it sets data-live="on")."""
    expect(page.locator("#live-marker")).to_have_attribute("data-live", "on", timeout=15_000)


def wait_until_ready(page) -> None:
    """The page's on_load has run (a clicked control before that may be redrawn or lost)."""
    expect(page.locator("#page-ready")).to_have_attribute("data-ready", "on", timeout=15_000)


def shown_tracking_url(page) -> str:
    """The order page's tracking link, once the page has written it in (it is never in state)."""
    link = page.locator("#tracking-url")
    expect(link).to_have_text(re.compile(r"/track/"))
    return link.inner_text()


def refresh_until_visible(page, refresh_selector: str, target, *, tries: int = 15) -> None:
    """Click a page's own refresh control until `target` shows (the server works in the background),
    waiting on the target each time instead of sleeping."""
    for _ in range(tries):
        page.click(refresh_selector)
        try:
            expect(target.first).to_be_visible(timeout=1_000)
            return
        except AssertionError:
            continue
    expect(target.first).to_be_visible()

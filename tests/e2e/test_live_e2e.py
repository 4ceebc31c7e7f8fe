"""Both directions live over the websocket: staff change → open portal page; customer message → staff page."""

from __future__ import annotations

import re
import time

from playwright.sync_api import expect

from .helpers import shown_tracking_url, wait_until_live
from .test_backoffice_e2e import _book_in
from .test_foundation_e2e import open_verified


def test_stage_change_and_messages_travel_live_both_ways(live_app, desktop, phone):
    _book_in(desktop, live_app, "Nakamura", "")
    tracking_url = shown_tracking_url(desktop)
    sent: list[str] = []  # the events the customer's page sends (Socket.IO frames "42…")
    phone.on("websocket", lambda ws: ws.on("framesent", lambda f: sent.append(f if isinstance(f, str) else "")))
    open_verified(phone, tracking_url, "Nakamura")
    expect(phone.locator("#stage-label")).to_have_text("Booked in")
    wait_until_live(phone)

    desktop.click("#stage-select")
    desktop.get_by_role("option", name="Diagnosing").click()
    started = time.monotonic()
    desktop.click("#stage-submit")
    phone.wait_for_function(
        "document.querySelector('#stage-label') && document.querySelector('#stage-label').innerText === 'Diagnosing'",
        timeout=10_000,
    )
    latency = time.monotonic() - started
    print(f"\nLIVE: staff stage change reached the open portal page in {latency * 1000:.0f} ms")
    # the customer is told what changed, in the polite live region screen readers announce (the toaster's)
    region = phone.locator('section[aria-live="polite"]')
    expect(region).to_contain_text("Status changed: Diagnosing")
    expect(region.get_by_text("Status changed: Diagnosing")).to_have_count(1)  # once

    mark = len(sent)
    phone.click("#tab-messages")
    phone.fill("#message-body", "Is the data on it safe?")  # the tab switched in the browser
    phone.click("#message-send")
    expect(phone.locator(".message-bubble").last).to_contain_text("Is the data on it safe?")
    expect(desktop.locator(".staff-message").last).to_contain_text("Is the data on it safe?", timeout=10_000)
    events = [f for f in sent[mark:] if f.startswith("42") and "clear_highlight" not in f]
    # one event for the click: no tab event, and no second read of the page's own change
    assert len(events) == 1 and "handle_message" in events[0], [e[:120] for e in events]

    desktop.fill("#staff-reply", "Yes, we don't touch your data.")
    desktop.click("#staff-reply-send")
    expect(phone.locator(".message-bubble").last).to_contain_text(
        re.compile("we don't touch your data"), timeout=10_000
    )

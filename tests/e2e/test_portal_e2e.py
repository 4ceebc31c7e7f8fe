"""The customer portal on a phone: last-name gate, timeline, messages."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from .conftest import PHONE, shot
from .test_foundation_e2e import demo_links, open_verified


def test_last_name_gate_wrong_then_right_then_remembered(live_app, phone):
    _, _, last_name, url = demo_links(live_app)[1]
    phone.goto(url)
    expect(phone.get_by_text("Confirm it's you")).to_be_visible()
    assert phone.locator("#stage-label").count() == 0
    shot(phone, "track-gate-phone")
    phone.fill("#last-name", "Definitely-Not")
    phone.click("#gate-submit")
    expect(phone.locator("#gate-error")).to_contain_text("doesn't match")
    phone.fill("#last-name", f"  {last_name.upper()} ")
    phone.click("#gate-submit")
    expect(phone.locator("#stage-label")).to_be_visible()
    phone.reload()  # remembered on this device: no second check
    expect(phone.locator("#stage-label")).to_be_visible()


def test_five_wrong_names_lock_the_link_with_a_wait_time(live_app, browser):
    # the "ready to collect" order: no other test opens it, since this one locks its link
    _, _, last_name, url = next(link for link in demo_links(live_app) if link[1] == "Ready to collect")
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(url)
    for _ in range(5):
        page.fill("#last-name", "Wrong")
        page.click("#gate-submit")
        expect(page.locator("#gate-error")).to_be_visible()
    page.fill("#last-name", last_name)
    page.click("#gate-submit")
    expect(page.locator("#gate-error")).to_contain_text(re.compile(r"try again in 1[45] minutes"))
    context.close()


def test_timeline_marks_done_current_and_upcoming_stages(live_app, phone):
    _, _, last_name, url = next(link for link in demo_links(live_app) if link[1] == "Repair in progress")
    open_verified(phone, url, last_name)
    steps = phone.locator(".timeline-step")
    states = [steps.nth(i).get_attribute("data-state") for i in range(steps.count())]
    assert states.count("current") == 1 and states.index("current") == 3
    assert states[:3] == ["done"] * 3 and states[4:] == ["upcoming"] * (len(states) - 4)
    expect(phone.locator("#timeline").get_by_text("Your repair is under way")).to_be_visible()  # expanded
    width = phone.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"horizontal scroll on a phone: {width}"
    shot(phone, "track-status-phone")


def test_customer_sends_a_message_from_the_messages_tab(live_app, phone):
    _, _, last_name, url = demo_links(live_app)[0]
    open_verified(phone, url + "?tab=messages", last_name)
    phone.fill("#message-body", "Could you also replace the case?")
    phone.click("#message-send")
    expect(phone.locator(".message-bubble").last).to_contain_text("Could you also replace the case?")
    shot(phone, "track-messages-phone")

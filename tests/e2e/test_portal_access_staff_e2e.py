"""Customer accounts, staff side, in the real app: bulk invitations from the customer list (the emails land
in the outbox), the business customer's Portal access card, and a permission group made in Settings."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from sqlmodel import select

from repair_portal.db import make_engine, write_session
from repair_portal.models import Customer, OutboxMessage, PermissionGroup, PortalUser
from repair_portal.services import portal_permissions

from .conftest import shot
from .test_foundation_e2e import _sign_in

SURNAME = "Zephyrine"


def _engine(app):
    return make_engine(f"sqlite:///{app.data_dir / 'repair_portal.db'}")


def _customers(app) -> dict[str, int]:
    """Three customers of our own: two with an email address, one without."""
    engine = _engine(app)
    with write_session(engine) as s:
        made = {}
        for first, email in (("Ivy", "ivy.zephyrine@example.com"), ("Otto", "otto.zephyrine@example.com"), ("Uma", "")):
            customer = Customer(first_name=first, last_name=SURNAME, email=email, company="Zephyr Labs")
            s.add(customer)
            s.flush()
            made[first] = customer.id
    engine.dispose()
    return made


def test_staff_bulk_invite_customers_and_their_emails_are_queued(live_app, desktop):
    made = _customers(live_app)
    _sign_in(desktop, live_app)
    expect(desktop.locator(".order-row").first).to_be_visible()
    desktop.goto(live_app.url("/staff/customers"))
    expect(desktop.locator(".customer-row").first).to_be_visible()
    desktop.fill("#customer-search", SURNAME)
    expect(desktop.locator(".customer-row")).to_have_count(3)

    for first in ("Ivy", "Otto", "Uma"):
        desktop.click(f"#customer-select-{made[first]}")
    expect(desktop.locator("#customers-selected-count")).to_have_text("3 selected")
    expect(desktop).to_have_url(re.compile(r"/staff/customers/?$"))  # ticking doesn't open the customer
    desktop.click("#bulk-open")
    expect(desktop.locator("#bulk-form")).to_be_visible()
    expect(desktop.locator("#bulk-group")).to_contain_text("Admin")
    desktop.click("#bulk-mfa")
    shot(desktop, "staff-bulk-invite-dialog-desktop")
    desktop.click("#bulk-send")
    expect(desktop.locator("#bulk-result-text")).to_have_text("Invited 2 customers. Skipped 1 — no email address: 1.")
    expect(desktop.locator("#customers-selection")).to_have_count(0)
    expect(desktop.locator(".customer-row .portal-badge")).to_have_count(2)

    engine = _engine(live_app)
    with write_session(engine) as s:
        mails = s.exec(select(OutboxMessage).where(OutboxMessage.template == "portal_invite")).all()
        sent_to = sorted(m.to_email for m in mails if SURNAME.lower() in m.to_email)
        users = s.exec(select(PortalUser).where(PortalUser.customer_id.in_(list(made.values())))).all()
    engine.dispose()
    assert sent_to == ["ivy.zephyrine@example.com", "otto.zephyrine@example.com"]
    assert sorted(u.name for u in users) == ["Ivy Zephyrine", "Otto Zephyrine"] and all(u.require_mfa for u in users)

    # The customer's page shows the new portal user, invited.
    desktop.goto(live_app.url(f"/staff/customers/{made['Ivy']}"))
    card = desktop.locator("#portal-access")
    expect(card.locator(".portal-user")).to_have_count(1)
    expect(card).to_contain_text("ivy.zephyrine@example.com")
    expect(card).to_contain_text("Invitation sent")


def test_staff_create_a_permission_group_in_settings(live_app, desktop):
    _sign_in(desktop, live_app)
    expect(desktop.locator(".order-row").first).to_be_visible()
    desktop.goto(live_app.url("/staff/settings/portal"))
    expect(desktop.locator("#groups-table .group-row").first).to_contain_text("Admin")
    desktop.click("#group-new")
    expect(desktop.locator("#group-form")).to_be_visible()
    desktop.fill("#group-name", "Site managers")
    desktop.locator("#group-form").get_by_text("Orders: see their own", exact=True).click()  # its label ticks it
    desktop.click("#perm-quotes-decide")
    expect(desktop.locator("#perm-orders-view_mine")).to_have_attribute("data-state", "checked")
    shot(desktop, "staff-portal-group-dialog-desktop")
    desktop.click("#group-save")
    row = desktop.locator(".group-row", has=desktop.get_by_text("Site managers", exact=True))
    expect(row).to_contain_text("Orders: see their own")
    expect(row).to_contain_text("Quotes: approve and decline")
    expect(desktop.locator("#group-form")).to_have_count(0)

    engine = _engine(live_app)
    with write_session(engine) as s:
        group = s.exec(select(PermissionGroup).where(PermissionGroup.name == "Site managers")).one()
    engine.dispose()
    assert portal_permissions.parse(group.permissions_json) == {
        portal_permissions.Perm.ORDERS_VIEW_MINE,
        portal_permissions.Perm.QUOTES_DECIDE,
    }

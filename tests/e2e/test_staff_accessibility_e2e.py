"""The staff back office against WCAG 2.2 AA (axe-core), on a small phone and a desktop screen.

Every staff page, and its dialogs and edit forms once opened, must have no critical or serious axe
violation at 360×740 and at 1440×900; moderate and minor ones are printed (`-s` shows them).
At 390 px the header's menu reaches every page the sidebar shows that role, and signs out."""

from __future__ import annotations

import os
import re

import pytest
from playwright.sync_api import expect

from . import axe
from .conftest import ARTIFACTS, PHONE, _page, shot
from .test_foundation_e2e import _sign_in

SIZES = {
    "360": {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2},
    "1440": {"viewport": {"width": 1440, "height": 900}},
}
# Radix fades dialogs and menus in; axe measures colours, so it must see them at full opacity.
# The app's Content-Security-Policy refuses inline scripts, axe's own included: the test browser
# lets the harness add it (the page's own scripts are unchanged).
STEADY = {"reduced_motion": "reduce", "bypass_csp": True}


@pytest.fixture(scope="module")
def seeded(live_app, browser):
    """A signed-in browser's cookies, and the ids of an order with a quote, payments, a photo and a
    signature, and of its customer."""
    from sqlmodel import select

    from repair_portal.db import make_engine, write_session
    from repair_portal.models import Order, Payment, Quote
    from repair_portal.services import signatures
    from tests.unit.quote_helpers import pad_png

    engine = make_engine(f"sqlite:///{live_app.data_dir / 'repair_portal.db'}")
    with write_session(engine) as session:
        paid = set(session.exec(select(Payment.order_id)).all())
        quoted = set(session.exec(select(Quote.order_id).where(Quote.status == "approved")).all())
        order = session.get(Order, min(paid & quoted))
        order_id, customer_id = order.id, order.customer_id
        version, _ = signatures.current_consent("data_consent")
        signatures.record_signature(
            session,
            order_id=order_id,
            quote_id=None,
            purpose="data_consent",
            document_kind="consent_form",
            document_version=version,
            document_sha256="a" * 64,
            consent_text_version=version,
            signer_name="Ada Nowak",
            png=pad_png(),
            auth_method="in_person",
        )
    engine.dispose()

    context = browser.new_context(**PHONE)
    page = context.new_page()
    _sign_in(page, live_app)
    expect(page.locator(".order-row").first).to_be_visible()
    # a photo on the order, uploaded the way staff do it
    from PIL import Image

    photo = live_app.data_dir.parent / "a11y-photo.jpg"
    Image.new("RGB", (640, 480), "darkorange").save(photo, format="JPEG")
    page.goto(live_app.url(f"/staff/orders/{order_id}"))
    page.locator("#order-files input[type=file]").set_input_files(str(photo))
    page.click("#upload-submit")
    expect(page.locator(".staff-file").first).to_contain_text("a11y-photo")
    cookies = context.storage_state()
    context.close()
    return {"state": cookies, "order": order_id, "customer": customer_id}


@pytest.fixture(params=list(SIZES))
def staff(request, browser, seeded):
    """A signed-in page at one of the two sizes."""
    options = {**SIZES[request.param], **STEADY, "storage_state": seeded["state"]}
    yield from _page(browser, request, options, request.param)


@pytest.fixture(params=list(SIZES))
def anonymous(request, browser):
    yield from _page(browser, request, {**SIZES[request.param], **STEADY}, request.param)


@pytest.fixture
def phone(request, browser):
    """conftest's phone (390×844), able to run axe."""
    yield from _page(browser, request, {**PHONE, **STEADY}, "phone")


def _screen(page, name: str) -> None:
    """What the phone's screen shows (the open menu is fixed to it), kept when SCREENSHOTS=1."""
    if os.environ.get("SCREENSHOTS") == "1":
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def _ready(page, selector: str) -> None:
    """`selector` shows (`a | b`: either does)."""
    first, *rest = selector.split(" | ")
    locator = page.locator(first)
    for other in rest:
        locator = locator.or_(page.locator(other))
    expect(locator.first).to_be_visible()


# path (ids filled in from `seeded`), what shows once the page has loaded its data
PAGES = {
    "board": ("/staff", ".order-row"),
    "order": ("/staff/orders/{order}", "#signature-list"),
    "new-order": ("/staff/orders/new", "#f-last_name"),
    "customers": ("/staff/customers", ".customer-row"),
    "customer": ("/staff/customers/{customer}", "#customer-orders-table"),
    "alerts": ("/staff/alerts", "#alert-list | #alerts-empty"),
    "settings-shop": ("/staff/settings/shop", "#shop-name"),
    "settings-locations": ("/staff/settings/locations", "#loc-list"),
    "settings-workflow": ("/staff/settings/workflow", "#workflow-table"),
    "settings-staff": ("/staff/settings/staff", "#staff-table"),
    "settings-emails": ("/staff/settings/emails", "#preview-subject"),
    "settings-payments": ("/staff/settings/payments", "#pay-status"),
    "settings-texts": ("/staff/settings/texts", "#text-order-booked-preview"),
    "settings-price-list": ("/staff/settings/price-list", ".price-row"),
}


def test_sign_in_page(anonymous, live_app):
    anonymous.goto(live_app.url("/staff/login"))
    _ready(anonymous, "#sign-in")
    axe.check(anonymous, "sign-in")


@pytest.mark.parametrize("name", list(PAGES))
def test_staff_page(staff, live_app, seeded, name):
    path, marker = PAGES[name]
    staff.goto(live_app.url(path.format(**seeded)))
    _ready(staff, marker)
    # the header's Menu button stands in for the sidebar below 768 px
    menu = staff.locator("#staff-menu")
    if staff.viewport_size["width"] < 768:
        expect(menu).to_be_visible()
    else:
        expect(menu).to_be_hidden()
    if name == "settings-shop":  # the form is drawn before its values arrive
        expect(staff.locator("#shop-name")).not_to_have_value("")
    if name == "order":
        _ready(staff, ".staff-file")
        _ready(staff, "#staff-money")
        _ready(staff, "#staff-quote-summary")
    axe.check(staff, name)


# what opens: (page, what opens it, what shows once it is open, whether it is a dialog)
OPENED = {
    "price-item-editor": ("/staff/settings/price-list", "#price-add", "#price-name", True),
    "stage-editor": ("/staff/settings/workflow", "[id^=stage-edit-]", "#stage-name", True),
    "staff-invite": ("/staff/settings/staff", "#invite-open", "#invite-name", True),
    "location-editor": ("/staff/settings/locations", "#loc-add", "#loc-editor", True),
    "signature": ("/staff/orders/{order}", ".staff-signed button", "#signature-dialog", True),
    "price-picker": ("/staff/orders/{order}", "#quote-price-list", "#price-pick-search", True),
    "quote-form": ("/staff/orders/{order}", "#quote-open", ".q-optional", False),
    "order-edit-form": ("/staff/orders/{order}", "#edit-open", "#edit-problem", False),
    "customer-edit-form": ("/staff/customers/{customer}", "#customer-edit", "#customer-form", False),
}


@pytest.mark.parametrize("name", list(OPENED))
def test_staff_dialog_or_form_open(staff, live_app, seeded, name):
    path, opener, inside, dialog = OPENED[name]
    staff.goto(live_app.url(path.format(**seeded)))
    _ready(staff, opener)
    staff.locator(opener).first.click()
    _ready(staff, inside)
    if dialog:
        expect(staff.get_by_role("dialog")).to_be_visible()
    axe.check(staff, f"{name} open")


def test_the_phone_menu_reaches_customers_and_settings_and_signs_out(live_app, phone):
    _sign_in(phone, live_app)
    expect(phone.locator(".order-row").first).to_be_visible()
    menu = phone.locator("#staff-menu")
    expect(menu).to_be_visible()
    expect(menu).to_have_attribute("aria-expanded", "false")
    box = menu.bounding_box()
    assert box["width"] >= 44 and box["height"] >= 44, box
    shot(phone, "staff-board-menu-closed-390")

    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    nav = phone.get_by_role("dialog", name="Menu")
    expect(nav.get_by_role("link", name="Customer alerts")).to_be_visible()
    _screen(phone, "staff-board-menu-open-390")
    axe.check(phone, "board with the menu open")
    nav.get_by_role("link", name="Customers", exact=True).click()
    expect(phone).to_have_url(re.compile(r"/staff/customers$"))
    expect(phone.locator(".customer-row").first).to_be_visible()
    expect(nav).to_have_count(0)

    phone.locator("#staff-menu").click()
    phone.get_by_role("dialog", name="Menu").get_by_role("link", name="Price list", exact=True).click()
    expect(phone).to_have_url(re.compile(r"/staff/settings/price-list$"))
    expect(phone.locator(".price-row").first).to_be_visible()

    phone.locator("#staff-menu").click()
    phone.get_by_role("dialog", name="Menu").get_by_role("button", name="Sign out").click()
    expect(phone).to_have_url(re.compile(r"/staff/login"))
    phone.goto(live_app.url("/staff/customers"))
    expect(phone).to_have_url(re.compile(r"/staff/login"))


def test_the_order_page_menu_on_a_phone(live_app, phone, seeded):
    """Screenshots of the order page at 390×844 with the menu closed and open."""
    phone.context.add_cookies(seeded["state"]["cookies"])  # signed in as the owner
    phone.goto(live_app.url(f"/staff/orders/{seeded['order']}"))
    expect(phone.locator("#signature-list")).to_be_visible()
    overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, "the order page scrolls sideways on a phone"
    shot(phone, "staff-order-menu-closed-390")
    phone.locator("#staff-menu").click()
    nav = phone.get_by_role("dialog", name="Menu")
    expect(nav.get_by_role("link", name="Orders", exact=True)).to_be_visible()
    _screen(phone, "staff-order-menu-open-390")
    axe.check(phone, "order with the menu open")


def test_a_technicians_phone_menu_lists_only_their_pages(live_app, phone):
    """The menu filters by role exactly like the sidebar: no New order and no settings for a technician."""
    from repair_portal.db import make_engine, write_session
    from repair_portal.models import Role
    from repair_portal.services.staff_auth import create_staff_user

    email, password = "menu.tech@example.com", "copper kettle lantern 41"
    engine = make_engine(f"sqlite:///{live_app.data_dir / 'repair_portal.db'}")
    with write_session(engine) as session:
        create_staff_user(session, email=email, name="Mina Tech", password=password, role=Role.TECHNICIAN)
    engine.dispose()
    phone.goto(live_app.url("/staff/login"))
    phone.fill("#email", email)
    phone.fill("#password", password)
    phone.click("#sign-in")
    expect(phone.locator(".order-row").first).to_be_visible()
    phone.locator("#staff-menu").click()
    nav = phone.get_by_role("dialog", name="Menu")
    expect(nav.get_by_role("link", name="Customers", exact=True)).to_be_visible()
    expect(nav.get_by_role("link", name="Orders", exact=True)).to_be_visible()
    for hidden in ("New order", "Shop", "Workflow", "Price list", "Staff", "Emails"):
        expect(nav.get_by_role("link", name=hidden, exact=True)).to_have_count(0)
    expect(nav.get_by_role("button", name="Sign out")).to_be_visible()

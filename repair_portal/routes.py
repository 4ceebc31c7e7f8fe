"""Paths of the app's pages and HTTP routes, in one place."""

from __future__ import annotations

# --- pages ---------------------------------------------------------------------------------------
STAFF_HOME = "/staff"
STAFF_LOGIN = "/staff/login"
STAFF_NEW_ORDER = "/staff/orders/new"
STAFF_ORDER = "/staff/orders/[order_id]"
STAFF_ALERTS = "/staff/alerts"
STAFF_COUNTER = "/staff/counter"
STAFF_PROFILE = "/staff/profile"  # the signed-in staff member's own password, TOTP and passkeys
STAFF_VERIFY = "/staff/verify"  # the second sign-in step (TOTP or a recovery code)
STAFF_CUSTOMERS = "/staff/customers"
STAFF_CUSTOMER = "/staff/customers/[customer_id]"
STAFF_ASSET = "/staff/assets/[asset_id]"  # one asset of a business account: tests, defects, orders
STAFF_SETTINGS_SHOP = "/staff/settings/shop"
STAFF_SETTINGS_LOCATIONS = "/staff/settings/locations"
STAFF_SETTINGS_WORKFLOW = "/staff/settings/workflow"
STAFF_SETTINGS_PRICE_LIST = "/staff/settings/price-list"
STAFF_SETTINGS_STAFF = "/staff/settings/staff"
STAFF_SETTINGS_EMAILS = "/staff/settings/emails"
STAFF_SETTINGS_RESOURCES = "/staff/settings/shared-files"  # folders of files shared with customer accounts
STAFF_SETTINGS_PAYMENTS = "/staff/settings/payments"  # online payments (Stripe): keys, on/off, deposits (owners)
STAFF_SET_PASSWORD_PREFIX = "/staff/set-password/"  # noqa: S105 (a route, not a secret)
STAFF_SET_PASSWORD = STAFF_SET_PASSWORD_PREFIX + "[token]"
TRACK = "/track/[code]"
STAFF_SETTINGS_PORTAL = "/staff/settings/portal"  # portal access: permission groups, lookup widget, off-switch
PORTAL = "/portal"  # a signed-in portal user's account
PORTAL_SIGN_IN = "/portal/sign-in"
PORTAL_MFA = "/portal/verify"  # the second step (TOTP or a recovery code), or enrolling when required
PORTAL_SECURITY = "/portal/security"  # password, two-step sign-in (TOTP) and recovery codes
# The account portal's sections (services/account_sections.py says who sees which).
PORTAL_ORDERS = "/portal/orders"
PORTAL_ORDER_NEW = "/portal/orders/new"  # request a job (a new repair or service)
PORTAL_ORDER = "/portal/orders/[order_id]"  # one of the account's orders (the tracking view, signed in)
PORTAL_INVOICES = "/portal/invoices"
PORTAL_ASSETS = "/portal/assets"
PORTAL_ASSET = "/portal/assets/[asset_id]"
PORTAL_RESOURCES = "/portal/files"
PORTAL_SET_PASSWORD_PREFIX = "/portal/set-password/"  # noqa: S105 (a route, not a secret)
PORTAL_SET_PASSWORD = PORTAL_SET_PASSWORD_PREFIX + "[token]"
LOOKUP = "/lookup"  # find an order by reference and last name (the shop website's widget)

# --- HTTP routes ---------------------------------------------------------------------------------
HEALTH = "/api/health"
STAFF_SIGN_IN_POST = "/api/staff/session"
STAFF_SIGN_OUT_POST = "/api/staff/session/end"
STAFF_VERIFY_POST = "/api/staff/session/verify"  # the second step's form; swaps the cookie for a full session
STAFF_PASSKEY_POST = "/api/staff/session/passkey"  # "Sign in with a passkey": the signed answer, then the cookie
STAFF_ORDER_API = "/api/staff/orders/{order_id}"
TRACK_API = "/api/track/{code}"
BRANDING_LOGO = "/api/branding/logo/{location_id}"
PORTAL_SIGN_IN_POST = "/api/portal/session"  # password sign-in; sets the HttpOnly portal cookie
PORTAL_SIGN_OUT_POST = "/api/portal/session/end"
STAFF_PORTAL_PREVIEW = "/api/staff/portal-users/{portal_user_id}/preview"  # "view as this user" (a link: GET)
STAFF_PORTAL_PREVIEW_END = "/api/staff/portal-preview/end"  # drops the preview cookie, back to the customer
PORTAL_PASSKEY_POST = "/api/portal/session/passkey"  # "Sign in with a passkey": the signed answer, then the cookie
PORTAL_MAGIC = "/api/portal/magic/{token}"  # an emailed sign-in link: spends it, sets the cookie
LOOKUP_POST = "/api/lookup"
PAY_RETURN = "/pay/return"  # where a customer lands back from the hosted payment page (the attempt in a cookie)
PAY_RETURN_API = "/api/pay/return/{token}"  # the provider's success URL: sets the cookie, then PAY_RETURN
PAY_CANCEL_API = "/api/pay/cancel/{token}"  # the provider's cancel URL: closes the checkout, then PAY_RETURN
TWILIO_INBOUND = "/api/twilio/inbound"  # a text to the shop's number (signed by Twilio)
TWILIO_STATUS = "/api/twilio/status"  # delivery reports for texts we sent (signed by Twilio)
STAFF_SETTINGS_TEXTS = "/staff/settings/texts"  # texts: wording, Twilio, quiet hours
DEMO_STRIPE = "/api/demo-stripe"  # demo mode only: the local Stripe stand-in (no money moves)
# Invoices and statements (PDF). Statements take ?from=YYYY-MM-DD&to=YYYY-MM-DD (a plain GET form).
STAFF_INVOICE_PDF = "/api/staff/invoices/{invoice_id}.pdf"
STAFF_STATEMENT_PDF = "/api/staff/customers/{customer_id}/statement.pdf"
PORTAL_INVOICE_PDF = "/api/portal/invoices/{invoice_id}.pdf"  # the signed-in account's own invoices only
PORTAL_STATEMENT_PDF = "/api/portal/statement.pdf"
# An asset's files (test certificates, defect photos), for staff and for the account's portal users.
STAFF_ASSET_API = "/api/staff/assets/{asset_id}"
PORTAL_ASSET_API = "/api/portal/assets/{asset_id}"
# Service reports (approved ones only for customers) and shared resources: authorised downloads.
STAFF_SERVICE_REPORT_PDF = STAFF_ORDER_API + "/service-reports/{report_id}.pdf"
TRACK_SERVICE_REPORT_PDF = TRACK_API + "/service-reports/{report_id}.pdf"
PORTAL_ORDER_API = "/api/portal/orders/{order_id}"  # an account order's files and PDFs (as TRACK_API by link)
PORTAL_SERVICE_REPORT_PDF = PORTAL_ORDER_API + "/service-reports/{report_id}.pdf"
STAFF_RESOURCE_FILE = "/api/staff/resources/{file_id}"
PORTAL_RESOURCE_FILE = "/api/portal/files/{file_id}"
STRIPE_WEBHOOK = "/api/stripe/webhook"  # Stripe's signed event notifications (the URL shops paste into Stripe)


def _text(value) -> object:
    """An id as path text; a Reflex Var (a page's id at render time) stays a Var."""
    return value.to(str) if hasattr(value, "to") else str(value)


def staff_order(order_id) -> str:
    return "/staff/orders/" + _text(order_id)


def staff_customer(customer_id) -> str:
    return "/staff/customers/" + _text(customer_id)


def staff_asset(asset_id) -> str:
    return "/staff/assets/" + _text(asset_id)


def portal_asset(asset_id) -> str:
    return "/portal/assets/" + _text(asset_id)


def portal_order(order_id) -> str:
    return "/portal/orders/" + _text(order_id)


def portal_orders(*, status: str = "", dates: str = "", date_from: str = "") -> str:
    """The account's order list, opened with filters (state/portal_orders.py reads them): a status, which
    dates to filter by (booked or scheduled) and the first day."""
    from urllib.parse import urlencode

    query = urlencode([(k, v) for k, v in (("status", status), ("dates", dates), ("from", date_from)) if v])
    return PORTAL_ORDERS + (f"?{query}" if query else "")


PAYMENTS_PART = "account-payments"  # the payments card's id on the invoices page
PORTAL_PAYMENTS = f"{PORTAL_INVOICES}?part=payments#{PAYMENTS_PART}"  # that page, at its payments


def asset_certificate(asset_id, test_id, *, portal: bool) -> str:
    """A test's certificate PDF (`portal`: the account's route, else the staff one)."""
    return (
        ("/api/portal/assets/" if portal else "/api/staff/assets/")
        + _text(asset_id)
        + "/certificates/"
        + _text(test_id)
        + ".pdf"
    )


def defect_photo(asset_id, photo_id, *, portal: bool) -> str:
    return (
        ("/api/portal/assets/" if portal else "/api/staff/assets/")
        + _text(asset_id)
        + "/photos/"
        + _text(photo_id)
        + ".jpg"
    )


def staff_order_api(order_id, rest: str = "") -> str:
    """The order's staff HTTP routes: documents (`/ticket.pdf`), the customer view (`/portal`)."""
    return "/api/staff/orders/" + _text(order_id) + rest


def staff_invoice_pdf(invoice_id) -> str:
    return "/api/staff/invoices/" + _text(invoice_id) + ".pdf"


def staff_statement_pdf(customer_id) -> str:
    return "/api/staff/customers/" + _text(customer_id) + "/statement.pdf"


def portal_invoice_pdf(invoice_id) -> str:
    return "/api/portal/invoices/" + _text(invoice_id) + ".pdf"


def pay_return_api(token: str) -> str:
    return PAY_RETURN_API.replace("{token}", token)


def pay_cancel_api(token: str) -> str:
    return PAY_CANCEL_API.replace("{token}", token)


def track(code: str) -> str:
    return f"/track/{code}"


def track_api(code: str, rest: str = "") -> str:
    """The tracking link's HTTP routes: files, PDFs, the QR code."""
    return f"/api/track/{code}{rest}"


def track_verify_post(code: str) -> str:
    return track_api(code, "/verify")


def staff_service_report_pdf(order_id, report_id) -> str:
    return staff_order_api(order_id, "/service-reports/" + _text(report_id) + ".pdf")


def track_service_report_pdf(code: str, report_id: int) -> str:
    return track_api(code, f"/service-reports/{report_id}.pdf")


def portal_service_report_pdf(order_id: int, report_id: int) -> str:
    return f"/api/portal/orders/{order_id}/service-reports/{report_id}.pdf"


def staff_resource_file(file_id) -> str:
    return "/api/staff/resources/" + _text(file_id)


def portal_resource_file(file_id) -> str:
    return "/api/portal/files/" + _text(file_id)


def portal_magic(token: str) -> str:
    return f"/api/portal/magic/{token}"


def portal_set_password(token: str) -> str:
    return PORTAL_SET_PASSWORD_PREFIX + token


def branding_logo(location_id, version: str = "") -> str:
    """A location's logo (0: the shop's); `version` busts the browser cache after an upload."""
    return "/api/branding/logo/" + _text(location_id) + (f"?v={version}" if version else "")


def backend(path: str) -> str:
    """Where the browser reaches an HTTP route of ours.

    `reflex run --env prod` serves pages and routes on one port, so a relative path; in
    `reflex run --env dev` the routes live on the backend's own port.
    """
    from reflex_base import constants
    from reflex_base.environment import environment

    if environment.REFLEX_ENV_MODE.get() == constants.Env.PROD:
        return path
    import reflex as rx

    return rx.config.get_config().api_url.rstrip("/") + path


def frontend(path: str) -> str:
    """Where a route sends the browser back to: relative in prod (same host the browser used), the
    public URL in dev (pages are served by another port)."""
    from reflex_base import constants
    from reflex_base.environment import environment

    if environment.REFLEX_ENV_MODE.get() == constants.Env.PROD:
        return path
    from .settings import get_settings

    return get_settings().public_url.rstrip("/") + path


def staff_portal_preview(portal_user_id: int | str) -> str:
    return STAFF_PORTAL_PREVIEW.replace("{portal_user_id}", str(portal_user_id))


def portal_order_api(order_id: int | str, rest: str = "") -> str:
    return PORTAL_ORDER_API.replace("{order_id}", str(order_id)) + rest

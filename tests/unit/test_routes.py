"""Paths are built in one place; the app's route table and the builders agree."""

from starlette.routing import Route

from repair_portal import routes
from repair_portal.api import api_routes


def test_builders():
    assert routes.staff_order(12) == "/staff/orders/12"
    assert routes.staff_customer(3) == "/staff/customers/3"
    assert routes.staff_order_api(12, "/ticket.pdf") == "/api/staff/orders/12/ticket.pdf"
    assert routes.track_api("abc", "/qr.png") == "/api/track/abc/qr.png"
    assert routes.track_verify_post("abc") == "/api/track/abc/verify"
    assert routes.branding_logo(0) == "/api/branding/logo/0"
    assert routes.branding_logo(4, "5f2a") == "/api/branding/logo/4?v=5f2a"
    assert routes.staff_invoice_pdf(7) == "/api/staff/invoices/7.pdf"
    assert routes.staff_statement_pdf(3) == "/api/staff/customers/3/statement.pdf"
    assert routes.portal_invoice_pdf(7) == "/api/portal/invoices/7.pdf"


def test_every_built_path_is_served():
    table = [r for r in api_routes().routes if isinstance(r, Route)]
    for path in (
        routes.staff_order_api(12, "/portal"),
        routes.staff_order_api(12, "/ticket.pdf"),
        routes.track_api("abc", "/qr.png"),
        routes.track_api("abc", "/files/7"),
        routes.track_verify_post("abc"),
        routes.branding_logo(4),
        routes.asset_certificate(3, 9, portal=True),
        routes.asset_certificate(3, 9, portal=False),
        routes.defect_photo(3, 9, portal=True),
        routes.defect_photo(3, 9, portal=False),
        routes.HEALTH,
        routes.STAFF_SIGN_IN_POST,
        routes.staff_invoice_pdf(7),
        routes.staff_statement_pdf(3),
        routes.portal_invoice_pdf(7),
        routes.PORTAL_STATEMENT_PDF,
        routes.staff_service_report_pdf(12, 3),
        routes.track_service_report_pdf("abc", 3),
        routes.portal_service_report_pdf(12, 3),
        routes.staff_resource_file(5),
        routes.portal_resource_file(5),
    ):
        assert any(r.path_regex.match(path) for r in table), path

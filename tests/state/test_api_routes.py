"""HTTP routes for documents and QR codes: authorised from server-side data only."""

import io

import pytest
from PIL import Image
from sqlmodel import select
from starlette.testclient import TestClient

from repair_portal.api import STAFF_COOKIE, api_routes, security_headers
from repair_portal.db import write_session
from repair_portal.models import AuditEvent, ShopSettings, Signature
from repair_portal.services import audit, portal_links, quotes, staff_auth

from .. import factories


@pytest.fixture
def world(app_env, engine):
    with write_session(engine) as s:
        _, location = factories.shop(s)
        factories.staff(s, email="desk@example.com")
        new = factories.order(s, location, last_name="Wójcik")
        quote = quotes.create_quote(s, new.order, [quotes.LineSpec("Screen", 1, 12000)], audit.SYSTEM)
        quotes.send_quote(s, quote, audit.SYSTEM)
        other = factories.order(s, location, last_name="Other")
    token = staff_auth.sign_in(engine, app_env, email="desk@example.com", password=factories.STAFF_PASSWORD).token
    client = TestClient(security_headers(api_routes()))
    return {"client": client, "token": token, "order": new.order, "code": new.code, "other": other}


def test_staff_documents_need_a_live_staff_session(world):
    client, order_id = world["client"], world["order"].id
    assert client.get(f"/api/staff/orders/{order_id}/ticket.pdf").status_code == 401
    client.cookies.set(STAFF_COOKIE, "forged-session-token")
    assert client.get(f"/api/staff/orders/{order_id}/ticket.pdf").status_code == 401


@pytest.mark.parametrize(
    "path", ["ticket.pdf?layout=a4", "ticket.pdf?layout=receipt80", "label.pdf", "quote.pdf", "invoice.pdf"]
)
def test_staff_get_pdfs_with_safe_headers(world, path, engine):
    client = world["client"]
    client.cookies.set(STAFF_COOKIE, world["token"])
    response = client.get(f"/api/staff/orders/{world['order'].id}/{path}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["content-disposition"].startswith('inline; filename="R-1000')
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.content.startswith(b"%PDF")
    with write_session(engine) as s:
        assert s.exec(select(AuditEvent).where(AuditEvent.action == "document.downloaded")).first() is not None


def test_staff_qr_png_and_missing_things(world):
    client = world["client"]
    client.cookies.set(STAFF_COOKIE, world["token"])
    response = client.get(f"/api/staff/orders/{world['order'].id}/qr.png")
    assert response.status_code == 200 and response.headers["content-type"] == "image/png"
    assert Image.open(io.BytesIO(response.content)).format == "PNG"
    assert client.get("/api/staff/orders/99999/ticket.pdf").status_code == 404
    assert client.get("/api/staff/orders/abc/ticket.pdf").status_code == 404
    assert client.get(f"/api/staff/orders/{world['other'].order.id}/quote.pdf").status_code == 404  # no quote


def test_customers_get_their_own_qr_and_nothing_with_a_dead_code(world, engine):
    client = world["client"]
    response = client.get(f"/api/track/{world['code']}/qr.png")
    assert response.status_code == 200 and response.headers["content-type"] == "image/png"
    assert client.get("/api/track/not-a-code/qr.png").status_code == 404
    with write_session(engine) as s:
        portal_links.revoke(s, world["order"].id, audit.SYSTEM)
    assert client.get(f"/api/track/{world['code']}/qr.png").status_code == 404


def test_customer_pdfs_respect_the_shops_access_mode(world, engine):
    client = world["client"]
    # demo default: link + last name, and the portal's check isn't passed here, so no personal documents
    refused = client.get(f"/api/track/{world['code']}/quote.pdf")
    assert refused.status_code == 403 and "Wójcik".encode() not in refused.content
    with write_session(engine) as s:
        shop = s.get(ShopSettings, 1)
        shop.access_mode = "link"
        s.add(shop)
    response = client.get(f"/api/track/{world['code']}/quote.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert client.get(f"/api/track/{world['other'].code}/quote.pdf").status_code == 404  # no quote for that one


def test_shop_logo_is_validated_stored_and_served_on_the_portal(world, engine, app_env, tmp_path):
    from repair_portal.integrations.images import ImageRejected
    from repair_portal.services.branding import set_logo
    from repair_portal.state.track import TrackState

    from .conftest import make_state

    logo = io.BytesIO()
    Image.new("RGBA", (1200, 300), (15, 118, 110, 255)).save(logo, format="PNG")
    client = world["client"]
    assert client.get("/api/branding/logo/0").status_code == 404
    with write_session(engine) as s, pytest.raises(ImageRejected):
        set_logo(s, app_env.uploads_dir, b"<svg onload=alert(1)>", audit.SYSTEM)
    with write_session(engine) as s:
        set_logo(s, app_env.uploads_dir, logo.getvalue(), audit.SYSTEM)
    response = client.get("/api/branding/logo/0")
    assert response.status_code == 200 and response.headers["content-type"] == "image/png"
    assert Image.open(io.BytesIO(response.content)).size == (600, 150)  # fitted into 600×200
    state = make_state(TrackState, path=f"/track/{world['code']}")
    state.load_tracking()
    assert state.logo_url.startswith("/api/branding/logo/")


def test_portal_downloads_follow_the_shop_switches_and_staff_preview_opens_them(world, engine):
    client, code = world["client"], world["code"]
    with write_session(engine) as s:
        shop = s.get(ShopSettings, 1)
        shop.access_mode = "link"
    assert client.get(f"/api/track/{code}/invoice.pdf").status_code == 200
    with write_session(engine) as s:
        shop = s.get(ShopSettings, 1)
        shop.show_payments, shop.show_quote = False, False
    for doc in ("invoice.pdf", "quote.pdf", "signed.pdf"):
        assert client.get(f"/api/track/{code}/{doc}").status_code == 404
    assert client.get(f"/api/track/{code}/qr.png").status_code == 200


def test_a_staff_session_opens_customer_documents_behind_the_last_name_check(world, engine):
    client, code = world["client"], world["code"]
    with write_session(engine) as s:
        s.get(ShopSettings, 1).access_mode = "link_last_name"
    assert client.get(f"/api/track/{code}/quote.pdf").status_code == 403  # unverified device
    client.cookies.set(STAFF_COOKIE, world["token"])
    assert client.get(f"/api/track/{code}/quote.pdf").status_code == 200  # "view as customer"


def test_each_signature_is_viewed_and_printed_by_staff_only_on_its_own_order(world, engine, app_env):
    from pypdf import PdfReader

    from repair_portal.services import counter

    from ..unit.test_consents import _png

    with write_session(engine) as s:
        ShopSettings.current(s).terms_text = "Repairs are guaranteed for 90 days."
        session_id = staff_auth.resolve_session(s, app_env, world["token"]).session_id
        counter.start(s, session_id, world["order"].id, "terms", audit.SYSTEM)
    with write_session(engine) as s:
        counter.sign(s, session_id, signer_name="Ada Wójcik", png=_png(), ip="10.0.0.9", user_agent="tablet")
        signature_id = s.exec(select(Signature.id)).one()
    client, order_id = world["client"], world["order"].id
    client.cookies.set(STAFF_COOKIE, world["token"])
    base = f"/api/staff/orders/{order_id}/signatures/{signature_id}"
    assert client.get(base + ".png").status_code == 423  # the browser is still showing the counter screen
    with write_session(engine) as s:
        assert counter.unlock(s, app_env, session_id, factories.STAFF_PASSWORD, audit.SYSTEM).order_id == order_id
    image = client.get(base + ".png")
    assert image.status_code == 200 and Image.open(io.BytesIO(image.content)).format == "PNG"
    record = client.get(base + ".pdf")
    assert record.status_code == 200 and record.content.startswith(b"%PDF")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(record.content)).pages)
    for expected in ("Ada Wójcik", "Repairs are guaranteed for 90 days.", "In person at the counter", "10.0.0.9"):
        assert expected in text
    other = world["other"].order.id
    assert client.get(f"/api/staff/orders/{other}/signatures/{signature_id}.png").status_code == 404
    assert client.get(f"/api/staff/orders/{other}/signatures/{signature_id}.pdf").status_code == 404
    assert client.get(f"/api/staff/orders/{order_id}/signatures/x.pdf").status_code == 404
    client.cookies.clear()
    assert client.get(base + ".png").status_code == 401

"""Every PDF route through the cache: the bytes open as a PDF, a second request is read back without
drawing, a change to the order draws again, and the access checks still run before the cache."""

from __future__ import annotations

import functools
from collections import Counter

import pytest
from starlette.testclient import TestClient

from repair_portal import cookies
from repair_portal.api import api_routes, security_headers
from repair_portal.db import write_session
from repair_portal.integrations import pdf, pdf_invoice, pdf_service_report, pdf_ticket
from repair_portal.models import Customer
from repair_portal.services import audit, branding, portal_auth, portal_links, staff_auth

from .. import factories, pdf_world, portal_factories
from ..invoice_factories import account
from ..unit.document_fixtures import pdf_reader, pdf_text

RENDERERS = [
    (pdf_ticket, "intake_ticket_pdf"),
    (pdf_ticket, "device_label_pdf"),
    (pdf, "quote_pdf"),
    (pdf, "invoice_pdf"),
    (pdf, "signed_authorisation_pdf"),
    (pdf_invoice, "invoice_pdf"),
    (pdf_invoice, "statement_pdf"),
    (pdf_service_report, "service_report_pdf"),
]


@pytest.fixture
def drawn(monkeypatch) -> Counter:
    """How often each renderer really drew (the wrappers keep the renderer's name, so its cache key)."""
    calls: Counter = Counter()
    for module, name in RENDERERS:
        real = getattr(module, name)

        def counting(*args, _real=real, _name=f"{module.__name__}.{name}"):
            calls[_name] += 1
            return _real(*args)

        monkeypatch.setattr(module, name, functools.wraps(real)(counting))
    return calls


@pytest.fixture
def world(app_env, engine, drawn):
    with write_session(engine) as s:
        seeded = pdf_world.seed(s, app_env)
    staff = staff_auth.sign_in(engine, app_env, email=pdf_world.OWNER_EMAIL, password=factories.STAFF_PASSWORD)
    return {"seeded": seeded, "staff": staff.token, "settings": app_env, "engine": engine}


def _client(world, who: str) -> TestClient:
    client = TestClient(security_headers(api_routes()))
    if who == "staff":
        client.cookies.set(cookies.STAFF_SESSION, world["staff"])
    elif who == "portal":
        client.cookies.set(cookies.PORTAL_SESSION, world["seeded"].portal_token)
    return client


def test_every_pdf_route_serves_a_real_pdf_and_the_second_request_is_not_drawn(world, drawn):
    cache_dir = world["settings"].pdf_cache_dir
    for label, path, who in pdf_world.pdf_routes(world["seeded"]):
        client = _client(world, who)
        before = sum(drawn.values())
        first = client.get(path)
        assert first.status_code == 200, (label, first.text)
        assert first.headers["content-type"] == "application/pdf"
        assert len(pdf_reader(first.content).pages) >= 1, label
        once = sum(drawn.values())
        second = client.get(path)
        assert second.status_code == 200 and second.content == first.content, label
        assert sum(drawn.values()) == once, f"{label}: drawn again instead of read from the cache"
        assert once - before <= 1, label  # at most one drawing (the link and the portal share the staff's)
    assert sum(drawn.values()) >= 8 and set(drawn) == {f"{m.__name__}.{n}" for m, n in RENDERERS}
    assert len(list(cache_dir.glob("*.pdf"))) == sum(drawn.values())


def test_a_changed_customer_or_logo_is_drawn_again_never_served_stale(world, drawn, engine):
    client = _client(world, "staff")
    path = f"/api/staff/invoices/{world['seeded'].invoice}.pdf"
    assert "Zoë Wójcik" in pdf_text(client.get(path).content)
    with write_session(engine) as s:
        customer = s.get(Customer, world["seeded"].customer)
        customer.last_name = "Nowak"
        s.add(customer)
    renamed = client.get(path)
    assert "Zoë Nowak" in pdf_text(renamed.content) and drawn["repair_portal.integrations.pdf_invoice.invoice_pdf"] == 2
    with write_session(engine) as s:
        logo = pdf_world.image((400, 100), "navy", "PNG")
        branding.set_logo(s, world["settings"].uploads_dir, logo, audit.SYSTEM, location_id=world["seeded"].location)
    assert client.get(path).status_code == 200
    assert drawn["repair_portal.integrations.pdf_invoice.invoice_pdf"] == 3
    assert client.get(path).content and drawn["repair_portal.integrations.pdf_invoice.invoice_pdf"] == 3


def test_the_access_checks_still_come_first_for_a_cached_document(world, engine):
    seeded = world["seeded"]
    staff_path = f"/api/staff/orders/{seeded.order}/quote.pdf"
    link_path = f"/api/track/{seeded.code}/quote.pdf"
    portal_path = f"/api/portal/invoices/{seeded.invoice}.pdf"
    assert _client(world, "staff").get(staff_path).status_code == 200
    assert _client(world, "link").get(link_path).status_code == 200
    assert _client(world, "portal").get(portal_path).status_code == 200
    stranger = TestClient(security_headers(api_routes()))
    assert stranger.get(staff_path).status_code == 401
    stranger.cookies.set(cookies.STAFF_SESSION, "forged")
    assert stranger.get(staff_path).status_code == 401
    assert stranger.get(portal_path).status_code == 401
    with write_session(engine) as s:
        other = portal_factories.portal_user(s, email="eve@theirs.test", customer=account(s, "Theirs Ltd"))
        eve = portal_auth.open_session(s, world["settings"], other, ip="", user_agent="", mfa_passed=True)
        portal_links.revoke(s, seeded.order, audit.SYSTEM)
    theirs = TestClient(security_headers(api_routes()))
    theirs.cookies.set(cookies.PORTAL_SESSION, eve)
    assert theirs.get(portal_path).status_code == 404
    revoked = _client(world, "link").get(link_path)
    assert revoked.status_code == 404 and not revoked.content.startswith(b"%PDF")

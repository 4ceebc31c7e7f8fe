"""The built-in "Non-portal visitor" group governs what an order's link may see and do: each /track handler
that belongs to a part checks the group in the database at call time (its default is everything links did
before), the view leaves out the parts the group lacks, and a staff preview of /track shows the same."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from sqlmodel import func, select
from starlette.testclient import TestClient

from repair_portal import cookies
from repair_portal.db import session_scope, write_session
from repair_portal.models import Customer, Message, PaymentAttempt, Quote, Role, SmsConsent
from repair_portal.services import attachments, audit, payments, portal_access, portal_permissions, quotes, staff_auth
from repair_portal.services.pay_view import PayView
from repair_portal.services.portal_permissions import LINK_PERMS, VISITOR_PERMS, Perm
from repair_portal.state.guard import NOT_OFFERED, REGISTRY
from repair_portal.state.order_pay import TrackPayState
from repair_portal.state.track import TrackState
from repair_portal.state.track_quote import TrackQuoteState
from repair_portal.state.track_texts import TrackTextsState

from .. import factories
from .conftest import as_device, connect, make_state, run

DEVICE = "device-verified-for-this-order-000001"


@pytest.fixture
def link(app_env, engine, monkeypatch):
    from repair_portal import settings as settings_mod

    monkeypatch.setenv("DEMO_MODE", "true")  # the payment stand-in: "Pay" shows without Stripe keys
    settings_mod.get_settings.cache_clear()
    settings = settings_mod.get_settings()
    with write_session(engine) as s:
        shop, location = factories.shop(s)
        shop.access_mode = "link_last_name"
        shop.online_payments_enabled = shop.pay_orders_online = True
        factories.staff(s, email="owner@example.com", role=Role.OWNER)
        new = factories.order(s, location, last_name="Kowalski")
        s.get(Customer, new.order.customer_id).phone = "+447400900123"
        quote = quotes.create_quote(
            s,
            new.order,
            [quotes.LineSpec("Screen", 1, 12000), quotes.LineSpec("Case", 1, 1500, optional=True)],
            audit.SYSTEM,
        )
        quotes.send_quote(s, quote, audit.SYSTEM)
        photo = io.BytesIO()
        Image.new("RGB", (32, 32), "blue").save(photo, format="JPEG")
        attachment = attachments.add_attachment(
            s, settings.uploads_dir, new.order, "p.jpg", photo.getvalue(), visible=True, actor=audit.SYSTEM
        )
        payments.record_payment(s, new.order, 2000, "cash", audit.SYSTEM)
        portal_access.remember(s, new.order.id, DEVICE, "last_name")
    owner = staff_auth.sign_in(engine, settings, email="owner@example.com", password=factories.STAFF_PASSWORD).token
    yield {
        "code": new.code,
        "order_id": new.order.id,
        "customer_id": new.order.customer_id,
        "quote_id": quote.id,
        "file": attachment.id,
        "owner": owner,
        "settings": settings,
    }
    settings_mod.get_settings.cache_clear()


def _visitor(engine, perms) -> None:
    """Settings → Portal access: the built-in visitor group saved with exactly these permissions."""
    with write_session(engine) as s:
        group = portal_permissions.builtin_group(s, portal_permissions.VISITOR)
        portal_permissions.save_group(s, group.id, group.name, perms, False, audit.SYSTEM)


def _without(engine, *removed: Perm) -> None:
    _visitor(engine, VISITOR_PERMS - set(removed))


def _page(cls, code, *, preview_by: str | None = None):
    path = f"/track/{code}"
    state = make_state(cls, path=path)
    if preview_by is None:
        as_device(state, DEVICE)
    else:
        from reflex.istate.data import RouterData

        root = state._get_root_state()
        root.router_data = {**root.router_data, "asPath": path + "?preview=staff"}
        root.router = RouterData.from_router_data(root.router_data)
        connect(state, **{cookies.STAFF_SESSION: preview_by})
    state.load_tracking()
    assert state.status == "ok"
    return state


def _approved(engine, quote_id) -> None:
    """The quote approved (at the counter, say): the order now has a balance to pay online."""
    with write_session(engine) as s:
        quote = s.get(Quote, quote_id)
        quote.status = "approved"
        s.add(quote)


def _count(engine, model) -> int:
    with session_scope(engine) as s:
        return s.exec(select(func.count()).select_from(model)).one()


def _refused(result) -> bool:
    return NOT_OFFERED in str(result)


# --- the default is today's behaviour --------------------------------------------------------------


def test_the_default_visitor_group_has_every_permission_a_link_handler_needs(engine):
    needed = {g.action for g in REGISTRY.values() if g.kind == "customer" and g.action is not None}
    assert needed == {
        Perm.MESSAGES_SEND,
        Perm.QUOTES_DECIDE,
        Perm.INVOICES_PAY,
        Perm.PRIVACY_MANAGE,
    }
    assert needed <= VISITOR_PERMS == LINK_PERMS
    with session_scope(engine) as s:  # as migrated (0015's seed, plus 0024)
        assert portal_permissions.visitor_perms(s) == VISITOR_PERMS


def test_by_default_a_link_sees_and_does_what_it_always_did(link, engine):
    _approved(engine, link["quote_id"])
    state = _page(TrackPayState, link["code"])
    state.load_quote()
    view = state.view
    assert [f.id for f in view.files] == [link["file"]] and view.show_photos
    assert view.payments and view.paid == "£20.00" and view.has_total and view.show_payments
    assert view.show_quote and state.has_quote and len(state.quote_lines) == 2
    assert view.show_messages and view.pay.can_pay and len(state.service_reports) == 0
    texts = _page(TrackTextsState, link["code"])
    texts.load_texts()
    assert texts.texts.available
    run(state.handle_message({"body": "Any news?"}))
    assert _count(engine, Message) == 1


# --- each part taken away: the handler refuses, nothing changes, the view lacks it --------------------


def test_without_messages_the_link_can_not_post_and_sees_no_thread(link, engine):
    state = _page(TrackState, link["code"])
    run(state.handle_message({"body": "Is the screen in stock 7731?"}))
    _without(engine, Perm.MESSAGES_SEND)  # while the page is open: the next click reads the group again
    assert _refused(run(state.handle_message({"body": "second"})))
    assert _refused(run(state.handle_feedback({"feedback": "great"})))
    assert _count(engine, Message) == 1
    run(state.reload())
    assert state.thread == [] and not state.view.show_messages and "7731" not in str(state.dict())
    assert state._allowed_tab("messages") == "status"  # nor with ?tab=


def test_without_quote_decisions_the_link_can_not_decide_and_gets_no_quote(link, engine):
    state = _page(TrackQuoteState, link["code"])
    state.load_quote()
    optional = next(line.id for line in state.quote_lines if line.optional)
    _without(engine, Perm.QUOTES_DECIDE)
    assert _refused(run(state.handle_decline({"reason": "Too dear"})))
    assert _refused(run(state.toggle_line(optional, True)))
    with session_scope(engine) as s:
        assert s.get(Quote, link["quote_id"]).status == "sent"
        assert {line.decision for line in quotes.lines_of(s, link["quote_id"])} == {None}  # undecided
    run(state.reload())
    state.load_quote()
    assert not state.view.show_quote and not state.has_quote and state.quote_lines == [] and state.quote_total == ""
    assert "Screen" not in str(state.dict())
    _visitor(engine, VISITOR_PERMS)  # given back: the same decline goes through (the refusal was the group's)
    state.load_quote()
    run(state.handle_decline({"reason": "Too dear"}))
    with session_scope(engine) as s:
        assert s.get(Quote, link["quote_id"]).status == "declined"


def test_without_privacy_settings_the_link_can_not_switch_texts(link, engine):
    state = _page(TrackTextsState, link["code"])
    _without(engine, Perm.PRIVACY_MANAGE)
    assert _refused(run(state.set_texts(True)))
    state.load_texts()
    assert not state.texts.available and state.texts.number == ""
    with session_scope(engine) as s:
        assert _count(engine, SmsConsent) == 0 and not s.get(Customer, link["customer_id"]).sms_updates
    _visitor(engine, VISITOR_PERMS)
    run(state.set_texts(True))
    assert _count(engine, SmsConsent) == 1


def test_without_paying_online_there_is_no_pay_button_and_no_checkout(link, engine):
    _approved(engine, link["quote_id"])
    state = _page(TrackPayState, link["code"])
    assert state.view.pay.can_pay
    _without(engine, Perm.INVOICES_PAY)
    assert _refused(run(state.handle_pay({"amount": ""})))
    assert _refused(run(state.pay_deposit()))
    assert _count(engine, PaymentAttempt) == 0
    run(state.reload())
    assert state.view.pay == PayView() and state.view.payments  # the payments themselves still show
    _without(engine, Perm.PAYMENTS_VIEW, Perm.INVOICES_VIEW)  # paying needs a balance the link may see
    run(state.reload())
    assert state.view.pay == PayView()


def test_without_money_the_link_sees_no_payments_totals_or_invoice(link, engine):
    _without(engine, Perm.PAYMENTS_VIEW, Perm.INVOICES_VIEW)
    state = _page(TrackState, link["code"])
    view = state.view
    assert (view.payments, view.total, view.paid, view.balance) == ([], "", "", "")
    assert not view.show_payments and not view.has_total and view.pay == PayView()
    assert "£20.00" not in str(state.dict())
    assert _download(link, "/invoice.pdf") == 404


def test_without_files_the_link_sees_no_photos_and_can_not_download_them(link, engine):
    assert _download(link, f"/files/{link['file']}") == 200
    _without(engine, Perm.FILES_VIEW)
    state = _page(TrackState, link["code"])
    assert state.view.files == [] and not state.view.show_photos and not state.view.show_documents
    assert state.service_reports == []
    assert state._allowed_tab("documents") == "status"  # nor with ?tab=
    assert _download(link, f"/files/{link['file']}") == 404
    assert _download(link, "/quote.pdf") == 200  # the quote belongs to the quote part too
    _without(engine, Perm.FILES_VIEW, Perm.QUOTES_DECIDE)
    assert _download(link, "/quote.pdf") == 404
    assert _download(link, "/qr.png") == 200  # the page's own address, no order data


def _download(link, rest: str) -> int:
    from repair_portal.api import api_routes, security_headers

    client = TestClient(security_headers(api_routes()))
    client.cookies.set(cookies.DEVICE, DEVICE)
    return client.get(f"/api/track/{link['code']}{rest}").status_code


def test_a_staff_preview_of_the_link_shows_what_the_customer_would_see(link, engine):
    _without(engine, Perm.FILES_VIEW, Perm.MESSAGES_SEND, Perm.QUOTES_DECIDE)
    preview = _page(TrackQuoteState, link["code"], preview_by=link["owner"])
    preview.load_quote()
    assert preview.preview
    assert preview.view.files == [] and preview.thread == [] and not preview.view.show_quote
    assert not preview.has_quote and preview.quote_lines == []
    assert preview.view.payments  # what the group keeps, the preview shows


def test_the_account_portal_is_not_governed_by_the_visitor_group(link, engine):
    """A portal user's order page follows their own group: an Admin keeps the quote when links lose it."""
    from repair_portal.services import portal_auth
    from repair_portal.state.account_order import AccountOrderState

    from .. import portal_factories

    with write_session(engine) as s:
        account = s.get(Customer, link["customer_id"])
        account.kind = "business"
        user = portal_factories.portal_user(s, customer=account)
        token = portal_auth.open_session(s, link["settings"], user, ip="", user_agent="", mfa_passed=True)
    _without(engine, Perm.QUOTES_DECIDE, Perm.FILES_VIEW)
    state = make_state(AccountOrderState, path=f"/portal/orders/{link['order_id']}")
    connect(state, **{cookies.PORTAL_SESSION: token})
    state.load_tracking()
    state.load_quote()
    assert state.status == "ok" and state.view.show_quote and state.has_quote and state.view.files

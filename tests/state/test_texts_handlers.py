"""Texting consent and unmatched texts through the handlers: the customer's switch by link and in the account
portal (only the order this tab may act on, never a staff preview, never a group without "Privacy settings:
manage"), the intake's tick, the staff customer page's history, and the Alerts page's unmatched texts."""

from __future__ import annotations

import json

import pytest
from sqlmodel import select

from repair_portal import cookies
from repair_portal.db import session_scope, write_session
from repair_portal.models import (
    AuditEvent,
    Customer,
    Device,
    Message,
    Order,
    PermissionGroup,
    Role,
    SmsConsent,
    SmsMessage,
    SmsStatus,
)
from repair_portal.services import audit, portal_access, portal_auth, portal_preview, sms_consent, staff_auth
from repair_portal.services.orders import create_order
from repair_portal.state.staff_customers import StaffCustomerState
from repair_portal.state.staff_intake import StaffIntakeState
from repair_portal.state.staff_unmatched_texts import StaffUnmatchedTextsState
from repair_portal.state.track_texts import AccountTextsState, TrackTextsState

from .. import factories, portal_factories
from ..conftest import TEST_SECRET_KEY
from .conftest import as_device, as_staff, connect, make_state, pass_gate, redirect_path, run

OTHER_DEVICE = "device-verified-for-the-other-order-0001"


def _toast(result) -> str:
    return str(getattr(result, "args", result))


def _consents(engine) -> list[tuple]:
    with session_scope(engine) as s:
        return [(c.customer_id, c.granted, c.channel, c.staff_user_id) for c in s.exec(select(SmsConsent))]


def _texting(engine, customer_id) -> bool:
    with session_scope(engine) as s:
        return s.get(Customer, customer_id).sms_updates


# ---------------------------------------------------------------- /track


@pytest.fixture
def link(app_env, engine):
    with write_session(engine) as s:
        shop, location = factories.shop(s)
        shop.access_mode = "link_last_name"
        factories.staff(s, email="owner@example.com", role=Role.OWNER)
        new = factories.order(s, location, last_name="Kowalski")
        other = factories.order(s, location, last_name="Other")
        s.get(Customer, new.order.customer_id).phone = "+447400900123"
        portal_access.remember(s, other.order.id, OTHER_DEVICE, "last_name")
        bare = factories.order(s, location, last_name="Bare")  # no number on file
    owner = staff_auth.sign_in(engine, app_env, email="owner@example.com", password=factories.STAFF_PASSWORD).token
    return {"code": new.code, "customer": new.order.customer_id, "bare": bare.code, "owner": owner}


def _track(code, device=None, query=""):
    state = as_device(make_state(TrackTextsState, path=f"/track/{code}"), device)
    if query:
        from reflex.istate.data import RouterData

        root = state._get_root_state()
        root.router_data = {**root.router_data, "asPath": f"/track/{code}{query}"}
        root.router = RouterData.from_router_data(root.router_data)
    state.load_tracking()
    return state


def test_the_verified_customer_switches_texts_on_and_off(link, engine):
    state = _track(link["code"])
    pass_gate(state, "Kowalski")
    assert state.status == "ok"
    state.load_texts()
    assert (state.texts.available, state.texts.number, state.texts.on) == (True, "•••• 0123", False)
    assert "900123" not in str(state.dict())  # the whole number never reaches the browser
    assert "We'll text you" in _toast(run(state.set_texts(True)))
    assert state.texts.on and _texting(engine, link["customer"])
    run(state.set_texts(False))
    assert not state.texts.on and not _texting(engine, link["customer"])
    assert _consents(engine) == [(link["customer"], True, "portal", None), (link["customer"], False, "portal", None)]
    with session_scope(engine) as s:
        given = s.exec(select(AuditEvent).where(AuditEvent.action == "sms.consent_given")).one()
        wording = s.exec(select(SmsConsent.wording)).first()
    assert given.actor_type == "customer" and given.actor_id == link["customer"]
    assert wording == sms_consent.PORTAL_WORDING
    assert run(state.set_texts("yes")) is None and _consents(engine)[-1][1] is False  # a forged value: nothing


@pytest.mark.parametrize("who", ["not verified", "another order's device"])
def test_nobody_else_reads_or_changes_it(link, engine, who):
    state = _track(link["code"], OTHER_DEVICE if who != "not verified" else None)
    assert state.status == "gate"
    state.load_texts()
    assert state.texts.available is False and state.texts.number == ""
    result = run(state.set_texts(True))
    assert result is not None and "preview" not in _toast(result)  # sent back to the page's loader
    assert _consents(engine) == [] and not _texting(engine, link["customer"])


def test_a_staff_preview_sees_the_switch_and_cannot_change_it(link, engine):
    state = _track(link["code"], query="?preview=staff")
    connect(state, **{cookies.STAFF_SESSION: link["owner"]})
    state.load_tracking()
    assert state.preview and state.status == "ok"
    state.load_texts()
    assert state.texts.available and state.texts.number == "•••• 0123"
    assert "staff preview" in _toast(run(state.set_texts(True)))
    assert _consents(engine) == [] and not _texting(engine, link["customer"])


def test_no_number_on_file_no_switch(link, engine):
    state = _track(link["bare"])
    pass_gate(state, "Bare")
    state.load_texts()
    assert state.texts.available is False
    assert "no mobile number" in _toast(run(state.set_texts(True)))
    assert _consents(engine) == []


# ---------------------------------------------------------------- /portal/orders/[id]


def _account_order(session, location, customer) -> Order:
    device = Device(customer_id=customer.id, kind="laptop", make="Lenovo", model="T14")
    session.add(device)
    session.flush()
    return create_order(
        session,
        TEST_SECRET_KEY,
        customer=customer,
        location=location,
        device=device,
        problem="Dead",
        actor=audit.SYSTEM,
    ).order


@pytest.fixture
def account(app_env, engine):
    with write_session(engine) as s:
        _, location = factories.shop(s)
        factories.staff(s, email="owner@example.com", role=Role.OWNER)
        mine, theirs = portal_factories.business(s, "Quay Works Ltd"), portal_factories.business(s, "Harbour Ltd")
        mine.phone = "+447400900456"
        order = _account_order(s, location, mine)
        their_order = _account_order(s, location, theirs)
        viewers = PermissionGroup(name="Orders only", permissions_json='["orders.view_all"]')
        s.add(viewers)
        s.flush()
        users = {
            "admin": portal_factories.portal_user(s, email="pat@quay.test", customer=mine),
            "viewer": portal_factories.portal_user(s, email="olly@quay.test", customer=mine, group=viewers),
            "their_admin": portal_factories.portal_user(s, email="hal@harbour.test", customer=theirs),
        }
        jars = {
            k: {cookies.PORTAL_SESSION: portal_auth.open_session(s, app_env, u, ip="", user_agent="", mfa_passed=True)}
            for k, u in users.items()
        }
        admin_id, ids = users["admin"].id, (order.id, their_order.id, mine.id)
    owner = staff_auth.sign_in(engine, app_env, email="owner@example.com", password=factories.STAFF_PASSWORD).token
    with write_session(engine) as s:
        preview = portal_preview.start(s, app_env, owner, admin_id, ip="", user_agent="")
    jars["preview"] = {cookies.PORTAL_PREVIEW: preview, cookies.STAFF_SESSION: owner}
    return {"jars": jars, "order": ids[0], "their_order": ids[1], "customer": ids[2], "admin_id": admin_id}


def _account_page(account, who, order_id=None):
    path = f"/portal/orders/{order_id or account['order']}"
    state = connect(make_state(AccountTextsState, path=path), **account["jars"][who])
    state.load_tracking()
    state.load_texts()
    return state


def test_an_account_admin_switches_the_accounts_texts(account, engine):
    state = _account_page(account, "admin")
    assert state.status == "ok" and (state.texts.available, state.texts.number) == (True, "•••• 0456")
    run(state.set_texts(True))
    assert state.texts.on and _texting(engine, account["customer"])
    assert _consents(engine) == [(account["customer"], True, "portal", None)]
    with session_scope(engine) as s:
        given = s.exec(select(AuditEvent).where(AuditEvent.action == "sms.consent_given")).one()
    assert (given.actor_type, given.actor_id) == ("portal", account["admin_id"])


@pytest.mark.parametrize("who", ["viewer", "preview", "their_admin"])
def test_the_account_switch_refuses_everyone_else(account, engine, who):
    state = _account_page(account, who)
    assert state.texts.available is False or who == "preview"
    run(state.set_texts(True))
    assert _consents(engine) == [] and not _texting(engine, account["customer"])
    if who == "their_admin":  # their own order: still the wrong customer for ours, and no number of theirs
        own = _account_page(account, who, account["their_order"])
        assert own.status == "ok" and own.texts.available is False


# ---------------------------------------------------------------- staff: intake and the customer page


@pytest.fixture
def staff(app_env, engine):
    with write_session(engine) as s:
        _, location = factories.shop(s)
        desk = factories.staff(s, email="desk@example.com", role=Role.FRONT_DESK, name="Dee Desk")
        tech = factories.staff(s, email="tech@example.com", role=Role.TECHNICIAN, name="Tess Tech")
        order = factories.order(s, location, last_name="Nowak").order
        other = factories.order(s, location, last_name="Baker").order
        ids = {"desk": desk.id, "tech": tech.id, "location": location.id, "order": order.id, "other": other.id}
        ids["reference"], ids["customer"] = order.reference, order.customer_id

    def token(email):
        return staff_auth.sign_in(engine, app_env, email=email, password=factories.STAFF_PASSWORD).token

    return {**ids, "token": token}


def test_booking_in_with_the_texts_tick_records_consent_and_the_customer_page_lists_it(staff, engine):
    intake = as_staff(make_state(StaffIntakeState, path="/staff/orders/new"), staff["token"]("desk@example.com"))
    intake.load_intake()
    assert not intake.phone_entered and not intake.texts_ticked
    intake.set_phone_entered("07400 900777")
    intake.set_texts_ticked(True)
    assert intake.phone_entered and intake.texts_ticked
    intake.set_texts_ticked("yes")
    assert not intake.texts_ticked  # only a real boolean ticks it
    form = {
        "last_name": "Moreau",
        "phone": "07400 900777",
        "problem": "Cracked",
        "location_id": str(staff["location"]),
        "sms_updates": "on",
        "f_sms_updates": True,
    }
    run(intake.handle_book_in(form))
    assert intake.errors == {}
    with session_scope(engine) as s:
        customer = s.exec(select(Customer).where(Customer.last_name == "Moreau")).one()
        assert customer.sms_updates and customer.phone == "+447400900777"
    assert _consents(engine) == [(customer.id, True, "intake", staff["desk"])]
    page = as_staff(
        make_state(StaffCustomerState, path=f"/staff/customers/{customer.id}"), staff["token"]("tech@example.com")
    )
    page.load_customer()
    assert [(r.on, r.how, r.number) for r in page.texts_history] == [(True, "at intake by Dee Desk", "07400 900777")]


# ---------------------------------------------------------------- staff: texts we couldn't match


def _inbound(engine, body, *, direction="in", order_id=None) -> int:
    with write_session(engine) as s:
        sms = SmsMessage(
            direction=direction,
            order_id=order_id,
            to_number="+447700900000",
            from_number="+447400900555",
            body=body,
            status=SmsStatus.RECEIVED.value,
        )
        s.add(sms)
        s.flush()
        return sms.id


def _sms(engine, sms_id) -> SmsMessage:
    with session_scope(engine) as s:
        return s.get(SmsMessage, sms_id)


def _alerts(token):
    state = make_state(StaffUnmatchedTextsState, path="/staff/alerts")
    return as_staff(state, token) if token else state


def test_staff_add_a_text_to_an_order_or_dismiss_it(staff, engine):
    asking, spam = _inbound(engine, "is it ready?"), _inbound(engine, "WIN A PRIZE")
    state = _alerts(staff["token"]("tech@example.com"))
    state.load_unmatched()
    assert [t.id for t in state.unmatched] == [spam, asking] and state.unmatched_total == 2
    assert state.unmatched[0].number == "07400 900555"
    assert "Added to" in _toast(run(state.attach_text({"sms_id": str(asking), "reference": staff["reference"]})))
    with session_scope(engine) as s:
        [message] = s.exec(select(Message)).all()
        assert (message.order_id, message.channel, message.direction) == (
            staff["order"],
            "sms_other",
            "in",
        )  # a stranger number
        attached = s.exec(select(AuditEvent).where(AuditEvent.action == "sms.unmatched_attached")).one()
        assert attached.actor_id == staff["tech"] and json.loads(attached.detail)["sms_id"] == asking
    assert _sms(engine, asking).order_id == staff["order"] and _sms(engine, asking).handled_at is not None
    assert "Dismissed" in _toast(run(state.dismiss_text(spam)))
    assert _sms(engine, spam).handled_at is not None and state.unmatched == [] and state.unmatched_total == 0
    # Once dealt with, neither can be dealt with again.
    assert "already dealt with" in _toast(run(state.dismiss_text(asking)))
    assert "already dealt with" in _toast(run(state.attach_text({"sms_id": spam, "reference": staff["reference"]})))
    with session_scope(engine) as s:
        assert len(s.exec(select(Message)).all()) == 1 and _sms(engine, spam).order_id is None


def _unchanged(engine):
    with session_scope(engine) as s:
        return (
            [(m.id, m.order_id, m.handled_at) for m in s.exec(select(SmsMessage))],
            len(s.exec(select(Message)).all()),
            len(s.exec(select(AuditEvent).where(AuditEvent.action.like("sms.%"))).all()),
        )


def test_forged_ids_and_references_are_refused_with_nothing_written(staff, engine):
    unmatched = _inbound(engine, "is it ready?")
    outbound = _inbound(engine, "Your repair is ready", direction="out")
    matched = _inbound(engine, "thanks", order_id=staff["other"])
    before = _unchanged(engine)
    state = _alerts(staff["token"]("desk@example.com"))
    for sms_id in (outbound, matched, "²", -1, "9" * 40, None):
        assert "already dealt with" in _toast(
            run(state.attach_text({"sms_id": sms_id, "reference": staff["reference"]}))
        )
        assert "already dealt with" in _toast(run(state.dismiss_text(sms_id)))
    for reference in ("", "not a reference", "R-99999"):
        assert "R-" in _toast(run(state.attach_text({"sms_id": unmatched, "reference": reference})))
    run(state.attach_text("not a form"))
    assert _unchanged(engine) == before


@pytest.mark.parametrize("token", [None, "forged-session-token-aaaaaaaaaa"])
def test_without_a_staff_session_nothing_is_listed_or_changed(staff, engine, token):
    sms_id = _inbound(engine, "is it ready? my number is secret")
    before = _unchanged(engine)
    state = _alerts(token)
    assert redirect_path(state.load_unmatched()) == "/staff/login?next=/staff/alerts"
    for result in (
        run(state.attach_text({"sms_id": sms_id, "reference": staff["reference"]})),
        run(state.dismiss_text(sms_id)),
    ):
        assert redirect_path(result) == "/staff/login?next=/staff/alerts"
    assert state.unmatched == [] and "secret" not in str(state.dict())
    assert _unchanged(engine) == before

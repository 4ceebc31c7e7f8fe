"""The order page's texting handlers, called directly: who may use them, what they queue or open, that the
tracking link reaches the browser only in the reply, and the Texts card and thread badges they refresh."""

from __future__ import annotations

import json
from urllib.parse import unquote

from reflex_base.utils.format import json_dumps
from sqlmodel import select

from repair_portal.db import write_session
from repair_portal.models import AuditEvent, Customer, Message, MessageDirection, Role, SmsMessage
from repair_portal.services import permissions, staff_auth
from repair_portal.services.permissions import Action, can
from repair_portal.state.staff_order_link import StaffOrderLinkState
from repair_portal.state.staff_order_messages import StaffOrderMessagesState
from repair_portal.state.staff_order_texts import StaffOrderTextsState

from .. import factories
from .conftest import as_staff, redirect_path, run

MOBILE = "+447700900123"


def _setup(engine, app_env, phone=MOBILE):
    with write_session(engine) as s:
        _, location = factories.shop(s)
        factories.staff(s, email="tech@example.com", role=Role.TECHNICIAN, name="Tess Tech")
        factories.staff(s, email="desk@example.com", role=Role.FRONT_DESK, name="Dee Desk")
        new = factories.order(s, location)
        s.get(Customer, new.order.customer_id).phone = phone

    def token(email):
        return staff_auth.sign_in(engine, app_env, email=email, password=factories.STAFF_PASSWORD).token

    return new, token


def _open(state_factory, cls, order_id, token):
    state = state_factory(cls, path=f"/staff/orders/{order_id}")
    as_staff(state, token)
    state.load_order()
    return state


def _script(result) -> str:
    """The JavaScript a handler asked the browser to run (rx.call_script), '' when none."""
    for spec in result if isinstance(result, list) else [result]:
        args = {str(k): v for k, v in getattr(spec, "args", ())}
        if "javascript_code" in args:
            return json.loads(str(args["javascript_code"]))
    return ""


def _texts(engine):
    with write_session(engine) as s:
        return s.exec(select(SmsMessage)).all()


def _audited(engine, action):
    with write_session(engine) as s:
        return [json.loads(e.detail or "{}") for e in s.exec(select(AuditEvent).where(AuditEvent.action == action))]


def test_a_technician_texts_the_link_and_the_texts_card_shows_it_without_the_link(state_factory, engine, app_env):
    new, token = _setup(engine, app_env)
    assert can(Role.TECHNICIAN, Action.SEND_PORTAL_LINK) and can(Role.FRONT_DESK, Action.SEND_PORTAL_LINK)
    state = _open(state_factory, StaffOrderTextsState, new.order.id, token("tech@example.com"))
    assert state.can_text and state.can_send_link and state.texts == []
    run(state.handle_text_link())
    [text] = _texts(engine)
    assert text.template == "portal_link" and new.code in text.body  # queued with the link, to be sent
    [row] = state.texts
    assert (row.text, row.direction, row.number, row.status) == (
        "Text link (sent by staff)",
        "To the customer",
        "07700 900123",
        "Queued",
    )
    assert new.code not in json_dumps(state._get_root_state().dict())  # the card never holds the link
    assert len(_audited(engine, "sms.link_texted")) == 1


def test_front_desk_opens_messages_and_whatsapp_with_the_link_in_the_reply_only(state_factory, engine, app_env):
    new, token = _setup(engine, app_env)
    state = _open(state_factory, StaffOrderTextsState, new.order.id, token("desk@example.com"))
    script = _script(run(state.handle_open_sms()))
    assert f'window.location.href="sms:{MOBILE}?&body=' in script
    body = unquote(script.split("body=", 1)[1].rstrip('"'))
    assert f"http://shop.test/track/{new.code}" in body and body.startswith("Test Repairs: follow your repair")
    wa = _script(run(state.handle_open_whatsapp()))
    assert "window.open(u,'_blank')" in wa and '"https://wa.me/447700900123?text=' in wa
    assert new.code not in json_dumps(state._get_root_state().dict())
    assert [d["way"] for d in _audited(engine, "portal_link.shared")] == ["sms", "whatsapp"]
    assert _texts(engine) == []  # the staff member's own phone sends these, not the shop's provider
    copied = run(_open(state_factory, StaffOrderLinkState, new.order.id, token("desk@example.com")).handle_copy_link())
    assert any(new.code in str(spec) for spec in copied)  # straight to the clipboard, audited like the others
    assert [d["way"] for d in _audited(engine, "portal_link.shared")] == ["sms", "whatsapp", "copy"]


def test_without_a_mobile_number_the_buttons_hide_and_forged_calls_are_refused(state_factory, engine, app_env):
    new, token = _setup(engine, app_env, phone="")
    state = _open(state_factory, StaffOrderTextsState, new.order.id, token("desk@example.com"))
    assert not state.can_text
    assert _script(run(state.handle_open_whatsapp())) == ""
    run(state.handle_text_link())
    assert _texts(engine) == [] and _audited(engine, "portal_link.shared") == []
    assert [d["reason"] for d in _audited(engine, "sms.skipped")] == ["no_mobile"]


def test_no_session_or_a_role_without_send_portal_link_changes_nothing(state_factory, engine, app_env, monkeypatch):
    new, token = _setup(engine, app_env)
    nobody = state_factory(StaffOrderTextsState, path=f"/staff/orders/{new.order.id}")
    for handler in (nobody.handle_text_link, nobody.handle_open_sms, nobody.handle_open_whatsapp):
        assert redirect_path(run(handler())).startswith("/staff/login")
    tech = _open(state_factory, StaffOrderTextsState, new.order.id, token("tech@example.com"))
    # A shop that took "send portal links" away from technicians: the guard refuses, whatever the page shows.
    monkeypatch.setitem(
        permissions.MATRIX, Role.TECHNICIAN, permissions.MATRIX[Role.TECHNICIAN] - {Action.SEND_PORTAL_LINK}
    )
    for handler in (tech.handle_text_link, tech.handle_open_sms, tech.handle_open_whatsapp):
        refusal = run(handler())
        assert _script(refusal) == "" and "can't send portal links" in str(refusal)
    assert _texts(engine) == [] and _audited(engine, "portal_link.shared") == []
    assert _audited(engine, "sms.link_texted") == []


def test_a_reply_to_a_text_goes_back_by_text_and_the_thread_says_so(state_factory, engine, app_env):
    new, token = _setup(engine, app_env)
    with write_session(engine) as s:
        inbound = MessageDirection.FROM_CUSTOMER.value
        s.add(Message(order_id=new.order.id, direction=inbound, body="ready?", channel="sms"))
    state = _open(state_factory, StaffOrderMessagesState, new.order.id, token("tech@example.com"))
    assert [m.by_text for m in state.thread] == [True]
    run(state.handle_reply({"reply": "Yes, come by"}))
    assert [(m.body, m.by_text) for m in state.thread] == [("ready?", True), ("Yes, come by", True)]
    assert [t.template for t in _texts(engine)] == ["staff_reply"]
    assert [row.text for row in state.texts] == ["Reply from the shop"]

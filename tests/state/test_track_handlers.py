import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlmodel import select

from repair_portal.db import write_session
from repair_portal.models import AuditEvent, Message, OutboxMessage, ShopSettings
from repair_portal.services import audit, portal_links
from repair_portal.state.track import TrackState

from .. import factories
from .conftest import as_device, pass_gate, run


def _run(coro):
    """Run an async handler to completion on its own loop (the browser tests may own this thread's loop)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


def _order(engine, *, mode="link_last_name"):
    with write_session(engine) as s:
        shop, location = factories.shop(s)
        shop.access_mode = mode
        new = factories.order(s, location, last_name="Kowalski", first_name="Jan", problem="Water damage")
        return new.code, new.order.reference, new.order.id


def _open(state_factory, code, device=""):
    state = as_device(state_factory(TrackState, path=f"/track/{code}"), device)
    state.load_tracking()
    return state


def test_last_name_mode_shows_the_gate_and_nothing_private(state_factory, engine):
    code, reference, _ = _order(engine)
    state = _open(state_factory, code)
    assert state.status == "gate" and state.reference == reference
    sent = str(state.dict())
    assert "Kowalski" not in sent and "Water damage" not in sent and "iPhone" not in sent and "Jan" not in sent


def test_the_right_last_name_opens_the_order_and_is_remembered_on_the_device(state_factory, engine):
    code, _, order_id = _order(engine)
    state = _open(state_factory, code)
    device, _ = pass_gate(state, "  kowalski ")
    assert device and state.gate_error == ""
    assert state.status == "ok" and state.view.device == "Apple iPhone 13" and state.view.problem == "Water damage"
    assert [s.state for s in state.stage.steps][:2] == [
        "current",
        "upcoming",
    ] and state.stage.stage_label == "Booked in"
    again = _open(state_factory, code, device=device)  # a new tab on the same phone
    assert again.status == "ok"
    other_phone = _open(state_factory, code, device="some-other-device-token-000")
    assert other_phone.status == "gate"
    with write_session(engine) as s:
        viewed = s.exec(select(AuditEvent).where(AuditEvent.action == "portal.link_viewed")).all()
        # the second tab on the same phone within ten minutes is the same view: one line, no second write
        assert len(viewed) == 1 and all(v.order_id == order_id and v.ip == "203.0.113.9" for v in viewed)
        for row in s.exec(select(AuditEvent)):  # tokens never written to logs or the audit trail
            assert code not in f"{row.detail}{row.actor_label}{row.user_agent}"


def test_a_wrong_last_name_gets_a_clear_message(state_factory, engine):
    code, _, _ = _order(engine)
    state = _open(state_factory, code)
    pass_gate(state, "Smith")
    assert "doesn't match" in state.gate_error and state.status == "gate"


def test_link_only_mode_opens_straight_away(state_factory, engine):
    code, reference, _ = _order(engine, mode="link")
    state = _open(state_factory, code)
    assert state.status == "ok" and state.reference == reference


def test_unknown_and_revoked_codes_show_the_friendly_page_without_order_data(state_factory, engine):
    code, reference, order_id = _order(engine, mode="link")
    unknown = _open(state_factory, "not-a-real-code")
    assert unknown.status == "not_found" and unknown.reference == ""
    assert unknown.contact.phone  # the shop's phone number is still there to call
    with write_session(engine) as s:
        portal_links.revoke(s, order_id, audit.SYSTEM)
    revoked = _open(state_factory, code)
    assert revoked.status == "revoked" and revoked.reference == "" and reference not in str(revoked.dict())


def test_the_code_comes_from_the_url_not_from_arguments(state_factory, engine):
    code, _, _ = _order(engine, mode="link")
    state = state_factory(TrackState, path="/track/wrong")
    with pytest.raises(TypeError):
        state.load_tracking(code)  # a forged event can't pass a code in
    state.load_tracking()
    assert state.status == "not_found" and state.reference == ""


def test_messages_need_access_and_reach_the_shop(state_factory, engine):
    code, _, order_id = _order(engine)
    with write_session(engine) as s:
        s.get(ShopSettings, 1)  # location email from factories: shop@example.com
    stranger = _open(state_factory, code)  # on the gate, not verified
    _run(stranger.handle_message({"body": "let me in"}))
    with write_session(engine) as s:
        assert s.exec(select(Message)).all() == []
    state = _open(state_factory, code)
    pass_gate(state, "Kowalski")
    _run(state.handle_message({"body": "Can you also check the battery?"}))
    _run(state.handle_feedback({"feedback": "Lovely service"}))
    with write_session(engine) as s:
        rows = s.exec(select(Message).order_by(Message.id)).all()
        assert [(m.body, m.is_feedback, m.order_id) for m in rows] == [
            ("Can you also check the battery?", False, order_id),
            ("Lovely service", True, order_id),
        ]
        assert {m.template for m in s.exec(select(OutboxMessage))} == {"customer_message", "feedback_received"}
    assert [m.body for m in state.thread][-1] == "Lovely service"


def test_tab_deep_links_are_limited_to_known_tabs(state_factory, engine):
    code, _, _ = _order(engine, mode="link")
    state = state_factory(TrackState, path=f"/track/{code}")
    state.router = state.router.__class__.from_router_data(
        {"pathname": f"/track/{code}", "asPath": f"/track/{code}?tab=messages", "headers": {}, "ip": "1.2.3.4"}
    )
    state.load_tracking()
    assert state.tab == "messages"
    state.router = state.router.__class__.from_router_data(
        {"pathname": f"/track/{code}", "asPath": f"/track/{code}?tab=admin", "headers": {}, "ip": "1.2.3.4"}
    )
    state.load_tracking()
    assert state.tab == "status"


def _preview_state(state_factory, code, staff_token, *, path_query="?preview=staff"):
    from reflex.istate.data import RouterData

    state = state_factory(TrackState, path=f"/track/{code}")
    state.router = RouterData.from_router_data(
        {
            "pathname": f"/track/{code}",
            "asPath": f"/track/{code}{path_query}",
            "headers": {"user-agent": "staff-browser", "origin": "", "cookie": f"rp_staff_session={staff_token}"},
            "ip": "198.51.100.7",
        }
    )
    state.load_tracking()
    return state


def test_staff_preview_shows_the_portal_read_only_without_verifying_the_device(state_factory, engine, app_env):
    from repair_portal.models import PortalVerification, Role
    from repair_portal.services import staff_auth

    code, reference, order_id = _order(engine)
    with write_session(engine) as s:
        factories.staff(s, email="tech@example.com", role=Role.TECHNICIAN)
    token = staff_auth.sign_in(engine, app_env, email="tech@example.com", password=factories.STAFF_PASSWORD).token

    state = _preview_state(state_factory, code, token)
    assert state.preview and state.status == "ok" and state.reference == reference
    assert state.view.problem == "Water damage"  # content the gate would hide
    # Actions are refused server-side: no message is stored, nothing verified or audited as the customer.
    _run(state.handle_feedback({"feedback": "Great service"}))
    pass_gate(state, "Kowalski")  # even the right name verifies nothing from a previewing staff browser
    with write_session(engine) as s:
        assert s.exec(select(Message)).all() == []
        assert s.exec(select(PortalVerification)).all() == []
        actions = [e.action for e in s.exec(select(AuditEvent).where(AuditEvent.order_id == order_id))]
    assert "order.viewed_as_customer" in actions and "portal.link_viewed" not in actions


def test_preview_needs_a_live_staff_session_and_the_query_flag(state_factory, engine, app_env):
    code, _, _ = _order(engine)
    forged = _preview_state(state_factory, code, "not-a-real-session-token")
    assert not forged.preview and forged.status == "gate" and forged.view.problem == ""
    from repair_portal.models import Role
    from repair_portal.services import staff_auth

    with write_session(engine) as s:
        factories.staff(s, email="tech@example.com", role=Role.TECHNICIAN)
    token = staff_auth.sign_in(engine, app_env, email="tech@example.com", password=factories.STAFF_PASSWORD).token
    plain = _preview_state(state_factory, code, token, path_query="")
    assert not plain.preview and plain.status == "gate"


def test_switched_off_parts_never_reach_the_browser(state_factory, engine):
    code, _, order_id = _order(engine, mode="link")
    with write_session(engine) as s:
        from repair_portal.models import Order
        from repair_portal.services import messages, payments

        payments.record_payment(s, s.get(Order, order_id), 5000, "cash", audit.SYSTEM)
        messages.post_staff_reply(s, order_id, "Your part arrived", "Sam", audit.SYSTEM)
        shop = s.get(ShopSettings, 1)
        shop.show_payments, shop.show_messages = False, False
    state = _open(state_factory, code)
    assert state.status == "ok"
    assert state.view.payments == [] and state.view.paid == "£0.00" and not state.view.has_total
    assert state.thread == []
    sent = str(state.dict())
    assert "Your part arrived" not in sent and "50.00" not in sent
    assert state._allowed_tab("messages") == "status"  # nor with ?tab=


def test_a_deposit_before_any_quote_shows_on_the_portal_and_closed_days_are_listed(state_factory, engine):
    import json

    from repair_portal.models import Location, Order
    from repair_portal.services import payments

    code, _, order_id = _order(engine, mode="link")
    with write_session(engine) as s:
        payments.record_payment(s, s.get(Order, order_id), 2000, "cash", audit.SYSTEM)
        location = s.get(Location, s.get(Order, order_id).location_id)
        location.opening_hours_json = json.dumps({"mon": "09:00–17:30", "sat": "10:00–16:00"})
    state = _open(state_factory, code)
    assert not state.view.has_total and state.view.paid == "£20.00"  # no quote yet, a deposit taken
    assert [p.amount for p in state.view.payments] == ["£20.00"]
    hours = {h.day: h.hours for h in state.view.contact.hours}
    assert hours["Monday"] == "09:00–17:30" and hours["Sunday"] == "Closed" and len(hours) == 7


def test_a_new_quote_version_while_the_approval_form_is_open_resets_it_with_the_new_total(state_factory, engine):
    from repair_portal.services import quote_decisions, quotes
    from repair_portal.state.track_quote import TrackQuoteState

    code, _, order_id = _order(engine, mode="link")
    with write_session(engine) as s:
        from repair_portal.models import Order

        quote = quotes.create_quote(s, s.get(Order, order_id), [quotes.LineSpec("Screen", 1, 10000)], audit.SYSTEM)
        quotes.send_quote(s, quote, audit.SYSTEM)
    state = state_factory(TrackQuoteState, path=f"/track/{code}")
    state.load_tracking()
    state.load_quote()
    assert (state.quote_version, state.can_decide) == (1, True)
    state.open_form("approve")
    with write_session(engine) as s:  # the shop sends version 2 meanwhile
        draft = quote_decisions.revise_quote(s, order_id, [quotes.LineSpec("Screen", 1, 12000)], audit.SYSTEM)
        quotes.send_quote(s, draft, audit.SYSTEM)
    state.load_quote()  # what the live channel calls
    assert state.quote_version == 2 and state.deciding == ""
    assert "version 2 now totals £144.00" in state.quote_error  # 120.00 + 20 % VAT
    # a form opened on the new version is not reset by an unrelated reload
    state.open_form("approve")
    state.load_quote()
    assert state.deciding == "approve"


def test_a_field_message_goes_when_that_field_changes_and_a_late_event_cannot_wipe_a_newer_one(state_factory, engine):
    from repair_portal.state.track_quote import TrackQuoteState

    code, _, _ = _order(engine, mode="link")
    state = state_factory(TrackQuoteState, path=f"/track/{code}")
    state.load_tracking()
    state.prepare_approval({"signer_name": "Ada Nowak"})
    assert "tick the box" in state.quote_error
    state.clear_errors("name")  # another field: the message stays
    assert "tick the box" in state.quote_error
    state.clear_errors("agree")
    assert state.quote_error == ""
    state.prepare_approval({"signer_name": "A", "agree": "on"})
    assert state.quote_error == "Please type your full name."
    state.clear_errors("agree")  # a late event from the tick box
    assert state.quote_error == "Please type your full name."
    state.clear_errors("name")
    assert state.quote_error == ""


def test_a_customer_who_types_their_name_approves_without_drawing(state_factory, engine):
    """WCAG 2.5.7: "Type my name as my signature" approves with no pointer at all."""

    from sqlmodel import select

    from repair_portal.models import Order, Signature
    from repair_portal.services import quotes
    from repair_portal.state.track_quote import TrackQuoteState

    code, _, order_id = _order(engine, mode="link")
    with write_session(engine) as s:
        quote = quotes.create_quote(s, s.get(Order, order_id), [quotes.LineSpec("Screen", 1, 10000)], audit.SYSTEM)
        quotes.send_quote(s, quote, audit.SYSTEM)
    state = state_factory(TrackQuoteState, path=f"/track/{code}")
    state.load_tracking()
    state.load_quote()
    state.open_form("approve")
    follow_up = state.prepare_approval({"signer_name": "Jan Kowalski", "agree": "on", "sign_method": "typed"})
    assert "finish_approval" in str(follow_up) and "typed" in str(follow_up)  # no canvas read asked for
    run(state.finish_approval("typed"))
    assert state.quote_error == ""
    with write_session(engine) as s:
        sig = s.exec(select(Signature)).one()
        assert (sig.method, sig.signer_name, sig.purpose) == ("typed", "Jan Kowalski", "repair_authorisation")


def test_a_reread_sends_only_what_changed_and_a_message_only_the_thread(state_factory, engine):
    """Reflex sends every var a handler sets, changed or not: the page sets only what differs."""
    code, _, _ = _order(engine, mode="link")
    state = _open(state_factory, code)
    assert state.status == "ok"
    state._clean()
    state._reread([])  # what start_live does once the page is live: nothing new, nothing sent
    assert _sent(state) == set()
    _run(state.handle_message({"body": "Is the screen original?"}))
    assert _sent(state) == {"thread"} and state.thread[-1].body == "Is the screen original?"
    assert state.view.thread == []  # the messages travel in their own var only


def _sent(state) -> set[str]:
    """The vars the next delta would carry to the browser (underscored ones stay on the server)."""
    return {name for name in state.dirty_vars if not name.startswith("_")}


def test_an_over_long_message_is_refused_and_its_box_gets_all_of_it_back(state_factory, engine):
    """The browser no longer cuts a paste at the limit (no maxlength): the server refuses it with a message,
    and the form, which cleared itself on submit, is given back every character."""
    code, _, _ = _order(engine, mode="link")
    state = _open(state_factory, code)
    pasted = "Please also look at the charging port. " * 60  # 2,340 characters, over the 2,000 a message may have
    events = _run(state.handle_message({"body": pasted}))
    with write_session(engine) as s:
        assert s.exec(select(Message)).all() == []
    sent = str(events)
    assert "2000" in sent.replace(",", "")  # the message says the limit
    assert "message_body" in sent and pasted.strip() in sent  # the box is filled again, nothing cut
    assert state.thread == []


def test_a_page_reads_up_to_the_revision_it_was_nudged_to(state_factory, engine):
    """The order page's live element shows (and asks for a re-read) only while the tab's revision is ahead of
    what the page has read: not when a page first shows, nor again once it has read the change."""
    from repair_portal.live import LiveState

    code, _, _ = _order(engine, mode="link")
    state = _open(state_factory, code)
    live_state = _run(state.get_state(LiveState))
    assert live_state.revision == live_state.read == 0
    live_state.revision, live_state._changed = 3, ["messages"]  # three nudges arrived
    _run(state.reload())
    assert (live_state.read, live_state._changed) == (3, [])

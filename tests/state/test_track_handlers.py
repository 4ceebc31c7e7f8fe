import pytest
from sqlmodel import select

from repair_portal.db import write_session
from repair_portal.models import AuditEvent
from repair_portal.services import audit, portal_links
from repair_portal.state.track import TrackState

from .. import factories


def _order(engine):
    with write_session(engine) as s:
        _, location = factories.shop(s)
        new = factories.order(s, location, last_name="Kowalski", first_name="Jan", problem="Water damage")
        return new.code, new.order.reference, new.order.id


def test_a_valid_code_shows_reference_and_stage_and_is_audited(state_factory, engine):
    code, reference, order_id = _order(engine)
    state = state_factory(TrackState, path=f"/track/{code}")
    state.load_tracking()
    assert state.status == "ok"
    assert state.reference == reference and state.stage_label == "Booked in"
    assert state.location_phone == "+44 20 0000 0000"
    with write_session(engine) as s:
        viewed = s.exec(select(AuditEvent).where(AuditEvent.action == "portal.link_viewed")).one()
        assert viewed.order_id == order_id and viewed.ip == "203.0.113.9"
        for row in s.exec(select(AuditEvent)):  # tokens never written to logs or the audit trail
            assert code not in f"{row.detail}{row.actor_label}{row.user_agent}"


def test_the_page_sends_nothing_private_before_the_customer_portal_checks_exist(state_factory, engine):
    code, _, _ = _order(engine)
    state = state_factory(TrackState, path=f"/track/{code}")
    state.load_tracking()
    sent = str(state.dict())
    assert "Kowalski" not in sent and "Water damage" not in sent and "iPhone" not in sent


def test_unknown_and_revoked_codes_show_the_friendly_page_without_order_data(state_factory, engine):
    code, reference, order_id = _order(engine)
    unknown = state_factory(TrackState, path="/track/not-a-real-code")
    unknown.load_tracking()
    assert unknown.status == "not_found" and unknown.reference == ""
    assert unknown.location_phone  # the shop's phone number is still there to call
    with write_session(engine) as s:
        portal_links.revoke(s, order_id, audit.SYSTEM)
    revoked = state_factory(TrackState, path=f"/track/{code}")
    revoked.load_tracking()
    assert revoked.status == "revoked" and revoked.reference == "" and reference not in str(revoked.dict())


def test_the_code_comes_from_the_url_not_from_arguments(state_factory, engine):
    code, _, _ = _order(engine)
    state = state_factory(TrackState, path="/track/wrong")
    with pytest.raises(TypeError):
        state.load_tracking(code)  # a forged event can't pass a code in
    state.load_tracking()
    assert state.status == "not_found" and state.reference == ""

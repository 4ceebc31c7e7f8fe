"""Staff "view as this user": a signed cookie tied to the staff session that asked, read only."""

from __future__ import annotations

import pytest
from sqlmodel import select

from repair_portal.models import AuditEvent, PortalUser, Role
from repair_portal.services import counter, portal_preview, staff_auth
from repair_portal.services.audit import SYSTEM

from .. import factories
from ..conftest import TEST_SECRET_KEY
from ..portal_factories import portal_user


@pytest.fixture
def world(write, engine, settings, clock):
    with write() as s:
        _, location = factories.shop(s)
        factories.staff(s, email="owner@example.com", role=Role.OWNER, name="Olive Owner")
        factories.staff(s, email="tech@example.com", role=Role.TECHNICIAN)
        user = portal_user(s)
        order = factories.order(s, location)
    tokens = {
        who: staff_auth.sign_in(engine, settings, email=f"{who}@example.com", password=factories.STAFF_PASSWORD).token
        for who in ("owner", "tech")
    }
    return {"user_id": user.id, "tokens": tokens, "order_id": order.order.id}


def _start(write, settings, token, user_id):
    with write() as s:
        return portal_preview.start(s, settings, token, user_id, ip="203.0.113.5", user_agent="pytest")


def _resolve(write, settings, value, token):
    with write() as s:
        return portal_preview.resolve(s, settings, value, token)


def test_an_owner_previews_exactly_that_user_read_only_and_it_is_audited(write, read, settings, world):
    value = _start(write, settings, world["tokens"]["owner"], world["user_id"])
    identity = _resolve(write, settings, value, world["tokens"]["owner"])
    assert identity.user_id == world["user_id"] and identity.preview and identity.previewer == "Olive Owner"
    assert identity.session_id == 0  # no portal session exists or is made
    with read() as s:
        event = s.exec(select(AuditEvent).where(AuditEvent.action == "portal.preview_started")).one()
        assert event.actor_type == "staff" and f'"portal_user_id": {world["user_id"]}' in event.detail


def test_the_preview_needs_the_same_live_staff_session(write, settings, world, engine):
    value = _start(write, settings, world["tokens"]["owner"], world["user_id"])
    other = staff_auth.sign_in(engine, settings, email="owner@example.com", password=factories.STAFF_PASSWORD).token
    assert _resolve(write, settings, value, other) is None  # another session of the same owner
    assert _resolve(write, settings, value, None) is None  # the cookie alone
    with write() as s:
        session_id = staff_auth.resolve_session(s, settings, world["tokens"]["owner"]).session_id
        counter.start(s, session_id, world["order_id"], "data_consent", SYSTEM)  # handed to a customer
    assert _resolve(write, settings, value, world["tokens"]["owner"]) is None
    with write() as s:
        staff_auth.sign_out(s, world["tokens"]["owner"])
    assert _resolve(write, settings, value, world["tokens"]["owner"]) is None


def test_a_tampered_expired_or_disabled_preview_is_nothing(write, settings, world, clock):
    owner = world["tokens"]["owner"]
    value = _start(write, settings, owner, world["user_id"])
    uid, sid, expires, mac = value.split(".")
    for forged in (f"{int(uid) + 1}.{sid}.{expires}.{mac}", f"{uid}.{sid}.{int(expires) + 999}.{mac}", "x", ""):
        assert portal_preview.read(TEST_SECRET_KEY, forged) is None
        assert _resolve(write, settings, forged, owner) is None
    assert portal_preview.read("another-secret-key-for-another-shop-000000", value) is None
    clock.advance(minutes=portal_preview.PREVIEW_MINUTES + 1)
    assert _resolve(write, settings, value, owner) is None
    clock.advance(minutes=-(portal_preview.PREVIEW_MINUTES + 1))
    assert _resolve(write, settings, value, owner) is not None
    with write() as s:
        s.get(PortalUser, world["user_id"]).active = False
    assert _resolve(write, settings, value, owner) is None
    assert _start(write, settings, owner, world["user_id"]) is None

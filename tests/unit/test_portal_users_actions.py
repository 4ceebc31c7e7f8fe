"""The Portal access card's actions as plain functions: outcomes, field errors, links returned once."""

from __future__ import annotations

import pytest
from sqlmodel import select

from repair_portal.actions import portal_users as actions
from repair_portal.db import write_session
from repair_portal.models import Customer, OutboxMessage, PortalUser, Role
from repair_portal.services import audit, portal_permissions
from repair_portal.services.portal_users import PortalUserForm

from .. import factories


@pytest.fixture
def world(app_env, engine):
    with write_session(engine) as s:
        _, location = factories.shop(s)
        desk = factories.staff(s, email="desk@example.com", role=Role.FRONT_DESK)
        customer_id = factories.order(s, location, last_name="Acme").order.customer_id
        admin = portal_permissions.builtin_group(s, portal_permissions.ADMIN).id
    return {
        "actor": audit.Actor("staff", desk.id, desk.email, "198.51.100.1", "pytest"),
        "customer": customer_id,
        "admin": admin,
    }


def test_the_card_s_actions_from_adding_to_disabling(world, engine):
    actor, cid = world["actor"], world["customer"]
    assert actions.set_customer_kind(cid, "business", actor).message.startswith("Now a business account")
    assert not actions.set_customer_kind(cid, "robot", actor).ok
    bad = actions.save_portal_user(cid, None, PortalUserForm(name="Pat", email="x", group_id=world["admin"]), actor)
    assert not bad.ok and bad.level == "form" and "email" in bad.errors
    added = actions.save_portal_user(
        cid, None, PortalUserForm(name="Pat", email="pat@acme.test", group_id=world["admin"]), actor
    )
    assert added.ok and "Send the invitation" in added.message
    with write_session(engine) as s:
        user_id = s.exec(select(PortalUser.id)).one()
    sent = actions.send_invitation(cid, user_id, actor)
    assert sent.outcome.ok and sent.purpose == "invite" and sent.name == "Pat"
    assert sent.url.startswith("http://shop.test/portal/set-password/")
    assert actions.send_password_reset(cid, user_id, actor).purpose == "invite"  # no password yet
    assert actions.sign_out_everywhere(cid, user_id, actor).level == "info"
    assert actions.disable_portal_user(cid, user_id, actor).message.startswith("Disabled")
    refused = actions.send_invitation(cid, user_id, actor)
    assert not refused.outcome.ok and refused.url == "" and "Enable them first" in refused.outcome.message
    assert actions.enable_portal_user(cid, user_id, actor).ok
    assert not actions.enable_portal_user(cid, user_id, actor).ok
    with write_session(engine) as s:
        assert len(s.exec(select(OutboxMessage)).all()) == 2


def test_bulk_invite_outcome_says_what_happened(world, engine):
    actor = world["actor"]
    with write_session(engine) as s:
        s.add(Customer(last_name="Nomail"))
        s.flush()
        ids = list(s.exec(select(Customer.id)))
    result = actions.bulk_invite(ids, world["admin"], False, actor)
    assert result.ok and result.message == "Invited 1 customer. Skipped 1 — no email address: 1."
    again = actions.bulk_invite(ids, world["admin"], False, actor)
    assert again.ok and again.level == "warning" and again.message.startswith("Invited 0 customers.")
    assert actions.bulk_invite(ids, None, False, actor).errors == {"group": "Choose a permission group."}

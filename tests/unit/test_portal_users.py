"""Portal users from the staff side: accounts, users, links, disabling, bulk invitations."""

from __future__ import annotations

import json
import time
from datetime import timedelta

import pytest
from sqlmodel import select

from repair_portal.integrations.email import redact_private_links
from repair_portal.models import (
    AuditEvent,
    Customer,
    OutboxMessage,
    PermissionGroup,
    PortalSession,
    PortalToken,
    PortalUser,
    Role,
)
from repair_portal.services import audit, portal_auth, portal_permissions, portal_users
from repair_portal.services.mail import LinkSettings
from repair_portal.services.portal_user_view import account, groups
from repair_portal.services.portal_users import PortalUserError, PortalUserForm
from repair_portal.services.tokens import hash_token

from .. import factories
from ..conftest import TEST_SECRET_KEY

LINKS = LinkSettings("http://shop.test", TEST_SECRET_KEY)


def _actor(user) -> audit.Actor:
    return audit.Actor("staff", user.id, user.email, "198.51.100.7", "pytest")


@pytest.fixture
def shop(write):
    """A shop, a front-desk member (who may edit customers), a technician (who may not), two customers."""
    with write() as s:
        _, location = factories.shop(s)
        desk = factories.staff(s, email="desk@example.com", role=Role.FRONT_DESK, name="Dee Desk")
        tech = factories.staff(s, email="tech@example.com", role=Role.TECHNICIAN)
        acme = factories.order(s, location, last_name="Acme").order.customer_id
        other = factories.order(s, location, last_name="Other").order.customer_id
        business = s.get(Customer, acme)
        business.company, business.email = "Acme Ltd", "office@acme.test"
        admin = portal_permissions.builtin_group(s, portal_permissions.ADMIN)
        return {"desk": _actor(desk), "tech": _actor(tech), "acme": acme, "other": other, "admin": admin.id}


def _form(**kw) -> PortalUserForm:
    base = {"name": "Pat Lee", "email": "pat@acme.test", "phone": "", "group_id": None, "require_mfa": False}
    return PortalUserForm(**{**base, **kw})


def _add(write, shop, customer="acme", **kw) -> int:
    with write() as s:
        return portal_users.save_user(s, shop[customer], None, _form(group_id=shop["admin"], **kw), shop["desk"]).id


def _actions(read) -> list[str]:
    with read() as s:
        return [e.action for e in s.exec(select(AuditEvent).order_by(AuditEvent.id))]


def test_a_customer_switches_between_person_and_business(write, read, shop):
    with write() as s:
        assert portal_users.set_kind(s, shop["acme"], "business", shop["desk"]).kind == "business"
        with pytest.raises(PortalUserError, match="person or a business"):
            portal_users.set_kind(s, shop["acme"], "alien", shop["desk"])
    _add(write, shop)
    _add(write, shop, name="Sam Roe", email="sam@acme.test")
    with write() as s, pytest.raises(PortalUserError, match="has 2 portal users"):
        portal_users.set_kind(s, shop["acme"], "person", shop["desk"])
    with read() as s:
        assert s.get(Customer, shop["acme"]).kind == "business"
        event = s.exec(select(AuditEvent).where(AuditEvent.action == "customer.kind_changed")).one()
        assert json.loads(event.detail) == {"customer_id": shop["acme"], "before": "person", "after": "business"}


def test_a_person_has_one_portal_user_a_business_several(write, shop):
    _add(write, shop)
    with write() as s, pytest.raises(PortalUserError, match="business account to add more"):
        portal_users.save_user(
            s, shop["acme"], None, _form(email="two@acme.test", group_id=shop["admin"]), shop["desk"]
        )
    with write() as s:
        portal_users.set_kind(s, shop["acme"], "business", shop["desk"])
    _add(write, shop, email="two@acme.test")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": "  "}, "name", "Enter their name"),
        ({"name": "x" * 201}, "name", "under 200"),
        ({"email": ""}, "email", "sign in with it"),
        ({"email": "not-an-email"}, "email", "doesn't look right"),
        ({"phone": "12"}, "phone", None),
        ({"group_id": 999}, "group", "permission group"),
        ({"group_id": None}, "group", "permission group"),
    ],
)
def test_the_form_is_checked_field_by_field(write, read, shop, changes, field, message):
    form = _form(**{"group_id": shop["admin"], **changes})
    with write() as s, pytest.raises(PortalUserError, match=message) as refused:
        portal_users.save_user(s, shop["acme"], None, form, shop["desk"])
    assert refused.value.field == field
    with read() as s:
        assert s.exec(select(PortalUser)).all() == []


def test_an_email_signs_in_one_portal_user_across_every_account(write, read, shop):
    _add(write, shop, email="Pat@Acme.test ")
    with read() as s:
        assert s.exec(select(PortalUser.email)).one() == "pat@acme.test"
    with write() as s, pytest.raises(PortalUserError, match="already signs in with that email") as refused:
        portal_users.save_user(
            s, shop["other"], None, _form(email="PAT@acme.test", group_id=shop["admin"]), shop["desk"]
        )
    assert refused.value.field == "email"


def test_editing_changes_group_and_mfa_and_a_new_email_cancels_unused_links(write, read, shop):
    user_id = _add(write, shop, phone="07400 123456")
    with write() as s:
        issued = portal_users.send_invite(s, LINKS, shop["acme"], user_id, shop["desk"])
        group = portal_permissions.save_group(
            s, None, "Viewers", [portal_permissions.Perm.ORDERS_VIEW_MINE], False, shop["desk"]
        )
    with write() as s:
        form = _form(
            name="Pat Lee-Ng", email="pat.ng@acme.test", phone="07400 123456", group_id=group.id, require_mfa=True
        )
        portal_users.save_user(s, shop["acme"], user_id, form, shop["desk"])
    with read() as s:
        user = s.get(PortalUser, user_id)
        assert (user.name, user.email, user.group_id, user.require_mfa, user.phone) == (
            "Pat Lee-Ng",
            "pat.ng@acme.test",
            group.id,
            True,
            "+447400123456",
        )
        assert portal_auth.peek_token(s, issued.url.rsplit("/", 1)[1], "invite") is None
        mail = s.exec(select(OutboxMessage)).one()
        assert issued.url not in mail.text_body and "[link no longer valid]" in mail.text_body
        event = s.exec(select(AuditEvent).where(AuditEvent.action == "portal_user.updated")).one()
        detail = json.loads(event.detail)
        assert detail["fields"] == ["name", "email", "group", "require_mfa"]
        assert detail["changes"]["group"] == ["Admin", "Viewers"] and "pat.ng@acme.test" not in event.detail


def test_another_accounts_user_is_unknown_here(write, read, shop):
    user_id = _add(write, shop)
    for call in (
        lambda s: portal_users.save_user(
            s, shop["other"], user_id, _form(name="Evil", group_id=shop["admin"]), shop["desk"]
        ),
        lambda s: portal_users.set_active(s, shop["other"], user_id, False, shop["desk"]),
        lambda s: portal_users.sign_out_everywhere(s, shop["other"], user_id, shop["desk"]),
        lambda s: portal_users.send_invite(s, LINKS, shop["other"], user_id, shop["desk"]),
        lambda s: portal_users.send_reset(s, LINKS, shop["other"], user_id, shop["desk"]),
    ):
        with write() as s, pytest.raises(PortalUserError, match="no longer exists"):
            call(s)
    with read() as s:
        assert s.get(PortalUser, user_id).name == "Pat Lee" and s.exec(select(PortalToken)).all() == []


def test_a_role_that_may_not_edit_customers_is_refused_by_the_service_too(write, read, shop):
    with write() as s, pytest.raises(PortalUserError, match="can't edit customers"):
        portal_users.save_user(s, shop["acme"], None, _form(group_id=shop["admin"]), shop["tech"])
    with write() as s, pytest.raises(PortalUserError, match="can't edit customers"):
        portal_users.bulk_invite(s, [shop["acme"]], shop["admin"], False, shop["tech"], LINKS)
    with read() as s:
        assert s.exec(select(PortalUser)).all() == []


def test_the_invitation_is_a_72_hour_single_use_link_emailed_and_shown_once(write, read, shop, clock):
    user_id = _add(write, shop)
    with write() as s:
        issued = portal_users.send_invite(s, LINKS, shop["acme"], user_id, shop["desk"])
    raw = issued.url.removeprefix("http://shop.test/portal/set-password/")
    assert issued.purpose == "invite" and len(raw) >= 27 and "/" not in raw
    with read() as s:
        token = s.exec(select(PortalToken)).one()
        assert token.token_hash == hash_token(raw) and token.created_by_id == shop["desk"].id
        assert token.expires_at - token.created_at == timedelta(hours=72)
        mail = s.exec(select(OutboxMessage)).one()
        assert (mail.template, mail.to_email, mail.audience, mail.order_id) == (
            "portal_invite",
            "pat@acme.test",
            "customer",
            None,
        )
        assert issued.url in mail.text_body and issued.url in mail.html_body and "72 hours" in mail.text_body
        assert "Acme" in mail.text_body and "Test Repairs" in mail.subject
        assert s.get(PortalUser, user_id).invited_at == clock.now()
        assert portal_auth.peek_token(s, raw, "invite").id == user_id
    assert raw not in redact_private_links(mail.text_body)  # delivery blanks it in the stored copy
    # A second invitation replaces the first: its link dies and its unsent copy is blanked.
    with write() as s:
        second = portal_users.send_invite(s, LINKS, shop["acme"], user_id, shop["desk"])
    with read() as s:
        assert portal_auth.peek_token(s, raw, "invite") is None
        assert portal_auth.peek_token(s, second.url.rsplit("/", 1)[1], "invite").id == user_id
        first, latest = s.exec(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        assert raw not in first.text_body + first.html_body and second.url in latest.text_body
    clock.advance(hours=72)
    with read() as s:
        assert portal_auth.peek_token(s, second.url.rsplit("/", 1)[1], "invite") is None
    assert _actions(read).count("portal_user.invite_sent") == 2


def test_reset_links_last_30_minutes_and_an_invitation_waits_for_no_password(write, read, shop):
    user_id = _add(write, shop)
    with write() as s:  # no password yet: "reset" sends a fresh invitation instead
        assert portal_users.send_reset(s, LINKS, shop["acme"], user_id, shop["desk"]).purpose == "invite"
        s.get(PortalUser, user_id).password_hash = "$2b$12$" + "x" * 53
    with write() as s, pytest.raises(PortalUserError, match="already chosen a password"):
        portal_users.send_invite(s, LINKS, shop["acme"], user_id, shop["desk"])
    with write() as s:
        issued = portal_users.send_reset(s, LINKS, shop["acme"], user_id, shop["desk"])
    assert issued.purpose == "reset"
    with read() as s:
        token = s.exec(select(PortalToken).where(PortalToken.purpose == "reset")).one()
        assert token.expires_at - token.created_at == timedelta(minutes=30)
        mail = s.exec(select(OutboxMessage).where(OutboxMessage.template == "portal_reset_by_shop")).one()
        assert "30 minutes" in mail.text_body and issued.url in mail.text_body


def test_disabling_signs_out_everywhere_and_cancels_links_enabling_restores(write, read, engine, settings, shop):
    user_id = _add(write, shop)
    with write() as s:
        user = s.get(PortalUser, user_id)
        cookie = portal_auth.open_session(s, settings, user, ip="", user_agent="", mfa_passed=True)
        issued = portal_users.send_invite(s, LINKS, shop["acme"], user_id, shop["desk"])
    with write() as s:
        assert portal_users.set_active(s, shop["acme"], user_id, False, shop["desk"]) == 1
        with pytest.raises(PortalUserError, match="already disabled"):
            portal_users.set_active(s, shop["acme"], user_id, False, shop["desk"])
        with pytest.raises(PortalUserError, match="Enable them first"):
            portal_users.send_invite(s, LINKS, shop["acme"], user_id, shop["desk"])
    with write() as s:
        assert portal_auth.resolve(s, settings, cookie) is None
        portal_users.set_active(s, shop["acme"], user_id, True, shop["desk"])
    with read() as s:
        assert s.get(PortalUser, user_id).active
        assert portal_auth.peek_token(s, issued.url.rsplit("/", 1)[1], "invite") is None  # still dead
        assert s.exec(select(PortalSession)).one().revoked_at is not None
    assert {"portal_user.disabled", "portal_user.enabled"} <= set(_actions(read))


def test_sign_out_everywhere_ends_every_live_session(write, read, settings, shop):
    user_id = _add(write, shop)
    with write() as s:
        user = s.get(PortalUser, user_id)
        cookies = [portal_auth.open_session(s, settings, user, ip="", user_agent="", mfa_passed=True) for _ in range(3)]
    with write() as s:
        assert portal_users.sign_out_everywhere(s, shop["acme"], user_id, shop["desk"]) == 3
        assert portal_users.sign_out_everywhere(s, shop["acme"], user_id, shop["desk"]) == 0
    with write() as s:
        assert all(portal_auth.resolve(s, settings, c) is None for c in cookies)
        assert s.get(PortalUser, user_id).active  # still may sign in again
    assert _actions(read).count("portal_user.signed_out") == 2


def test_the_account_view_lists_users_with_group_mfa_and_invitation_state(write, read, settings, shop):
    user_id = _add(write, shop, require_mfa=True)
    with write() as s:
        portal_users.set_kind(s, shop["acme"], "business", shop["desk"])
        portal_users.send_invite(s, LINKS, shop["acme"], user_id, shop["desk"])
    second = _add(write, shop, name="Abe Ash", email="abe@acme.test")
    with write() as s:
        portal_users.set_active(s, shop["acme"], second, False, shop["desk"])
    with read() as s:
        view = account(s, shop["acme"])
        choices = groups(s)
    assert view.kind == "business" and view.name == "Acme Ltd" and view.email == "office@acme.test"
    pat, abe = view.users  # active first
    assert (pat.name, pat.group_name, pat.mfa_required, pat.invite_pending, pat.password_set) == (
        "Pat Lee",
        "Admin",
        True,
        True,
        False,
    )
    assert not abe.active and not abe.invite_pending and abe.last_login_at is None
    assert [c.name for c in choices] == ["Admin", "Non-portal visitor"]


# --- bulk --------------------------------------------------------------------------------------


def test_bulk_invite_invites_those_it_can_and_says_why_it_skipped_the_rest(write, read, shop):
    _add(write, shop)  # pat@acme.test, on Acme
    with write() as s:
        made = {}
        for key, email in {
            "ok1": "one@example.com",
            "ok2": " Two@Example.com",
            "no_email": "",
            "bad": "nope",
            "dup": "two@example.com",  # the same address as ok2: the first one gets it
            "taken": "pat@acme.test",
        }.items():
            c = Customer(first_name=key.title(), last_name="Bulk", email=email)
            s.add(c)
            s.flush()
            made[key] = c.id
    ids = [made["ok1"], made["ok2"], shop["acme"], made["no_email"], made["bad"], made["dup"], made["taken"], 10**9]
    with write() as s:
        result = portal_users.bulk_invite(s, [*ids, "junk", -3], shop["admin"], True, shop["desk"], LINKS)
    assert result.invited == 2
    assert result.skipped == {"has_access": 1, "no_email": 1, "bad_email": 1, "email_taken": 2, "not_found": 1}
    assert result.summary().startswith("Invited 2 customers. Skipped 6 — already has portal access: 1, no email")
    with read() as s:
        users = {u.email: u for u in s.exec(select(PortalUser))}
        assert set(users) == {"pat@acme.test", "one@example.com", "two@example.com"}
        assert users["two@example.com"].customer_id == made["ok2"] and users["two@example.com"].require_mfa
        assert users["one@example.com"].name == "Ok1 Bulk" and users["one@example.com"].group_id == shop["admin"]
        assert s.get(Customer, made["ok1"]).kind == "person"  # a person keeps being a person
        mails = s.exec(select(OutboxMessage).where(OutboxMessage.template == "portal_invite")).all()
        assert sorted(m.to_email for m in mails) == ["one@example.com", "two@example.com"]
        assert len(s.exec(select(PortalToken)).all()) == 2
        summary = s.exec(select(AuditEvent).where(AuditEvent.action == "portal_user.bulk_invited")).one()
        assert json.loads(summary.detail)["invited"] == 2


def test_bulk_invite_refuses_no_selection_too_many_and_no_group(write, read, shop):
    for ids, group, message in (
        ([], shop["admin"], "at least one"),
        (["x", None], shop["admin"], "at least one"),
        (list(range(1, portal_users.MAX_BULK + 2)), shop["admin"], "at most 1,000"),
        ([shop["acme"]], 999, "permission group"),
    ):
        with write() as s, pytest.raises(PortalUserError, match=message):
            portal_users.bulk_invite(s, ids, group, False, shop["desk"], LINKS)
    with read() as s:
        assert s.exec(select(PortalUser)).all() == [] and s.exec(select(OutboxMessage)).all() == []


def test_bulk_invite_of_a_few_hundred_customers(write, read, shop):
    with write() as s:
        fresh = []
        for i in range(400):
            c = Customer(first_name=f"C{i:03d}", last_name="Many", email=f"c{i:03d}@many.test" if i % 10 else "")
            s.add(c)
            fresh.append(c)
        s.flush()
        ids = [c.id for c in fresh]
    started = time.perf_counter()
    with write() as s:
        result = portal_users.bulk_invite(s, ids, shop["admin"], False, shop["desk"], LINKS)
    elapsed = time.perf_counter() - started
    print(f"\nbulk invite: {len(ids)} customers, {result.invited} invited in {elapsed * 1000:.0f} ms")
    assert result.invited == 360 and result.skipped == {"no_email": 40}
    with read() as s:
        assert len(s.exec(select(OutboxMessage)).all()) == 360
    with write() as s:  # again: everyone with an email now has access
        again = portal_users.bulk_invite(s, ids, shop["admin"], False, shop["desk"], LINKS)
    assert again.invited == 0 and again.skipped == {"has_access": 360, "no_email": 40}


def test_all_matching_a_search_are_the_list_s_customers(write, read, shop):
    with write() as s:
        for name in ("Kowalska", "Kowalski", "Nowak"):
            s.add(Customer(first_name="Jan", last_name=name, email=f"{name.lower()}@example.com"))
    with read() as s:
        ids, total = portal_users.matching_customer_ids(s, "kowal")
        everyone, all_total = portal_users.matching_customer_ids(s, "")
        names = [s.get(Customer, i).last_name for i in ids]
    assert names == ["Kowalska", "Kowalski"] and total == 2
    assert all_total == len(everyone) == 5


def test_groups_in_use_cannot_be_deleted(write, shop):
    with write() as s:
        group = PermissionGroup(name="Accounts", permissions_json="[]")
        s.add(group)
        s.flush()
        group_id = group.id
    _add(write, shop)
    with write() as s:
        user = s.exec(select(PortalUser)).one()
        user.group_id = group_id
    with write() as s, pytest.raises(portal_permissions.GroupError, match="still has 1 portal user"):
        portal_permissions.delete_group(s, group_id, shop["desk"])

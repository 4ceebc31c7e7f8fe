import json

import pytest
from sqlmodel import select

from repair_portal.models import AuditEvent, OutboxMessage, Role, StaffSession, StaffUser
from repair_portal.models.staff_tokens import StaffPasswordToken
from repair_portal.services import audit, staff_auth, staff_users
from repair_portal.services.mail import LinkSettings
from repair_portal.services.passwords import PasswordPolicyError
from repair_portal.services.staff_users import LinkError, StaffUserError
from repair_portal.services.tokens import hash_token

from .. import factories
from ..conftest import TEST_SECRET_KEY

LINKS = LinkSettings("http://shop.test", TEST_SECRET_KEY)
NEW_PASSWORD = "violet kettle under the bridge"


def _actor(user: StaffUser) -> audit.Actor:
    return audit.Actor("staff", user.id, user.email, "198.51.100.7", "pytest")


def _token(url: str) -> str:
    assert url.startswith("http://shop.test/staff/set-password/")
    return url.rsplit("/", 1)[1]


@pytest.fixture
def owner(write):
    with write() as s:
        factories.shop(s)
        return factories.staff(s, email="owner@example.com", role=Role.OWNER, name="Olive Owner")


def _invite(write, owner, email="new@example.com", role="technician", name="Nia New"):
    with write() as s:
        return staff_users.invite_user(s, LINKS, name=name, email=email, role=role, actor=_actor(owner))


def _actions(read) -> list[str]:
    with read() as s:
        return [e.action for e in s.exec(select(AuditEvent).order_by(AuditEvent.id))]


def test_invite_queues_an_email_with_the_link_and_redeeming_lets_them_sign_in(write, read, engine, settings, owner):
    issued = _invite(write, owner, email="  New@Example.com ")
    raw = _token(issued.url)
    assert len(raw) >= 43 and issued.purpose == "invite"
    with read() as s:
        user = s.exec(select(StaffUser).where(StaffUser.email == "new@example.com")).one()
        assert user.role == "technician" and user.active and not staff_users.has_password(user)
        token = s.exec(select(StaffPasswordToken)).one()
        assert token.token_hash == hash_token(raw) and raw not in str(token.model_dump())
        assert token.created_by_id == owner.id and (token.expires_at - token.created_at).total_seconds() == 72 * 3600
        mail = s.exec(select(OutboxMessage)).one()
        assert mail.to_email == "new@example.com" and mail.order_id is None and mail.template == "staff_invite"
        assert issued.url in mail.text_body and issued.url in mail.html_body and "Olive Owner" in mail.text_body

    # Before the link is used the account has no password that works.
    assert not staff_auth.sign_in(engine, settings, email="new@example.com", password=NEW_PASSWORD).ok

    with write() as s:
        staff_users.redeem_token(s, raw, NEW_PASSWORD, ip="203.0.113.5")
    assert staff_auth.sign_in(engine, settings, email="new@example.com", password=NEW_PASSWORD).ok
    with read() as s:
        assert s.exec(select(StaffPasswordToken)).one().used_at is not None
        body = s.exec(select(OutboxMessage)).one().text_body
        assert raw not in body and "[link no longer valid]" in body  # the spent link isn't kept in the outbox
    assert {"staff.invited", "email.queued", "staff.password_set"} <= set(_actions(read))


def test_a_link_works_once(write, owner):
    raw = _token(_invite(write, owner).url)
    with write() as s:
        staff_users.redeem_token(s, raw, NEW_PASSWORD)
    with write() as s, pytest.raises(LinkError) as used:
        staff_users.redeem_token(s, raw, "another fine passphrase 9")
    with write() as s, pytest.raises(LinkError) as unknown:
        staff_users.redeem_token(s, raw[:-2] + "xy", NEW_PASSWORD)
    assert str(used.value) == str(unknown.value) == staff_users.GENERIC_LINK_ERROR


def test_invitations_expire_after_72_hours_and_reset_links_after_30_minutes(write, read, owner, clock):
    raw = _token(_invite(write, owner).url)
    clock.advance(hours=72)
    with write() as s, pytest.raises(LinkError):
        staff_users.redeem_token(s, raw, NEW_PASSWORD)

    member = _invite(write, owner, email="tech2@example.com")
    with write() as s:
        staff_users.redeem_token(s, _token(member.url), NEW_PASSWORD)
        reset = staff_users.issue_reset_link(s, LINKS, member.user_id, _actor(owner))
    assert reset.purpose == "reset"
    clock.advance(minutes=30)
    with write() as s, pytest.raises(LinkError):
        staff_users.redeem_token(s, _token(reset.url), "another fine passphrase 9")
    with read() as s:
        assert s.get(StaffUser, member.user_id).verify_password(NEW_PASSWORD)


def test_a_new_reset_link_invalidates_the_older_one(write, read, owner, clock):
    member = _invite(write, owner)
    with write() as s:
        staff_users.redeem_token(s, _token(member.url), NEW_PASSWORD)
        first = staff_users.issue_reset_link(s, LINKS, member.user_id, _actor(owner))
    clock.advance(minutes=1)
    with write() as s:
        second = staff_users.issue_reset_link(s, LINKS, member.user_id, _actor(owner))
    with write() as s, pytest.raises(LinkError):
        staff_users.redeem_token(s, _token(first.url), "first link passphrase 77")
    with write() as s:
        staff_users.redeem_token(s, _token(second.url), "second link passphrase 88")
    with read() as s:
        mails = s.exec(select(OutboxMessage).where(OutboxMessage.template == "staff_password_reset")).all()
        assert len(mails) == 2 and all(_token(first.url) not in m.text_body for m in mails)
        assert s.get(StaffUser, member.user_id).verify_password("second link passphrase 88")
    assert _actions(read).count("staff.reset_link_issued") == 2


def test_reset_revokes_every_session_once_used(write, read, engine, settings, owner):
    with write() as s:
        member = factories.staff(s, email="tech@example.com")
    tokens = [
        staff_auth.sign_in(engine, settings, email="tech@example.com", password=factories.STAFF_PASSWORD).token
        for _ in range(2)
    ]
    with write() as s:
        reset = staff_users.issue_reset_link(s, LINKS, member.id, _actor(owner))
    with read() as s:  # issuing alone signs nobody out
        assert all(staff_auth.resolve_session(s, settings, t) for t in tokens)
    with write() as s:
        staff_users.redeem_token(s, _token(reset.url), NEW_PASSWORD)
    with read() as s:
        assert not any(staff_auth.resolve_session(s, settings, t) for t in tokens)
        assert all(r.revoked_at for r in s.exec(select(StaffSession).where(StaffSession.staff_user_id == member.id)))
    assert not staff_auth.sign_in(engine, settings, email="tech@example.com", password=factories.STAFF_PASSWORD).ok
    assert staff_auth.sign_in(engine, settings, email="tech@example.com", password=NEW_PASSWORD).ok


def test_policy_errors_leave_the_link_usable(write, owner):
    raw = _token(_invite(write, owner, email="nia.new.person@example.com").url)
    for weak, message in (
        ("short pass", "at least 12"),
        ("x" * 129, "at most 128"),
        ("NIA.NEW.PERSON@example.com ", "email"),
        ("password1234", "too common"),
    ):
        with write() as s, pytest.raises(PasswordPolicyError, match=message):
            staff_users.redeem_token(s, raw, weak)
    with write() as s:
        assert staff_users.redeem_token(s, raw, NEW_PASSWORD).email == "nia.new.person@example.com"


def test_failed_redemptions_are_rate_limited_per_ip(write, owner):
    raw = _token(_invite(write, owner).url)
    for _ in range(staff_users.SET_PASSWORD_LIMIT.max_failures):
        with write() as s:
            result = staff_users.redeem_with_limit(s, "not-a-real-token-aaaaaaaaaaaa", NEW_PASSWORD, ip="192.0.2.1")
        assert not result.ok and result.error == staff_users.GENERIC_LINK_ERROR
    with write() as s:
        blocked = staff_users.redeem_with_limit(s, raw, NEW_PASSWORD, ip="192.0.2.1")
        assert not blocked.ok and "Too many attempts" in blocked.error
        assert staff_users.check_link(s, raw, ip="192.0.2.1")[0] is None
    with write() as s:  # weak passwords don't count as failures; another address still works
        assert staff_users.redeem_with_limit(s, raw, "short", ip="192.0.2.2").field == "password"
        assert staff_users.redeem_with_limit(s, raw, NEW_PASSWORD, ip="192.0.2.2").ok


def test_invite_validation(write, owner):
    _invite(write, owner)
    for kwargs, field in (
        (dict(email="NEW@example.com"), "email"),
        (dict(email="not-an-email"), "email"),
        (dict(name="   "), "name"),
        (dict(role="superuser"), "role"),
    ):
        values = dict(name="Someone", email="someone@example.com", role="manager") | kwargs
        with write() as s, pytest.raises(StaffUserError) as refused:
            staff_users.invite_user(s, LINKS, actor=_actor(owner), **values)
        assert refused.value.field == field


def test_the_last_active_owner_is_protected(write, read, owner):
    system = audit.SYSTEM
    with write() as s, pytest.raises(StaffUserError, match="only active owner"):
        staff_users.change_role(s, owner.id, "manager", system)
    with write() as s, pytest.raises(StaffUserError, match="only active owner"):
        staff_users.deactivate(s, owner.id, system)
    with write() as s, pytest.raises(StaffUserError, match="your own role"):
        staff_users.change_role(s, owner.id, "manager", _actor(owner))
    with write() as s, pytest.raises(StaffUserError, match="your own account"):
        staff_users.deactivate(s, owner.id, _actor(owner))
    with read() as s:
        me = s.get(StaffUser, owner.id)
        assert me.role == "owner" and me.active

    second = _invite(write, owner, email="co@example.com", role="owner")
    with write() as s:
        staff_users.change_role(s, second.user_id, "manager", _actor(owner))
    with read() as s:
        assert s.get(StaffUser, second.user_id).role == "manager"
        event = s.exec(select(AuditEvent).where(AuditEvent.action == "staff.role_changed")).one()
        assert json.loads(event.detail)["before"] == "owner" and event.actor_id == owner.id


def test_deactivate_signs_out_and_expires_links_reactivate_restores(write, read, engine, settings, owner):
    with write() as s:
        member = factories.staff(s, email="tech@example.com")
    token = staff_auth.sign_in(engine, settings, email="tech@example.com", password=factories.STAFF_PASSWORD).token
    with write() as s:
        reset = staff_users.issue_reset_link(s, LINKS, member.id, _actor(owner))
        staff_users.deactivate(s, member.id, _actor(owner))
    with read() as s:
        assert staff_auth.resolve_session(s, settings, token) is None
    with write() as s, pytest.raises(LinkError):
        staff_users.redeem_token(s, _token(reset.url), NEW_PASSWORD)
    with write() as s, pytest.raises(StaffUserError, match="Reactivate it first"):
        staff_users.issue_reset_link(s, LINKS, member.id, _actor(owner))
    with write() as s:
        staff_users.reactivate(s, member.id, _actor(owner))
    with write() as s, pytest.raises(LinkError):  # old links stay dead after reactivation
        staff_users.redeem_token(s, _token(reset.url), NEW_PASSWORD)
    assert staff_auth.sign_in(engine, settings, email="tech@example.com", password=factories.STAFF_PASSWORD).ok
    actions = _actions(read)
    assert actions.index("staff.deactivated") < actions.index("staff.reactivated")


def test_non_owners_are_refused_by_the_service_too(write, read, owner):
    with write() as s:
        manager = factories.staff(s, email="manager@example.com", role=Role.MANAGER)
        tech = factories.staff(s, email="tech@example.com")
    for actor in (_actor(manager), audit.Actor("customer", None, "x")):
        for call in (
            lambda s, a=actor: staff_users.invite_user(
                s, LINKS, name="X", email="x@example.com", role="owner", actor=a
            ),
            lambda s, a=actor: staff_users.change_role(s, manager.id, "owner", a),
            lambda s, a=actor: staff_users.deactivate(s, tech.id, a),
            lambda s, a=actor: staff_users.issue_reset_link(s, LINKS, tech.id, a),
        ):
            with write() as s, pytest.raises(StaffUserError, match="Only the owner"):
                call(s)
    with read() as s:
        assert s.get(StaffUser, manager.id).role == "manager" and s.get(StaffUser, tech.id).active
        assert s.exec(select(StaffUser).where(StaffUser.email == "x@example.com")).first() is None
        assert s.exec(select(StaffPasswordToken)).first() is None


def test_list_users_shows_status_location_and_last_login(write, read, engine, settings, owner):
    _invite(write, owner)
    staff_auth.sign_in(engine, settings, email="owner@example.com", password=factories.STAFF_PASSWORD)
    with read() as s:
        rows = {r.email: r for r in staff_users.list_users(s)}
    assert rows["new@example.com"].invite_pending and not rows["new@example.com"].password_set
    assert rows["new@example.com"].last_login_at is None
    assert rows["owner@example.com"].password_set and rows["owner@example.com"].last_login_at is not None


def test_a_link_spent_between_the_check_and_the_write_is_refused(write, read, owner, monkeypatch):
    """The conditional UPDATE is the last word (PostgreSQL: two requests can pass the lookup together)."""
    issued = _invite(write, owner)
    raw = _token(issued.url)
    with write() as s:
        staff_users.redeem_token(s, raw, NEW_PASSWORD)
    with read() as s:
        stale = s.get(StaffUser, issued.user_id)
    monkeypatch.setattr(staff_users, "link_holder", lambda session, token: stale)
    with write() as s, pytest.raises(LinkError):
        staff_users.redeem_token(s, raw, "a different passphrase 42")
    with read() as s:
        assert s.get(StaffUser, issued.user_id).verify_password(NEW_PASSWORD)
    assert _actions(read).count("staff.password_set") == 1

from datetime import timedelta

from sqlmodel import select

from repair_portal.models import AuditEvent, Order, PortalLink, Stage, StageKind
from repair_portal.services import audit, portal_links, portal_view, workflow
from repair_portal.services.portal_links import LinkStatus
from repair_portal.services.tokens import hash_token

from .. import factories
from ..conftest import TEST_SECRET_KEY, database_bytes


def _staff(session) -> audit.Actor:
    user = factories.staff(session, email="owner@example.com")
    return audit.Actor("staff", user.id, user.email)


def test_a_new_order_has_a_working_link_stored_only_as_a_hash(session, engine):
    _, location = factories.shop(session)
    new = factories.order(session, location)
    session.commit()
    resolved = portal_links.resolve(session, new.code)
    assert resolved.status == LinkStatus.OK and resolved.order_id == new.order.id
    link = session.exec(select(PortalLink)).one()
    assert link.token_hash == hash_token(new.code)
    assert new.code.encode() not in database_bytes(engine)
    assert portal_links.current_code(session, TEST_SECRET_KEY, new.order.id) == new.code


def test_unknown_malformed_and_other_keys_codes_are_not_found(session):
    _, location = factories.shop(session)
    new = factories.order(session, location)
    for code in ["", "x", new.code[:-1], new.code + "A", "A" * 500, new.code.upper()]:
        assert portal_links.resolve(session, code).status == LinkStatus.NOT_FOUND
    # a different installation key derives a dead code, so none is offered at all
    assert portal_links.current_code(session, "another-installation-key" * 2, new.order.id) is None


def test_opening_a_link_changes_nothing(session):
    _, location = factories.shop(session)
    new = factories.order(session, location)
    session.commit()
    before = (new.order.version, new.order.stage_id, session.exec(select(AuditEvent)).all().__len__())
    portal_links.resolve(session, new.code)
    portal_view.portal_view(session, new.order.id)
    session.commit()
    order = session.get(Order, new.order.id)
    assert (order.version, order.stage_id, len(session.exec(select(AuditEvent)).all())) == before


def test_rotating_revokes_the_old_link_and_issues_a_new_one(session):
    _, location = factories.shop(session)
    new = factories.order(session, location)
    staff = _staff(session)
    fresh = portal_links.issue_link(session, TEST_SECRET_KEY, new.order, staff)
    assert fresh != new.code
    assert portal_links.resolve(session, new.code).status == LinkStatus.REPLACED
    assert portal_links.resolve(session, fresh).status == LinkStatus.OK
    assert portal_links.current_code(session, TEST_SECRET_KEY, new.order.id) == fresh
    assert portal_links.revoke(session, new.order.id, staff) == 1
    assert portal_links.resolve(session, fresh).status == LinkStatus.REVOKED
    assert portal_links.resolve(session, new.code).status == LinkStatus.REVOKED  # no newer link any more
    assert portal_links.current_code(session, TEST_SECRET_KEY, new.order.id) is None


def test_links_expire_the_configured_days_after_collection(session, clock):
    shop, location = factories.shop(session)
    shop.link_expiry_days = 10
    new = factories.order(session, location)
    STAFF = _staff(session)
    collected = session.exec(select(Stage).where(Stage.kind == StageKind.COLLECTED.value)).one()
    workflow.change_stage(session, new.order, collected, STAFF)
    clock.advance(days=10, seconds=-1)
    assert portal_links.resolve(session, new.code).status == LinkStatus.OK
    clock.advance(seconds=1)
    assert portal_links.resolve(session, new.code).status == LinkStatus.EXPIRED


def test_portal_view_shows_an_internal_stage_by_its_wording_or_as_the_last_public_one(session):
    _, location = factories.shop(session)
    new = factories.order(session, location)
    STAFF = _staff(session)
    stages = {s.name: s for s in workflow.active_stages(session)}
    workflow.change_stage(session, new.order, stages["Awaiting approval"], STAFF)
    workflow.change_stage(session, new.order, stages["Awaiting parts"], STAFF)
    view = portal_view.portal_view(session, new.order.id)
    assert view.stage_label == "Waiting for a part – we'll update you"  # the default wording
    assert view.reference == new.order.reference
    position = next(i for i, step in enumerate(view.steps, start=1) if step.state == "current")
    assert (position, len(view.steps)) == (4, 7)  # its own step, after the approval stage
    stages["Awaiting parts"].customer_label = ""  # no wording: shown as the approval stage before it
    session.add(stages["Awaiting parts"])
    view = portal_view.portal_view(session, new.order.id)
    position = next(i for i, step in enumerate(view.steps, start=1) if step.state == "current")
    assert (view.stage_label, position, len(view.steps)) == ("Preparing your quote", 3, 6)


def test_stage_changes_are_recorded_and_bump_the_version(session, clock):
    _, location = factories.shop(session)
    new = factories.order(session, location)
    STAFF = _staff(session)
    stages = workflow.booking_stages(session)
    version = new.order.version
    event = workflow.change_stage(session, new.order, stages[1], STAFF)
    assert event.from_stage_id == stages[0].id and event.to_stage_id == stages[1].id and event.at == clock.now()
    assert new.order.version == version + 1
    try:
        workflow.change_stage(session, new.order, stages[1], STAFF)
    except workflow.StageChangeError as exc:
        assert "already" in str(exc)
    else:  # pragma: no cover
        raise AssertionError("moving to the current stage must be refused")
    assert timedelta(0) == new.order.updated_at - clock.now()

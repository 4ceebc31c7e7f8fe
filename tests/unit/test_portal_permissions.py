"""Permission groups: the built-ins, what a group grants, and the rules for changing them."""

from __future__ import annotations

import pytest
from sqlmodel import select

from repair_portal.models import Customer, PermissionGroup, PortalUser
from repair_portal.services import audit, portal_permissions
from repair_portal.services.portal_permissions import Perm


def test_the_migration_creates_admin_with_everything_and_the_visitor_with_one_orders_rights(session):
    admin = portal_permissions.builtin_group(session, portal_permissions.ADMIN)
    visitor = portal_permissions.builtin_group(session, portal_permissions.VISITOR)
    assert portal_permissions.parse(admin.permissions_json) == frozenset(Perm)
    assert portal_permissions.parse(visitor.permissions_json) == portal_permissions.VISITOR_PERMS
    assert Perm.ORDERS_VIEW_ALL not in portal_permissions.parse(visitor.permissions_json)
    assert len(session.exec(select(PermissionGroup)).all()) == 2  # found, not created again


def test_unknown_or_malformed_permissions_grant_nothing():
    assert portal_permissions.parse('["orders.view_all", "staff.everything", 7]') == {Perm.ORDERS_VIEW_ALL}
    assert portal_permissions.parse("not json") == frozenset() and portal_permissions.parse('{"a": 1}') == frozenset()


def test_groups_are_saved_checked_and_not_deleted_while_used(session):
    group = portal_permissions.save_group(
        session,
        None,
        "  Site   manager ",
        ["orders.view_mine", "orders.view_all", "quotes.decide", "bogus"],
        True,
        audit.SYSTEM,
    )
    assert group.name == "Site manager" and group.require_mfa
    assert portal_permissions.parse(group.permissions_json) == {Perm.ORDERS_VIEW_ALL, Perm.QUOTES_DECIDE}
    with pytest.raises(portal_permissions.GroupError, match="already a group"):
        portal_permissions.save_group(session, None, "site MANAGER", [], False, audit.SYSTEM)
    admin = portal_permissions.builtin_group(session, portal_permissions.ADMIN)
    with pytest.raises(portal_permissions.GroupError, match="every permission"):
        portal_permissions.save_group(session, admin.id, "Admin", ["orders.view_all"], False, audit.SYSTEM)
    with pytest.raises(portal_permissions.GroupError, match="built in"):
        portal_permissions.delete_group(session, admin.id, audit.SYSTEM)
    account = Customer(last_name="Works", company="Acme", kind="business")
    session.add(account)
    session.flush()
    session.add(PortalUser(customer_id=account.id, group_id=group.id, email="pat@acme.test"))
    session.flush()
    with pytest.raises(portal_permissions.GroupError, match="1 portal user"):
        portal_permissions.delete_group(session, group.id, audit.SYSTEM)
    user = session.exec(select(PortalUser)).one()
    assert portal_permissions.has(session, user, Perm.QUOTES_DECIDE)
    assert not portal_permissions.has(session, user, Perm.INVOICES_PAY)

"""services/account_scope.order_for: the one rule every account-portal order handler and route uses. An
order is reachable only by its own account's users; a group with "see their own" reaches only the orders
the user asked for; another account's id, an unknown id and a disabled user (whose session no longer
resolves) reach nothing."""

from __future__ import annotations

import pytest

from repair_portal.models import PermissionGroup, PortalUser
from repair_portal.services import account_scope, portal_auth, portal_permissions
from repair_portal.services.ids import MAX_ID
from repair_portal.services.portal_permissions import Perm

from .. import factories
from ..portal_factories import business, portal_user


def _group(s, name: str, *perms: Perm) -> PermissionGroup:
    group = PermissionGroup(name=name, permissions_json=portal_permissions.dump(perms))
    s.add(group)
    s.flush()
    return group


@pytest.fixture
def world(write, settings):
    with write() as s:
        _, location = factories.shop(s)
        ours, theirs = business(s, "Ours Ltd"), business(s, "Theirs Ltd")
        every = _group(s, "Sees all", Perm.ORDERS_VIEW_ALL)
        own = _group(s, "Sees own", Perm.ORDERS_VIEW_MINE)
        blind = _group(s, "Sees none", Perm.INVOICES_VIEW, Perm.ORDERS_REQUEST)
        users = {
            "all": portal_user(s, customer=ours, email="all@ours.test", group=every),
            "own": portal_user(s, customer=ours, email="own@ours.test", group=own),
            "own2": portal_user(s, customer=ours, email="own2@ours.test", group=own),
            "blind": portal_user(s, customer=ours, email="blind@ours.test", group=blind),
            "theirs": portal_user(s, customer=theirs, email="admin@theirs.test"),  # Admin: every permission
        }

        def order_of(customer, requested_by=None):
            order = factories.order(s, location, last_name="Anyone").order
            order.customer_id, order.requested_by_id = customer.id, requested_by
            s.add(order)
            return order.id

        ids = {
            "plain": order_of(ours),  # booked in by the shop
            "asked": order_of(ours, users["own"].id),  # asked for from the portal by "own"
            "foreign": order_of(theirs),
            "foreign_asked": order_of(theirs, users["theirs"].id),
            "walk_in": factories.order(s, location).order.id,  # a person's order, no account
        }
        tokens = {
            who: portal_auth.open_session(s, settings, u, ip="", user_agent="", mfa_passed=True)
            for who, u in users.items()
        }
    return {"ids": ids, "tokens": tokens, "users": {k: u.id for k, u in users.items()}}


def _reachable(write, settings, world, who: str) -> set[str]:
    """The orders (by key) the user behind `who`'s session cookie reaches, as a handler would ask."""
    with write() as s:
        identity = portal_auth.resolve(s, settings, world["tokens"][who])
        assert identity is not None
        return {key for key, order_id in world["ids"].items() if account_scope.order_for(s, identity, order_id)}


def test_a_group_that_sees_all_reaches_every_order_of_its_account_and_no_other(write, settings, world):
    assert _reachable(write, settings, world, "all") == {"plain", "asked"}


def test_see_their_own_reaches_only_what_that_user_asked_for(write, settings, world):
    assert _reachable(write, settings, world, "own") == {"asked"}
    assert _reachable(write, settings, world, "own2") == set()  # same account and group, not their request


def test_a_group_without_either_order_permission_reaches_nothing(write, settings, world):
    assert _reachable(write, settings, world, "blind") == set()


def test_another_accounts_admin_reaches_only_its_own_accounts_orders(write, settings, world):
    assert _reachable(write, settings, world, "theirs") == {"foreign", "foreign_asked"}


def test_unknown_and_missing_ids_reach_nothing(write, settings, world):
    with write() as s:
        identity = portal_auth.resolve(s, settings, world["tokens"]["all"])
        for order_id in (None, 0, 10_000, MAX_ID):
            assert account_scope.order_for(s, identity, order_id) is None, order_id


def test_the_answer_follows_the_group_and_the_user_as_they_are_now(write, settings, world):
    """Each event resolves the session again: a user moved to "see their own" loses the other orders at
    once, and a disabled user has no identity at all (so no order)."""
    with write() as s:
        user = s.get(PortalUser, world["users"]["all"])
        user.group_id = s.get(PortalUser, world["users"]["own"]).group_id
        s.add(user)
    assert _reachable(write, settings, world, "all") == set()  # asked for nothing themselves
    with write() as s:
        s.get(PortalUser, world["users"]["own"]).active = False
    with write() as s:
        assert portal_auth.resolve(s, settings, world["tokens"]["own"]) is None


def test_may_see_order_refuses_none_and_checks_the_account_before_the_requester(write, settings, world):
    """An order of another account that happens to carry this user's id as its requester (a forged or
    stale row) is still not theirs."""
    from repair_portal.models import Order

    with write() as s:
        identity = portal_auth.resolve(s, settings, world["tokens"]["own"])
        foreign = s.get(Order, world["ids"]["foreign"])
        foreign.requested_by_id = identity.user_id
        assert account_scope.may_see_order(identity, None) is False
        assert account_scope.may_see_order(identity, foreign) is False
        assert account_scope.may_see_order(identity, s.get(Order, world["ids"]["asked"])) is True

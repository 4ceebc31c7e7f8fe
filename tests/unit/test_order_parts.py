"""Which parts of an order's customer page a set of permissions shows (services/order_parts.py), and what an
order's link may do: the built-in visitor group as stored (services/portal_permissions.visitor_perms)."""

from __future__ import annotations

import pytest
from sqlmodel import select

from repair_portal.models import PermissionGroup
from repair_portal.services import audit, order_parts, portal_permissions
from repair_portal.services.messages import ThreadItem
from repair_portal.services.pay_view import PayView
from repair_portal.services.portal_permissions import LINK_PERMS, VISITOR_PERMS, Perm
from repair_portal.services.portal_view import FileItem, PaymentItem, PortalView

FULL = PortalView(
    reference="R-10001",
    stage_label="Repairing",
    files=[FileItem(1, "Photo", True, "1 Dec")],
    payments=[PaymentItem("1 Dec", "Cash", "£20.00", False)],
    total="£120.00",
    paid="£20.00",
    balance="£100.00",
    has_total=True,
    thread=[ThreadItem(1, True, "Ada", "Any news?", "1 Dec", False)],
)
PAY = PayView(can_pay=True, balance="£100.00", balance_input="100.00")


def _parts(view: PortalView) -> dict[str, bool]:
    return {
        "files": bool(view.files) and view.show_photos and view.show_documents,
        "money": bool(view.payments) and view.show_payments and view.has_total and bool(view.total + view.balance),
        "quote": view.show_quote,
        "messages": bool(view.thread) and view.show_messages,
        "pay": view.pay.can_pay,
    }


ALL_PARTS = {"files": True, "money": True, "quote": True, "messages": True, "pay": True}


def test_everything_a_link_can_use_shows_everything():
    assert _parts(order_parts.limit_view(FULL, LINK_PERMS, PAY)) == ALL_PARTS
    assert _parts(order_parts.limit_view(FULL, frozenset(Perm), PAY)) == ALL_PARTS


@pytest.mark.parametrize(
    ("removed", "gone"),
    [
        ({Perm.FILES_VIEW}, {"files"}),
        ({Perm.QUOTES_DECIDE}, {"quote"}),
        ({Perm.MESSAGES_SEND}, {"messages"}),
        ({Perm.INVOICES_PAY}, {"pay"}),
        ({Perm.PAYMENTS_VIEW}, set()),  # invoices still show the money
        ({Perm.INVOICES_VIEW}, set()),
        ({Perm.PAYMENTS_VIEW, Perm.INVOICES_VIEW}, {"money", "pay"}),  # no balance to see: nothing to pay
        ({Perm.PRIVACY_MANAGE}, set()),  # the texts switch is its own state (state/track_texts.py)
    ],
)
def test_each_permission_takes_away_its_own_part_only(removed, gone):
    view = order_parts.limit_view(FULL, LINK_PERMS - removed, PAY)
    assert _parts(view) == {part: part not in gone for part in ALL_PARTS}
    assert (view.reference, view.stage_label) == ("R-10001", "Repairing")  # the status always shows
    if "money" in gone:
        assert (view.payments, view.total, view.paid, view.balance) == ([], "", "", "")
    if "pay" in gone:
        assert view.pay == PayView()


def test_no_permissions_leave_the_status_only_and_no_pay_offer_without_one():
    view = order_parts.limit_view(FULL, frozenset(), PAY)
    assert _parts(view) == dict.fromkeys(ALL_PARTS, False) and view.stage_label == "Repairing"
    assert order_parts.limit_view(FULL, LINK_PERMS).pay == PayView()  # not worked out (a preview): none


def test_downloads_follow_their_part():
    assert order_parts.may_download("qr", frozenset())
    assert order_parts.may_download("quote", {Perm.FILES_VIEW}) and order_parts.may_download(
        "quote", {Perm.QUOTES_DECIDE}
    )
    assert not order_parts.may_download("signed", {Perm.MESSAGES_SEND})
    assert order_parts.may_download("invoice", {Perm.PAYMENTS_VIEW}) and not order_parts.may_download("invoice", set())
    assert not order_parts.may_download("files", {Perm.QUOTES_DECIDE})
    assert order_parts.may_download("service_report", {Perm.FILES_VIEW})
    assert not order_parts.may_download("ticket", LINK_PERMS)  # a staff document has no customer part


def test_the_default_visitor_group_is_everything_a_link_can_use():
    assert VISITOR_PERMS == LINK_PERMS
    assert LINK_PERMS.isdisjoint(
        {
            Perm.ORDERS_VIEW_ALL,
            Perm.ORDERS_VIEW_MINE,
            Perm.ORDERS_REQUEST,
            Perm.FILES_UPLOAD,
            Perm.ASSETS_VIEW,
            Perm.RESOURCES_VIEW,
            Perm.OVERVIEW_VIEW,
        }
    )


def test_the_link_reads_the_visitor_group_as_stored(write):
    with write() as s:
        assert portal_permissions.visitor_perms(s) == VISITOR_PERMS  # as migrated
        group = portal_permissions.builtin_group(s, portal_permissions.VISITOR)
        portal_permissions.save_group(s, group.id, group.name, [Perm.MESSAGES_SEND], False, audit.SYSTEM)
    with write() as s:
        assert portal_permissions.visitor_perms(s) == {Perm.MESSAGES_SEND}
        group = s.exec(select(PermissionGroup).where(PermissionGroup.builtin == "visitor")).one()
        group.permissions_json = '["messages.send", "no.such.permission"]'  # a permission the code dropped
    with write() as s:
        assert portal_permissions.visitor_perms(s) == {Perm.MESSAGES_SEND}
        s.delete(s.exec(select(PermissionGroup).where(PermissionGroup.builtin == "visitor")).one())
    with write() as s:
        assert portal_permissions.visitor_perms(s) == VISITOR_PERMS  # removed by hand: the default, not nothing

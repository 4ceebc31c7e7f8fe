"""Invoices through the handlers and routes: staff on the order and customer pages, and the account portal
(another account's invoice ids and groups without the permission get nothing)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select
from starlette.testclient import TestClient

from repair_portal import cookies
from repair_portal.api import api_routes, security_headers
from repair_portal.db import session_scope, write_session
from repair_portal.models import Invoice, Order, PermissionGroup, Role, StoreCreditEntry
from repair_portal.services import audit, invoices, payments, portal_auth, staff_auth, store_credit
from repair_portal.state.portal_home import PortalHomeState
from repair_portal.state.portal_invoices import PortalInvoicesState
from repair_portal.state.staff_customer_billing import StaffCustomerBillingState
from repair_portal.state.staff_order_invoice import StaffOrderInvoiceState

from .. import factories, portal_factories
from ..invoice_factories import account, approved_order, issued_invoice
from ..unit.document_fixtures import pdf_text
from .conftest import as_staff, connect, make_state, redirect_path, run

ACTOR = audit.SYSTEM
_TODAY = datetime.now(UTC).date()
RANGE = f"from={_TODAY - timedelta(days=60)}&to={_TODAY + timedelta(days=1)}"


@pytest.fixture
def world(app_env, engine):
    with write_session(engine) as s:
        _, location = factories.shop(s)
        for role in Role:
            factories.staff(s, email=f"{role.value}@example.com", role=role)
        ours = account(s, "Ours Ltd")
        theirs = account(s, "Theirs Secret Ltd")
        order = approved_order(s, location, ours)
        paid = issued_invoice(s, location, ours)
        payments.record_payment(s, s.get(Order, paid.order_id), 18000, "card", ACTOR)
        unpaid = issued_invoice(s, location, ours)
        draft = invoices.create_draft(s, approved_order(s, location, ours), ACTOR)
        foreign = issued_invoice(s, location, theirs)
        store_credit.add_credit(s, ours.id, 3000, "Goodwill", ACTOR)
        payments_only = PermissionGroup(name="Payments only", permissions_json='["payments.view"]')
        invoices_only = PermissionGroup(name="Invoices only", permissions_json='["invoices.view"]')
        nothing = PermissionGroup(name="Nothing", permissions_json="[]")
        site_manager = PermissionGroup(
            name="Site manager", permissions_json='["orders.view_mine", "quotes.decide", "messages.send"]'
        )
        with_balances = PermissionGroup(
            name="Invoices and balances", permissions_json='["invoices.view", "overview.view"]'
        )
        s.add_all([payments_only, invoices_only, nothing, site_manager, with_balances])
        s.flush()
        portal = {}
        for key, group in [
            ("admin", None),
            ("payments", payments_only),
            ("invoices", invoices_only),
            ("none", nothing),
            ("manager", site_manager),
            ("balances", with_balances),
        ]:
            user = portal_factories.portal_user(s, email=f"{key}@ours.test", customer=ours, group=group)
            portal[key] = portal_auth.open_session(s, app_env, user, ip="", user_agent="", mfa_passed=True)
        other_user = portal_factories.portal_user(s, email="eve@theirs.test", customer=theirs)
        portal["theirs"] = portal_auth.open_session(s, app_env, other_user, ip="", user_agent="", mfa_passed=True)
    staff = {
        role.value: staff_auth.sign_in(
            engine, app_env, email=f"{role.value}@example.com", password=factories.STAFF_PASSWORD
        ).token
        for role in Role
    }
    return {
        "order_id": order.id,
        "ours": ours.id,
        "theirs": theirs.id,
        "paid": paid,
        "unpaid": unpaid,
        "draft": draft,
        "foreign": foreign,
        "portal": portal,
        "staff": staff,
    }


def _staff_state(cls, path: str, token: str):
    return as_staff(make_state(cls, path=path), token)


def _portal_state(token: str | None):
    return connect(make_state(PortalInvoicesState, path="/portal/invoices"), **{cookies.PORTAL_SESSION: token or ""})


# --- staff: the order page's Invoice card -----------------------------------------------------------------


def test_front_desk_drafts_adds_a_line_and_issues_from_the_order_page(world, engine):
    state = _staff_state(StaffOrderInvoiceState, f"/staff/orders/{world['order_id']}", world["staff"]["front_desk"])
    state.load_invoice()
    assert not state.inv_has_live and state.inv_has_quote and state.can_manage_invoices
    run(state.handle_new_draft())
    assert state.inv_live.status == "draft" and [line.description for line in state.inv_lines] == [
        "Replacement screen",
        "Labour",
    ]
    run(state.handle_add_line({"description": "Call-out", "quantity": "1", "price": "45.00"}))
    assert state.inv_error == "" and state.inv_live.total == "£234.00"
    run(state.handle_add_line({"description": "Bad", "quantity": "two", "price": "1"}))
    assert "whole numbers" in state.inv_error
    run(state.handle_issue({"due_days": "14"}))
    assert state.inv_live.status == "awaiting_payment" and state.inv_live.number.startswith("INV-")
    run(state.handle_void({"reason": ""}))
    assert "reason" in state.void_error and state.inv_live.status == "awaiting_payment"


def test_a_technician_sees_the_card_but_changes_nothing(world, engine):
    state = _staff_state(StaffOrderInvoiceState, f"/staff/orders/{world['order_id']}", world["staff"]["technician"])
    state.load_invoice()
    assert not state.can_manage_invoices
    run(state.handle_new_draft())
    with session_scope(engine) as s:
        assert invoices.live_invoice(s, world["order_id"]) is None


def test_another_orders_invoice_cannot_be_reached_from_this_order_page(world, engine):
    """The card acts on the invoice it shows, and the service refuses one of another order."""
    state = _staff_state(StaffOrderInvoiceState, f"/staff/orders/{world['order_id']}", world["staff"]["owner"])
    state.load_invoice()
    state.inv_live = invoices_row(world["draft"].id)  # as if the page showed another order's draft
    run(state.handle_add_line({"description": "Forged", "quantity": "1", "price": "1"}))
    run(state.handle_void({"reason": "Forged"}))
    with session_scope(engine) as s:
        assert s.get(Invoice, world["draft"].id).status == "draft"
        assert len(invoices.lines_of(s, world["draft"].id)) == 2


def invoices_row(invoice_id: int):
    from repair_portal.state.staff_order_invoice import NO_INVOICE

    return NO_INVOICE.__class__(**{**NO_INVOICE.__dict__, "id": invoice_id, "status": "draft"})


def test_store_credit_on_the_customer_page_needs_a_manager(world, engine):
    path = f"/staff/customers/{world['ours']}"
    desk = _staff_state(StaffCustomerBillingState, path, world["staff"]["front_desk"])
    desk.load_billing()
    assert desk.credit_balance == "£30.00" and not desk.can_manage_credit
    assert {row.number for row in desk.bill_rows} >= {"Draft", world["unpaid"].number_text}
    run(desk.handle_credit({"direction": "add", "amount": "100", "reason": "Forged"}))
    manager = _staff_state(StaffCustomerBillingState, path, world["staff"]["owner"])
    manager.load_billing()
    run(manager.handle_credit({"direction": "use", "amount": "40", "reason": "Too much"}))
    assert "doesn't have that much" in manager.credit_error
    run(manager.handle_credit({"direction": "use", "amount": "10", "reason": "Paid out"}))
    assert manager.credit_balance == "£20.00" and manager.credit_error == ""
    with session_scope(engine) as s:
        assert len(s.exec(select(StoreCreditEntry)).all()) == 2


# --- portal ---------------------------------------------------------------------------------------------


def test_the_portal_page_shows_only_this_accounts_invoices_and_payments(world):
    state = _portal_state(world["portal"]["admin"])
    state.load_money()
    assert state.show_invoices and state.show_payments
    assert {r.id for r in state.invoice_rows} == {world["paid"].id, world["unpaid"].id}  # no draft, not theirs
    assert state.owed == "£180.00" and state.credit == "£30.00"
    assert [r.invoices for r in state.payment_rows] == [world["paid"].number_text]
    state.set_invoice_show("unpaid")
    assert [r.id for r in state.invoice_rows] == [world["unpaid"].id]
    state.handle_invoice_search(world["foreign"].number_text)
    assert state.invoice_rows == []


def test_an_over_long_invoice_search_is_refused_with_a_message_and_kept_in_the_box(world):
    state = _portal_state(world["portal"]["admin"])
    state.load_money()
    shown = {r.id for r in state.invoice_rows}
    typed = world["unpaid"].number_text + "x" * 40  # the box has no maxlength: nothing cuts it
    state.handle_invoice_search(typed)
    assert state.invoice_search == typed and "at most 40 characters" in state.invoice_search_error
    assert {r.id for r in state.invoice_rows} == shown  # the list stays as it was
    state.set_invoice_show("unpaid")  # the refused search is never run by a later reload either
    assert {r.id for r in state.invoice_rows} == {world["unpaid"].id}
    state.handle_invoice_search(world["unpaid"].number_text)
    assert state.invoice_search_error == "" and [r.id for r in state.invoice_rows] == [world["unpaid"].id]


def test_each_group_gets_only_its_part(world):
    payments_only = _portal_state(world["portal"]["payments"])
    payments_only.load_money()
    assert payments_only.show_payments and not payments_only.show_invoices
    assert payments_only.invoice_rows == [] and payments_only.owed == "" and payments_only.payment_rows
    payments_only.handle_invoice_search("")  # refused: the list stays empty
    assert payments_only.invoice_rows == []
    invoices_only = _portal_state(world["portal"]["invoices"])
    invoices_only.load_money()
    assert invoices_only.invoice_rows and invoices_only.payment_rows == []
    invoices_only.next_payment_page()
    assert invoices_only.payment_rows == []
    nothing = _portal_state(world["portal"]["none"])
    assert redirect_path(nothing.load_money()) == "/portal"
    assert nothing.invoice_rows == [] and nothing.payment_rows == []
    stranger = _portal_state(None)
    assert redirect_path(stranger.load_money()) == "/portal/sign-in"


def test_balances_need_the_overview_permission_on_the_invoices_page(world):
    """ "Invoices: see" shows the invoices; the owed total and the store credit need "Account overview and
    balances: see" too, and without it they are not in the state at all (every reload keeps them out)."""
    invoices_only = _portal_state(world["portal"]["invoices"])
    invoices_only.load_money()
    assert invoices_only.invoice_rows and not invoices_only.show_balances
    assert (invoices_only.owed, invoices_only.credit) == ("", "")
    invoices_only.set_invoice_show("unpaid")
    invoices_only.handle_invoice_search("")
    invoices_only.next_invoice_page()
    assert (invoices_only.owed, invoices_only.credit) == ("", "") and not invoices_only.show_balances
    with_balances = _portal_state(world["portal"]["balances"])
    with_balances.load_money()
    assert with_balances.show_balances and (with_balances.owed, with_balances.credit) == ("£180.00", "£30.00")


def _home(token: str):
    return connect(make_state(PortalHomeState, path="/portal"), **{cookies.PORTAL_SESSION: token})


def test_the_overview_of_a_restricted_group_holds_no_balances_invoices_or_payments(world):
    admin = _home(world["portal"]["admin"])
    admin.load_overview()
    assert admin.show_balances and admin.owed == "£180.00" and admin.credit == "£30.00" and admin.has_credit
    assert admin.invoices_due and admin.payments
    for key in ("manager", "none"):
        restricted = _home(world["portal"][key])
        restricted.load_overview()
        assert restricted.loaded and not (restricted.show_balances or restricted.show_invoices)
        assert not restricted.show_payments and not restricted.has_credit
        assert (restricted.owed, restricted.credit) == ("", "")
        assert restricted.invoices_due == [] and restricted.payments == [], key
    invoices_only = _home(world["portal"]["invoices"])
    invoices_only.load_overview()
    assert invoices_only.show_invoices and invoices_only.invoices_due  # its own part...
    assert not invoices_only.show_balances and (invoices_only.owed, invoices_only.credit) == ("", "")
    assert invoices_only.payments == [] and not invoices_only.show_payments  # ...and nothing else


def test_the_overviews_all_payments_link_scrolls_to_the_payments(world):
    state = connect(
        make_state(PortalInvoicesState, path="/portal/invoices?part=payments"),
        **{cookies.PORTAL_SESSION: world["portal"]["admin"]},
    )
    result = state.load_money()
    assert "account-payments" in str(result) and "scrollIntoView" in str(result)
    plain = _portal_state(world["portal"]["admin"])
    assert plain.load_money() is None


# --- routes ---------------------------------------------------------------------------------------------


def _client(**jar) -> TestClient:
    client = TestClient(security_headers(api_routes()), raise_server_exceptions=False)
    for name, value in jar.items():
        client.cookies.set(name, value)
    return client


def test_portal_invoice_pdfs_are_the_accounts_own_and_issued_only(world):
    client = _client(**{cookies.PORTAL_SESSION: world["portal"]["admin"]})
    own = client.get(f"/api/portal/invoices/{world['unpaid'].id}.pdf")
    assert own.status_code == 200 and own.headers["x-content-type-options"] == "nosniff"
    assert own.headers["content-disposition"] == f'inline; filename="{world["unpaid"].number_text}.pdf"'
    assert world["unpaid"].number_text in pdf_text(own.content)
    for forged in (world["foreign"].id, world["draft"].id, "²", "9" * 30, "-1", 0):
        response = client.get(f"/api/portal/invoices/{forged}.pdf")
        assert response.status_code == 404, forged
        assert b"Theirs" not in response.content
    assert _client().get(f"/api/portal/invoices/{world['unpaid'].id}.pdf").status_code == 401
    payments_only = _client(**{cookies.PORTAL_SESSION: world["portal"]["payments"]})
    assert payments_only.get(f"/api/portal/invoices/{world['unpaid'].id}.pdf").status_code == 403
    staff = _client(**{cookies.STAFF_SESSION: world["staff"]["owner"]})
    assert staff.get(f"/api/portal/invoices/{world['unpaid'].id}.pdf").status_code == 401
    theirs = _client(**{cookies.PORTAL_SESSION: world["portal"]["theirs"]})
    assert theirs.get(f"/api/portal/invoices/{world['unpaid'].id}.pdf").status_code == 404


def test_portal_statements_cover_the_signed_in_account_only(world):
    client = _client(**{cookies.PORTAL_SESSION: world["portal"]["admin"]})
    response = client.get(f"/api/portal/statement.pdf?{RANGE}")
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert world["unpaid"].number_text in text and world["foreign"].number_text not in text
    assert "Theirs" not in text and "Ours Ltd" in text
    for query in ("", "?from=2026-01-01", "?from=x&to=y", "?from=2026-02-01&to=2026-01-01", "?from=%00&to=%00"):
        assert client.get("/api/portal/statement.pdf" + query).status_code == 400, query
    nothing = _client(**{cookies.PORTAL_SESSION: world["portal"]["none"]})
    assert nothing.get(f"/api/portal/statement.pdf?{RANGE}").status_code == 403


def test_staff_invoice_and_statement_pdfs(world):
    client = _client(**{cookies.STAFF_SESSION: world["staff"]["technician"]})
    assert client.get(f"/api/staff/invoices/{world['foreign'].id}.pdf").status_code == 200
    assert client.get(f"/api/staff/invoices/{world['draft'].id}.pdf").status_code == 404
    assert client.get("/api/staff/invoices/²².pdf").status_code == 404
    response = client.get(f"/api/staff/customers/{world['ours']}/statement.pdf?{RANGE}")
    assert response.status_code == 200 and world["paid"].number_text in pdf_text(response.content)
    assert client.get(f"/api/staff/customers/999/statement.pdf?{RANGE}").status_code == 404
    assert _client().get(f"/api/staff/invoices/{world['foreign'].id}.pdf").status_code == 401

"""Who may do what. One table, checked server-side by every staff handler and route."""

from __future__ import annotations

from enum import StrEnum

from ..models import Role


class Action(StrEnum):
    VIEW_ORDERS = "view_orders"
    CREATE_ORDER = "create_order"
    CHANGE_STAGE = "change_stage"
    PRINT_DOCUMENTS = "print_documents"
    SEND_PORTAL_LINK = "send_portal_link"
    MANAGE_QUOTES = "manage_quotes"
    RECORD_PAYMENTS = "record_payments"
    MANAGE_LINKS = "manage_links"
    EDIT_SETTINGS = "edit_settings"
    MANAGE_USERS = "manage_users"
    EDIT_ORDER_DETAILS = "edit_order_details"
    EDIT_CUSTOMERS = "edit_customers"
    VIEW_AS_CUSTOMER = "view_as_customer"
    SIGN_AT_COUNTER = "sign_at_counter"
    REVEAL_PASSCODE = "reveal_passcode"
    MANAGE_INVOICES = "manage_invoices"  # draft, add lines, issue and void invoices
    MANAGE_STORE_CREDIT = "manage_store_credit"  # add or take off credit by hand (using it on an invoice: payments)
    MANAGE_ASSETS = "manage_assets"  # a business account's sites and assets
    RECORD_ASSET_TESTS = "record_asset_tests"  # an asset's tests (certificates) and defects (photos, fixed)
    WRITE_REPORTS = "write_reports"  # draft an order's service report
    APPROVE_REPORTS = "approve_reports"  # approve it: the customer sees it from then on
    MANAGE_RESOURCES = "manage_resources"  # Settings → Shared files
    MANAGE_PAYMENTS = "manage_payments"  # Settings → Payments: Stripe keys, on/off, deposit rules (owners only)


_ALL = set(Action)
MATRIX: dict[Role, set[Action]] = {
    Role.OWNER: _ALL,
    Role.MANAGER: _ALL - {Action.MANAGE_USERS, Action.MANAGE_PAYMENTS},
    Role.TECHNICIAN: {
        Action.VIEW_ORDERS,
        Action.CHANGE_STAGE,
        Action.PRINT_DOCUMENTS,
        Action.SEND_PORTAL_LINK,
        Action.MANAGE_QUOTES,
        Action.EDIT_ORDER_DETAILS,
        Action.VIEW_AS_CUSTOMER,
        Action.SIGN_AT_COUNTER,
        Action.REVEAL_PASSCODE,
        Action.RECORD_ASSET_TESTS,
        Action.WRITE_REPORTS,
    },
    Role.FRONT_DESK: {
        Action.RECORD_PAYMENTS,
        Action.MANAGE_QUOTES,
        Action.VIEW_ORDERS,
        Action.CREATE_ORDER,
        Action.CHANGE_STAGE,
        Action.PRINT_DOCUMENTS,
        Action.SEND_PORTAL_LINK,
        Action.MANAGE_LINKS,
        Action.EDIT_ORDER_DETAILS,
        Action.EDIT_CUSTOMERS,
        Action.VIEW_AS_CUSTOMER,
        Action.SIGN_AT_COUNTER,
        Action.REVEAL_PASSCODE,
        Action.MANAGE_INVOICES,
        Action.MANAGE_ASSETS,
        Action.RECORD_ASSET_TESTS,
    },
}


def can(role: str | Role, action: Action) -> bool:
    try:
        return action in MATRIX[Role(role)]
    except ValueError:
        return False


DENIED: dict[Action, str] = {
    Action.VIEW_ORDERS: "Your role can't see orders and customers.",
    Action.CREATE_ORDER: "Your role can't book orders in.",
    Action.CHANGE_STAGE: "Your role can't change stages or files.",
    Action.PRINT_DOCUMENTS: "Your role can't print documents.",
    Action.SEND_PORTAL_LINK: "Your role can't send portal links.",
    Action.MANAGE_QUOTES: "Your role can't build quotes or record decisions.",
    Action.RECORD_PAYMENTS: "Your role can't record payments.",
    Action.MANAGE_LINKS: "Your role can't change portal links.",
    Action.EDIT_SETTINGS: "Only owners and managers can change settings.",
    Action.MANAGE_USERS: "Only the owner can manage staff accounts.",
    Action.EDIT_ORDER_DETAILS: "Your role can't edit orders.",
    Action.EDIT_CUSTOMERS: "Your role can't edit customers.",
    Action.VIEW_AS_CUSTOMER: "Your role can't view the portal as the customer.",
    Action.SIGN_AT_COUNTER: "Your role can't open the counter signing screen.",
    Action.REVEAL_PASSCODE: "Your role can't see device passcodes.",
    Action.MANAGE_INVOICES: "Your role can't issue or void invoices.",
    Action.MANAGE_STORE_CREDIT: "Only owners and managers can add or take off store credit.",
    Action.MANAGE_ASSETS: "Your role can't change sites or assets.",
    Action.RECORD_ASSET_TESTS: "Your role can't record tests or defects.",
    Action.WRITE_REPORTS: "Your role can't write service reports.",
    Action.APPROVE_REPORTS: "Only owners and managers can approve service reports.",
    Action.MANAGE_RESOURCES: "Only owners and managers can manage shared files.",
    Action.MANAGE_PAYMENTS: "Only the owner can change online payments.",
}

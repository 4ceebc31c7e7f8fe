"""The account portal's side of the permission and route tables.

A business account full of data ("Canary Works Ltd": sites, assets with tests and defects, orders with a
quote, messages, files, a service report, an invoice, a payment, store credit, a shared file, a passkey),
its portal users in every way a session can fall short (a group with nothing, a group lacking each
permission, MFA pending, disabled, signed out), a fully signed-in admin of the same account (what may be
seen, for the tests' own checks) and one of ANOTHER account ("Mallory Holdings Ltd"), who must get none of it.

`MARKERS` are strings that occur only in the account's data, each with the permissions that may show it:
a state (or a response) holding a marker the caller's group can't see is a leak.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from PIL import Image
from sqlmodel import Session, select

from repair_portal.db import write_session
from repair_portal.models import Customer, Location, Order, Passkey, PermissionGroup, PortalUser, QuoteLine
from repair_portal.models.invoice import invoice_number_text
from repair_portal.services import (
    asset_records,
    assets,
    attachments,
    audit,
    invoices,
    messages,
    payments,
    portal_auth,
    portal_permissions,
    quotes,
    resources,
    service_reports,
    sites,
    store_credit,
)
from repair_portal.services.asset_records import DefectForm, TestForm
from repair_portal.services.assets import AssetForm
from repair_portal.services.orders import create_order
from repair_portal.services.portal_permissions import Perm

from .. import factories
from ..conftest import TEST_SECRET_KEY
from ..invoice_factories import approved_order

TARGET = "Canary Works Ltd"
OTHER = "Mallory Holdings Ltd"
SYSTEM = audit.SYSTEM
P = Perm

# Every group that lacks exactly these permissions (each one alone, and the alternatives a page accepts
# together: the money page shows with either invoices or payments, the order pages with either order view).
LACKING: dict[str, frozenset[Perm]] = {
    **{f"lacks {p.value}": frozenset({p}) for p in Perm},
    "lacks invoices.view and payments.view": frozenset({P.INVOICES_VIEW, P.PAYMENTS_VIEW}),
    "lacks orders.view_all and orders.view_mine": frozenset({P.ORDERS_VIEW_ALL, P.ORDERS_VIEW_MINE}),
}
# The only user whose group sees "their own" orders but not all of them: the one who asked for PO-CANARY-MINE.
REQUESTER = "lacks orders.view_all"

# marker: the permission sets any one of which lets a user of the account see it.
MARKERS: dict[str, tuple[frozenset[Perm], ...]] = {
    "Canary Wharf Depot": (  # the account's site: order filters, the request form, asset cards
        frozenset({P.ORDERS_VIEW_ALL}),
        frozenset({P.ORDERS_VIEW_MINE}),
        frozenset({P.ORDERS_REQUEST}),
        frozenset({P.ASSETS_VIEW}),
    ),
    "PO-CANARY-ALL": (frozenset({P.ORDERS_VIEW_ALL}),),  # orders booked in by the shop
    "PO-CANARY-MINE": (frozenset({P.ORDERS_VIEW_ALL}), frozenset({P.ORDERS_VIEW_MINE})),  # (see REQUESTER)
    "Canary Works problem": (frozenset({P.ORDERS_VIEW_ALL}),),
    "Canary quote line": (frozenset({P.ORDERS_VIEW_ALL, P.QUOTES_DECIDE}),),
    "Canary thread message": (frozenset({P.ORDERS_VIEW_ALL, P.MESSAGES_SEND}),),
    "canary-works-photo": (frozenset({P.ORDERS_VIEW_ALL, P.FILES_VIEW}),),
    "123.45": (frozenset({P.PAYMENTS_VIEW}), frozenset({P.INVOICES_VIEW})),  # the payment (and "paid")
    "77.77": (frozenset({P.OVERVIEW_VIEW}), frozenset({P.INVOICES_VIEW})),  # the store credit
    "CANARY-CUSTREF-42": (frozenset({P.ASSETS_VIEW}),),
    "CANARY-CERT-314": (frozenset({P.ASSETS_VIEW}),),
    "Canary defect": (frozenset({P.ASSETS_VIEW}),),
    "Canary manual": (frozenset({P.RESOURCES_VIEW}),),
}


def hidden_markers(perms: frozenset[Perm], invoice_number: str) -> list[str]:
    """The markers a user of the account whose group has `perms` must never receive."""
    rules = {**MARKERS, invoice_number: (frozenset({P.INVOICES_VIEW}), frozenset({P.PAYMENTS_VIEW}))}
    return [marker for marker, ways in rules.items() if not any(way <= perms for way in ways)]


def every_marker(invoice_number: str) -> list[str]:
    """What another account's user (or no one) must never receive."""
    return [*MARKERS, invoice_number, TARGET, "canary.test"]


@dataclass
class Accounts:
    """Cookies (portal session tokens) and the target account's ids."""

    account_id: int
    shortfalls: dict[str, str]  # the four ways a session falls short → its cookie (see `build`)
    admin: str  # the target account's admin, fully signed in
    other_admin: str  # ANOTHER account's admin, fully signed in (every permission, of their own account)
    other_admin_id: int
    lacking: dict[str, str]  # LACKING's label → the cookie of a user of the target account in that group
    ids: dict[str, int] = field(default_factory=dict)  # the target account's objects
    invoice_number: str = ""
    other_site_id: int = 0


class StandInGateway:
    """A payment provider that opens a checkout for whatever it is asked (so only the app's own checks
    stand between a forged "Pay" and a checkout row)."""

    demo = False

    def expire_checkout(self, session_id):
        return None

    def create_checkout(self, **kw):
        from repair_portal.integrations.stripe_gateway import Checkout

        return Checkout("cs_test_forged", "https://pay.example/cs_test_forged")


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (80, 60), "orange").save(out, format="JPEG")
    return out.getvalue()


def _group(s: Session, name: str, perms) -> PermissionGroup:
    group = PermissionGroup(name=name, permissions_json=portal_permissions.dump(perms))
    s.add(group)
    s.flush()
    return group


def build(engine, settings, location_id: int) -> Accounts:
    """The two accounts, their data and their users' sessions (run once per module: nothing here is cheap
    enough to repeat per test)."""
    files = settings.uploads_dir
    files.mkdir(parents=True, exist_ok=True)
    with write_session(engine) as s:
        location = s.get(Location, location_id)
        account = Customer(first_name="", last_name="Works", company=TARGET, kind="business")
        other = Customer(first_name="", last_name="Holdings", company=OTHER, kind="business")
        s.add_all([account, other])
        s.flush()
        ids = _account_data(s, files, location, account)
        other_site = sites.save_site(s, other.id, None, "Mallory Yard", "2 Dock Road", SYSTEM)
        admin_group = portal_permissions.builtin_group(s, portal_permissions.ADMIN)

        def user(email, group, customer=account, **kw):
            u = PortalUser(customer_id=customer.id, group_id=group.id, email=email, name=email.split("@")[0], **kw)
            s.add(u)
            s.flush()
            return u

        def signed_in(u) -> str:
            return portal_auth.open_session(s, settings, u, ip="", user_agent="", mfa_passed=True)

        shortfalls = {
            "portal user in a group with no permissions": signed_in(
                user("nothing@canary.test", _group(s, "Nothing at all", []))
            ),
            "portal admin before the second step (MFA)": portal_auth.open_session(
                s,
                settings,
                user("halfway@canary.test", admin_group, require_mfa=True),
                ip="",
                user_agent="",
                mfa_passed=False,
            ),
        }
        disabled = user("disabled@canary.test", admin_group)
        shortfalls["disabled portal user"] = signed_in(disabled)
        disabled.active = False
        signed_out = signed_in(user("gone@canary.test", admin_group))
        portal_auth.sign_out(s, signed_out)
        shortfalls["signed-out portal session"] = signed_out
        admin = user("admin@canary.test", admin_group)
        s.add(Passkey(owner_kind="portal", owner_id=admin.id, credential_id="canary-cred", public_key=b"k", name="CK"))
        lacking = {}
        for label, missing in LACKING.items():
            email = label.replace(" ", "-").replace(".", "-") + "@canary.test"
            member = user(email, _group(s, label, set(Perm) - missing))
            lacking[label] = signed_in(member)
            if label == REQUESTER:
                s.get(Order, ids["mine_order"]).requested_by_id = member.id
        ids["admin_id"] = admin.id
        ids["passkey"] = s.exec(select(Passkey.id).where(Passkey.owner_id == admin.id)).one()
        mallory = user("admin@mallory.test", admin_group, customer=other)
        other_admin = signed_in(mallory)
        invoice_number = ids.pop("invoice_number")
        return Accounts(
            account_id=account.id,
            shortfalls=shortfalls,
            admin=signed_in(admin),
            other_admin=other_admin,
            other_admin_id=mallory.id,
            lacking=lacking,
            ids=ids,
            invoice_number=invoice_number,
            other_site_id=other_site.id,
        )


def _account_data(s: Session, files, location: Location, account: Customer) -> dict:
    site = sites.save_site(s, account.id, None, "Canary Wharf Depot", "1 Quay Street", SYSTEM)
    form = AssetForm(
        asset_tag="CW-0001",
        kind="Printer",
        make="Brother",
        model="HL-9",
        serial="CWSERIAL0077",
        customer_ref="CANARY-CUSTREF-42",
        site_id=str(site.id),
    )
    asset = assets.save_asset(s, account.id, None, form, SYSTEM)
    certificate = asset_records.prepare_certificate(files, "cert.pdf", factories.tiny_pdf("Canary certificate"))
    test = asset_records.record_test(
        s, asset.id, TestForm("2026-01-05", "pass", "CANARY-CERT-314"), certificate, SYSTEM
    )
    photos, _ = asset_records.prepare_photos(files, [("d.jpg", _jpeg())])
    defect = asset_records.record_defect(
        s, asset.id, DefectForm("high", "Canary defect: cracked housing", "2026-01-06"), photos, SYSTEM
    )
    # The order booked in by the shop: a quote awaiting a decision, a message, a visible photo, a report.
    booked = create_order(
        s,
        TEST_SECRET_KEY,
        customer=account,
        location=location,
        device=asset,
        problem="Canary Works problem: the printer jams",
        actor=SYSTEM,
    ).order
    booked.site_id, booked.po_number = site.id, "PO-CANARY-ALL"
    quote = quotes.create_quote(s, booked, [quotes.LineSpec("Canary quote line: fuser", 1, 23456)], SYSTEM)
    quotes.send_quote(s, quote, SYSTEM)
    line_ids = list(s.exec(select(QuoteLine.id).where(QuoteLine.quote_id == quote.id)))
    messages.post_customer_message(s, booked.id, "Canary thread message", "Pat", SYSTEM, channel="sms")
    photo = attachments.add_attachment(s, files, booked, "canary-works-photo.jpg", _jpeg(), visible=True, actor=SYSTEM)
    draft, _ = service_reports.save_draft(
        s, booked.id, None, service_reports.ReportForm(), service_reports.ReportForm(findings="Canary findings"), SYSTEM
    )
    report = service_reports.approve(s, booked.id, draft.id, draft.version, SYSTEM)
    # An invoiced order, part paid, and credit on the account.
    billed = approved_order(s, location, account)
    billed.po_number = "PO-CANARY-ALL-2"
    invoice = invoices.create_draft(s, billed, SYSTEM)
    invoice = invoices.issue(s, invoice.id, SYSTEM, due_days=30)
    payment = payments.record_payment(s, billed, 12345, "cash", SYSTEM)
    store_credit.add_credit(s, account.id, 7777, "Canary goodwill", SYSTEM)
    # An order one portal user asked for ("see their own": REQUESTER's group), and a file shared with the account.
    mine = create_order(
        s, TEST_SECRET_KEY, customer=account, location=location, device=None, problem="Asked for", actor=SYSTEM
    ).order
    mine.po_number = "PO-CANARY-MINE"
    folder = resources.add_folder(s, "Canary folder", SYSTEM)
    item = resources.prepare(resources.storage_dir(files), "Canary manual.pdf", factories.tiny_pdf("Canary manual"))
    shared = resources.add_file(s, folder.id, item, shared_with_all=False, actor=SYSTEM)
    resources.set_sharing(s, shared.id, False, [account.id], SYSTEM)
    return {
        "site": site.id,
        "asset": asset.id,
        "test": test.id,
        "defect": defect.id,
        "photo": defect_photo_id(s, defect.id),
        "order": booked.id,
        "billed_order": billed.id,
        "mine_order": mine.id,
        "line": line_ids[0],
        "attachment": photo.id,
        "report": report.id,
        "invoice": invoice.id,
        "invoice_number": invoice_number_text(invoice.number),
        "payment": payment.id,
        "folder": folder.id,
        "file": shared.id,
    }


def defect_photo_id(s: Session, defect_id: int) -> int:
    from repair_portal.models import DefectPhoto

    return s.exec(select(DefectPhoto.id).where(DefectPhoto.defect_id == defect_id)).one()

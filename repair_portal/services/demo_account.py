"""The demo's business account: a facilities company whose devices come in from several of its sites,
with two portal users in different permission groups (services/demo.py calls this)."""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlmodel import Session

from ..models import Customer, CustomerKind, Device, Location, PortalUser, Site, Stage
from . import audit, invoices, order_job, portal_permissions, store_credit, timefmt
from .orders import create_order
from .passwords import hash_password
from .portal_permissions import Perm

COMPANY = "Northwind Facilities Ltd"
ADMIN_EMAIL = "dana.whitfield@northwind.example"
SITE_MANAGER_EMAIL = "raj.mehta@northwind.example"
SITE_MANAGER_PERMS = (Perm.ORDERS_VIEW_MINE, Perm.QUOTES_DECIDE, Perm.MESSAGES_SEND)
# The account's sites ("name, address"); each order is for one of them (Order.site_id).
SITES = [
    "Head office, 5 Wharf Road, London N1 7GR",
    "Warehouse, Unit 3 Orbital Park, Barking IG11 0DG",
    "Clinic, 28 Kentish Town Road, London NW1 9NX",
]
# (stage, site, kind, make, model, problem): every stage of the workflow, one quote awaiting approval.
ORDERS = [
    ("Booked in", 0, "laptop", "Lenovo", "ThinkPad T14 Gen 3", "Reception laptop won't power on after a power cut"),
    ("Diagnosing", 1, "scanner", "Zebra", "TC52 handheld", "Handheld scanner drops Wi-Fi in the cold store"),
    ("Awaiting approval", 2, "tablet", "Apple", "iPad (10th gen)", "Check-in tablet: cracked glass, touch dead"),
    ("Awaiting parts", 0, "laptop", "Dell", "Latitude 5440", "Keyboard missing keys, hinge loose"),
    ("Repairing", 1, "phone", "Samsung", "Galaxy XCover7", "Warehouse phone: charging port worn"),
    ("Repairing", 2, "laptop", "Apple", "MacBook Pro 14 (M2)", "Practice manager's laptop: battery swelling"),
    ("Ready for collection", 0, "phone", "Apple", "iPhone 13", "Director's phone: rear glass shattered"),
    ("Collected", 1, "tablet", "Samsung", "Galaxy Tab Active4 Pro", "Forklift tablet: screen delaminating"),
    ("Collected", 2, "laptop", "Lenovo", "ThinkPad T14 Gen 3", "Spilled tea on the keyboard"),
]
# Orders staff scheduled a visit for: index → (days from now, shop time).
SCHEDULED = {0: (1, "10:00"), 1: (2, "14:30")}
QUOTE_KIND = {"scanner": "phone"}  # the demo's quote lines for a device kind it has none for
# Assets without an order yet (site, kind, make, model, customer reference).
SPARE_ASSETS = [
    (0, "printer", "HP", "LaserJet Pro 4002", "Reception printer"),
    (1, "scanner", "Zebra", "TC52 handheld", "Cold store scanner 2"),
]
# What Dana requested from the portal for the first spare asset (the reception printer).
REQUEST_PROBLEM = "Reception printer jams every few pages and shows a fuser error; please service it."
# Tests by asset index (orders first, then the spare assets): (days ago, result). One failed, one untested.
TESTS = {
    0: [(200, "pass")],
    1: [(320, "pass"), (40, "fail")],
    2: [(90, "pass")],
    3: [(150, "pass")],
    4: [(60, "pass")],
    5: [(30, "pass")],
    6: [(75, "pass")],
    8: [(120, "pass")],
    9: [(15, "pass")],
}
# (asset index, severity, description, found days ago, fixed days ago or None)
DEFECTS = [
    (1, "high", "Trigger housing cracked; the scan button sticks in the cold.", 40, None),
    (9, "medium", "Belt clip mount loose.", 12, None),
    (6, "low", "Case worn through at the corners.", 70, 20),
]


@dataclass
class DemoAccount:
    company: str
    orders: int
    sites: int
    portal_email: str
    portal_password: str  # shown once in the first-start banner, stored only as its bcrypt hash
    other_user_email: str
    assets: int = 0


def seed_business_account(
    session: Session,
    secret_key: str,
    *,
    locations: list[Location],
    stages: list[Stage],
    actor: audit.Actor,
    technician_ids: list[int],
    password: str,
    seed: int,
    now,
    files_dir: Path | None = None,
) -> DemoAccount:
    from .demo import _demo_payment, _walk_to

    rng = random.Random(seed)
    account = Customer(
        first_name="Dana",
        last_name="Whitfield",
        company=COMPANY,
        kind=CustomerKind.BUSINESS.value,
        email="facilities@northwind.example",
        phone="+442079460789",
        email_updates=True,
    )
    session.add(account)
    session.flush()
    sites = [
        Site(customer_id=account.id, name=text.split(", ", 1)[0], address=text.split(", ", 1)[1]) for text in SITES
    ]
    session.add_all(sites)
    session.flush()
    by_name = {s.name: s for s in stages}
    types = order_job.job_types(session)
    job_type = "Repair" if "Repair" in types else ""
    tz = timefmt.shop_timezone(session)
    orders = []
    devices: list[Device] = []
    collected = []
    for index, (stage_name, site, kind, make, model, problem) in enumerate(ORDERS):
        device = Device(
            customer_id=account.id,
            kind=kind,
            make=make,
            model=model,
            serial=f"NW{rng.randint(10**7, 10**8 - 1)}",
            asset_tag=f"NW-{index + 1:04d}",
            site_id=sites[site].id,
            customer_ref=f"{sites[site].name} {kind}",
            warranty_until=(now + timedelta(days=rng.randint(-200, 700))).date(),
        )
        session.add(device)
        session.flush()
        devices.append(device)
        booked = now - timedelta(days=rng.randint(2, 25), hours=rng.randint(0, 8))
        new = create_order(
            session,
            secret_key,
            customer=account,
            location=locations[index % len(locations)],
            device=device,
            problem=f"{problem}.",
            actor=actor,
            booked_in_at=booked,
            intake_condition="Asset label on the back. Company device: no personal data to keep.",
            promised_at=booked + timedelta(days=rng.randint(3, 7)),
            assigned_to_id=technician_ids[index % len(technician_ids)],
        )
        order = new.order
        order.site_id = sites[site].id
        order.job_type, order.po_number = job_type, f"NW-PO-{4460 + index}"
        if index in SCHEDULED:  # a visit staff booked (shown under "Next scheduled jobs")
            days, at_time = SCHEDULED[index]
            day = (now.astimezone(ZoneInfo(tz)) + timedelta(days=days)).date()
            order.scheduled_at = order_job.parse_schedule(f"{day.isoformat()}T{at_time}", tz)
        order.accessories = rng.choice(["Charger", "", "Charger and case"])
        kind_for_quote = QUOTE_KIND.get(kind, kind)
        at = _walk_to(session, order, stages, by_name[stage_name], booked, kind_for_quote, actor, rng, now)
        if stage_name in {"Repairing", "Ready for collection", "Collected"}:
            _demo_payment(session, order, stage_name, actor, at, rng)
        order.updated_at = at
        session.add(order)
        if stage_name == "Collected":
            collected.append(order)
        orders.append((order, at))
    _seed_invoices(session, account, orders, actor, now)
    for site, kind, make, model, ref in SPARE_ASSETS:
        device = Device(
            customer_id=account.id,
            kind=kind,
            make=make,
            model=model,
            serial=f"NW{rng.randint(10**7, 10**8 - 1)}",
            asset_tag=f"NW-{len(devices) + 1:04d}",
            site_id=sites[site].id,
            customer_ref=ref,
        )
        session.add(device)
        session.flush()
        devices.append(device)
    _tests_and_defects(session, devices, rng, now, files_dir)
    admin = portal_permissions.builtin_group(session, portal_permissions.ADMIN)
    managers = portal_permissions.save_group(session, None, "Site manager", SITE_MANAGER_PERMS, False, actor)
    dana = PortalUser(
        customer_id=account.id,
        group_id=admin.id,
        email=ADMIN_EMAIL,
        name="Dana Whitfield",
        phone="+447700900451",
        password_hash=hash_password(password),
    )
    session.add(dana)
    # Nobody knows this one's password (full bcrypt cost, like every other account's): staff see what he
    # sees with "View as this user". His group sees only the orders he asked for: the warehouse's.
    raj = PortalUser(
        customer_id=account.id,
        group_id=managers.id,
        email=SITE_MANAGER_EMAIL,
        name="Raj Mehta",
        phone="+447700900452",
        password_hash=hash_password(secrets.token_urlsafe(24)),
    )
    session.add(raj)
    session.flush()
    for order, _ in orders:
        if order.site_id == sites[1].id:
            order.requested_by_id = raj.id
            session.add(order)
    session.flush()
    _seed_request(session, secret_key, account, dana, devices[len(ORDERS)], now)
    if files_dir is not None:  # an approved service report, and the shared files (one only for this account)
        from ..models import ShopSettings
        from .demo_reports_resources import seed_service_report, seed_shared_files

        seed_service_report(session, files_dir, collected[0], technician_ids[0], actor)
        seed_shared_files(session, files_dir, ShopSettings.current(session).name, account, actor)
    orders_made = len(ORDERS) + 1  # and the request
    return DemoAccount(COMPANY, orders_made, len(SITES), ADMIN_EMAIL, password, SITE_MANAGER_EMAIL, len(devices))


def _seed_request(session: Session, secret_key: str, account: Customer, user: PortalUser, printer: Device, now):
    """A job Dana asked for from the account portal: it waits at the Requested stage, made as the portal
    makes it (services/job_requests.py)."""
    from .job_requests import job_types, request_job

    types = job_types(session)
    request_job(
        session,
        secret_key,
        identity_user_id=user.id,
        customer_id=account.id,
        site_id=printer.site_id,
        job_type="Service" if "Service" in types else (types[0] if types else ""),
        device_id=printer.id,
        description=REQUEST_PROBLEM,
        preferred_date=(now + timedelta(days=3)).date(),
        po_number="NW-PO-4471",
        actor=audit.Actor("portal", user.id, user.email),
    )


def _seed_invoices(session: Session, account: Customer, orders: list, actor: audit.Actor, now) -> None:
    """Three issued invoices: one paid at collection, one part paid (the deposit), one overdue with an extra
    line and part of it paid from store credit (which leaves the account some credit)."""
    ready, collected = orders[6], orders[7]
    overdue_order = orders[8][0]
    paid = invoices.create_draft(session, collected[0], actor)
    invoices.issue(session, paid.id, actor, due_days=14, at=collected[1] + timedelta(minutes=5))
    part = invoices.create_draft(session, ready[0], actor)
    invoices.issue(session, part.id, actor, due_days=30, at=now - timedelta(days=2))
    late = invoices.create_draft(session, overdue_order, actor)
    invoices.add_line(session, late.id, "Liquid damage: ultrasonic clean of the logic board", 1, 4500, actor)
    invoices.issue(session, late.id, actor, due_days=14, at=now - timedelta(days=20))
    store_credit.add_credit(session, account.id, 6000, "Goodwill: the tablet repair took a week longer", actor)
    store_credit.apply_to_invoice(session, late.id, 2500, actor, at=now - timedelta(days=3))


def _certificate_pdf(number: str, device: Device, tested_on, result: str) -> bytes:
    from fpdf import FPDF

    doc = FPDF()
    doc.add_page()
    doc.set_font("helvetica", "B", 18)
    doc.cell(text="Inspection and test certificate", new_x="LMARGIN", new_y="NEXT")
    doc.set_font("helvetica", size=12)
    for line in (
        f"Certificate no. {number}",
        f"Asset {device.asset_tag}: {device.make} {device.model} ({device.kind}), serial {device.serial}",
        f"Tested on {tested_on:%d %B %Y}. Result: {result.upper()}",
        COMPANY,
    ):
        doc.cell(text=line, new_x="LMARGIN", new_y="NEXT")
    return bytes(doc.output())


def _tests_and_defects(session: Session, devices: list[Device], rng, now, files_dir: Path | None) -> None:
    """Tests (a certificate PDF on each when there is somewhere to keep it) and defects of the demo's assets."""
    from ..models import AssetTest, Defect, DefectStatus

    today = now.date()
    number = 4100
    for index, runs in TESTS.items():
        device = devices[index]
        for days_ago, result in runs:
            number += rng.randint(1, 9)
            tested_on = today - timedelta(days=days_ago)
            test = AssetTest(
                device_id=device.id,
                tested_on=tested_on,
                result=result,
                number=f"PAT-{number}",
                notes="Earth continuity out of range: withdrawn from use." if result == "fail" else "",
                created_at=now - timedelta(days=days_ago),
            )
            if files_dir is not None:
                from .asset_records import prepare_certificate

                stored = prepare_certificate(
                    files_dir, f"PAT-{number}.pdf", _certificate_pdf(test.number, device, tested_on, result)
                )
                test.certificate_name, test.certificate_filename = stored.storage_name, stored.filename
                test.certificate_bytes, test.certificate_sha256 = stored.size_bytes, stored.sha256
            session.add(test)
    for index, severity, description, found, fixed in DEFECTS:
        session.add(
            Defect(
                device_id=devices[index].id,
                severity=severity,
                description=description,
                found_on=today - timedelta(days=found),
                status=DefectStatus.FIXED.value if fixed is not None else DefectStatus.OPEN.value,
                fixed_on=today - timedelta(days=fixed) if fixed is not None else None,
                created_at=now - timedelta(days=found),
            )
        )
    session.flush()

"""The demo's business account: a facilities company whose devices come in from several of its sites,
with two portal users in different permission groups (services/demo.py calls this)."""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from sqlmodel import Session

from ..models import Customer, CustomerKind, Device, Location, PortalUser, Stage
from . import audit, portal_permissions
from .orders import create_order
from .passwords import hash_password
from .portal_permissions import Perm

COMPANY = "Northwind Facilities Ltd"
ADMIN_EMAIL = "dana.whitfield@northwind.example"
SITE_MANAGER_EMAIL = "raj.mehta@northwind.example"
SITE_MANAGER_PERMS = (Perm.ORDERS_VIEW_MINE, Perm.QUOTES_DECIDE, Perm.MESSAGES_SEND)
# Until sites have their own records (the next issue), each order names the site it came from.
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
QUOTE_KIND = {"scanner": "phone"}  # the demo's quote lines for a device kind it has none for


@dataclass
class DemoAccount:
    company: str
    orders: int
    sites: int
    portal_email: str
    portal_password: str  # shown once in the first-start banner, stored only as its bcrypt hash
    other_user_email: str


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
    by_name = {s.name: s for s in stages}
    collected = []
    for index, (stage_name, site, kind, make, model, problem) in enumerate(ORDERS):
        device = Device(
            customer_id=account.id, kind=kind, make=make, model=model, serial=f"NW{rng.randint(10**7, 10**8 - 1)}"
        )
        session.add(device)
        session.flush()
        booked = now - timedelta(days=rng.randint(2, 25), hours=rng.randint(0, 8))
        new = create_order(
            session,
            secret_key,
            customer=account,
            location=locations[index % len(locations)],
            device=device,
            problem=f"{problem}. Site: {SITES[site]}.",
            actor=actor,
            booked_in_at=booked,
            intake_condition="Asset label on the back. Company device: no personal data to keep.",
            promised_at=booked + timedelta(days=rng.randint(3, 7)),
            assigned_to_id=technician_ids[index % len(technician_ids)],
        )
        order = new.order
        order.accessories = rng.choice(["Charger", "", "Charger and case"])
        kind_for_quote = QUOTE_KIND.get(kind, kind)
        at = _walk_to(session, order, stages, by_name[stage_name], booked, kind_for_quote, actor, rng, now)
        if stage_name in {"Repairing", "Ready for collection", "Collected"}:
            _demo_payment(session, order, stage_name, actor, at, rng)
        order.updated_at = at
        session.add(order)
        if stage_name == "Collected":
            collected.append(order)
    admin = portal_permissions.builtin_group(session, portal_permissions.ADMIN)
    managers = portal_permissions.save_group(session, None, "Site manager", SITE_MANAGER_PERMS, False, actor)
    session.add(
        PortalUser(
            customer_id=account.id,
            group_id=admin.id,
            email=ADMIN_EMAIL,
            name="Dana Whitfield",
            phone="+447700900451",
            password_hash=hash_password(password),
        )
    )
    # Nobody knows this one's password (full bcrypt cost, like every other account's).
    session.add(
        PortalUser(
            customer_id=account.id,
            group_id=managers.id,
            email=SITE_MANAGER_EMAIL,
            name="Raj Mehta",
            phone="+447700900452",
            password_hash=hash_password(secrets.token_urlsafe(24)),
        )
    )
    session.flush()
    if files_dir is not None:  # an approved service report, and the shared files (one only for this account)
        from ..models import ShopSettings
        from .demo_reports_resources import seed_service_report, seed_shared_files

        seed_service_report(session, files_dir, collected[0], technician_ids[0], actor)
        seed_shared_files(session, files_dir, ShopSettings.current(session).name, account, actor)
    return DemoAccount(COMPANY, len(ORDERS), len(SITES), ADMIN_EMAIL, password, SITE_MANAGER_EMAIL)

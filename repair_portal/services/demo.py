"""A believable demo shop: two locations, staff, ~20 customers, ~40 orders, and a business account with
its own orders and portal users (services/demo_account.py)."""

from __future__ import annotations

import json
import random
import secrets
import unicodedata
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func
from sqlmodel import Session, select

from ..integrations.images import store_photo
from ..models import (
    AccessMode,
    Attachment,
    AttachmentKind,
    Customer,
    Device,
    Location,
    Message,
    MessageDirection,
    Order,
    Role,
    ShopSettings,
    StaffUser,
    Stage,
    StageKind,
)
from . import audit, clock, payments, price_list, quotes, sms_consent, workflow
from .demo_account import DemoAccount, seed_business_account
from .demo_images import device_photo
from .orders import create_order
from .passwords import hash_password
from .staff_auth import create_staff_user

DEMO_OWNER_EMAIL = "owner@demo.repairportal.test"
DEMO_ACTOR = audit.Actor(kind="system", label="demo seed")

HOURS = {
    "mon": "09:00–17:30",
    "tue": "09:00–17:30",
    "wed": "09:00–17:30",
    "thu": "09:00–19:00",
    "fri": "09:00–17:30",
    "sat": "10:00–16:00",
}

FIRST_NAMES = [
    "Amelia",
    "Oliver",
    "Isla",
    "George",
    "Ava",
    "Noah",
    "Freya",
    "Arthur",
    "Mia",
    "Leo",
    "Zoë",
    "Kacper",
    "Chloé",
    "Yusuf",
    "Priya",
    "Siobhán",
    "Tomasz",
    "Hannah",
    "Ravi",
    "Grace",
]
LAST_NAMES = [
    "Thompson",
    "Patel",
    "Okafor",
    "Nowak",
    "Murphy",
    "Evans",
    "Khan",
    "Walsh",
    "Clarke",
    "Davies",
    "Hughes",
    "Wójcik",
    "Bennett",
    "Ahmed",
    "O'Brien",
    "Fischer",
    "Lewis",
    "Moreau",
    "Singh",
    "Price",
]
DEVICES = [
    ("phone", "Apple", "iPhone 14", "Cracked screen after a drop; touch still works"),
    ("phone", "Apple", "iPhone 12", "Battery drains by lunchtime and the phone gets hot"),
    ("phone", "Samsung", "Galaxy S23", "Won't charge unless the cable is held at an angle"),
    ("phone", "Google", "Pixel 7", "Rear camera shows a black screen"),
    ("tablet", "Apple", "iPad Air (5th gen)", "Glass cracked in the corner, screen flickers"),
    ("laptop", "Apple", "MacBook Air M1", "Coffee spilled on the keyboard; some keys dead"),
    ("laptop", "Lenovo", "ThinkPad T14", "Very slow, fan loud, needs a clean and SSD upgrade"),
    ("laptop", "Dell", "XPS 13", "Hinge snapped on the left side"),
    ("console", "Nintendo", "Switch OLED", "Left Joy-Con drifting, right one not pairing"),
    ("phone", "Samsung", "Galaxy A54", "Speaker crackles on calls"),
]
QUOTE_LINES = {
    "phone": [
        ("Replacement screen assembly (OEM grade)", 1, 14900),
        ("Labour: screen replacement", 1, 3500),
        ("Tempered glass protector", 1, 1200, True),
    ],
    "tablet": [("Replacement digitiser glass", 1, 12900), ("Labour", 1, 4500)],
    "laptop": [
        ("Diagnostic and ultrasonic board clean", 1, 6500),
        ("Replacement keyboard", 1, 11900),
        ("1 TB NVMe SSD and data transfer", 1, 9900, True),
    ],
    "console": [("Joy-Con analogue stick (pair)", 2, 1800), ("Labour", 1, 2500)],
}


# The price list staff pick quote lines from: (code, name, kind, price ex. VAT, optional extra by default).
PRICE_LIST = [
    ("DIAG", "Diagnostic fee", "service", "25.00", False),
    ("SCR-IP13", "iPhone 13 screen replacement (OEM grade)", "service", "149.00", False),
    ("SCR-IP15", "iPhone 15 screen replacement (OEM grade)", "service", "199.00", False),
    ("SCR-S23", "Samsung Galaxy S23 screen replacement", "service", "179.00", False),
    ("BAT-IPH", "iPhone battery replacement", "service", "69.00", False),
    ("BAT-LAP", "Laptop battery", "part", "89.00", False),
    ("PORT", "Charging port clean or replacement", "service", "45.00", False),
    ("LAB-30", "Labour (30 minutes)", "service", "35.00", False),
    ("GLASS", "Tempered glass protector", "part", "12.00", True),
    ("CASE", "Protective case", "part", "15.00", True),
    ("DATA", "Data backup and transfer", "service", "39.00", True),
]


@dataclass
class DemoLink:
    reference: str
    last_name: str
    stage: str
    code: str


@dataclass
class DemoResult:
    owner_email: str
    owner_password: str
    links: list[DemoLink] = field(default_factory=list)
    orders: int = 0
    customers: int = 0
    account: DemoAccount | None = None  # the business account and its first portal user's password


def _ascii(text: str) -> str:
    """'chloé.bennett' -> 'chloe.bennett' (accents folded, not dropped)."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def database_is_empty(session: Session) -> bool:
    staff = session.exec(select(func.count()).select_from(StaffUser)).one()
    orders = session.exec(select(func.count()).select_from(Order)).one()
    return staff == 0 and orders == 0


def generate_password() -> str:
    """Four groups of random letters/digits: 23 characters, ~119 bits."""
    alphabet = "abcdefghijkmnopqrstuvwxyz23456789"
    return "-".join("".join(secrets.choice(alphabet) for _ in range(5)) for _ in range(4))


def _shop(session: Session) -> ShopSettings:
    shop = ShopSettings(
        id=1,
        name="FixPoint Repairs",
        currency="GBP",
        tax_label="VAT",
        tax_rate_bp=2000,
        accent_color="#0f766e",
        welcome_message="Thanks for choosing FixPoint. Follow your repair here; we'll keep this page up to date.",
        terms_text=(
            "1. We will not start chargeable work until you approve a quote.\n"
            "2. Back up your data: we are not responsible for data loss.\n"
            "3. Repairs carry a 90-day warranty on parts and labour.\n"
            "4. Devices not collected within 90 days of completion may be disposed of."
        ),
        access_mode=AccessMode.LINK_LAST_NAME.value,
        link_expiry_days=30,
        # Pay online through the demo's local Stripe stand-in (no money moves) until real keys are set.
        online_payments_enabled=True,
    )
    session.add(shop)
    return shop


def _locations(session: Session) -> list[Location]:
    locations = [
        Location(
            name="FixPoint Camden",
            phone="+442079460123",  # stored E.164, shown as 020 7946 0123
            email="camden@fixpoint.example",
            address="12 Parkway, London NW1 7AA",
            opening_hours_json=json.dumps(HOURS),
        ),
        Location(
            name="FixPoint Islington",
            phone="+442079460456",
            email="islington@fixpoint.example",
            address="210 Upper Street, London N1 1RQ",
            opening_hours_json=json.dumps({**HOURS, "sat": "10:00–14:00"}),
        ),
    ]
    session.add_all(locations)
    session.flush()
    return locations


def seed_demo(session: Session, secret_key: str, files_dir: Path, *, seed: int = 7) -> DemoResult:
    """Fill an empty database with the demo shop. Returns the one-time owner credentials and links."""
    rng = random.Random(seed)
    now = clock.now()
    if session.get(ShopSettings, 1) is None:
        _shop(session)
    locations = _locations(session)
    from .branding import set_logo
    from .demo_images import shop_logo

    set_logo(session, files_dir, shop_logo("FixPoint"), DEMO_ACTOR)
    if not session.exec(select(Stage)).first():
        workflow.create_default_stages(session)
    stages = workflow.active_stages(session)
    by_kind = {s.kind: s for s in stages}

    password = generate_password()
    owner = create_staff_user(
        session,
        email=DEMO_OWNER_EMAIL,
        name="Sam Carter",
        password=password,
        role=Role.OWNER,
        location_id=locations[0].id,
    )
    technicians = []
    for name, email, role, loc in [
        ("Priya Shah", "priya@demo.repairportal.test", Role.TECHNICIAN, 0),
        ("Dan Okoro", "dan@demo.repairportal.test", Role.TECHNICIAN, 1),
        ("Lucy Hale", "lucy@demo.repairportal.test", Role.FRONT_DESK, 0),
        ("Marek Zieliński", "marek@demo.repairportal.test", Role.MANAGER, 1),
    ]:
        # Unusable until the owner resets it: nobody knows this password. Full bcrypt cost, so a
        # sign-in attempt against these accounts takes as long as against any other.
        user = StaffUser(
            email=email,
            name=name,
            role=role.value,
            location_id=locations[loc].id,
            password_hash=hash_password(secrets.token_urlsafe(24)),
        )
        session.add(user)
        technicians.append(user)
    session.flush()
    owner_actor = audit.Actor("staff", owner.id, owner.email)
    for code, name, kind, price, optional in PRICE_LIST:
        price_list.create_item(
            session,
            price_list.ItemForm(name=name, price=price, code=code, kind=kind, optional_by_default=optional),
            owner_actor,
        )

    customers, texts = [], []
    for i in range(20):
        first, last = FIRST_NAMES[i], LAST_NAMES[i]
        handle = f"{first}.{last}".lower().replace("'", "").replace(" ", "")
        customer = Customer(
            first_name=first,
            last_name=last,
            email=f"{_ascii(handle)}@example.com",
            phone=f"+4477009{rng.randint(10000, 99999)}",
            company="Hughes & Co Accountants" if last == "Hughes" else "",
            email_updates=True,
        )
        session.add(customer)
        customers.append(customer)
        texts.append(rng.random() < 0.4)
    session.flush()
    for customer, wants_texts in zip(customers, texts, strict=True):
        if wants_texts:  # agreed at the counter, recorded as any intake is (services/sms_consent.py)
            sms_consent.set_consent(session, customer, True, "intake", owner_actor, wording=sms_consent.INTAKE_WORDING)

    # Spread 40 orders over the workflow: more at the early stages, a tail of collected ones.
    plan = (
        ["Booked in"] * 6
        + ["Diagnosing"] * 6
        + ["Awaiting approval"] * 6
        + ["Awaiting parts"] * 3
        + ["Repairing"] * 6
        + ["Ready for collection"] * 5
        + ["Collected"] * 8
    )
    stage_by_name = {s.name: s for s in stages}
    result = DemoResult(owner_email=owner.email, owner_password=password)
    photo_budget = 6
    for index, stage_name in enumerate(plan):
        customer = customers[index % len(customers)]
        kind, make, model, problem = DEVICES[rng.randrange(len(DEVICES))]
        device = Device(
            customer_id=customer.id,
            kind=kind,
            make=make,
            model=model,
            serial=f"{make[:2].upper()}{rng.randint(10**9, 10**10 - 1)}",
        )
        session.add(device)
        session.flush()
        booked = now - timedelta(days=rng.randint(1, 28), hours=rng.randint(0, 8))
        location = locations[index % 2]
        new = create_order(
            session,
            secret_key,
            customer=customer,
            location=location,
            device=device,
            problem=problem,
            actor=owner_actor,
            booked_in_at=booked,
            intake_condition=rng.choice(
                [
                    "Minor scuffs on the back.",
                    "Good condition.",
                    "Dent on the top corner.",
                    "Case included.",
                    "No SIM card, no case.",
                ]
            ),
            promised_at=booked + timedelta(days=rng.randint(3, 7)),
            assigned_to_id=rng.choice(technicians[:2]).id,
        )
        order = new.order
        order.accessories = rng.choice(["", "Charger", "Clear case", "Case and SIM card", ""])
        checks = ("Powers on", "Screen cracked", "Touch works", "Cameras work", "Charges", "Signs of liquid damage")
        order.intake_checks_json = json.dumps({item: rng.random() < 0.6 for item in checks})
        session.add(order)
        target = stage_by_name[stage_name]
        at = _walk_to(session, order, stages, target, booked, kind, owner_actor, rng, now)
        if stage_name in {"Ready for collection", "Collected", "Repairing"} and rng.random() < 0.8:
            _demo_payment(session, order, stage_name, owner_actor, at, rng)
        if photo_budget and index % 3 == 0:
            photo_budget -= 1
            stored = store_photo(
                device_photo(kind, seed + index, cracked="crack" in problem.lower() or "glass" in problem.lower()),
                files_dir,
            )
            session.add(
                Attachment(
                    order_id=order.id,
                    kind=AttachmentKind.PHOTO.value,
                    title="Condition at intake",
                    original_filename="intake.jpg",
                    visible_to_customer=True,
                    uploaded_by_id=owner.id,
                    created_at=booked,
                    **stored.__dict__,
                )
            )
        if index % 5 == 1:
            session.add(
                Message(
                    order_id=order.id,
                    direction=MessageDirection.FROM_CUSTOMER.value,
                    author_name=customer.full_name,
                    body="Hi, any idea when it'll be ready?",
                    created_at=at + timedelta(minutes=30),
                )
            )
            session.add(
                Message(
                    order_id=order.id,
                    direction=MessageDirection.TO_CUSTOMER.value,
                    author_staff_id=owner.id,
                    author_name="Sam at FixPoint",
                    body="Hi! We're on it — we'll update this page as soon as it moves on.",
                    created_at=at + timedelta(minutes=55),
                )
            )
        order.updated_at = at
        session.add(order)
        result.orders += 1
        if stage_name in {"Diagnosing", "Awaiting approval", "Ready for collection", "Repairing"} and not any(
            link.stage == (target.customer_label or target.name) for link in result.links
        ):
            result.links.append(
                DemoLink(order.reference, customer.last_name, target.customer_label or target.name, new.code)
            )
    result.account = seed_business_account(
        session,
        secret_key,
        locations=locations,
        stages=stages,
        actor=owner_actor,
        technician_ids=[t.id for t in technicians[:2]],
        password=generate_password(),
        seed=seed + 1,
        now=now,
        files_dir=files_dir,
    )
    result.orders += result.account.orders
    result.customers = len(customers) + 1
    session.flush()
    # Awaiting approval first: that's the one a person will want to try.
    result.links.sort(key=lambda link: link.stage != by_kind[StageKind.AWAITING_APPROVAL].customer_label)
    return result


def _walk_to(session: Session, order: Order, stages, target: Stage, booked, kind: str, actor, rng, now):
    """Move the order along the workflow to `target` (skipping the parts wait unless it is the target),
    sending a quote at the approval stage, approved if the order went past it. Returns the last time."""
    at = booked
    start = next(s.position for s in stages if s.id == order.stage_id)
    for stage in stages:
        if stage.position <= start:  # the stage it was booked in at, and the customer-requests one before it
            continue
        if stage.position > target.position:
            break
        if stage.name == "Awaiting parts" and target.name != "Awaiting parts":
            continue
        at = at + timedelta(hours=rng.randint(2, 30))
        at = min(at, now - timedelta(minutes=rng.randint(5, 600)))
        workflow.change_stage(session, order, stage, actor, at=at)
        if stage.kind == StageKind.AWAITING_APPROVAL:
            _demo_quote(session, order, kind, actor, at, decided=target.position > stage.position)
    return at


def _demo_payment(session: Session, order: Order, stage_name: str, actor, at, rng) -> None:
    """Paid in full at collection, half as a deposit before; nothing without an approved quote."""
    total = _approved_total(session, order)
    if total:
        amount = total if stage_name == "Collected" else total // 2 // 100 * 100
        payments.record_payment(
            session,
            order,
            amount,
            rng.choice(["card", "cash", "bank_transfer"]),
            actor,
            received_at=at,
            reference="Deposit" if amount < total else "",
        )


def _demo_quote(session: Session, order: Order, kind: str, actor: audit.Actor, at, *, decided: bool) -> None:
    specs = [
        quotes.LineSpec(d, q, p, *(rest or [False])) for d, q, p, *rest in QUOTE_LINES.get(kind, QUOTE_LINES["phone"])
    ]
    quote = quotes.create_quote(session, order, specs, actor, valid_until=at + timedelta(days=30))
    quotes.send_quote(session, quote, actor, at=at)
    if decided:
        quote.status = "approved"
        quote.decided_at = at + timedelta(hours=2)
        quote.decision_channel = "phone"
        quote.decided_by_name = session.get(Customer, order.customer_id).full_name
        session.add(quote)


def _approved_total(session: Session, order: Order) -> int:
    from ..models import Quote

    quote = session.exec(select(Quote).where(Quote.order_id == order.id).where(Quote.status == "approved")).first()
    return quotes.quote_totals(session, quote).total if quote else 0

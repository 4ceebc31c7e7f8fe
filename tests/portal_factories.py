"""Customer accounts for tests: a business customer and its portal users, built as the app stores them."""

from __future__ import annotations

import pyotp
from sqlmodel import Session

from repair_portal.models import Customer, PermissionGroup, PortalUser
from repair_portal.services import portal_permissions
from repair_portal.services.passwords import hash_password

PORTAL_PASSWORD = "amber lantern over the quay 7"


def business(session: Session, company: str = "Quay Works Ltd") -> Customer:
    account = Customer(first_name="", last_name="Works", company=company, kind="business")
    session.add(account)
    session.flush()
    return account


def portal_user(
    session: Session,
    *,
    email: str = "pat@quay.test",
    name: str = "Pat Quay",
    password: str | None = PORTAL_PASSWORD,
    customer: Customer | None = None,
    group: PermissionGroup | None = None,
    require_mfa: bool = False,
    active: bool = True,
) -> PortalUser:
    customer = customer or business(session)
    group = group or portal_permissions.builtin_group(session, portal_permissions.ADMIN)
    user = PortalUser(
        customer_id=customer.id,
        group_id=group.id,
        email=email,
        name=name,
        password_hash=hash_password(password, rounds=4) if password else None,
        require_mfa=require_mfa,
        active=active,
    )
    session.add(user)
    session.flush()
    return user


def code_at(secret: str, step: int) -> str:
    """The TOTP code an authenticator app shows during `step` (30-second steps since the epoch)."""
    return pyotp.TOTP(secret).generate_otp(step)

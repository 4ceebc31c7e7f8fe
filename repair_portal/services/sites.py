"""A business account's sites (an office, a depot, a clinic): staff add, edit and deactivate them. Every
function is scoped to the customer whose page it is: another customer's site id is simply unknown."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, func, select

from ..models import Customer, CustomerKind, Device, Order, Site
from . import audit

MAX_NAME = 120
MAX_ADDRESS = 500


class SiteError(ValueError):
    """A message safe to show; `field` names the form field it is about ('' for the whole form)."""

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class SiteRow:
    id: int
    name: str
    address: str
    active: bool
    assets: int
    orders: int


def site_of(session: Session, customer_id: int, site_id: int | None) -> Site | None:
    """The customer's own site, or None (another customer's id, a forged one, none)."""
    if not site_id or not customer_id:
        return None
    site = session.get(Site, site_id)
    return site if site is not None and site.customer_id == customer_id else None


def list_sites(session: Session, customer_id: int, *, active_only: bool = False) -> list[SiteRow]:
    query = select(Site).where(Site.customer_id == customer_id)
    if active_only:
        query = query.where(Site.active)
    sites = session.exec(query.order_by(Site.active.desc(), func.lower(Site.name), Site.id)).all()
    ids = [s.id for s in sites]
    assets = (
        dict(
            session.exec(
                select(Device.site_id, func.count()).where(Device.site_id.in_(ids)).group_by(Device.site_id)
            ).all()
        )
        if ids
        else {}
    )
    orders = (
        dict(
            session.exec(
                select(Order.site_id, func.count()).where(Order.site_id.in_(ids)).group_by(Order.site_id)
            ).all()
        )
        if ids
        else {}
    )
    return [SiteRow(s.id, s.name, s.address, s.active, assets.get(s.id, 0), orders.get(s.id, 0)) for s in sites]


def _business(session: Session, customer_id: int) -> Customer:
    customer = session.get(Customer, customer_id) if customer_id else None
    if customer is None:
        raise SiteError("That customer no longer exists.")
    if customer.kind != CustomerKind.BUSINESS.value:
        raise SiteError("Only business accounts have sites: make this customer a business account first.")
    return customer


def save_site(
    session: Session, customer_id: int, site_id: int | None, name: str, address: str, actor: audit.Actor
) -> Site:
    """Add (site_id None) or edit one of the account's sites. Run it in `write_session`."""
    _business(session, customer_id)
    name = " ".join(str(name or "").split())
    address = "\n".join(line.strip() for line in str(address or "").strip().splitlines() if line.strip())
    if not name:
        raise SiteError("Give the site a name, e.g. “Head office”.", "name")
    if len(name) > MAX_NAME:
        raise SiteError(f"Keep the name under {MAX_NAME} characters.", "name")
    if len(address) > MAX_ADDRESS:
        raise SiteError(f"Keep the address under {MAX_ADDRESS} characters.", "address")
    if site_id:
        site = site_of(session, customer_id, site_id)
        if site is None:
            raise SiteError("That site no longer exists. Reload the page.")
    else:
        site = Site(customer_id=customer_id, name=name)
    clash = session.exec(
        select(Site.id).where(Site.customer_id == customer_id, func.lower(Site.name) == name.lower())
    ).first()
    if clash is not None and clash != site.id:
        raise SiteError(f"This account already has a site called “{name}”.", "name")
    site.name, site.address = name, address
    session.add(site)
    session.flush()
    audit.record(session, actor, "site.saved", customer_id=customer_id, site_id=site.id, name=name, new=not site_id)
    return site


def set_active(session: Session, customer_id: int, site_id: int | None, active: bool, actor: audit.Actor) -> Site:
    """A deactivated site keeps its assets and orders (their history), it is just no longer offered."""
    site = site_of(session, customer_id, site_id)
    if site is None:
        raise SiteError("That site no longer exists. Reload the page.")
    if site.active != active:
        site.active = active
        session.add(site)
        audit.record(session, actor, "site.active", customer_id=customer_id, site_id=site.id, active=active)
    return site

"""What a customer's tracking page shows, as plain data (no ORM objects leave here)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from ..models import Customer, Device, Location, Order, ShopSettings, Stage
from . import timefmt


@dataclass(frozen=True)
class TrackingView:
    reference: str
    shop_name: str
    accent_color: str
    customer_first_name: str
    device: str
    problem: str
    booked_in_at: str
    promised_at: str
    stage_label: str
    stage_explanation: str
    stage_position: int
    stage_count: int
    location_name: str
    location_phone: str
    location_email: str
    location_address: str


def _is_public():
    return Stage.customer_explanation.is_not(None) & (Stage.customer_explanation != "")


def public_stages(session: Session) -> list[Stage]:
    """The workflow as customers see it: active stages that have a customer explanation."""
    return list(session.exec(select(Stage).where(Stage.active).where(_is_public()).order_by(Stage.position)).all())


def public_stage(session: Session, stage: Stage) -> Stage:
    """Internal stages (no customer explanation) show as the nearest earlier public stage."""
    if stage.customer_explanation:
        return stage
    earlier = session.exec(
        select(Stage).where(Stage.position < stage.position).where(_is_public()).order_by(Stage.position.desc())
    ).first()
    return earlier or stage


def tracking_view(session: Session, order_id: int) -> TrackingView:
    order = session.get(Order, order_id)
    if order is None:
        raise LookupError(order_id)
    shop = session.get(ShopSettings, 1)
    tz = shop.timezone if shop else "Europe/London"
    customer = session.get(Customer, order.customer_id)
    device = session.get(Device, order.device_id) if order.device_id else None
    location = session.get(Location, order.location_id)
    stage = public_stage(session, session.get(Stage, order.stage_id))
    public = list(session.exec(select(Stage).where(Stage.active).where(_is_public()).order_by(Stage.position)).all())
    position = next((i for i, s in enumerate(public, start=1) if s.id == stage.id), 1)
    return TrackingView(
        reference=order.reference,
        shop_name=shop.name if shop else "",
        accent_color=(location.accent_color if location and location.accent_color else None)
        or (shop.accent_color if shop else "#2563eb"),
        customer_first_name=customer.first_name if customer else "",
        device=device.label if device else "",
        problem=order.problem,
        booked_in_at=timefmt.date(order.booked_in_at, tz),
        promised_at=timefmt.date(order.promised_at, tz),
        stage_label=stage.customer_label or stage.name,
        stage_explanation=stage.customer_explanation or "",
        stage_position=position,
        stage_count=len(public),
        location_name=location.name if location else "",
        location_phone=location.phone if location else "",
        location_email=location.email if location else "",
        location_address=location.address if location else "",
    )
